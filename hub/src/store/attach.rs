//! A channel's cloud files and folders (`attach`): name, folder, content blob, size, type and
//! access list. Makes no decisions: `service::storage` and `service::perms` do.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{attach, attach_thumb, channel};
use crate::error::Result;

/// A file or folder row.
#[derive(Debug, Clone, Queryable)]
pub struct Attach {
    /// Row id.
    pub id: i64,
    /// The channel.
    pub uid: i64,
    /// Public id (in URLs).
    pub hash: String,
    /// The folder's row id (0: the top).
    pub parent: i64,
    /// Name in its folder.
    pub name: String,
    /// A folder.
    pub is_dir: bool,
    /// SHA-256 hex of the content (empty for folders).
    pub blob: String,
    /// Bytes.
    pub size: i64,
    /// Content type.
    pub mimetype: String,
    /// Access list: allowed channels.
    pub allow_cid: String,
    /// Allowed groups.
    pub allow_gid: String,
    /// Denied channels.
    pub deny_cid: String,
    /// Denied groups.
    pub deny_gid: String,
    /// Created.
    pub created: NaiveDateTime,
    /// Last changed.
    pub edited: NaiveDateTime,
}

/// What a new row holds (without an access list: `update_acl` sets one).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = attach)]
pub struct NewAttach<'a> {
    /// The channel.
    pub uid: i64,
    /// Public id.
    pub hash: &'a str,
    /// Folder row id (0: the top).
    pub parent: i64,
    /// Name.
    pub name: &'a str,
    /// A folder.
    pub is_dir: bool,
    /// Content blob.
    pub blob: &'a str,
    /// Bytes.
    pub size: i64,
    /// Content type.
    pub mimetype: &'a str,
    /// Now.
    pub created: NaiveDateTime,
    /// Now.
    pub edited: NaiveDateTime,
}

/// Inserts a row; returns its id.
pub fn insert(conn: &mut AnyConnection, new: &NewAttach<'_>) -> Result<i64> {
    Ok(diesel::insert_into(attach::table)
        .values((
            new,
            attach::allow_cid.eq(""),
            attach::allow_gid.eq(""),
            attach::deny_cid.eq(""),
            attach::deny_gid.eq(""),
        ))
        .returning(attach::id)
        .get_result(conn)?)
}

/// A row by public id.
pub fn find_by_hash(conn: &mut AnyConnection, hash: &str) -> Result<Option<Attach>> {
    Ok(attach::table
        .filter(attach::hash.eq(hash))
        .first::<Attach>(conn)
        .optional()?)
}

/// A row by id within a channel.
pub fn find(conn: &mut AnyConnection, uid: i64, id: i64) -> Result<Option<Attach>> {
    Ok(attach::table
        .filter(attach::uid.eq(uid))
        .filter(attach::id.eq(id))
        .first::<Attach>(conn)
        .optional()?)
}

/// The entry of a folder with this name.
pub fn find_named(
    conn: &mut AnyConnection,
    uid: i64,
    parent: i64,
    name: &str,
) -> Result<Option<Attach>> {
    Ok(attach::table
        .filter(attach::uid.eq(uid))
        .filter(attach::parent.eq(parent))
        .filter(attach::name.eq(name))
        .first::<Attach>(conn)
        .optional()?)
}

/// A folder's entries, folders first, then by name.
pub fn children(conn: &mut AnyConnection, uid: i64, parent: i64) -> Result<Vec<Attach>> {
    Ok(attach::table
        .filter(attach::uid.eq(uid))
        .filter(attach::parent.eq(parent))
        .order((attach::is_dir.desc(), attach::name.asc()))
        .load::<Attach>(conn)?)
}

