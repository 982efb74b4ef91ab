//! Zot6 messages on `/zot` (zot6.md §3.3–3.5): the envelope every hub-to-hub message travels in,
//! and the response with its delivery reports.

pub mod envelope;
pub mod report;

pub use envelope::{Envelope, MessageType};
pub use report::{DeliveryReport, ZotResponse};
