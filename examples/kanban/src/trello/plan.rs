//! From the export to the plan: each thing the board can hold taken, mended or left
//! out, and a line in the report for each.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use andel_consent::MemberId;
use chrono::{DateTime, NaiveDate, Utc};

use super::format::{Export, TrelloCard};
use super::{ImportReport, MAX_ID, MAX_REPORT_LINES, MemberMap, UNNAMED_BOARD, UNTITLED};
use crate::board::{
    ImportPlan, MAX_NAME, MAX_TEXT, MAX_TITLE, Origin, PlannedAttachment, PlannedCard,
    PlannedChecklist, PlannedComment, PlannedItem, PlannedLabel, PlannedList,
};

/// What the report says, one line a thing, up to [`MAX_REPORT_LINES`].
#[derive(Default)]
struct Notes {
    lines: Vec<String>,
    more: usize,
}

impl Notes {
    fn add(&mut self, line: String) {
        if self.lines.len() < MAX_REPORT_LINES {
            self.lines.push(line);
        } else {
            self.more = self.more.saturating_add(1);
        }
    }
}

pub(super) struct Planner<'a> {
    map: &'a MemberMap,
    importer: &'a MemberId,
    /// Trello member ids to usernames, from the members and the actions' authors.
    usernames: HashMap<&'a str, &'a str>,
    notes: Notes,
}

/// What the plan holds of a card, for what refers to it.
struct CardNote<'a> {
    index: usize,
    title: String,
    author: MemberId,
    trello: &'a TrelloCard,
}

impl<'a> Planner<'a> {
    pub(super) fn new(export: &'a Export, map: &'a MemberMap, importer: &'a MemberId) -> Self {
        let mut usernames = HashMap::new();
        let people = export
            .members
            .iter()
            .chain(export.actions.iter().map(|action| &action.member_creator));
        for person in people {
            if !person.id.is_empty() && !person.username.is_empty() {
                usernames
                    .entry(person.id.as_str())
                    .or_insert(person.username.as_str());
            }
        }
        Planner {
            map,
            importer,
            usernames,
            notes: Notes::default(),
        }
    }

    pub(super) fn plan(mut self, export: &'a Export) -> (ImportPlan, ImportReport) {
        let title = match export.name.trim() {
            "" => UNNAMED_BOARD.to_owned(),
            name => self.title("board", name),
        };
        if export.closed {
            self.notes
                .add("the board is closed (archived) on Trello; it is imported open".to_owned());
        }
        let members = self.board_members(export);
        let (labels, label_ids) = self.labels(export);
        let (lists, list_index) = self.lists(export);
        let mut summary = Vec::new();
        let (cards, card_notes) = self.cards(export, &list_index, &label_ids, &mut summary);
        let checklists = self.checklists(export, &card_notes);
        let comments = self.comments(export, &card_notes);
        let attachments = self.attachments(&card_notes);
        match attachments.len() {
            0 => {}
            1 => summary.push(
                "1 attachment stays a link: only its name and address were imported, not its file"
                    .to_owned(),
            ),
            n => summary.push(format!(
                "{n} attachments stay links: only their names and addresses were imported, not their files"
            )),
        }
        if let Some(line) = not_imported(export) {
            summary.push(line);
        }

        let items = checklists.iter().map(|c| c.items.len()).sum();
        let mut skipped = self.notes.lines;
        match self.notes.more {
            0 => {}
            1 => skipped.push("and 1 more line like these, left out of this report".to_owned()),
            more => skipped.push(format!(
                "and {more} more lines like these, left out of this report"
            )),
        }
        skipped.extend(summary);
        let report = ImportReport {
            lists: lists.len(),
            cards: cards.len(),
            checklists: checklists.len(),
            items,
            comments: comments.len(),
            attachments: attachments.len(),
            labels: labels.len(),
            skipped,
        };
        let plan = ImportPlan {
            origin: origin("board", &export.id),
            title,
            owner: self.importer.clone(),
            members,
            labels,
            lists,
            cards,
            checklists,
            comments,
            attachments,
        };
        (plan, report)
    }

    /// The member a Trello member maps to.
    fn member(&self, trello: &str) -> Option<MemberId> {
        if trello.is_empty() {
            return None;
        }
        self.map
            .find(trello, self.usernames.get(trello).copied())
            .cloned()
    }

