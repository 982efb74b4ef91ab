//! Caravan hub: a nomadic-identity server speaking Zot6 as Hubzilla does. `main` lives in this
//! library (`cli::main`) so tests can embed whole hubs. Layering: `http` → `service` → `store`;
//! `service` → `zot`. See docs/architecture.md.

pub mod app;
pub mod blobs;
pub mod cli;
pub mod clock;
pub mod config;
pub mod ctx;
pub mod error;
pub mod files;
pub mod hashing;
pub mod http;
pub mod i18n;
pub mod identity;
pub mod mail;
pub mod net;
pub mod queue;
pub mod ratelimit;
pub mod service;
pub mod store;
pub mod uris;

pub use app::{Deps, Hub, RunningHub};
