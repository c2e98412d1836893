#!/usr/bin/env python3
"""Verify an Andel journal file (format version 1) and print each stream's root.

Written from the book's "Journal file" chapter alone. Usage: verify_journal.py FILE
Exit 0 and one line per stream (`stream size root`), or 1 and the first bad line.
"""
import hashlib, json, re, struct, sys
from datetime import datetime, timezone

HEX = re.compile(r"[0-9a-f]{64}")
ORDER = ["v", "stream", "seq", "recorded_at", "author", "kind", "payload", "salt",
         "commitment", "prev", "hash"]


def string(s):  # canonical JSON string (RFC 8785)
    short = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n",
             "\f": "\\f", "\r": "\\r"}
    return '"' + "".join(short.get(c) or (f"\\u{ord(c):04x}" if ord(c) < 0x20 else c)
                         for c in s) + '"'


def number(x):  # ECMAScript Number.prototype.toString, for finite values
    if isinstance(x, int) or x.is_integer():
        if abs(x) > 2**53 - 1:
            raise ValueError(f"number {x} is not exact")
        return str(int(x))
    sign = "-" if x < 0 else ""
    mantissa, _, e = repr(abs(x)).partition("e")  # the shortest digits that round-trip
    whole, _, frac = mantissa.partition(".")
    digits = (whole + frac).strip("0")
    # The value is 0.DIGITS times ten to the power n.
    n = int(e or 0) + (len(whole) if whole != "0" else len(frac.lstrip("0")) - len(frac))
    k = len(digits)
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * -n + digits
    exponent = f"{'+' if n > 0 else '-'}{abs(n - 1)}"
    return sign + digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + exponent


def canonical(v):
    if v is None or isinstance(v, bool):
        return json.dumps(v)
    if isinstance(v, (int, float)):
        return number(v)
    if isinstance(v, str):
        return string(v)
    if isinstance(v, list):
        return "[" + ",".join(canonical(x) for x in v) + "]"
    items = sorted(v.items(), key=lambda kv: kv[0].encode("utf-16-be"))
    return "{" + ",".join(string(k) + ":" + canonical(x) for k, x in items) + "}"


def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate member name")
    return dict(pairs)


def s(text):  # str(s): u32 length + UTF-8 bytes
    b = text.encode()
    return struct.pack(">I", len(b)) + b


def sha(*parts):
    return hashlib.sha256(b"".join(parts)).digest()


def mth(leaves):  # RFC 9162 Merkle tree hash over entry hashes
    if not leaves:
        return sha()
    if len(leaves) == 1:
        return sha(b"\x00", leaves[0])
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return sha(b"\x01", mth(leaves[:k]), mth(leaves[k:]))


def when(text):
    t = datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
    frac = text[20:-1] if text[19] == "." else ""
    seconds = (t - datetime(1970, 1, 1, tzinfo=timezone.utc)).days * 86400 + t.hour * 3600 + t.minute * 60 + t.second
    return seconds, int((frac + "000000000")[:9])


def check(raw, streams):
    e = json.loads(raw, object_pairs_hook=no_duplicates)
    line = "{" + ",".join(f'"{k}":' + (canonical(e[k]) if k != "v" else str(e[k]))
                          for k in ORDER if k in e) + "}"
    if line != raw or set(e) - set(ORDER) or e["v"] != 1:
        return "not a canonical version 1 line"
    if ("payload" in e) != ("salt" in e) or not all(HEX.fullmatch(e[k]) for k in ("commitment", "prev", "hash")):
        return "bad payload/salt or hex"
    st = streams.setdefault(e["stream"], {"next": 0, "last": bytes(32), "hashes": [], "waiting": {}})
    if e["seq"] != st["next"]:
        return f"seq {e['seq']}: expected seq {st['next']}"
    t, ns = when(e["recorded_at"])
    author = b"\x01" + s(e["author"]) if "author" in e else b"\x00"
    h = sha(s("andel-journal-entry-v1"), s(e["stream"]), struct.pack(">Q", e["seq"]),
            struct.pack(">qI", t, ns), author, s(e["kind"]), bytes.fromhex(e["commitment"]),
            bytes.fromhex(e["prev"]))
    if h.hex() != e["hash"]:
        return f"seq {e['seq']}: entry altered"
    if "payload" in e:
        c = sha(s("andel-journal-payload-v1"), bytes.fromhex(e["salt"]), s(canonical(e["payload"])))
        if c.hex() != e["commitment"]:
            return f"seq {e['seq']}: payload altered"
    if bytes.fromhex(e["prev"]) != st["last"]:
        return f"seq {e['seq']}: broken link"
    if e["kind"] == "andel.redaction":
        r = e.get("payload")
        if r is None or st["waiting"].pop(r["seq"], None) != r["entry_hash"]:
            return f"seq {e['seq']}: bad redaction record"
    elif "payload" not in e:
        st["waiting"][e["seq"]] = e["hash"]
    st["next"], st["last"] = e["seq"] + 1, h
    st["hashes"].append(h)
    return None


def main(path):
    streams = {}
    with open(path, "rb") as f:
        data = f.read()
    if data and not data.endswith(b"\n"):
        return print("last line is truncated") or 1
    for number, raw in enumerate(data.decode().split("\n")[:-1], 1):
        try:
            problem = check(raw, streams)
        except (ValueError, KeyError, TypeError, AttributeError) as err:
            problem = f"not an entry ({err})"
        if problem:
            return print(f"line {number}: {problem}") or 1
    for name, st in sorted(streams.items()):
        if st["waiting"]:
            return print(f"{name}: payload erased without a redaction record") or 1
        print(name, len(st["hashes"]), mth(st["hashes"]).hex())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