    /// A Trello member as the report names them: by username when known.
    fn who(&self, trello: &'a str) -> String {
        if trello.is_empty() {
            return "(no id)".to_owned();
        }
        short(self.usernames.get(trello).copied().unwrap_or(trello))
    }

    /// Whether a thing's id is usable and not seen before; says why not, if not.
    fn fresh(&mut self, seen: &mut HashSet<&'a str>, what: &str, id: &'a str, name: &str) -> bool {
        if !usable_id(id) {
            self.notes.add(format!(
                "{what} {name} was left out: its Trello id is empty, too long or not printable"
            ));
            return false;
        }
        if !seen.insert(id) {
            self.notes.add(format!(
                "{what} {name} was left out: its Trello id `{}` is that of another {what} in the export",
                short(id)
            ));
            return false;
        }
        true
    }

    /// A title the board takes: trimmed, named when empty, cut when too long.
    fn title(&mut self, what: &str, name: &str) -> String {
        let name = name.trim();
        if name.is_empty() {
            self.notes.add(format!(
                "a {what} without a name was imported as `{UNTITLED}`"
            ));
            return UNTITLED.to_owned();
        }
        match cut_chars(name, MAX_TITLE) {
            Some(cut) => {
                self.notes.add(format!(
                    "the {what} `{}` was cut to {MAX_TITLE} characters",
                    short(name)
                ));
                cut
            }
            None => name.to_owned(),
        }
    }

    /// Text the board takes, cut to `max` bytes when longer.
    fn text(&mut self, what: impl FnOnce() -> String, text: &str, max: usize) -> String {
        match cut_bytes(text, max) {
            Some(cut) => {
                self.notes.add(format!("{} was cut to {max} bytes", what()));
                cut
            }
            None => text.to_owned(),
        }
    }

    fn board_members(&mut self, export: &'a Export) -> Vec<MemberId> {
        let mut members = Vec::new();
        let mut seen = BTreeSet::new();
        let mut unmapped = BTreeSet::new();
        for person in &export.members {
            match self.member(&person.id) {
                Some(member) => {
                    if member != *self.importer && seen.insert(member.clone()) {
                        members.push(member);
                    }
                }
                None => {
                    unmapped.insert(self.who(&person.id));
                }
            }
        }
        for who in unmapped {
            self.notes.add(format!(
                "Trello user `{who}` is not in the member map, so the board is not shared with them"
            ));
        }
        members
    }

    fn labels(&mut self, export: &'a Export) -> (Vec<PlannedLabel>, HashSet<&'a str>) {
        let mut labels = Vec::new();
        let mut seen = HashSet::new();
        for label in &export.labels {
            let name = label.name.trim();
            let shown = format!("`{}`", short(name));
            if !self.fresh(&mut seen, "label", &label.id, &shown) {
                continue;
            }
            let name = self.text(|| format!("the name of label {shown}"), name, MAX_NAME);
            let color = match label.color.as_deref().map(str::trim) {
                None | Some("") => "none",
                Some(color) => color,
            };
            let color = self.text(|| format!("the colour of label {shown}"), color, MAX_NAME);
            labels.push(PlannedLabel {
                origin: origin("label", &label.id),
                name,
                color,
            });
        }
        (labels, seen)
    }

    fn lists(&mut self, export: &'a Export) -> (Vec<PlannedList>, HashMap<&'a str, usize>) {
        let mut seen = HashSet::new();
        let mut taken = Vec::new();
        for list in &export.lists {
            let shown = format!("`{}`", short(&list.name));
            if self.fresh(&mut seen, "list", &list.id, &shown) {
                taken.push(list);
            }
        }
        // Stable: lists at the same place keep the export's order.
        taken.sort_by(|a, b| a.pos.total_cmp(&b.pos));
        let mut index = HashMap::new();
        let mut lists = Vec::new();
        for list in taken {
            index.insert(list.id.as_str(), lists.len());
            lists.push(PlannedList {
                origin: origin("list", &list.id),
                title: self.title("list", &list.name),
                archived: list.closed,
            });
        }
        (lists, index)
    }

