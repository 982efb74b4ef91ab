//! Mail through SMTP: a hub configured for an SMTP relay delivers the verification mail to it.
//! The relay is a minimal SMTP listener on loopback that records what it receives.

use std::sync::{Arc, Mutex};

use hub::config::{MailMode, SmtpConfig};
use hub_tests::TestNet;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// Accepts SMTP sessions and stores each message's DATA.
async fn smtp_sink(listener: tokio::net::TcpListener, store: Arc<Mutex<Vec<String>>>) {
    while let Ok((stream, _)) = listener.accept().await {
        let store = store.clone();
        tokio::spawn(async move {
            let (read, mut write) = stream.into_split();
            let mut lines = BufReader::new(read).lines();
            let _ = write.write_all(b"220 sink ESMTP\r\n").await;
            let mut in_data = false;
            let mut data = String::new();
            while let Ok(Some(line)) = lines.next_line().await {
                if in_data {
                    if line == "." {
                        in_data = false;
                        store.lock().unwrap().push(std::mem::take(&mut data));
                        let _ = write.write_all(b"250 queued\r\n").await;
                    } else {
                        data.push_str(&line);
                        data.push('\n');
                    }
                    continue;
                }
                let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
                let reply: &[u8] = match verb.as_str() {
                    "EHLO" | "HELO" => b"250 sink\r\n",
                    "DATA" => {
                        in_data = true;
                        b"354 go ahead\r\n"
                    }
                    "QUIT" => {
                        let _ = write.write_all(b"221 bye\r\n").await;
                        break;
                    }
                    _ => b"250 ok\r\n",
                };
                let _ = write.write_all(reply).await;
            }
        });
    }
}

#[actix_web::test]
async fn verification_mail_goes_out_through_smtp_when_configured() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = Arc::new(Mutex::new(Vec::new()));
    tokio::spawn(smtp_sink(listener, received.clone()));
    let net = TestNet::start_with(&["alpha"], |c| {
        c.mail = MailMode::Smtp(SmtpConfig {
            host: "127.0.0.1".into(),
            port,
            security: "none".into(),
            credentials: None,
        });
    })
    .await;
    let hub = net.hub("alpha");
    let b = hub.browser();
    b.submit_and_follow(
        "/register",
        "/register",
        &[
            ("email", "smtp@example.org"),
            ("password", crate::accounts::PW),
        ],
    )
    .await
    .expect_status(200);
    let mails = received.lock().unwrap().clone();
    assert_eq!(mails.len(), 1, "one mail relayed");
    let text = hub_tests::mail::decode_qp(&mails[0]);
    assert!(text.contains("To: smtp@example.org"), "{text}");
    let link = hub_tests::mail::link_with(&text, "/verify/").expect("verification link");
    assert!(link.starts_with(&hub.base_url), "{link}");
    b.get(&link).await.expect_status(200);
    assert!(
        !hub.mail_dir().exists(),
        "nothing written to files in SMTP mode"
    );
    net.stop().await;
}
