//! The one place that builds the URLs and addresses this hub hands out: channel and item URLs,
//! Zot endpoints, webfinger subjects, `nick@host` addresses and mailed links. Everything is
//! derived from the configured base URL (`site.base_url`), held once here.

use url::Url;

/// URL builder for one hub. Cheap to clone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uris {
    base: String,
    authority: String,
    https: bool,
}

impl Uris {
    /// Builds from the validated base URL (scheme, host, optional port, no path).
    pub fn new(base_url: &Url) -> Self {
        let host = base_url.host_str().unwrap_or_default();
        let authority = match base_url.port() {
            Some(p) => format!("{host}:{p}"),
            None => host.to_string(),
        };
        Self {
            base: base_url.as_str().trim_end_matches('/').to_string(),
            authority,
            https: base_url.scheme() == "https",
        }
    }

    /// The base URL without a trailing slash (`z_root()` in Hubzilla).
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Host, plus the port when the base URL names one: the part after `@` in addresses.
    pub fn authority(&self) -> &str {
        &self.authority
    }

    /// Whether the hub is reached over https.
    pub fn is_https(&self) -> bool {
        self.https
    }

    /// `nick@host`.
    pub fn address(&self, nick: &str) -> String {
        format!("{nick}@{}", self.authority)
    }

    /// `acct:nick@host`, the webfinger subject of a channel.
    pub fn acct(&self, nick: &str) -> String {
        format!("acct:{}", self.address(nick))
    }

    /// Path of a channel page (also its Zot id URL, keyId and channel-info endpoint).
    pub fn channel_path(nick: &str) -> String {
        format!("/channel/{nick}")
    }

    /// A channel's URL: `<base>/channel/<nick>`.
    pub fn channel(&self, nick: &str) -> String {
        format!("{}{}", self.base, Self::channel_path(nick))
    }

    /// Path of an item permalink.
    pub fn item_path(uuid: &str) -> String {
        format!("/item/{uuid}")
    }

    /// An item's message id (and permalink): `<base>/item/<uuid>`.
    pub fn item(&self, uuid: &str) -> String {
        format!("{}{}", self.base, Self::item_path(uuid))
    }

    /// Path of a cloud file's permalink.
    pub fn file_path(hash: &str) -> String {
        format!("/file/{hash}")
    }

    /// A cloud file's permalink.
    pub fn file(&self, hash: &str) -> String {
        format!("{}{}", self.base, Self::file_path(hash))
    }

    /// A cloud file's thumbnail (images).
    pub fn thumbnail(&self, hash: &str) -> String {
        format!("{}/thumb", self.file(hash))
    }

    /// Where this hub serves identity images, local and remote channels alike.
    pub const PHOTO_PATH: &'static str = "/photo";

    /// Path of an identity image: `/photo/<portable id>/<l|m|s|cover>`.
    pub fn photo_path(hash: &str, kind: &str) -> String {
        format!("{}/{hash}/{kind}", Self::PHOTO_PATH)
    }

    /// An identity image's path for pages, with `?rev=` naming its version (so it may be
    /// cached for long and a change is seen at once); `None`: the generated avatar.
    pub fn photo_link(hash: &str, kind: &str, rev: Option<i64>) -> String {
        match rev {
            Some(r) => format!("{}?rev={r}", Self::photo_path(hash, kind)),
            None => Self::photo_path(hash, kind),
        }
    }

    /// An identity image's URL, as channel info advertises it.
    pub fn photo(&self, hash: &str, kind: &str) -> String {
        format!("{}{}", self.base, Self::photo_path(hash, kind))
    }

    /// The queue destination of fetches of remote photos from the server of `url` (its origin
    /// and [`Uris::PHOTO_PATH`]: one backoff per server), `None` for a URL that is not http(s).
    pub fn photo_fetch_dest(url: &str) -> Option<String> {
        let u = Url::parse(url).ok()?;
        if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none() {
            return None;
        }
        Some(format!(
            "{}{}",
            u.origin().ascii_serialization(),
            Self::PHOTO_PATH
        ))
    }

    /// Path of a channel's WebDAV root (no trailing slash).
    pub fn dav_path(nick: &str) -> String {
        format!("/dav/{nick}")
    }

    /// A channel's WebDAV root, for clients.
    pub fn dav(&self, nick: &str) -> String {
        format!("{}{}/", self.base, Self::dav_path(nick))
    }

    /// The Zot endpoint of this hub (`hubloc_callback`, site `post`).
    pub fn zot_endpoint(&self) -> String {
        format!("{}/zot", self.base)
    }

    /// Where a location serves its channels' file contents to their other locations
    /// (Hubzilla's `/getfile`, zot6.md §6.3).
    pub const GETFILE_PATH: &'static str = "/getfile";