    fn cards(
        &mut self,
        export: &'a Export,
        lists: &HashMap<&'a str, usize>,
        labels: &HashSet<&'a str>,
        summary: &mut Vec<String>,
    ) -> (Vec<PlannedCard>, HashMap<&'a str, CardNote<'a>>) {
        // Who created each card, from its `createCard` action; the oldest one counts
        // (Trello lists actions newest first).
        let mut creators = HashMap::new();
        for action in &export.actions {
            if action.kind == "createCard" && !action.data.card.id.is_empty() {
                creators.insert(
                    action.data.card.id.as_str(),
                    action.id_member_creator.as_str(),
                );
            }
        }
        let mut seen = HashSet::new();
        let mut taken = Vec::new();
        for card in &export.cards {
            let shown = format!("`{}`", short(&card.name));
            if !self.fresh(&mut seen, "card", &card.id, &shown) {
                continue;
            }
            match lists.get(card.id_list.as_str()) {
                Some(list) => taken.push((*list, card)),
                None => self.notes.add(format!(
                    "card {shown} was left out: its list (Trello id `{}`) is not in the export",
                    short(&card.id_list)
                )),
            }
        }
        taken.sort_by(|(a_list, a), (b_list, b)| a_list.cmp(b_list).then(a.pos.total_cmp(&b.pos)));

        let mut cards = Vec::new();
        let mut notes = HashMap::new();
        let mut ownerless = 0_usize;
        let mut left_off: BTreeMap<String, usize> = BTreeMap::new();
        for (_, card) in taken {
            let title = self.title("card", &card.name);
            let shown = short(&title);
            let description = self.text(
                || format!("the description of card `{shown}`"),
                &card.desc,
                MAX_TEXT,
            );
            let due = match card.due.trim() {
                "" => None,
                due => {
                    let date = parse_date(due);
                    if date.is_none() {
                        self.notes.add(format!(
                            "card `{shown}` has a due date `{}` that is not a date; it was imported without one",
                            short(due)
                        ));
                    }
                    date
                }
            };
            let mut card_labels = Vec::new();
            let mut on = HashSet::new();
            for label in &card.id_labels {
                if !labels.contains(label.as_str()) {
                    self.notes.add(format!(
                        "card `{shown}` has a label (Trello id `{}`) that is not in the export; the card was imported without it",
                        short(label)
                    ));
                } else if on.insert(label.as_str()) {
                    card_labels.push(origin("label", label));
                }
            }
            let mut card_members = Vec::new();
            for trello in &card.id_members {
                match self.member(trello) {
                    Some(member) => {
                        if !card_members.contains(&member) {
                            card_members.push(member);
                        }
                    }
                    None => *left_off.entry(self.who(trello)).or_default() += 1,
                }
            }
            let author = match creators.get(card.id.as_str()).and_then(|c| self.member(c)) {
                Some(author) => author,
                None => {
                    ownerless += 1;
                    self.importer.clone()
                }
            };
            notes.insert(
                card.id.as_str(),
                CardNote {
                    index: cards.len(),
                    title: title.clone(),
                    author: author.clone(),
                    trello: card,
                },
            );
            cards.push(PlannedCard {
                origin: origin("card", &card.id),
                list: origin("list", &card.id_list),
                title,
                description,
                due,
                author,
                archived: card.closed,
                labels: card_labels,
                members: card_members,
            });
        }
        if ownerless > 0 {
            summary.push(if ownerless == 1 {
                "1 card whose creator is not in the member map is owned by the importing member"
                    .to_owned()
            } else {
                format!(
                    "{ownerless} cards whose creator is not in the member map are owned by the importing member"
                )
            });
        }
        for (who, count) in left_off {
            summary.push(format!(
                "Trello user `{who}` was left off {}: they are not in the member map",
                plural(count, "card", "cards")
            ));
        }
        (cards, notes)
    }

