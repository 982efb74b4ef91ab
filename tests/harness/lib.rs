//! Test harness for the multi-hub suite: `TestNet` (several hubs in one process on loopback,
//! distinct host names, one shared manual clock), `TestHub`, a cookie-keeping `Browser`, mail
//! readers, and per-test databases (SQLite by default, PostgreSQL when `CARAVAN_TEST_PG_URL`
//! names an admin connection).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

pub mod browser;
pub mod db;
pub mod mail;
pub mod net;

pub use browser::{Browser, Resp, csrf_of, raw_get, raw_request};
pub use net::{TestHub, TestNet};
