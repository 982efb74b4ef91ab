//! Attachments of items (`item_attach`, in order) and descriptions of files (`attach_note`).
//! Makes no decisions: `service::attachment` does.

use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{attach_note, item_attach};
use crate::error::Result;

/// One attachment of an item.
#[derive(Debug, Clone, Queryable)]
pub struct ItemAttach {
    /// Row id.
    pub id: i64,
    /// The item.
    pub item_id: i64,
    /// Order among the item's attachments.
    pub position: i64,
    /// Where it is served.
    pub url: String,
    /// Content type.
    pub mimetype: String,
    /// File name.
    pub name: String,
    /// Description (alt text).
    pub description: String,
    /// The local file's public id ("" for items from elsewhere).
    pub attach_hash: String,
}

/// A new attachment.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = item_attach)]
pub struct NewItemAttach<'a> {
    /// The item.
    pub item_id: i64,
    /// Order.
    pub position: i64,
    /// URL.
    pub url: &'a str,
    /// Type.
    pub mimetype: &'a str,
    /// Name.
    pub name: &'a str,
    /// Description.
    pub description: &'a str,
    /// Local file id or "".
    pub attach_hash: &'a str,
}

/// Records attachments.
pub fn insert(conn: &mut AnyConnection, rows: &[NewItemAttach<'_>]) -> Result<()> {
    for r in rows {
        diesel::insert_into(item_attach::table)
            .values(r)
            .execute(conn)?;
    }
    Ok(())
}

/// The attachments of these items, in order.
pub fn for_items(conn: &mut AnyConnection, ids: &[i64]) -> Result<Vec<ItemAttach>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(item_attach::table
        .filter(item_attach::item_id.eq_any(ids.to_vec()))
        .order((item_attach::item_id.asc(), item_attach::position.asc()))
        .load(conn)?)
}

/// Whether any item uses this local file.
pub fn file_in_use(conn: &mut AnyConnection, attach_hash: &str) -> Result<bool> {
    Ok(item_attach::table
        .filter(item_attach::attach_hash.eq(attach_hash))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// A file's description ("" when none).
pub fn description(conn: &mut AnyConnection, attach_id: i64) -> Result<String> {
    Ok(attach_note::table
        .find(attach_id)
        .select(attach_note::description)
        .first(conn)
        .optional()?
        .unwrap_or_default())
}

/// Sets a file's description.
pub fn set_description(conn: &mut AnyConnection, attach_id: i64, text: &str) -> Result<()> {
    diesel::delete(attach_note::table.find(attach_id)).execute(conn)?;
    if !text.is_empty() {
        diesel::insert_into(attach_note::table)
            .values((
                attach_note::attach_id.eq(attach_id),
                attach_note::description.eq(text),
            ))
            .execute(conn)?;
    }
    Ok(())
}
