//! Zot6 as Hubzilla speaks it: identities, keys, signatures, discovery documents and envelopes.
//! Pure protocol: no I/O, no actix, diesel, tokio or reqwest. The wire contract is
//! `../shared/docs/zot6.md`; every module names the section it implements.
#![deny(missing_docs)]

pub mod activity;
pub mod capture;
pub mod crypt;
pub mod discovery;
pub mod encoding;
pub mod error;
pub mod export;
pub mod httpsig;
pub mod hz;
pub mod id;
pub mod keys;
pub mod message;
pub mod owa;
pub mod perms;
pub mod salmon;
pub mod sign;

pub use error::{Error, Result};
