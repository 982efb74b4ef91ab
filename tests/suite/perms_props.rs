//! The permission decider against its model, on a real database (SQLite, or PostgreSQL in CI):
//! for random channel limits, connections (pending, blocked, ignored, with or without
//! `view_stream`), group memberships, identities on and off the Zot network, and items with
//! random audiences and access lists (deny lists included), what `service::perms` loads and
//! decides equals `zot::perms` on the generated model; the channel page lists exactly the
//! visible items; no viewer sees a restricted item it is not listed for; and random limit
//! changes afterwards never widen a restricted item's audience. Seeds are fixed (and printed)
//! so a failure is reproducible.

use std::collections::{BTreeMap, BTreeSet};

use hub::service::perms::{Audience, ChannelAccess, Observer};
use hub_tests::TestNet;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use zot::perms::{AccessList, Connection, Limits, Permission, Viewer, limit};

use crate::accounts::PW;

const SEEDS: [u64; 5] = [1, 7, 42, 1998, 20261203];
const IDENTITIES: usize = 7;
const BITS: [u32; 8] = limit::ALL;

/// One generated identity as the model knows it.
#[derive(Debug, Clone)]
struct Ident {
    hash: String,
    zot: bool,
    connection: Option<Connection>,
    groups: BTreeSet<String>,
}

impl Ident {
    fn viewer(&self) -> Viewer {
        Viewer::Identity {
            id: self.hash.clone(),
            groups: self.groups.clone(),
            zot: self.zot,
            same_site: false,
            connection: self.connection.clone(),
        }
    }
}

fn random_limits(rng: &mut StdRng) -> Limits {
    Limits(
        Permission::ALL
            .into_iter()
            .map(|p| (p, BITS[rng.random_range(0..BITS.len())]))
            .collect(),
    )
}

fn subset(rng: &mut StdRng, all: &[String]) -> BTreeSet<String> {
    all.iter()
        .filter(|_| rng.random_bool(0.4))
        .cloned()
        .collect()
}

async fn set_limits(ctx: &hub::ctx::Ctx, ch: &hub::service::channel::Channel, limits: &Limits) {
    for p in Permission::ALL {
        hub::service::perms::set_limit(ctx, ch, p, limits.of(p))
            .await
            .unwrap();
    }
}

