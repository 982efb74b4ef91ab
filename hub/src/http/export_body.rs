//! A channel's export as a response body, streamed: `service::export` writes on the blocking
//! pool into a bounded channel that the response reads from, so a large channel needs no
//! memory for the whole file and a client that goes away stops the writer.

use std::io::Write;

use actix_web::{HttpResponse, web};

use crate::ctx::Ctx;
use crate::service;
use crate::service::channel::Channel;

/// A `Write` that hands what is written to the response body, chunk by chunk.
struct BodyWriter(tokio::sync::mpsc::Sender<web::Bytes>);

impl Write for BodyWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .blocking_send(web::Bytes::copy_from_slice(buf))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "client gone"))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The export of `channel` as a JSON response; with `filename`, as a download.
pub fn response(ctx: &Ctx, channel: Channel, filename: Option<String>) -> HttpResponse {
    let (tx, rx) = tokio::sync::mpsc::channel::<web::Bytes>(16);
    let c2 = ctx.clone();
    actix_web::rt::spawn(async move {
        let writer = std::io::BufWriter::with_capacity(64 * 1024, BodyWriter(tx));
        if let Err(e) = service::export::write(&c2, &channel, writer).await {
            tracing::warn!(error = %e, "a streamed export stopped");
        }
    });
    // Fused: the body may be polled again after its end.
    let body =
        futures_util::StreamExt::fuse(futures_util::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|b| (Ok::<_, actix_web::Error>(b), rx))
        }));
    let mut resp = HttpResponse::Ok();
    resp.content_type("application/json")
        .insert_header(("Cache-Control", "no-store"));
    if let Some(name) = filename {
        resp.insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{name}\""),
        ));
    }
    resp.streaming(body)
}
