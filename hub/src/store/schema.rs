//! Diesel table definitions, shared by the SQLite and PostgreSQL migrations (which must stay in
//! lockstep: same version names, same columns). Written by hand to match `migrations/`.
#![allow(missing_docs)]

diesel::table! {
    account_pref (account_id, k) {
        account_id -> BigInt,
        k -> Text,
        v -> Text,
    }
}

diesel::table! {
    config (id) {
        id -> BigInt,
        cat -> Text,
        k -> Text,
        v -> Text,
    }
}

diesel::table! {
    site (site_url) {
        site_url -> Text,
        site_id -> Text,
        site_sitekey -> Text,
        site_crypto -> Text,
        site_project -> Text,
        site_version -> Text,
        site_dead -> Bool,
        site_update -> Timestamp,
    }
}

diesel::table! {
    account (account_id) {
        account_id -> BigInt,
        account_email -> Text,
        account_password -> Text,
        account_verified -> Bool,
        account_approved -> Bool,
        account_admin -> Bool,
        account_created -> Timestamp,
        account_lastlog -> Nullable<Timestamp>,
        account_suspended -> Bool,
        account_login_failures -> Integer,
        account_login_blocked_until -> Nullable<Timestamp>,
        account_delete_after -> Nullable<Timestamp>,
    }
}

diesel::table! {
    session (session_id) {
        session_id -> BigInt,
        session_token_hash -> Text,
        session_account -> BigInt,
        session_created -> Timestamp,
        session_seen -> Timestamp,
        session_agent -> Text,
    }
}

diesel::table! {
    verify (id) {
        id -> BigInt,
        verify_account -> BigInt,
        verify_type -> Text,
        verify_token_hash -> Text,
        verify_expires -> Timestamp,
        verify_used -> Bool,
    }
}

diesel::table! {
    channel (channel_id) {
        channel_id -> BigInt,
        channel_account_id -> BigInt,
        channel_address -> Text,
        channel_name -> Text,
        channel_role -> Text,
        channel_guid -> Text,
        channel_guid_sig -> Text,
        channel_hash -> Text,
        channel_pubkey -> Text,
        channel_prvkey -> Text,
        channel_epubkey -> Text,
        channel_eprvkey -> Text,
        channel_created -> Timestamp,
        channel_removed -> Bool,
        channel_delete_after -> Nullable<Timestamp>,
        channel_default_audience -> Text,
    }
}

diesel::table! {
    profile (id) {
        id -> BigInt,
        uid -> BigInt,
        about -> Text,
        homepage -> Text,
        locality -> Text,
        edited -> Timestamp,
    }
}

diesel::table! {
    pconfig (id) {
        id -> BigInt,
        uid -> BigInt,
        cat -> Text,
        k -> Text,
        v -> Text,
    }
}

diesel::table! {
    xchan (xchan_hash) {
        xchan_hash -> Text,
        xchan_guid -> Text,
        xchan_guid_sig -> Text,
        xchan_pubkey -> Text,
        xchan_epubkey -> Text,
        xchan_addr -> Text,
        xchan_url -> Text,
        xchan_name -> Text,
        xchan_network -> Text,
        xchan_name_date -> Timestamp,
        xchan_deleted -> Bool,
    }
}

diesel::table! {
    hubloc (hubloc_id) {
        hubloc_id -> BigInt,
        hubloc_guid -> Text,
        hubloc_hash -> Text,
        hubloc_addr -> Text,
        hubloc_id_url -> Text,
        hubloc_url -> Text,
        hubloc_url_sig -> Text,
        hubloc_site_id -> Text,
        hubloc_host -> Text,
        hubloc_callback -> Text,
        hubloc_sitekey -> Text,
        hubloc_network -> Text,
        hubloc_primary -> Bool,
        hubloc_deleted -> Bool,
        hubloc_updated -> Timestamp,
    }
}

diesel::table! {
    abook (abook_id) {
        abook_id -> BigInt,
        abook_account -> BigInt,
        abook_channel -> BigInt,
        abook_xchan -> Text,
        abook_self -> Bool,
        abook_created -> Timestamp,
        abook_pending -> Bool,
        abook_blocked -> Bool,
        abook_ignored -> Bool,
        abook_archived -> Bool,
        abook_role -> Text,
    }
}

