//! The JSON API: signing in and out, the member's own data, and the OpenAPI document of
//! every route. Each handler parses, calls one use case of `andel-service`, and answers.

use std::net::SocketAddr;

use andel_ledger::{ClassId, MemberNumber};
use andel_service::{Session, Standing};
use axum::extract::{ConnectInfo, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use crate::extract::Body;
use crate::session::{SignedInMember, cleared_cookie, session_cookie, token};
use crate::{App, Problem};

/// The OpenAPI 3.1 document of this API, generated from the handlers.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Andel member API",
        description = "What every Andel co-op service offers its members: sign-in, their own data, and their part in the co-op's decisions. Errors are RFC 9457 problem details."
    ),
    paths(
        apply,
        sign_in,
        sign_out,
        session,
        me,
        statement,
        crate::me::consents,
        crate::me::give_consent,
        crate::me::withdraw_consent,
        crate::me::report,
        crate::me::archive,
        crate::me::resign,
        crate::decisions::delegations,
        crate::decisions::delegate,
        crate::decisions::revoke_all,
        crate::decisions::revoke_topic,
        crate::decisions::proposals,
        crate::decisions::proposal,
        crate::decisions::cast,
        crate::decisions::give_proxy,
        crate::decisions::check_receipt
    ),
    components(schemas(
        Application,
        ApplicationView,
        SignInRequest,
        SessionView,
        MemberView,
        Problem,
        crate::me::ConsentView,
        crate::me::GiveConsent,
        crate::me::ResignationView,
        crate::decisions::ProposalSummaryView,
        crate::decisions::ProposalView,
        crate::decisions::ElectorateView,
        crate::decisions::BallotRequest,
        crate::decisions::CastView,
        crate::decisions::ProxyRequest,
        crate::decisions::ProxyView,
        crate::decisions::ReceiptRequest,
        crate::decisions::ReceiptView,
        crate::decisions::GiveDelegation,
        crate::decisions::DelegationView
    )),
    tags(
        (name = "session", description = "Signing in and out"),
        (name = "me", description = "The member's own data, and their delegations"),
        (name = "proposals", description = "The co-op's proposals: reading them, voting, proxies, and checking a secret ballot's receipt")
    )
)]
pub struct ApiDoc;

/// Who signs in.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    /// The member number in the co-op's register.
    #[schema(minimum = 1)]
    pub member: u32,
    /// The member's password.
    pub password: String,
}

/// A session in force.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    /// The member number.
    pub member: u32,
    /// `member` (the services and the member's own pages) or `former` (their own data
    /// and its export only).
    pub standing: &'static str,
    /// Send it back in the `X-CSRF-Token` header with every request that changes
    /// something.
    pub csrf: String,
    /// When the session ends (RFC 3339).
    pub expires_at: String,
}

impl From<&Session> for SessionView {
    fn from(session: &Session) -> Self {
        SessionView {
            member: session.member.get(),
            standing: match session.standing {
                Standing::Member => "member",
                Standing::Former => "former",
            },
            csrf: session.csrf.clone(),
            expires_at: session.expires_at.to_string(),
        }
    }
}

/// The signed-in member as the register shows them.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberView {
    /// The member number.
    pub member: u32,
    /// Their name in the register.
    pub name: String,
    /// Where the ledger says they stand today (`member`, `exited`, …).
    pub status: String,
    /// What the session allows (`member` or `former`).
    pub standing: &'static str,
}

/// Signs a member in: sets the session cookie and answers with the session.
#[utoipa::path(
    post,
    path = "/api/session",
    tag = "session",
    request_body = SignInRequest,
    responses(
        (status = 200, description = "Signed in; the session cookie is set", body = SessionView),
        (status = 401, description = "The member number and password do not match", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The ledger does not admit this person", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts; `Retry-After` says how long to wait", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn sign_in(
    State(app): State<App>,
    address: Option<Extension<ConnectInfo<SocketAddr>>>,
    Body(request): Body<SignInRequest>,
) -> Result<Response, Problem> {
    let now = app.now()?;
    let member = MemberNumber::new(request.member).ok_or_else(|| {
        Problem::new(
            422,
            "invalid-body",
            "The body does not fit",
            "member numbers start at 1",
        )
    })?;
    let member_key = format!("member:{member}");
    let address_key =
        address.map(|Extension(ConnectInfo(address))| format!("address:{}", address.ip()));
    let limits = app.limits();
    let counted = [
        Some((member_key.as_str(), limits.per_member)),
        address_key.as_deref().map(|key| (key, limits.per_address)),
    ];
    for (key, limit) in counted.into_iter().flatten() {
        if let Err(wait) = app.limiter().attempt(key, limit, now) {
            return Err(too_many(key, wait));
        }
    }
    let signed_in = app.coop().sign_in(member, &request.password, now).await?;
    app.limiter().clear(&member_key);
    let mut response = Json(SessionView::from(&signed_in.session)).into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&signed_in.token));
    Ok(response)
}

/// An application for membership, made online.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Application {
    /// The applicant's name, as the register will show it.
    pub name: String,
    /// The class applied to, as the statutes name it (`members`).
    pub class: String,
    /// The password to sign in with once admitted (at least 15 characters).
    pub password: String,
}

