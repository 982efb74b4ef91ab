//! The text catalogue of the web app: every user-visible string by message id, in Project Fluent
//! files compiled into the binary (`hub/locales/<lang>/caravan.ftl`), one bundle per language,
//! built once per hub and kept in its `Ctx`. English is complete and the fallback for any id a
//! language lacks; [`Catalogue::negotiate`] picks a language from an `Accept-Language` header.

use std::collections::HashMap;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// The languages the hub ships: (tag, name in that language, catalogue source).
const SOURCES: &[(&str, &str, &str)] = &[
    ("en", "English", include_str!("../locales/en/caravan.ftl")),
    ("de", "Deutsch", include_str!("../locales/de/caravan.ftl")),
];

/// The language everything falls back to.
pub const DEFAULT_LANG: &str = "en";

/// Every language's bundle.
pub struct Catalogue {
    bundles: HashMap<&'static str, FluentBundle<FluentResource>>,
}

impl std::fmt::Debug for Catalogue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalogue")
            .field("languages", &self.bundles.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Default for Catalogue {
    fn default() -> Self {
        Self::new()
    }
}

impl Catalogue {
    /// Parses the compiled-in catalogues. A message that fails to parse is left out (and logged);
    /// the English text of its id is shown instead.
    pub fn new() -> Self {
        let mut bundles = HashMap::new();
        for (tag, _, source) in SOURCES {
            let resource = match FluentResource::try_new((*source).to_string()) {
                Ok(r) => r,
                Err((r, errors)) => {
                    tracing::error!(lang = tag, errors = ?errors, "catalogue has syntax errors");
                    r
                }
            };
            let lang: LanguageIdentifier = tag.parse().unwrap_or_default();
            let mut bundle = FluentBundle::new_concurrent(vec![lang]);
            // No Unicode isolation marks around arguments: they would show in <title> and
            // attribute values, and our arguments are names and numbers set in their own elements.
            bundle.set_use_isolating(false);
            if let Err(errors) = bundle.add_resource(resource) {
                tracing::error!(lang = tag, errors = ?errors, "catalogue has duplicate ids");
            }
            bundles.insert(*tag, bundle);
        }
        Self { bundles }
    }

    /// The languages offered: (tag, own name).
    pub fn languages(&self) -> Vec<(&'static str, &'static str)> {
        SOURCES.iter().map(|(t, n, _)| (*t, *n)).collect()
    }

    /// The shipped tag for `lang` (`de-AT` → `de`), if any.
    pub fn supported(&self, lang: &str) -> Option<&'static str> {
        let primary = lang.split(['-', '_']).next()?.trim().to_ascii_lowercase();
        SOURCES.iter().map(|(t, _, _)| *t).find(|t| *t == primary)
    }

    /// The best shipped language for an `Accept-Language` header (by q-value, then order).
    pub fn negotiate(&self, header: &str) -> &'static str {
        let mut choices: Vec<(f32, usize, &str)> = header
            .split(',')
            .enumerate()
            .filter_map(|(i, part)| {
                let mut bits = part.split(';');
                let tag = bits.next()?.trim();
                let q = bits
                    .find_map(|b| b.trim().strip_prefix("q="))
                    .and_then(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                (!tag.is_empty() && q > 0.0).then_some((q, i, tag))
            })
            .collect();
        choices.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        choices
            .iter()
            .find_map(|(_, _, tag)| self.supported(tag))
            .unwrap_or(DEFAULT_LANG)
    }

    /// The text of `id` in `lang` (falling back to English, then to the id itself).
    pub fn text(&self, lang: &str, id: &str) -> String {
        self.format(lang, id, None)
    }

    /// The text of `id` with named arguments (numbers select plural forms).
    pub fn text_with(&self, lang: &str, id: &str, args: &[(&str, Arg)]) -> String {
        let mut fluent = FluentArgs::new();
        for (name, value) in args {
            match value {
                Arg::Str(s) => fluent.set(*name, FluentValue::from(s.clone())),
                Arg::Num(n) => fluent.set(*name, FluentValue::from(*n)),
            }
        }
        self.format(lang, id, Some(&fluent))
    }

    fn format(&self, lang: &str, id: &str, args: Option<&FluentArgs>) -> String {
        for tag in [lang, DEFAULT_LANG] {
            let Some(bundle) = self.bundles.get(tag) else {
                continue;
            };
            let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
                continue;
            };
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, args, &mut errors);
            if !errors.is_empty() {
                tracing::warn!(lang = tag, id, errors = ?errors, "catalogue message failed");
            }
            return text.into_owned();
        }
        tracing::warn!(lang, id, "no such catalogue message");
        id.to_string()
    }

    /// Every message id of a language (for the completeness test).
    pub fn ids(&self, lang: &str) -> Vec<String> {
        SOURCES
            .iter()
            .find(|(t, _, _)| *t == lang)
            .map(|(_, _, src)| {
                src.lines()
                    .filter_map(|l| {
                        let (id, _) = l.split_once(" =")?;
                        let ok = !id.is_empty()
                            && id
                                .chars()
                                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
                        ok.then(|| id.to_string())
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// An argument of a message.
#[derive(Debug, Clone)]
pub enum Arg {
    /// Text.
    Str(String),
    /// A number (plural forms).
    Num(i64),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Str(s.to_string())
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Str(s)
    }
}

impl From<i64> for Arg {
    fn from(n: i64) -> Self {
        Arg::Num(n)
    }
}

impl From<usize> for Arg {
    fn from(n: usize) -> Self {
        Arg::Num(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_has_every_id_and_other_languages_no_stray_ones() {
        let c = Catalogue::new();
        let en = c.ids("en");
        assert!(en.len() > 20, "the English catalogue has {} ids", en.len());
        for id in &en {
            assert_ne!(&c.text("en", id), id, "{id} renders");
        }
        for (lang, _) in c.languages() {
            for id in c.ids(lang) {
                assert!(en.contains(&id), "{lang} has {id}, which English lacks");
            }
        }
    }

    #[test]
    fn german_covers_at_least_ninety_percent_of_english() {
        let c = Catalogue::new();
        let en = c.ids("en");
        let de = c.ids("de");
        let covered = en.iter().filter(|id| de.contains(id)).count();
        let percent = covered * 100 / en.len();
        println!(
            "German covers {covered} of {} English ids ({percent} %)",
            en.len()
        );
        let missing: Vec<_> = en.iter().filter(|id| !de.contains(id)).collect();
        assert!(
            percent >= 90,
            "German covers {percent} %; missing: {missing:?}"
        );
    }

    #[test]
    fn german_translates_and_falls_back_to_english() {
        let c = Catalogue::new();
        assert_eq!(c.text("de", "nav-settings"), "Einstellungen");
        assert_eq!(c.text("en", "nav-settings"), "Settings");
        assert_eq!(c.text("xx", "nav-settings"), "Settings");
        assert_eq!(c.text("de", "no-such-id"), "no-such-id");
        let one = c.text_with("en", "unread-notifications", &[("count", Arg::Num(1))]);
        let many = c.text_with("en", "unread-notifications", &[("count", Arg::Num(3))]);
        assert_ne!(one, many);
        assert!(many.contains('3'), "{many}");
    }

    #[test]
    fn accept_language_is_negotiated() {
        let c = Catalogue::new();
        assert_eq!(c.negotiate("de-AT,de;q=0.9,en;q=0.8"), "de");
        assert_eq!(c.negotiate("fr-FR, en;q=0.5"), "en");
        assert_eq!(c.negotiate("fr;q=1, de;q=0.7, en;q=0.3"), "de");
        assert_eq!(c.negotiate(""), "en");
        assert_eq!(c.negotiate("*"), "en");
        assert_eq!(c.negotiate("de;q=0"), "en");
    }
}
