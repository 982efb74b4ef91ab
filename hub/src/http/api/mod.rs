//! The Mastodon-compatible client API over HTTP (`/api/v1`, `/api/v2`, `/oauth`): the bearer
//! token extractor (with the per-token rate limit), the request body reader that takes JSON,
//! forms and multipart alike (apps send all three), JSON answers and `Link` pagination. The
//! sections live in the submodules; every handler calls `service::client_api` (or
//! `service::oauth`, `service::streaming`). Errors are JSON (`http::errors::api_error`).

pub mod accounts;
pub mod instance;
mod media;
pub mod oauth;
pub mod statuses;
pub mod streaming;
pub mod timelines;

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::service::channel::Channel;
use crate::service::client_api::{Page, Paging};
use crate::service::oauth::Caller;

/// Registers every client API route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    oauth::configure(cfg);
    instance::configure(cfg);
    accounts::configure(cfg);
    statuses::configure(cfg);
    media::configure(cfg);
    timelines::configure(cfg);
    streaming::configure(cfg);
}

/// The bearer token of a request: `Authorization: Bearer …`, or `access_token=` in the query
/// (streaming clients), or for WebSockets the `Sec-WebSocket-Protocol` header.
pub fn bearer_of(req: &HttpRequest) -> Option<String> {
    if let Some(v) = req.headers().get(header::AUTHORIZATION)
        && let Ok(v) = v.to_str()
    {
        let mut parts = v.splitn(2, ' ');
        if parts
            .next()
            .is_some_and(|s| s.eq_ignore_ascii_case("bearer"))
        {
            return parts.next().map(|t| t.trim().to_string());
        }
        return Some(String::new());
    }
    if let Some(q) = req.uri().query() {
        for (k, v) in url::form_urlencoded::parse(q.as_bytes()) {
            if k == "access_token" {
                return Some(v.into_owned());
            }
        }
    }
    None
}

/// Who calls: `None` without a token; a token that is present but not valid is a 401.
/// Counts the call against the token's (or the address's) rate limit.
#[derive(Debug, Clone)]
pub struct Auth(pub Option<Caller>);

impl Auth {
    /// The caller's channel, with `scope` granted (401 without a channel token, 403 without
    /// the scope).
    pub fn need(&self, scope: &str) -> Result<&Channel> {
        match &self.0 {
            Some(c) => c.need(scope),
            None => Err(Error::new(ErrorKind::Unauthorized(
                "The access token is invalid",
            ))),
        }
    }

    /// The caller's channel when there is one and it has `scope` (reads that work without
    /// a token too, such as public timelines).
    pub fn viewer(&self, scope: &str) -> Result<Option<&Channel>> {
        match &self.0 {
            Some(c) => {
                c.need_scope(scope)?;
                Ok(c.channel.as_ref())
            }
            None => Ok(None),
        }
    }
}

/// Resolves a request's caller (for extractors and the streaming handlers).
pub async fn authenticate(ctx: &Ctx, req: &HttpRequest, bearer: Option<String>) -> Result<Auth> {
    let now = ctx.clock.now();
    let per_minute = ctx.config.limits.api_per_minute;
    let window = chrono::Duration::minutes(1);
    match bearer {
        Some(b) => {
            let caller = crate::service::oauth::authenticate(ctx, &b).await?;
            ctx.limiter
                .hit_token("api", caller.token_id, per_minute, window, now)?;
            Ok(Auth(Some(caller)))
        }
        None => {
            let ip = crate::http::web::client_ip(ctx, req);
            ctx.limiter.hit("api", ip, per_minute, window, now)?;
            Ok(Auth(None))
        }
    }
}

impl FromRequest for Auth {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = std::result::Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let ctx = req
                .app_data::<web::Data<Ctx>>()
                .cloned()
                .ok_or_else(|| Error::new(ErrorKind::Internal))?;
            let bearer = bearer_of(&req);
            Ok(authenticate(&ctx, &req, bearer).await?)
        })
    }
}

/// Longest text field of a multipart body.
const MAX_MULTIPART_FIELD: usize = 64 * 1024;

/// A request's parameters as one JSON object, whatever the body: JSON, a form
/// (`key[]=` lists, `key[0][name]=` nested objects) or multipart text fields; the query
/// string's parameters are added under the body's. Types are read leniently afterwards
/// ([`Input::get`]): forms carry only strings.
#[derive(Debug, Clone, Default)]
pub struct Input(pub Map<String, Value>);

fn bad_body() -> Error {
    Error::new(ErrorKind::BadRequest("The request body could not be read."))
}

