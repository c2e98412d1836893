//! What the API tests share: a co-op with members, requests, and answers read back.

#![allow(dead_code, unreachable_pub)]

use std::sync::Arc;

use andel_consent::Controller;
use andel_decisions::ProposalCommand;
use andel_http::{App, PROBLEM_JSON, router};
use andel_journal::Timestamp;
use andel_ledger::{Command, MemberNumber, Statutes, event::Person};
use andel_service::{Access, Coop};
use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, Response, StatusCode, header};
use chrono::{DateTime, Utc};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

pub const STATUTES: &str = r#"
name = "Solrosen"
currency = { code = "SEK", scale = 2 }
[[classes]]
id = "members"
name = "Members"
nominal = "100.00"
min_shares = 1
admission = "automatic"
"#;

pub const PASSWORD: &str = "correct horse battery staple";
pub const NOW: &str = "2027-02-01T10:00:00Z";

/// A co-op with Ada (member 1, who has a password) and Bo (2, who has none), served
/// on a clock stopped at NOW.
pub async fn coop(dir: &std::path::Path, tenant: &str) -> Router {
    coop_with(dir, tenant, Some(controller())).await
}

/// Who controls Solrosen's data, for archives.
pub fn controller() -> Controller {
    Controller {
        name: "Solrosen".into(),
        contact: "Styrelsen".into(),
        address: "Storgatan 1, Umeå".into(),
        email: "styrelsen@solrosen.example".into(),
        jurisdiction: "SE".into(),
        policy_url: "https://solrosen.example/data".into(),
    }
}

/// As [`coop`], naming the data controller or not.
pub async fn coop_with(
    dir: &std::path::Path,
    tenant: &str,
    controller: Option<Controller>,
) -> Router {
    let location = format!("sqlite:{}", dir.join("coops.db").display())
        .parse()
        .unwrap();
    let coop = Coop::open(&location, tenant.parse().unwrap(), Access::Start)
        .await
        .unwrap();
    let mut ledger = coop.membership().await.unwrap();
    let statutes = Box::new(Statutes::from_toml(STATUTES).unwrap());
    let on = "2027-01-01".parse().unwrap();
    let at: Timestamp = "2027-01-01T09:00:00Z".parse().unwrap();
    ledger
        .record(Command::AdoptStatutes { statutes }, on, at, None)
        .await
        .unwrap();
    for name in ["Ada", "Bo"] {
        let apply = Command::ApplyForMembership {
            name: name.into(),
            person: Person::Natural,
            class: "members".parse().unwrap(),
        };
        ledger.record(apply, on, at, None).await.unwrap();
    }
    let ada = MemberNumber::new(1).unwrap();
    coop.set_password(ada, PASSWORD, at).await.unwrap();
    let now: Timestamp = NOW.parse().unwrap();
    let app = App::new(Arc::new(coop)).with_clock(Arc::new(move || now.as_datetime()));
    let app = match controller {
        Some(controller) => app.with_controller(controller),
        None => app,
    };
    router(app)
}

pub async fn send(app: &Router, request: Request<Body>) -> (Response<Body>, Value) {
    let response = app.clone().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (Response::from_parts(parts, Body::empty()), json)
}

/// `GET path` with no session, answered with its body as text.
pub async fn text(app: &Router, path: &str) -> (Response<Body>, String) {
    let response = app
        .clone()
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes();
    let text = String::from_utf8(bytes.to_vec()).expect("a page is UTF-8");
    (Response::from_parts(parts, Body::empty()), text)
}

