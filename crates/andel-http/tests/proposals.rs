//! Members and the co-op's decisions through the API: proposals listed and read, votes
//! cast and refused, counts hidden until the proposal shows them, a secret ballot's
//! receipt checked, proxies, delegations given and revoked, former members and
//! strangers to the electorate refused, and bad bodies answered as problems.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod support;

use axum::http::{Method, StatusCode, header};
use proptest::prelude::*;
use serde_json::{Value, json};
use tower::ServiceExt;

use support::{CLOSES, NOW, assert_problem, get, request, send, sign_in_as, voting};

/// Casts `body` on proposal `id`.
async fn vote(
    app: &axum::Router,
    id: &str,
    (cookie, csrf): &(String, String),
    body: Value,
) -> (axum::http::Response<axum::body::Body>, Value) {
    let path = format!("/api/proposals/{id}/ballots");
    let body = body.to_string();
    send(app, request(Method::POST, &path, cookie, Some(csrf), &body)).await
}

async fn read(app: &axum::Router, id: &str, (cookie, _): &(String, String)) -> Value {
    let (response, body) = send(app, get(&format!("/api/proposals/{id}"), Some(cookie))).await;
    assert_eq!(response.status(), StatusCode::OK, "{body}");
    body
}

/// Closes `id` at the deadline, as the board does from the shell, and moves the clock
/// past it.
async fn close(voting: &support::Voting, id: &str) {
    let mut proposal = voting.coop.proposal(id).await.unwrap();
    let at = CLOSES.parse().unwrap();
    proposal
        .close(at, "2027-02-01T17:00:00Z".parse().unwrap(), None)
        .await
        .unwrap();
    voting.clock.set("2027-02-01T17:30:00Z");
}

