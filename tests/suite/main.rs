//! The multi-hub integration suite: real hubs on loopback, real databases (SQLite, or
//! PostgreSQL when CARAVAN_TEST_PG_URL is set), real HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod access_matrix;
mod accounts;
mod attachments;
mod bad_input;
mod browser;
mod client_api;
mod clients;
mod dav;
mod federation;
mod federation_bad_input;
mod hardening_accounts;
mod hardening_web;
mod hubzilla_sync;
mod identity;
mod mail;
mod nomad;
mod nomad_web;
mod pages;
mod perms_props;
mod photos;
mod replay;
mod settings_web;
mod sso;
mod storage;
mod storage_nomad;
mod storage_s3;
mod storage_thumbs;
mod store;
mod two_hubs;
mod web_app;
