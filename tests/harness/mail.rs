//! Reading the mail a hub wrote to files (`mail.mode = "file"`): find a recipient's messages and
//! the links in them, undoing quoted-printable soft breaks.

use std::path::Path;

/// Every mail (decoded text) in the directory addressed to `to`, oldest first.
pub fn mails_to(dir: &Path, to: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<_> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .filter_map(|e| {
            let modified = e.metadata().ok()?.modified().ok()?;
            Some((modified, e.path()))
        })
        .collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|(_, p)| std::fs::read_to_string(p).ok())
        .map(|raw| decode_qp(&raw))
        .filter(|text| {
            text.lines().any(|l| {
                l.to_ascii_lowercase().starts_with("to:")
                    && l.to_ascii_lowercase().contains(&to.to_ascii_lowercase())
            })
        })
        .collect()
}

/// Undoes quoted-printable soft line breaks and `=3D`.
pub fn decode_qp(raw: &str) -> String {
    raw.replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=")
}

/// The first link in `text` whose path starts with `path_prefix` (e.g. `/verify/`).
pub fn link_with(text: &str, path_prefix: &str) -> Option<String> {
    text.split(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"')
        .find(|w| w.starts_with("http") && w.contains(path_prefix))
        .map(|s| s.to_string())
}

/// The path part (from `/verify/…`) of the newest link of that kind mailed to `to`.
pub fn latest_link(dir: &Path, to: &str, path_prefix: &str) -> Option<String> {
    mails_to(dir, to)
        .iter()
        .rev()
        .find_map(|m| link_with(m, path_prefix))
}
