//! The kanban JSON API: each handler parses, calls one use case of [`Boards`] and
//! answers. Mounted beside the routes every co-op service has ([`andel_http::router`]).

use std::collections::BTreeMap;
use std::sync::Arc;

use andel_consent::MemberId;
use andel_http::axum::extract::{FromRef, State};
use andel_http::axum::http::{StatusCode, header};
use andel_http::axum::response::{IntoResponse, Response};
use andel_http::axum::routing::{get, patch, post, put};
use andel_http::axum::{Json, Router};
use andel_http::{App, Body, PathParams, Problem, QueryParams, SignedInMember};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use crate::board::{
    BoardCommand, BoardView, CardId, ChecklistId, ItemId, LabelId, ListId, Refusal,
};
use crate::trello::{ImportReport, MemberMap};
use crate::{Actor, BoardId, BoardSummary, Boards, KanbanError};

/// What the kanban handlers share: the co-op's web app and its boards.
#[derive(Clone)]
pub struct Kanban {
    /// The co-op's web app (sign-in, the member's own pages).
    pub http: App,
    /// The co-op's boards.
    pub boards: Arc<Boards>,
}

impl FromRef<Kanban> for App {
    fn from_ref(kanban: &Kanban) -> App {
        kanban.http.clone()
    }
}

/// The kanban routes and their documentation.
#[derive(OpenApi)]
#[openapi(
    paths(
        boards, create_board, board, change_board, share_board, add_label, add_list,
        change_list, add_card, change_card, move_card, label_card, unlabel_card,
        add_checklist, add_item, tick_item, comment, attach, import_trello, export_trello
    ),
    components(schemas(
        BoardSummary, BoardView, NewBoard, BoardChange, Share, NewLabel, NewList, ListChange,
        NewCard, CardChange, Move, NewChecklist, NewItem, Tick, NewComment, NewAttachment,
        TrelloImport, Imported, ImportReport
    )),
    tags((name = "boards", description = "Boards, lists and cards"))
)]
pub struct KanbanApi;

/// The whole service: the routes every co-op service mounts, the kanban API, and the
/// web page.
pub fn app(kanban: Kanban) -> Router {
    let http = kanban.http.clone().with_api(KanbanApi::openapi());
    let kanban = Kanban {
        http: http.clone(),
        ..kanban
    };
    let api = Router::new()
        .route("/api/boards", get(boards).post(create_board))
        .route("/api/boards/import/trello", post(import_trello))
        .route("/api/boards/{board}", get(board).patch(change_board))
        .route("/api/boards/{board}/export/trello", get(export_trello))
        .route("/api/boards/{board}/members", post(share_board))
        .route("/api/boards/{board}/labels", post(add_label))
        .route("/api/boards/{board}/lists", post(add_list))
        .route("/api/boards/{board}/lists/{list}", patch(change_list))
        .route("/api/boards/{board}/lists/{list}/cards", post(add_card))
        .route("/api/boards/{board}/cards/{card}", patch(change_card))
        .route("/api/boards/{board}/cards/{card}/move", post(move_card))
        .route(
            "/api/boards/{board}/cards/{card}/labels/{label}",
            put(label_card).delete(unlabel_card),
        )
        .route(
            "/api/boards/{board}/cards/{card}/checklists",
            post(add_checklist),
        )
        .route(
            "/api/boards/{board}/checklists/{checklist}/items",
            post(add_item),
        )
        .route("/api/boards/{board}/items/{item}", patch(tick_item))
        .route("/api/boards/{board}/cards/{card}/comments", post(comment))
        .route("/api/boards/{board}/cards/{card}/attachments", post(attach))
        .layer(andel_http::axum::extract::DefaultBodyLimit::max(
            crate::trello::MAX_EXPORT_BYTES + 64 * 1024,
        ))
        .with_state(kanban);
    crate::page::routes()
        .merge(api)
        .merge(andel_http::router(http))
}

