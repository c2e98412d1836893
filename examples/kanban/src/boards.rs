//! The kanban use cases: a member asks, the consent engine decides under the co-op's
//! data policy (and the decision goes into the audit journal), the board decides, and
//! its stream records.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Instant;

use andel_consent::{
    Action, Decision, MemberId, Owners, Principal, Purpose, Request, Resource, ResourceId,
    ResourceKind,
};
use andel_http::axum::body::Bytes;
use andel_journal::{AuthorId, Stored, StoredError, StreamId, Timestamp};
use andel_service::{Coop, ServiceError};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;

use crate::board::{Board, BoardCommand, BoardEvent, BoardView, Invalid, Refusal};

/// The prefix of every board's journal stream: `kanban.board.<id>`.
pub const BOARD_PREFIX: &str = "kanban.board.";

/// The name the service asks the consent engine under, and records accesses as.
pub const SERVICE: &str = "kanban";

/// A board's id: 1 to 32 lowercase letters, digits and dashes, chosen at random when a
/// board is created (`3f9c0a17d2e4b6a8`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BoardId(String);

impl BoardId {
    /// A new random id.
    ///
    /// # Errors
    ///
    /// When the system has no randomness to give.
    pub fn random() -> Result<Self, KanbanError> {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes)
            .map_err(|err| KanbanError::from(ServiceError::Refused(err.to_string())))?;
        Ok(BoardId(bytes.iter().map(|b| format!("{b:02x}")).collect()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The board's journal stream.
    ///
    /// # Errors
    ///
    /// Never for a valid id; the journal's own check still runs.
    pub fn stream(&self) -> Result<StreamId, KanbanError> {
        StreamId::new(format!("{BOARD_PREFIX}{}", self.0))
            .map_err(|err| KanbanError::from(ServiceError::from(err)))
    }
}

impl FromStr for BoardId {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let ok = !text.is_empty()
            && text.len() <= 32
            && text
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if ok {
            Ok(BoardId(text.to_owned()))
        } else {
            Err(format!(
                "`{text}` is not a board id: 1 to 32 lowercase letters, digits and dashes"
            ))
        }
    }
}

impl TryFrom<String> for BoardId {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        text.parse()
    }
}

impl From<BoardId> for String {
    fn from(id: BoardId) -> String {
        id.0
    }
}

impl fmt::Display for BoardId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A board in the list of a member's boards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BoardSummary {
    /// Its id.
    #[schema(value_type = String)]
    pub id: BoardId,
    /// Its title.
    pub title: String,
    /// Its owner.
    #[schema(value_type = String)]
    pub owner: MemberId,
    /// Whether it is archived.
    pub archived: bool,
}

/// Why a kanban use case did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum KanbanError {
    /// No board with that id in this co-op.
    #[error("there is no board `{board}` in this co-op")]
    NoBoard {
        /// The id asked for.
        board: BoardId,
    },
    /// The co-op's data policy does not allow it; the decision is in the audit journal.
    #[error("{explanation}")]
    Denied {
        /// The decision's own sentence.
        explanation: String,
    },
    /// A member the co-op does not hold as admitted.
    #[error("there is no admitted member {member} in this co-op")]
    NotInCoop {
        /// The member asked for.
        member: MemberId,
    },
    /// The board refused the change.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The board's stream holds an entry that is not a board event.
    #[error("board `{board}` cannot be read: {reason}")]
    Broken {
        /// The board.
        board: BoardId,
        /// What is wrong.
        reason: String,
    },
    /// The application layer or the store failed.
    #[error(transparent)]
    Service(Box<ServiceError>),
}

impl From<ServiceError> for KanbanError {
    fn from(err: ServiceError) -> Self {
        KanbanError::Service(Box::new(err))
    }
}

type BoardStoredError = StoredError<Refusal, Invalid>;

impl KanbanError {
    fn stored(board: &BoardId, err: BoardStoredError) -> Self {
        match err {
            StoredError::Decide(refusal) => KanbanError::Refused(refusal),
            StoredError::Store(err) => KanbanError::from(ServiceError::from(err)),
            other => KanbanError::Broken {
                board: board.clone(),
                reason: other.to_string(),
            },
        }
    }
}

