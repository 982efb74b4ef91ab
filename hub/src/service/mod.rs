//! Domain operations shared by the web pages, the CLI and (later) the Zot endpoints. Services
//! take a `Ctx` and plain data, open transactions, and never see actix types.

pub mod account;
pub mod channel;
pub mod item;
pub mod site;
pub mod text;
