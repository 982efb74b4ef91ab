//! A cookie-keeping HTTP client that behaves like a browser without JavaScript: it does not
//! follow redirects (tests assert them), and fills in the CSRF token of the form it loaded.

use std::sync::Arc;

/// A response, read whole.
#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub body: String,
    pub location: Option<String>,
    pub headers: reqwest::header::HeaderMap,
}

impl Resp {
    /// Panics with the body when the status differs.
    #[track_caller]
    pub fn expect_status(&self, status: u16) -> &Self {
        assert_eq!(
            self.status, status,
            "unexpected status; body:\n{}",
            self.body
        );
        self
    }

    /// Whether the body contains the text.
    pub fn has(&self, text: &str) -> bool {
        self.body.contains(text)
    }
}

/// The value of the first `name="csrf"` hidden input in a page.
pub fn csrf_of(html: &str) -> Option<String> {
    let at = html.find("name=\"csrf\" value=\"")?;
    let rest = &html[at + "name=\"csrf\" value=\"".len()..];
    Some(rest[..rest.find('"')?].to_string())
}

/// A browser session against one hub.
#[derive(Debug, Clone)]
pub struct Browser {
    pub base: String,
    client: reqwest::Client,
}

impl Browser {
    /// A new browser (empty cookie jar) for the hub at `base`, resolving test host names.
    pub fn new(base: &str, resolver: Arc<crate::net::Resolver>) -> Self {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(resolver)
            .build()
            .expect("client");
        Self {
            base: base.trim_end_matches('/').to_string(),
            client,
        }
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{}", self.base, path)
        }
    }

    async fn read(resp: reqwest::Response) -> Resp {
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let location = headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(String::from);
        let body = resp.text().await.unwrap_or_default();
        Resp {
            status,
            body,
            location,
            headers,
        }
    }

    /// GET a path (or absolute URL).
    pub async fn get(&self, path: &str) -> Resp {
        Self::read(self.client.get(self.url(path)).send().await.expect("GET")).await
    }

    /// POST a form exactly as given (no CSRF token added).
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Resp {
        Self::read(
            self.client
                .post(self.url(path))
                .form(fields)
                .send()
                .await
                .expect("POST"),
        )
        .await
    }

    /// POST a raw body with a content type.
    pub async fn post_raw(&self, path: &str, content_type: &str, body: Vec<u8>) -> Resp {
        Self::read(
            self.client
                .post(self.url(path))
                .header("content-type", content_type)
                .body(body)
                .send()
                .await
                .expect("POST"),
        )
        .await
    }

    /// Loads `page`, takes its CSRF token, and posts `fields` plus the token to `action`.
    pub async fn submit(&self, page: &str, action: &str, fields: &[(&str, &str)]) -> Resp {
        let form_page = self.get(page).await;
        let token = csrf_of(&form_page.body)
            .unwrap_or_else(|| panic!("no CSRF token on {page}: {}", form_page.status));
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf", &token));
        self.post(action, &all).await
    }

    /// Like [`Browser::submit`] for a form that succeeds: panics unless it answers with a
    /// redirect (post/redirect/get), then follows it and returns the page it leads to.
    #[track_caller]
    pub async fn submit_and_follow(
        &self,
        page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> Resp {
        let r = self.submit(page, action, fields).await;
        assert_eq!(
            r.status, 303,
            "{action}: expected a redirect, got:\n{}",
            r.body
        );
        let to = r.location.expect("a Location header");
        self.get(&to).await
    }

    /// Logs in; panics unless redirected to the channel picker.
    pub async fn login(&self, email: &str, password: &str) {
        let r = self
            .submit(
                "/login",
                "/login",
                &[("email", email), ("password", password)],
            )
            .await;
        assert_eq!(r.status, 303, "login failed: {}", r.body);
        assert_eq!(r.location.as_deref(), Some("/channels"));
    }
}