/// What a member does, and when: the member, and the time by the service's clock.
#[derive(Debug, Clone)]
pub struct Actor {
    /// Who.
    pub member: MemberId,
    /// When.
    pub at: Timestamp,
}

impl Actor {
    fn author(&self) -> Option<AuthorId> {
        AuthorId::new(format!("member.{}", self.member)).ok()
    }

    fn now(&self) -> DateTime<Utc> {
        self.at.as_datetime()
    }
}

/// The co-op's boards, each kept open and caught up with its stream.
pub struct Boards {
    coop: Arc<Coop>,
    open: Mutex<HashMap<BoardId, Arc<Mutex<OpenBoard>>>>,
}

impl fmt::Debug for Boards {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Boards")
            .field("coop", &self.coop.tenant())
            .finish_non_exhaustive()
    }
}

/// A board kept open, and when its last catch-up with the store began.
struct OpenBoard {
    stored: Stored<Board>,
    caught_up: Option<Instant>,
    /// The board as last drawn for readers, without and with what is archived: drawn
    /// again only once the board has changed.
    drawn: [Option<Arc<Drawn>>; 2],
}

/// A board drawn for readers who may see all of it: its view and that view's JSON,
/// as of the entry before `next_seq`, with what the consent engine is asked about it.
#[derive(Debug)]
struct Drawn {
    next_seq: u64,
    view: BoardView,
    json: Bytes,
    /// The board as a resource.
    resource: Resource,
    /// The members whose data it holds ([`Board::contributors`]).
    contributors: BTreeSet<MemberId>,
}

impl OpenBoard {
    /// The board with everything recorded before `asked` (here or by another process),
    /// caught up unless a catch-up that began after `asked` already brought it: readers
    /// that queue for one board share one read of the store.
    async fn fresh(
        &mut self,
        id: &BoardId,
        asked: Instant,
    ) -> Result<&mut Stored<Board>, KanbanError> {
        if self.caught_up.is_none_or(|at| at < asked) {
            let started = Instant::now();
            self.stored
                .catch_up()
                .await
                .map_err(|err| KanbanError::stored(id, err))?;
            self.caught_up = Some(started);
        }
        Ok(&mut self.stored)
    }

    /// The board as `fresh` has it, drawn with or without what is archived: the drawing
    /// kept from before when the board has not changed since.
    async fn drawn(
        &mut self,
        id: &BoardId,
        asked: Instant,
        archived: bool,
    ) -> Result<Arc<Drawn>, KanbanError> {
        let next_seq = self.fresh(id, asked).await?.next_seq();
        let slot = &mut self.drawn[usize::from(archived)];
        if let Some(drawn) = slot.as_ref().filter(|d| d.next_seq == next_seq) {
            return Ok(Arc::clone(drawn));
        }
        let view = view(id, self.stored.state(), archived)?;
        let json = Bytes::from(
            serde_json::to_vec(&view).map_err(|err| KanbanError::Broken {
                board: id.clone(),
                reason: format!("its view cannot be written as JSON: {err}"),
            })?,
        );
        let board = self.stored.state();
        let drawn = Arc::new(Drawn {
            next_seq,
            view,
            json,
            resource: board_resource(id, board)?,
            contributors: board.contributors(),
        });
        *slot = Some(Arc::clone(&drawn));
        Ok(drawn)
    }
}

/// How a command touches a board: which resource the consent engine is asked about.
enum Touches {
    /// The board itself (its title, members, lists, labels; adding cards and comments).
    Board(Action),
    /// One card (editing, moving, labelling, checklists, attachments).
    Card(crate::board::CardId),
}

impl Boards {
    /// The boards of `coop`.
    pub fn new(coop: Arc<Coop>) -> Self {
        Boards {
            coop,
            open: Mutex::new(HashMap::new()),
        }
    }

    /// The co-op.
    pub fn coop(&self) -> &Arc<Coop> {
        &self.coop
    }

