//! Domain operations shared by the web pages, the CLI and (later) the Zot endpoints. Services
//! take a `Ctx` and plain data, open transactions, and never see actix types.

pub mod account;
pub mod activity;
pub mod app_password;
pub mod attachment;
pub mod channel;
pub mod client_api;
pub mod connection;
pub mod credentials;
pub mod dav;
pub mod discovery;
pub mod export;
pub mod file_sync;
pub mod hz;
pub mod import;
pub mod inbound;
pub mod item;
pub mod locations;
pub mod lookalike;
pub mod oauth;
pub mod online_import;
pub mod outbound;
pub mod owa;
pub mod perms;
pub mod reset;
pub mod session;
pub mod signatures;
pub mod site;
pub mod storage;
pub mod streaming;
pub mod sync;
pub mod text;
pub mod thumbnail;
pub mod zot_api;
pub mod zot_info;
