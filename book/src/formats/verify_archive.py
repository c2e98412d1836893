#!/usr/bin/env python3
"""Verify an Andel archive (format v1) with nothing but Python's standard library,
written from the book's "Member archive" chapter. It reuses the journal file checks of
verify_journal.py (beside it), and checks each of a member's entries by its inclusion
proof against its stream's root. Usage: python3 verify_archive.py ARCHIVE.zip
Prints `ok` and each stream's size and root, or every failure; exits 0 or 1."""
import hashlib
import json
import stat
import sys
import zipfile

import verify_journal

MAX_FILES, MAX_FILE, MAX_TOTAL, MAX_RATIO, MAX_MANIFEST = 100_000, 16 << 30, 64 << 30, 200, 64 << 20
SPECIAL = {"manifest.json", "manifest.sha256"}


def name_problem(name):
    if not name or len(name.encode()) > 255:
        return "is empty or longer than 255 bytes"
    if name.startswith("/") or "\\" in name or ":" in name:
        return "is absolute, or holds a backslash or a colon"
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in name):
        return "holds a control character"
    if any(part in ("", ".", "..") for part in name.split("/")):
        return "has an empty, `.` or `..` part"
    return None


def entries(zf):
    """The zip's entries, or the reason the whole archive is refused."""
    infos = zf.infolist()
    if len(infos) > MAX_FILES:
        return None, f"{len(infos)} files, more than {MAX_FILES}"
    seen, total = set(), 0
    for info in infos:
        if not info.flag_bits & 0x800 and not info.filename.isascii():
            return None, f"entry {info.filename!r}: the name is not UTF-8"
        problem = name_problem(info.filename)
        if problem:
            return None, f"entry {info.filename!r}: the name {problem}"
        mode = info.external_attr >> 16
        if info.is_dir() or stat.S_ISLNK(mode) or info.flag_bits & 1:
            return None, f"entry {info.filename!r} is not a plain file"
        if info.filename in seen:
            return None, f"two entries named {info.filename!r}"
        seen.add(info.filename)
        total += info.file_size
        ratio = info.file_size // max(info.compress_size, 1)
        if info.file_size > MAX_FILE or total > MAX_TOTAL or (info.file_size > 1 << 20 and ratio > MAX_RATIO):
            return None, f"entry {info.filename!r} is too large"
    return seen, None


def read(zf, name, size):
    """The file's bytes, read no further than one byte past `size`."""
    with zf.open(name) as f:
        return f.read(size + 1)


def journal_roots(data):
    """Each stream's (entries, root) of a journal file's bytes, or the first problem."""
    streams = {}
    lines = data.split(b"\n")
    if lines[-1]:
        return None, "truncated (no final newline)"
    for number, raw in enumerate(lines[:-1], 1):
        try:
            if len(raw) > verify_journal.MAX_LINE:
                raise ValueError("line is longer than 16 MiB")
            problem = verify_journal.check(raw.decode(), number, streams)
        except (ValueError, KeyError, TypeError, AttributeError) as err:
            problem = f"not an entry ({err})"
        if problem:
            return None, f"line {number}: {problem}"
    if any(st["waiting"] for st in streams.values()):
        return None, "a payload erased without a redaction record"
    return {n: (len(st["hashes"]), verify_journal.mth(st["hashes"]).hex()) for n, st in streams.items()}, None


def root_from(leaf_index, tree_size, entry_hash, path):
    """The root an RFC 9162 inclusion path leads to from an entry's hash, or None."""
    fn, sn, r = leaf_index, tree_size - 1, verify_journal.sha(b"\x00", entry_hash)
    if leaf_index >= tree_size:
        return None
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = verify_journal.sha(b"\x01", p, r)
            while fn & 1 == 0 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = verify_journal.sha(b"\x01", r, p)
        fn, sn = fn >> 1, sn >> 1
    return r if sn == 0 else None


def entry_hash(raw):
    """An entry's hash, checked on its own (no link to the entry before), or a problem."""
    e = json.loads(raw)
    st = {"next": e["seq"], "last": bytes.fromhex(e["prev"]), "hashes": [], "waiting": {}}
    if e["kind"] == "andel.redaction" and isinstance(e.get("payload"), dict):
        st["waiting"][e["payload"].get("seq")] = (e["payload"].get("entry_hash"), 0)
    problem = verify_journal.check(raw, 0, {e["stream"]: st})
    return (None, problem) if problem else (st["hashes"][0], None)


