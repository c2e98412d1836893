//! The kanban service's share of a member's archive: the member's entries of every
//! board's stream (with proofs, written by the application layer), and a module in open
//! formats: each board they worked on, with only what they wrote on it, as JSON and in
//! Trello's shape (which Wekan and Planka import).

use std::sync::Arc;

use andel_consent::MemberId;
use andel_export::{ExportModule, Files, Module, WriteError};
use andel_journal::{EntryBody, StreamId, SubjectId};
use andel_service::{ServiceData, ServiceError};
use chrono::{DateTime, Utc};

use crate::board::BoardEvent;
use crate::{BOARD_PREFIX, Boards};

/// The id of the kanban module in a member's archive, and the folder of its files.
pub const MODULE: &str = "kanban";

/// The kanban service as [`ServiceData`]: mount it with
/// `andel_http::App::with_service_data` so that `GET /api/me/archive` holds it.
#[derive(Debug, Clone)]
pub struct KanbanData {
    boards: Arc<Boards>,
}

impl KanbanData {
    /// The share of `boards`.
    pub fn new(boards: Arc<Boards>) -> Self {
        KanbanData { boards }
    }
}

#[async_trait::async_trait]
impl ServiceData for KanbanData {
    fn holds(&self, stream: &StreamId) -> bool {
        stream.as_str().starts_with(BOARD_PREFIX)
    }

    fn subjects(&self, body: &EntryBody) -> Result<Vec<SubjectId>, String> {
        let Some(payload) = body.payload().filter(|_| !body.kind().is_reserved()) else {
            return Ok(Vec::new());
        };
        let event: BoardEvent = payload
            .decode()
            .map_err(|err| format!("not a board event: {err}"))?;
        event
            .subjects()
            .into_iter()
            .map(|member| SubjectId::new(member.as_str()).map_err(|err| err.to_string()))
            .collect()
    }

    async fn module(
        &self,
        member: &MemberId,
        _created_at: DateTime<Utc>,
    ) -> Result<Option<Box<dyn ExportModule + Send + Sync>>, ServiceError> {
        let boards = self
            .boards
            .worked_on_by(member)
            .await
            .map_err(|err| ServiceError::Refused(err.to_string()))?;
        if boards.is_empty() {
            return Ok(None);
        }
        let only = std::collections::BTreeSet::from([member.clone()]);
        let files = boards
            .into_iter()
            .filter_map(|(id, board)| {
                let mine = board.only(&only);
                let view = mine.view(id.as_str(), true)?;
                let trello = crate::trello::export_board(&mine, id.as_str());
                Some(BoardFiles {
                    id: id.to_string(),
                    view: serde_json::to_vec_pretty(&view).ok()?,
                    trello: serde_json::to_vec_pretty(&trello).ok()?,
                })
            })
            .collect();
        Ok(Some(Box::new(KanbanModule { files })))
    }
}

/// One board's files.
struct BoardFiles {
    id: String,
    view: Vec<u8>,
    trello: Vec<u8>,
}

/// `kanban/boards/<id>.json` and `kanban/boards/<id>.trello.json` for each board the
/// member worked on.
struct KanbanModule {
    files: Vec<BoardFiles>,
}

impl ExportModule for KanbanModule {
    fn module(&self) -> Module {
        Module {
            id: MODULE.into(),
            version: 1,
        }
    }

    fn size_hint(&self) -> u64 {
        self.files
            .iter()
            .map(|f| (f.view.len() + f.trello.len()) as u64)
            .sum()
    }

    fn export(&self, files: &mut dyn Files) -> Result<(), WriteError> {
        for board in &self.files {
            files.write_file(&format!("{MODULE}/boards/{}.json", board.id), &board.view)?;
            files.write_file(
                &format!("{MODULE}/boards/{}.trello.json", board.id),
                &board.trello,
            )?;
        }
        Ok(())
    }
}
