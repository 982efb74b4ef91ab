//! A minimal WebSocket client for the client scenario (owned by client.rs's author): the
//! upgrade request as masto.js sends it (the token as the offered sub-protocol) and a reader of
//! the server's unmasked frames. Enough to hold idle connections and to see events arrive;
//! no new dependency.

use std::time::Instant;

use anyhow::{Context, Result, bail};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

/// Text frames as they arrive: when, and the text.
pub type Frames = mpsc::UnboundedReceiver<(Instant, String)>;

/// Keeps a connection's reader running; dropping it closes the connection.
pub struct Open(tokio::task::JoinHandle<()>);

impl Drop for Open {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The upgrade request for `/api/v1/streaming?stream=STREAM`.
pub fn handshake(port: u16, token: &str, stream: &str) -> String {
    format!(
        "GET /api/v1/streaming?stream={stream} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
         Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: {token}\r\n\r\n"
    )
}

/// Opens a connection, checks the 101, and reads its text frames on a task of their own.
pub async fn open(port: u16, token: &str, stream: &str) -> Result<(Open, Frames)> {
    let mut s = TcpStream::connect(("127.0.0.1", port))
        .await
        .context("connect")?;
    s.write_all(handshake(port, token, stream).as_bytes())
        .await?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = tokio::time::timeout(std::time::Duration::from_secs(10), s.read(&mut chunk))
            .await
            .context("a handshake answer within 10 s")??;
        if n == 0 {
            bail!("closed during the handshake");
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    if !head.starts_with("HTTP/1.1 101") {
        bail!("no upgrade: {}", head.lines().next().unwrap_or(""));
    }
    buf.drain(..end);
    let (tx, rx) = mpsc::unbounded_channel();
    let task = tokio::spawn(async move {
        loop {
            while let Some((opcode, payload, used)) = frame(&buf) {
                buf.drain(..used);
                if opcode == 1 {
                    let text = String::from_utf8_lossy(&payload).into_owned();
                    if tx.send((Instant::now(), text)).is_err() {
                        return;
                    }
                }
            }
            match s.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
    });
    Ok((Open(task), rx))
}

/// One complete frame at the start of `buf`: (opcode, payload, bytes used). Server frames are
/// unmasked and not fragmented here (actix-ws sends each message as one frame).
fn frame(buf: &[u8]) -> Option<(u8, Vec<u8>, usize)> {
    if buf.len() < 2 {
        return None;
    }
    let opcode = buf[0] & 0x0f;
    let masked = buf[1] & 0x80 != 0;
    let (len, mut at) = match buf[1] & 0x7f {
        126 => (
            u16::from_be_bytes(buf.get(2..4)?.try_into().ok()?) as usize,
            4,
        ),
        127 => (
            u64::from_be_bytes(buf.get(2..10)?.try_into().ok()?) as usize,
            10,
        ),
        n => (n as usize, 2),
    };
    let mask: Option<[u8; 4]> = if masked {
        let m = buf.get(at..at + 4)?.try_into().ok()?;
        at += 4;
        Some(m)
    } else {
        None
    };
    let mut payload = buf.get(at..at + len)?.to_vec();
    if let Some(m) = mask {
        for (i, b) in payload.iter_mut().enumerate() {
            *b ^= m[i % 4];
        }
    }
    Some((opcode, payload, at + len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_frames() {
        assert_eq!(
            frame(&[0x81, 2, b'h', b'i', 0x89]),
            Some((1, b"hi".to_vec(), 4))
        );
        assert_eq!(frame(&[0x81, 3, b'h']), None);
        let mut long = vec![0x81, 126, 0x01, 0x00];
        long.extend(std::iter::repeat_n(b'x', 256));
        assert_eq!(
            frame(&long).map(|f| (f.0, f.1.len(), f.2)),
            Some((1, 256, 260))
        );
    }
}