impl From<KanbanError> for Problem {
    fn from(err: KanbanError) -> Problem {
        match err {
            KanbanError::NoBoard { .. } => Problem::not_found(err.to_string()),
            KanbanError::NotInCoop { .. } => {
                Problem::new(422, "not-a-member", "No such member", err.to_string())
            }
            KanbanError::Refused(Refusal::Unknown { .. } | Refusal::NotCreated) => {
                Problem::not_found(err.to_string())
            }
            KanbanError::Refused(refusal) => Problem::new(
                422,
                "board-refused",
                "The board refused the change",
                refusal.to_string(),
            ),
            KanbanError::Denied { explanation } => Problem::new(
                403,
                "denied",
                "The co-op's data policy does not allow this",
                explanation,
            ),
            KanbanError::Broken { .. } => {
                tracing::error!(%err, "a board does not read");
                Problem::new(
                    500,
                    "internal",
                    "The service failed",
                    "see the server's log",
                )
            }
            KanbanError::Service(err) => Problem::from(*err),
        }
    }
}

/// The member in force who asks, now.
fn actor(kanban: &Kanban, member: &SignedInMember, what: &str) -> Result<Actor, Problem> {
    member.require_in_force(what)?;
    Ok(Actor {
        member: member.member_id()?,
        at: kanban.http.now()?,
    })
}

fn board_id(text: &str) -> Result<BoardId, Problem> {
    text.parse().map_err(Problem::not_found)
}

/// Runs `command` on the board in the path, answering with the board after it.
async fn run(
    kanban: &Kanban,
    member: &SignedInMember,
    board: &str,
    command: BoardCommand,
) -> Result<Json<BoardView>, Problem> {
    let actor = actor(kanban, member, "change boards")?;
    let (_, view) = kanban
        .boards
        .execute(&actor, &board_id(board)?, command)
        .await?;
    Ok(Json(view))
}

/// Whether to show archived boards, lists and cards too.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct Archived {
    /// `true` to show archived ones too.
    #[serde(default)]
    pub archived: bool,
}

/// The boards the member works on.
#[utoipa::path(get, path = "/api/boards", tag = "boards", params(Archived),
    responses((status = 200, body = Vec<BoardSummary>), (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn boards(
    State(kanban): State<Kanban>,
    member: SignedInMember,
    QueryParams(query): QueryParams<Archived>,
) -> Result<Json<Vec<BoardSummary>>, Problem> {
    let actor = actor(&kanban, &member, "use the boards")?;
    Ok(Json(kanban.boards.list(&actor, query.archived).await?))
}

/// A new board.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBoard {
    /// Its title.
    pub title: String,
}

/// Creates a board owned by the member.
#[utoipa::path(post, path = "/api/boards", tag = "boards", request_body = NewBoard,
    responses((status = 201, body = BoardView), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_board(
    State(kanban): State<Kanban>,
    member: SignedInMember,
    Body(new): Body<NewBoard>,
) -> Result<(StatusCode, Json<BoardView>), Problem> {
    let actor = actor(&kanban, &member, "create boards")?;
    let view = kanban.boards.create(&actor, new.title).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// A board, as far as the co-op's data policy lets the member see it.
#[utoipa::path(get, path = "/api/boards/{board}", tag = "boards",
    params(("board" = String, Path, description = "The board's id"), Archived),
    responses((status = 200, body = BoardView), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn board(
    State(kanban): State<Kanban>,
    member: SignedInMember,
    PathParams(board): PathParams<String>,
    QueryParams(query): QueryParams<Archived>,
) -> Result<Response, Problem> {
    let actor = actor(&kanban, &member, "use the boards")?;
    let json = kanban
        .boards
        .view_json(&actor, &board_id(&board)?, query.archived)
        .await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], json).into_response())
}

/// A change to a board: its title, or whether it is archived.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BoardChange {
    /// A new title.
    pub title: Option<String>,
    /// `true` to archive, `false` to restore.
    pub archived: Option<bool>,
}

/// Renames, archives or restores a board.
#[utoipa::path(patch, path = "/api/boards/{board}", tag = "boards", request_body = BoardChange,
    params(("board" = String, Path, description = "The board's id")),
    responses((status = 200, body = BoardView), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn change_board(
    State(kanban): State<Kanban>,
    member: SignedInMember,
    PathParams(board): PathParams<String>,
    Body(change): Body<BoardChange>,
) -> Result<Json<BoardView>, Problem> {
    let mut answer = None;
    if let Some(archived) = change.archived {
        answer = Some(
            run(
                &kanban,
                &member,
                &board,
                BoardCommand::ArchiveBoard { archived },
            )
            .await?,
        );
    }
    if let Some(title) = change.title {
        answer = Some(run(&kanban, &member, &board, BoardCommand::Rename { title }).await?);
    }
    match answer {
        Some(answer) => Ok(answer),
        None => Err(nothing_to_change()),
    }
}

fn nothing_to_change() -> Problem {
    Problem::new(
        422,
        "invalid-body",
        "The body does not fit",
        "the body changes nothing",
    )
}

/// A member to share a board with.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Share {
    /// Their member number.
    #[schema(value_type = String)]
    pub member: MemberId,
}

