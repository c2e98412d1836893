//! Hostile input to the sign-in route: whatever the body, the answer is a session or a
//! problem document with a 4xx status, never a server error, and nobody is signed in
//! without the password.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::sync::Arc;

use andel_http::{App, PROBLEM_JSON, SignInLimits, router};
use andel_journal::Timestamp;
use andel_ledger::{Command, MemberNumber, Statutes, event::Person};
use andel_service::{Access, Coop};
use axum::body::Body;
use axum::http::{Request, header};
use proptest::prelude::*;
use tower::ServiceExt;

const PASSWORD: &str = "correct horse battery staple";

async fn app(dir: &std::path::Path) -> axum::Router {
    let location = format!("sqlite:{}", dir.join("coop.db").display())
        .parse()
        .unwrap();
    let coop = Coop::open(&location, "solrosen".parse().unwrap(), Access::Start)
        .await
        .unwrap();
    let mut ledger = coop.membership().await.unwrap();
    let statutes = Statutes::from_toml(
        "name = \"Solrosen\"\ncurrency = { code = \"SEK\", scale = 2 }\n[[classes]]\nid = \"members\"\nname = \"Members\"\nnominal = \"100.00\"\nmin_shares = 1\nadmission = \"automatic\"\n",
    )
    .unwrap();
    let (on, at): (_, Timestamp) = (
        "2027-01-01".parse().unwrap(),
        "2027-01-01T09:00:00Z".parse().unwrap(),
    );
    ledger
        .record(
            Command::AdoptStatutes {
                statutes: Box::new(statutes),
            },
            on,
            at,
            None,
        )
        .await
        .unwrap();
    let apply = Command::ApplyForMembership {
        name: "Ada".into(),
        person: Person::Natural,
        class: "members".parse().unwrap(),
    };
    ledger.record(apply, on, at, None).await.unwrap();
    coop.set_password(MemberNumber::new(1).unwrap(), PASSWORD, at)
        .await
        .unwrap();
    // No limits here: the property is about the answers, not the counting.
    let unlimited = andel_http::Limit {
        attempts: u32::MAX,
        window_seconds: 1,
    };
    let limits = SignInLimits {
        per_member: unlimited,
        per_address: unlimited,
    };
    router(App::new(Arc::new(coop)).with_limits(limits))
}

/// Bodies near the real thing: fields renamed, retyped, added and dropped, and bytes.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let member = prop_oneof![
        Just("1".to_owned()),
        any::<i64>().prop_map(|n| n.to_string()),
        Just("\"1\"".to_owned()),
        Just("null".to_owned()),
        Just("1.5".to_owned()),
    ];
    let password = prop_oneof![
        Just(format!("\"{PASSWORD}\"")),
        ".{0,40}".prop_map(|p| serde_json::to_string(&p).unwrap()),
        Just("42".to_owned()),
    ];
    let shaped =
        (member, password, any::<bool>(), any::<bool>()).prop_map(|(m, p, extra, drop)| {
            let mut fields = vec![format!("\"member\": {m}")];
            if !drop {
                fields.push(format!("\"password\": {p}"));
            }
            if extra {
                fields.push("\"admin\": true".to_owned());
            }
            format!("{{{}}}", fields.join(", ")).into_bytes()
        });
    prop_oneof![3 => shaped, 1 => proptest::collection::vec(any::<u8>(), 0..64)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn sign_in_answers_every_body_with_a_session_or_a_problem(bodies in proptest::collection::vec(body(), 1..4)) {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async {
            let dir = tempfile::tempdir().unwrap();
            let app = app(dir.path()).await;
            for body in bodies {
                let exact = body == format!("{{\"member\": 1, \"password\": \"{PASSWORD}\"}}").into_bytes();
                let request = Request::post("/api/session")
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(body))
                    .unwrap();
                let response = app.clone().oneshot(request).await.unwrap();
                let status = response.status();
                if status.is_success() {
                    prop_assert!(exact, "signed in without the exact body");
                    prop_assert!(response.headers().contains_key(header::SET_COOKIE));
                } else {
                    prop_assert!(status.is_client_error(), "{status}");
                    prop_assert_eq!(&response.headers()[header::CONTENT_TYPE], PROBLEM_JSON);
                    prop_assert!(!response.headers().contains_key(header::SET_COOKIE));
                }
            }
            Ok(())
        })?;
    }
}
