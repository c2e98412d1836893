#!/usr/bin/env python3
"""Verify an Andel journal file (format version 1) and print each stream's root.

Written from the book's "Journal file" chapter alone. Usage: verify_journal.py FILE
Exit 0 and one line per stream (`stream size root`), or 1 and the first bad line.
"""
import hashlib, json, math, re, struct, sys

HEX = re.compile(r"[0-9a-f]{64}")
ID = re.compile(r"[!#-\[\]-~]{1,128}")  # printable ASCII but space, " and \
KIND = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*")
TIME = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})"
                  r"(?:\.([0-9]{3}|[0-9]{6}|[0-9]{9}))?Z")
ORDER = ["v", "stream", "seq", "recorded_at", "author", "kind", "payload", "salt",
         "commitment", "prev", "hash"]
MAX_LINE, MAX_PAYLOAD, MAX_DEPTH = 16 * 1024 * 1024, 4 * 1024 * 1024, 126


def string(s):  # canonical JSON string (RFC 8785)
    short = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n",
             "\f": "\\f", "\r": "\\r"}
    return '"' + "".join(short.get(c) or (f"\\u{ord(c):04x}" if ord(c) < 0x20 else c)
                         for c in s) + '"'


def number(x):  # ECMAScript Number.prototype.toString, for finite values
    if isinstance(x, float) and not math.isfinite(x):
        raise ValueError(f"number {x} is not JSON")
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


def canonical(v, depth=0):  # depth: how many arrays and objects enclose v
    if isinstance(v, (list, dict)) and depth == MAX_DEPTH:
        raise ValueError(f"payload nests deeper than {MAX_DEPTH} levels")
    if v is None or isinstance(v, bool):
        return json.dumps(v)
    if isinstance(v, (int, float)):
        return number(v)
    if isinstance(v, str):
        return string(v)
    if isinstance(v, list):
        return "[" + ",".join(canonical(x, depth + 1) for x in v) + "]"
    items = sorted(v.items(), key=lambda kv: kv[0].encode("utf-16-be"))
    return "{" + ",".join(string(k) + ":" + canonical(x, depth + 1) for k, x in items) + "}"


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


def when(text):  # (seconds since 1970, nanoseconds), proleptic Gregorian, no leap seconds
    m = TIME.fullmatch(text)
    if not m or (m[7] or "").endswith("000"):  # the fewest exact fraction digits
        raise ValueError(f"recorded_at {text!r} is not canonical")
    y, mo, d, h, mi, sec = (int(g) for g in m.groups()[:6])
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    days_in = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    if not (1 <= mo <= 12 and 1 <= d <= days_in[mo - 1] and h < 24 and mi < 60 and sec < 60):
        raise ValueError(f"recorded_at {text!r} is not a time")
    ya = y - (mo <= 2)  # days from civil (H. Hinnant), March-based years
    doy = (153 * (mo + (-3 if mo > 2 else 9)) + 2) // 5 + d - 1
    days = 365 * ya + ya // 4 - ya // 100 + ya // 400 + doy - 719468
    return days * 86400 + h * 3600 + mi * 60 + sec, int(((m[7] or "") + "000000000")[:9])


def check(raw, number, streams):
    e = json.loads(raw, object_pairs_hook=no_duplicates)
    line = "{" + ",".join(f'"{k}":' + (canonical(e[k]) if k != "v" else str(e[k]))
                          for k in ORDER if k in e) + "}"
    if line != raw or set(e) - set(ORDER) or e["v"] != 1 or type(e["v"]) is not int:
        return "not a canonical version 1 line"
    if ("payload" in e) != ("salt" in e) or not all(
            HEX.fullmatch(e[k]) for k in ("salt", "commitment", "prev", "hash") if k in e):
        return "bad payload/salt or hex"
    if not (ID.fullmatch(e["stream"]) and ID.fullmatch(e.get("author", "a"))
            and KIND.fullmatch(e["kind"]) and len(e["kind"]) <= 64):
        return "bad stream, author or kind"
    if type(e["seq"]) is not int or not 0 <= e["seq"] < 2**64:
        return "seq is not an integer from 0 to 2^64 - 1"
    if "payload" in e and len(canonical(e["payload"]).encode()) > MAX_PAYLOAD:
        return "payload is larger than 4 MiB"
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
    if e["kind"].startswith("andel.") and e["kind"] != "andel.redaction":
        return f"seq {e['seq']}: unknown journal kind"
    if e["kind"] == "andel.redaction":
        r = e.get("payload")
        if not (isinstance(r, dict) and set(r) == {"entry_hash", "reason", "seq"}
                and type(r["seq"]) is int and isinstance(r["reason"], str)
                and isinstance(r["entry_hash"], str) and HEX.fullmatch(r["entry_hash"])
                and st["waiting"].pop(r["seq"], (None,))[0] == r["entry_hash"]):
            return f"seq {e['seq']}: bad redaction record"
    elif "payload" not in e:
        st["waiting"][e["seq"]] = (e["hash"], number)
    st["next"], st["last"] = e["seq"] + 1, h
    st["hashes"].append(h)
    return None


def main(path):
    streams = {}
    with open(path, "rb") as f:
        data = f.read()
    lines = data.split(b"\n")
    if lines[-1]:
        return print(f"line {len(lines)}: truncated (no final newline)") or 1
    for number, raw in enumerate(lines[:-1], 1):
        try:
            if len(raw) > MAX_LINE:
                raise ValueError("line is longer than 16 MiB")
            problem = check(raw.decode(), number, streams)
        except (ValueError, KeyError, TypeError, AttributeError) as err:
            problem = f"not an entry ({err})"
        if problem:
            return print(f"line {number}: {problem}") or 1
    waiting = [line for st in streams.values() for _, line in st["waiting"].values()]
    if waiting:  # the first erased entry, in file order, that no record accounts for
        return print(f"line {min(waiting)}: payload erased without a redaction record") or 1
    for name, st in sorted(streams.items()):
        print(name, len(st["hashes"]), mth(st["hashes"]).hex())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
