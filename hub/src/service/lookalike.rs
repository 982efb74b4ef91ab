//! Invisible and confusable text: bidirectional controls and zero-width characters (refused in
//! names, nicknames and email addresses, where they make one identity look like another), NFC
//! normalisation, and the mixed-script check that flags addresses such as `аdmin@` (Cyrillic а)
//! for the admin. Uses `unicode-normalization` and `unicode-script` (the unicode-rs crates).

use std::collections::BTreeSet;

use unicode_normalization::UnicodeNormalization;
use unicode_script::{Script, UnicodeScript};

/// Characters that reorder or hide text: bidi embeddings, overrides, isolates and marks,
/// zero-width spaces and joiners, the word joiner, invisible operators and the BOM.
pub fn is_invisible_control(c: char) -> bool {
    matches!(c,
        '\u{061C}'                  // Arabic letter mark
        | '\u{115F}' | '\u{1160}'   // Hangul fillers
        | '\u{180E}'                // Mongolian vowel separator
        | '\u{200B}'..='\u{200F}'   // zero-width space, ZWNJ, ZWJ, LRM, RLM
        | '\u{202A}'..='\u{202E}'   // embeddings and overrides
        | '\u{2060}'..='\u{2064}'   // word joiner, invisible operators
        | '\u{2066}'..='\u{2069}'   // isolates
        | '\u{3164}'                // Hangul filler
        | '\u{FEFF}'                // BOM / zero-width no-break space
        | '\u{FFA0}'                // halfwidth Hangul filler
    )
}

/// Whether the text contains a character of [`is_invisible_control`] or another control.
pub fn has_invisible(text: &str) -> bool {
    text.chars()
        .any(|c| is_invisible_control(c) || c.is_control())
}

/// The text in Unicode normalisation form C.
pub fn nfc(text: &str) -> String {
    text.nfc().collect()
}

/// The scripts a text's letters belong to (Common and Inherited, e.g. digits and punctuation,
/// do not count).
pub fn scripts(text: &str) -> BTreeSet<String> {
    text.chars()
        .map(|c| c.script())
        .filter(|s| !matches!(s, Script::Common | Script::Inherited | Script::Unknown))
        .map(|s| s.full_name().to_string())
        .collect()
}

/// For an address whose local part or domain mixes scripts, a note naming them (shown to the
/// admin beside the address); `None` for a plain address.
pub fn mixed_script_note(email: &str) -> Option<String> {
    let (local, domain) = email.rsplit_once('@').unwrap_or((email, ""));
    let mixed = |part: &str| {
        let s = scripts(part);
        (s.len() > 1).then(|| s.into_iter().collect::<Vec<_>>().join(" + "))
    };
    let local_note = mixed(local);
    let domain_note = mixed(domain);
    let all = scripts(email);
    match (local_note, domain_note) {
        (Some(l), _) => Some(format!("mixed scripts in the name: {l}")),
        (None, Some(d)) => Some(format!("mixed scripts in the domain: {d}")),
        (None, None) if all.len() > 1 => Some(format!(
            "name and domain in different scripts: {}",
            all.into_iter().collect::<Vec<_>>().join(" + ")
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bidi_and_zero_width_characters_are_found() {
        for bad in [
            "evil\u{202E}txt.exe",
            "ad\u{200B}min",
            "x\u{2066}y",
            "\u{FEFF}bom",
            "a\u{200D}b",
            "tab\there",
        ] {
            assert!(has_invisible(bad), "{bad:?}");
        }
        assert!(!has_invisible("Zoë Ångström, 東京"));
    }

    #[test]
    fn text_is_normalised_to_nfc() {
        assert_eq!(nfc("Zoe\u{0308}"), "Zoë");
        assert_eq!(nfc("Zoë"), "Zoë");
    }

    #[test]
    fn mixed_script_addresses_are_flagged() {
        assert!(mixed_script_note("admin@example.org").is_none());
        assert!(mixed_script_note("пользователь@пример.рф").is_none());
        let note = mixed_script_note("\u{0430}dmin@example.org").unwrap();
        assert!(
            note.contains("Cyrillic") && note.contains("Latin"),
            "{note}"
        );
        assert!(mixed_script_note("admin@ex\u{0430}mple.org").is_some());
        assert!(mixed_script_note("иван@example.org").is_some());
    }
}