/// Inserts a form pair, reading `a[]` as a list and `a[b]` / `a[0][b]` as nesting.
fn insert_pair(map: &mut Map<String, Value>, key: &str, value: String) {
    let (head, rest) = match key.find('[') {
        Some(i) => (&key[..i], &key[i..]),
        None => (key, ""),
    };
    let mut path: Vec<&str> = Vec::new();
    let mut r = rest;
    while let Some(stripped) = r.strip_prefix('[') {
        match stripped.find(']') {
            Some(end) => {
                path.push(&stripped[..end]);
                r = &stripped[end + 1..];
            }
            None => break,
        }
    }
    if path.len() > 4 {
        return;
    }
    fn put(slot: &mut Value, path: &[&str], value: String) {
        match path.split_first() {
            None => *slot = Value::String(value),
            Some((&"", rest)) => {
                if !slot.is_array() {
                    *slot = Value::Array(Vec::new());
                }
                if let Value::Array(a) = slot
                    && a.len() < 1000
                {
                    let mut v = Value::Null;
                    put(&mut v, rest, value);
                    a.push(v);
                }
            }
            Some((k, rest)) => {
                if !slot.is_object() {
                    *slot = Value::Object(Map::new());
                }
                if let Value::Object(m) = slot {
                    let entry = m.entry(k.to_string()).or_insert(Value::Null);
                    put(entry, rest, value);
                }
            }
        }
    }
    let slot = map.entry(head.to_string()).or_insert(Value::Null);
    put(slot, &path, value);
}

impl Input {
    /// Reads a field leniently into `T` (strings "1"/"true" for booleans, numbers as strings,
    /// one value for a list); a field of the wrong shape is a 422 naming it.
    pub fn get<T: DeserializeOwned>(&self, key: &'static str) -> Result<Option<T>> {
        let Some(v) = self.0.get(key).filter(|v| !v.is_null()) else {
            return Ok(None);
        };
        if let Ok(t) = serde_json::from_value::<T>(v.clone()) {
            return Ok(Some(t));
        }
        let alt = match v {
            Value::String(s) => match s.as_str() {
                "1" | "true" | "True" | "on" => Some(Value::Bool(true)),
                "0" | "false" | "False" | "off" | "" => Some(Value::Bool(false)),
                _ => None,
            },
            Value::Number(n) => Some(Value::String(n.to_string())),
            Value::Bool(b) => Some(Value::String(b.to_string())),
            _ => None,
        };
        if let Some(a) = alt
            && let Ok(t) = serde_json::from_value::<T>(a)
        {
            return Ok(Some(t));
        }
        if !v.is_array()
            && let Ok(t) = serde_json::from_value::<T>(Value::Array(vec![v.clone()]))
        {
            return Ok(Some(t));
        }
        Err(Error::invalid(key, format!("{key} has the wrong type.")))
    }

    /// A text field, empty when absent.
    pub fn text(&self, key: &'static str) -> Result<String> {
        Ok(self.get::<String>(key)?.unwrap_or_default())
    }

    /// A list of text (`key[]=`, a JSON array, or one value).
    pub fn list(&self, key: &'static str) -> Result<Vec<String>> {
        Ok(self.get::<Vec<String>>(key)?.unwrap_or_default())
    }

    /// A boolean, `false` when absent.
    pub fn flag(&self, key: &'static str) -> Result<bool> {
        Ok(self.get::<bool>(key)?.unwrap_or(false))
    }
}

impl FromRequest for Input {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = std::result::Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            let limit = req
                .app_data::<web::Data<Ctx>>()
                .map_or(1024 * 1024, |c| c.config.max_body_bytes);
            let ctype = req
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_ascii_lowercase();
            let mut map = Map::new();
            if ctype.starts_with("multipart/form-data") {
                let mut mp = actix_multipart::Multipart::new(req.headers(), payload);
                let mut total = 0usize;
                while let Some(field) = mp.next().await {
                    let mut field = field.map_err(|_| bad_body())?;
                    let name = field.name().unwrap_or("").to_string();
                    let is_file = field
                        .content_disposition()
                        .and_then(|d| d.get_filename())
                        .is_some();
                    let mut bytes = Vec::new();
                    while let Some(chunk) = field.next().await {
                        let chunk = chunk.map_err(|_| bad_body())?;
                        total += chunk.len();
                        if total > limit || bytes.len() + chunk.len() > MAX_MULTIPART_FIELD {
                            return Err(Error::new(ErrorKind::TooLarge).into());
                        }
                        bytes.extend_from_slice(&chunk);
                    }
                    if is_file {
                        return Err(
                            Error::invalid("file", "File uploads are not supported yet.").into(),
                        );
                    }
                    let text = String::from_utf8(bytes).map_err(|_| bad_body())?;
                    insert_pair(&mut map, &name, text);
                }
            } else {
                let mut body = web::BytesMut::new();
                while let Some(chunk) = payload.next().await {
                    let chunk = chunk.map_err(|e| match e {
                        actix_web::error::PayloadError::Overflow => Error::new(ErrorKind::TooLarge),
                        _ => bad_body(),
                    })?;
                    if body.len() + chunk.len() > limit {
                        return Err(Error::new(ErrorKind::TooLarge).into());
                    }
                    body.extend_from_slice(&chunk);
                }
                let trimmed = body.iter().all(|b| b.is_ascii_whitespace());
                if trimmed {
                    // No body.
                } else if ctype.starts_with("application/json") || ctype.ends_with("+json") {
                    match serde_json::from_slice::<Value>(&body) {
                        Ok(Value::Object(m)) => map = m,
                        Ok(_) | Err(_) => {
                            return Err(Error::new(ErrorKind::BadRequest(
                                "The JSON body could not be read.",
                            ))
                            .into());
                        }
                    }
                } else if ctype.is_empty() || ctype.starts_with("application/x-www-form-urlencoded")
                {
                    for (k, v) in url::form_urlencoded::parse(&body) {
                        insert_pair(&mut map, &k, v.into_owned());
                    }
                } else {
                    return Err(Error::new(ErrorKind::BadRequest(
                        "Send JSON, a form or multipart form data.",
                    ))
                    .into());
                }
            }
            if let Some(q) = req.uri().query() {
                let mut query = Map::new();
                for (k, v) in url::form_urlencoded::parse(q.as_bytes()) {
                    insert_pair(&mut query, &k, v.into_owned());
                }
                for (k, v) in query {
                    map.entry(k).or_insert(v);
                }
            }
            Ok(Input(map))
        })
    }
}