    /// The boards `actor` works on (owner or shared with), archived ones only when
    /// asked.
    ///
    /// # Errors
    ///
    /// A store failure, or a board stream that does not read.
    pub async fn list(
        &self,
        actor: &Actor,
        archived: bool,
    ) -> Result<Vec<BoardSummary>, KanbanError> {
        let asked = Instant::now();
        let mut found = Vec::new();
        for id in self.ids().await? {
            let handle = self.handle(&id).await?;
            let mut open = handle.lock().await;
            let stored = open.fresh(&id, asked).await?;
            let board = stored.state();
            if !board.has_member(&actor.member) || (board.is_archived() && !archived) {
                continue;
            }
            if let Some(owner) = board.owner() {
                found.push(BoardSummary {
                    id: id.clone(),
                    title: board.title().to_owned(),
                    owner: owner.clone(),
                    archived: board.is_archived(),
                });
            }
        }
        Ok(found)
    }

    /// Every board `member` owns, was shared or wrote on, as it is now: their share
    /// of the service, for their archive.
    ///
    /// # Errors
    ///
    /// A store failure, or a board stream that does not read.
    pub async fn worked_on_by(
        &self,
        member: &MemberId,
    ) -> Result<Vec<(BoardId, Board)>, KanbanError> {
        let asked = Instant::now();
        let mut found = Vec::new();
        for id in self.ids().await? {
            let handle = self.handle(&id).await?;
            let mut open = handle.lock().await;
            let stored = open.fresh(&id, asked).await?;
            let board = stored.state();
            if board.has_member(member) || board.contributors().contains(member) {
                found.push((id.clone(), board.clone()));
            }
        }
        Ok(found)
    }

    /// Creates a board owned by `actor`.
    ///
    /// # Errors
    ///
    /// A title the board refuses, a policy that does not let members create boards, or
    /// a store failure.
    pub async fn create(&self, actor: &Actor, title: String) -> Result<BoardView, KanbanError> {
        let id = BoardId::random()?;
        let resource = Resource::new(
            kind("board")?,
            resource_id(&id)?,
            Owners::one(actor.member.clone()),
        );
        self.require(actor, Action::Write, resource).await?;
        let handle = self.handle(&id).await?;
        let mut open = handle.lock().await;
        let stored = &mut open.stored;
        let command = BoardCommand::Create {
            title,
            by: actor.member.clone(),
        };
        stored
            .execute(command, actor.now(), actor.at, actor.author())
            .await
            .map_err(|err| KanbanError::stored(&id, err))?;
        view(&id, stored.state(), false)
    }

    /// Imports `plan` as a new board owned by `actor`, or into the board imported from
    /// the same origin before (adding only what it lacks). The board's id.
    ///
    /// # Errors
    ///
    /// As [`Boards::create`], and what the board refuses in the plan.
    pub async fn import(
        &self,
        actor: &Actor,
        plan: crate::board::ImportPlan,
    ) -> Result<(BoardId, usize), KanbanError> {
        let asked = Instant::now();
        let existing = self.find_origin(&plan.origin).await?;
        let id = match existing {
            Some(id) => id,
            None => BoardId::random()?,
        };
        let handle = self.handle(&id).await?;
        let mut open = handle.lock().await;
        let stored = open.fresh(&id, asked).await?;
        let resource = if stored.state().exists() {
            board_resource(&id, stored.state())?
        } else {
            Resource::new(
                kind("board")?,
                resource_id(&id)?,
                Owners::one(actor.member.clone()),
            )
        };
        self.require(actor, Action::Write, resource).await?;
        let events = stored
            .execute(
                BoardCommand::Import(Box::new(plan)),
                actor.now(),
                actor.at,
                actor.author(),
            )
            .await
            .map_err(|err| KanbanError::stored(&id, err))?;
        Ok((id, events.len()))
    }

