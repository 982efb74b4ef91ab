//! Privacy groups (`pgrp`) and their members (`pgrp_member`): a channel's named sets of
//! connections, for addressing posts. They never leave the hub.

use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{pgrp, pgrp_member};
use crate::error::Result;

/// A group.
#[derive(Debug, Clone, Queryable)]
pub struct Pgrp {
    /// Row id.
    pub id: i64,
    /// Random id (Hubzilla's `allow_gid` tokens).
    pub hash: String,
    /// The channel owning it.
    pub uid: i64,
    /// Its name.
    pub gname: String,
    /// Deleted.
    pub deleted: bool,
}

/// Creates a group; a duplicate name is a unique violation.
pub fn insert(conn: &mut AnyConnection, uid: i64, hash: &str, name: &str) -> Result<()> {
    diesel::insert_into(pgrp::table)
        .values((pgrp::uid.eq(uid), pgrp::hash.eq(hash), pgrp::gname.eq(name)))
        .execute(conn)?;
    Ok(())
}

/// The live groups of a channel, by name.
pub fn find_by_channel(conn: &mut AnyConnection, uid: i64) -> Result<Vec<Pgrp>> {
    Ok(pgrp::table
        .filter(pgrp::uid.eq(uid))
        .filter(pgrp::deleted.eq(false))
        .order(pgrp::gname.asc())
        .load::<Pgrp>(conn)?)
}

/// A channel's group by name.
pub fn find_by_name(conn: &mut AnyConnection, uid: i64, name: &str) -> Result<Option<Pgrp>> {
    Ok(pgrp::table
        .filter(pgrp::uid.eq(uid))
        .filter(pgrp::gname.eq(name))
        .filter(pgrp::deleted.eq(false))
        .first::<Pgrp>(conn)
        .optional()?)
}

/// The members (portable ids) of a group.
pub fn members(conn: &mut AnyConnection, gid: i64) -> Result<Vec<String>> {
    Ok(pgrp_member::table
        .filter(pgrp_member::gid.eq(gid))
        .order(pgrp_member::id.asc())
        .select(pgrp_member::xchan)
        .load::<String>(conn)?)
}

/// Adds a member (nothing if already one).
pub fn add_member(conn: &mut AnyConnection, gid: i64, uid: i64, xchan: &str) -> Result<()> {
    let n: i64 = pgrp_member::table
        .filter(pgrp_member::gid.eq(gid))
        .filter(pgrp_member::xchan.eq(xchan))
        .count()
        .get_result(conn)?;
    if n == 0 {
        diesel::insert_into(pgrp_member::table)
            .values((
                pgrp_member::gid.eq(gid),
                pgrp_member::uid.eq(uid),
                pgrp_member::xchan.eq(xchan),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Removes a member.
pub fn remove_member(conn: &mut AnyConnection, gid: i64, xchan: &str) -> Result<usize> {
    Ok(diesel::delete(
        pgrp_member::table
            .filter(pgrp_member::gid.eq(gid))
            .filter(pgrp_member::xchan.eq(xchan)),
    )
    .execute(conn)?)
}

/// The ids (`hash`) of a channel's live groups that have `xchan` as a member.
pub fn hashes_with_member(conn: &mut AnyConnection, uid: i64, xchan: &str) -> Result<Vec<String>> {
    Ok(pgrp::table
        .inner_join(pgrp_member::table)
        .filter(pgrp::uid.eq(uid))
        .filter(pgrp::deleted.eq(false))
        .filter(pgrp_member::xchan.eq(xchan))
        .select(pgrp::hash)
        .load::<String>(conn)?)
}

/// A channel's live group by its id (`hash`).
pub fn find_by_hash(conn: &mut AnyConnection, uid: i64, hash: &str) -> Result<Option<Pgrp>> {
    Ok(pgrp::table
        .filter(pgrp::uid.eq(uid))
        .filter(pgrp::hash.eq(hash))
        .filter(pgrp::deleted.eq(false))
        .first::<Pgrp>(conn)
        .optional()?)
}
