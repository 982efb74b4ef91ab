//! Property tests of the permission decisions: for random limits, connections, groups and
//! access lists, [`zot::perms::may_see_item`] never lets anyone but the owner see more than
//! the access list and the limits allow, and changing the limits after an item is written
//! never widens who sees it (Hubzilla issue #998).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use proptest::prelude::*;
use zot::perms::{self, AccessList, Connection, Limits, Permission, Viewer, limit};

const IDS: [&str; 6] = ["ann", "ben", "cat", "dan", "eve", "fay"];
const GROUPS: [&str; 3] = ["family", "work", "club"];
const BITS: [u32; 8] = limit::ALL;

fn limits() -> impl Strategy<Value = Limits> {
    proptest::collection::vec(0usize..BITS.len(), Permission::ALL.len()).prop_map(|v| {
        Limits(
            Permission::ALL
                .into_iter()
                .zip(v)
                .map(|(p, i)| (p, BITS[i]))
                .collect(),
        )
    })
}

fn subset<const N: usize>(all: [&'static str; N]) -> impl Strategy<Value = BTreeSet<String>> {
    proptest::collection::vec(any::<bool>(), N).prop_map(move |bits| {
        all.iter()
            .zip(bits)
            .filter(|(_, b)| *b)
            .map(|(s, _)| s.to_string())
            .collect()
    })
}

fn connection() -> impl Strategy<Value = Option<Connection>> {
    proptest::option::of(
        (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()).prop_map(
            |(approved, blocked, ignored, view)| Connection {
                approved,
                blocked,
                ignored,
                my_perms: if view {
                    [Permission::ViewStream].into_iter().collect()
                } else {
                    BTreeSet::new()
                },
            },
        ),
    )
}

/// A viewer: anonymous, or one of `IDS` with its group memberships and connection.
fn viewer() -> impl Strategy<Value = Viewer> {
    prop_oneof![
        1 => Just(Viewer::Anonymous),
        5 => (0usize..IDS.len(), subset(GROUPS), any::<bool>(), any::<bool>(), connection())
            .prop_map(|(i, groups, zot, same_site, connection)| Viewer::Identity {
                id: IDS[i].to_string(),
                groups,
                zot,
                same_site,
                connection,
            }),
    ]
}

fn acl() -> impl Strategy<Value = AccessList> {
    (subset(IDS), subset(GROUPS), subset(IDS), subset(GROUPS)).prop_map(|(ac, ag, dc, dg)| {
        AccessList {
            allow_cid: ac,
            allow_gid: ag,
            deny_cid: dc,
            deny_gid: dg,
        }
    })
}

/// Whether the access list names the viewer and does not deny it (the list's own answer).
fn listed(acl: &AccessList, viewer: &Viewer) -> bool {
    let Viewer::Identity { id, groups, .. } = viewer else {
        return false;
    };
    let allowed = acl.allow_cid.contains(id) || !groups.is_disjoint(&acl.allow_gid);
    let denied = acl.deny_cid.contains(id) || !groups.is_disjoint(&acl.deny_gid);
    allowed && !denied
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn nobody_sees_more_than_the_list_and_the_limits_allow(
        limits in limits(), viewer in viewer(), acl in acl(), private in any::<bool>(),
    ) {
        let sees = perms::may_see_item(&limits, &viewer, private, &acl);
        if sees {
            prop_assert!(perms::allowed(Permission::ViewStream, &limits, &viewer));
            if private || !acl.is_empty() {
                prop_assert!(listed(&acl, &viewer), "restricted item seen by an unlisted viewer");
            }
        }
        prop_assert!(perms::may_see_item(&limits, &Viewer::Owner, private, &acl));
        // A blocked connection sees nothing, whatever the list says.
        if let Viewer::Identity { connection: Some(c), .. } = &viewer
            && c.blocked
        {
            prop_assert!(!sees);
        }
    }

    #[test]
    fn a_later_limit_change_never_widens_a_restricted_item(
        before in limits(), after in limits(), viewers in proptest::collection::vec(viewer(), 1..8),
        acl in acl(),
    ) {
        // A restricted item written under `before`: whoever sees it under `after` was already
        // in its list; the list, not the limits, bounds the audience.
        for v in &viewers {
            if perms::may_see_item(&after, v, true, &acl) {
                prop_assert!(listed(&acl, v));
            }
        }
        // "My connections" is written as the list of connections allowed at the time: raising
        // every limit afterwards adds nobody.
        let snapshot: BTreeSet<String> = viewers
            .iter()
            .filter(|v| perms::allowed(Permission::ViewStream, &before, v))
            .filter_map(|v| match v {
                Viewer::Identity { id, connection: Some(c), .. } if c.approved => Some(id.clone()),
                _ => None,
            })
            .collect();
        let written = AccessList { allow_cid: snapshot.clone(), ..Default::default() };
        for v in &viewers {
            if perms::may_see_item(&after, v, true, &written) {
                let Viewer::Identity { id, .. } = v else { unreachable!("anonymous saw a restricted item") };
                prop_assert!(snapshot.contains(id));
            }
        }
    }
}
