"""Mastodon.py drives two Caravan hubs end to end: apps and the authorisation-code flow (a
scripted login on the hub's pages), post, reply, favourite, home and public timelines, paging
with max_id, following a channel on the other hub and seeing its posts in home and on the
streaming API.

    python mastodon_py.py --alpha URL --beta URL --password PW

Accounts alice@example.org (channel alice on alpha) and bob@example.org (channel bob on beta)
must exist. Exits non-zero on the first failed check."""

import argparse
import io
import queue
import struct
import zlib

import common
from common import check, fail
from mastodon import Mastodon, StreamListener

OOB = "urn:ietf:wg:oauth:2.0:oob"
SCOPES = ["read", "write", "follow", "push"]
WAIT = 15


def tiny_png():
    """A real 4x4 red PNG."""
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 4 for _ in range(4))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def sign_in(base, email, password, nick):
    client_id, client_secret = Mastodon.create_app(
        "Mastodon.py suite", api_base_url=base, redirect_uris=OOB, scopes=SCOPES
    )
    m = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=base)
    url = m.auth_request_url(redirect_uris=OOB, scopes=SCOPES)
    code = common.approve(common.browser_login(base, email, password), url, nick)
    m.log_in(code=code, redirect_uri=OOB, scopes=SCOPES)
    return m


class Collect(StreamListener):
    def __init__(self):
        self.events = queue.Queue()

    def on_update(self, status):
        self.events.put(("update", status))

    def on_notification(self, notification):
        self.events.put(("notification", notification))

    def on_status_update(self, status):
        self.events.put(("status.update", status))

    def on_delete(self, status_id):
        self.events.put(("delete", status_id))


def wait_for(listener, kind, pred, what):
    while True:
        try:
            k, v = listener.events.get(timeout=WAIT)
        except queue.Empty:
            fail(f"nothing on the stream within {WAIT}s: {what}")
        if k == kind and pred(v):
            return v


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--alpha", required=True)
    ap.add_argument("--beta", required=True)
    ap.add_argument("--password", required=True)
    a = ap.parse_args()

    alice = sign_in(a.alpha, "alice@example.org", a.password, "alice")
    bob = sign_in(a.beta, "bob@example.org", a.password, "bob")
    me = alice.account_verify_credentials()
    check(me.username == "alice", "alice signed in through the authorisation-code flow")
    version = alice.retrieve_mastodon_version()
    check(str(version).startswith("4."),
          f"Mastodon.py reads the API level ({version})")

    alice_stream, bob_stream = Collect(), Collect()
    h1 = alice.stream_user(alice_stream, run_async=True, timeout=WAIT)
    h2 = bob.stream_user(bob_stream, run_async=True, timeout=WAIT)
    try:
        alpha_host = a.alpha.split("//", 1)[1]
        found = bob.account_lookup(f"alice@{alpha_host}")
        check(found.display_name == "alice name", "bob looks alice up on the other hub")
        rel = bob.account_follow(found.id)
        check(rel.following, "bob follows alice")
        note = wait_for(alice_stream, "notification", lambda n: n.type == "follow_request",
                        "alice's follow request notification")
        reqs = alice.follow_requests()
        check(any(r.id == note.account.id for r in reqs), "the request is listed")
        alice.follow_request_authorize(note.account.id)

        text = "Hello from Mastodon.py on alpha"
        posted = alice.status_post(text, visibility="public")
        check(posted.visibility == "public" and text in posted.content, "alice posts")
        got = wait_for(bob_stream, "update", lambda s: text in s.content,
                       "alice's status on bob's stream")
        check(got.account.acct == f"alice@{alpha_host}", "it arrives on beta's stream")
        home = bob.timeline_home()
        check(any(text in s.content for s in home), "and in bob's home timeline")

        # Media: an image with a description, posted, seen by bob on beta with its bytes.
        png = tiny_png()
        media = alice.media_post(io.BytesIO(png), mime_type="image/png",
                                 description="A red square", file_name="square.png")
        check(media.type == "image" and media.description == "A red square",
              "alice uploads an image with a description")
        pic = alice.status_post("A picture from Mastodon.py", media_ids=[media.id],
                                visibility="public")
        check(len(pic.media_attachments) == 1 and str(pic.media_attachments[0].id) == str(media.id),
              "her status carries it")
        seen_pic = wait_for(bob_stream, "update", lambda s: "A picture from" in s.content,
                            "the picture on bob's stream")
        att = seen_pic.media_attachments
        check(len(att) == 1 and att[0].type == "image" and att[0].description == "A red square",
              "bob on beta sees the image with its description")
        check(common.requests.get(att[0].url, timeout=WAIT).content == png,
              "and fetches the same bytes from alpha")

        mine = next(s for s in home if text in s.content)
        reply = bob.status_reply(mine, "A reply from Mastodon.py on beta")
        check(str(reply.in_reply_to_id) == str(mine.id), "bob replies")
        fav = bob.status_favourite(mine.id)
        check(fav.favourited, "bob favourites it")
        wait_for(alice_stream, "notification", lambda n: n.type == "favourite",
                 "the favourite reaches alice")
        seen = alice.status(posted.id)
        check(seen.favourites_count == 1, "alice sees one favourite")
        ctx = alice.status_context(posted.id)
        check(any("A reply from Mastodon.py" in d.content for d in ctx.descendants),
              "and the reply in the thread")
        notes = alice.notifications()
        check({n.type for n in notes} >= {"favourite", "mention", "follow_request"},
              "alice's notifications: follow request, reply, favourite")

        public = alice.timeline_public(local=True)
        check(any(s.id == posted.id for s in public), "the local public timeline has it")

        for i in range(5):
            alice.status_post(f"paging {i}", visibility="unlisted")
        page1 = alice.timeline_home(limit=2)
        page2 = alice.fetch_next(page1)
        page3 = alice.fetch_next(page2)
        ids = [s.id for s in page1 + page2 + page3]
        check(len(page1) == 2 and len(page2) == 2 and len(set(ids)) == len(ids),
              "home pages with max_id through the Link header")
        check("paging 4" in page1[0].content and "paging 1" in page2[1].content,
              "newest first, without overlap")
        older = alice.timeline_home(max_id=page1[-1].id, limit=1)
        check(older[0].id == page2[0].id, "max_id directly")
        check(not any("paging" in s.content for s in alice.timeline_public(local=True)),
              "unlisted statuses stay off the public timeline")
        alice.status_delete(page1[0].id)
        check(all(s.id != page1[0].id for s in alice.timeline_home(limit=5)), "delete")
    finally:
        h1.close()
        h2.close()
    print("PASSED mastodon.py", flush=True)


if __name__ == "__main__":
    main()
