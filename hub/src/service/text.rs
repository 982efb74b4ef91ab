//! User text to safe HTML: Markdown (pulldown-cmark) or Hubzilla's BBCode (bbscope), then
//! sanitising (ammonia, which removes scripts, event handlers, styles and `javascript:` URLs).
//! Everything user-written that is shown as HTML goes through [`markdown_to_safe_html`],
//! [`Bbcode::to_safe_html`] or [`sanitize_html`].

use std::sync::Arc;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};

/// Hubzilla's BBCode to safe HTML: bbscope's extended tag set plus Hubzilla's `[zrl]` and
/// `[zmg]` (links and images that carry the viewer's identity there; plain ones here). Built
/// once per hub (the parser compiles its patterns), kept in the hub's `Ctx`.
#[derive(Clone)]
pub struct Bbcode(Option<bbscope::BBCode>);

impl std::fmt::Debug for Bbcode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Bbcode")
    }
}

impl Default for Bbcode {
    fn default() -> Self {
        Self::new()
    }
}

impl Bbcode {
    /// The parser (escaped text only, if it could not be built).
    pub fn new() -> Self {
        use bbscope::{BBCode, BBCodeTagConfig, MatchInfo, ScopeInfo};
        fn attr_or(o: &Option<regex::Captures>, body: &str) -> String {
            o.as_ref()
                .and_then(|c| c.name("attr"))
                .map(|a| html_escape::encode_double_quoted_attribute(a.as_str()).to_string())
                .unwrap_or_else(|| body.to_string())
        }
        let build = || -> Option<BBCode> {
            let mut extra: Vec<MatchInfo> = Vec::new();
            let link = ScopeInfo {
                only: Some(BBCode::plaintext_ids()),
                double_closes: false,
                emit: Arc::new(|o, b, _| format!(r#"<a href="{}">{b}</a>"#, attr_or(&o, b))),
            };
            let image = ScopeInfo {
                only: Some(BBCode::plaintext_ids()),
                double_closes: false,
                emit: Arc::new(|o, b, _| format!(r#"<img src="{}">"#, attr_or(&o, b))),
            };
            BBCode::add_tagmatcher(&mut extra, "zrl", link, None, None).ok()?;
            BBCode::add_tagmatcher(&mut extra, "zmg", image, None, None).ok()?;
            BBCode::from_config(BBCodeTagConfig::extended(), Some(extra)).ok()
        };
        Self(build())
    }

    /// Renders BBCode and sanitises the result.
    pub fn to_safe_html(&self, source: &str) -> String {
        match &self.0 {
            Some(parser) => sanitize_html(&parser.parse(source)),
            None => sanitize_html(&html_escape::encode_text(source)),
        }
    }
}

/// Renders Markdown and sanitises the result.
pub fn markdown_to_safe_html(source: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_TASKLISTS);
    let parser = Parser::new_ext(source, options);
    let mut raw = String::with_capacity(source.len() * 2);
    html::push_html(&mut raw, linkify_text(parser));
    sanitize_html(&raw)
}

/// Bare `http(s)://` URLs in text become links; text inside links, images and code stays as is.
fn linkify_text<'a>(events: impl Iterator<Item = Event<'a>>) -> impl Iterator<Item = Event<'a>> {
    let mut finder = linkify::LinkFinder::new();
    finder.kinds(&[linkify::LinkKind::Url]);
    let mut inside = 0usize;
    events.flat_map(move |event| {
        match &event {
            Event::Start(Tag::Link { .. } | Tag::Image { .. } | Tag::CodeBlock(_)) => inside += 1,
            Event::End(TagEnd::Link | TagEnd::Image | TagEnd::CodeBlock) => {
                inside = inside.saturating_sub(1);
            }
            _ => {}
        }
        let text = match &event {
            Event::Text(t) if inside == 0 => t.clone(),
            _ => return vec![event],
        };
        let spans: Vec<_> = finder.spans(&text).collect();
        if spans.iter().all(|s| s.kind().is_none()) {
            return vec![event];
        }
        spans
            .into_iter()
            .map(|span| match span.kind() {
                Some(_) if span.as_str().starts_with("http") => {
                    let url = html_escape::encode_double_quoted_attribute(span.as_str());
                    let shown = html_escape::encode_text(span.as_str());
                    Event::Html(format!(r#"<a href="{url}">{shown}</a>"#).into())
                }
                _ => Event::Text(span.as_str().to_string().into()),
            })
            .collect()
    })
}

/// Sanitises HTML that arrived from another hub (the same rules as our own Markdown output).
pub fn sanitize_html(html: &str) -> String {
    ammonia::Builder::default()
        .link_rel(Some(LINK_REL))
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .clean(html)
        .to_string()
        // A link whose URL was removed (`javascript:`) keeps ammonia's rel, and `rel` without
        // `href` is invalid HTML: such a link becomes a plain `<a>` (the Nu Html Checker).
        .replace(&format!("<a rel=\"{LINK_REL}\">"), "<a>")
}

/// The `rel` of every link in user text.
const LINK_REL: &str = "nofollow noopener noreferrer";

/// Whether sanitised HTML would show nothing: no image and no visible character once tags are
/// removed (whitespace, `&nbsp;`, zero-width and bidi characters do not count).
pub fn renders_to_nothing(safe_html: &str) -> bool {
    if safe_html.contains("<img") {
        return false;
    }
    let text = ammonia::Builder::empty().clean(safe_html).to_string();
    let text = text.replace("&nbsp;", " ");
    !text.chars().any(|c| {
        !c.is_whitespace()
            && !c.is_control()
            && !super::lookalike::is_invisible_control(c)
            && c != '\u{00A0}'
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_without_its_url_keeps_no_rel() {
        let html =
            markdown_to_safe_html("[a link](javascript:alert(3)) and [ok](https://example.org/)");
        assert!(html.contains("<a>a link</a>"), "{html}");
        assert!(
            html.contains(
                r#"<a href="https://example.org/" rel="nofollow noopener noreferrer">ok</a>"#
            ),
            "{html}"
        );
    }

    #[test]
    fn bare_urls_become_links_but_not_in_code_or_links() {
        let html = markdown_to_safe_html("see https://example.org/a?b=1&c=2 now");
        assert!(
            html.contains(r#"<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow noopener noreferrer">https://example.org/a?b=1&amp;c=2</a>"#),
            "{html}"
        );
        let code = markdown_to_safe_html("`https://example.org/x`\n\n    https://example.org/y");
        assert!(!code.contains("<a "), "{code}");
        let link = markdown_to_safe_html("[https://example.org/z](https://example.org/z)");
        assert_eq!(link.matches("<a ").count(), 1, "{link}");
        let js = markdown_to_safe_html("javascript:alert(1) and ftp://x.example/");
        assert!(!js.contains("<a "), "{js}");
        let hostile = markdown_to_safe_html("https://example.org/\"onmouseover=\"alert(1)");
        assert!(!hostile.contains(" onmouseover"), "{hostile}");
        assert!(
            hostile.contains("</a>&quot;onmouseover") || hostile.contains("</a>\"onmouseover"),
            "{hostile}"
        );
    }

    #[test]
    fn posts_that_render_to_nothing_are_recognised() {
        for empty in [
            "<script>alert(1)</script>",
            "\u{200B}\u{200B}",
            "\u{202E}",
            "&nbsp;",
            "<b></b><i> </i>",
            "<iframe src=x></iframe>",
            "---",
        ] {
            let html = markdown_to_safe_html(empty);
            assert!(renders_to_nothing(&html), "{empty:?} -> {html:?}");
        }
        for visible in [
            "hi",
            "![x](https://example.org/x.png)",
            "\u{05E9}\u{05DC}\u{05D5}\u{05DD}",
            "**0**",
        ] {
            let html = markdown_to_safe_html(visible);
            assert!(!renders_to_nothing(&html), "{visible:?} -> {html:?}");
        }
    }

    #[test]
    fn markdown_renders_and_hostile_html_is_removed() {
        let html = markdown_to_safe_html(
            "Hello **world** <script>alert(1)</script> <img src=x onerror=alert(1)> \
             [x](javascript:alert(1)) <a href=\"https://ok.example\" onclick=\"e()\">ok</a>",
        );
        assert!(html.contains("<strong>world</strong>"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("onclick"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("href=\"https://ok.example\""), "{html}");
    }

    #[test]
    fn sql_metacharacters_pass_through_as_text() {
        let html = markdown_to_safe_html("Robert'); DROP TABLE item;-- \"quoted\" 100% & <b>");
        assert!(html.contains("Robert'); DROP TABLE item;--"), "{html}");
        assert!(html.contains("&amp;"), "{html}");
    }
}

#[cfg(test)]
mod bbcode_tests {
    fn bbcode_to_safe_html(s: &str) -> String {
        super::Bbcode::new().to_safe_html(s)
    }

    #[test]
    fn hubzilla_bbcode_renders_safely() {
        let html = bbcode_to_safe_html(
            "[b]bold[/b] [zrl=https://a.test/x]there[/zrl]\n[quote]q[/quote][url=javascript:alert(1)]x[/url]<script>s</script>",
        );
        assert!(html.contains("<b>bold</b>"), "{html}");
        assert!(html.contains(r#"href="https://a.test/x""#), "{html}");
        assert!(html.contains("<blockquote>q</blockquote>"), "{html}");
        assert!(
            !html.contains("javascript:") && !html.contains("<script"),
            "{html}"
        );
    }
}
