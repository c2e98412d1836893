//! The book's shell examples, run as written and in order, so that the book cannot
//! drift from what `andel` does and prints.
//!
//! Chapters are read in `book/src/SUMMARY.md`'s order. Every ```` ```sh ```` and
//! ```` ```console ```` block runs, in one `bash -euo pipefail` process (so a shell
//! variable set in one block is there in the next), in one scratch folder holding a copy
//! of `examples/data`, with this build's `andel` first on `PATH`:
//!
//! - in a `sh` block every line is a command, except blank lines and comments; a line
//!   ending in `\` continues on the next;
//! - in a `console` block the lines starting `$ ` are commands (with `\` continuations),
//!   and the lines after a command are output it must print: each must match a whole
//!   line of what the command wrote (stdout and stderr together), in the book's order,
//!   though the command may print more lines between them. `…` in a shown line stands
//!   for any text (a receipt, a hash, a time), so only what varies is left out.
//!
//! Blocks that cannot run here as written are few and said on stderr:
//!
//! - blocks whose commands are all `cargo` (the demo, the benchmarks) or benchmark
//!   scripts under `benches/` (which install their peers and run for minutes) are
//!   skipped by rule: CI runs the demo elsewhere, and benchmarks are run by hand;
//! - blocks that mention `$DATABASE_URL` need PostgreSQL: they run with `DATABASE_URL`
//!   naming a fresh schema on the server of `ANDEL_TEST_POSTGRES`, and are skipped
//!   when it is unset;
//! - blocks that run `sqlite3`, `pg_dump`, `pg_restore` or `psql` are skipped when the
//!   tool is not installed.
//!
//! With `ANDEL_REQUIRE_ALL=1` (CI sets it) every skip but the `cargo` rule fails the
//! test instead.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The book's source folder.
fn book_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../book/src")
}

/// The workspace root.
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Outside programs a block may need, which a machine may lack.
const TOOLS: [&str; 4] = ["sqlite3", "pg_dump", "pg_restore", "psql"];

/// The wildcard in a shown output line.
const ANY: char = '…';

/// One command of a block, with the output lines the book shows for it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Step {
    /// The command's first line in the markdown file, from 1.
    line: usize,
    /// The command, continuation lines included.
    command: String,
    /// Output lines shown after it (`console` blocks only).
    expect: Vec<String>,
}

/// A `sh` or `console` block.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Block {
    /// The line of its opening fence, from 1.
    line: usize,
    /// `sh` or `console`.
    lang: String,
    /// Its commands, in order.
    steps: Vec<Step>,
}

/// The `sh` and `console` blocks of a markdown text.
fn blocks(markdown: &str) -> Vec<Block> {
    let mut found = Vec::new();
    let mut lines = markdown.lines().enumerate();
    while let Some((n, line)) = lines.next() {
        let fence = line.trim_start();
        let Some(lang) = fence.strip_prefix("```") else {
            continue;
        };
        let lang = lang.trim();
        let indent = line.len() - fence.len();
        let mut body = Vec::new();
        for (m, inner) in lines.by_ref() {
            if inner.trim_start().starts_with("```") {
                break;
            }
            // Indentation inside a block is kept beyond the fence's own.
            let spaces = inner.len() - inner.trim_start_matches(' ').len();
            body.push((m + 1, &inner[spaces.min(indent)..]));
        }
        let steps = match lang {
            "sh" => sh_steps(&body),
            "console" => console_steps(&body),
            _ => continue,
        };
        found.push(Block {
            line: n + 1,
            lang: lang.to_owned(),
            steps,
        });
    }
    found
}

/// Commands of a `sh` block: every line but blanks and comments, `\` continuing.
fn sh_steps(body: &[(usize, &str)]) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    let mut continues = false;
    for &(line, text) in body {
        if continues {
            if let Some(step) = steps.last_mut() {
                step.command.push('\n');
                step.command.push_str(text);
            }
        } else if text.trim().is_empty() || text.trim_start().starts_with('#') {
            continue;
        } else {
            steps.push(Step {
                line,
                command: text.to_owned(),
                expect: Vec::new(),
            });
        }
        continues = text.ends_with('\\');
    }
    steps
}

