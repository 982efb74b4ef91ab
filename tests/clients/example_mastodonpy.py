#!/usr/bin/env python3
"""Mastodon.py 2.3.3 smoke flow. usage:
  /work/venv-clients/bin/python example_mastodonpy.py BASE_URL [ACCESS_TOKEN]
Without a token it does create_app + auth_request_url + log_in(code="CODE").
"""
import sys, threading
from mastodon import Mastodon, StreamListener

base = sys.argv[1]
token = sys.argv[2] if len(sys.argv) > 2 else None

if token is None:
    cid, csec = Mastodon.create_app("compat-test", api_base_url=base,
                                    redirect_uris="urn:ietf:wg:oauth:2.0:oob")
    m = Mastodon(client_id=cid, client_secret=csec, api_base_url=base)
    print("auth url:", m.auth_request_url(allow_http=True))
    token = m.log_in(code="CODE", allow_http=True)
    print("token:", token, "version:", m.retrieve_mastodon_version())

# version_check_mode defaults to "none" in 2.x -> constructor makes no request
m = Mastodon(access_token=token, api_base_url=base)
me = m.account_verify_credentials()
print("me:", me.acct, me.id)
st = m.status_post("hello", visibility="unlisted", idempotency_key="idem-1")
print("posted:", st.id, st.created_at)
m.status_reply(st, "a reply")
m.status_favourite(st.id)
m.status(st.id)
m.status_context(st.id)
m.status_delete(st.id)
home = m.timeline_home(limit=5)
print("home:", len(home), "next:", getattr(home, "_pagination_next", None))
m.fetch_next(home)
m.timeline_public(local=True)
m.account_lookup("alice")
m.account_search("alice", limit=2)
m.account_follow("2")
m.account_relationships(["2", "3"])
m.account_relationships("2")
m.notifications(limit=5)


class L(StreamListener):
    def on_update(self, s):
        print("stream update:", s.id)

    def on_delete(self, i):
        print("stream delete:", i)

    def handle_heartbeat(self):
        print("stream heartbeat")


h = m.stream_user(L(), run_async=True, timeout=10)  # SSE, background thread
threading.Event().wait(2)
h.close()
print("done")