/// Shares a board with another member of the co-op.
#[utoipa::path(post, path = "/api/boards/{board}/members", tag = "boards", request_body = Share,
    params(("board" = String, Path, description = "The board's id")),
    responses((status = 200, body = BoardView), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn share_board(
    State(kanban): State<Kanban>,
    member: SignedInMember,
    PathParams(board): PathParams<String>,
    Body(share): Body<Share>,
) -> Result<Json<BoardView>, Problem> {
    kanban.boards.require_member(&share.member).await?;
    run(
        &kanban,
        &member,
        &board,
        BoardCommand::AddMember {
            member: share.member,
        },
    )
    .await
}

/// A new label.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLabel {
    /// Its name (may be empty).
    #[serde(default)]
    pub name: String,
    /// Its colour.
    pub color: String,
}

/// Adds a label to a board.
#[utoipa::path(post, path = "/api/boards/{board}/labels", tag = "boards", request_body = NewLabel,
    params(("board" = String, Path, description = "The board's id")),
    responses((status = 200, body = BoardView), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn add_label(
    State(kanban): State<Kanban>,
    member: SignedInMember,
    PathParams(board): PathParams<String>,
    Body(new): Body<NewLabel>,
) -> Result<Json<BoardView>, Problem> {
    let command = BoardCommand::AddLabel {
        name: new.name,
        color: new.color,
    };
    run(&kanban, &member, &board, command).await
}

/// A new list.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewList {
    /// Its title.
    pub title: String,
}

/// Adds a list at the end of a board.
#[utoipa::path(post, path = "/api/boards/{board}/lists", tag = "boards", request_body = NewList,
    params(("board" = String, Path, description = "The board's id")),
    responses((status = 201, body = BoardView), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn add_list(
    State(kanban): State<Kanban>,
    member: SignedInMember,
    PathParams(board): PathParams<String>,
    Body(new): Body<NewList>,
) -> Result<(StatusCode, Json<BoardView>), Problem> {
    let view = run(
        &kanban,
        &member,
        &board,
        BoardCommand::AddList { title: new.title },
    )
    .await?;
    Ok((StatusCode::CREATED, view))
}

/// A change to a list.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ListChange {
    /// A new title.
    pub title: Option<String>,
    /// `true` to archive, `false` to restore.
    pub archived: Option<bool>,
    /// A new place among the board's lists, from 0.
    pub index: Option<u32>,
}

/// Renames, moves, archives or restores a list.
#[utoipa::path(patch, path = "/api/boards/{board}/lists/{list}", tag = "boards", request_body = ListChange,
    params(("board" = String, Path, description = "The board's id"), ("list" = u32, Path, description = "The list's id")),
    responses((status = 200, body = BoardView), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn change_list(
    State(kanban): State<Kanban>,
    member: SignedInMember,
    PathParams((board, list)): PathParams<(String, u32)>,
    Body(change): Body<ListChange>,
) -> Result<Json<BoardView>, Problem> {
    let list = ListId(list);
    let mut commands = Vec::new();
    if let Some(archived) = change.archived.filter(|archived| !archived) {
        commands.push(BoardCommand::ArchiveList { list, archived });
    }
    if let Some(title) = change.title {
        commands.push(BoardCommand::RenameList { list, title });
    }
    if let Some(index) = change.index {
        commands.push(BoardCommand::MoveList { list, index });
    }
    if let Some(archived) = change.archived.filter(|archived| *archived) {
        commands.push(BoardCommand::ArchiveList { list, archived });
    }
    run_all(&kanban, &member, &board, commands).await
}

async fn run_all(
    kanban: &Kanban,
    member: &SignedInMember,
    board: &str,
    commands: Vec<BoardCommand>,
) -> Result<Json<BoardView>, Problem> {
    let mut answer = None;
    for command in commands {
        answer = Some(run(kanban, member, board, command).await?);
    }
    answer.ok_or_else(nothing_to_change)
}

/// A new card.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCard {
    /// Its title.
    pub title: String,
    /// Its description.
    #[serde(default)]
    pub description: String,
    /// When it is due (`2027-04-01`).
    #[schema(value_type = Option<String>, format = Date)]
    #[serde(default)]
    pub due: Option<NaiveDate>,
}