pub fn sign_in_request(body: &Value) -> Request<Body> {
    Request::post("/api/session")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

pub fn get(path: &str, cookie: Option<&str>) -> Request<Body> {
    let request = Request::get(path);
    let request = match cookie {
        Some(cookie) => request.header(header::COOKIE, cookie),
        None => request,
    };
    request.body(Body::empty()).unwrap()
}

/// Signs Ada in: the cookie to send back and the CSRF token.
pub async fn ada(app: &Router) -> (String, String) {
    let (response, body) = send(
        app,
        sign_in_request(&json!({"member": 1, "password": PASSWORD})),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK, "{body}");
    let set = response.headers()[header::SET_COOKIE].to_str().unwrap();
    let cookie = set.split(';').next().unwrap().to_owned();
    (cookie, body["csrf"].as_str().unwrap().to_owned())
}

pub fn assert_problem(response: &Response<Body>, body: &Value, status: u16, kind: &str) {
    assert_eq!(response.status().as_u16(), status, "{body}");
    assert_eq!(response.headers()[header::CONTENT_TYPE], PROBLEM_JSON);
    assert_eq!(body["type"], format!("urn:andel:problem:{kind}"), "{body}");
    assert_eq!(body["status"], status);
    assert!(
        body["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "{body}"
    );
}

/// A clock the test moves.
#[derive(Clone)]
pub struct TestClock(Arc<std::sync::Mutex<DateTime<Utc>>>);

impl TestClock {
    pub fn new(now: &str) -> Self {
        TestClock(Arc::new(std::sync::Mutex::new(now.parse().unwrap())))
    }

    pub fn set(&self, now: &str) {
        *self.0.lock().unwrap() = now.parse().unwrap();
    }

    pub fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

/// A co-op that decides: its routes, the co-op itself (for what the board does
/// outside the members' API: drafting, opening, closing), and the clock.
pub struct Voting {
    pub app: Router,
    pub coop: Arc<Coop>,
    pub clock: TestClock,
}

/// The members of [`voting`]: 1 to 5 with their share paid (on the roll), 6 admitted
/// without (not on it). Everyone has the password.
pub const VOTERS: [&str; 6] = ["Ada", "Bo", "Cy", "Di", "Ev", "Fi"];

/// When [`voting`]'s proposals open and close.
pub const OPENS: &str = "2027-02-01T09:00:00Z";
pub const CLOSES: &str = "2027-02-01T17:00:00Z";

/// Solrosen deciding, on a clock at NOW (2027-02-01T10:00:00Z), with four proposals
/// drafted on 15 January, three opened at OPENS with the roll of 31 January:
///
/// - `shop`: a motion, open ballot, count shown after the close, tagged `shops`, one
///   proxy per holder;
/// - `name`: a motion whose count a voter sees once they have voted, and whose votes
///   may change;
/// - `board`: a secret election of one of Alva, Bo and Cy (IRV);
/// - `later`: a motion scheduled for 1 March.
///
/// Ev (5) was expelled on 1 February, after the opening: on the electorate, but a
/// former member.
pub async fn voting(dir: &std::path::Path) -> Voting {
    let location = format!("sqlite:{}", dir.join("voting.db").display())
        .parse()
        .unwrap();
    let coop = Coop::open(&location, "solrosen".parse().unwrap(), Access::Start)
        .await
        .unwrap();
    let mut ledger = coop.membership().await.unwrap();
    let statutes = Box::new(Statutes::from_toml(STATUTES).unwrap());
    let on = "2027-01-01".parse().unwrap();
    let at: Timestamp = "2027-01-01T09:00:00Z".parse().unwrap();
    ledger
        .record(Command::AdoptStatutes { statutes }, on, at, None)
        .await
        .unwrap();
    for (i, name) in VOTERS.iter().enumerate() {
        let apply = Command::ApplyForMembership {
            name: (*name).into(),
            person: Person::Natural,
            class: "members".parse().unwrap(),
        };
        ledger.record(apply, on, at, None).await.unwrap();
        let member = MemberNumber::new(u32::try_from(i + 1).unwrap()).unwrap();
        if i < 5 {
            let pay = Command::RecordPayment {
                key: format!("bank-{member}").parse().unwrap(),
                member,
                purpose: andel_ledger::event::Purpose::Capital {
                    class: "members".parse().unwrap(),
                },
                amount: 100.into(),
                currency: "SEK".into(),
            };
            ledger.record(pay, on, at, None).await.unwrap();
        }
        coop.set_password(member, PASSWORD, at).await.unwrap();
    }
    let electorate = ledger.electorate("2027-01-31".parse().unwrap()).unwrap();
    let motion = |title: &str, opens: &str, closes: &str, more: Value| {
        let mut spec = json!({
            "title": title,
            "body": "The board proposes it.",
            "author": "1",
            "kind": {"kind": "motion", "threshold": {"share": "1/2", "inclusive": false}},
            "opens_at": opens,
            "closes_at": closes,
        });
        for (key, value) in more.as_object().unwrap() {
            spec[key] = value.clone();
        }
        spec
    };
    let specs = [
        (
            "shop",
            motion(
                "Open a second shop",
                OPENS,
                CLOSES,
                json!({"tags": ["shops"], "proxies_per_holder": 1}),
            ),
        ),
        (
            "name",
            motion(
                "Rename the co-op",
                OPENS,
                CLOSES,
                json!({"visibility": "after_voting", "vote_changes": true}),
            ),
        ),
        (
            "board",
            json!({
                "title": "Elect the chair",
                "body": "",
                "author": "1",
                "kind": {"kind": "election", "method": "irv", "candidates": ["Alva", "Bo", "Cy"], "seats": 1},
                "opens_at": OPENS,
                "closes_at": CLOSES,
                "reasons": "off",
                "secrecy": "secret",
            }),
        ),
        (
            "later",
            motion(
                "Paint the shop",
                "2027-03-01T09:00:00Z",
                "2027-03-01T17:00:00Z",
                json!({}),
            ),
        ),
    ];
    let drafted: DateTime<Utc> = "2027-01-15T09:00:00Z".parse().unwrap();
    for (id, spec) in specs {
        let spec: andel_decisions::Spec = serde_json::from_value(spec).unwrap();
        let (mut proposal, _) = coop.draft(id, spec, drafted, at, None).await.unwrap();
        proposal
            .execute(ProposalCommand::Schedule, drafted, at, None)
            .await
            .unwrap();
        if id != "later" {
            let open = ProposalCommand::Open {
                electorate: electorate.clone(),
            };
            let opens = OPENS.parse().unwrap();
            proposal.execute(open, opens, at, None).await.unwrap();
        }
    }
    let expel = Command::Expel {
        member: MemberNumber::new(5).unwrap(),
        reason: "moved away without notice".into(),
        // The statutes cap repayment by the co-op's equity: the ledger asks for it.
        equity: Some(10_000.into()),
    };
    ledger
        .record(expel, "2027-02-01".parse().unwrap(), at, None)
        .await
        .unwrap();

    let coop = Arc::new(coop);
    let clock = TestClock::new(NOW);
    let ticking = clock.clone();
    let app = App::new(Arc::clone(&coop)).with_clock(Arc::new(move || ticking.now()));
    Voting {
        app: router(app),
        coop,
        clock,
    }
}

/// Signs `member` in with the password: the cookie to send back and the CSRF token.
pub async fn sign_in_as(app: &Router, member: u32) -> (String, String) {
    let (response, body) = send(
        app,
        sign_in_request(&json!({"member": member, "password": PASSWORD})),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK, "{body}");
    let set = response.headers()[header::SET_COOKIE].to_str().unwrap();
    let cookie = set.split(';').next().unwrap().to_owned();
    (cookie, body["csrf"].as_str().unwrap().to_owned())
}

/// A request with a JSON body (or none, if empty), the cookie and, if given, the CSRF
/// token.
pub fn request(
    method: Method,
    path: &str,
    cookie: &str,
    csrf: Option<&str>,
    body: &str,
) -> Request<Body> {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/json");
    let request = match csrf {
        Some(csrf) => request.header(andel_http::CSRF_HEADER, csrf),
        None => request,
    };
    request.body(Body::from(body.to_owned())).unwrap()
}