/// Replaces a file's content.
pub fn update_content(
    conn: &mut AnyConnection,
    id: i64,
    blob: &str,
    size: i64,
    mimetype: &str,
    at: NaiveDateTime,
) -> Result<()> {
    diesel::update(attach::table.find(id))
        .set((
            attach::blob.eq(blob),
            attach::size.eq(size),
            attach::mimetype.eq(mimetype),
            attach::edited.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Renames or moves an entry.
pub fn update_place(
    conn: &mut AnyConnection,
    id: i64,
    parent: i64,
    name: &str,
    at: NaiveDateTime,
) -> Result<()> {
    diesel::update(attach::table.find(id))
        .set((
            attach::parent.eq(parent),
            attach::name.eq(name),
            attach::edited.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Replaces an entry's access list.
pub fn update_acl(
    conn: &mut AnyConnection,
    id: i64,
    acl: &super::item::AclRow,
    at: NaiveDateTime,
) -> Result<()> {
    diesel::update(attach::table.find(id))
        .set((
            attach::allow_cid.eq(&acl.allow_cid),
            attach::allow_gid.eq(&acl.allow_gid),
            attach::deny_cid.eq(&acl.deny_cid),
            attach::deny_gid.eq(&acl.deny_gid),
            attach::edited.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// A channel's newest files (not folders).
pub fn recent_files(conn: &mut AnyConnection, uid: i64, limit: i64) -> Result<Vec<Attach>> {
    Ok(attach::table
        .filter(attach::uid.eq(uid))
        .filter(attach::is_dir.eq(false))
        .order(attach::edited.desc())
        .limit(limit)
        .load::<Attach>(conn)?)
}

/// Gives entry `to` the access list of entry `from`.
pub fn copy_acl(conn: &mut AnyConnection, from: i64, to: i64) -> Result<()> {
    let (a, b, c, d): (String, String, String, String) = attach::table
        .find(from)
        .select((
            attach::allow_cid,
            attach::allow_gid,
            attach::deny_cid,
            attach::deny_gid,
        ))
        .first(conn)?;
    diesel::update(attach::table.find(to))
        .set((
            attach::allow_cid.eq(a),
            attach::allow_gid.eq(b),
            attach::deny_cid.eq(c),
            attach::deny_gid.eq(d),
        ))
        .execute(conn)?;
    Ok(())
}

/// Deletes rows; returns how many went.
pub fn delete(conn: &mut AnyConnection, ids: &[i64]) -> Result<usize> {
    Ok(diesel::delete(attach::table.filter(attach::id.eq_any(ids.to_vec()))).execute(conn)?)
}

/// Whether any row still uses a blob: a file's content or a thumbnail.
pub fn blob_in_use(conn: &mut AnyConnection, blob: &str) -> Result<bool> {
    let files = attach::table
        .filter(attach::blob.eq(blob))
        .count()
        .get_result::<i64>(conn)?;
    let thumbs = attach_thumb::table
        .filter(attach_thumb::thumb.eq(blob))
        .count()
        .get_result::<i64>(conn)?;
    Ok(files + thumbs > 0 || super::photo::blob_in_use(conn, blob)?)
}

/// The thumbnail of a content blob.
#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = attach_thumb)]
pub struct Thumb {
    /// The content's blob.
    pub blob: String,
    /// The thumbnail's blob.
    pub thumb: String,
    /// The thumbnail's type.
    pub mimetype: String,
    /// Its width in pixels.
    pub width: i64,
    /// Its height in pixels.
    pub height: i64,
}

/// The thumbnail of a content blob.
pub fn find_thumb(conn: &mut AnyConnection, blob: &str) -> Result<Option<Thumb>> {
    Ok(attach_thumb::table
        .find(blob)
        .first::<Thumb>(conn)
        .optional()?)
}

/// The thumbnails of some content blobs.
pub fn find_thumbs(conn: &mut AnyConnection, blobs: &[String]) -> Result<Vec<Thumb>> {
    Ok(attach_thumb::table
        .filter(attach_thumb::blob.eq_any(blobs.to_vec()))
        .load::<Thumb>(conn)?)
}

/// Records a thumbnail; `false` when the content already has one (which stays).
pub fn insert_thumb(conn: &mut AnyConnection, thumb: &Thumb) -> Result<bool> {
    if find_thumb(conn, &thumb.blob)?.is_some() {
        return Ok(false);
    }
    diesel::insert_into(attach_thumb::table)
        .values(thumb)
        .execute(conn)?;
    Ok(true)
}

/// Removes the thumbnail row of a content blob; returns it.
pub fn delete_thumb(conn: &mut AnyConnection, blob: &str) -> Result<Option<Thumb>> {
    let found = find_thumb(conn, blob)?;
    if found.is_some() {
        diesel::delete(attach_thumb::table.find(blob)).execute(conn)?;
    }
    Ok(found)
}

/// Every folder of a channel: (row id, public id, name, folder's row id).
pub fn folders(conn: &mut AnyConnection, uid: i64) -> Result<Vec<(i64, String, String, i64)>> {
    Ok(attach::table
        .filter(attach::uid.eq(uid))
        .filter(attach::is_dir.eq(true))
        .select((attach::id, attach::hash, attach::name, attach::parent))
        .load(conn)?)
}

/// Bytes stored by the channels of an account.
pub fn used_by_account(conn: &mut AnyConnection, account_id: i64) -> Result<i64> {
    let ids: Vec<i64> = channel::table
        .filter(channel::channel_account_id.eq(account_id))
        .select(channel::channel_id)
        .load(conn)?;
    // SUM of BIGINT is NUMERIC on PostgreSQL: cast back, the same on both backends.
    let total = attach::table
        .filter(attach::uid.eq_any(ids))
        .select(diesel::dsl::sql::<
            diesel::sql_types::Nullable<diesel::sql_types::BigInt>,
        >("CAST(SUM(size) AS BIGINT)"))
        .first::<Option<i64>>(conn)?;
    Ok(total.unwrap_or(0))
}