    fn checklists(
        &mut self,
        export: &'a Export,
        cards: &HashMap<&'a str, CardNote<'a>>,
    ) -> Vec<PlannedChecklist> {
        let mut seen = HashSet::new();
        let mut taken = Vec::new();
        for checklist in &export.checklists {
            let shown = format!("`{}`", short(&checklist.name));
            if !self.fresh(&mut seen, "checklist", &checklist.id, &shown) {
                continue;
            }
            match cards.get(checklist.id_card.as_str()) {
                Some(card) => taken.push((card.index, checklist)),
                None => self.notes.add(format!(
                    "checklist {shown} was left out: its card (Trello id `{}`) is not in the export or was left out",
                    short(&checklist.id_card)
                )),
            }
        }
        taken.sort_by(|(a_card, a), (b_card, b)| a_card.cmp(b_card).then(a.pos.total_cmp(&b.pos)));
        let mut seen_items = HashSet::new();
        let mut checklists = Vec::new();
        for (_, checklist) in taken {
            let title = self.title("checklist", &checklist.name);
            let mut items = Vec::new();
            for item in &checklist.check_items {
                let shown = format!("`{}`", short(&item.name));
                if self.fresh(&mut seen_items, "checklist item", &item.id, &shown) {
                    items.push(item);
                }
            }
            items.sort_by(|a, b| a.pos.total_cmp(&b.pos));
            let items = items
                .into_iter()
                .map(|item| {
                    let text = match item.name.trim() {
                        "" => {
                            self.notes.add(format!(
                                "an empty item of checklist `{}` was imported as `{UNTITLED}`",
                                short(&title)
                            ));
                            UNTITLED.to_owned()
                        }
                        text => self.text(
                            || format!("checklist item `{}`", short(text)),
                            text,
                            MAX_TEXT,
                        ),
                    };
                    PlannedItem {
                        origin: origin("item", &item.id),
                        text,
                        done: item.state == "complete",
                    }
                })
                .collect();
            checklists.push(PlannedChecklist {
                origin: origin("checklist", &checklist.id),
                card: origin("card", &checklist.id_card),
                title,
                items,
            });
        }
        checklists
    }

    fn comments(
        &mut self,
        export: &'a Export,
        cards: &HashMap<&'a str, CardNote<'a>>,
    ) -> Vec<PlannedComment> {
        let mut seen = HashSet::new();
        let mut taken = Vec::new();
        for (index, action) in export.actions.iter().enumerate() {
            if action.kind != "commentCard" {
                continue;
            }
            let card_id = action.data.card.id.as_str();
            let Some(card) = cards.get(card_id) else {
                self.notes.add(format!(
                    "a comment was left out: its card (Trello id `{}`) is not in the export or was left out",
                    short(card_id)
                ));
                continue;
            };
            let on = format!("on card `{}`", short(&card.title));
            if !self.fresh(&mut seen, "comment", &action.id, &on) {
                continue;
            }
            if action.id_member_creator.is_empty() {
                self.notes.add(format!(
                    "a comment {on} was left out: it does not say who wrote it"
                ));
                continue;
            }
            let Some(author) = self.member(&action.id_member_creator) else {
                let who = self.who(&action.id_member_creator);
                self.notes.add(format!(
                    "a comment by Trello user `{who}` {on} was not imported: the co-op cannot tell \
                     whose words they are; add `{who}` to the member map and import again to bring it in"
                ));
                continue;
            };
            let Some(at) = parse_time(&action.date) else {
                self.notes.add(format!(
                    "a comment {on} was left out: its date `{}` is not a date",
                    short(&action.date)
                ));
                continue;
            };
            // The board takes no blank comment; cut, a long one may be blank too.
            let kept = cut_bytes(&action.data.text, MAX_TEXT);
            if kept
                .as_deref()
                .unwrap_or(&action.data.text)
                .trim()
                .is_empty()
            {
                self.notes
                    .add(format!("an empty comment {on} was left out"));
                continue;
            }
            let text = self.text(|| format!("a comment {on}"), &action.data.text, MAX_TEXT);
            // Trello lists actions newest first: of two at the same time, the later in
            // the list is the older.
            taken.push((
                at,
                Reverse(index),
                PlannedComment {
                    origin: origin("comment", &action.id),
                    card: origin("card", card_id),
                    author,
                    text,
                    at,
                },
            ));
        }
        taken.sort_by_key(|(at, place, _)| (*at, *place));
        taken.into_iter().map(|(_, _, comment)| comment).collect()
    }

