//! `hub channel …` and `hub queue …`: federation from the command line, for operators and
//! scripts. Each command works on the hub's database while `hub serve` runs on it: what it
//! queues, the running server's delivery worker sends. Every command can answer `--json`.

use std::process::ExitCode;

use clap::Subcommand;
use serde_json::json;

use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::service;
use crate::service::perms::Audience;

/// `hub channel …`
#[derive(Debug, Subcommand)]
pub enum ChannelCommand {
    /// Connect a channel of this hub to a channel anywhere (address or channel URL).
    Connect {
        /// The local channel.
        #[arg(long)]
        nick: String,
        /// Whom to connect to: nick@host or a channel URL.
        #[arg(long)]
        to: String,
        /// Role preset for what the connection is granted.
        #[arg(long, default_value = "personal")]
        role: String,
        /// Answer in JSON.
        #[arg(long)]
        json: bool,
    },
    /// Approve a pending connection request.
    Approve {
        /// The local channel.
        #[arg(long)]
        nick: String,
        /// Whose request: nick@host, channel URL or portable id.
        #[arg(long)]
        from: String,
        /// Role preset for what the connection is granted.
        #[arg(long, default_value = "personal")]
        role: String,
        /// Answer in JSON.
        #[arg(long)]
        json: bool,
    },
    /// Post as a channel: to everyone allowed, or only to the given connections.
    Post {
        /// The local channel.
        #[arg(long)]
        nick: String,
        /// Only to these connections (nick@host), privately; repeatable.
        #[arg(long = "to")]
        to: Vec<String>,
        /// Only to the members of this privacy group, privately.
        #[arg(long)]
        group: Option<String>,
        /// Only to the channel's connections (as they are now), privately.
        #[arg(long, conflicts_with_all = ["to", "group"])]
        connections: bool,
        /// The text (Markdown).
        #[arg(long, conflicts_with = "body_file")]
        body: Option<String>,
        /// Read the text from this file.
        #[arg(long)]
        body_file: Option<std::path::PathBuf>,
        /// Answer in JSON.
        #[arg(long)]
        json: bool,
    },
    /// Comment on or like an item of the channel's stream (by message id).
    Reply {
        /// The local channel.
        #[arg(long)]
        nick: String,
        /// The message id of the item answered.
        #[arg(long)]
        mid: String,
        /// The comment (Markdown); without it, `--like` or `--dislike`.
        #[arg(long)]
        body: Option<String>,
        /// Like instead of commenting.
        #[arg(long)]
        like: bool,
        /// Dislike instead of commenting.
        #[arg(long)]
        dislike: bool,
        /// Answer in JSON.
        #[arg(long)]
        json: bool,
    },
    /// Edit (with `--body`) or delete (with `--delete`) one of the channel's own items.
    Edit {
        /// The local channel.
        #[arg(long)]
        nick: String,
        /// The message id of the item.
        #[arg(long)]
        mid: String,
        /// The new text.
        #[arg(long, conflicts_with = "delete")]
        body: Option<String>,
        /// Delete it.
        #[arg(long)]
        delete: bool,
        /// Answer in JSON.
        #[arg(long)]
        json: bool,
    },
    /// Manage a privacy group: create it, add or remove a connection.
    Group {
        /// The local channel.
        #[arg(long)]
        nick: String,
        /// The group's name.
        #[arg(long)]
        name: String,
        /// Create the group.
        #[arg(long)]
        create: bool,
        /// Add this connection (nick@host or channel URL).
        #[arg(long)]
        add: Option<String>,
        /// Remove this connection.
        #[arg(long)]
        remove: Option<String>,
        /// Answer in JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write the whole channel (identity with keys, profile, connections, groups, settings,
    /// items) to a file, in Hubzilla's export format. The file holds the private key: keep it
    /// safe.
    Export {
        /// The local channel.
        #[arg(long)]
        nick: String,
        /// Where to write it.
        #[arg(long)]
        out: std::path::PathBuf,
        /// Answer in JSON.
        #[arg(long)]
        json: bool,
    },
    /// Import a channel for an account, from an export file (ours or Hubzilla's, gzipped or
    /// not) or online from its old hub (--from nick@host --login L, password on stdin): it
    /// keeps its guid, keys and portable id and becomes a clone here, or the primary with
    /// --primary. With --posts, an online import also pulls the channel's posts.
    Import {
        /// The local account (email).
        #[arg(long)]
        account: String,
        /// The export file.
        #[arg(long, conflicts_with = "from", required_unless_present = "from")]
        file: Option<std::path::PathBuf>,
        /// The channel's address on its old hub (online import).
        #[arg(long, requires = "login")]
        from: Option<String>,
        /// The login (email or nickname) on the old hub; the password is read from stdin.
        #[arg(long)]
        login: Option<String>,
        /// Online import: pull the channel's posts too.
        #[arg(long, requires = "from")]
        posts: bool,
        /// Make this hub the channel's primary location.
        #[arg(long)]
        primary: bool,
        /// Answer in JSON.
        #[arg(long)]
        json: bool,
    },
    /// Delete the channel at this hub only: it lives on at its other locations, which are told
    /// (not the primary, nor the only location).
    Leave {
        /// The local channel.
        #[arg(long)]
        nick: String,
        /// Confirm.
        #[arg(long)]
        yes: bool,
        /// Answer in JSON.
        #[arg(long)]
        json: bool,
    },
    /// Pull a channel's posts from its old hub (again: posts already here are skipped, so an
    /// interrupted pull carries on); the password is read from stdin.
    PullPosts {
        /// The local channel.
        #[arg(long)]
        nick: String,
        /// The channel's address on its old hub.
        #[arg(long)]
        from: String,
        /// The login (email or nickname) there.
        #[arg(long)]
        login: String,
        /// Answer in JSON.
        #[arg(long)]
        json: bool,
    },
    /// Make this hub the channel's primary location (also when the old primary cannot be
    /// reached); connections and the other locations are told.
    Primary {
        /// The local channel.
        #[arg(long)]
        nick: String,
        /// This hub (the only choice: a location can only make itself the primary).
        #[arg(long)]
        here: bool,
        /// Answer in JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the channel's locations.
    Locations {
        /// The local channel.
        #[arg(long)]
        nick: String,
        /// Answer in JSON.
        #[arg(long)]
        json: bool,
    },
    /// Compare the channel's locations: per kind of object counts and digests, and how far
    /// each has seen the changes made at the others; "in sync" or what differs where.
    SyncStatus {
        /// The local channel.
        #[arg(long)]
        nick: String,
        /// Answer in JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show or change who may have each permission (the channel-wide limits).
    Permissions {
        /// The local channel.
        #[arg(long)]
        nick: String,
        /// Set a limit, PERMISSION=WHO (who: public, authed, network, site, pending, contacts,
        /// specific, self); repeatable. Posts already written keep their audience.
        #[arg(long = "set")]
        set: Vec<String>,
        /// Answer in JSON.
        #[arg(long)]
        json: bool,
    },
    /// Make a client API token for a bot or script acting as a channel. The token is printed
    /// once; it is listed (and revocable) on the owner's Authorised apps page.
    Token {
        /// The local channel.
        #[arg(long)]
        nick: String,
        /// Scopes, space separated (read, write, follow, push, or sub-scopes such as
        /// write:statuses).
        #[arg(long, default_value = "read")]
        scopes: String,
        /// A name for the token (shown on the Authorised apps page).
        #[arg(long)]
        name: String,
        /// Answer in JSON.
        #[arg(long)]
        json: bool,
    },
    /// Make an app password for WebDAV and file sync clients (user name: the nickname). The
    /// password is printed once; the owner revokes it on the Authorised apps page.
    AppPassword {
        /// The local channel (the password signs in its account).
        #[arg(long)]
        nick: String,
        /// A name for the password (shown on the Authorised apps page).
        #[arg(long)]
        name: String,
        /// Answer in JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show a channel's connections and the newest items of its stream.
    Show {
        /// The local channel.
        #[arg(long)]
        nick: String,
        /// Answer in JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `hub queue …`
#[derive(Debug, Subcommand)]
pub enum QueueCommand {
    /// Per destination: depth, oldest message, next attempt, last error, dead.
    Status {
        /// Answer in JSON.
        #[arg(long)]
        json: bool,
    },
}

fn print(json_out: bool, value: serde_json::Value, text: String) -> ExitCode {
    if json_out {
        println!("{value}");
    } else {
        println!("{text}");
    }
    ExitCode::SUCCESS
}

/// Runs a channel command.
pub async fn run(ctx: &Ctx, cmd: &ChannelCommand) -> Result<ExitCode> {
    match cmd {
        ChannelCommand::Connect {
            nick,
            to,
            role,
            json,
        } => {
            let ch = service::channel::by_nick(ctx, nick).await?;
            let x = service::connection::connect(ctx, &ch, to, role).await?;
            Ok(print(
                *json,
                json!({"connected": x.xchan_addr, "portable_id": x.xchan_hash, "role": role}),
                format!(
                    "{nick} connected to {} ({}); they see a request",
                    x.xchan_addr, x.xchan_name
                ),
            ))
        }
        ChannelCommand::Approve {
            nick,
            from,
            role,
            json,
        } => {
            let ch = service::channel::by_nick(ctx, nick).await?;
            service::connection::approve(ctx, &ch, from, role).await?;
            Ok(print(
                *json,
                json!({"approved": from, "role": role}),
                format!("{nick} approved {from} as {role}"),
            ))
        }
        ChannelCommand::Post {
            nick,
            to,
            group,
            connections,
            body,
            body_file,
            json,
        } => {
            let text = match (body, body_file) {
                (Some(b), _) => b.clone(),
                (None, Some(f)) => std::fs::read_to_string(f)
                    .map_err(|e| Error::invalid("body_file", format!("{}: {e}", f.display())))?,
                (None, None) => {
                    return Err(Error::invalid(
                        "body",
                        "Give --body TEXT or --body-file FILE.",
                    ));
                }
            };
            let ch = service::channel::by_nick(ctx, nick).await?;
            let audience = match group {
                Some(g) => Audience::Group(g.clone()),
                None if !to.is_empty() => Audience::Channels(
                    service::connection::recipient_ids(ctx, &ch, &to.join(",")).await?,
                ),
                None if *connections => Audience::Connections,
                None => Audience::Public,
            };
            let item = service::item::post(ctx, &ch, &text, audience).await?;
            let queued = service::item::delivery_status(ctx, &item.mid).await?;
            Ok(print(
                *json,
                json!({"mid": item.mid, "private": item.is_restricted(), "destinations": queued.len()}),
                format!("posted {} (queued for {} hub(s))", item.mid, queued.len()),
            ))
        }
        ChannelCommand::Reply {
            nick,
            mid,
            body,
            like,
            dislike,
            json,
        } => {
            let ch = service::channel::by_nick(ctx, nick).await?;
            let uuid = service::item::uuid_of(ctx, &ch, mid).await?;
            let (verb, text) = match (body, like, dislike) {
                (Some(b), false, false) => ("Create", b.as_str()),
                (None, true, false) => ("Like", ""),
                (None, false, true) => ("Dislike", ""),
                _ => {
                    return Err(Error::invalid(
                        "body",
                        "Give exactly one of --body TEXT, --like, --dislike.",
                    ));
                }
            };
            let item = service::item::respond(ctx, &ch, &uuid, verb, text).await?;
            Ok(print(
                *json,
                json!({"mid": item.mid, "verb": verb, "in_reply_to": mid}),
                format!("{verb} {} in reply to {mid}", item.mid),
            ))
        }
        ChannelCommand::Edit {
            nick,
            mid,
            body,
            delete,
            json,
        } => {
            let ch = service::channel::by_nick(ctx, nick).await?;
            let uuid = service::item::uuid_of(ctx, &ch, mid).await?;
            if body.is_none() && !delete {
                return Err(Error::invalid("body", "Give --body TEXT or --delete."));
            }
            let item = service::item::edit(ctx, &ch, &uuid, body.as_deref()).await?;
            Ok(print(
                *json,
                json!({"mid": item.mid, "deleted": item.item_deleted}),
                format!(
                    "{} {}",
                    if item.item_deleted {
                        "deleted"
                    } else {
                        "edited"
                    },
                    item.mid
                ),
            ))
        }
        ChannelCommand::Export { nick, out, json } => {
            let ch = service::channel::by_nick(ctx, nick).await?;
            let file = crate::files::create_private(out)
                .map_err(|e| Error::invalid("out", format!("{}: {e}", out.display())))?;
            let items = service::export::write(ctx, &ch, file).await?;
            Ok(print(
                *json,
                json!({"nick": ch.channel_address, "portable_id": ch.channel_hash, "items": items, "file": out}),
                format!(
                    "exported {} ({} items) to {}; the file holds the channel's private key",
                    ch.channel_address,
                    items,
                    out.display()
                ),
            ))
        }
        ChannelCommand::Import {
            account,
            file,
            from,
            login,
            posts,
            primary,
            json,
        } => {
            let acct = service::account::find_by_email(ctx, account)
                .await?
                .ok_or_else(|| Error::invalid("account", format!("No account {account} here.")))?;
            let (done, pulled) = match (file, from) {
                (Some(file), _) => {
                    let bytes = std::fs::read(file)
                        .map_err(|e| Error::invalid("file", format!("{}: {e}", file.display())))?;
                    let export = service::import::parse(&bytes)?;
                    let done =
                        service::import::import(ctx, acct.account_id, export, *primary).await?;
                    (done, 0)
                }
                (None, Some(from)) => {
                    let old = old_hub(from, login.as_deref())?;
                    service::online_import::import(ctx, acct.account_id, &old, *primary, *posts)
                        .await?
                }
                (None, None) => return Err(Error::invalid("file", "Give --file or --from.")),
            };
            Ok(print(
                *json,
                json!({
                    "nick": done.channel.channel_address,
                    "portable_id": done.channel.channel_hash,
                    "connections": done.connections,
                    "items": done.items,
                    "locations": done.locations,
                    "primary": primary,
                    "skipped": done.skipped,
                    "posts_pulled": pulled,
                }),
                format!(
                    "imported {} (portable id {}): {} connections, {} items, {} posts pulled, {} locations{}",
                    done.channel.channel_address,
                    done.channel.channel_hash,
                    done.connections,
                    done.items,
                    pulled,
                    done.locations,
                    if done.skipped.is_empty() {
                        String::new()
                    } else {
                        format!("; left out: {}", done.skipped.join("; "))
                    }
                ),
            ))
        }
        ChannelCommand::Leave { nick, yes, json } => {
            if !*yes {
                return Err(Error::invalid(
                    "yes",
                    "Give --yes: the channel will be gone from this hub (it lives on at its other locations).",
                ));
            }
            let channel = service::channel::by_nick(ctx, nick).await?;
            service::locations::leave_here(ctx, &channel).await?;
            Ok(print(
                *json,
                json!({ "nick": nick, "left": true }),
                format!("{nick} left this hub; it lives on at its other locations"),
            ))
        }
        ChannelCommand::PullPosts {
            nick,
            from,
            login,
            json,
        } => {
            let channel = service::channel::by_nick(ctx, nick).await?;
            let old = old_hub(from, Some(login))?;
            let n = service::online_import::pull_posts(ctx, &channel, &old).await?;
            Ok(print(
                *json,
                json!({ "nick": nick, "posts_pulled": n }),
                format!("{n} posts pulled from {from} into {nick}"),
            ))
        }
        ChannelCommand::Primary { nick, here, json } => {
            if !*here {
                return Err(Error::invalid(
                    "here",
                    "Give --here: run this on the hub that is to become the primary.",
                ));
            }
            let ch = service::channel::by_nick(ctx, nick).await?;
            service::locations::make_primary_here(ctx, &ch).await?;
            Ok(print(
                *json,
                json!({"nick": ch.channel_address, "primary": ctx.uris.base()}),
                format!(
                    "{} is now the primary location of {}",
                    ctx.uris.base(),
                    ch.channel_address
                ),
            ))
        }
        ChannelCommand::Locations { nick, json } => {
            let ch = service::channel::by_nick(ctx, nick).await?;
            let locs = service::locations::list(ctx, &ch).await?;
            let text = locs
                .iter()
                .map(|l| {
                    format!(
                        "{}{} {}{}",
                        if l.primary { "* " } else { "  " },
                        l.url,
                        l.address,
                        if l.here { " (here)" } else { "" }
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            let value: Vec<_> = locs
                .iter()
                .map(|l| json!({"url": l.url, "address": l.address, "primary": l.primary, "here": l.here}))
                .collect();
            Ok(print(*json, json!(value), text))
        }
        ChannelCommand::SyncStatus { nick, json } => {
            let ch = service::channel::by_nick(ctx, nick).await?;
            let report = service::sync::compare(ctx, &ch).await?;
            let mut text = vec![format!(
                "{} here ({}): {}",
                ch.channel_address,
                report.here.location,
                report
                    .here
                    .kinds
                    .iter()
                    .map(|k| format!("{} {}s", k.count, k.kind))
                    .collect::<Vec<_>>()
                    .join(", ")
            )];
            if report.peers.is_empty() {
                text.push("no other locations".into());
            }
            for p in &report.peers {
                text.push(format!("{}: {}", p.location, p.verdict.join("; ")));
            }
            let in_sync = report.in_sync();
            let value = json!({"in_sync": in_sync, "report": report});
            if !in_sync && !*json {
                text.push("NOT in sync".into());
            }
            Ok(print(*json, value, text.join("\n")))
        }
        ChannelCommand::Permissions { nick, set, json } => {
            let ch = service::channel::by_nick(ctx, nick).await?;
            for s in set {
                let (perm, who) = s.split_once('=').ok_or_else(|| {
                    Error::invalid(
                        "set",
                        format!("{s}: write PERMISSION=WHO, e.g. view_stream=contacts"),
                    )
                })?;
                let p = zot::perms::Permission::from_name(perm.trim())
                    .ok_or_else(|| Error::invalid("set", format!("{perm}: no such permission")))?;
                let bits = service::perms::parse_limit(who).ok_or_else(|| {
                    Error::invalid("set", format!("{who}: not one of public, authed, network, site, pending, contacts, specific, self"))
                })?;
                service::perms::set_limit(ctx, &ch, p, bits).await?;
            }
            let limits = service::perms::limits(ctx, &ch).await?;
            let rows: Vec<_> = zot::perms::Permission::ALL
                .into_iter()
                .map(|p| {
                    (
                        p.name(),
                        service::perms::limit_name(limits.of(p)),
                        service::perms::explain(p),
                    )
                })
                .collect();
            let text = rows
                .iter()
                .map(|(n, l, e)| format!("{n:<15} {l:<9} {e}"))
                .collect::<Vec<_>>()
                .join("\n");
            Ok(print(
                *json,
                json!(
                    rows.iter()
                        .map(|(n, l, _)| (n.to_string(), json!(l)))
                        .collect::<serde_json::Map<_, _>>()
                ),
                text,
            ))
        }
        ChannelCommand::Group {
            nick,
            name,
            create,
            add,
            remove,
            json,
        } => {
            let ch = service::channel::by_nick(ctx, nick).await?;
            if *create {
                service::connection::create_group(ctx, &ch, name).await?;
            }
            if let Some(who) = add {
                service::connection::group_member(ctx, &ch, name, who, false).await?;
            }
            if let Some(who) = remove {
                service::connection::group_member(ctx, &ch, name, who, true).await?;
            }
            let groups = service::connection::groups(ctx, &ch).await?;
            let g = groups.iter().find(|g| g.name == name.trim());
            let members: Vec<String> = g
                .map(|g| g.members.iter().map(|m| m.1.clone()).collect())
                .unwrap_or_default();
            Ok(print(
                *json,
                json!({"group": name, "members": members}),
                format!("group {name}: {}", members.join(", ")),
            ))
        }
        ChannelCommand::Token {
            nick,
            scopes,
            name,
            json,
        } => {
            let token = service::oauth::personal_token(ctx, nick, scopes, name).await?;
            let scopes = service::oauth::Scopes::parse(scopes)?.text();
            Ok(print(
                *json,
                json!({"access_token": token, "channel": ctx.uris.address(nick), "scope": scopes, "name": name}),
                token,
            ))
        }
        ChannelCommand::AppPassword { nick, name, json } => {
            let ch = service::channel::by_nick(ctx, nick).await?;
            let secret = service::app_password::create(ctx, ch.channel_account_id, name).await?;
            Ok(print(
                *json,
                json!({"user": nick, "password": secret, "dav": ctx.uris.dav(nick), "name": name}),
                secret,
            ))
        }
        ChannelCommand::Show { nick, json } => {
            let ch = service::channel::by_nick(ctx, nick).await?;
            let conns = service::connection::list(ctx, &ch).await?;
            let stream = service::item::stream(ctx, &ch, 20).await?;
            let conns_json: Vec<_> = conns
                .iter()
                .map(|c| {
                    json!({
                        "address": c.xchan.xchan_addr,
                        "name": c.xchan.xchan_name,
                        "portable_id": c.xchan.xchan_hash,
                        "pending": c.state.pending,
                        "blocked": c.state.blocked,
                        "role": c.state.role,
                        "my_perms": zot::perms::format_list(&c.my_perms),
                        "their_perms": zot::perms::format_list(&c.their_perms),
                    })
                })
                .collect();
            let (threads, _) = service::item::threads(ctx, &ch, 1).await?;
            let items_json: Vec<_> = threads
                .iter()
                .map(|t| {
                    json!({"mid": t.top.mid, "author": t.author.1, "body": t.top.body,
                           "private": t.top.is_restricted(), "created": t.top.created.to_string(),
                           "likes": t.likes, "dislikes": t.dislikes,
                           "comments": t.comments.iter().map(|(c, a)| json!({
                               "mid": c.mid, "author": a.1, "body": c.body})).collect::<Vec<_>>()})
                })
                .collect();
            let mut text = format!(
                "{} ({})\nconnections:\n",
                ch.channel_name,
                ctx.uris.address(nick)
            );
            for c in &conns {
                text.push_str(&format!(
                    "  {} [{}] my: {} | their: {}\n",
                    c.xchan.xchan_addr,
                    if c.state.pending {
                        "pending"
                    } else {
                        "connected"
                    },
                    zot::perms::format_list(&c.my_perms),
                    zot::perms::format_list(&c.their_perms)
                ));
            }
            text.push_str("stream:\n");
            for (i, author) in &stream {
                text.push_str(&format!("  {author}: {}\n", i.body.replace('\n', " ")));
            }
            Ok(print(
                *json,
                json!({"channel": ctx.uris.address(nick), "connections": conns_json, "stream": items_json}),
                text,
            ))
        }
    }
}

/// Runs a queue command.
pub async fn run_queue(ctx: &Ctx, cmd: &QueueCommand) -> Result<ExitCode> {
    match cmd {
        QueueCommand::Status { json } => {
            let rows = crate::queue::status(ctx).await?;
            let list: Vec<_> = rows
                .iter()
                .map(|(d, depth, oldest)| {
                    json!({
                        "destination": d.dest_url, "depth": depth,
                        "oldest": oldest.map(|t| t.to_string()),
                        "next_attempt": d.dest_next.to_string(),
                        "failures": d.dest_failures, "last_error": d.dest_last_error,
                        "dead": d.dest_dead,
                    })
                })
                .collect();
            let mut text =
                String::from("destination depth oldest next-attempt failures dead last-error\n");
            for (d, depth, oldest) in &rows {
                text.push_str(&format!(
                    "{} {depth} {} {} {} {} {}\n",
                    d.dest_url,
                    oldest.map_or("-".into(), |t| t.to_string()),
                    d.dest_next,
                    d.dest_failures,
                    d.dest_dead,
                    if d.dest_last_error.is_empty() {
                        "-"
                    } else {
                        &d.dest_last_error
                    }
                ));
            }
            Ok(print(*json, json!({"destinations": list}), text))
        }
    }
}

/// The old hub of an online import, the password read from stdin (never an argument, so it
/// stays out of shell histories and process lists).
fn old_hub(from: &str, login: Option<&str>) -> Result<service::online_import::OldHub> {
    use std::io::Read as _;
    let login = login.ok_or_else(|| Error::invalid("login", "Give --login."))?;
    let mut password = String::new();
    std::io::stdin()
        .read_to_string(&mut password)
        .map_err(|e| Error::invalid("password", format!("stdin: {e}")))?;
    let password = password.trim_end_matches(['\r', '\n']).to_string();
    if password.is_empty() {
        return Err(Error::invalid("password", "Give the password on stdin."));
    }
    Ok(service::online_import::OldHub {
        address: from.trim().to_string(),
        login: login.to_string(),
        password,
    })
}
