//! Caravan hub.
pub mod cli;