    fn attachments(&mut self, cards: &HashMap<&'a str, CardNote<'a>>) -> Vec<PlannedAttachment> {
        let mut in_order: Vec<&CardNote<'a>> = cards.values().collect();
        in_order.sort_by_key(|card| card.index);
        let mut seen = HashSet::new();
        let mut attachments = Vec::new();
        for card in in_order {
            let on = short(&card.title);
            let mut taken = Vec::new();
            for attachment in &card.trello.attachments {
                let shown = format!("`{}` on card `{on}`", short(&attachment.name));
                if self.fresh(&mut seen, "attachment", &attachment.id, &shown) {
                    taken.push(attachment);
                }
            }
            taken.sort_by(|a, b| a.pos.total_cmp(&b.pos));
            for attachment in taken {
                let url = attachment.url.trim();
                if !web_address(url) {
                    self.notes.add(format!(
                        "attachment `{}` on card `{on}` was left out: `{}` is not a web address \
                         (http:// or https://, at most {MAX_NAME} bytes)",
                        short(&attachment.name),
                        short(url)
                    ));
                    continue;
                }
                let name = self.title("attachment", &attachment.name);
                let author = self
                    .member(&attachment.id_member)
                    .unwrap_or_else(|| card.author.clone());
                attachments.push(PlannedAttachment {
                    origin: origin("attachment", &attachment.id),
                    card: origin("card", &card.trello.id),
                    name,
                    url: url.to_owned(),
                    author,
                });
            }
        }
        attachments
    }
}

/// The line saying what the export holds that no board here holds.
fn not_imported(export: &Export) -> Option<String> {
    let cards = |count: fn(&TrelloCard) -> usize| export.cards.iter().map(count).sum::<usize>();
    let other_actions = export
        .actions
        .iter()
        .filter(|action| action.kind != "commentCard" && action.kind != "createCard")
        .count();
    let counts = [
        (export.custom_fields.0, "custom field", "custom fields"),
        (
            cards(|card| card.custom_field_items.0),
            "custom field value",
            "custom field values",
        ),
        (export.power_ups.0, "power-up", "power-ups"),
        (
            export
                .plugin_data
                .0
                .saturating_add(cards(|card| card.plugin_data.0)),
            "power-up setting",
            "power-up settings",
        ),
        (cards(|card| card.stickers.0), "sticker", "stickers"),
        (cards(|card| card.id_members_voted.0), "vote", "votes"),
        (
            other_actions,
            "other action (Trello's history of moves and edits)",
            "other actions (Trello's history of moves and edits)",
        ),
    ];
    let parts: Vec<String> = counts
        .iter()
        .filter(|(count, _, _)| *count > 0)
        .map(|(count, one, many)| plural(*count, one, many))
        .collect();
    match parts.as_slice() {
        [] => None,
        [one] => Some(format!("not imported: {one}")),
        [first @ .., last] => Some(format!("not imported: {} and {last}", first.join(", "))),
    }
}

fn plural(count: usize, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {many}")
    }
}

fn origin(kind: &str, id: &str) -> Origin {
    Origin(format!("trello:{kind}:{id}"))
}

pub(super) fn usable_id(id: &str) -> bool {
    (1..=MAX_ID).contains(&id.len()) && !id.chars().any(char::is_control)
}

fn web_address(url: &str) -> bool {
    (1..=MAX_NAME).contains(&url.len())
        && (url.starts_with("https://") || url.starts_with("http://"))
        && !url.chars().any(char::is_control)
}

/// A date from Trello's ISO date and time (its UTC date), or a plain date.
fn parse_date(text: &str) -> Option<NaiveDate> {
    parse_time(text)
        .map(|at| at.date_naive())
        .or_else(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
}

fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text.trim())
        .ok()
        .map(|at| at.with_timezone(&Utc))
}

/// The first `max` characters, when there are more.
fn cut_chars(text: &str, max: usize) -> Option<String> {
    let (end, _) = text.char_indices().nth(max)?;
    text.get(..end).map(str::to_owned)
}

/// The first `max` bytes (fewer, to end on a whole character), when there are more.
fn cut_bytes(text: &str, max: usize) -> Option<String> {
    if text.len() <= max {
        return None;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).map(str::to_owned)
}

/// Text as a report line shows it: at most 60 characters, on one line.
pub(super) fn short(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(60)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().nth(60).is_some() {
        out.push('…');
    }
    out
}
