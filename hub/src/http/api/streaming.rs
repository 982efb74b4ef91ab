//! The streaming API: `GET /api/v1/streaming` as a WebSocket (streams chosen by `stream=` and
//! by `{"type":"subscribe","stream":…}` messages; the token may come as the
//! `Sec-WebSocket-Protocol`, which is then echoed, as masto.js does it) and the server-sent
//! event endpoints `/api/v1/streaming/user`, `/public`, `/public/local`, `/hashtag`, … with a
//! heartbeat comment every 15 s. What each connection gets is decided in `service::streaming`.

use std::time::Duration;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;
use serde::Deserialize;

use super::{Auth, authenticate, bearer_of, query_input};
use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::http::routes::resource;
use crate::service::streaming::{self, Message, Stream, Subscription};

/// Heartbeat interval of both transports.
const HEARTBEAT: Duration = Duration::from_secs(15);
/// Connections one process holds at most.
const MAX_CONNECTIONS: usize = 20_000;
/// Largest client frame read.
const MAX_FRAME: usize = 16 * 1024;

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    resource!(cfg, "/api/v1/streaming", get => get_websocket);
    resource!(cfg, "/api/v1/streaming/", get => get_websocket);
    resource!(cfg, "/api/v1/streaming/health", get => get_health);
    resource!(cfg, "/api/v1/streaming/user", get => sse_user);
    resource!(cfg, "/api/v1/streaming/user/notification", get => sse_user_notification);
    resource!(cfg, "/api/v1/streaming/public", get => sse_public);
    resource!(cfg, "/api/v1/streaming/public/local", get => sse_public_local);
    resource!(cfg, "/api/v1/streaming/hashtag", get => sse_hashtag);
    resource!(cfg, "/api/v1/streaming/hashtag/local", get => sse_hashtag_local);
}

async fn get_health() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("OK")
}

fn check_capacity(ctx: &Ctx) -> Result<()> {
    if ctx.streams.connections() >= MAX_CONNECTIONS {
        return Err(Error::new(ErrorKind::RateLimited));
    }
    Ok(())
}

async fn sse(ctx: &Ctx, auth: Auth, stream: Stream) -> Result<HttpResponse> {
    check_capacity(ctx)?;
    let mut sub = streaming::open(ctx, auth.0);
    sub.add(stream)?;
    let mut beat = tokio::time::interval(HEARTBEAT);
    beat.tick().await;
    let first = futures_util::stream::once(async {
        Ok::<_, actix_web::Error>(web::Bytes::from_static(b":)\n\n"))
    });
    let events = futures_util::stream::unfold((sub, beat), |(mut sub, mut beat)| async move {
        let chunk = tokio::select! {
            m = sub.next() => match m {
                Some(m) => sse_frame(&m),
                None => return None,
            },
            _ = beat.tick() => ":thump\n\n".to_string(),
        };
        Some((
            Ok::<_, actix_web::Error>(web::Bytes::from(chunk)),
            (sub, beat),
        ))
    });
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/event-stream"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(first.chain(events)))
}