    /// The board as `actor` may see it: the board needs the policy's leave to read it,
    /// and each contributor's cards, comments and attachments their own (those the
    /// policy does not let `actor` read are left out). Every decision is recorded.
    ///
    /// # Errors
    ///
    /// No such board, one `actor` may not read, or a store failure.
    pub async fn view(
        &self,
        actor: &Actor,
        id: &BoardId,
        archived: bool,
    ) -> Result<BoardView, KanbanError> {
        let (drawn, readable) = self.drawn_for(actor, id, archived).await?;
        Ok(match readable {
            Readable::All => drawn.view.clone(),
            Readable::Only(readable) => drawn.view.only(&readable),
        })
    }

    /// [`Boards::view`] as the JSON the API answers with: for a reader who may see the
    /// whole board, the JSON drawn once for every such reader since the board last
    /// changed.
    ///
    /// # Errors
    ///
    /// As [`Boards::view`].
    pub async fn view_json(
        &self,
        actor: &Actor,
        id: &BoardId,
        archived: bool,
    ) -> Result<Bytes, KanbanError> {
        let (drawn, readable) = self.drawn_for(actor, id, archived).await?;
        match readable {
            Readable::All => Ok(drawn.json.clone()),
            Readable::Only(readable) => serde_json::to_vec(&drawn.view.only(&readable))
                .map(Bytes::from)
                .map_err(|err| KanbanError::Broken {
                    board: id.clone(),
                    reason: format!("its view cannot be written as JSON: {err}"),
                }),
        }
    }

    /// The board drawn, and whose contributions `actor` may read in it. The board is
    /// drawn under its lock, and the decisions taken after it is released, so that
    /// readers never wait on each other's audit records.
    async fn drawn_for(
        &self,
        actor: &Actor,
        id: &BoardId,
        archived: bool,
    ) -> Result<(Arc<Drawn>, Readable), KanbanError> {
        let asked = Instant::now();
        let drawn = {
            let handle = self.existing(id).await?;
            let mut open = handle.lock().await;
            open.drawn(id, asked, archived).await?
        };
        let resource = drawn.resource.clone();
        let readable = self
            .decide_contributors(actor, id, Action::Read, resource, &drawn.contributors)
            .await?;
        let readable = if readable == drawn.contributors {
            Readable::All
        } else {
            Readable::Only(readable)
        };
        Ok((drawn, readable))
    }

    /// The board as it is, for export: with the policy's leave to export the board,
    /// and only the contributors whose data `actor` may export.
    ///
    /// # Errors
    ///
    /// As [`Boards::view`].
    pub async fn for_export(
        &self,
        actor: &Actor,
        id: &BoardId,
    ) -> Result<(Board, BTreeSet<MemberId>), KanbanError> {
        self.readable(actor, id, Action::Export).await
    }

    /// Carries out `command` on board `id` for `actor`, with the policy's leave.
    /// The events recorded (none when nothing changed).
    ///
    /// # Errors
    ///
    /// No such board, one the policy does not let `actor` change, the board's refusal,
    /// or a store failure.
    pub async fn execute(
        &self,
        actor: &Actor,
        id: &BoardId,
        command: BoardCommand,
    ) -> Result<(Vec<BoardEvent>, BoardView), KanbanError> {
        let asked = Instant::now();
        let handle = self.existing(id).await?;
        let mut open = handle.lock().await;
        let stored = open.fresh(id, asked).await?;
        let board = stored.state();
        if !board.exists() {
            return Err(KanbanError::NoBoard { board: id.clone() });
        }
        let resource = match touches(&command) {
            Touches::Board(action) => (action, board_resource(id, board)?),
            Touches::Card(card) => (Action::Write, card_resource(id, board, card)?),
        };
        self.require(actor, resource.0, resource.1).await?;
        let events = stored
            .execute(command, actor.now(), actor.at, actor.author())
            .await
            .map_err(|err| KanbanError::stored(id, err))?;
        Ok((events, view(id, stored.state(), false)?))
    }

    /// The board and the contributors whose data `actor` may `action`, after the
    /// policy's leave for the board itself.
    async fn readable(
        &self,
        actor: &Actor,
        id: &BoardId,
        action: Action,
    ) -> Result<(Board, BTreeSet<MemberId>), KanbanError> {
        let asked = Instant::now();
        let handle = self.existing(id).await?;
        let board = {
            let mut open = handle.lock().await;
            let stored = open.fresh(id, asked).await?;
            stored.state().clone()
        };
        let resource = board_resource(id, &board)?;
        let readable = self
            .decide_contributors(actor, id, action, resource, &board.contributors())
            .await?;
        Ok((board, readable))
    }

