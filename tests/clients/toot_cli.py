"""toot, the Mastodon command-line client, against a Caravan hub: `toot login` (the
out-of-band authorisation-code flow: it prints the authorisation URL and reads the code, which a
scripted login on the hub's pages supplies), `toot post`, and `toot timeline`.

    python toot_cli.py --base URL --password PW --toot PATH_TO_TOOT

Account alice@example.org with channel alice must exist. Exits non-zero on a failed check."""

import argparse
import os
import re
import subprocess
import tempfile

import common
from common import check, fail


def run(toot, env, *args, stdin=None):
    r = subprocess.run([toot, *args], env=env, input=stdin, capture_output=True, text=True,
                       timeout=60)
    return r.returncode, r.stdout + r.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--toot", required=True)
    a = ap.parse_args()
    home = tempfile.mkdtemp(prefix="toot-")
    env = dict(os.environ, XDG_CONFIG_HOME=home, XDG_CACHE_HOME=home, HOME=home,
               NO_COLOR="1", TERM="dumb", COLUMNS="200")

    # toot registers its app, prints the URL, asks whether to open a browser, reads the code.
    p = subprocess.Popen([a.toot, "login", "-i", a.base], env=env, stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = None
    seen = []
    while url is None:
        line = p.stdout.readline()
        if not line:
            p.kill()
            fail("toot login printed no authorisation URL: " + "".join(seen))
        seen.append(line)
        m = re.search(r"(https?://\S+/oauth/authorize/?\?\S+)", line)
        if m:
            url = m.group(1)
    code = common.approve(common.browser_login(a.base, "alice@example.org", a.password), url,
                          "alice")
    try:
        out, _ = p.communicate(f"n\n{code}\n", timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        fail("toot login did not finish")
    check(p.returncode == 0, f"toot login (exit {p.returncode}): {out.strip()[-200:]}")

    text = "Hello from toot on Caravan"
    rc, out = run(a.toot, env, "post", text)
    check(rc == 0, f"toot post: {out.strip()[-200:]}")
    m = re.search(r"(https?://\S+/item/\S+)", out)
    check(m is not None, "toot prints the new status's URL")

    rc, out = run(a.toot, env, "timeline", "--once")
    if rc != 0:
        rc, out = run(a.toot, env, "timelines", "home", "--no-pager")
    check(rc == 0 and text in out, f"toot reads its home timeline: {out.strip()[:300]}")
    rc, out = run(a.toot, env, "whoami")
    check(rc == 0 and "alice" in out, "toot whoami")
    print("PASSED toot", flush=True)


if __name__ == "__main__":
    main()
