//! `hub zot …`: commands for people debugging federation (portable ids, captured exchanges,
//! envelopes). Thin wrappers over the `zot` crate; file I/O only here.

use std::path::PathBuf;
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
        pubkey: PathBuf,
    },
}

/// Runs one `hub zot` subcommand; the exit code tells success.
pub fn run(cmd: ZotCommand) -> ExitCode {
    match cmd {
        ZotCommand::PortableId { guid, pubkey } => {
            let pem = match std::fs::read_to_string(&pubkey) {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("error: cannot read {}: {e}", pubkey.display());
                    return ExitCode::FAILURE;
                }
            };
            if let Err(e) = zot::keys::PublicKey::from_pem(&pem) {
                eprintln!("error: {}: {e}", pubkey.display());
                return ExitCode::FAILURE;
            }
            println!("{}", zot::id::portable_id(&guid, &pem));
            ExitCode::SUCCESS
        }
    }
}
