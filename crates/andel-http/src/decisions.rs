//! The member's part in the co-op's decisions, as JSON: the proposals, one as the
//! member may see it, casting a ballot (open or secret, as the proposal is), giving a
//! proxy, checking a secret ballot's receipt, and their delegations. Each handler
//! parses, calls one use case of `andel-service`, and answers.

use std::collections::BTreeSet;

use andel_decisions::{
    Choice, Interim, Mark, Phase, ProposalCommand, ProposalEvent, ProposalOutcome, Secrecy, Spec,
    VoterId,
    delegation::{Delegation, DelegationCommand},
    secret::Receipt,
};
use andel_ledger::MemberNumber;
use andel_service::{BallotPaper, Cast, Found};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::extract::{Body, PathParams};
use crate::session::SignedInMember;
use crate::{App, Problem};

/// One proposal in the co-op's list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProposalSummaryView {
    /// The proposal's id, for `/api/proposals/{id}`.
    pub id: String,
    /// Its title.
    pub title: String,
    /// `motion`, `consent`, `election` or `budget`.
    pub kind: &'static str,
    /// `draft`, `scheduled`, `open`, `closed` or `withdrawn`.
    #[schema(value_type = String, example = "open")]
    pub phase: Phase,
    /// `open` (each ballot recorded with its voter) or `secret` (ballots kept apart
    /// from who cast them, each with a receipt).
    #[schema(value_type = String, example = "open")]
    pub secrecy: Secrecy,
    /// When voting opens (RFC 3339).
    #[schema(value_type = String, format = DateTime)]
    pub opens_at: DateTime<Utc>,
    /// When voting closes (RFC 3339): later than the spec's if the deadline was moved.
    #[schema(value_type = String, format = DateTime)]
    pub closes_at: DateTime<Utc>,
}

/// The electorate a proposal snapshotted when it opened, in sum.
#[derive(Debug, Serialize, ToSchema)]
pub struct ElectorateView {
    /// How many voters.
    pub voters: usize,
    /// Their total weight, as a decimal string.
    pub total_weight: String,
}

/// One proposal as the signed-in member may see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProposalView {
    /// The proposal's id.
    pub id: String,
    /// `draft`, `scheduled`, `open`, `closed` or `withdrawn`.
    #[schema(value_type = String, example = "open")]
    pub phase: Phase,
    /// The text and rules as drafted, in the fields of a spec file (`title`, `body`,
    /// `author`, `kind`, `opens_at`, `closes_at`, `quorum`, `vote_changes`, `reasons`,
    /// `tags`, `proxies_per_holder`, `visibility`, `secrecy`, `enacts`).
    #[schema(value_type = Object)]
    pub spec: Spec,
    /// When voting closes (RFC 3339): later than the spec's if the deadline was moved.
    #[schema(value_type = String, format = DateTime)]
    pub closes_at: DateTime<Utc>,
    /// The electorate snapshotted at the opening, in sum; absent before it opens.
    pub electorate: Option<ElectorateView>,
    /// Whether the member may cast a ballot now.
    pub may_vote: bool,
    /// Why not, when they may not: not open, past the deadline, not in the electorate,
    /// voted already where votes cannot change, or a former member.
    pub why_not: Option<String>,
    /// The direct ballots so far, while voting is open, only where the spec's
    /// `visibility` shows them to this member (`live`, or `after_voting` once they
    /// have voted); never for a secret ballot: `{"choices": {"yes": {"people",
    /// "weight"}, …}, "rankings"}`. Delegations count only at the close.
    #[schema(value_type = Option<Object>)]
    pub interim: Option<Interim>,
    /// The outcome, once closed: the verdict and the count that explains it.
    #[schema(value_type = Option<Object>)]
    pub outcome: Option<ProposalOutcome>,
}

