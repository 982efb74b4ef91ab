//! Outgoing mail. `FileMailer` writes each message as an .eml file (the default, so a new hub
//! works without an SMTP server: the admin finds the verification link in the file whose path
//! is logged); `SmtpMailer` sends through a relay. Both use lettre.

use std::path::PathBuf;

use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{Config, MailMode};
use crate::error::{Error, Result, ResultExt};

/// One plain-text mail.
#[derive(Debug, Clone)]
pub struct Mail {
    /// Recipient address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
}

/// Something that delivers mail.
#[async_trait::async_trait]
pub trait Mailer: Send + Sync + std::fmt::Debug {
    /// Sends (or stores) one mail.
    async fn send(&self, mail: Mail) -> Result<()>;
}

/// Parses a recipient address exactly as [`build`] will when mailing it, and refuses what
/// would parse but not deliver: quoted local parts, domain literals (`a@[127.0.0.1]`), display
/// names, and domains that are not dotted host names. Registration validates with this, so an
/// address is refused before an account is created, never in the log afterwards.
pub fn recipient(addr: &str) -> Option<Mailbox> {
    let mailbox: Mailbox = addr.parse().ok()?;
    if mailbox.name.is_some() || mailbox.email.to_string() != addr {
        return None;
    }
    let (local, domain) = (mailbox.email.user(), mailbox.email.domain());
    if local.contains(['"', '\\', '<', '>', '(', ')', '[', ']', ',', ';', ':', ' ']) {
        return None;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    if labels.len() < 2 || !labels.iter().all(label_ok) {
        return None;
    }
    Some(mailbox)
}

fn build(from: &str, mail: &Mail) -> Result<Message> {
    let from: Mailbox = from.parse().context("parsing mail.from")?;
    let to = recipient(&mail.to)
        .ok_or_else(|| Error::invalid("email", "This is not a valid email address."))?;
    Message::builder()
        .from(from)
        .to(to)
        .subject(&mail.subject)
        .header(ContentType::TEXT_PLAIN)
        .body(mail.body.clone())
        .context("building mail")
}

/// Writes mail as `.eml` files (mode 0600) into a directory (mode 0700).
#[derive(Debug)]
pub struct FileMailer {
    dir: PathBuf,
    from: String,
}

#[async_trait::async_trait]
impl Mailer for FileMailer {
    async fn send(&self, mail: Mail) -> Result<()> {
        let msg = build(&self.from, &mail)?;
        crate::files::create_private_dir(&self.dir).context("creating mail directory")?;
        let transport = AsyncFileTransport::<Tokio1Executor>::new(&self.dir);
        let id = transport.send(msg).await.context("writing mail file")?;
        let path = self.dir.join(format!("{id}.eml"));
        // Mail carries login links: readable by the hub's user only, whatever the umask.
        crate::files::make_private(&path).context("restricting the mail file")?;
        tracing::info!(to = %mail.to, subject = %mail.subject, path = %path.display(), "mail written to file");
        Ok(())
    }
}

/// Sends mail through an SMTP relay.
#[derive(Debug)]
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: String,
}

#[async_trait::async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, mail: Mail) -> Result<()> {
        let msg = build(&self.from, &mail)?;
        self.transport
            .send(msg)
            .await
            .context("sending mail by SMTP")?;
        tracing::info!(to = %mail.to, subject = %mail.subject, "mail sent");
        Ok(())
    }
}

/// The mailer the configuration asks for.
pub fn from_config(config: &Config) -> Result<std::sync::Arc<dyn Mailer>> {
    Ok(match &config.mail {
        MailMode::File(dir) => std::sync::Arc::new(FileMailer {
            dir: dir.clone(),
            from: config.mail_from.clone(),
        }),
        MailMode::Smtp(smtp) => {
            let builder = match smtp.security.as_str() {
                "tls" => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)
                    .context("configuring SMTP relay")?,
                "starttls" => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)
                    .context("configuring SMTP relay")?,
                _ => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host),
            };
            let mut builder = builder.port(smtp.port);
            if let Some((user, pass)) = &smtp.credentials {
                builder = builder.credentials(Credentials::new(user.clone(), pass.clone()));
            }
            std::sync::Arc::new(SmtpMailer {
                transport: builder.build(),
                from: config.mail_from.clone(),
            })
        }
    })
}

#[cfg(test)]
mod tests {
    use super::recipient;

    #[test]
    fn recipients_that_would_not_deliver_are_refused() {
        assert!(recipient("alice@example.org").is_some());
        assert!(recipient("o'hara+x@example.org").is_some());
        assert!(recipient("ivan@пример.рф").is_some());
        for bad in [
            "\"<script>alert(1)</script>\"@example.org",
            "a@[127.0.0.1]",
            "Alice <alice@example.org>",
            "alice@localhost",
            "alice@-x.org",
            "alice@x..org",
            "alice@exa_mple.org",
            "not an address",
        ] {
            assert!(recipient(bad).is_none(), "{bad:?} accepted");
        }
    }
}
