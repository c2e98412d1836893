//! The real Slack exports of the shared fixtures: what they hold, read from their
//! folders and from zips of them, the same either way.

use std::collections::BTreeMap;

use super::{Shape, files_under, real_export, zip_with};
use crate::slack::{ConversationKind, Export, ReadReport, read_folder, read_zip};

/// Reads the fixture `name` from its folder and from zips of it (flat, with folder
/// entries, and wrapped in a folder), checks they read the same, and gives it.
fn read_real(name: &str) -> Option<(Export, ReadReport)> {
    let path = real_export(name)?;
    let from_folder = read_folder(&path).unwrap();
    let files = files_under(&path);
    for shape in [
        Shape::default(),
        Shape {
            wrap: Some(name),
            folder_entries: true,
        },
    ] {
        let from_zip = read_zip(&zip_with(&files, shape)).unwrap();
        assert_eq!(from_zip, from_folder, "{shape:?}");
    }
    Some(from_folder)
}

#[test]
fn the_real_export_reads_whole() {
    let Some((export, report)) = read_real("export-dir") else {
        return;
    };
    assert_eq!(report.skipped, Vec::<String>::new());
    assert_eq!(
        (report.files_read, report.day_files, report.messages),
        (9, 4, 16)
    );

    assert_eq!(export.users.len(), 10);
    assert_eq!(export.users.iter().filter(|u| u.is_bot).count(), 6);
    assert_eq!(export.users.iter().filter(|u| u.deleted).count(), 1);

    let [channel] = export.conversations.as_slice() else {
        panic!("{:?}", export.conversations)
    };
    assert_eq!(
        (channel.id.as_str(), channel.name.as_str(), channel.kind),
        ("CO69735E8A", "B75B4C7", ConversationKind::Public)
    );
    assert_eq!(channel.members.len(), 3);
    assert_eq!(channel.creator.as_deref(), Some("UOF82F39AE"));
    assert_eq!(
        channel
            .created
            .and_then(|ts| ts.to_utc())
            .map(|at| at.to_rfc3339())
            .as_deref(),
        Some("2019-04-17T09:36:18+00:00")
    );
    assert!(!channel.archived);
    assert!(channel.topic.starts_with("0g5UsT9g"));

    let messages = &channel.messages;
    assert_eq!(messages.len(), 16);
    assert!(messages.windows(2).all(|pair| pair[0].ts < pair[1].ts));
    assert_eq!(messages.iter().filter(|m| m.is_thread_parent()).count(), 3);
    assert_eq!(messages.iter().filter(|m| m.is_reply()).count(), 4);
    // Every reply's thread starts with a message of the export.
    for reply in messages.iter().filter(|m| m.is_reply()) {
        assert!(messages.iter().any(|m| Some(m.ts) == reply.thread_ts));
    }
    let files: Vec<_> = messages.iter().flat_map(|m| &m.files).collect();
    assert_eq!(files.len(), 2);
    assert_eq!(
        files
            .iter()
            .map(|f| (f.id.as_str(), f.mimetype.as_str(), f.size))
            .collect::<Vec<_>>(),
        [
            (
                "FO746B80F5F9",
                "application/vnd.google-apps.document",
                Some(121_616)
            ),
            ("FO260121BC1C", "image/jpeg", Some(239_922))
        ]
    );
    assert!(
        files[1]
            .url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://files.slack.com/"))
    );
    let mut subtypes = BTreeMap::new();
    for subtype in messages.iter().filter_map(|m| m.subtype.as_deref()) {
        *subtypes.entry(subtype).or_insert(0) += 1;
    }
    assert_eq!(
        subtypes,
        BTreeMap::from([("channel_join", 1), ("tombstone", 1)])
    );
    let edited: Vec<_> = messages.iter().filter(|m| m.edited.is_some()).collect();
    assert_eq!(edited.len(), 1);
    assert_eq!(edited[0].bot_id.as_deref(), Some("B089LPE68BB"));
    // A file shared without a comment has no text.
    assert_eq!(messages.iter().filter(|m| m.text.is_empty()).count(), 1);
    // Every author is a user of the export.
    for message in messages {
        let user = message.user.as_deref().unwrap();
        assert!(export.user(user).is_some(), "{user}");
    }
}

#[test]
fn the_real_metadata_only_export_reads_its_conversations() {
    let Some((export, report)) = read_real("export-metadata-only") else {
        return;
    };
    assert_eq!(report.skipped, Vec::<String>::new());
    assert_eq!(
        (report.files_read, report.day_files, report.messages),
        (5, 0, 0)
    );
    assert_eq!(export.users.len(), 8);
    assert_eq!(export.users.iter().filter(|u| u.deleted).count(), 5);
    let kinds: Vec<_> = [
        ConversationKind::Public,
        ConversationKind::Private,
        ConversationKind::Direct,
        ConversationKind::Group,
    ]
    .into_iter()
    .map(|kind| {
        export
            .conversations
            .iter()
            .filter(|c| c.kind == kind)
            .count()
    })
    .collect();
    assert_eq!(kinds, [2, 0, 8, 2]);
    let general = export.conversation("CFCHDMLG3").unwrap();
    assert_eq!(general.name, "general");
    assert!(general.members.is_empty());
    assert_eq!(
        general.topic,
        "Company-wide announcements and work-based matters"
    );
    assert!(export.conversation("CGTR9ED29").unwrap().archived);
    // A direct conversation is named by its id; one with oneself has one member.
    let dm = export.conversation("DNC8S27U5").unwrap();
    assert_eq!((dm.name.as_str(), dm.members.len()), ("DNC8S27U5", 2));
    assert_eq!(
        export.conversation("DGSP8D83S").unwrap().members,
        ["UGTRHT2SH"]
    );
    let group = export.conversation("GJPBBJKE0").unwrap();
    assert_eq!(group.name, "mpdm-smith--seymore.a--jane.d-1");
    assert_eq!(
        group.purpose,
        "Group messaging with: @smith @seymore.a @jane.d"
    );
    assert!(export.conversations.iter().all(|c| c.messages.is_empty()));
}