/// Commands of a `console` block: `$ ` lines with their continuations, and the output
/// lines shown after each.
fn console_steps(body: &[(usize, &str)]) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    let mut continues = false;
    for &(line, text) in body {
        if continues {
            if let Some(step) = steps.last_mut() {
                step.command.push('\n');
                step.command.push_str(text);
            }
            continues = text.ends_with('\\');
        } else if let Some(command) = text.strip_prefix("$ ") {
            steps.push(Step {
                line,
                command: command.to_owned(),
                expect: Vec::new(),
            });
            continues = command.ends_with('\\');
        } else if let Some(step) = steps.last_mut()
            && !text.trim().is_empty()
        {
            step.expect.push(text.trim_end().to_owned());
        }
    }
    steps
}

/// Whether `line` matches `pattern`, where `…` stands for any text.
fn matches(pattern: &str, line: &str) -> bool {
    let mut parts = pattern.split(ANY);
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = line.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// The shown lines that the output does not hold, in order.
fn unmatched(expect: &[String], output: &str) -> Option<String> {
    let mut lines = output.lines().map(str::trim_end);
    for pattern in expect {
        if !lines.by_ref().any(|line| matches(pattern, line)) {
            return Some(pattern.clone());
        }
    }
    None
}

/// The book's chapters, in `SUMMARY.md`'s order, as paths under `book/src`.
fn chapters() -> Vec<String> {
    let summary = std::fs::read_to_string(book_src().join("SUMMARY.md")).unwrap();
    summary
        .lines()
        .filter_map(|line| {
            let start = line.find("](")? + 2;
            let end = start + line[start..].find(')')?;
            Some(line[start..end].to_owned())
        })
        .collect()
}

/// The program a command runs: its first word after `NAME=value` assignments, or the
/// program of `NAME=$(program …)`.
fn program(command: &str) -> &str {
    for word in command.split_whitespace() {
        let Some((name, value)) = word.split_once('=') else {
            return word;
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return word;
        }
        if let Some(inner) = value.strip_prefix("$(") {
            return inner;
        }
    }
    ""
}

/// Whether a program is installed.
fn installed(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|out| out.status.success())
}

/// Says something on stderr, past the test harness's capture.
fn note(text: &str) {
    let _ = writeln!(std::io::stderr(), "note: {text}");
}

/// A fresh PostgreSQL schema for the book's blocks, dropped when done.
struct Schema {
    server: String,
    name: String,
}

impl Schema {
    fn create(server: &str) -> Schema {
        let schema = Schema {
            server: server.to_owned(),
            name: format!("andel_book_{}", std::process::id()),
        };
        schema.psql(&format!(
            "DROP SCHEMA IF EXISTS {0} CASCADE; CREATE SCHEMA {0}",
            schema.name
        ));
        schema
    }

    /// The URL the blocks get as `DATABASE_URL`: the schema chosen through libpq's
    /// `options`, as the storage guide says.
    fn url(&self) -> String {
        let separator = if self.server.contains('?') { '&' } else { '?' };
        format!(
            "{}{separator}options=-csearch_path%3D{}",
            self.server, self.name
        )
    }

    fn psql(&self, sql: &str) {
        let status = Command::new("psql")
            .env("PGOPTIONS", "--client-min-messages=warning")
            .args([self.server.as_str(), "-qc", sql])
            .status()
            .unwrap();
        assert!(status.success(), "psql {sql}");
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        self.psql(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name));
    }
}

/// Why a block does not run here, if it does not: `Err` for the `cargo` rule, which
/// `ANDEL_REQUIRE_ALL` does not override.
fn skip(block: &Block, postgres: bool) -> Option<Result<String, String>> {
    let programs: Vec<&str> = block.steps.iter().map(|s| program(&s.command)).collect();
    let by_rule = |p: &&str| *p == "cargo" || p.starts_with("benches/");
    if programs.iter().all(by_rule) {
        return Some(Err(
            "its commands are all `cargo` or benchmark scripts (run elsewhere)".into(),
        ));
    }
    assert!(
        !programs.iter().any(by_rule),
        "a block mixes `cargo` or a benchmark script with other commands; split it so the rule is honest"
    );
    let text: String = block.steps.iter().map(|s| s.command.as_str()).collect();
    if text.contains("$DATABASE_URL") && !postgres {
        return Some(Ok(
            "it needs PostgreSQL: set ANDEL_TEST_POSTGRES to run it".into()
        ));
    }
    for tool in TOOLS {
        if programs.contains(&tool) && !installed(tool) {
            return Some(Ok(format!("`{tool}` is not installed")));
        }
    }
    None
}

/// Where a step comes from, for messages.
struct Origin {
    chapter: String,
    block: usize,
    step: Step,
}