#[actix_web::test]
async fn the_decider_on_a_real_database_matches_its_model_and_never_widens() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    let ctx = hub.ctx();
    let mut checked = 0usize;
    for seed in SEEDS {
        println!("perms_props: seed {seed}");
        let mut rng = StdRng::seed_from_u64(seed);
        let account = hub.account(&format!("owner{seed}@example.org"), PW).await;
        let owner = hub::service::channel::create(
            ctx,
            account,
            &format!("owner{seed}"),
            "Owner",
            "personal",
        )
        .await
        .unwrap();
        let mut limits = random_limits(&mut rng);
        set_limits(ctx, &owner, &limits).await;

        // Identities, their connections and groups, written straight to the store.
        let now = ctx.clock.now_db();
        let mut idents: Vec<Ident> = Vec::new();
        for i in 0..IDENTITIES {
            let connection = rng.random_bool(0.7).then(|| Connection {
                approved: rng.random_bool(0.8),
                blocked: rng.random_bool(0.15),
                ignored: rng.random_bool(0.15),
                my_perms: if rng.random_bool(0.7) {
                    [Permission::ViewStream].into_iter().collect()
                } else {
                    BTreeSet::new()
                },
            });
            idents.push(Ident {
                hash: format!("ident-{seed}-{i}"),
                zot: rng.random_bool(0.8),
                connection,
                groups: BTreeSet::new(),
            });
        }
        let group_names = ["g-one", "g-two"];
        for g in group_names {
            hub::service::connection::create_group(ctx, &owner, g)
                .await
                .unwrap();
        }
        let mut group_hash: BTreeMap<&str, String> = BTreeMap::new();
        {
            let id = owner.channel_id;
            let rows = ctx
                .db
                .run(move |c| hub::store::pgrp::find_by_channel(c, id))
                .await
                .unwrap();
            for r in rows {
                let name = group_names.iter().find(|n| **n == r.gname).unwrap();
                group_hash.insert(name, r.hash);
            }
        }
        for ident in &mut idents {
            for g in group_names {
                if rng.random_bool(0.4) {
                    ident.groups.insert(group_hash[g].clone());
                }
            }
        }
        let (owner_id, owner_acct) = (owner.channel_id, owner.channel_account_id);
        let model = idents.clone();
        let gh = group_hash.clone();
        ctx.db
            .tx(move |c| {
                for ident in &model {
                    hub::store::xchan::insert(
                        c,
                        &hub::store::xchan::Xchan {
                            xchan_hash: ident.hash.clone(),
                            xchan_guid: ident.hash.clone(),
                            xchan_guid_sig: String::new(),
                            xchan_pubkey: String::new(),
                            xchan_epubkey: String::new(),
                            xchan_addr: format!("{}@elsewhere.test", ident.hash),
                            xchan_url: format!("http://elsewhere.test/channel/{}", ident.hash),
                            xchan_name: ident.hash.clone(),
                            xchan_network: if ident.zot { "zot6" } else { "activitypub" }.into(),
                            xchan_name_date: now,
                            xchan_deleted: false,
                        },
                    )?;
                    if let Some(conn) = &ident.connection {
                        hub::store::abook::insert_full(
                            c,
                            owner_acct,
                            owner_id,
                            &ident.hash,
                            false,
                            !conn.approved,
                            "personal",
                            now,
                        )?;
                        let ab = hub::store::abook::find(c, owner_id, &ident.hash)?.unwrap();
                        hub::store::abook::update_state(
                            c,
                            ab.abook_id,
                            !conn.approved,
                            conn.blocked,
                            conn.ignored,
                            false,
                        )?;
                        for p in Permission::ALL {
                            let v = if conn.my_perms.contains(&p) { "1" } else { "0" };
                            hub::store::abook::set_config(
                                c,
                                owner_id,
                                &ident.hash,
                                "my_perms",
                                p.name(),
                                v,
                            )?;
                        }
                    }
                    for (name, hash) in &gh {
                        if ident.groups.contains(hash) {
                            let g = hub::store::pgrp::find_by_name(c, owner_id, name)?.unwrap();
                            hub::store::pgrp::add_member(c, g.id, owner_id, &ident.hash)?;
                        }
                    }
                }
                Ok(())
            })
            .await
            .unwrap();

        // Items: through the composer's audiences, and with random lists (deny included).
        let hashes: Vec<String> = idents.iter().map(|i| i.hash.clone()).collect();
        let groups: Vec<String> = group_hash.values().cloned().collect();
        let mut items: Vec<(String, bool, AccessList)> = Vec::new();
        for n in 0..10 {
            let audience = match rng.random_range(0..4) {
                0 => Audience::Public,
                1 => Audience::Connections,
                2 => Audience::Group(group_names[rng.random_range(0..2)].to_string()),
                _ => {
                    let mut pick = subset(&mut rng, &hashes);
                    if pick.is_empty() {
                        pick.insert(hashes[0].clone());
                    }
                    Audience::Channels(pick.into_iter().collect())
                }
            };
            // What the model says the list is, fixed now.
            let (private, acl) = match &audience {
                Audience::Public => (false, AccessList::default()),
                Audience::Connections => (
                    true,
                    AccessList {
                        allow_cid: idents
                            .iter()
                            .filter(|i| {
                                i.connection
                                    .as_ref()
                                    .is_some_and(|c| c.approved && !c.blocked)
                                    && zot::perms::allowed(
                                        Permission::ViewStream,
                                        &limits,
                                        &i.viewer(),
                                    )
                            })
                            .map(|i| i.hash.clone())
                            .collect(),
                        ..Default::default()
                    },
                ),
                Audience::Group(g) => (
                    true,
                    AccessList {
                        allow_gid: [group_hash[g.as_str()].clone()].into_iter().collect(),
                        ..Default::default()
                    },
                ),
                Audience::Channels(ids) => (
                    true,
                    AccessList {
                        allow_cid: ids.iter().cloned().collect(),
                        ..Default::default()
                    },
                ),
            };
            let members_empty = matches!(&audience, Audience::Group(g)
                if !idents.iter().any(|i| i.groups.contains(&group_hash[g.as_str()])));
            match hub::service::item::post(ctx, &owner, &format!("item {seed}-{n}"), audience).await
            {
                Ok(p) => items.push((p.uuid, private, acl)),
                Err(e) => {
                    assert!(members_empty, "only an empty group is refused: {e}");
                    continue;
                }
            }
        }
        for n in 0..6 {
            let acl = AccessList {
                allow_cid: subset(&mut rng, &hashes),
                allow_gid: subset(&mut rng, &groups),
                deny_cid: subset(&mut rng, &hashes),
                deny_gid: subset(&mut rng, &groups),
            };
            let private = rng.random_bool(0.7);
            let uuid = format!("direct-{seed}-{n}");
            let row = hub::store::item::AclRow {
                item_private: private,
                allow_cid: AccessList::column(&acl.allow_cid),
                allow_gid: AccessList::column(&acl.allow_gid),
                deny_cid: AccessList::column(&acl.deny_cid),
                deny_gid: AccessList::column(&acl.deny_gid),
            };
            let (hash, u) = (owner.channel_hash.clone(), uuid.clone());
            ctx.db
                .tx(move |c| {
                    let mid = format!("http://alpha.test/item/{u}");
                    hub::store::item::insert(
                        c,
                        &hub::store::item::NewItem {
                            uuid: &u,
                            mid: &mid,
                            parent_mid: &mid,
                            uid: owner_id,
                            author_xchan: &hash,
                            owner_xchan: &hash,
                            title: "",
                            body: "direct",
                            html: "<p>direct</p>",
                            mimetype: "text/markdown",
                            created: now,
                            edited: now,
                            acl: row,
                            verb: "Create",
                            thr_parent: "",
                            item_origin: true,
                            route: "",
                            signed_data: "",
                        },
                    )
                })
                .await
                .unwrap();
            items.push((uuid, private, acl));
        }

        // Check, change the limits at random, check again: three rounds.
        for round in 0..3 {
            let observers: Vec<(Observer, Viewer)> =
                std::iter::once((Observer::Anonymous, Viewer::Anonymous))
                    .chain(std::iter::once((
                        Observer::Account(owner_acct),
                        Viewer::Owner,
                    )))
                    .chain(
                        idents
                            .iter()
                            .map(|i| (Observer::Identity(i.hash.clone()), i.viewer())),
                    )
                    .collect();
            for (observer, model_viewer) in &observers {
                let access = ChannelAccess::of(ctx, &owner, observer).await.unwrap();
                assert_eq!(
                    access.granted(),
                    zot::perms::all_allowed(&limits, model_viewer),
                    "seed {seed} round {round}: permissions of {observer:?}"
                );
                let mut expected = BTreeSet::new();
                for (uuid, private, acl) in &items {
                    let want = zot::perms::may_see_item(&limits, model_viewer, *private, acl);
                    let got = match hub::service::item::by_uuid(ctx, uuid, observer).await {
                        Ok(_) => true,
                        Err(e) if e.kind == hub::error::ErrorKind::NotFound => false,
                        Err(e) => panic!("{e}"),
                    };
                    assert_eq!(
                        got, want,
                        "seed {seed} round {round}: {observer:?} on {uuid} ({private}, {acl:?})"
                    );
                    if got && (*private || !acl.is_empty()) {
                        assert!(
                            *model_viewer == Viewer::Owner || listed(acl, model_viewer),
                            "seed {seed}: an unlisted viewer sees a restricted item"
                        );
                    }
                    if want {
                        expected.insert(uuid.clone());
                    }
                    checked += 1;
                }
                let page = hub::service::item::channel_page(ctx, &owner, &access, 1)
                    .await
                    .unwrap();
                let listed_now: BTreeSet<String> =
                    page.items.iter().map(|i| i.uuid.clone()).collect();
                assert_eq!(
                    listed_now, expected,
                    "seed {seed} round {round}: the channel page of {observer:?}"
                );
            }
            limits = random_limits(&mut rng);
            set_limits(ctx, &owner, &limits).await;
        }
    }
    println!("perms_props: {checked} decisions checked against the model");
    assert!(checked > 1000, "{checked}");
    net.stop().await;
}

fn listed(acl: &AccessList, viewer: &Viewer) -> bool {
    let Viewer::Identity { id, groups, .. } = viewer else {
        return false;
    };
    (acl.allow_cid.contains(id) || !groups.is_disjoint(&acl.allow_gid))
        && !acl.deny_cid.contains(id)
        && groups.is_disjoint(&acl.deny_gid)
}
