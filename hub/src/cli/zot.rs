//! `hub zot …`: commands for people debugging federation (portable ids, captured exchanges, envelopes).
//! Owned by the zot work (issue 3); thin wrappers over the `zot` crate, file I/O only here.

use std::process::ExitCode;

/// Subcommands of `hub zot`.
#[derive(Debug, clap::Subcommand)]
pub enum ZotCommand {
    /// Print the portable id (xchan hash) of a channel: base64url(whirlpool(guid . public key PEM)).
    PortableId {
        /// The channel guid (zot `id`).
        #[arg(long)]
        guid: String,
        /// File holding the channel's public key PEM, byte-exact.
        #[arg(long)]
        pubkey: std::path::PathBuf,
    },
}

/// Runs one `hub zot` subcommand; the exit code tells success.
pub fn run(cmd: ZotCommand) -> ExitCode {
    match cmd {
        ZotCommand::PortableId { .. } => ExitCode::FAILURE,
    }
}
