//! Channel profiles (`profile` table): the about text, home page and location shown on a
//! channel page.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::profile;
use crate::error::Result;

/// A channel's profile.
#[derive(Debug, Clone, Queryable)]
pub struct Profile {
    /// Row id.
    pub id: i64,
    /// Channel id.
    pub uid: i64,
    /// About text (Markdown).
    pub about: String,
    /// Home page URL.
    pub homepage: String,
    /// Where the channel is.
    pub locality: String,
    /// Last edit.
    pub edited: NaiveDateTime,
}

/// Creates the (empty) profile of a new channel.
pub fn insert(conn: &mut AnyConnection, uid: i64, at: NaiveDateTime) -> Result<()> {
    diesel::insert_into(profile::table)
        .values((profile::uid.eq(uid), profile::edited.eq(at)))
        .execute(conn)?;
    Ok(())
}

/// The profile of a channel.
pub fn find(conn: &mut AnyConnection, uid: i64) -> Result<Option<Profile>> {
    Ok(profile::table
        .filter(profile::uid.eq(uid))
        .first::<Profile>(conn)
        .optional()?)
}

/// Replaces the editable profile fields.
pub fn update(
    conn: &mut AnyConnection,
    uid: i64,
    about: &str,
    homepage: &str,
    locality: &str,
    at: NaiveDateTime,
) -> Result<()> {
    diesel::update(profile::table.filter(profile::uid.eq(uid)))
        .set((
            profile::about.eq(about),
            profile::homepage.eq(homepage),
            profile::locality.eq(locality),
            profile::edited.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}