/// The query string as [`Input`] (GET handlers).
pub fn query_input(req: &HttpRequest) -> Input {
    let mut map = Map::new();
    if let Some(q) = req.uri().query() {
        for (k, v) in url::form_urlencoded::parse(q.as_bytes()) {
            insert_pair(&mut map, &k, v.into_owned());
        }
    }
    Input(map)
}

/// The paging parameters of a list request.
pub fn paging(input: &Input) -> Result<Paging> {
    let s = |k: &'static str| input.get::<String>(k);
    Paging::parse(
        s("max_id")?.as_deref(),
        s("since_id")?.as_deref(),
        s("min_id")?.as_deref(),
        s("limit")?.as_deref(),
    )
}

/// A JSON answer.
pub fn json(value: &impl serde::Serialize) -> HttpResponse {
    HttpResponse::Ok().json(value)
}

/// A page as JSON with its `Link` header (next first, as toot expects), keeping the request's
/// other query parameters.
pub fn paged<T: serde::Serialize>(ctx: &Ctx, req: &HttpRequest, page: &Page<T>) -> HttpResponse {
    let keep: Vec<(String, String)> = req
        .uri()
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .filter(|(k, _)| !matches!(k.as_str(), "max_id" | "since_id" | "min_id"))
                .collect()
        })
        .unwrap_or_default();
    let link = |key: &str, id: i64| {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &keep {
            q.append_pair(k, v);
        }
        q.append_pair(key, &id.to_string());
        format!("{}{}?{}", ctx.uris.base(), req.path(), q.finish()).replace(',', "%2C")
    };
    let mut links = Vec::new();
    if let Some(id) = page.next_max_id {
        links.push(format!("<{}>; rel=\"next\"", link("max_id", id)));
    }
    if let Some(id) = page.prev_min_id {
        links.push(format!("<{}>; rel=\"prev\"", link("min_id", id)));
    }
    let mut resp = HttpResponse::Ok();
    if !links.is_empty() {
        resp.insert_header((header::LINK, links.join(", ")));
    }
    resp.json(&page.items)
}

/// `{}`: what Mastodon answers when there is nothing to say (clients need a JSON body).
pub fn empty() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_keys_nest_and_list() {
        let mut m = Map::new();
        insert_pair(&mut m, "media_ids[]", "1".into());
        insert_pair(&mut m, "media_ids[]", "2".into());
        insert_pair(&mut m, "fields_attributes[0][name]", "Homepage".into());
        insert_pair(&mut m, "fields_attributes[0][value]", "https://x".into());
        insert_pair(&mut m, "status", "hi".into());
        let v = Value::Object(m);
        assert_eq!(v["media_ids"], serde_json::json!(["1", "2"]));
        assert_eq!(v["fields_attributes"]["0"]["name"], "Homepage");
        assert_eq!(v["status"], "hi");
    }

    #[test]
    fn fields_are_read_leniently() {
        let mut m = Map::new();
        m.insert("sensitive".into(), Value::String("1".into()));
        m.insert("in_reply_to_id".into(), serde_json::json!(42));
        m.insert("id".into(), Value::String("abc".into()));
        m.insert("bad".into(), serde_json::json!({"x": 1}));
        let i = Input(m);
        assert_eq!(i.get::<bool>("sensitive").unwrap(), Some(true));
        assert_eq!(
            i.get::<String>("in_reply_to_id").unwrap(),
            Some("42".into())
        );
        assert_eq!(i.list("id").unwrap(), vec!["abc".to_string()]);
        assert!(i.get::<bool>("bad").is_err());
    }
}
