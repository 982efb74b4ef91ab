//! Connections (`abook` table); a channel's own entry is its "self" connection.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::abook;
use crate::error::Result;

/// Inserts a connection (`abook`) row.
pub fn insert(
    conn: &mut AnyConnection,
    account_id: i64,
    channel_id: i64,
    xchan_hash: &str,
    is_self: bool,
    at: NaiveDateTime,
) -> Result<()> {
    diesel::insert_into(abook::table)
        .values((
            abook::abook_account.eq(account_id),
            abook::abook_channel.eq(channel_id),
            abook::abook_xchan.eq(xchan_hash),
            abook::abook_self.eq(is_self),
            abook::abook_created.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}
