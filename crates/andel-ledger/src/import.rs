//! Moving from a spreadsheet: a CSV of members read into commands, checked in full
//! before anything is recorded.
//!
//! The file has a header row naming its columns, in any order (case does not matter):
//!
//! | column | required | meaning |
//! |---|---|---|
//! | `name` | yes | the member's name |
//! | `class` | yes | a class of the statutes |
//! | `admitted_on` | yes | `YYYY-MM-DD`, the date of entry |
//! | `shares` | no | shares held (default: the class minimum) |
//! | `paid` | no | capital paid in (default: 0) |
//! | `person` | no | `natural` (default) or `legal` |
//! | `representative` | for `legal` | who votes for the organisation |
//!
//! Rows become commands dated `admitted_on`, in date order: apply, admit, subscribe
//! shares above the minimum, and record the capital paid (payment key
//! `import:LINE:NAME`). A row whose person is already in the ledger (same name, class
//! and application date) is skipped, so importing the same file twice adds nothing.
//!
//! ```
//! use andel_ledger::{import, Ledger, Command, Statutes};
//!
//! let statutes = Statutes::from_toml(r#"
//!     name = "Fyrklövern"
//!     currency = { code = "SEK", scale = 2 }
//!     [[classes]]
//!     id = "users"
//!     name = "Users"
//!     nominal = "100.00"
//!     min_shares = 1
//! "#)?;
//! let mut ledger = Ledger::new();
//! for e in ledger.decide(Command::AdoptStatutes { statutes: Box::new(statutes) }, "2020-01-01".parse()?)? {
//!     ledger.apply(&e)?;
//! }
//! let csv = "name,class,admitted_on,shares,paid\nAda,users,2020-02-01,2,200\nBo,users,2020-03-01,,50\n";
//! let plan = import::plan(&ledger, csv)?;
//! assert_eq!(plan.members.len(), 2);
//! assert_eq!(plan.members[1].paid.to_string(), "50.00");
//!
//! let broken = "name,class,admitted_on\nAda,workers,2020-02-01\n,users,2020-13-01\n";
//! let err = import::plan(&ledger, broken).unwrap_err();
//! assert_eq!(err.problems.len(), 2); // both bad rows, each with its line
//! assert!(err.to_string().contains("line 2: the statutes have no class `workers`"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeSet, HashMap};
use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::command::Command;
use crate::event::{Person, Purpose};
use crate::ids::{ClassId, MemberNumber, PaymentKey};
use crate::ledger::Ledger;

/// The largest file read.
pub const MAX_BYTES: usize = 16 << 20;
/// The most rows read.
pub const MAX_ROWS: usize = 1_000_000;
/// The longest field.
pub const MAX_FIELD: usize = 1_000;

/// What an import would create, and the commands that create it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// The members to create, in the order they will be numbered.
    pub members: Vec<PlannedMember>,
    /// Rows left out because their member is already in the ledger.
    pub skipped: Vec<Skipped>,
    /// The commands, each with its effective date, in order.
    #[serde(skip)]
    pub commands: Vec<(Command, NaiveDate)>,
}

/// One member an import creates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedMember {
    /// The CSV line.
    pub line: usize,
    /// The number they will get.
    pub member: MemberNumber,
    /// Name.
    pub name: String,
    /// Class.
    pub class: ClassId,
    /// Entry date.
    pub admitted_on: NaiveDate,
    /// Shares.
    pub shares: u32,
    /// Capital paid in.
    pub paid: Decimal,
}

/// A row left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// The CSV line.
    pub line: usize,
    /// Their existing member number.
    pub member: MemberNumber,
    /// Name.
    pub name: String,
}

/// Every problem found in a file: nothing is imported while there is one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ImportError {
    /// The problems, by line (line 0 is the file as a whole).
    pub problems: Vec<Problem>,
}

/// One problem, with its line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// The line (1 is the header); 0 for the file as a whole.
    pub line: usize,
    /// What is wrong.
    pub problem: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} problem{} in the members file, nothing imported:",
            self.problems.len(),
            if self.problems.len() == 1 { "" } else { "s" }
        )?;
        for p in &self.problems {
            if p.line == 0 {
                write!(f, "\n  {}", p.problem)?;
            } else {
                write!(f, "\n  line {}: {}", p.line, p.problem)?;
            }
        }
        Ok(())
    }
}

fn whole(problem: impl Into<String>) -> ImportError {
    ImportError {
        problems: vec![Problem {
            line: 0,
            problem: problem.into(),
        }],
    }
}

/// A row as read.
struct Row {
    line: usize,
    name: String,
    class: ClassId,
    admitted_on: NaiveDate,
    shares: Option<u32>,
    paid: Decimal,
    person: Person,
}

const COLUMNS: [&str; 7] = [
    "name",
    "class",
    "admitted_on",
    "shares",
    "paid",
    "person",
    "representative",
];

