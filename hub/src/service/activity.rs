//! Items as ActivityStreams activities and back (zot6.md §4.1): a post or comment is a
//! `Create` (an edit `Update`) of a `Note`, a like `Like` / `Dislike` of the item, a deletion
//! `Delete` of a `Tombstone`; public ones say so in `to`. Outgoing activities are wrapped in a
//! JSalmon envelope signed by the author's channel key, so they stay verifiable however many
//! hubs relay them.

use zot::activity::{Activity, ActivityType, PUBLIC};

use crate::error::{Error, Result};
use crate::service::text;
use crate::store::item::Item;

/// The JSON-LD context Hubzilla sends.
fn context() -> serde_json::Value {
    serde_json::json!([
        "https://www.w3.org/ns/activitystreams",
        "https://w3id.org/security/v1"
    ])
}

fn iso(t: chrono::NaiveDateTime) -> String {
    t.and_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The activity id of an item (`/item/` → `/activity/`, as Hubzilla derives it).
pub fn activity_id(mid: &str) -> String {
    mid.replacen("/item/", "/activity/", 1)
}

/// The `@nick@host` addresses a text mentions (in the order written, without repeats).
pub fn mentioned_addresses(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')')) {
        let Some(rest) = word.strip_prefix('@') else {
            continue;
        };
        let addr = rest
            .trim_end_matches(['.', '!', '?', ':'])
            .trim_matches(['{', '}']);
        let valid = addr
            .split_once('@')
            .is_some_and(|(n, h)| !n.is_empty() && h.contains('.') && !h.contains('@'));
        if valid && !out.iter().any(|a| a == addr) {
            out.push(addr.to_lowercase());
        }
    }
    out
}

/// The activity for a post, comment or like written here, by `author_url`; `mentions` are
/// (channel URL, address) of the identities the text mentions.
pub fn encode(
    item: &Item,
    author_url: &str,
    public: bool,
    mentions: &[(String, String)],
    attachments: &[crate::service::attachment::Attached],
) -> serde_json::Value {
    let to = if public {
        serde_json::json!([PUBLIC])
    } else {
        serde_json::json!([])
    };
    if item.item_deleted {
        return serde_json::json!({
            "@context": context(),
            "type": "Delete",
            "id": format!("{}#delete", activity_id(&item.mid)),
            "actor": author_url,
            "object": {"type": "Tombstone", "id": item.mid, "formerType": "Note",
                        "inReplyTo": (!item.thr_parent.is_empty()).then(|| item.thr_parent.clone())},
            "to": to,
        });
    }
    if item.verb == "Like" || item.verb == "Dislike" {
        return serde_json::json!({
            "@context": context(),
            "type": item.verb,
            "id": activity_id(&item.mid),
            "actor": author_url,
            "object": item.thr_parent,
            "inReplyTo": item.thr_parent,
            "published": iso(item.created),
            "to": to,
        });
    }
    let kind = if item.edited > item.created {
        "Update"
    } else {
        "Create"
    };
    let mut object = serde_json::json!({
        "type": "Note",
        "id": item.mid,
        "published": iso(item.created),
        "updated": iso(item.edited),
        "attributedTo": author_url,
        "content": item.html,
        "source": {"content": item.body, "mediaType": item.mimetype},
        "to": to,
    });
    if !item.thr_parent.is_empty() {
        object["inReplyTo"] = item.thr_parent.clone().into();
    }
    if !attachments.is_empty() {
        object["attachment"] = crate::service::attachment::to_activity(attachments);
    }
    if !mentions.is_empty() {
        object["tag"] = mentions
            .iter()
            .map(|(href, addr)| serde_json::json!({"type": "Mention", "href": href, "name": format!("@{addr}")}))
            .collect();
    }
    serde_json::json!({
        "@context": context(),
        "type": kind,
        "id": activity_id(&item.mid),
        "actor": author_url,
        "published": iso(item.created),
        "object": object,
        "to": to,
    })
}

