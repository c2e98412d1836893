//! The proof documents the journal format page shows, written and checked by `andel`,
//! and refused when they are not as the page says; times past nanoseconds.

use super::*;

/// The text of the block marked `<!-- golden: name -->` in the "Journal file" chapter.
fn golden_on_the_page(name: &str) -> String {
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../book/src/formats/journal-file.md");
    let page = std::fs::read_to_string(page).unwrap();
    let marker = format!("<!-- golden: {name} -->\n");
    let at = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no `{marker}` on the page"));
    let block = &page[at + marker.len()..];
    let body = &block[block.find('\n').unwrap() + 1..];
    body[..body.find("```").unwrap()].to_owned()
}

#[test]
fn the_pages_golden_proofs_are_what_andel_writes_and_they_hold() {
    let golden =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../andel-journal/tests/golden/journal.ndjson");
    let g = golden.to_str().unwrap();
    let stdout = |args: &[&str]| {
        let out = andel(args);
        assert!(out.status.success(), "andel {args:?}: {}", text(&out));
        String::from_utf8(out.stdout).unwrap()
    };
    let inclusion = stdout(&["journal", "prove", g, "--stream", "members", "--seq", "2"]);
    assert_eq!(golden_on_the_page("inclusion"), inclusion);
    let consistency = |old: &str| {
        stdout(&[
            "journal",
            "consistency",
            g,
            "--stream",
            "members",
            "--old-size",
            old,
        ])
    };
    assert_eq!(golden_on_the_page("consistency"), consistency("3"));
    assert_eq!(
        golden_on_the_page("consistency-empty"),
        consistency("0") + &consistency("4")
    );
    let roots: Vec<String> = (0..=4)
        .map(|n| {
            let out = stdout(&[
                "journal",
                "root",
                g,
                "--stream",
                "members",
                "--size",
                &n.to_string(),
            ]);
            let root = out
                .lines()
                .nth(2)
                .unwrap()
                .strip_prefix("root ")
                .unwrap()
                .to_owned();
            format!("root members {n} {root}\n")
        })
        .collect();
    assert_eq!(golden_on_the_page("roots"), roots.concat());

    // The page's proofs hold for the page's roots, as a reader with only the page checks.
    let root = |n: usize| roots[n].rsplit(' ').next().unwrap().trim().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let p = file("inclusion.json", &inclusion);
    ok(&[
        "journal",
        "check-proof",
        &p,
        "--root",
        &root(4),
        "--size",
        "4",
    ]);
    let c = file("consistency.json", &consistency("3"));
    ok(&[
        "journal",
        "check-consistency",
        &c,
        "--old-root",
        &root(3),
        "--new-root",
        &root(4),
    ]);
    let c = file("from-zero.json", &consistency("0"));
    ok(&[
        "journal",
        "check-consistency",
        &c,
        "--old-root",
        &root(0),
        "--new-root",
        &root(4),
    ]);
    fails(
        &[
            "journal",
            "check-consistency",
            &c,
            "--old-root",
            &root(1),
            "--new-root",
            &root(4),
        ],
        1,
        "proof does not hold",
    );
    let c = file("same.json", &consistency("4"));
    ok(&[
        "journal",
        "check-consistency",
        &c,
        "--old-root",
        &root(4),
        "--new-root",
        &root(4),
    ]);
    fails(
        &[
            "journal",
            "check-consistency",
            &c,
            "--old-root",
            &root(3),
            "--new-root",
            &root(4),
        ],
        1,
        "proof does not hold",
    );
}

#[test]
fn proof_documents_are_refused_when_not_as_the_page_says() {
    let golden =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../andel-journal/tests/golden/journal.ndjson");
    let inclusion = golden_on_the_page("inclusion");
    let root = "54a33cca4a2b3c9a6e1df9606aa47fd7eab0a32f6b2d77af6d7e733bb80a839c";
    let dir = tempfile::tempdir().unwrap();
    let check = |text: &str| {
        let path = dir.path().join("proof.json");
        std::fs::write(&path, text).unwrap();
        andel(&[
            "journal",
            "check-proof",
            path.to_str().unwrap(),
            "--root",
            root,
        ])
    };
    // Any JSON spelling of the same members holds.
    let compact: serde_json::Value = serde_json::from_str(&inclusion).unwrap();
    assert!(check(&compact.to_string()).status.success());
    for (edit, needle) in [
        (
            inclusion.replace("\"seq\": 2,", "\"seq\": 2, \"note\": 1,"),
            "unknown field `note`",
        ),
        (
            inclusion.replace("  \"tree_size\": 4,\n", ""),
            "missing field `tree_size`",
        ),
        (
            inclusion.replace("fb19c39a", "FB19C39A"),
            "not a lowercase hex digit",
        ),
        (
            inclusion.replace("\"leaf_index\": 2", "\"leaf_index\": 1"),
            "names seq 2",
        ),
        (
            inclusion.replace("inclusion-proof.v1", "inclusion-proof.v2"),
            "expected `andel.inclusion-proof.v1`",
        ),
    ] {
        let out = check(&edit);
        assert_eq!(out.status.code(), Some(1), "{edit}: {}", text(&out));
        assert!(
            text(&out).contains(needle),
            "{edit}: {} does not say `{needle}`",
            text(&out)
        );
    }
    // A file that does not verify has no root, and nothing is said to be left unchanged.
    let broken = dir.path().join("broken.ndjson");
    let mut journal = std::fs::read_to_string(golden).unwrap();
    journal.push_str("not json\n");
    std::fs::write(&broken, journal).unwrap();
    let b = broken.to_str().unwrap();
    let out = fails(
        &["journal", "root", b, "--stream", "members"],
        1,
        "does not verify, so it has no root: line 6",
    );
    assert!(!out.contains("unchanged"), "{out}");
    fails(
        &["journal", "prove", b, "--stream", "members", "--seq", "0"],
        1,
        "so it has no proof",
    );
    fails(
        &[
            "journal",
            "consistency",
            b,
            "--stream",
            "members",
            "--old-size",
            "1",
        ],
        1,
        "so it has no proof",
    );
}

#[test]
fn a_time_past_nanoseconds_is_refused_not_cut() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("j.ndjson");
    let f = file.to_str().unwrap();
    let at = "2026-03-01T09:00:00.1234567891Z";
    let args = [
        "journal",
        "append",
        f,
        "--stream",
        "s",
        "--kind",
        "k",
        "--payload",
        "1",
        "--at",
        at,
    ];
    fails(
        &args,
        2,
        "`2026-03-01T09:00:00.1234567891Z` has 10 fraction digits; at most 9",
    );
    assert!(!file.exists());
    append(f, "s", "1");
    fails(
        &[
            "journal", "redact", f, "--stream", "s", "--seq", "0", "--reason", "r", "--at", at,
        ],
        2,
        "has 10 fraction digits",
    );
    fails(
        &[
            "journal",
            "append",
            f,
            "--stream",
            "s",
            "--kind",
            "k",
            "--payload",
            "1",
            "--at",
            "2016-12-31T23:59:60Z",
        ],
        2,
        "leap second",
    );
    fails(
        &[
            "journal",
            "append",
            f,
            "--stream",
            "s",
            "--kind",
            "andel.note",
            "--payload",
            "1",
        ],
        1,
        "reserved",
    );
}