    /// Asks the consent engine once for the board (`resource`) and once for each
    /// contributor's data on it, recording every decision: the contributors whose data
    /// `actor` may `action`, or [`KanbanError::Denied`] when the board itself is refused.
    async fn decide_contributors(
        &self,
        actor: &Actor,
        id: &BoardId,
        action: Action,
        resource: Resource,
        contributors: &BTreeSet<MemberId>,
    ) -> Result<BTreeSet<MemberId>, KanbanError> {
        let shared_with = resource.shared().clone();
        let mut requests = vec![self.request(actor, action, resource)];
        for member in contributors {
            let mut cards = Resource::new(
                kind("cards")?,
                resource_id_of(&format!("{id}.{member}"))?,
                Owners::one(member.clone()),
            )
            .in_parent(kind("board")?, resource_id(id)?);
            for other in &shared_with {
                cards = cards.shared_with(other.clone());
            }
            requests.push(self.request(actor, action, cards));
        }
        let decisions = self
            .coop
            .decide_accesses(&requests, actor.at, actor.author())
            .await?;
        let mut decisions = decisions.into_iter();
        let board_decision = decisions
            .next()
            .ok_or_else(|| ServiceError::Refused("no decision was taken".into()))?;
        if !board_decision.allowed {
            return Err(denied(board_decision));
        }
        Ok(contributors
            .iter()
            .zip(decisions)
            .filter(|(_, decision)| decision.allowed)
            .map(|(member, _)| member.clone())
            .collect())
    }

    async fn require(
        &self,
        actor: &Actor,
        action: Action,
        resource: Resource,
    ) -> Result<(), KanbanError> {
        let request = self.request(actor, action, resource);
        let decision = self
            .coop
            .decide_access(&request, actor.at, actor.author())
            .await?;
        if decision.allowed {
            Ok(())
        } else {
            Err(denied(decision))
        }
    }

    fn request(&self, actor: &Actor, action: Action, resource: Resource) -> Request {
        Request {
            principal: Principal::member(actor.member.clone()),
            action,
            resource,
            purpose: Purpose::ServiceProvision,
            at: actor.now(),
            aggregate_of: None,
        }
    }

    /// Refuses a member the ledger does not hold as admitted today: a board is shared
    /// only with the co-op's members.
    ///
    /// # Errors
    ///
    /// [`KanbanError::NotInCoop`] naming the member, or a store failure.
    pub async fn require_member(&self, member: &MemberId) -> Result<(), KanbanError> {
        let today = chrono::Utc::now().date_naive();
        if self.coop.is_admitted(member, today).await? {
            Ok(())
        } else {
            Err(KanbanError::NotInCoop {
                member: member.clone(),
            })
        }
    }

    /// The ids of every board in the co-op, from its stream names.
    async fn ids(&self) -> Result<Vec<BoardId>, KanbanError> {
        Ok(self
            .coop
            .streams()
            .await?
            .iter()
            .filter_map(|stream| stream.as_str().strip_prefix(BOARD_PREFIX)?.parse().ok())
            .collect())
    }

    async fn find_origin(
        &self,
        origin: &crate::board::Origin,
    ) -> Result<Option<BoardId>, KanbanError> {
        let asked = Instant::now();
        for id in self.ids().await? {
            let handle = self.handle(&id).await?;
            let mut open = handle.lock().await;
            let stored = open.fresh(&id, asked).await?;
            if stored.state().has_origin(origin) {
                return Ok(Some(id));
            }
        }
        Ok(None)
    }