/// Reads `csv` and checks every row against the statutes and against `ledger` as it
/// would stand after the rows before it: the plan of what would be created, or every
/// problem found, each with its line.
///
/// # Errors
///
/// A file that is too large, has no header, lacks a required column or has an unknown
/// one; and every row that is malformed or that the ledger would refuse.
pub fn plan(ledger: &Ledger, csv: &str) -> Result<Plan, ImportError> {
    if csv.len() > MAX_BYTES {
        return Err(whole(format!(
            "the file is {} bytes, more than the {MAX_BYTES} read",
            csv.len()
        )));
    }
    let records = parse_csv(csv)?;
    let mut records = records.into_iter();
    let Some((_, header)) = records.next() else {
        return Err(whole("the file is empty: it needs a header row"));
    };
    let columns = header_columns(&header)?;
    let mut problems = Vec::new();
    let mut rows = Vec::new();
    for (line, fields) in records {
        if fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if fields.len() > header.len() {
            problems.push(Problem {
                line,
                problem: format!(
                    "the row has {} fields, the header {}",
                    fields.len(),
                    header.len()
                ),
            });
            continue;
        }
        match read_row(line, &columns, &fields) {
            Ok(row) => rows.push(row),
            Err(problem) => problems.push(Problem { line, problem }),
        }
    }
    rows.sort_by_key(|r| (r.admitted_on, r.line));
    let mut seen = BTreeSet::new();
    let existing: HashMap<(&str, &ClassId, NaiveDate), MemberNumber> = ledger
        .members
        .iter()
        .map(|r| ((&*r.name, &r.applied_class, r.history[0].0), r.number))
        .collect();
    let mut scratch = ledger.clone();
    let mut plan = Plan {
        members: Vec::new(),
        skipped: Vec::new(),
        commands: Vec::new(),
    };
    for row in rows {
        if !seen.insert((row.name.clone(), row.class.clone(), row.admitted_on)) {
            problems.push(Problem {
                line: row.line,
                problem: format!(
                    "`{}` appears twice in the file with the same class and date",
                    row.name
                ),
            });
            continue;
        }
        if let Some(&member) = existing.get(&(row.name.as_str(), &row.class, row.admitted_on)) {
            plan.skipped.push(Skipped {
                line: row.line,
                member,
                name: row.name,
            });
            continue;
        }
        match plan_row(&mut scratch, &row) {
            Ok((member, commands)) => {
                plan.members.push(member);
                plan.commands.extend(commands);
            }
            Err(problem) => problems.push(Problem {
                line: row.line,
                problem,
            }),
        }
    }
    if problems.is_empty() {
        Ok(plan)
    } else {
        problems.sort_by_key(|p| p.line);
        Err(ImportError { problems })
    }
}

fn header_columns(header: &[String]) -> Result<Vec<usize>, ImportError> {
    let names: Vec<String> = header
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let unknown: Vec<&str> = names
        .iter()
        .filter(|n| !COLUMNS.contains(&n.as_str()))
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        return Err(whole(format!(
            "unknown column{} `{}` (the columns are {}); remove {} so that no data is silently left behind",
            if unknown.len() == 1 { "" } else { "s" },
            unknown.join("`, `"),
            COLUMNS.join(", "),
            if unknown.len() == 1 { "it" } else { "them" },
        )));
    }
    let mut positions = Vec::with_capacity(COLUMNS.len());
    for column in COLUMNS {
        let found: Vec<usize> = names
            .iter()
            .enumerate()
            .filter(|(_, n)| *n == column)
            .map(|(i, _)| i)
            .collect();
        match found.as_slice() {
            [] if ["name", "class", "admitted_on"].contains(&column) => {
                return Err(whole(format!("the header has no `{column}` column")));
            }
            [] => positions.push(usize::MAX),
            [one] => positions.push(*one),
            _ => return Err(whole(format!("the header names `{column}` twice"))),
        }
    }
    Ok(positions)
}

fn read_row(line: usize, columns: &[usize], fields: &[String]) -> Result<Row, String> {
    let get = |i: usize| {
        fields
            .get(columns[i])
            .map(|f| f.trim())
            .filter(|f| !f.is_empty())
    };
    let name = get(0).ok_or("the name is empty")?.to_owned();
    let class_text = get(1).ok_or("the class is empty")?;
    let class = ClassId::new(class_text).map_err(|e| e.to_string())?;
    let date_text = get(2).ok_or("the admission date is empty")?;
    let admitted_on = NaiveDate::parse_from_str(date_text, "%Y-%m-%d")
        .map_err(|_| format!("`{date_text}` is not a date such as `2024-03-01`"))?;
    let shares = get(3)
        .map(|s| {
            s.parse::<u32>()
                .map_err(|_| format!("`{s}` is not a number of shares"))
        })
        .transpose()?;
    let paid = match get(4) {
        None => Decimal::ZERO,
        Some(text) => text.parse::<Decimal>().map_err(|_| {
            format!("`{text}` is not an amount such as `500.00` (use a dot for decimals)")
        })?,
    };
    if paid < Decimal::ZERO {
        return Err(format!("the paid amount `{paid}` is negative"));
    }
    let person = match get(5).map(str::to_ascii_lowercase).as_deref() {
        None | Some("natural") => Person::Natural,
        Some("legal") => Person::Legal {
            representative: get(6)
                .ok_or("a legal person needs a `representative`")?
                .to_owned(),
        },
        Some(other) => {
            return Err(format!(
                "`{other}` is not a person kind: use `natural` or `legal`"
            ));
        }
    };
    Ok(Row {
        line,
        name,
        class,
        admitted_on,
        shares,
        paid,
        person,
    })
}

