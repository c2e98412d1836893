//! The member's own pages, as JSON: their consents (given and withdrawn in one request
//! each), who used their data (the transparency report), their archive, and leaving.

use std::io::Cursor;

use andel_consent::{ConsentCommand, ConsentLookup, Purpose};
use andel_ledger::Command;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::extract::{Body, PathParams};
use crate::session::SignedInMember;
use crate::{App, Problem};

fn purpose(name: &str) -> Result<Purpose, Problem> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).map_err(|_| {
        let known: Vec<String> = Purpose::ALL
            .iter()
            .filter_map(|p| serde_json::to_value(p).ok())
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        Problem::not_found(format!(
            "there is no purpose `{name}`; the purposes are {}",
            known.join(", ")
        ))
    })
}

/// One purpose the member has a record for.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentView {
    /// The purpose (`research`, `member-communication`, …).
    pub purpose: String,
    /// Whether a consent is in force now.
    pub in_force: bool,
    /// Every step, oldest first: `{"at", "standing": "given"|"refused"|"withdrawn", "expires"?}`.
    #[schema(value_type = Vec<Object>)]
    pub history: serde_json::Value,
}

/// The member's consents, purpose by purpose.
#[utoipa::path(
    get,
    path = "/api/me/consents",
    tag = "me",
    responses(
        (status = 200, description = "Every purpose the member has a record for", body = Vec<ConsentView>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn consents(
    State(app): State<App>,
    SignedInMember(session): SignedInMember,
) -> Result<Json<Vec<ConsentView>>, Problem> {
    let now = app.now()?.as_datetime();
    let member = SignedInMember::member_id_of(&session)?;
    let book = app.coop().consents().await?;
    let views = book
        .of_member(&member)
        .map(|(purpose, steps)| ConsentView {
            purpose: purpose.to_string(),
            in_force: book.consent_in_force(&member, purpose, now).is_some(),
            history: serde_json::to_value(steps).unwrap_or_default(),
        })
        .collect();
    Ok(Json(views))
}

/// Giving a consent: until when, if it should lapse on its own.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GiveConsent {
    /// When it lapses (RFC 3339); never, if absent.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expires: Option<DateTime<Utc>>,
}

/// Gives consent for a purpose (the charter's forbidden purposes are refused).
#[utoipa::path(
    put,
    path = "/api/me/consents/{purpose}",
    tag = "me",
    params(
        ("purpose" = String, Path, description = "The purpose, as `research`"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    request_body = GiveConsent,
    responses(
        (status = 200, description = "Given (or already in force)", body = ConsentView),
        (status = 403, description = "A former member, or no CSRF token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such purpose", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Refused", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn give_consent(
    State(app): State<App>,
    SignedInMember(session): SignedInMember,
    PathParams(name): PathParams<String>,
    Body(give): Body<GiveConsent>,
) -> Result<Json<ConsentView>, Problem> {
    SignedInMember::in_force(&session, "give consent")?;
    let purpose = purpose(&name)?;
    let command = ConsentCommand::Give {
        member: SignedInMember::member_id_of(&session)?,
        purpose,
        expires: give.expires,
    };
    record(&app, &session, command, purpose).await
}

/// Withdraws consent for a purpose: one request, as easy as giving it (GDPR art. 7(3)).
#[utoipa::path(
    delete,
    path = "/api/me/consents/{purpose}",
    tag = "me",
    params(
        ("purpose" = String, Path, description = "The purpose, as `research`"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    responses(
        (status = 200, description = "Withdrawn", body = ConsentView),
        (status = 404, description = "No such purpose", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No consent in force to withdraw", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn withdraw_consent(
    State(app): State<App>,
    SignedInMember(session): SignedInMember,
    PathParams(name): PathParams<String>,
) -> Result<Json<ConsentView>, Problem> {
    let purpose = purpose(&name)?;
    let command = ConsentCommand::Withdraw {
        member: SignedInMember::member_id_of(&session)?,
        purpose,
    };
    record(&app, &session, command, purpose).await
}

async fn record(
    app: &App,
    session: &andel_service::Session,
    command: ConsentCommand,
    purpose: Purpose,
) -> Result<Json<ConsentView>, Problem> {
    let now = app.now()?;
    let author = SignedInMember::author_of(session)?;
    app.coop()
        .record_consent(command, now.as_datetime(), now, Some(author))
        .await?;
    let member = SignedInMember::member_id_of(session)?;
    let book = app.coop().consents().await?;
    Ok(Json(ConsentView {
        purpose: purpose.to_string(),
        in_force: book
            .consent_in_force(&member, purpose, now.as_datetime())
            .is_some(),
        history: serde_json::to_value(book.history(&member, purpose)).unwrap_or_default(),
    }))
}

/// Who used the member's data: every access decided about data they own, with its
/// purpose, legal basis and recipient (GDPR art. 15).
#[utoipa::path(
    get,
    path = "/api/me/report",
    tag = "me",
    responses(
        (status = 200, description = "The transparency report, from the start to now", body = serde_json::Value),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn report(
    State(app): State<App>,
    SignedInMember(session): SignedInMember,
) -> Result<Response, Problem> {
    let now = app.now()?.as_datetime();
    let member = SignedInMember::member_id_of(&session)?;
    let report = app
        .coop()
        .transparency_report(&member, DateTime::UNIX_EPOCH, now)
        .await?;
    Ok(Json(report).into_response())
}

/// Everything of the member's, as a verifiable archive (see the book's "Member
/// archive"): their entries with proofs, statement, votes, consents and access report.
#[utoipa::path(
    get,
    path = "/api/me/archive",
    tag = "me",
    responses(
        (status = 200, description = "The member's archive", content_type = "application/zip"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The operator has not named the data controller", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn archive(
    State(app): State<App>,
    SignedInMember(session): SignedInMember,
) -> Result<Response, Problem> {
    let Some(controller) = app.controller() else {
        return Err(Problem::new(
            503,
            "no-controller",
            "The archive cannot be written yet",
            "the operator has not said who controls the co-op's data (App::with_controller), which every archive's consent receipts name",
        ));
    };
    let now = app.now()?.as_datetime();
    let services: Vec<&dyn andel_service::ServiceData> = app
        .services()
        .iter()
        .map(|service| service.as_ref())
        .collect();
    let (written, _) = app
        .coop()
        .export_member_with(
            session.member,
            Cursor::new(Vec::new()),
            now,
            controller,
            &services,
            &mut |_| {},
        )
        .await?;
    let name = format!(
        "attachment; filename=\"member-{}-{}.zip\"",
        session.member,
        now.format("%Y-%m-%d")
    );
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_owned()),
            (header::CONTENT_DISPOSITION, name),
        ],
        written.into_inner(),
    )
        .into_response())
}

/// What the ledger recorded for a resignation.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResignationView {
    /// The member number.
    pub member: u32,
    /// What the ledger recorded, as sentences.
    pub recorded: Vec<String>,
}

/// Gives notice of leaving the co-op; the exit takes effect when the statutes say.
#[utoipa::path(
    post,
    path = "/api/me/resignation",
    tag = "me",
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    responses(
        (status = 200, description = "Notice given", body = ResignationView),
        (status = 403, description = "A former member, or no CSRF token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The ledger refuses (notice already given)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn resign(
    State(app): State<App>,
    SignedInMember(session): SignedInMember,
) -> Result<Json<ResignationView>, Problem> {
    SignedInMember::in_force(&session, "resign again")?;
    let now = app.now()?;
    let author = SignedInMember::author_of(&session)?;
    let mut membership = app.coop().membership().await?;
    let events = membership
        .record(
            Command::Resign {
                member: session.member,
            },
            now.as_datetime().date_naive(),
            now,
            Some(author),
        )
        .await?;
    Ok(Json(ResignationView {
        member: session.member.get(),
        recorded: events.iter().map(ToString::to_string).collect(),
    }))
}