/// Adds a card at the end of a list, owned by the member who writes it.
#[utoipa::path(post, path = "/api/boards/{board}/lists/{list}/cards", tag = "boards", request_body = NewCard,
    params(("board" = String, Path, description = "The board's id"), ("list" = u32, Path, description = "The list's id")),
    responses((status = 201, body = BoardView), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn add_card(
    State(kanban): State<Kanban>,
    member: SignedInMember,
    PathParams((board, list)): PathParams<(String, u32)>,
    Body(new): Body<NewCard>,
) -> Result<(StatusCode, Json<BoardView>), Problem> {
    let command = BoardCommand::AddCard {
        list: ListId(list),
        title: new.title,
        description: new.description,
        due: new.due,
        by: member.member_id()?,
    };
    Ok((
        StatusCode::CREATED,
        run(&kanban, &member, &board, command).await?,
    ))
}

/// A change to a card: its title, description and due date together, or whether it
/// is archived.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CardChange {
    /// Its title.
    pub title: Option<String>,
    /// Its description.
    pub description: Option<String>,
    /// When it is due.
    #[schema(value_type = Option<String>, format = Date)]
    pub due: Option<NaiveDate>,
    /// `true` to archive, `false` to restore.
    pub archived: Option<bool>,
}

/// Edits, archives or restores a card.
#[utoipa::path(patch, path = "/api/boards/{board}/cards/{card}", tag = "boards", request_body = CardChange,
    params(("board" = String, Path, description = "The board's id"), ("card" = u32, Path, description = "The card's id")),
    responses((status = 200, body = BoardView), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn change_card(
    State(kanban): State<Kanban>,
    member: SignedInMember,
    PathParams((board, card)): PathParams<(String, u32)>,
    Body(change): Body<CardChange>,
) -> Result<Json<BoardView>, Problem> {
    let card = CardId(card);
    let mut commands = Vec::new();
    if let Some(archived) = change.archived.filter(|archived| !archived) {
        commands.push(BoardCommand::ArchiveCard { card, archived });
    }
    if let Some(title) = change.title {
        commands.push(BoardCommand::EditCard {
            card,
            title,
            description: change.description.unwrap_or_default(),
            due: change.due,
        });
    } else if change.description.is_some() || change.due.is_some() {
        return Err(Problem::new(
            422,
            "invalid-body",
            "The body does not fit",
            "send the card's title, description and due date together",
        ));
    }
    if let Some(archived) = change.archived.filter(|archived| *archived) {
        commands.push(BoardCommand::ArchiveCard { card, archived });
    }
    run_all(&kanban, &member, &board, commands).await
}

/// Where a card goes.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Move {
    /// The list (its own or another).
    #[schema(value_type = u32)]
    pub list: ListId,
    /// Its place there, from 0, among the list's cards without it.
    pub index: u32,
}

