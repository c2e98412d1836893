//! What `andel ledger` prints: events recorded, the register, the roll, statements,
//! balances, imports and checks, as text, JSON or CSV.

use std::fmt::Write as _;

use andel::ledger::{ClassId, Command as LedgerCommand, Event, Ledger, MemberNumber, import};
use andel::service::LedgerCheck;
use andel::tally::formats::csv;
use anyhow::{Result, bail};
use chrono::NaiveDate;

use crate::Exit;

/// What was recorded, one sentence an event, or why nothing was.
pub(super) fn recorded(events: &[Event], done: &str) -> Result<Exit> {
    let mut out = String::new();
    if events.is_empty() {
        let _ = writeln!(out, "nothing to record: {done}");
    }
    for event in events {
        let _ = writeln!(out, "{event}");
    }
    crate::print(&out)?;
    Ok(Exit::Ok)
}

/// What an import created (or would), and what it skipped.
pub(super) fn imported(plan: &import::Plan, dry_run: bool) -> Result<Exit> {
    let mut out = String::new();
    for member in &plan.members {
        let _ = writeln!(
            out,
            "{} member {} `{}` ({}, {} shares, {} paid) from line {}",
            if dry_run { "would create" } else { "created" },
            member.member,
            member.name,
            member.class,
            member.shares,
            member.paid,
            member.line
        );
    }
    for skipped in &plan.skipped {
        let _ = writeln!(
            out,
            "skipped line {}: `{}` is already member {}",
            skipped.line, skipped.name, skipped.member
        );
    }
    let _ = writeln!(
        out,
        "{} {} members, skipped {}",
        if dry_run {
            "dry run: would import"
        } else {
            "imported"
        },
        plan.members.len(),
        plan.skipped.len()
    );
    crate::print(&out)?;
    Ok(Exit::Ok)
}

/// What an accepted command that records nothing had already been done.
pub(super) fn already_done(command: &LedgerCommand) -> String {
    match command {
        LedgerCommand::RecordPayment { key, .. } => {
            format!("the payment with key `{key}` is already recorded")
        }
        LedgerCommand::ChargeDues { period_start } => format!(
            "every member liable is already charged dues for the period starting {period_start}"
        ),
        _ => "already done".to_owned(),
    }
}