/// What an incoming activity asks, read into the hub's terms.
#[derive(Debug, Clone)]
pub struct Incoming {
    /// Create / Update / Delete / Like / Dislike.
    pub kind: ActivityType,
    /// The author's channel URL.
    pub actor: String,
    /// The item's message id (for likes: the like's own id).
    pub mid: String,
    /// The item it answers (comments, likes), if any.
    pub in_reply_to: Option<String>,
    /// Addressed to the public.
    pub public: bool,
    /// The source text as written, if given.
    pub source: String,
    /// Sanitised HTML.
    pub html: String,
    /// Published.
    pub published: Option<chrono::NaiveDateTime>,
    /// Updated.
    pub updated: Option<chrono::NaiveDateTime>,
    /// Channel URLs the object mentions (`tag` entries of type `Mention`).
    pub mentions: Vec<String>,
    /// Files the object shows (`attachment`).
    pub attachments: Vec<crate::service::attachment::Attached>,
}

fn mentions_of(o: &zot::activity::Object) -> Vec<String> {
    match o.extra.get("tag") {
        Some(serde_json::Value::Array(tags)) => tags
            .iter()
            .filter(|t| t.get("type").and_then(|v| v.as_str()) == Some("Mention"))
            .filter_map(|t| t.get("href").and_then(|v| v.as_str()).map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

fn time_of(v: Option<&serde_json::Value>) -> Option<chrono::NaiveDateTime> {
    let s = v?.as_str()?;
    chrono::DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.naive_utc())
        .or_else(|| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").ok())
}

/// Reads an activity; an activity without actor, or a type we do not handle, is refused.
pub fn decode(value: serde_json::Value) -> Result<Incoming> {
    let act = Activity::from_value(value)?;
    let kind = act.activity_type();
    let actor = act
        .actor_id()
        .map(str::to_string)
        .ok_or_else(|| zot::Error::malformed("activity", "no actor"))?;
    let object = act.object();
    let public = act.is_public()
        || object.as_ref().is_some_and(|o| {
            o.extra
                .get("to")
                .is_some_and(|t| t.to_string().contains(PUBLIC))
        });
    match &kind {
        ActivityType::Create | ActivityType::Update => {
            let o = object.ok_or_else(|| zot::Error::malformed("activity", "no object"))?;
            let mid =
                o.id.clone()
                    .ok_or_else(|| zot::Error::malformed("activity", "object without id"))?;
            let source = o
                .extra
                .get("source")
                .and_then(|s| s.get("content"))
                .and_then(|c| c.as_str())
                .map(str::to_string);
            let html = text::sanitize_html(o.content.as_deref().unwrap_or_default());
            let mentions = mentions_of(&o);
            let attachments = crate::service::attachment::from_activity(o.extra.get("attachment"));
            Ok(Incoming {
                mentions,
                attachments,
                kind,
                actor,
                mid,
                in_reply_to: o.in_reply_to.clone(),
                public,
                source: source.unwrap_or_else(|| html.clone()),
                html,
                published: time_of(o.extra.get("published")),
                updated: time_of(o.extra.get("updated")),
            })
        }
        ActivityType::Like | ActivityType::Dislike => {
            let target = act
                .object_id()
                .map(str::to_string)
                .ok_or_else(|| zot::Error::malformed("activity", "like without object"))?;
            Ok(Incoming {
                kind,
                actor,
                mid: act.id.clone().unwrap_or_else(|| format!("{target}#like")),
                in_reply_to: Some(target),
                public,
                source: String::new(),
                html: String::new(),
                published: time_of(act.extra.get("published")),
                updated: None,
                mentions: Vec::new(),
                attachments: Vec::new(),
            })
        }
        ActivityType::Delete => {
            let mid = act
                .object_id()
                .map(str::to_string)
                .ok_or_else(|| zot::Error::malformed("activity", "delete without object"))?;
            Ok(Incoming {
                kind,
                actor,
                mid,
                in_reply_to: object.and_then(|o| o.in_reply_to),
                public,
                source: String::new(),
                html: String::new(),
                published: None,
                updated: None,
                mentions: Vec::new(),
                attachments: Vec::new(),
            })
        }
        other => {
            tracing::debug!(kind = ?other, "activity type not handled");
            Err(Error::new(crate::error::ErrorKind::BadRequest(
                "activity type not handled",
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::mentioned_addresses;

    #[test]
    fn mentions_are_found_in_the_text() {
        assert_eq!(
            mentioned_addresses(
                "Hi @bob@beta.example, and @{Carol@hub.example}! @bob@beta.example again; mail a@b.c"
            ),
            vec!["bob@beta.example", "carol@hub.example"]
        );
        assert!(mentioned_addresses("@nobody and @x@y").is_empty());
    }
}
