//! Discovery documents (zot6.md §2): webfinger JRD, channel info ("zot-info") and site info.
//! Typed where we rely on a field, every other field kept as received so a document re-serialises
//! to the same JSON.

pub mod siteinfo;
pub mod webfinger;
pub mod zotinfo;

pub use siteinfo::SiteInfo;
pub use webfinger::Jrd;
pub use zotinfo::{Location, ZotInfo};

/// Hubzilla writes flags as booleans, older code as 0/1 or "1": all read as truthy.
pub(crate) fn truthy(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Bool(b) => *b,
        serde_json::Value::Number(n) => n.as_i64().unwrap_or(0) != 0,
        serde_json::Value::String(s) => !s.is_empty() && s != "0",
        _ => false,
    }
}