pub(super) fn register(
    ledger: &Ledger,
    as_of: NaiveDate,
    as_json: bool,
    as_csv: bool,
) -> Result<Exit> {
    let register = ledger.register(as_of);
    if as_json {
        return crate::json(&register);
    }
    const HEADER: [&str; 10] = [
        "member",
        "name",
        "status",
        "classes",
        "shares",
        "paid_in",
        "outstanding",
        "to_repay",
        "entered_on",
        "exited_on",
    ];
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let rows = register.rows.iter().map(|row| {
        [
            row.member.to_string(),
            row.name.to_string(),
            row.status.name().to_owned(),
            row.holdings
                .iter()
                .map(|h| h.class.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            row.shares.to_string(),
            row.paid_in.to_string(),
            row.outstanding.to_string(),
            row.to_repay.to_string(),
            date(row.entered_on),
            date(row.exited_on),
        ]
    });
    let mut out = String::new();
    if as_csv {
        let _ = writeln!(out, "{}", HEADER.join(","));
        for cells in rows {
            let cells: Vec<String> = cells
                .iter()
                .map(|c| csv::spreadsheet_field(c).into_owned())
                .collect();
            let _ = writeln!(out, "{}", cells.join(","));
        }
    } else {
        let _ = writeln!(
            out,
            "register as of {as_of} (amounts in {})",
            register.currency
        );
        // Widths, negative for left-aligned text.
        const WIDTHS: [i32; 10] = [6, -24, -10, -20, 6, 12, 12, 12, -10, -10];
        let line = |cells: &[String]| {
            let padded: Vec<String> = cells
                .iter()
                .zip(WIDTHS)
                .map(|(cell, w)| match w {
                    w if w < 0 => format!("{cell:<width$}", width = w.unsigned_abs() as usize),
                    w => format!("{cell:>width$}", width = w as usize),
                })
                .collect();
            padded.join("  ").trim_end().to_owned()
        };
        let _ = writeln!(out, "{}", line(&HEADER.map(|h| h.replace('_', " "))));
        for cells in rows {
            let _ = writeln!(out, "{}", line(&cells));
        }
    }
    crate::print(&out)?;
    Ok(Exit::Ok)
}

pub(super) fn roll(ledger: &Ledger, as_of: NaiveDate, as_json: bool) -> Result<Exit> {
    let roll = ledger.roll(as_of)?;
    if as_json {
        return crate::json(&roll);
    }
    let mut out = format!(
        "voting roll at {as_of} ({}): {} voters\n",
        roll.rule,
        roll.voters.len()
    );
    for voter in &roll.voters {
        let _ = writeln!(
            out,
            "{:>6}  {:<24} {:<12} {:>18}{}",
            voter.member,
            voter.name,
            voter.college.as_ref().map(ClassId::as_str).unwrap_or(""),
            voter.weight,
            voter
                .representative
                .as_ref()
                .map(|r| format!("  (represented by {r})"))
                .unwrap_or_default()
        );
    }
    let _ = writeln!(out, "total weight {}", roll.total_weight);
    crate::print(&out)?;
    Ok(Exit::Ok)
}

pub(super) fn statement(
    ledger: &Ledger,
    member: MemberNumber,
    as_of: NaiveDate,
    as_json: bool,
) -> Result<Exit> {
    let Some(statement) = ledger.statement(member, as_of) else {
        bail!("there is no member {member}");
    };
    if as_json {
        return crate::json(&statement);
    }
    let mut out = format!(
        "statement of member {member} `{}` as of {as_of}\n",
        statement.name
    );
    for line in &statement.lines {
        let postings: Vec<String> = line
            .postings
            .iter()
            .map(|p| format!("{} {:?} {}", p.account, p.side, p.amount).to_lowercase())
            .collect();
        let _ = writeln!(
            out,
            "{}  {:<5} {:<20} {}",
            line.on,
            line.txn.to_string(),
            line.what,
            postings.join("; ")
        );
    }
    for (account, balance) in &statement.balances {
        let _ = writeln!(out, "balance {account}: {balance}");
    }
    crate::print(&out)?;
    Ok(Exit::Ok)
}

pub(super) fn balances(ledger: &Ledger, as_of: NaiveDate, as_json: bool) -> Result<Exit> {
    let balances = ledger.balances(as_of);
    if as_json {
        return crate::json(&balances);
    }
    let mut out = format!("balances as of {as_of}\n");
    for (account, balance) in &balances.accounts {
        let _ = writeln!(out, "{:<26} {:>14}", account.as_str(), balance);
    }
    let _ = writeln!(out, "debits minus credits: {}", balances.imbalance);
    crate::print(&out)?;
    Ok(Exit::Ok)
}

/// What checking the ledger found.
pub(super) fn verification(check: &LedgerCheck) -> Result<Exit> {
    if let Some(err) = &check.broken {
        eprintln!("invalid: {err}");
        return Ok(Exit::Invalid);
    }
    if !check.imbalance.is_zero() {
        eprintln!(
            "invalid: the books are out of balance by {}",
            check.imbalance
        );
        return Ok(Exit::Invalid);
    }
    if let Some(why) = &check.snapshot {
        eprintln!(
            "invalid: {why}. The saved snapshot (table andel_states) is a cache that commands trust; \
             the journal is intact, so find out what changed the database, then delete the row: it is saved again from the events"
        );
        return Ok(Exit::Invalid);
    }
    crate::print(&format!(
        "ok: {} entries verify, every event replays under the ledger's rules, the books balance; {} members\n",
        check.entries, check.members
    ))?;
    Ok(Exit::Ok)
}