diesel::table! {
    abconfig (id) {
        id -> BigInt,
        chan -> BigInt,
        xchan -> Text,
        cat -> Text,
        k -> Text,
        v -> Text,
    }
}

diesel::table! {
    item (id) {
        id -> BigInt,
        uuid -> Text,
        mid -> Text,
        parent_mid -> Text,
        uid -> BigInt,
        author_xchan -> Text,
        owner_xchan -> Text,
        title -> Text,
        body -> Text,
        html -> Text,
        mimetype -> Text,
        created -> Timestamp,
        edited -> Timestamp,
        item_private -> Bool,
        item_deleted -> Bool,
        verb -> Text,
        thr_parent -> Text,
        item_origin -> Bool,
        route -> Text,
        signed_data -> Text,
        allow_cid -> Text,
        allow_gid -> Text,
        deny_cid -> Text,
        deny_gid -> Text,
    }
}

diesel::table! {
    changelog (id) {
        id -> BigInt,
        uid -> BigInt,
        origin -> Text,
        seq -> BigInt,
        kind -> Text,
        obj -> Text,
        hlc -> BigInt,
        body -> Text,
        created -> Timestamp,
    }
}

diesel::table! {
    owa_token (id) {
        id -> BigInt,
        owa_token_hash -> Text,
        owa_xchan -> Text,
        owa_created -> Timestamp,
    }
}

diesel::table! {
    visitor (visitor_id) {
        visitor_id -> BigInt,
        visitor_token_hash -> Text,
        visitor_xchan -> Text,
        visitor_created -> Timestamp,
        visitor_seen -> Timestamp,
    }
}

diesel::table! {
    outq (outq_id) {
        outq_id -> BigInt,
        outq_dest -> Text,
        outq_channel -> BigInt,
        outq_msg -> Text,
        outq_encrypt -> Bool,
        outq_mid -> Text,
        outq_created -> Timestamp,
        outq_done -> Nullable<Timestamp>,
        outq_status -> Text,
        outq_detail -> Text,
    }
}

