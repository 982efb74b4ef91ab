//! Per-account preferences (`account_pref` table: account, key, value).

use diesel::prelude::*;

use super::AnyConnection;
use super::schema::account_pref;
use crate::error::Result;

/// Every preference of an account: (key, value).
pub fn all(conn: &mut AnyConnection, account_id: i64) -> Result<Vec<(String, String)>> {
    Ok(account_pref::table
        .filter(account_pref::account_id.eq(account_id))
        .select((account_pref::k, account_pref::v))
        .load(conn)?)
}

/// Writes one preference (update, or insert when absent; call inside a transaction).
pub fn set(conn: &mut AnyConnection, account_id: i64, k: &str, v: &str) -> Result<()> {
    let updated = diesel::update(
        account_pref::table
            .filter(account_pref::account_id.eq(account_id))
            .filter(account_pref::k.eq(k)),
    )
    .set(account_pref::v.eq(v))
    .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(account_pref::table)
            .values((
                account_pref::account_id.eq(account_id),
                account_pref::k.eq(k),
                account_pref::v.eq(v),
            ))
            .execute(conn)?;
    }
    Ok(())
}