/// Copies every file and folder in `from` into `to`.
fn copy_folder(from: &std::path::Path, to: &std::path::Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir(&target).unwrap();
            copy_folder(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[cfg(unix)]
#[test]
fn book_shell_blocks_run_as_written_in_order() {
    let require_all = std::env::var("ANDEL_REQUIRE_ALL").is_ok_and(|v| v == "1");
    let server = std::env::var("ANDEL_TEST_POSTGRES").ok();
    let schema = server.as_deref().map(Schema::create);

    let scratch = tempfile::tempdir().unwrap();
    copy_folder(&workspace().join("examples/data"), scratch.path());
    let bin = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_andel"), bin.path().join("andel")).unwrap();
    let out = tempfile::tempdir().unwrap();

    let mut script = String::from(
        "__book_step() { printf '%s' \"$1\" >\"$BOOK_OUT/at\"; exec >\"$BOOK_OUT/$1.out\" 2>&1; }\n",
    );
    let mut origins: Vec<Origin> = Vec::new();
    let mut skipped = Vec::new();
    for chapter in chapters() {
        let markdown = std::fs::read_to_string(book_src().join(&chapter)).unwrap();
        for block in blocks(&markdown) {
            if let Some(why) = skip(&block, schema.is_some()) {
                let required = why.is_ok();
                let why = why.unwrap_or_else(|why| why);
                note(&format!(
                    "the book test skips the block at {chapter}:{}: {why}",
                    block.line
                ));
                if required {
                    skipped.push(format!("{chapter}:{}: {why}", block.line));
                }
                continue;
            }
            for step in &block.steps {
                script.push_str(&format!(
                    "__book_step {}\n{}\n",
                    origins.len(),
                    step.command
                ));
                origins.push(Origin {
                    chapter: chapter.clone(),
                    block: block.line,
                    step: step.clone(),
                });
            }
        }
    }
    script.push_str("__book_step done\n");
    let script_file = out.path().join("book.sh");
    std::fs::write(&script_file, &script).unwrap();

    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut bash = Command::new("bash");
    bash.args(["-euo", "pipefail"])
        .arg(&script_file)
        .current_dir(scratch.path())
        .env("PATH", path)
        .env("BOOK_OUT", out.path())
        .env_remove("DATABASE_URL")
        .stdin(std::process::Stdio::null());
    if let Some(schema) = &schema {
        bash.env("DATABASE_URL", schema.url());
    }
    let status = bash.output().unwrap();
    let at = std::fs::read_to_string(out.path().join("at")).unwrap_or_default();
    let output_of =
        |i: usize| std::fs::read_to_string(out.path().join(format!("{i}.out"))).unwrap_or_default();
    let place = |o: &Origin| {
        format!(
            "book/src/{}, the block at line {}, the command at line {}:\n  {}",
            o.chapter, o.block, o.step.line, o.step.command
        )
    };
    if !status.status.success() || at != "done" {
        let Some(origin) = at.parse::<usize>().ok().and_then(|i| origins.get(i)) else {
            panic!(
                "the book's script failed before its first command: {}{}",
                String::from_utf8_lossy(&status.stdout),
                String::from_utf8_lossy(&status.stderr)
            );
        };
        let i: usize = at.parse().unwrap();
        panic!(
            "{}\nfailed ({}), printing:\n{}{}",
            place(origin),
            status.status,
            output_of(i),
            String::from_utf8_lossy(&status.stderr)
        );
    }
    for (i, origin) in origins.iter().enumerate() {
        let printed = output_of(i);
        if let Some(line) = unmatched(&origin.step.expect, &printed) {
            panic!(
                "{}\ndid not print, in the book's order, the line\n  {line}\nIt printed:\n{printed}",
                place(origin)
            );
        }
    }
    note(&format!(
        "the book test ran {} commands; {} blocks skipped for want of a tool or a database",
        origins.len(),
        skipped.len()
    ));
    assert!(
        !require_all || skipped.is_empty(),
        "ANDEL_REQUIRE_ALL=1, and book blocks were skipped:\n{}",
        skipped.join("\n")
    );
}

#[test]
fn extractor_reads_commands_continuations_and_output() {
    let sample = "\
# A chapter

```rust
let x = 1;
```

```sh
# a comment
andel journal verify coop.ndjson   # trailing comment

andel journal append coop.ndjson --stream members \\
    --kind member.admitted
```

```console
$ andel decide rank board 2 0,2 \\
    --store sqlite:coop.db
board: decision.participated
receipt: …

$ receipt=$(andel decide rank board 3 1)
```

```text
$ not a command
```
";
    let found = blocks(sample);
    assert_eq!(
        found,
        [
            Block {
                line: 7,
                lang: "sh".into(),
                steps: vec![
                    Step {
                        line: 9,
                        command: "andel journal verify coop.ndjson   # trailing comment".into(),
                        expect: vec![],
                    },
                    Step {
                        line: 11,
                        command: "andel journal append coop.ndjson --stream members \\\n    --kind member.admitted".into(),
                        expect: vec![],
                    },
                ],
            },
            Block {
                line: 15,
                lang: "console".into(),
                steps: vec![
                    Step {
                        line: 16,
                        command: "andel decide rank board 2 0,2 \\\n    --store sqlite:coop.db".into(),
                        expect: vec!["board: decision.participated".into(), "receipt: …".into()],
                    },
                    Step {
                        line: 21,
                        command: "receipt=$(andel decide rank board 3 1)".into(),
                        expect: vec![],
                    },
                ],
            },
        ]
    );
    assert_eq!(program("ANDEL_TEST_POSTGRES=x cargo bench"), "cargo");
    assert_eq!(program("receipt=$(andel decide rank board 3 1)"), "andel");
    assert_eq!(program("sqlite3 coop.db .tables"), "sqlite3");
}

#[test]
fn shown_output_matches_with_wildcards_in_order() {
    let printed = "board: decision.participated\nreceipt: 7KQ2-MF3A\nKeep it.\n";
    assert!(matches("receipt: …", "receipt: 7KQ2-MF3A"));
    assert!(matches(
        "ok: … is in …, and was counted",
        "ok: X is in the list, and was counted"
    ));
    assert!(!matches("receipt: …", "Receipt: 7KQ2"));
    assert!(!matches("size 8", "size 80"));
    assert!(matches("…", ""));
    assert_eq!(
        unmatched(&["receipt: …".into(), "Keep it.".into()], printed),
        None
    );
    assert_eq!(
        unmatched(&["Keep it.".into(), "receipt: …".into()], printed),
        Some("receipt: …".into())
    );
}

/// What the book holds, per chapter: `sh` and `console` blocks, and commands in them. A
/// runner that found no blocks would pass vacuously; this keeps it honest. Update it
/// when a chapter gains or loses a block.
#[test]
fn the_book_holds_these_blocks() {
    let mut counts = Vec::new();
    for chapter in chapters() {
        let markdown = std::fs::read_to_string(book_src().join(&chapter)).unwrap();
        let found = blocks(&markdown);
        let commands: usize = found.iter().map(|b| b.steps.len()).sum();
        if !found.is_empty() {
            counts.push((chapter, found.len(), commands));
        }
    }
    let counts: Vec<(&str, usize, usize)> = counts
        .iter()
        .map(|(c, b, n)| (c.as_str(), *b, *n))
        .collect();
    assert_eq!(counts, EXPECTED_BLOCKS);
}

/// (chapter, blocks, commands), in the book's order.
const EXPECTED_BLOCKS: &[(&str, usize, usize)] = &[
    ("introduction.md", 1, 1),
    ("concepts/journal.md", 1, 11),
    ("guides/storage.md", 4, 16),
    ("guides/voting-methods.md", 1, 5),
    ("guides/membership-ledger.md", 3, 45),
    ("guides/decisions.md", 3, 32),
    ("guides/data-and-consent.md", 3, 35),
    ("guides/leaving.md", 3, 16),
    ("guides/web-services.md", 1, 6),
    ("guides/kanban.md", 1, 1),
    ("guides/chat.md", 3, 3),
    ("performance.md", 4, 6),
];

/// The ledger chapter's Rust example keeps its own copy of Fyrklövern's statutes (a
/// doctest cannot read `examples/data`); the chapter shows the shipped file. They are
/// the same text.
#[test]
fn the_ledger_chapters_statutes_are_the_shipped_file() {
    let chapter = std::fs::read_to_string(book_src().join("guides/membership-ledger.md")).unwrap();
    let start =
        chapter.find("Statutes::from_toml(r#\"\n").unwrap() + "Statutes::from_toml(r#\"\n".len();
    let end = start + chapter[start..].find("\"#)?;").unwrap();
    let shipped =
        std::fs::read_to_string(workspace().join("examples/data/fyrklovern.toml")).unwrap();
    assert_eq!(chapter[start..end], shipped);
    assert!(chapter.contains("{{#include ../../../examples/data/fyrklovern.toml}}"));
}