def member_journal(contents):
    """(entries, withheld) of a member's journal whose every entry is proved against its
    stream's root in journal/roots.json, or the first problem."""
    roots = {r["stream"]: r for r in json.loads(contents["journal/roots.json"])["streams"]}
    withheld = {(w["stream"], w["seq"]) for w in json.loads(contents["journal/withheld.json"])["entries"]}
    lines = contents["journal/entries.ndjson"].decode().split("\n")
    proofs = contents["journal/proofs.ndjson"].decode().split("\n")
    if lines[-1] or proofs[-1] or len(lines) != len(proofs):
        return None, "journal/proofs.ndjson: not one proof per entry, each on a line"
    last, found = None, set()
    for n, (raw, text) in enumerate(zip(lines[:-1], proofs[:-1]), 1):
        try:
            e, proof = json.loads(raw), json.loads(text)
            h, problem = entry_hash(raw)
        except (ValueError, KeyError, TypeError, AttributeError) as err:
            return None, f"journal/entries.ndjson: line {n}: not an entry ({err})"
        if problem:
            return None, f"journal/entries.ndjson: line {n}: {problem}"
        at = (e["stream"], e["seq"])
        if last is not None and at <= last:
            return None, f"journal/entries.ndjson: line {n} is not after the line before it"
        last, root = at, roots.get(e["stream"])
        if (root is None or proof.get("format") != "andel.inclusion-proof.v1"
                or (proof.get("stream"), proof.get("seq"), proof.get("leaf_index")) != at + (e["seq"],)
                or proof.get("entry_hash") != h.hex() or proof.get("tree_size") != root["entries"]
                or root_from(e["seq"], root["entries"], h, [bytes.fromhex(p) for p in proof["path"]])
                != bytes.fromhex(root["root"])):
            return None, f"journal/proofs.ndjson: line {n} does not prove its entry against the stream's root"
        if at in withheld and "payload" in e:
            return None, f"journal/entries.ndjson: line {n} is listed as withheld but carries its content"
        found.add(at)
    if not withheld <= found:
        return None, "journal/withheld.json: lists an entry the member's journal does not hold"
    return (len(found), len(withheld)), None


def verify(path):
    failures = []
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as err:
        return [f"{path}: not a readable zip archive ({err})"], None
    with zf:
        names, refused = entries(zf)
        if refused:
            return [refused], None
        if not SPECIAL <= names:
            return ["no manifest.json or manifest.sha256"], None
        manifest = read(zf, "manifest.json", MAX_MANIFEST)
        digest = hashlib.sha256(manifest).hexdigest()
        if len(manifest) > MAX_MANIFEST or read(zf, "manifest.sha256", 1024) != f"{digest}  manifest.json\n".encode():
            return ["manifest.json: its SHA-256 is not the one manifest.sha256 gives"], None
        m = json.loads(manifest)
        if m.get("format") != "andel-archive" or m.get("version") != 1:
            return ["manifest.json: not format andel-archive version 1"], None
        listed = {}
        for f in m["files"]:
            if name_problem(f["path"]) or f["path"] in listed or f["path"] in SPECIAL:
                return [f"manifest.json: lists {f['path']!r} twice or under a name not allowed"], None
            listed[f["path"]] = f
        contents = {}
        for name, f in listed.items():
            if name not in names:
                failures.append(f"{name}: missing")
                continue
            data = read(zf, name, f["size"])
            if len(data) != f["size"]:
                failures.append(f"{name}: holds {len(data)}{'+' if len(data) > f['size'] else ''} bytes; the manifest lists {f['size']}")
            elif hashlib.sha256(data).hexdigest() != f["sha256"]:
                failures.append(f"{name}: its SHA-256 is not the one the manifest lists")
            else:
                contents[name] = data
        failures += [f"{name}: not in the manifest" for name in sorted(names - set(listed) - SPECIAL)]
        roots = None
        if not failures and "journal/journal.ndjson" in contents:
            roots, problem = journal_roots(contents["journal/journal.ndjson"])
            if problem:
                failures.append(f"journal/journal.ndjson: {problem}")
            else:
                listed_roots = {s["stream"]: (s["entries"], s["root"]) for s in json.loads(contents["journal/roots.json"])["streams"]}
                if listed_roots != roots:
                    failures.append("journal/roots.json: not the journal's roots")
        if not failures and "journal/entries.ndjson" in contents:
            counts, problem = member_journal(contents)
            if problem:
                failures.append(problem)
            else:
                print(f"the member's {counts[0]} entries ({counts[1]} withheld) are proved")
                roots = {r["stream"]: (r["entries"], r["root"])
                         for r in json.loads(contents["journal/roots.json"])["streams"]}
    return failures, roots


def main(path):
    failures, roots = verify(path)
    for failure in failures:
        print(failure)
    if failures:
        return 1
    print("ok")
    for name, (size, root) in sorted((roots or {}).items()):
        print(name, size, root)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