#[tokio::test]
async fn members_read_and_vote_and_see_the_count_only_when_the_proposal_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    let voting = voting(dir.path()).await;
    let app = &voting.app;
    let (response, body) = send(app, get("/api/proposals", None)).await;
    assert_problem(&response, &body, 401, "signed-out");

    let ada = sign_in_as(app, 1).await;
    let (response, list) = send(app, get("/api/proposals", Some(&ada.0))).await;
    assert_eq!(response.status(), StatusCode::OK, "{list}");
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["later", "board", "name", "shop"], "newest first");
    assert_eq!(
        list[3],
        json!({
            "id": "shop", "title": "Open a second shop", "kind": "motion", "phase": "open",
            "secrecy": "open", "opens_at": "2027-02-01T09:00:00Z", "closes_at": CLOSES,
        })
    );
    assert_eq!(list[0]["phase"], "scheduled");
    assert_eq!(list[1]["kind"], "election");
    assert_eq!(list[1]["secrecy"], "secret");

    let shop = read(app, "shop", &ada).await;
    assert_eq!(shop["phase"], "open");
    assert_eq!(shop["spec"]["title"], "Open a second shop");
    assert_eq!(shop["spec"]["visibility"], "after_close");
    assert_eq!(
        shop["electorate"],
        json!({"voters": 5, "total_weight": "5"})
    );
    assert_eq!(shop["may_vote"], true);
    assert_eq!(shop["why_not"], Value::Null);
    assert_eq!(shop["interim"], Value::Null);
    assert_eq!(shop["outcome"], Value::Null);

    let (response, cast) = vote(app, "shop", &ada, json!({"choice": "yes"})).await;
    assert_eq!(response.status(), StatusCode::CREATED, "{cast}");
    assert_eq!(cast["proposal"], "shop");
    assert_eq!(cast["secrecy"], "open");
    assert!(cast.get("receipt").is_none(), "{cast}");
    assert_eq!(cast["recorded"][0]["type"], "voted");
    assert_eq!(cast["recorded"][0]["voter"], "1");
    assert_eq!(cast["recorded"][0]["choice"], "yes");
    assert_eq!(cast["recorded"][0]["at"], NOW);

    // Voted: no second vote, and still no count before the close.
    let shop = read(app, "shop", &ada).await;
    assert_eq!(shop["may_vote"], false);
    assert!(
        shop["why_not"].as_str().unwrap().contains("has voted"),
        "{shop}"
    );
    assert_eq!(shop["interim"], Value::Null);
    let (response, body) = vote(app, "shop", &ada, json!({"choice": "no"})).await;
    assert_problem(&response, &body, 409, "already-voted");
    assert_eq!(
        body["detail"],
        "`1` has voted, and this proposal does not allow changing a vote"
    );

    // `name` shows its count to a voter once they have voted, and takes changed votes.
    let bo = sign_in_as(app, 2).await;
    assert_eq!(read(app, "name", &bo).await["interim"], Value::Null);
    let (response, body) = vote(
        app,
        "name",
        &bo,
        json!({"choice": "no", "reason": "too long"}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED, "{body}");
    assert_eq!(body["recorded"][0]["reason"], "too long");
    let name = read(app, "name", &bo).await;
    assert_eq!(name["interim"]["choices"]["no"]["people"], 1, "{name}");
    assert_eq!(name["may_vote"], true, "votes may change");
    let (response, body) = vote(app, "name", &bo, json!({"choice": "yes"})).await;
    assert_eq!(response.status(), StatusCode::CREATED, "{body}");
    let name = read(app, "name", &bo).await;
    assert_eq!(
        name["interim"]["choices"],
        json!({"yes": {"people": 1, "weight": "1"}})
    );
    // Ada has not voted on `name`: she sees no count.
    assert_eq!(read(app, "name", &ada).await["interim"], Value::Null);

    // Cy delegates to Ada on shops; at the close Ada's yes carries Cy too.
    let cy = sign_in_as(app, 3).await;
    let (response, body) = send(
        app,
        request(
            Method::POST,
            "/api/me/delegations",
            &cy.0,
            Some(&cy.1),
            r#"{"to": 1, "topics": ["shops"]}"#,
        ),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED, "{body}");

    close(&voting, "shop").await;
    let shop = read(app, "shop", &bo).await;
    assert_eq!(shop["phase"], "closed");
    assert_eq!(shop["interim"], Value::Null);
    let outcome = &shop["outcome"];
    assert_eq!(outcome["verdict"], "passed", "{outcome}");
    assert_eq!(outcome["motion"]["yes"]["people"], 2, "{outcome}");
    assert_eq!(outcome["delegated"], 1);
    assert_eq!(shop["may_vote"], false);
    let (response, body) = vote(app, "shop", &bo, json!({"choice": "no"})).await;
    assert_problem(&response, &body, 409, "not-open");
}

#[tokio::test]
async fn strangers_to_the_electorate_and_former_members_may_read_but_not_vote() {
    let dir = tempfile::tempdir().unwrap();
    let voting = voting(dir.path()).await;
    let app = &voting.app;

    // Fi (6) is a member, but was not on the roll: not in the electorate.
    let fi = sign_in_as(app, 6).await;
    let shop = read(app, "shop", &fi).await;
    assert_eq!(shop["may_vote"], false);
    assert_eq!(shop["why_not"], "`6` is not in this proposal's electorate");
    let (response, body) = vote(app, "shop", &fi, json!({"choice": "yes"})).await;
    assert_problem(&response, &body, 403, "not-a-voter");

    // Ev (5) was on the roll, and was expelled since: a former member reads, no more.
    let ev = sign_in_as(app, 5).await;
    let (response, session) = send(app, get("/api/session", Some(&ev.0))).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(session["standing"], "former");
    let (response, _) = send(app, get("/api/proposals", Some(&ev.0))).await;
    assert_eq!(response.status(), StatusCode::OK);
    let shop = read(app, "shop", &ev).await;
    assert_eq!(shop["may_vote"], false);
    assert!(
        shop["why_not"]
            .as_str()
            .unwrap()
            .contains("has left the co-op"),
        "{shop}"
    );
    let (response, body) = vote(app, "shop", &ev, json!({"choice": "yes"})).await;
    assert_problem(&response, &body, 403, "former-member");
    let (response, body) = send(
        app,
        request(
            Method::POST,
            "/api/me/delegations",
            &ev.0,
            Some(&ev.1),
            r#"{"to": 1}"#,
        ),
    )
    .await;
    assert_problem(&response, &body, 403, "former-member");
    let (response, body) = send(
        app,
        request(
            Method::POST,
            "/api/proposals/shop/proxy",
            &ev.0,
            Some(&ev.1),
            r#"{"holder": 1}"#,
        ),
    )
    .await;
    assert_problem(&response, &body, 403, "former-member");

    // Nobody votes on a proposal that has not opened.
    let ada = sign_in_as(app, 1).await;
    let later = read(app, "later", &ada).await;
    assert_eq!(later["phase"], "scheduled");
    assert_eq!(later["electorate"], Value::Null);
    assert_eq!(later["may_vote"], false);
    let (response, body) = vote(app, "later", &ada, json!({"choice": "yes"})).await;
    assert_problem(&response, &body, 409, "not-open");
}