/// One server-sent event (`\n` line ends: Mastodon.py splits on them).
fn sse_frame(m: &Message) -> String {
    let mut out = format!("event: {}\n", m.event);
    for line in m.payload.lines() {
        out.push_str("data: ");
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');
    out
}

async fn sse_user(ctx: web::Data<Ctx>, auth: Auth) -> Result<HttpResponse> {
    sse(&ctx, auth, Stream::User).await
}

async fn sse_user_notification(ctx: web::Data<Ctx>, auth: Auth) -> Result<HttpResponse> {
    sse(&ctx, auth, Stream::UserNotification).await
}

async fn sse_public(ctx: web::Data<Ctx>, auth: Auth, req: HttpRequest) -> Result<HttpResponse> {
    let local = query_input(&req).flag("local")?;
    sse(&ctx, auth, Stream::Public { local }).await
}

async fn sse_public_local(ctx: web::Data<Ctx>, auth: Auth) -> Result<HttpResponse> {
    sse(&ctx, auth, Stream::Public { local: true }).await
}

async fn sse_hashtag(ctx: web::Data<Ctx>, auth: Auth, req: HttpRequest) -> Result<HttpResponse> {
    let tag = query_input(&req).text("tag")?;
    sse(&ctx, auth, Stream::parse("hashtag", Some(&tag))?).await
}

async fn sse_hashtag_local(
    ctx: web::Data<Ctx>,
    auth: Auth,
    req: HttpRequest,
) -> Result<HttpResponse> {
    let tag = query_input(&req).text("tag")?;
    sse(&ctx, auth, Stream::parse("hashtag:local", Some(&tag))?).await
}

/// A client's WebSocket message.
#[derive(Debug, Deserialize)]
struct ClientMessage {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    stream: String,
    #[serde(default)]
    tag: Option<String>,
}

fn ws_text(m: &Message) -> String {
    serde_json::json!({ "stream": m.stream, "event": m.event, "payload": m.payload }).to_string()
}

/// GET /api/v1/streaming (WebSocket upgrade)
async fn get_websocket(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    body: web::Payload,
) -> Result<HttpResponse> {
    check_capacity(&ctx)?;
    // The token: Authorization, access_token=, or the offered sub-protocol (echoed back).
    let offered = req
        .headers()
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty());
    let bearer = bearer_of(&req).or_else(|| offered.clone());
    let auth = authenticate(&ctx, &req, bearer).await?;
    let q = query_input(&req);
    let mut sub = streaming::open(&ctx, auth.0);
    let first = q.text("stream")?;
    if !first.is_empty() {
        sub.add(Stream::parse(&first, q.get::<String>("tag")?.as_deref())?)?;
    }
    let protocols: Vec<&str> = offered.iter().map(String::as_str).collect();
    let (resp, session, stream) = actix_ws::handle_with_protocols(&req, body, &protocols)
        .map_err(|_| Error::new(ErrorKind::BadRequest("This address speaks WebSocket.")))?;
    actix_web::rt::spawn(run_websocket(
        sub,
        session,
        stream.max_frame_size(MAX_FRAME),
    ));
    Ok(resp)
}

async fn run_websocket(
    mut sub: Subscription,
    mut session: actix_ws::Session,
    mut stream: actix_ws::MessageStream,
) {
    let mut beat = tokio::time::interval(HEARTBEAT);
    beat.tick().await;
    loop {
        tokio::select! {
            m = sub.next() => {
                let Some(m) = m else { break };
                if session.text(ws_text(&m)).await.is_err() {
                    break;
                }
            }
            msg = stream.next() => {
                match msg {
                    Some(Ok(actix_ws::Message::Text(t))) => {
                        let reply = handle_client_message(&mut sub, &t);
                        if let Some(r) = reply
                            && session.text(r).await.is_err()
                        {
                            break;
                        }
                    }
                    Some(Ok(actix_ws::Message::Ping(p))) => {
                        if session.pong(&p).await.is_err() {
                            break;
                        }
                    }
                    Some(Ok(actix_ws::Message::Close(_))) | None | Some(Err(_)) => break,
                    Some(Ok(_)) => {}
                }
            }
            _ = beat.tick() => {
                if session.ping(b"").await.is_err() {
                    break;
                }
            }
        }
    }
    let _ = session.close(None).await;
}

/// Applies a `subscribe` / `unsubscribe` message; answers an error message when it is bad.
fn handle_client_message(sub: &mut Subscription, text: &str) -> Option<String> {
    let err = |e: &str| Some(serde_json::json!({ "error": e }).to_string());
    let Ok(msg) = serde_json::from_str::<ClientMessage>(text) else {
        return err("Could not parse the message.");
    };
    let stream = match Stream::parse(&msg.stream, msg.tag.as_deref()) {
        Ok(s) => s,
        Err(e) => return err(&e.kind.safe_message()),
    };
    match msg.kind.as_str() {
        "subscribe" => match sub.add(stream) {
            Ok(()) => None,
            Err(e) => err(&e.kind.safe_message()),
        },
        "unsubscribe" => {
            sub.remove(&stream);
            None
        }
        _ => err("Unknown message type."),
    }
}