/// Moves a card within its list or to another.
#[utoipa::path(post, path = "/api/boards/{board}/cards/{card}/move", tag = "boards", request_body = Move,
    params(("board" = String, Path, description = "The board's id"), ("card" = u32, Path, description = "The card's id")),
    responses((status = 200, body = BoardView), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn move_card(
    State(kanban): State<Kanban>,
    member: SignedInMember,
    PathParams((board, card)): PathParams<(String, u32)>,
    Body(to): Body<Move>,
) -> Result<Json<BoardView>, Problem> {
    let command = BoardCommand::MoveCard {
        card: CardId(card),
        list: to.list,
        index: to.index,
    };
    run(&kanban, &member, &board, command).await
}

/// Puts a label on a card.
#[utoipa::path(put, path = "/api/boards/{board}/cards/{card}/labels/{label}", tag = "boards",
    params(("board" = String, Path, description = "The board's id"), ("card" = u32, Path, description = "The card's id"), ("label" = u32, Path, description = "The label's id")),
    responses((status = 200, body = BoardView), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn label_card(
    State(kanban): State<Kanban>,
    member: SignedInMember,
    PathParams((board, card, label)): PathParams<(String, u32, u32)>,
) -> Result<Json<BoardView>, Problem> {
    let command = BoardCommand::LabelCard {
        card: CardId(card),
        label: LabelId(label),
        on: true,
    };
    run(&kanban, &member, &board, command).await
}

/// Takes a label off a card.
#[utoipa::path(delete, path = "/api/boards/{board}/cards/{card}/labels/{label}", tag = "boards",
    params(("board" = String, Path, description = "The board's id"), ("card" = u32, Path, description = "The card's id"), ("label" = u32, Path, description = "The label's id")),
    responses((status = 200, body = BoardView), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn unlabel_card(
    State(kanban): State<Kanban>,
    member: SignedInMember,
    PathParams((board, card, label)): PathParams<(String, u32, u32)>,
) -> Result<Json<BoardView>, Problem> {
    let command = BoardCommand::LabelCard {
        card: CardId(card),
        label: LabelId(label),
        on: false,
    };
    run(&kanban, &member, &board, command).await
}

/// A new checklist.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewChecklist {
    /// Its title.
    pub title: String,
}

/// Adds a checklist to a card.
#[utoipa::path(post, path = "/api/boards/{board}/cards/{card}/checklists", tag = "boards", request_body = NewChecklist,
    params(("board" = String, Path, description = "The board's id"), ("card" = u32, Path, description = "The card's id")),
    responses((status = 201, body = BoardView), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn add_checklist(
    State(kanban): State<Kanban>,
    member: SignedInMember,
    PathParams((board, card)): PathParams<(String, u32)>,
    Body(new): Body<NewChecklist>,
) -> Result<(StatusCode, Json<BoardView>), Problem> {
    let command = BoardCommand::AddChecklist {
        card: CardId(card),
        title: new.title,
    };
    Ok((
        StatusCode::CREATED,
        run(&kanban, &member, &board, command).await?,
    ))
}

/// A new checklist item.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewItem {
    /// What is to be done.
    pub text: String,
}

/// Adds an item to a checklist.
#[utoipa::path(post, path = "/api/boards/{board}/checklists/{checklist}/items", tag = "boards", request_body = NewItem,
    params(("board" = String, Path, description = "The board's id"), ("checklist" = u32, Path, description = "The checklist's id")),
    responses((status = 201, body = BoardView), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn add_item(
    State(kanban): State<Kanban>,
    member: SignedInMember,
    PathParams((board, checklist)): PathParams<(String, u32)>,
    Body(new): Body<NewItem>,
) -> Result<(StatusCode, Json<BoardView>), Problem> {
    let command = BoardCommand::AddItem {
        checklist: ChecklistId(checklist),
        text: new.text,
    };
    Ok((
        StatusCode::CREATED,
        run(&kanban, &member, &board, command).await?,
    ))
}

/// Ticking an item.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Tick {
    /// Whether it is done.
    pub done: bool,
}

/// Ticks or unticks a checklist item.
#[utoipa::path(patch, path = "/api/boards/{board}/items/{item}", tag = "boards", request_body = Tick,
    params(("board" = String, Path, description = "The board's id"), ("item" = u32, Path, description = "The item's id")),
    responses((status = 200, body = BoardView), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn tick_item(
    State(kanban): State<Kanban>,
    member: SignedInMember,
    PathParams((board, item)): PathParams<(String, u32)>,
    Body(tick): Body<Tick>,
) -> Result<Json<BoardView>, Problem> {
    let command = BoardCommand::TickItem {
        item: ItemId(item),
        done: tick.done,
    };
    run(&kanban, &member, &board, command).await
}

/// A new comment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewComment {
    /// What the member writes.
    pub text: String,
}

/// Comments on a card; the comment is the member's own.
#[utoipa::path(post, path = "/api/boards/{board}/cards/{card}/comments", tag = "boards", request_body = NewComment,
    params(("board" = String, Path, description = "The board's id"), ("card" = u32, Path, description = "The card's id")),
    responses((status = 201, body = BoardView), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn comment(
    State(kanban): State<Kanban>,
    member: SignedInMember,
    PathParams((board, card)): PathParams<(String, u32)>,
    Body(new): Body<NewComment>,
) -> Result<(StatusCode, Json<BoardView>), Problem> {
    let command = BoardCommand::Comment {
        card: CardId(card),
        text: new.text,
        by: member.member_id()?,
    };
    Ok((
        StatusCode::CREATED,
        run(&kanban, &member, &board, command).await?,
    ))
}

/// A file's metadata to attach.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAttachment {
    /// Its name.
    pub name: String,
    /// Where it is kept (`https://…`).
    pub url: String,
}

/// Attaches a file's metadata (never its bytes) to a card.
#[utoipa::path(post, path = "/api/boards/{board}/cards/{card}/attachments", tag = "boards", request_body = NewAttachment,
    params(("board" = String, Path, description = "The board's id"), ("card" = u32, Path, description = "The card's id")),
    responses((status = 201, body = BoardView), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn attach(
    State(kanban): State<Kanban>,
    member: SignedInMember,
    PathParams((board, card)): PathParams<(String, u32)>,
    Body(new): Body<NewAttachment>,
) -> Result<(StatusCode, Json<BoardView>), Problem> {
    let command = BoardCommand::Attach {
        card: CardId(card),
        name: new.name,
        url: new.url,
        by: member.member_id()?,
    };
    Ok((
        StatusCode::CREATED,
        run(&kanban, &member, &board, command).await?,
    ))
}

/// A Trello board export to import, and whose its members are here.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrelloImport {
    /// The board export, as Trello gives it (Menu, Print and export, Export as JSON).
    #[schema(value_type = Object)]
    pub export: Box<serde_json::value::RawValue>,
    /// Trello member ids or usernames, and the member numbers they are here.
    #[serde(default)]
    #[schema(value_type = BTreeMap<String, String>)]
    pub members: BTreeMap<String, MemberId>,
}

/// What an import did.
#[derive(Debug, Serialize, ToSchema)]
pub struct Imported {
    /// The board it went to.
    #[schema(value_type = String)]
    pub board: BoardId,
    /// How many changes it recorded (none when imported before).
    pub recorded: usize,
    /// What the export held, and what could not be brought.
    pub report: ImportReport,
}

/// Imports a Trello board export as a board the member owns; importing it again adds
/// nothing.
#[utoipa::path(post, path = "/api/boards/import/trello", tag = "boards", request_body = TrelloImport,
    responses((status = 201, body = Imported), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn import_trello(
    State(kanban): State<Kanban>,
    member: SignedInMember,
    Body(import): Body<TrelloImport>,
) -> Result<(StatusCode, Json<Imported>), Problem> {
    let actor = actor(&kanban, &member, "import boards")?;
    let members = MemberMap::from(import.members);
    let (plan, report) =
        crate::trello::plan_import(import.export.get().as_bytes(), &members, &actor.member)
            .map_err(|err| {
                Problem::new(
                    422,
                    "not-a-trello-export",
                    "The file is not a Trello board export",
                    err.to_string(),
                )
            })?;
    let (board, recorded) = kanban.boards.import(&actor, plan).await?;
    Ok((
        StatusCode::CREATED,
        Json(Imported {
            board,
            recorded,
            report,
        }),
    ))
}

/// A board as Trello-shaped JSON, for Wekan, Planka or Trello itself: the data the
/// co-op's policy lets the member export.
#[utoipa::path(get, path = "/api/boards/{board}/export/trello", tag = "boards",
    params(("board" = String, Path, description = "The board's id")),
    responses((status = 200, description = "The board in Trello's export shape", body = Object), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn export_trello(
    State(kanban): State<Kanban>,
    member: SignedInMember,
    PathParams(board): PathParams<String>,
) -> Result<Response, Problem> {
    let actor = actor(&kanban, &member, "export boards")?;
    let id = board_id(&board)?;
    let (board, exportable) = kanban.boards.for_export(&actor, &id).await?;
    let json = crate::trello::export_board(&board.only(&exportable), id.as_str());
    let name = format!("attachment; filename=\"board-{id}.trello.json\"");
    Ok(([(header::CONTENT_DISPOSITION, name)], Json(json)).into_response())
}