/// Decides and applies one row's commands on the scratch ledger.
fn plan_row(
    scratch: &mut Ledger,
    row: &Row,
) -> Result<(PlannedMember, Vec<(Command, NaiveDate)>), String> {
    let statutes = scratch.statutes().ok_or("the ledger has no statutes yet")?;
    let rules = statutes
        .class(&row.class)
        .ok_or_else(|| format!("the statutes have no class `{}`", row.class))?;
    let min = rules.min_shares();
    let automatic = rules.admission() == crate::statutes::Admission::Automatic;
    let currency = statutes.currency().code().to_owned();
    let shares = row.shares.unwrap_or(min);
    if shares < min {
        return Err(format!(
            "{shares} shares is below the class minimum of {min}"
        ));
    }
    let member = scratch.next_member();
    let on = row.admitted_on;
    let mut commands = vec![Command::ApplyForMembership {
        name: row.name.clone(),
        person: row.person.clone(),
        class: row.class.clone(),
    }];
    if !automatic {
        commands.push(Command::Admit {
            member,
            class: None,
        });
    }
    if shares > min {
        commands.push(Command::Subscribe {
            member,
            class: row.class.clone(),
            shares: shares - min,
        });
    }
    if row.paid > Decimal::ZERO {
        let key = format!("import:{}:{}", row.line, row.name);
        let key: String = key.chars().take(128).collect();
        commands.push(Command::RecordPayment {
            key: PaymentKey::new(&key).map_err(|e| e.to_string())?,
            member,
            purpose: Purpose::Capital {
                class: row.class.clone(),
            },
            amount: row.paid,
            currency,
        });
    }
    let mut paid = Decimal::ZERO;
    for command in &commands {
        let events = scratch
            .decide(command.clone(), on)
            .map_err(|e| e.to_string())?;
        for event in &events {
            scratch.apply(event).map_err(|e| e.to_string())?;
        }
    }
    if let Some(view) = scratch.member(member) {
        paid = view.paid_capital();
    }
    Ok((
        PlannedMember {
            line: row.line,
            member,
            name: row.name.clone(),
            class: row.class.clone(),
            admitted_on: on,
            shares,
            paid,
        },
        commands.into_iter().map(|c| (c, on)).collect(),
    ))
}

/// Splits RFC 4180 CSV into records, each with the line it starts on. Quoted fields
/// may hold commas, doubled quotes and line breaks.
fn parse_csv(text: &str) -> Result<Vec<(usize, Vec<String>)>, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut line = 1;
    let mut start = 1;
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let too_long = |line| {
        whole(format!(
            "line {line}: a field is longer than {MAX_FIELD} characters"
        ))
    };
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
        } else {
            match c {
                '"' if field.trim().is_empty() => {
                    field.clear();
                    quoted = true;
                }
                ',' => fields.push(std::mem::take(&mut field)),
                '\r' if chars.peek() == Some(&'\n') => {}
                '\n' => {
                    fields.push(std::mem::take(&mut field));
                    records.push((start, std::mem::take(&mut fields)));
                    line += 1;
                    start = line;
                    if records.len() > MAX_ROWS {
                        return Err(whole(format!("the file has more than {MAX_ROWS} rows")));
                    }
                }
                _ => field.push(c),
            }
        }
        if field.len() > MAX_FIELD {
            return Err(too_long(line));
        }
    }
    if quoted {
        return Err(whole(format!(
            "line {start}: a quoted field is never closed"
        )));
    }
    if !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        records.push((start, fields));
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn csv_fields_may_be_quoted() {
        let records = parse_csv("a,b\r\n\"x, \"\"y\"\"\",\"multi\nline\"\nlast,row").unwrap();
        assert_eq!(records.len(), 3);
        assert_eq!(
            records[1],
            (2, vec!["x, \"y\"".to_owned(), "multi\nline".to_owned()])
        );
        assert_eq!(records[2].0, 4);
        assert!(parse_csv("a,\"open").is_err());
        assert!(parse_csv(&"x".repeat(MAX_FIELD + 1)).is_err());
    }
}
