//! How an event changes a channel. Applying is total over what the channel decides and
//! over what erasure leaves of it: an edit or a reaction whose message was deleted
//! still applies, so that a stream with erased entries always replays.

use super::{Channel, ChannelEvent, Content, Head, Invalid, Message, MessageId};

impl Channel {
    pub(super) fn apply_event(&mut self, event: &ChannelEvent) -> Result<(), Invalid> {
        use ChannelEvent as E;
        if let E::Opened {
            name,
            kind,
            by,
            members,
            origin,
        } = event
        {
            if self.head.is_some() {
                return Err(Invalid("the channel is opened a second time".into()));
            }
            self.head = Some(Head {
                name: name.clone(),
                kind: *kind,
                opened_by: by.clone(),
                topic: String::new(),
                members: members.clone(),
                origin: origin.clone(),
            });
            return Ok(());
        }
        let head = self.head.as_mut().ok_or_else(|| {
            Invalid(format!(
                "a `{}` before the channel was opened",
                event.kind()
            ))
        })?;
        match event {
            E::Opened { .. } | E::Forgotten => {}
            E::Joined { member } => {
                head.members.insert(member.clone());
            }
            E::Left { member } => {
                head.members.remove(member);
            }
            E::TopicSet { topic, .. } => head.topic.clone_from(topic),
            E::Posted {
                message,
                author,
                text,
                thread,
                broadcast,
                mentions,
                files,
                at,
                origin,
            } => {
                self.place(*message, *thread)?;
                if let Some(origin) = origin {
                    self.origins.insert(origin.clone(), *message);
                }
                let content = Content {
                    author: author.clone(),
                    text: text.clone(),
                    at: *at,
                    history: Vec::new(),
                    mentions: mentions.clone(),
                    files: files.clone(),
                    broadcast: *broadcast,
                };
                self.messages
                    .insert(*message, message_with(Some(content), *thread));
                if thread.is_none() || *broadcast {
                    self.timeline.insert(*message);
                }
            }
            E::Vanished { message, origin } => {
                self.place(*message, None)?;
                self.origins.insert(origin.clone(), *message);
                self.messages.insert(*message, message_with(None, None));
            }
            E::PostErased => {
                let id = MessageId(
                    self.last_id
                        .checked_add(1)
                        .ok_or_else(|| Invalid("too many messages".into()))?,
                );
                self.last_id = id.0;
                self.messages.insert(id, message_with(None, None));
            }
            E::Edited {
                message,
                text,
                mentions,
                at,
                ..
            } => {
                let found = self.known(*message)?;
                // The post was deleted and this edit was not: its words go with it.
                if let Some(content) = &mut found.content {
                    let before = std::mem::replace(&mut content.text, text.clone());
                    content.history.push((before, *at));
                    content.mentions.clone_from(mentions);
                }
            }
            E::Deleted {
                message, origin, ..
            } => {
                if let Some(origin) = origin {
                    self.origins.insert(origin.clone(), *message);
                }
                self.delete(*message)?;
            }
            E::Reacted {
                message,
                member,
                emoji,
            } => {
                let found = self.known(*message)?;
                found
                    .reactions
                    .entry(emoji.clone())
                    .or_default()
                    .insert(member.clone());
            }
            E::Unreacted {
                message,
                member,
                emoji,
            } => {
                let found = self.known(*message)?;
                if let Some(who) = found.reactions.get_mut(emoji) {
                    who.remove(member);
                    if who.is_empty() {
                        found.reactions.remove(emoji);
                    }
                }
            }
            E::Read { member, up_to } => {
                self.known(*up_to)?;
                let mark = self.read.entry(member.clone()).or_insert(*up_to);
                *mark = (*mark).max(*up_to);
            }
        }
        Ok(())
    }

    /// Takes the next id for a post, and its place in a thread when it is a reply.
    fn place(&mut self, message: MessageId, thread: Option<MessageId>) -> Result<(), Invalid> {
        if Some(message.0) != self.last_id.checked_add(1) {
            return Err(Invalid(format!(
                "message {message} is posted where message {} comes next",
                u64::from(self.last_id) + 1
            )));
        }
        if let Some(root) = thread {
            let found = self.known(root)?;
            if let Some(parent) = found.thread {
                return Err(Invalid(format!(
                    "message {message} replies to message {root}, itself a reply to {parent}"
                )));
            }
            found.replies.push(message);
            // A deleted post stays in sight while its thread has replies.
            if found.content.is_none() {
                self.timeline.insert(root);
            }
        }
        self.last_id = message.0;
        Ok(())
    }

    /// Leaves of a message what its erasure would: its place, its reactions, and its
    /// thread's replies; it stays in sight only while those replies do.
    fn delete(&mut self, id: MessageId) -> Result<(), Invalid> {
        let found = self.known(id)?;
        found.content = None;
        let thread = found.thread.take();
        if found.replies.is_empty() {
            self.timeline.remove(&id);
        }
        if let Some(root) = thread {
            let root_message = self.known(root)?;
            root_message.replies.retain(|reply| *reply != id);
            if root_message.content.is_none() && root_message.replies.is_empty() {
                self.timeline.remove(&root);
            }
        }
        Ok(())
    }

    fn known(&mut self, message: MessageId) -> Result<&mut Message, Invalid> {
        self.messages
            .get_mut(&message)
            .ok_or_else(|| Invalid(format!("there is no message {message}")))
    }
}

fn message_with(content: Option<Content>, thread: Option<MessageId>) -> Message {
    Message {
        content,
        thread,
        replies: Vec::new(),
        reactions: Default::default(),
    }
}