/// An application recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationView {
    /// The applicant's member number.
    pub member: u32,
    /// Where the ledger says they stand now: `applicant` until the board admits them,
    /// or `admitted` when the statutes admit at once.
    pub status: String,
}

/// Applies for membership. Nothing is recorded when the password is refused.
#[utoipa::path(
    post,
    path = "/api/applications",
    tag = "session",
    request_body = Application,
    responses(
        (status = 201, description = "The application is recorded", body = ApplicationView),
        (status = 422, description = "A password, name or class refused", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many applications from this address", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn apply(
    State(app): State<App>,
    address: Option<Extension<ConnectInfo<SocketAddr>>>,
    Body(application): Body<Application>,
) -> Result<(StatusCode, Json<ApplicationView>), Problem> {
    let now = app.now()?;
    if let Some(Extension(ConnectInfo(address))) = address {
        let key = format!("apply:address:{}", address.ip());
        if let Err(wait) = app.limiter().attempt(&key, app.limits().per_address, now) {
            return Err(too_many(&key, wait));
        }
    }
    let class: ClassId = application
        .class
        .parse()
        .map_err(|err: andel_ledger::IdError| {
            Problem::new(
                422,
                "invalid-body",
                "The body does not fit",
                err.to_string(),
            )
        })?;
    let member = app
        .coop()
        .apply_for_membership(&application.name, class, &application.password, now)
        .await?;
    let today = now.as_datetime().date_naive();
    let status = app
        .coop()
        .read_ledger(|ledger| {
            ledger
                .member(member)
                .map(|view| view.status_on(today).name())
        })
        .await?
        .unwrap_or("applicant");
    Ok((
        StatusCode::CREATED,
        Json(ApplicationView {
            member: member.get(),
            status: status.to_owned(),
        }),
    ))
}

fn too_many(key: &str, wait: u64) -> Problem {
    let mut problem = Problem::new(
        429,
        "too-many-attempts",
        "Too many attempts",
        format!("too many attempts for {key}; try again in {wait} seconds"),
    );
    problem.retry_after = Some(wait);
    problem
}

/// Signs out: ends the session and clears the cookie.
#[utoipa::path(
    delete,
    path = "/api/session",
    tag = "session",
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    responses(
        (status = 204, description = "Signed out; the cookie is cleared"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Missing or wrong CSRF token", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn sign_out(
    State(app): State<App>,
    _member: SignedInMember,
    headers: axum::http::HeaderMap,
) -> Result<Response, Problem> {
    if let Some(token) = token(&headers) {
        app.coop().sign_out(token).await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, cleared_cookie())],
    )
        .into_response())
}

/// The session in force: how a page restores itself after a reload, since the
/// session cookie is kept from scripts but the CSRF token is needed for changes.
#[utoipa::path(
    get,
    path = "/api/session",
    tag = "session",
    responses(
        (status = 200, description = "The session in force", body = SessionView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn session(SignedInMember(session): SignedInMember) -> Json<SessionView> {
    Json(SessionView::from(&session))
}

/// The signed-in member.
#[utoipa::path(
    get,
    path = "/api/me",
    tag = "me",
    responses(
        (status = 200, description = "The member", body = MemberView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn me(
    State(app): State<App>,
    SignedInMember(session): SignedInMember,
) -> Result<Json<MemberView>, Problem> {
    let today = app.now()?.as_datetime().date_naive();
    let member = session.member;
    let (name, status) = app
        .coop()
        .read_ledger(|ledger| {
            let name = ledger.member_name(member).map(str::to_owned);
            let status = ledger
                .member(member)
                .map(|view| view.status_on(today).name());
            (name, status)
        })
        .await?;
    let (Some(name), Some(status)) = (name, status) else {
        return Err(Problem::not_found(format!(
            "member {member} is not in the ledger"
        )));
    };
    Ok(Json(MemberView {
        member: member.get(),
        name,
        status: status.to_owned(),
        standing: SessionView::from(&session).standing,
    }))
}

/// The signed-in member's statement from the ledger: every transaction on their
/// accounts to today, and their balances.
#[utoipa::path(
    get,
    path = "/api/me/statement",
    tag = "me",
    responses(
        (status = 200, description = "The statement, as `andel ledger statement --json` writes it", body = serde_json::Value),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn statement(
    State(app): State<App>,
    SignedInMember(session): SignedInMember,
) -> Result<Response, Problem> {
    let today = app.now()?.as_datetime().date_naive();
    let member = session.member;
    let statement = app
        .coop()
        .read_ledger(|ledger| ledger.statement(member, today))
        .await?;
    match statement {
        Some(statement) => Ok(Json(statement).into_response()),
        None => Err(Problem::not_found(format!(
            "member {member} has no statement"
        ))),
    }
}

/// The OpenAPI document.
pub(crate) async fn openapi(State(app): State<App>) -> Response {
    match app.openapi().to_json() {
        Ok(json) => ([(header::CONTENT_TYPE, "application/json")], json).into_response(),
        Err(err) => {
            Problem::new(500, "internal", "The service failed", err.to_string()).into_response()
        }
    }
}
