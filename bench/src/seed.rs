//! Test data for the benchmarks: a channel with posts, comments and likes made through the
//! hub's own services, and bulk copies (channels, items) made with SQL for the sizes the
//! services would take hours to reach (every channel the services make gets a new RSA-4096 key).

use anyhow::Result;
use diesel::RunQueryDsl;
use hub::ctx::Ctx;
use hub::service::channel::Channel;
use hub::service::perms::Audience;

use crate::hubs::HubResultExt;

/// The benchmark's password for every account it makes.
pub const PASSWORD: &str = "bench-password-1";

/// A channel with posts, as the page scenario reads it.
pub struct Seeded {
    pub email: String,
    pub channel: Channel,
    /// A post's uuid (its permalink).
    pub permalink: String,
}

/// An account and channel `nick` with `posts` public Markdown posts, each with `comments`
/// comments and a like by the owner.
pub async fn channel_with_posts(
    ctx: &Ctx,
    nick: &str,
    posts: usize,
    comments: usize,
) -> Result<Seeded> {
    let email = format!("{nick}@bench.example");
    let account = hub::service::account::create_verified(ctx, &email, PASSWORD, true)
        .await
        .hub("create the account")?;
    let channel = hub::service::channel::create(ctx, account, nick, "Bench Channel", "personal")
        .await
        .hub("create the channel")?;
    let mut permalink = String::new();
    for n in 0..posts {
        let body = format!(
            "## Post {n}\n\nA post of ordinary length with **some** emphasis, a [link](https://example.org/{n}) \
             and a list:\n\n- one\n- two\n- three\n\nAnd a second paragraph to give it the length of a real post, \
             about what the caravan saw on day {n}."
        );
        let item = hub::service::item::post(ctx, &channel, &body, Audience::Public)
            .await
            .hub("post")?;
        for c in 0..comments {
            hub::service::item::respond(
                ctx,
                &channel,
                &item.uuid,
                "Create",
                &format!("Comment {c} on post {n}: well said."),
            )
            .await
            .hub("comment")?;
        }
        hub::service::item::respond(ctx, &channel, &item.uuid, "Like", "")
            .await
            .hub("like")?;
        permalink = item.uuid.clone();
    }
    Ok(Seeded {
        email,
        channel,
        permalink,
    })
}

/// Copies `channel`'s row (and its xchan) `count` times under new addresses and hashes, in one
/// statement per table. The copies share the template's keys: they are for size, not for
/// federation.
pub async fn copy_channels(ctx: &Ctx, channel: &Channel, count: usize) -> Result<()> {
    let (id, hash) = (channel.channel_id, channel.channel_hash.clone());
    ctx.db
        .run(move |conn| {
            let series = format!(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count})"
            );
            diesel::sql_query(format!(
                "{series} INSERT INTO channel (channel_account_id, channel_address, channel_name, \
                 channel_role, channel_guid, channel_guid_sig, channel_hash, channel_pubkey, \
                 channel_prvkey, channel_epubkey, channel_eprvkey, channel_created, channel_removed, \
                 channel_default_audience) \
                 SELECT c.channel_account_id, c.channel_address || 'c' || CAST(n.i AS TEXT), c.channel_name, \
                 c.channel_role, c.channel_guid || '-' || CAST(n.i AS TEXT), c.channel_guid_sig, \
                 c.channel_hash || '-' || CAST(n.i AS TEXT), c.channel_pubkey, c.channel_prvkey, \
                 c.channel_epubkey, c.channel_eprvkey, c.channel_created, c.channel_removed, \
                 c.channel_default_audience FROM channel c, n WHERE c.channel_id = {id}"
            ))
            .execute(conn)?;
            diesel::sql_query(format!(
                "{series} INSERT INTO xchan (xchan_hash, xchan_guid, xchan_guid_sig, xchan_pubkey, \
                 xchan_epubkey, xchan_addr, xchan_url, xchan_name, xchan_network, xchan_name_date, \
                 xchan_deleted) \
                 SELECT x.xchan_hash || '-' || CAST(n.i AS TEXT), x.xchan_guid || '-' || CAST(n.i AS TEXT), \
                 x.xchan_guid_sig, x.xchan_pubkey, x.xchan_epubkey, \
                 'c' || CAST(n.i AS TEXT) || x.xchan_addr, x.xchan_url || 'c' || CAST(n.i AS TEXT), \
                 x.xchan_name, x.xchan_network, x.xchan_name_date, x.xchan_deleted \
                 FROM xchan x, n WHERE x.xchan_hash = '{hash}'"
            ))
            .execute(conn)?;
            Ok(())
        })
        .await
        .hub("copy channels")
}

/// Copies the item `uuid` `per_channel` times into every channel, as top-level posts with new
/// uuids and message ids, in batches of one statement per channel range (the database sees
/// ordinary rows; the services never ran for them).
pub async fn copy_items(ctx: &Ctx, uuid: &str, per_channel: usize) -> Result<u64> {
    let uuid = uuid.to_string();
    ctx.db
        .run(move |conn| {
            let series = format!(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {per_channel})"
            );
            let made = diesel::sql_query(format!(
                "{series} INSERT INTO item (uuid, mid, parent_mid, uid, author_xchan, owner_xchan, title, \
                 body, html, mimetype, created, edited, item_private, item_deleted, verb, thr_parent, \
                 item_origin, route, signed_data, allow_cid, allow_gid, deny_cid, deny_gid) \
                 SELECT t.uuid || '-' || CAST(c.channel_id AS TEXT) || '-' || CAST(n.i AS TEXT), \
                 t.mid || '-' || CAST(c.channel_id AS TEXT) || '-' || CAST(n.i AS TEXT), \
                 t.mid || '-' || CAST(c.channel_id AS TEXT) || '-' || CAST(n.i AS TEXT), \
                 c.channel_id, c.channel_hash, c.channel_hash, t.title, t.body, t.html, t.mimetype, \
                 t.created, t.edited, t.item_private, t.item_deleted, t.verb, '', t.item_origin, \
                 t.route, t.signed_data, t.allow_cid, t.allow_gid, t.deny_cid, t.deny_gid \
                 FROM item t, channel c, n WHERE t.uuid = '{uuid}'"
            ))
            .execute(conn)?;
            Ok(made as u64)
        })
        .await
        .hub("copy items")
}

/// Rows in a table.
pub async fn count(ctx: &Ctx, table: &'static str) -> Result<i64> {
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    ctx.db
        .run(move |conn| {
            let rows: Vec<N> =
                diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}")).load(conn)?;
            Ok(rows.first().map(|r| r.n).unwrap_or(0))
        })
        .await
        .hub("count rows")
}