/// A ballot: exactly one of `choice`, `ranking` or `approvals`, as the proposal's kind
/// takes.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BallotRequest {
    /// Motions: `yes`, `no` or `abstain`. Consent decisions: `yes` (consent),
    /// `abstain` (stand aside) or `block` (with a reason).
    #[schema(value_type = Option<String>, example = "yes")]
    pub choice: Option<Choice>,
    /// Elections: candidate indexes (from 0, in the spec's order), most preferred
    /// first; `[]` is a blank ballot.
    pub ranking: Option<Vec<u16>>,
    /// Participatory budgets: the indexes of the projects approved.
    pub approvals: Option<Vec<u16>>,
    /// Why, where the proposal takes reasons (never on a secret ballot).
    pub reason: Option<String>,
    /// The member number of the member whose proxy the signed-in member holds and
    /// votes for; absent to vote for oneself.
    pub proxy_for: Option<u32>,
}

/// What casting a ballot recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct CastView {
    /// The proposal's id.
    pub proposal: String,
    /// `open` or `secret`.
    #[schema(value_type = String, example = "secret")]
    pub secrecy: Secrecy,
    /// A secret ballot's receipt: shown now and never again. The member keeps it to
    /// find their ballot in the box, and in the published list after the close.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "7KQ2-MF3A-0Z9H-4RTX-BC81-PDWE")]
    pub receipt: Option<Receipt>,
    /// An open ballot's events, as the proposal's journal recorded them with the
    /// voter's name (`{"type": "voted", "at", "voter", "choice", "reason"?, "by"?}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    pub recorded: Option<Vec<ProposalEvent>>,
}

/// A member gives their proxy on one proposal.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProxyRequest {
    /// The member number of who will hold it and vote for them.
    pub holder: u32,
}

/// A proxy given.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProxyView {
    /// The proposal's id.
    pub proposal: String,
    /// Who gave it (the signed-in member).
    pub member: String,
    /// Who holds it.
    pub holder: String,
}

/// A secret ballot's receipt to look for.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptRequest {
    /// The receipt as it was shown: six groups of four characters; case, dashes and
    /// `I`, `L`, `O` for `1`, `1`, `0` are forgiven.
    #[schema(value_type = String, example = "7KQ2-MF3A-0Z9H-4RTX-BC81-PDWE")]
    pub receipt: Receipt,
}

/// Where a receipt's ballot was found.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReceiptView {
    /// The proposal's id.
    pub proposal: String,
    /// The receipt, as it is written.
    #[schema(value_type = String)]
    pub receipt: Receipt,
    /// `ballot_box` while voting is open (the ballot waits for the close), or
    /// `published` once closed (the ballot is in the published list).
    pub place: &'static str,
    /// Whether the ballot was counted: it is in the published list whose SHA-256 the
    /// outcome holds.
    pub counted: bool,
    /// The weight the ballot carries, as a decimal string.
    pub weight: String,
    /// What the ballot says, in the shape of a ballot's body: `{"choice": "yes"}`,
    /// `{"ranking": [2, 0]}` or `{"approvals": [1]}`.
    #[schema(value_type = Object)]
    pub mark: Mark,
}

/// A delegation to give: to whom, on which topics, until when.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GiveDelegation {
    /// The member number of who will carry the member's vote.
    pub to: u32,
    /// Only for proposals tagged with one of these; all proposals if empty or absent.
    #[serde(default)]
    pub topics: BTreeSet<String>,
    /// When it ends (RFC 3339); never, if absent, until revoked.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub until: Option<DateTime<Utc>>,
}

/// A delegation the member has given and not revoked.
#[derive(Debug, Serialize, ToSchema)]
pub struct DelegationView {
    /// Who carries the member's vote: their voter id, the member number.
    pub to: String,
    /// The topics it is limited to; empty for all proposals.
    pub topics: BTreeSet<String>,
    /// In force from (RFC 3339).
    #[schema(value_type = String, format = DateTime)]
    pub since: DateTime<Utc>,
    /// In force until (RFC 3339), if time-boxed.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub until: Option<DateTime<Utc>>,
}

impl From<Delegation> for DelegationView {
    fn from(delegation: Delegation) -> Self {
        DelegationView {
            to: delegation.to.to_string(),
            topics: delegation.topics,
            since: delegation.since,
            until: delegation.until,
        }
    }
}