#[tokio::test]
async fn a_member_gives_a_proxy_and_the_holder_votes_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let voting = voting(dir.path()).await;
    let app = &voting.app;
    let ada = sign_in_as(app, 1).await;
    let di = sign_in_as(app, 4).await;

    let (response, body) = vote(app, "shop", &ada, json!({"choice": "yes", "proxy_for": 4})).await;
    assert_problem(&response, &body, 422, "refused");
    assert_eq!(body["detail"], "`1` holds no proxy from `4`");

    let proxy = |member: &(String, String), body: &str| {
        request(
            Method::POST,
            "/api/proposals/shop/proxy",
            &member.0,
            Some(&member.1),
            body,
        )
    };
    let (response, body) = send(app, proxy(&di, r#"{"holder": 1}"#)).await;
    assert_eq!(response.status(), StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({"proposal": "shop", "member": "4", "holder": "1"})
    );
    let (response, body) = send(app, proxy(&di, r#"{"holder": 2}"#)).await;
    assert_problem(&response, &body, 422, "refused");
    assert!(
        body["detail"].as_str().unwrap().contains("already given"),
        "{body}"
    );
    let (response, body) = send(app, proxy(&di, r#"{"holder": 6}"#)).await;
    assert_problem(&response, &body, 403, "not-a-voter");

    let (response, body) = vote(app, "shop", &ada, json!({"choice": "no", "proxy_for": 4})).await;
    assert_eq!(response.status(), StatusCode::CREATED, "{body}");
    let recorded = &body["recorded"][0];
    assert_eq!(
        (&recorded["voter"], &recorded["by"]),
        (&json!("4"), &json!("1"))
    );
    assert_eq!(recorded["choice"], "no");
    // Ada's own ballot is still hers to cast.
    let (response, body) = vote(app, "shop", &ada, json!({"choice": "yes"})).await;
    assert_eq!(response.status(), StatusCode::CREATED, "{body}");
}

#[tokio::test]
async fn a_secret_ballot_answers_with_a_receipt_its_voter_checks() {
    let dir = tempfile::tempdir().unwrap();
    let voting = voting(dir.path()).await;
    let app = &voting.app;
    let ada = sign_in_as(app, 1).await;
    let check = |member: &(String, String), id: &str, receipt: &str| {
        request(
            Method::POST,
            &format!("/api/proposals/{id}/receipts"),
            &member.0,
            Some(&member.1),
            &json!({"receipt": receipt}).to_string(),
        )
    };

    let (response, cast) = vote(app, "board", &ada, json!({"ranking": [0, 1]})).await;
    assert_eq!(response.status(), StatusCode::CREATED, "{cast}");
    assert_eq!(cast["secrecy"], "secret");
    assert!(cast.get("recorded").is_none(), "{cast}");
    let receipt = cast["receipt"].as_str().unwrap().to_owned();
    assert_eq!(receipt.len(), 29, "{receipt}");

    // Typed loosely, as people do: lower case, no dashes.
    let typed = receipt.to_lowercase().replace('-', "");
    let (response, found) = send(app, check(&ada, "board", &typed)).await;
    assert_eq!(response.status(), StatusCode::OK, "{found}");
    assert_eq!(
        found,
        json!({
            "proposal": "board", "receipt": receipt, "place": "ballot_box", "counted": false,
            "weight": "1", "mark": {"ranking": [0, 1]},
        })
    );

    let board = read(app, "board", &ada).await;
    assert_eq!(board["may_vote"], false);
    assert_eq!(
        board["interim"],
        Value::Null,
        "a secret ballot shows no count"
    );
    let (response, body) = vote(app, "board", &ada, json!({"ranking": [1]})).await;
    assert_problem(&response, &body, 409, "already-voted");

    let bo = sign_in_as(app, 2).await;
    let (response, body) = vote(
        app,
        "board",
        &bo,
        json!({"ranking": [1], "reason": "she listens"}),
    )
    .await;
    assert_problem(&response, &body, 422, "refused");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("takes no reasons"),
        "{body}"
    );
    let (response, body) = vote(app, "board", &bo, json!({"choice": "yes"})).await;
    assert_problem(&response, &body, 422, "refused");
    for (member, ranking) in [(2, json!([1, 0])), (3, json!([0]))] {
        let voter = sign_in_as(app, member).await;
        let (response, body) = vote(app, "board", &voter, json!({"ranking": ranking})).await;
        assert_eq!(response.status(), StatusCode::CREATED, "{body}");
    }

    // A receipt nobody holds, one that is not a receipt, and an open ballot's.
    let (response, body) = send(app, check(&bo, "board", &"0".repeat(24))).await;
    assert_problem(&response, &body, 404, "not-found");
    let (response, body) = send(app, check(&bo, "board", "7KQ2-MF3A")).await;
    assert_problem(&response, &body, 422, "invalid-body");
    let (response, body) = send(app, check(&bo, "shop", &receipt)).await;
    assert_problem(&response, &body, 422, "refused");
    assert!(
        body["detail"].as_str().unwrap().contains("open ballot"),
        "{body}"
    );

    close(&voting, "board").await;
    let (response, found) = send(app, check(&ada, "board", &receipt)).await;
    assert_eq!(response.status(), StatusCode::OK, "{found}");
    assert_eq!(found["place"], "published");
    assert_eq!(found["counted"], true);
    let board = read(app, "board", &ada).await;
    assert_eq!(board["outcome"]["ballots"]["counted"], 3, "{board}");
    assert_eq!(board["outcome"]["verdict"], "elected", "{board}");
}

#[tokio::test]
async fn delegations_are_given_listed_and_revoked() {
    let dir = tempfile::tempdir().unwrap();
    let voting = voting(dir.path()).await;
    let app = &voting.app;
    let bo = sign_in_as(app, 2).await;
    let path = "/api/me/delegations";
    let give = |body: &str| request(Method::POST, path, &bo.0, Some(&bo.1), body);

    let (response, given) = send(app, give(r#"{"to": 1}"#)).await;
    assert_eq!(response.status(), StatusCode::CREATED, "{given}");
    assert_eq!(
        given,
        json!({"to": "1", "topics": [], "since": NOW, "until": null})
    );
    let until = "2027-12-31T00:00:00Z";
    let body = json!({"to": 3, "topics": ["shops"], "until": until}).to_string();
    let (response, given) = send(app, give(&body)).await;
    assert_eq!(response.status(), StatusCode::CREATED, "{given}");
    assert_eq!(given["until"], until);
    let (response, list) = send(app, get(path, Some(&bo.0))).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 2, "{list}");

    let (response, body) = send(app, give(r#"{"to": 2}"#)).await;
    assert_problem(&response, &body, 422, "refused");
    assert_eq!(body["detail"], "`2` cannot delegate to themselves");
    let (response, body) = send(app, give(r#"{"to": 0}"#)).await;
    assert_problem(&response, &body, 422, "invalid-body");
    let (response, body) = send(app, give(r#"{"to": 1, "until": "2027-01-01T00:00:00Z"}"#)).await;
    assert_problem(&response, &body, 422, "refused");
    let (response, body) = send(app, give(r#"{"to": 1, "topic": "shops"}"#)).await;
    assert_problem(&response, &body, 422, "invalid-body");
    let (response, body) = send(
        app,
        request(Method::POST, path, &bo.0, None, r#"{"to": 1}"#),
    )
    .await;
    assert_problem(&response, &body, 403, "csrf");

    let revoke = |path: &str| request(Method::DELETE, path, &bo.0, Some(&bo.1), "");
    let (response, left) = send(app, revoke("/api/me/delegations/shops")).await;
    assert_eq!(response.status(), StatusCode::OK, "{left}");
    assert_eq!(
        left,
        json!([{"to": "1", "topics": [], "since": NOW, "until": null}])
    );
    let (response, body) = send(app, revoke("/api/me/delegations/shops")).await;
    assert_problem(&response, &body, 422, "refused");
    let (response, left) = send(app, revoke(path)).await;
    assert_eq!(response.status(), StatusCode::OK, "{left}");
    assert_eq!(left, json!([]));
    let (response, body) = send(app, revoke(path)).await;
    assert_problem(&response, &body, 422, "refused");
    assert_eq!(body["detail"], "`2` has no delegation in force to revoke");
}

#[tokio::test]
async fn bad_requests_are_problem_documents() {
    let dir = tempfile::tempdir().unwrap();
    let voting = voting(dir.path()).await;
    let app = &voting.app;
    let ada = sign_in_as(app, 1).await;

    // A mistyped id names the id and the proposals there are, and nothing of the store.
    let (response, body) = send(app, get("/api/proposals/shpo", Some(&ada.0))).await;
    assert_problem(&response, &body, 404, "not-found");
    assert_eq!(
        body["detail"],
        "there is no proposal `shpo`; the proposals are `board`, `later`, `name`, `shop`"
    );
    let (response, body) = vote(app, "shpo", &ada, json!({"choice": "yes"})).await;
    assert_problem(&response, &body, 404, "not-found");
    let (response, body) = send(app, get("/api/proposals/a%20b", Some(&ada.0))).await;
    assert_problem(&response, &body, 404, "not-found");

    let path = "/api/proposals/shop/ballots";
    let (response, body) = send(
        app,
        request(Method::POST, path, &ada.0, None, r#"{"choice": "yes"}"#),
    )
    .await;
    assert_problem(&response, &body, 403, "csrf");
    let mut not_json = request(Method::POST, path, &ada.0, Some(&ada.1), "choice=yes");
    not_json.headers_mut().remove(header::CONTENT_TYPE);
    let (response, body) = send(app, not_json).await;
    assert_problem(&response, &body, 415, "unsupported-media-type");
    let (response, body) = send(
        app,
        request(Method::POST, path, &ada.0, Some(&ada.1), r#"{"choice": "#),
    )
    .await;
    assert_problem(&response, &body, 400, "bad-request");

    for (ballot, kind) in [
        (json!({"choice": "maybe"}), "invalid-body"),
        (json!({"choice": "yes", "ranking": [0]}), "invalid-body"),
        (json!({"reason": "no mark"}), "invalid-body"),
        (json!({"ranking": [70000]}), "invalid-body"),
        (json!({"choice": "yes", "proxy_for": 0}), "invalid-body"),
        (json!({"ranking": [0]}), "refused"),
        (json!({"choice": "block", "reason": "not here"}), "refused"),
    ] {
        let (response, body) = vote(app, "shop", &ada, ballot).await;
        assert_problem(&response, &body, 422, kind);
    }
    // An unknown field is named.
    let (response, body) = vote(app, "shop", &ada, json!({"choice": "yes", "weight": 100})).await;
    assert_problem(&response, &body, 422, "invalid-body");
    assert!(
        body["detail"].as_str().unwrap().contains("weight"),
        "{body}"
    );

    // None of it was recorded: Ada still may vote.
    assert_eq!(read(app, "shop", &ada).await["may_vote"], true);
}

#[tokio::test]
async fn the_openapi_document_describes_the_decision_routes() {
    let dir = tempfile::tempdir().unwrap();
    let voting = voting(dir.path()).await;
    let (response, doc) = send(&voting.app, get("/api/openapi.json", None)).await;
    assert_eq!(response.status(), StatusCode::OK);
    for (path, method) in [
        ("/api/proposals", "get"),
        ("/api/proposals/{id}", "get"),
        ("/api/proposals/{id}/ballots", "post"),
        ("/api/proposals/{id}/proxy", "post"),
        ("/api/proposals/{id}/receipts", "post"),
        ("/api/me/delegations", "get"),
        ("/api/me/delegations", "post"),
        ("/api/me/delegations", "delete"),
        ("/api/me/delegations/{topic}", "delete"),
    ] {
        assert!(doc["paths"][path][method].is_object(), "{path} {method}");
    }
    for schema in [
        "ProposalView",
        "BallotRequest",
        "CastView",
        "ReceiptView",
        "DelegationView",
    ] {
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
    }
}

/// Ballot bodies near the real thing: marks of every kind, right and wrong, reasons,
/// proxies, unknown fields, and bytes.
fn ballot_body() -> impl Strategy<Value = Vec<u8>> {
    let index = prop_oneof![0u32..4, Just(70_000), Just(u32::MAX)];
    let mark = prop_oneof![
        3 => prop::sample::select(vec!["yes", "no", "abstain", "block", "maybe", ""])
            .prop_map(|c| format!("\"choice\": \"{c}\"")),
        2 => prop::collection::vec(index.clone(), 0..4)
            .prop_map(|r| format!("\"ranking\": {}", json!(r))),
        1 => prop::collection::vec(index, 0..4).prop_map(|a| format!("\"approvals\": {}", json!(a))),
        1 => Just("\"choice\": null".to_owned()),
        1 => Just("\"choice\": 1".to_owned()),
    ];
    let marks = prop_oneof![
        1 => Just(0..1),
        6 => Just(1..2),
        1 => Just(2..3),
    ]
    .prop_flat_map(move |n| prop::collection::vec(mark.clone(), n));
    let extra = prop_oneof![
        3 => Just(None),
        1 => ".{0,20}".prop_map(|r| Some(format!("\"reason\": {}", json!(r)))),
        1 => prop_oneof![Just(0i64), Just(1), Just(4), Just(6), Just(-1), Just(99)]
            .prop_map(|p| Some(format!("\"proxy_for\": {p}"))),
        1 => Just(Some("\"weight\": 10".to_owned())),
    ];
    let shaped = (marks, extra).prop_map(|(marks, extra)| {
        let fields: Vec<String> = marks.into_iter().chain(extra).collect();
        format!("{{{}}}", fields.join(", ")).into_bytes()
    });
    prop_oneof![4 => shaped, 1 => prop::collection::vec(any::<u8>(), 0..48)]
}

#[test]
fn every_ballot_body_is_recorded_or_refused_with_a_4xx_problem() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (voting, ada) = runtime.block_on(async {
        let voting = voting(dir.path()).await;
        let ada = sign_in_as(&voting.app, 1).await;
        (voting, ada)
    });
    let recorded = std::sync::atomic::AtomicUsize::new(0);
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(96));
    runner
        .run(&ballot_body(), |body| {
            runtime.block_on(async {
                // `name` takes changed votes, so every good ballot is recorded again.
                for id in ["name", "board"] {
                    let path = format!("/api/proposals/{id}/ballots");
                    let mut req = request(Method::POST, &path, &ada.0, Some(&ada.1), "");
                    *req.body_mut() = axum::body::Body::from(body.clone());
                    let response = voting.app.clone().oneshot(req).await.unwrap();
                    let status = response.status();
                    if status.is_success() {
                        prop_assert_eq!(status, StatusCode::CREATED);
                        recorded.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    } else {
                        prop_assert!(
                            status.is_client_error(),
                            "{} {}",
                            status,
                            String::from_utf8_lossy(&body)
                        );
                        prop_assert_eq!(
                            &response.headers()[header::CONTENT_TYPE],
                            andel_http::PROBLEM_JSON
                        );
                    }
                }
                Ok(())
            })
        })
        .unwrap();
    // The property says something only if some bodies were good ballots.
    assert!(recorded.into_inner() > 0, "no body was a ballot");
}
