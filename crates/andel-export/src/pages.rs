//! `README.txt` and `index.html`: what a member reads first, with no program but a text
//! editor or a browser (offline: no script, nothing fetched).

use crate::manifest::{FileEntry, Header, Scope};

/// The plain-text introduction's name.
pub(crate) const README: &str = "README.txt";
/// The browsable page's name.
pub(crate) const INDEX: &str = "index.html";

fn whose(scope: &Scope) -> String {
    match scope {
        Scope::Coop { tenant } => format!("every journal of the co-op `{tenant}`"),
        Scope::Member { tenant, member } => {
            format!("the data of member `{member}` of the co-op `{tenant}`")
        }
    }
}

pub(crate) fn readme(header: &Header, files: &[FileEntry]) -> String {
    let mut text = format!(
        "Andel archive\n=============\n\n\
         This archive holds {}, written by {} at {}.\n\n\
         manifest.json lists every other file with its size and SHA-256, so that anyone\n\
         can check the archive without Andel's code. The journal files (journal/) are\n\
         specified in the Andel book, chapters \"The journal file\" and \"Member\n\
         archive\"; journal/roots.json gives each stream's Merkle root (RFC 9162), to\n\
         compare with the roots the co-op published. Open index.html in a browser to\n\
         look around.\n\n\
         Files:\n",
        whose(&header.scope),
        header.producer,
        header.created_at.to_rfc3339()
    );
    for file in files {
        text.push_str(&format!(
            "  {}  {} bytes  sha256 {}\n",
            file.path, file.size, file.sha256
        ));
    }
    text
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub(crate) fn index(header: &Header, files: &[FileEntry]) -> String {
    let rows: String = files
        .iter()
        .map(|file| {
            let path = escape(&file.path);
            format!(
                "<tr><td><a href=\"{path}\">{path}</a></td><td>{}</td><td><code>{}</code></td></tr>\n",
                file.size, file.sha256
            )
        })
        .collect();
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <title>Andel archive</title>\n\
         <style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}td{{padding:.2em .8em}}</style>\n\
         </head>\n<body>\n<h1>Andel archive</h1>\n\
         <p>This archive holds {}, written by {} at {}. <code>manifest.json</code> lists \
         every file with its size and SHA-256.</p>\n\
         <table>\n<tr><th>file</th><th>bytes</th><th>SHA-256</th></tr>\n{rows}</table>\n\
         </body>\n</html>\n",
        escape(&whose(&header.scope)),
        escape(&header.producer),
        header.created_at.to_rfc3339()
    )
}
