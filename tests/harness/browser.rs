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
    jar: Arc<reqwest::cookie::Jar>,
    resolver: Arc<crate::net::Resolver>,
}

impl Browser {
    /// A new browser (empty cookie jar) for the hub at `base`, resolving test host names.
    pub fn new(base: &str, resolver: Arc<crate::net::Resolver>) -> Self {
        Self::with_jar(base, resolver, Arc::new(reqwest::cookie::Jar::default()))
    }

    fn with_jar(
        base: &str,
        resolver: Arc<crate::net::Resolver>,
        jar: Arc<reqwest::cookie::Jar>,
    ) -> Self {
        let client = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(resolver.clone())
            // Below the hub's 5 s keep-alive: a slow test never reuses a connection the hub is
            // closing at that moment (hyper's IncompleteMessage).
            .pool_idle_timeout(std::time::Duration::from_secs(2))
            .build()
            .expect("client");
        Self {
            base: base.trim_end_matches('/').to_string(),
            client,
            jar,
            resolver,
        }
    }

    /// A second browser holding a copy of this one's cookies as they are now (what an attacker
    /// who copied the cookie has); later changes to either jar do not reach the other.
    pub fn copy_cookies(&self) -> Self {
        let url: url::Url = self.base.parse().expect("base URL");
        let jar = Arc::new(reqwest::cookie::Jar::default());
        if let Some(header) = reqwest::cookie::CookieStore::cookies(&*self.jar, &url) {
            for pair in header.to_str().expect("cookie header").split("; ") {
                jar.add_cookie_str(pair, &url);
            }
        }
        Self::with_jar(&self.base, self.resolver.clone(), jar)
    }

    /// The `Cookie` header this browser sends to its hub (for raw requests).
    pub fn cookie_header(&self) -> String {
        let url: url::Url = self.base.parse().expect("base URL");
        reqwest::cookie::CookieStore::cookies(&*self.jar, &url)
            .map(|h| h.to_str().expect("cookie header").to_string())
            .unwrap_or_default()
    }

    /// Sends a request with any method and extra headers.
    pub async fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Resp {
        let mut req = self.client.request(method, self.url(path)).body(body);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        Self::read(req.send().await.expect("request")).await
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

    /// GETs a URL and follows redirects across hubs (as a browser would, with this jar), at
    /// most 10; returns the last answer and every URL requested, in order.
    pub async fn follow(&self, start: &str) -> (Resp, Vec<String>) {
        let mut url = url::Url::parse(&self.url(start)).expect("a URL");
        let mut visited = Vec::new();
        for _ in 0..10 {
            visited.push(url.to_string());
            let r = self.get(url.as_str()).await;
            match (&r.location, r.status) {
                (Some(to), 301 | 302 | 303 | 307 | 308) => {
                    url = url.join(to).expect("a redirect URL");
                }
                _ => return (r, visited),
            }
        }
        panic!("more than 10 redirects: {visited:?}");
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

/// Sends one raw HTTP/1.1 request over TCP exactly as given (no path normalisation, unlike an
/// HTTP client) and returns the status and the whole answer. Bounded: gives up after 15 s.
pub async fn raw_request(addr: std::net::SocketAddr, request: &[u8]) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let work = async {
        let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
        stream.write_all(request).await.expect("write");
        let mut out = Vec::new();
        if let Err(e) = stream.read_to_end(&mut out).await {
            eprintln!("raw_request read error: {e}");
        }
        out
    };
    let out = tokio::time::timeout(std::time::Duration::from_secs(15), work)
        .await
        .expect("the hub answered within 15 s");
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

/// A raw `GET path` with `Connection: close`.
pub async fn raw_get(addr: std::net::SocketAddr, path: &str) -> (u16, String) {
    let req = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    raw_request(addr, req.as_bytes()).await
}
