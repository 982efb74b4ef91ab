"""Shared by the Python client tests: test host names resolve to loopback, and a person logs in
and authorises an app in the hub's own pages (what a browser would do), scripted with requests."""

import html
import re
import socket
import sys

_real_getaddrinfo = socket.getaddrinfo


def _getaddrinfo(host, *args, **kwargs):
    # The suite's hubs are alpha.test, beta.test, ...: all on loopback.
    if isinstance(host, str) and host.endswith(".test"):
        host = "127.0.0.1"
    return _real_getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _getaddrinfo

import requests  # noqa: E402  (after the resolver patch)


def fail(msg):
    print(f"FAIL: {msg}", flush=True)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)
    print(f"ok: {msg}", flush=True)


def csrf(html):
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    if not m:
        fail("no CSRF token in page")
    return m.group(1)


def browser_login(base, email, password):
    s = requests.Session()
    page = s.get(f"{base}/login")
    r = s.post(
        f"{base}/login",
        data={"email": email, "password": password, "csrf": csrf(page.text)},
        allow_redirects=False,
    )
    if r.status_code != 303:
        fail(f"login to {base} answered {r.status_code}")
    return s


def approve(session, authorize_url, nick):
    """Opens the authorisation page, picks channel `nick`, agrees; returns the code (from the
    redirect, or from the page shown for out-of-band apps)."""
    page = session.get(authorize_url, allow_redirects=False)
    if page.status_code != 200:
        fail(f"authorize page answered {page.status_code}: {page.text[:300]}")
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
    fields = {k: html.unescape(v) for k, v in fields.items()}
    fields["channel"] = nick
    fields["decision"] = "approve"
    base = authorize_url.split("/oauth/authorize")[0]
    r = session.post(f"{base}/oauth/authorize", data=fields, allow_redirects=False)
    if r.status_code == 303:
        m = re.search(r"[?&]code=([^&]+)", r.headers["Location"])
        return m.group(1)
    m = re.search(r'id="authorization-code"[^>]*>([^<]+)<', r.text)
    if r.status_code != 200 or not m:
        fail(f"authorisation answered {r.status_code}: {r.text[:300]}")
    return m.group(1).strip()
