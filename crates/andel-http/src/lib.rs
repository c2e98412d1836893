//! What every co-op web service mounts: members sign in, and see and take their own data.
//!
//! `andel-http` is a thin layer of [axum] over Andel's application layer
//! ([`andel_service::Coop`]): each handler parses the request, calls one use case and
//! answers. It holds no domain or storage logic of its own, as the `andel` command line
//! does not.
//!
//! - **Applying.** Anyone may apply for membership (`POST /api/applications`), choosing
//!   the password they will sign in with once admitted.
//! - **Sign-in.** Members sign in with their member number and password
//!   (`POST /api/session`; `GET` tells a page after a reload whose session it is). Passwords are kept as argon2id hashes; the session token
//!   lives only in an `HttpOnly`, `Secure`, `SameSite=Strict` cookie, and the database
//!   keeps its SHA-256. Only people the ledger admits get in: admitted members, and
//!   former members for their own data. Attempts are limited per member number and per
//!   client address ([`SignInLimits`]).
//! - **CSRF.** Every request that changes something carries the session's CSRF token in
//!   the `X-CSRF-Token` header ([`SignedInMember`] checks it).
//! - **The member's own data**: `GET /api/me`, `GET /api/me/statement`, their consents
//!   (`GET /api/me/consents`; `PUT` and `DELETE /api/me/consents/{purpose}` give and
//!   withdraw, one request each), who used their data (`GET /api/me/report`), all of it
//!   as a verifiable archive (`GET /api/me/archive`), and leaving
//!   (`POST /api/me/resignation`). A former member keeps their data and its export,
//!   may withdraw consent or take back a delegation, and may read the proposals and
//!   check a receipt; nothing else.
//! - **Decisions**: the co-op's proposals (`GET /api/proposals`, newest first), one as
//!   the member may see it (`GET /api/proposals/{id}`: whether they may vote, the count
//!   so far only where the proposal's visibility shows it, the outcome once closed),
//!   casting a ballot (`POST /api/proposals/{id}/ballots`: a secret ballot answers with
//!   the receipt the member keeps), giving a proxy (`POST /api/proposals/{id}/proxy`),
//!   checking a receipt (`POST /api/proposals/{id}/receipts`), and the member's
//!   delegations (`GET` and `POST /api/me/delegations`; `DELETE` revokes them all, and
//!   `DELETE /api/me/delegations/{topic}` those on one topic).
//! - **The member's pages** in a browser at `GET /me`: the same data, consents, the
//!   archive and leaving, and proposals, ballots, receipts and delegations; one page,
//!   script and style sheet of this crate's own, with no build step.
//! - **Errors** are RFC 9457 problem details ([`Problem`]); **the API is described** by
//!   an OpenAPI 3.1 document at `GET /api/openapi.json`, generated from the handlers.
//! - Responses are never cached (`Cache-Control: no-store`); requests are traced with
//!   `tower-http`; [`serve`] shuts down gracefully.
//!
//! ```
//! use std::sync::Arc;
//! use andel_http::{router, App};
//! use andel_service::{Access, Coop};
//!
//! # tokio::runtime::Runtime::new()?.block_on(async {
//! # let dir = tempfile::tempdir()?;
//! # let location = format!("sqlite:{}", dir.path().join("coop.db").display()).parse()?;
//! let coop = Coop::open(&location, "solrosen".parse()?, Access::Start).await?;
//! let app = App::new(Arc::new(coop));
//! let routes: axum::Router = router(app);
//! // axum::serve(listener, routes) or andel_http::serve(listener, app, shutdown)
//! # let _ = routes;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod api;
mod decisions;
mod extract;
mod limit;
mod me;
mod pages;
mod problem;
mod session;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use andel_consent::Controller;
use andel_journal::Timestamp;
use andel_service::Coop;
use axum::Router;
use axum::http::{HeaderValue, header};
use axum::routing::{delete, get, post, put};
use chrono::{DateTime, Utc};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use api::{ApiDoc, Application, ApplicationView, MemberView, SessionView, SignInRequest};
/// The axum this crate is built on, so that a service mounts its routes on the same one.
pub use axum;
pub use decisions::{
    BallotRequest, CastView, DelegationView, ElectorateView, GiveDelegation, ProposalSummaryView,
    ProposalView, ProxyRequest, ProxyView, ReceiptRequest, ReceiptView,
};
pub use extract::{Body, PathParams, QueryParams};
pub use limit::{Limit, SignInLimits};
pub use me::{ConsentView, GiveConsent, ResignationView};
pub use pages::{PAGE_POLICY, page_file};
pub use problem::{PROBLEM_JSON, Problem};
pub use session::{CSRF_HEADER, SESSION_COOKIE, SignedInMember};

/// Where the time comes from: the system clock, or a fixed one in tests.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// What the handlers share: the co-op, the clock, and the sign-in counts.
#[derive(Clone)]
pub struct App {
    coop: Arc<Coop>,
    clock: Clock,
    limits: SignInLimits,
    limiter: Arc<limit::Limiter>,
    controller: Option<Arc<Controller>>,
    openapi: Arc<utoipa::openapi::OpenApi>,
    services: Vec<Arc<dyn andel_service::ServiceData>>,
}