fn invalid(detail: impl Into<String>) -> Problem {
    Problem::new(422, "invalid-body", "The body does not fit", detail)
}

/// A member number from a body, as a voter id.
fn voter(number: u32, field: &str) -> Result<VoterId, Problem> {
    let member = MemberNumber::new(number)
        .ok_or_else(|| invalid(format!("`{field}`: member numbers start at 1")))?;
    VoterId::new(&member.to_string()).map_err(|err| invalid(err.to_string()))
}

/// The co-op's proposals, newest first (the latest opening time first).
#[utoipa::path(
    get,
    path = "/api/proposals",
    tag = "proposals",
    responses(
        (status = 200, description = "Every proposal, drafts and withdrawn ones included, with its phase", body = Vec<ProposalSummaryView>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn proposals(
    State(app): State<App>,
    _member: SignedInMember,
) -> Result<Json<Vec<ProposalSummaryView>>, Problem> {
    let summaries = app.coop().proposal_summaries().await?;
    Ok(Json(
        summaries
            .into_iter()
            .map(|s| ProposalSummaryView {
                id: s.id,
                title: s.title,
                kind: s.kind,
                phase: s.phase,
                secrecy: s.secrecy,
                opens_at: s.opens_at,
                closes_at: s.closes_at,
            })
            .collect(),
    ))
}

/// One proposal as the signed-in member may see it: its text and rules, where it
/// stands, whether they may vote, the count so far only where the proposal shows it,
/// and the outcome once closed.
#[utoipa::path(
    get,
    path = "/api/proposals/{id}",
    tag = "proposals",
    params(("id" = String, Path, description = "The proposal's id")),
    responses(
        (status = 200, description = "The proposal", body = ProposalView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such proposal; the detail lists those there are", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn proposal(
    State(app): State<App>,
    SignedInMember(session): SignedInMember,
    PathParams(id): PathParams<String>,
) -> Result<Json<ProposalView>, Problem> {
    let now = app.now()?.as_datetime();
    let voter = SignedInMember::voter_id_of(&session)?;
    let seen = app.coop().proposal(&id).await?.seen_by(&voter, now)?;
    let vote = match SignedInMember::in_force(&session, "vote") {
        Ok(()) => seen.vote.map_err(|refused| refused.to_string()),
        Err(former) => Err(former.detail),
    };
    Ok(Json(ProposalView {
        id,
        phase: seen.phase,
        spec: seen.spec,
        closes_at: seen.closes_at,
        electorate: seen.electorate.map(|(voters, weight)| ElectorateView {
            voters,
            total_weight: weight.to_string(),
        }),
        may_vote: vote.is_ok(),
        why_not: vote.err(),
        interim: seen.interim,
        outcome: seen.outcome,
    }))
}

/// Casts the signed-in member's ballot (or, with `proxy_for`, the ballot of a member
/// whose proxy they hold): a secret ballot goes into the ballot box and answers with
/// the receipt, an open one is recorded with the voter's name.
#[utoipa::path(
    post,
    path = "/api/proposals/{id}/ballots",
    tag = "proposals",
    params(
        ("id" = String, Path, description = "The proposal's id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    request_body = BallotRequest,
    responses(
        (status = 201, description = "Cast: a secret ballot's receipt, or what an open ballot recorded", body = CastView),
        (status = 403, description = "Not in the proposal's electorate (`not-a-voter`), a former member, or no CSRF token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such proposal", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Voted already where votes cannot change (`already-voted`), or the proposal is not open (`not-open`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A body that does not fit, or a ballot the proposal does not take (a choice its kind does not offer, a reason it refuses or needs, a proxy not held)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn cast(
    State(app): State<App>,
    SignedInMember(session): SignedInMember,
    PathParams(id): PathParams<String>,
    Body(ballot): Body<BallotRequest>,
) -> Result<(StatusCode, Json<CastView>), Problem> {
    SignedInMember::in_force(&session, "vote")?;
    let mark = match (ballot.choice, ballot.ranking, ballot.approvals) {
        (Some(choice), None, None) => Mark::Choice(choice),
        (None, Some(ranking), None) => Mark::Ranking(ranking),
        (None, None, Some(projects)) => Mark::Approvals(projects),
        _ => {
            return Err(invalid(
                "a ballot has exactly one of `choice` (motions, consent decisions), `ranking` (elections) or `approvals` (budgets)",
            ));
        }
    };
    let paper = BallotPaper {
        voter: SignedInMember::voter_id_of(&session)?,
        proxy_for: ballot
            .proxy_for
            .map(|member| voter(member, "proxy_for"))
            .transpose()?,
        mark,
        reason: ballot.reason,
    };
    let now = app.now()?;
    let author = SignedInMember::author_of(&session)?;
    let mut proposal = app.coop().proposal(&id).await?;
    let view = match proposal
        .cast(paper, now.as_datetime(), now, Some(author))
        .await?
    {
        Cast::Secret(receipt) => CastView {
            proposal: id,
            secrecy: Secrecy::Secret,
            receipt: Some(receipt),
            recorded: None,
        },
        Cast::Open(events) => CastView {
            proposal: id,
            secrecy: Secrecy::Open,
            receipt: None,
            recorded: Some(events),
        },
    };
    Ok((StatusCode::CREATED, Json(view)))
}

/// Gives the signed-in member's proxy on this proposal to another member of its
/// electorate, who may then vote for them (`proxy_for`), as far as the proposal's
/// `proxies_per_holder` allows.
#[utoipa::path(
    post,
    path = "/api/proposals/{id}/proxy",
    tag = "proposals",
    params(
        ("id" = String, Path, description = "The proposal's id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    request_body = ProxyRequest,
    responses(
        (status = 200, description = "Given", body = ProxyView),
        (status = 403, description = "The member or the holder is not in the electorate, a former member, or no CSRF token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such proposal", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The proposal is not open", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Refused: the proposal takes no proxies, the holder holds the most allowed, the member voted or gave theirs already", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn give_proxy(
    State(app): State<App>,
    SignedInMember(session): SignedInMember,
    PathParams(id): PathParams<String>,
    Body(request): Body<ProxyRequest>,
) -> Result<Json<ProxyView>, Problem> {
    SignedInMember::in_force(&session, "give a proxy")?;
    let member = SignedInMember::voter_id_of(&session)?;
    let holder = voter(request.holder, "holder")?;
    let now = app.now()?;
    let author = SignedInMember::author_of(&session)?;
    let command = ProposalCommand::AuthoriseProxy {
        member: member.clone(),
        proxy: holder.clone(),
    };
    app.coop()
        .proposal(&id)
        .await?
        .execute(command, now.as_datetime(), now, Some(author))
        .await?;
    Ok(Json(ProxyView {
        proposal: id,
        member: member.to_string(),
        holder: holder.to_string(),
    }))
}

/// Looks for a secret ballot by its receipt: in the ballot box while voting is open,
/// in the published list (and so counted) once closed. The receipt travels in the
/// body, not the address, so that it stays out of logs and histories.
#[utoipa::path(
    post,
    path = "/api/proposals/{id}/receipts",
    tag = "proposals",
    params(
        ("id" = String, Path, description = "The proposal's id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    request_body = ReceiptRequest,
    responses(
        (status = 200, description = "Found: where, and what the ballot says", body = ReceiptView),
        (status = 404, description = "No such proposal, or no ballot under this receipt", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a receipt, or an open ballot (which gives none)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn check_receipt(
    State(app): State<App>,
    _member: SignedInMember,
    PathParams(id): PathParams<String>,
    Body(request): Body<ReceiptRequest>,
) -> Result<Json<ReceiptView>, Problem> {
    let receipt = request.receipt;
    let found = app.coop().proposal(&id).await?.find(&receipt).await?;
    let (place, counted, ballot) = match found {
        Some(Found::InBox(ballot)) => ("ballot_box", false, ballot),
        Some(Found::Published(ballot)) => ("published", true, ballot),
        None => {
            return Err(Problem::not_found(format!(
                "no ballot of `{id}` has receipt {receipt}; check it against the one shown when you voted"
            )));
        }
    };
    Ok(Json(ReceiptView {
        proposal: id,
        receipt,
        place,
        counted,
        weight: ballot.weight().to_string(),
        mark: ballot.mark().clone(),
    }))
}

async fn delegations_of(
    app: &App,
    session: &andel_service::Session,
) -> Result<Vec<DelegationView>, Problem> {
    let from = SignedInMember::voter_id_of(session)?;
    let given = app
        .coop()
        .delegations_from(&from, app.now()?.as_datetime())
        .await?;
    Ok(given.into_iter().map(DelegationView::from).collect())
}

/// The delegations the signed-in member has given and not revoked (nor seen end).
#[utoipa::path(
    get,
    path = "/api/me/delegations",
    tag = "me",
    responses(
        (status = 200, description = "Their delegations, oldest first", body = Vec<DelegationView>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn delegations(
    State(app): State<App>,
    SignedInMember(session): SignedInMember,
) -> Result<Json<Vec<DelegationView>>, Problem> {
    Ok(Json(delegations_of(&app, &session).await?))
}

/// Delegates the signed-in member's vote to another member, from now: on every
/// proposal, or only on those tagged with one of `topics`. A member who votes
/// themselves overrides it for that proposal; the close of each open ballot follows
/// the delegations in force then (a secret ballot follows none).
#[utoipa::path(
    post,
    path = "/api/me/delegations",
    tag = "me",
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    request_body = GiveDelegation,
    responses(
        (status = 201, description = "Given", body = DelegationView),
        (status = 403, description = "A former member, or no CSRF token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Refused: to oneself, or ending before it starts", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn delegate(
    State(app): State<App>,
    SignedInMember(session): SignedInMember,
    Body(request): Body<GiveDelegation>,
) -> Result<(StatusCode, Json<DelegationView>), Problem> {
    SignedInMember::in_force(&session, "delegate")?;
    let now = app.now()?;
    let delegation = Delegation {
        from: SignedInMember::voter_id_of(&session)?,
        to: voter(request.to, "to")?,
        topics: request.topics,
        since: now.as_datetime(),
        until: request.until,
    };
    let author = SignedInMember::author_of(&session)?;
    app.coop()
        .delegate(
            DelegationCommand::Delegate(delegation.clone()),
            now.as_datetime(),
            now,
            Some(author),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(DelegationView::from(delegation))))
}

/// Revokes every delegation the signed-in member has in force. Taking a delegation
/// back is open to a former member too, as withdrawing consent is.
#[utoipa::path(
    delete,
    path = "/api/me/delegations",
    tag = "me",
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    responses(
        (status = 200, description = "Revoked; the delegations left (none)", body = Vec<DelegationView>),
        (status = 422, description = "No delegation in force to revoke", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn revoke_all(
    State(app): State<App>,
    SignedInMember(session): SignedInMember,
) -> Result<Json<Vec<DelegationView>>, Problem> {
    revoke(&app, &session, BTreeSet::new()).await
}

/// Revokes the signed-in member's delegations on one topic.
#[utoipa::path(
    delete,
    path = "/api/me/delegations/{topic}",
    tag = "me",
    params(
        ("topic" = String, Path, description = "The topic, as a proposal's tag"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    responses(
        (status = 200, description = "Revoked; the delegations left", body = Vec<DelegationView>),
        (status = 422, description = "No delegation on this topic in force to revoke", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn revoke_topic(
    State(app): State<App>,
    SignedInMember(session): SignedInMember,
    PathParams(topic): PathParams<String>,
) -> Result<Json<Vec<DelegationView>>, Problem> {
    revoke(&app, &session, BTreeSet::from([topic])).await
}

async fn revoke(
    app: &App,
    session: &andel_service::Session,
    topics: BTreeSet<String>,
) -> Result<Json<Vec<DelegationView>>, Problem> {
    let now = app.now()?;
    let command = DelegationCommand::Revoke {
        from: SignedInMember::voter_id_of(session)?,
        topics,
    };
    let author = SignedInMember::author_of(session)?;
    app.coop()
        .delegate(command, now.as_datetime(), now, Some(author))
        .await?;
    Ok(Json(delegations_of(app, session).await?))
}