    /// The `/getfile` endpoint of the location at `base` (a base URL, this hub's or another's).
    pub fn getfile_at(base: &str) -> String {
        format!("{}{}", base.trim_end_matches('/'), Self::GETFILE_PATH)
    }

    /// The OpenWebAuth endpoint.
    pub fn owa(&self) -> String {
        format!("{}/owa", self.base)
    }

    /// The magic-auth redirector.
    pub fn magic(&self) -> String {
        format!("{}/magic", self.base)
    }

    /// The portable-contacts URL of a channel.
    pub fn poco(&self, nick: &str) -> String {
        format!("{}/poco/{nick}", self.base)
    }

    /// The follow template (`%s` stands for the address to follow).
    pub fn follow_template(&self) -> String {
        format!("{}/follow?f=&url=%s", self.base)
    }

    /// The email verification link for a token.
    pub fn verify_link(&self, token: &str) -> String {
        format!("{}/verify/{token}", self.base)
    }

    /// The password reset link for a token.
    pub fn reset_link(&self, token: &str) -> String {
        format!("{}/reset/{token}", self.base)
    }

    /// A page of this hub by path (`/login`).
    pub fn page(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A link to a page on another hub for a person logged in here as `address`: it carries
    /// `zid=<address>` so that hub can have this one sign them in (OpenWebAuth). Links to this
    /// hub, links that are not URLs, and anonymous viewers get the URL unchanged.
    pub fn with_zid(&self, url: &str, address: Option<&str>) -> String {
        let (Some(addr), Ok(mut u)) = (address, Url::parse(url)) else {
            return url.to_string();
        };
        if !matches!(u.scheme(), "http" | "https") || u.origin().ascii_serialization() == self.base
        {
            return url.to_string();
        }
        u.query_pairs_mut().append_pair("zid", addr);
        u.to_string()
    }

    /// The nickname of one of this hub's channel URLs (`<base>/channel/<nick>`), if it is one.
    pub fn nick_of_channel_url<'a>(&self, url: &'a str) -> Option<&'a str> {
        let rest = url.strip_prefix(&self.base)?.strip_prefix("/channel/")?;
        (!rest.is_empty() && !rest.contains(['/', '?', '#'])).then_some(rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_site_links_carry_zid_for_someone_logged_in() {
        let u = Uris::new(&Url::parse("https://hub.example").unwrap());
        assert_eq!(
            u.with_zid(
                "https://other.example/channel/bob",
                Some("alice@hub.example")
            ),
            "https://other.example/channel/bob?zid=alice%40hub.example"
        );
        assert_eq!(
            u.with_zid(
                "https://other.example/channel/bob?x=1",
                Some("a@hub.example")
            ),
            "https://other.example/channel/bob?x=1&zid=a%40hub.example"
        );
        for (url, who) in [
            ("https://hub.example/channel/carl", Some("a@hub.example")),
            ("https://other.example/channel/bob", None),
            ("javascript:alert(1)", Some("a@hub.example")),
            ("", Some("a@hub.example")),
        ] {
            assert_eq!(u.with_zid(url, who), url);
        }
    }

    #[test]
    fn every_url_derives_from_the_base() {
        let u = Uris::new(&Url::parse("https://hub.example.org").unwrap());
        assert_eq!(u.base(), "https://hub.example.org");
        assert_eq!(u.address("alice"), "alice@hub.example.org");
        assert_eq!(u.acct("alice"), "acct:alice@hub.example.org");
        assert_eq!(u.channel("alice"), "https://hub.example.org/channel/alice");
        assert_eq!(u.item("x-1"), "https://hub.example.org/item/x-1");
        assert_eq!(u.zot_endpoint(), "https://hub.example.org/zot");
        assert_eq!(u.photo("h1", "l"), "https://hub.example.org/photo/h1/l");
        assert_eq!(Uris::photo_link("h1", "m", Some(7)), "/photo/h1/m?rev=7");
        assert_eq!(Uris::photo_link("h1", "s", None), "/photo/h1/s");
        assert_eq!(
            Uris::photo_fetch_dest("https://other.example:8443/photo/profile/l/3").as_deref(),
            Some("https://other.example:8443/photo")
        );
        assert_eq!(Uris::photo_fetch_dest("file:///etc/passwd"), None);
        assert!(u.is_https());
        let p = Uris::new(&Url::parse("http://127.0.0.1:8080/").unwrap());
        assert_eq!(p.address("bob"), "bob@127.0.0.1:8080");
        assert_eq!(p.channel("bob"), "http://127.0.0.1:8080/channel/bob");
        assert_eq!(
            p.nick_of_channel_url("http://127.0.0.1:8080/channel/bob"),
            Some("bob")
        );
        assert_eq!(p.nick_of_channel_url("http://other/channel/bob"), None);
        assert_eq!(
            p.nick_of_channel_url("http://127.0.0.1:8080/channel/bob/x"),
            None
        );
    }
}