impl App {
    /// The co-op's service on the system clock, with the default sign-in limits.
    pub fn new(coop: Arc<Coop>) -> Self {
        App {
            coop,
            clock: Arc::new(Utc::now),
            limits: SignInLimits::default(),
            limiter: Arc::default(),
            controller: None,
            openapi: Arc::new(documented(<ApiDoc as utoipa::OpenApi>::openapi())),
            services: Vec::new(),
        }
    }

    /// The same, with a service's share of every member's archive
    /// (`GET /api/me/archive`): its streams' entries of the member's, with proofs, and
    /// its module in open formats.
    #[must_use]
    pub fn with_service_data(mut self, service: Arc<dyn andel_service::ServiceData>) -> Self {
        self.services.push(service);
        self
    }

    /// The services whose data every member's archive holds.
    pub fn services(&self) -> &[Arc<dyn andel_service::ServiceData>] {
        &self.services
    }

    /// The same, with a service's own routes described in the OpenAPI document served
    /// at `/api/openapi.json`, beside the ones every service mounts.
    #[must_use]
    pub fn with_api(mut self, more: utoipa::openapi::OpenApi) -> Self {
        let mut doc = (*self.openapi).clone();
        doc.merge(more);
        self.openapi = Arc::new(documented(doc));
        self
    }

    /// The OpenAPI document of the routes mounted: [`ApiDoc`] and what
    /// [`App::with_api`] added.
    pub fn openapi(&self) -> &utoipa::openapi::OpenApi {
        &self.openapi
    }

    /// The same, with another clock.
    #[must_use]
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The same, with other sign-in limits.
    #[must_use]
    pub fn with_limits(mut self, limits: SignInLimits) -> Self {
        self.limits = limits;
        self
    }

    /// The same, naming who controls the co-op's data (GDPR art. 4(7)), as every
    /// member's archive and consent receipt must: without it, `GET /api/me/archive`
    /// answers `503 no-controller`.
    #[must_use]
    pub fn with_controller(mut self, controller: Controller) -> Self {
        self.controller = Some(Arc::new(controller));
        self
    }

    /// Who controls the co-op's data, if the operator said.
    pub fn controller(&self) -> Option<&Controller> {
        self.controller.as_deref()
    }

    /// The co-op.
    pub fn coop(&self) -> &Coop {
        &self.coop
    }

    /// Now, by the app's clock.
    ///
    /// # Errors
    ///
    /// A clock outside the years 0000 to 9999, or in a leap second.
    pub fn now(&self) -> Result<Timestamp, Problem> {
        Timestamp::new((self.clock)())
            .map_err(|err| Problem::new(500, "clock", "The server's clock is off", err.to_string()))
    }

    pub(crate) fn limits(&self) -> SignInLimits {
        self.limits
    }

    pub(crate) fn limiter(&self) -> &limit::Limiter {
        &self.limiter
    }
}

/// `doc` with the refusals every operation may give.
fn documented(mut doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    extract::add_common_refusals(&mut doc);
    doc
}

/// The routes every co-op service mounts: `/api/session`, `/api/me` and the member's
/// own data under it, `/api/proposals` and the member's part in them, and
/// `/api/openapi.json`. Merge a service's own routes beside them.
pub fn router(app: App) -> Router {
    Router::new()
        .route("/api/applications", post(api::apply))
        .route(
            "/api/session",
            get(api::session).post(api::sign_in).delete(api::sign_out),
        )
        .route("/api/me", get(api::me))
        .route("/api/me/statement", get(api::statement))
        .route("/api/me/consents", get(me::consents))
        .route(
            "/api/me/consents/{purpose}",
            put(me::give_consent).delete(me::withdraw_consent),
        )
        .route("/api/me/report", get(me::report))
        .route("/api/me/archive", get(me::archive))
        .route("/api/me/resignation", post(me::resign))
        .route(
            "/api/me/delegations",
            get(decisions::delegations)
                .post(decisions::delegate)
                .delete(decisions::revoke_all),
        )
        .route(
            "/api/me/delegations/{topic}",
            delete(decisions::revoke_topic),
        )
        .route("/api/proposals", get(decisions::proposals))
        .route("/api/proposals/{id}", get(decisions::proposal))
        .route("/api/proposals/{id}/ballots", post(decisions::cast))
        .route("/api/proposals/{id}/proxy", post(decisions::give_proxy))
        .route(
            "/api/proposals/{id}/receipts",
            post(decisions::check_receipt),
        )
        .route("/api/openapi.json", get(api::openapi))
        .route("/me", get(pages::page))
        .route("/me/me.js", get(pages::script))
        .route("/me/me.css", get(pages::style))
        .route("/me/common.js", get(pages::common_script))
        .route("/me/common.css", get(pages::common_style))
        .fallback(|| async { Problem::not_found("there is nothing at this address") })
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(app)
}

/// Serves `app` on `listener` until `shutdown` completes, then finishes the requests
/// under way before returning. Client addresses are passed on, for the sign-in limits.
///
/// # Errors
///
/// When the listener fails.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: App,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let routes = router(app).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, routes)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Completes on Ctrl-C (SIGINT) or SIGTERM: the signals an operator or a service
/// manager stops a server with.
pub async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
