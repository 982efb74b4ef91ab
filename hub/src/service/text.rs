//! User text to safe HTML: Markdown (pulldown-cmark) then sanitising (ammonia, which removes
//! scripts, event handlers, styles and `javascript:` URLs). Everything user-written that is
//! shown as HTML goes through [`markdown_to_safe_html`].

use pulldown_cmark::{Options, Parser, html};

/// Renders Markdown and sanitises the result.
pub fn markdown_to_safe_html(source: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_TASKLISTS);
    let parser = Parser::new_ext(source, options);
    let mut raw = String::with_capacity(source.len() * 2);
    html::push_html(&mut raw, parser);
    ammonia::Builder::default()
        .link_rel(Some("nofollow noopener noreferrer"))
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .clean(&raw)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

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