diesel::table! {
    dest (dest_url) {
        dest_url -> Text,
        dest_failures -> Integer,
        dest_next -> Timestamp,
        dest_first_failure -> Nullable<Timestamp>,
        dest_last_error -> Text,
        dest_last_success -> Nullable<Timestamp>,
        dest_dead -> Bool,
        dest_lease_owner -> Text,
        dest_lease_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    notify (id) {
        id -> BigInt,
        uid -> BigInt,
        ntype -> Text,
        xchan -> Text,
        link -> Text,
        msg -> Text,
        created -> Timestamp,
        seen -> Bool,
    }
}

diesel::table! {
    pgrp (id) {
        id -> BigInt,
        hash -> Text,
        uid -> BigInt,
        gname -> Text,
        deleted -> Bool,
    }
}

diesel::table! {
    pgrp_member (id) {
        id -> BigInt,
        gid -> BigInt,
        uid -> BigInt,
        xchan -> Text,
    }
}

diesel::table! {
    oauth_app (id) {
        id -> BigInt,
        client_id -> Text,
        secret_hash -> Text,
        name -> Text,
        website -> Text,
        redirect_uris -> Text,
        scopes -> Text,
        created -> Timestamp,
    }
}

diesel::table! {
    oauth_code (id) {
        id -> BigInt,
        code_hash -> Text,
        app_id -> BigInt,
        channel_id -> BigInt,
        redirect_uri -> Text,
        scopes -> Text,
        challenge -> Text,
        expires -> Timestamp,
        used -> Bool,
    }
}

diesel::table! {
    oauth_token (id) {
        id -> BigInt,
        token_hash -> Text,
        app_id -> Nullable<BigInt>,
        channel_id -> Nullable<BigInt>,
        code_id -> Nullable<BigInt>,
        name -> Text,
        scopes -> Text,
        created -> Timestamp,
        last_used -> Timestamp,
    }
}

diesel::table! {
    api_event (id) {
        id -> BigInt,
        uid -> BigInt,
        kind -> Text,
        object -> BigInt,
        created -> Timestamp,
    }
}

diesel::table! {
    api_status (item_id) {
        item_id -> BigInt,
        visibility -> Text,
        spoiler_text -> Text,
        sensitive -> Bool,
        language -> Text,
    }
}

diesel::table! {
    api_bookmark (uid, item_id) {
        uid -> BigInt,
        item_id -> BigInt,
        created -> Timestamp,
    }
}

diesel::table! {
    item_edit (id) {
        id -> BigInt,
        item_id -> BigInt,
        body -> Text,
        html -> Text,
        edited -> Timestamp,
    }
}

diesel::table! {
    api_marker (uid, timeline) {
        uid -> BigInt,
        timeline -> Text,
        last_read_id -> Text,
        version -> BigInt,
        updated -> Timestamp,
    }
}

diesel::table! {
    api_idempotency (uid, idem_key) {
        uid -> BigInt,
        idem_key -> Text,
        item_id -> BigInt,
        created -> Timestamp,
    }
}

diesel::table! {
    attach (id) {
        id -> BigInt,
        uid -> BigInt,
        hash -> Text,
        parent -> BigInt,
        name -> Text,
        is_dir -> Bool,
        blob -> Text,
        size -> BigInt,
        mimetype -> Text,
        allow_cid -> Text,
        allow_gid -> Text,
        deny_cid -> Text,
        deny_gid -> Text,
        created -> Timestamp,
        edited -> Timestamp,
    }
}

diesel::table! {
    app_password (id) {
        id -> BigInt,
        account_id -> BigInt,
        name -> Text,
        token_hash -> Text,
        created -> Timestamp,
        last_used -> Nullable<Timestamp>,
    }
}

diesel::table! {
    attach_prop (attach_id, namespace, name) {
        attach_id -> BigInt,
        namespace -> Text,
        name -> Text,
        xml -> Text,
    }
}

diesel::table! {
    dav_lock (token) {
        token -> Text,
        uid -> BigInt,
        path -> Text,
        principal -> Nullable<Text>,
        owner_xml -> Nullable<Text>,
        timeout_secs -> Nullable<BigInt>,
        expires -> Nullable<Timestamp>,
        shared -> Bool,
        deep -> Bool,
    }
}

diesel::table! {
    attach_thumb (blob) {
        blob -> Text,
        thumb -> Text,
        mimetype -> Text,
        width -> BigInt,
        height -> BigInt,
    }
}

diesel::table! {
    item_attach (id) {
        id -> BigInt,
        item_id -> BigInt,
        position -> BigInt,
        url -> Text,
        mimetype -> Text,
        name -> Text,
        description -> Text,
        attach_hash -> Text,
    }
}

diesel::table! {
    attach_note (attach_id) {
        attach_id -> BigInt,
        description -> Text,
    }
}

diesel::table! {
    email_change (id) {
        id -> BigInt,
        account_id -> BigInt,
        new_email -> Text,
        token_hash -> Text,
        expires -> Timestamp,
        created -> Timestamp,
    }
}

diesel::table! {
    photo (xchan_hash, kind) {
        xchan_hash -> Text,
        kind -> Text,
        blob -> Text,
        mimetype -> Text,
        width -> BigInt,
        height -> BigInt,
        updated -> Timestamp,
    }
}

diesel::table! {
    xchan_photo (xchan_hash) {
        xchan_hash -> Text,
        url -> Text,
        mimetype -> Text,
        advertised -> Text,
        fetched -> Text,
        checked -> Timestamp,
    }
}

diesel::joinable!(pgrp_member -> pgrp (gid));
diesel::joinable!(channel -> account (channel_account_id));
diesel::joinable!(session -> account (session_account));
diesel::joinable!(item -> channel (uid));
diesel::joinable!(profile -> channel (uid));

diesel::allow_tables_to_appear_in_same_query!(
    account_pref,
    config,
    site,
    account,
    session,
    verify,
    channel,
    abconfig,
    dest,
    notify,
    pgrp,
    pgrp_member,
    profile,
    pconfig,
    xchan,
    hubloc,
    abook,
    item,
    outq,
    owa_token,
    visitor,
    changelog,
    oauth_app,
    oauth_code,
    oauth_token,
    api_event,
    api_status,
    api_bookmark,
    item_edit,
    api_marker,
    api_idempotency,
    attach,
    app_password,
    attach_prop,
    dav_lock,
    attach_thumb,
    item_attach,
    attach_note,
    photo,
    xchan_photo,
    email_change,
);