    /// The open board, opened if need be (a board not created yet is an empty one).
    async fn handle(&self, id: &BoardId) -> Result<Arc<Mutex<OpenBoard>>, KanbanError> {
        let mut open = self.open.lock().await;
        if let Some(handle) = open.get(id) {
            return Ok(Arc::clone(handle));
        }
        let stored = Stored::open(Arc::clone(self.coop.journal()), id.stream()?)
            .await
            .map_err(|err| KanbanError::stored(id, err))?;
        let handle = Arc::new(Mutex::new(OpenBoard {
            stored,
            caught_up: None,
            drawn: [None, None],
        }));
        open.insert(id.clone(), Arc::clone(&handle));
        Ok(handle)
    }

    /// The open board, which must have been created (here or by another process).
    async fn existing(&self, id: &BoardId) -> Result<Arc<Mutex<OpenBoard>>, KanbanError> {
        if let Some(handle) = self.open.lock().await.get(id) {
            // Opened before: whether it exists is the state's to say, once caught up.
            return Ok(Arc::clone(handle));
        }
        let head = self
            .coop
            .journal()
            .head(&id.stream()?)
            .await
            .map_err(ServiceError::from)?;
        if head.next_seq() == 0 {
            return Err(KanbanError::NoBoard { board: id.clone() });
        }
        self.handle(id).await
    }
}

fn denied(decision: Decision) -> KanbanError {
    KanbanError::Denied {
        explanation: decision.explanation,
    }
}

fn touches(command: &BoardCommand) -> Touches {
    use BoardCommand as C;
    match command {
        C::EditCard { card, .. }
        | C::MoveCard { card, .. }
        | C::ArchiveCard { card, .. }
        | C::LabelCard { card, .. }
        | C::AssignCard { card, .. }
        | C::AddChecklist { card, .. }
        | C::Attach { card, .. } => Touches::Card(*card),
        C::ArchiveBoard { .. } | C::RemoveMember { .. } => Touches::Board(Action::Delete),
        _ => Touches::Board(Action::Write),
    }
}

fn kind(name: &str) -> Result<ResourceKind, KanbanError> {
    name.parse()
        .map_err(|err: andel_consent::NameError| ServiceError::Refused(err.to_string()).into())
}

fn resource_id(id: &BoardId) -> Result<ResourceId, KanbanError> {
    resource_id_of(id.as_str())
}

fn resource_id_of(text: &str) -> Result<ResourceId, KanbanError> {
    text.parse()
        .map_err(|err: andel_consent::NameError| ServiceError::Refused(err.to_string()).into())
}

/// `resource`, shared with everyone on `board`.
fn shared(resource: Resource, board: &Board) -> Resource {
    board
        .owner()
        .into_iter()
        .chain(board.members())
        .fold(resource, |resource, member| {
            resource.shared_with(member.clone())
        })
}

/// The board as a resource: its owner's, shared with its members.
fn board_resource(id: &BoardId, board: &Board) -> Result<Resource, KanbanError> {
    let owner = board
        .owner()
        .cloned()
        .ok_or(KanbanError::NoBoard { board: id.clone() })?;
    Ok(shared(
        Resource::new(kind("board")?, resource_id(id)?, Owners::one(owner)),
        board,
    ))
}

/// A card as a resource: its author's, in its list and board, shared with the board's
/// members.
fn card_resource(
    id: &BoardId,
    board: &Board,
    card: crate::board::CardId,
) -> Result<Resource, KanbanError> {
    let found = board.card(card).ok_or(Refusal::Unknown {
        what: crate::board::CardId::WHAT,
        id: card.0,
    })?;
    let resource = Resource::new(
        kind("card")?,
        resource_id_of(&format!("{id}.{card}"))?,
        Owners::one(found.author.clone()),
    )
    .in_parent(
        kind("list")?,
        resource_id_of(&format!("{id}.{}", found.list))?,
    )
    .in_parent(kind("board")?, resource_id(id)?);
    Ok(shared(resource, board))
}

/// Whose contributions to a board a reader may see.
enum Readable {
    /// Everyone's.
    All,
    /// Only these members'.
    Only(BTreeSet<MemberId>),
}

fn view(id: &BoardId, board: &Board, archived: bool) -> Result<BoardView, KanbanError> {
    board
        .view(id.as_str(), archived)
        .ok_or(KanbanError::NoBoard { board: id.clone() })
}
