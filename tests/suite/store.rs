//! Store tests, run on whichever backend the suite runs on.

use hub::store::{self, Db};
use hub_tests::db::TestDb;

fn open() -> (Db, TestDb, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let tdb = TestDb::create("store");
    let url = tdb
        .url
        .clone()
        .unwrap_or_else(|| dir.path().join("t.sqlite").display().to_string());
    let db = Db::open(&url, 2).unwrap();
    (db, tdb, dir)
}

const TABLES: &[&str] = &[
    "abconfig",
    "abook",
    "account",
    "account_pref",
    "api_bookmark",
    "api_event",
    "api_idempotency",
    "api_marker",
    "api_status",
    "app_password",
    "attach",
    "attach_note",
    "attach_prop",
    "attach_thumb",
    "changelog",
    "channel",
    "config",
    "dav_lock",
    "dest",
    "email_change",
    "hubloc",
    "item",
    "item_attach",
    "item_edit",
    "notify",
    "oauth_app",
    "oauth_code",
    "oauth_token",
    "outq",
    "owa_token",
    "pconfig",
    "pgrp",
    "pgrp_member",
    "photo",
    "profile",
    "session",
    "site",
    "verify",
    "visitor",
    "xchan",
    "xchan_photo",
];

#[test]
fn migrations_go_up_down_and_up_again() {
    let (db, _tdb, _dir) = open();
    let applied = db.migrate().unwrap();
    assert_eq!(applied.len(), 14);
    assert_eq!(db.table_names().unwrap(), TABLES);
    assert!(
        db.migrate().unwrap().is_empty(),
        "second run applies nothing"
    );
    assert_eq!(db.revert_all().unwrap(), 14);
    assert!(
        db.table_names().unwrap().is_empty(),
        "down.sql leaves tables behind"
    );
    db.migrate().unwrap();
    assert_eq!(db.table_names().unwrap(), TABLES);
}

#[test]
fn backend_is_chosen_by_the_url() {
    let (db, _tdb, _dir) = open();
    let expected = if TestDb::is_postgres() {
        store::Backend::Postgres
    } else {
        store::Backend::Sqlite
    };
    assert_eq!(db.backend(), expected);
    assert_eq!(
        store::Backend::of("postgresql://x/y"),
        store::Backend::Postgres
    );
    assert_eq!(
        store::Backend::of("data/hub.sqlite"),
        store::Backend::Sqlite
    );
}

#[test]
fn duplicate_emails_are_refused_by_the_database_and_nothing_changes() {
    let (db, _tdb, _dir) = open();
    db.migrate().unwrap();
    let mut conn = db.conn().unwrap();
    let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 22)
        .unwrap()
        .and_hms_micro_opt(10, 0, 0, 123_456)
        .unwrap();
    let new = store::account::NewAccount {
        account_email: "o'hara@example.org",
        account_password: "x",
        account_verified: true,
        account_approved: true,
        account_admin: false,
        account_created: now,
    };
    let id = store::account::insert(&mut conn, &new).unwrap();
    let err = store::account::insert(&mut conn, &new).unwrap_err();
    let dup = err
        .source
        .as_ref()
        .and_then(|s| s.downcast_ref::<diesel::result::Error>())
        .is_some_and(store::is_unique_violation);
    assert!(dup, "{err}");
    assert_eq!(store::account::count(&mut conn).unwrap(), 1);
    let back = store::account::find(&mut conn, id).unwrap().unwrap();
    assert_eq!(back.account_email, "o'hara@example.org");
    assert_eq!(
        back.account_created, now,
        "microsecond timestamps round-trip"
    );
}

#[test]
fn site_settings_update_in_place() {
    let (db, _tdb, _dir) = open();
    db.migrate().unwrap();
    let mut conn = db.conn().unwrap();
    assert_eq!(
        store::site::get_config(&mut conn, "system", "k").unwrap(),
        None
    );
    store::site::set_config(&mut conn, "system", "k", "one").unwrap();
    store::site::set_config(&mut conn, "system", "k", "two; DROP TABLE config;--").unwrap();
    assert_eq!(
        store::site::get_config(&mut conn, "system", "k")
            .unwrap()
            .as_deref(),
        Some("two; DROP TABLE config;--")
    );
}
