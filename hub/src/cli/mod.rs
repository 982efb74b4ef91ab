//! The command line (clap): `serve` (the default), `migrate`, `admin …`, `config …`, `zot …`.
//! Every command takes `--config FILE` and `--data DIR`.

pub mod channel;
pub mod zot;

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::app::{Deps, Hub};
use crate::config::{CliOverrides, Config};
use crate::error::Result;
use crate::service;

/// Caravan: a nomadic-identity hub speaking Zot6 (channels, connections, posts, federation with
/// Caravan and Hubzilla hubs).
#[derive(Debug, Parser)]
#[command(name = "hub", version, about)]
pub struct Cli {
    /// Configuration file (TOML). Also HUB_CONFIG.
    #[arg(long, global = true, env = "HUB_CONFIG")]
    pub config: Option<PathBuf>,
    /// Data directory (overrides paths.data_dir).
    #[arg(long, global = true)]
    pub data: Option<PathBuf>,
    /// What to do; without a command the hub serves.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the hub over HTTP (the default).
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Administration: accounts and channels.
    Admin {
        /// What to administer.
        #[command(subcommand)]
        what: AdminCommand,
    },
    /// Configuration helpers.
    Config {
        /// What to do.
        #[command(subcommand)]
        what: ConfigCommand,
    },
    /// Federation as a channel: connect, approve, post, show.
    Channel {
        /// What to do.
        #[command(subcommand)]
        cmd: channel::ChannelCommand,
    },
    /// The delivery queue.
    Queue {
        /// What to do.
        #[command(subcommand)]
        cmd: channel::QueueCommand,
    },
    /// Federation debugging tools.
    Zot {
        /// Which tool.
        #[command(subcommand)]
        cmd: zot::ZotCommand,
    },
}

/// `hub serve` options.
#[derive(Debug, Default, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on (overrides http.bind), e.g. 127.0.0.1:8080.
    #[arg(long)]
    pub bind: Option<String>,
    /// Public base URL (overrides site.base_url), e.g. https://hub.example.org.
    #[arg(long)]
    pub base_url: Option<String>,
}

/// `hub admin …`
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Accounts.
    Account {
        /// Action.
        #[command(subcommand)]
        action: AccountAction,
    },
    /// Channels.
    Channel {
        /// Action.
        #[command(subcommand)]
        action: ChannelAction,
    },
}

/// `hub admin account …`
#[derive(Debug, Subcommand)]
pub enum AccountAction {
    /// Create a verified, approved account; the password is read from standard input.
    Create {
        /// Email address.
        #[arg(long)]
        email: String,
        /// Read the password from standard input (required; keeps it out of shell history).
        #[arg(long, required = true)]
        password_stdin: bool,
        /// Make the account a hub admin (the first account always is).
        #[arg(long)]
        admin: bool,
    },
}

/// `hub admin channel …`
#[derive(Debug, Subcommand)]
pub enum ChannelAction {
    /// Create a channel for an existing account.
    Create {
        /// Email of the owning account.
        #[arg(long)]
        account: String,
        /// Nickname (a-z, 0-9, _).
        #[arg(long)]
        nick: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// Role preset: personal, public, group or custom.
        #[arg(long, default_value = "personal")]
        role: String,
    },
}

/// `hub config …`
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the documented example configuration.
    Example,
    /// Load and validate the configuration, then print what it resolves to.
    Check,
}

/// Parses the command line and runs it.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .try_init();
}

fn load_config(cli: &Cli, serve: Option<&ServeArgs>) -> anyhow::Result<Config> {
    let overrides = CliOverrides {
        data_dir: cli.data.clone(),
        bind: serve.and_then(|s| s.bind.clone()),
        base_url: serve.and_then(|s| s.base_url.clone()),
    };
    Ok(Config::load(cli.config.as_deref(), &overrides)?)
}

