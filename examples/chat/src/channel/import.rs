//! Bringing a channel in from elsewhere: a plan of what it holds, decided into the
//! events the channel lacks, so that importing the same plan again adds nothing.

use std::collections::BTreeSet;

use andel_consent::MemberId;
use chrono::{DateTime, Utc};

use super::{
    Channel, ChannelEvent, ChannelKind, FileMeta, MAX_NAME, MAX_TEXT, Origin, Refusal, emoji,
    files, mentions, text,
};

/// A channel to import: made by an importer (as [`crate::slack::plan_import`]) from
/// another service's export, with every author already mapped to a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportPlan {
    /// Where the channel came from; the channel it is imported into keeps it.
    pub origin: Origin,
    /// Its name.
    pub name: String,
    /// Public, private or direct.
    pub kind: ChannelKind,
    /// Who imports it, and opens it when it is new.
    pub by: MemberId,
    /// Its members: every author and reactor among them.
    pub members: BTreeSet<MemberId>,
    /// Its topic.
    pub topic: String,
    /// Its messages in the order they were written: a reply after its thread's first
    /// message.
    pub messages: Vec<PlannedMessage>,
}

/// A message to import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedMessage {
    /// Where it came from.
    pub origin: Origin,
    /// Who wrote it; `None` for a message the export holds only as deleted (Slack's
    /// tombstone), kept for the replies in its thread.
    pub author: Option<MemberId>,
    /// Its words.
    pub text: String,
    /// The message whose thread it replies in, by origin.
    pub thread: Option<Origin>,
    /// Whether a reply is shown in the channel too.
    pub broadcast: bool,
    /// The files it carries.
    pub files: Vec<FileMeta>,
    /// When it was written.
    pub at: DateTime<Utc>,
    /// Its reactions: each emoji's name and a member who reacted with it.
    pub reactions: Vec<(String, MemberId)>,
}

impl Channel {
    /// Decides an import: the events that bring into this channel what `plan` holds and
    /// it does not, in order. Each is applied to a copy as it is decided, so that later
    /// ones see it; none when everything is here already.
    pub(super) fn decide_import(&self, plan: ImportPlan) -> Result<Vec<ChannelEvent>, Refusal> {
        let mut import = Importing {
            channel: self.clone(),
            events: Vec::new(),
        };
        import.open(&plan)?;
        for message in plan.messages {
            import.message(message)?;
        }
        Ok(import.events)
    }
}

/// An import under way: the channel as the events decided so far leave it.
struct Importing {
    channel: Channel,
    events: Vec<ChannelEvent>,
}

impl Importing {
    fn push(&mut self, event: ChannelEvent) -> Result<(), Refusal> {
        self.channel
            .apply_event(&event)
            .map_err(|invalid| Refusal::Plan { reason: invalid.0 })?;
        self.events.push(event);
        Ok(())
    }

    /// Opens the channel, or checks that it is the one imported from `plan`'s origin,
    /// and brings in the members it lacks.
    fn open(&mut self, plan: &ImportPlan) -> Result<(), Refusal> {
        let mut members = plan.members.clone();
        members.insert(plan.by.clone());
        match self.channel.origin() {
            None if self.channel.head.is_none() => {
                if plan.kind == ChannelKind::Direct && members.len() < 2 {
                    return Err(Refusal::DirectAlone {
                        by: plan.by.clone(),
                    });
                }
                self.push(ChannelEvent::Opened {
                    name: text("channel name", plan.name.trim(), MAX_NAME, false)?,
                    kind: plan.kind,
                    by: plan.by.clone(),
                    members: members.clone(),
                    origin: Some(plan.origin.clone()),
                })?;
                let topic = text("topic", plan.topic.trim(), MAX_NAME, true)?;
                if !topic.is_empty() {
                    self.push(ChannelEvent::TopicSet {
                        topic,
                        by: plan.by.clone(),
                    })?;
                }
            }
            Some(origin) if *origin == plan.origin => {}
            _ => {
                return Err(Refusal::Plan {
                    reason: format!("this channel was not imported from `{}`", plan.origin),
                });
            }
        }
        if self.channel.kind() != Some(ChannelKind::Direct) {
            for member in members {
                if !self.channel.has_member(&member) {
                    self.push(ChannelEvent::Joined { member })?;
                }
            }
        }
        Ok(())
    }

    /// Brings in one message, unless it is here already, and its reactions.
    fn message(&mut self, planned: PlannedMessage) -> Result<(), Refusal> {
        let message = match self.channel.imported(&planned.origin) {
            Some(id) => id,
            None => self.post(&planned)?,
        };
        for (emoji, member) in planned.reactions {
            let emoji = self::emoji(emoji)?;
            let reacted = self
                .channel
                .message(message)
                .and_then(|found| found.reactions.get(&emoji))
                .is_some_and(|who| who.contains(&member));
            if !reacted {
                self.member(&member)?;
                self.push(ChannelEvent::Reacted {
                    message,
                    member,
                    emoji,
                })?;
            }
        }
        Ok(())
    }

    fn post(&mut self, planned: &PlannedMessage) -> Result<super::MessageId, Refusal> {
        let message = self.channel.next_id()?;
        let origin = planned.origin.clone();
        let Some(author) = planned.author.clone() else {
            self.push(ChannelEvent::Vanished { message, origin })?;
            return Ok(message);
        };
        self.member(&author)?;
        let thread = match &planned.thread {
            None => None,
            Some(root) => Some(self.channel.imported(root).ok_or_else(|| Refusal::Plan {
                reason: format!(
                    "message `{origin}` replies in the thread of `{root}`, which the import does not bring before it and the channel does not hold"
                ),
            })?),
        };
        let text = text(
            "message",
            &planned.text,
            MAX_TEXT,
            !planned.files.is_empty(),
        )?;
        self.push(ChannelEvent::Posted {
            message,
            author,
            mentions: mentions(&text),
            text,
            thread,
            broadcast: planned.broadcast && thread.is_some(),
            files: files(planned.files.clone())?,
            at: planned.at,
            origin: Some(origin),
        })?;
        Ok(message)
    }

    fn member(&self, member: &MemberId) -> Result<(), Refusal> {
        match self.channel.has_member(member) {
            true => Ok(()),
            false => Err(Refusal::Plan {
                reason: format!(
                    "member {member} writes or reacts in it but is not among its members"
                ),
            }),
        }
    }
}
