//! What a person and the hub admin choose about how the pages look: an account's language and
//! time zone (`account_pref`), the site's name, logo and accent colour (the `config` table, so
//! every `hub serve` process on one database shows the same), and [`frame`], everything the
//! layout of one page needs from the database in one round trip.

use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::store;

/// Preference keys.
const LANGUAGE: &str = "language";
const TIMEZONE: &str = "timezone";
/// The `config` category of the site's look.
const LOOK: &str = "look";

/// The accent colour when the admin chose none (contrast 7.4:1 with white).
pub const DEFAULT_ACCENT: &str = "#7a4e2d";

/// An account's choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prefs {
    /// Language tag of the pages (empty: negotiated from the browser).
    pub language: String,
    /// IANA time zone.
    pub timezone: chrono_tz::Tz,
}

impl Default for Prefs {
    fn default() -> Self {
        Self {
            language: String::new(),
            timezone: chrono_tz::UTC,
        }
    }
}

/// The site's look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Look {
    /// Site name (the configured `site_name` until the admin sets one).
    pub site_name: String,
    /// Path of a logo image on this hub (empty: none).
    pub logo: String,
    /// Accent colour, `#rrggbb`.
    pub accent: String,
}

/// A channel in the switcher: (nick, name).
pub type ChannelChoice = (String, String);

/// What the layout of a page shows besides the page itself.
#[derive(Debug, Clone)]
pub struct Frame {
    /// The site's look.
    pub look: Look,
    /// The viewer's choices (defaults for anonymous visitors).
    pub prefs: Prefs,
    /// The viewer's channels.
    pub channels: Vec<ChannelChoice>,
    /// The channel the header's links and counts are about (the chosen one, else the first).
    pub current: Option<ChannelChoice>,
    /// Its unseen notifications.
    pub unread: i64,
}

fn prefs_from(rows: Vec<(String, String)>) -> Prefs {
    let mut prefs = Prefs::default();
    for (k, v) in rows {
        match k.as_str() {
            LANGUAGE => prefs.language = v,
            TIMEZONE => {
                if let Ok(tz) = v.parse() {
                    prefs.timezone = tz;
                }
            }
            _ => {}
        }
    }
    prefs
}

fn look_from(ctx: &Ctx, conn: &mut store::AnyConnection) -> Result<Look> {
    let get = |conn: &mut store::AnyConnection, k: &str| store::site::get_config(conn, LOOK, k);
    Ok(Look {
        site_name: get(conn, "site_name")?
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| ctx.config.site_name.clone()),
        logo: get(conn, "logo")?.unwrap_or_default(),
        accent: get(conn, "accent")?
            .filter(|s| valid_accent(s))
            .unwrap_or_else(|| DEFAULT_ACCENT.to_string()),
    })
}

/// The frame of a page for `account` (None: a visitor), about the channel `chosen` when it is
/// one of the account's.
pub async fn frame(ctx: &Ctx, account: Option<i64>, chosen: Option<String>) -> Result<Frame> {
    let c2 = ctx.clone();
    ctx.db
        .run(move |conn| {
            let look = look_from(&c2, conn)?;
            let Some(account_id) = account else {
                return Ok(Frame {
                    look,
                    prefs: Prefs::default(),
                    channels: Vec::new(),
                    current: None,
                    unread: 0,
                });
            };
            let prefs = prefs_from(store::account_pref::all(conn, account_id)?);
            let rows = store::channel::find_by_account(conn, account_id)?;
            let current = rows
                .iter()
                .find(|c| Some(&c.channel_address) == chosen.as_ref())
                .or(rows.first());
            let unread = match current {
                Some(c) => store::notify::count_unseen(conn, c.channel_id)?,
                None => 0,
            };
            let current = current.map(|c| (c.channel_address.clone(), c.channel_name.clone()));
            Ok(Frame {
                look,
                prefs,
                channels: rows
                    .into_iter()
                    .map(|c| (c.channel_address, c.channel_name))
                    .collect(),
                current,
                unread,
            })
        })
        .await
}

/// An account's choices.
pub async fn prefs(ctx: &Ctx, account_id: i64) -> Result<Prefs> {
    let rows = ctx
        .db
        .run(move |conn| store::account_pref::all(conn, account_id))
        .await?;
    Ok(prefs_from(rows))
}