/// Runs a parsed command line.
pub fn run(mut cli: Cli) -> anyhow::Result<ExitCode> {
    let command = cli.command.take();
    match &command {
        None => serve(&cli, &ServeArgs::default()),
        Some(Command::Serve(args)) => serve(&cli, args),
        Some(Command::Migrate) => {
            let config = load_config(&cli, None)?;
            let (applied, backend) = crate::app::migrate(&config).map_err(anyhow_of)?;
            println!("{} migration(s) applied ({backend})", applied.len());
            for v in applied {
                println!("  {v}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Config { what }) => match what {
            ConfigCommand::Example => {
                print!("{}", crate::config::example_toml());
                Ok(ExitCode::SUCCESS)
            }
            ConfigCommand::Check => {
                let config = load_config(&cli, None)?;
                println!("configuration is valid");
                println!("  base_url  = {}", config.uris().base());
                println!("  bind      = {}", config.bind);
                println!("  data_dir  = {}", config.data_dir.display());
                println!(
                    "  database  = {:?}",
                    crate::app::backend_name(&config.db_url)
                );
                Ok(ExitCode::SUCCESS)
            }
        },
        Some(Command::Admin { what }) => {
            let config = load_config(&cli, None)?;
            admin(config, what)
        }
        Some(Command::Channel { cmd }) => {
            let config = load_config(&cli, None)?;
            with_hub(config, |ctx| {
                Box::pin(async move { channel::run(&ctx, cmd).await })
            })
        }
        Some(Command::Queue { cmd }) => {
            let config = load_config(&cli, None)?;
            with_hub(config, |ctx| {
                Box::pin(async move { channel::run_queue(&ctx, cmd).await })
            })
        }
        Some(Command::Zot { .. }) => match command {
            Some(Command::Zot { cmd }) => Ok(zot::run(cmd)),
            _ => Ok(ExitCode::FAILURE),
        },
    }
}

/// Builds the hub (no server), runs `f` on a runtime, and reports a hub error on stderr.
fn with_hub<'a>(
    config: Config,
    f: impl FnOnce(
        crate::ctx::Ctx,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<ExitCode>> + 'a>>,
) -> anyhow::Result<ExitCode> {
    let hub = Hub::build(config, Deps::production()).map_err(anyhow_of)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let ctx = hub.ctx().clone();
    match rt.block_on(f(ctx)) {
        Ok(code) => Ok(code),
        Err(e) => {
            tracing::debug!(error = %e, "command failed");
            eprintln!("error: {}", e.kind.safe_message());
            Ok(ExitCode::FAILURE)
        }
    }
}

fn anyhow_of(e: crate::error::Error) -> anyhow::Error {
    anyhow::anyhow!("{}", e.kind.safe_message()).context(e.to_string())
}

fn admin(config: Config, what: &AdminCommand) -> anyhow::Result<ExitCode> {
    let hub = Hub::build(config, Deps::production()).map_err(anyhow_of)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let ctx = hub.ctx().clone();
    let result: Result<String> = rt.block_on(async {
        match what {
            AdminCommand::Account {
                action:
                    AccountAction::Create {
                        email,
                        password_stdin: _,
                        admin,
                    },
            } => {
                let mut password = String::new();
                std::io::stdin().read_to_string(&mut password)?;
                let password = password.trim_end_matches(['\r', '\n']);
                let id = service::account::create_verified(&ctx, email, password, *admin).await?;
                Ok(format!("account {id} created for {email}"))
            }
            AdminCommand::Channel {
                action:
                    ChannelAction::Create {
                        account,
                        nick,
                        name,
                        role,
                    },
            } => {
                let acct = service::account::find_by_email(&ctx, account)
                    .await?
                    .ok_or_else(|| {
                        crate::error::Error::invalid("account", "No account has this email.")
                    })?;
                let ch = service::channel::create(&ctx, acct.account_id, nick, name, role).await?;
                Ok(format!(
                    "channel {} created: {}\nportable id: {}",
                    ch.channel_address,
                    ctx.uris.channel(&ch.channel_address),
                    ch.channel_hash
                ))
            }
        }
    });
    match result {
        Ok(msg) => {
            println!("{msg}");
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            tracing::debug!(error = %e, "admin command failed");
            eprintln!("error: {}", e.kind.safe_message());
            Ok(ExitCode::FAILURE)
        }
    }
}

fn serve(cli: &Cli, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let config = load_config(cli, Some(args))?;
    let bind = config.bind;
    let listener = std::net::TcpListener::bind(bind)
        .map_err(|e| anyhow::anyhow!("cannot listen on {bind}: {e}"))?;
    let url = config.uris().base().to_string();
    let data = config.data_dir.clone();
    let hub = Hub::build(config, Deps::production()).map_err(anyhow_of)?;
    for (path, mode) in crate::files::wider_than_private(&data) {
        tracing::warn!(
            path = %path.display(),
            mode = format!("{mode:o}"),
            "readable by other users of this machine; run chmod go-rwx on it"
        );
    }
    actix_web::rt::System::new().block_on(async move {
        let running = hub.serve(listener).map_err(anyhow_of)?;
        tracing::info!(%url, data = %data.display(), "Caravan hub serving; stop with Ctrl-C");
        let handle = running.handle();
        tokio::spawn(async move {
            let _ = tokio::signal::ctrl_c().await;
            tracing::info!("shutting down");
            handle.stop(true).await;
        });
        running.wait().await.map_err(anyhow_of)?;
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(ExitCode::SUCCESS)
}
