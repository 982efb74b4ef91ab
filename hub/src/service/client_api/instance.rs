//! What the hub tells apps about itself: `/api/v1/instance`, `/api/v2/instance`, custom emojis
//! (none) and a channel's preferences. The version names the Mastodon API level served, so
//! clients pick the right endpoints.

use serde_json::{Value, json};

use crate::config::RegisterPolicy;
use crate::ctx::Ctx;
use crate::error::Result;
use crate::service::channel::Channel;
use crate::service::perms::Audience;

/// The Mastodon API level this hub answers as (clients parse the first word).
pub fn version() -> String {
    format!("4.3.0 (compatible; Caravan {})", env!("CARGO_PKG_VERSION"))
}

/// The streaming API's base URL (`ws://` or `wss://` and this hub's authority).
pub fn streaming_url(ctx: &Ctx) -> String {
    let scheme = if ctx.uris.is_https() { "wss" } else { "ws" };
    format!("{scheme}://{}", ctx.uris.authority())
}

const MAX_CHARS: usize = crate::service::item::MAX_BODY_CHARS;

async fn facts(ctx: &Ctx) -> Result<(i64, i64, RegisterPolicy)> {
    let (users, posts) = crate::service::site::usage(ctx).await?;
    let policy = crate::service::site::current_register_policy(ctx).await?;
    Ok((users, posts, policy))
}

/// `GET /api/v1/instance`.
pub async fn v1(ctx: &Ctx) -> Result<Value> {
    let (users, posts, policy) = facts(ctx).await?;
    Ok(json!({
        "uri": ctx.uris.authority(),
        "title": ctx.config.site_name,
        "short_description": format!("{}: a Caravan hub (Zot network)", ctx.config.site_name),
        "description": format!("{}: a Caravan hub (Zot network)", ctx.config.site_name),
        "email": "",
        "version": version(),
        "urls": { "streaming_api": streaming_url(ctx) },
        "stats": { "user_count": users, "status_count": posts, "domain_count": 0 },
        "thumbnail": Value::Null,
        "languages": ["en"],
        "registrations": policy != RegisterPolicy::Closed,
        "approval_required": policy == RegisterPolicy::Approve,
        "invites_enabled": false,
        "configuration": configuration(ctx),
        "contact_account": Value::Null,
        "rules": [],
    }))
}

fn configuration(ctx: &Ctx) -> Value {
    json!({
        "urls": { "streaming": streaming_url(ctx) },
        "accounts": { "max_featured_tags": 0, "max_pinned_statuses": 0 },
        "statuses": {
            "max_characters": MAX_CHARS,
            "max_media_attachments": crate::service::attachment::MAX_PER_POST,
            "characters_reserved_per_url": 23
        },
        "media_attachments": {
            "supported_mime_types": ["image/png", "image/jpeg", "image/gif", "image/webp", "image/avif",
                "video/mp4", "video/webm", "audio/mpeg", "audio/ogg", "application/pdf", "text/plain"],
            "image_size_limit": ctx.config.limits.upload_max_mb.saturating_mul(1024 * 1024),
            "image_matrix_limit": 0,
            "video_size_limit": ctx.config.limits.upload_max_mb.saturating_mul(1024 * 1024),
            "video_frame_rate_limit": 0,
            "video_matrix_limit": 0
        },
        "polls": {
            "max_options": 0,
            "max_characters_per_option": 0,
            "min_expiration": 0,
            "max_expiration": 0
        },
        "translation": { "enabled": false },
        "timelines_access": {
            "live_feeds": { "local": "public", "remote": "public" },
            "hashtag_feeds": { "local": "public", "remote": "public" },
            "trending_link_feeds": { "local": "disabled", "remote": "disabled" }
        }
    })
}

/// `GET /api/v2/instance`.
pub async fn v2(ctx: &Ctx) -> Result<Value> {
    let (users, _, policy) = facts(ctx).await?;
    Ok(json!({
        "domain": ctx.uris.authority(),
        "title": ctx.config.site_name,
        "version": version(),
        "source_url": "https://caravan.invalid/source",
        "description": format!("{}: a Caravan hub (Zot network)", ctx.config.site_name),
        "usage": { "users": { "active_month": users } },
        "thumbnail": { "url": ctx.uris.page("/static/img/header.svg") },
        "icon": [],
        "languages": ["en"],
        "configuration": configuration(ctx),
        "registrations": {
            "enabled": policy != RegisterPolicy::Closed,
            "approval_required": policy == RegisterPolicy::Approve,
            "message": Value::Null,
            "url": Value::Null
        },
        "api_versions": { "mastodon": 2 },
        "contact": { "email": "", "account": Value::Null },
        "rules": []
    }))
}

/// `GET /api/v1/preferences`.
pub fn preferences(ch: &Channel) -> Value {
    let privacy = match Audience::default_for(ch) {
        Audience::Public => "public",
        _ => "private",
    };
    json!({
        "posting:default:visibility": privacy,
        "posting:default:sensitive": false,
        "posting:default:language": Value::Null,
        "reading:expand:media": "default",
        "reading:expand:spoilers": false
    })
}