/// Saves an account's language (empty: follow the browser) and time zone (an IANA name).
pub async fn set_prefs(ctx: &Ctx, account_id: i64, language: &str, timezone: &str) -> Result<()> {
    let language = language.trim();
    if !language.is_empty() && ctx.i18n.supported(language) != Some(language) {
        return Err(Error::invalid(
            "language",
            "This language is not offered here.",
        ));
    }
    let timezone = timezone.trim();
    let tz: chrono_tz::Tz = timezone.parse().map_err(|_| {
        Error::invalid(
            "timezone",
            "Unknown time zone: use a name like Europe/Berlin or America/New_York.",
        )
    })?;
    let (language, tz) = (language.to_string(), tz.name().to_string());
    ctx.db
        .tx(move |conn| {
            store::account_pref::set(conn, account_id, LANGUAGE, &language)?;
            store::account_pref::set(conn, account_id, TIMEZONE, &tz)
        })
        .await
}

/// The site's look.
pub async fn look(ctx: &Ctx) -> Result<Look> {
    let c2 = ctx.clone();
    ctx.db.run(move |conn| look_from(&c2, conn)).await
}

/// Whether `s` is `#rrggbb` dark enough for white text on it (WCAG AA, 4.5:1).
pub fn valid_accent(s: &str) -> bool {
    accent_rgb(s).is_some_and(|rgb| contrast_with_white(rgb) >= 4.5)
}

fn accent_rgb(s: &str) -> Option<[u8; 3]> {
    let hex = s.strip_prefix('#')?;
    if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

/// WCAG 2.1 contrast ratio of a colour with white.
fn contrast_with_white(rgb: [u8; 3]) -> f64 {
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2]);
    1.05 / (l + 0.05)
}

/// Saves the site's look (admin only; the caller checks). The logo must be a path on this hub,
/// so pages make no request elsewhere.
pub async fn set_look(ctx: &Ctx, site_name: &str, logo: &str, accent: &str) -> Result<()> {
    let site_name = site_name.trim();
    if site_name.is_empty() || site_name.chars().count() > 64 {
        return Err(Error::invalid(
            "site_name",
            "The site name must be 1 to 64 characters.",
        ));
    }
    let logo = logo.trim();
    let local_path = logo.starts_with('/')
        && !logo.starts_with("//")
        && logo.len() <= 512
        && !logo
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '\\' || c == '"');
    if !logo.is_empty() && !local_path {
        return Err(Error::invalid(
            "logo",
            "The logo must be a path on this hub, like /static/img/caravan.svg.",
        ));
    }
    let accent = accent.trim().to_ascii_lowercase();
    if accent_rgb(&accent).is_none() {
        return Err(Error::invalid(
            "accent",
            "The accent colour must look like #7a4e2d.",
        ));
    }
    if !valid_accent(&accent) {
        return Err(Error::invalid(
            "accent",
            "This colour is too light: white text on it would be hard to read (contrast under 4.5:1).",
        ));
    }
    let (site_name, logo) = (site_name.to_string(), logo.to_string());
    ctx.db
        .tx(move |conn| {
            store::site::set_config(conn, LOOK, "site_name", &site_name)?;
            store::site::set_config(conn, LOOK, "logo", &logo)?;
            store::site::set_config(conn, LOOK, "accent", &accent)
        })
        .await
}

/// Marks the channel's notifications seen (the owner opened them).
pub async fn mark_notifications_seen(ctx: &Ctx, channel_id: i64) -> Result<usize> {
    ctx.db
        .tx(move |conn| store::notify::mark_all_seen(conn, channel_id))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accent_colours_need_contrast_with_white() {
        assert!(valid_accent(DEFAULT_ACCENT));
        assert!(valid_accent("#000000"));
        assert!(valid_accent("#1a5fb4"));
        assert!(!valid_accent("#ffffff"));
        assert!(!valid_accent("#f6d32d"));
        assert!(!valid_accent("7a4e2d"));
        assert!(!valid_accent("#7a4e2"));
        assert!(!valid_accent("#7a4e2z"));
        assert!(!valid_accent("red"));
    }
}
