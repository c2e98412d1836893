//! The session cookie, and the extractors that turn it into a signed-in member.

use andel_consent::MemberId;
use andel_decisions::VoterId;
use andel_journal::AuthorId;
use andel_service::{SESSION_HOURS, Session, Standing};
use axum::extract::FromRef;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use subtle::ConstantTimeEq;

use crate::{App, Problem};

/// The cookie that carries the session's token.
pub const SESSION_COOKIE: &str = "andel_session";

/// The header a request that changes something must carry: the session's CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The `Set-Cookie` value that gives the browser `token`: not readable by scripts
/// (`HttpOnly`), sent only over HTTPS and to localhost (`Secure`), never with a request
/// another site starts (`SameSite=Strict`).
pub(crate) fn session_cookie(token: &str) -> HeaderValue {
    let max_age = SESSION_HOURS * 3600;
    cookie(&format!("{SESSION_COOKIE}={token}; Max-Age={max_age}"))
}

/// The `Set-Cookie` value that removes the session cookie.
pub(crate) fn cleared_cookie() -> HeaderValue {
    cookie(&format!("{SESSION_COOKIE}=; Max-Age=0"))
}

fn cookie(start: &str) -> HeaderValue {
    let value = format!("{start}; Path=/; HttpOnly; Secure; SameSite=Strict");
    // Tokens are hex digits: the value is always a valid header.
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The session token in the request's cookies, if any.
pub(crate) fn token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(SESSION_COOKIE)?.strip_prefix('='))
}

/// A signed-in member, from the session cookie. A request that changes something
/// (anything but `GET`, `HEAD` and `OPTIONS`) must also carry the session's CSRF token
/// in the `X-CSRF-Token` header.
///
/// Rejects with 401 `signed-out` without a session in force, and 403 `csrf` without
/// the right token.
#[derive(Debug, Clone)]
pub struct SignedInMember(pub Session);

impl SignedInMember {
    /// The member's id in the consent and audit journals: their member number.
    ///
    /// # Errors
    ///
    /// Never for a member number; the consent crate's own check still runs.
    pub fn member_id(&self) -> Result<MemberId, Problem> {
        Self::member_id_of(&self.0)
    }

    /// The member's id as a voter in the co-op's decisions: their member number, as
    /// the ledger's roll names voters.
    ///
    /// # Errors
    ///
    /// Never for a member number; the decisions crate's own check still runs.
    pub fn voter_id(&self) -> Result<VoterId, Problem> {
        Self::voter_id_of(&self.0)
    }

    /// The author of what the member records themselves: `member.N`, an opaque id.
    ///
    /// # Errors
    ///
    /// Never for a member number; the journal's own check still runs.
    pub fn author(&self) -> Result<AuthorId, Problem> {
        Self::author_of(&self.0)
    }

    /// Only a member in force may use the services and change things; a former member
    /// keeps their data and its export, and may withdraw consent. `what` says what they
    /// asked to do, for the answer.
    ///
    /// # Errors
    ///
    /// `403 former-member` for a member who has left.
    pub fn require_in_force(&self, what: &str) -> Result<(), Problem> {
        Self::in_force(&self.0, what)
    }

    pub(crate) fn member_id_of(session: &Session) -> Result<MemberId, Problem> {
        session
            .member
            .to_string()
            .parse()
            .map_err(|err: andel_consent::NameError| Problem::bad_request(err.to_string()))
    }

    pub(crate) fn voter_id_of(session: &Session) -> Result<VoterId, Problem> {
        VoterId::new(&session.member.to_string())
            .map_err(|err| Problem::bad_request(err.to_string()))
    }

    pub(crate) fn author_of(session: &Session) -> Result<AuthorId, Problem> {
        AuthorId::new(format!("member.{}", session.member))
            .map_err(|err| Problem::bad_request(err.to_string()))
    }

    pub(crate) fn in_force(session: &Session, what: &str) -> Result<(), Problem> {
        match session.standing {
            Standing::Member => Ok(()),
            Standing::Former => Err(Problem::new(
                403,
                "former-member",
                "Former members keep their data, not the services",
                format!(
                    "member {} has left the co-op, and cannot {what}; their data and its export stay theirs",
                    session.member
                ),
            )),
        }
    }
}

impl<S> FromRequestParts<S> for SignedInMember
where
    App: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        let app = App::from_ref(state);
        let Some(token) = token(&parts.headers) else {
            return Err(Problem::from(andel_service::ServiceError::SignedOut));
        };
        let session = app.coop().session(token, app.now()?).await?;
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .map(HeaderValue::as_bytes)
                .unwrap_or_default();
            if !bool::from(sent.ct_eq(session.csrf.as_bytes())) {
                return Err(Problem::new(
                    403,
                    "csrf",
                    "Missing or wrong CSRF token",
                    format!(
                        "a request that changes something sends the session's CSRF token in the {CSRF_HEADER} header"
                    ),
                ));
            }
        }
        Ok(SignedInMember(session))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn the_token_is_found_among_other_cookies() {
        let mut headers = HeaderMap::new();
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("theme=dark; lang=sv"),
        );
        assert_eq!(token(&headers), None);
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("andel_session_old=x; andel_session=abc123"),
        );
        assert_eq!(token(&headers), Some("abc123"));
    }

    proptest::proptest! {
        #[test]
        fn the_token_is_found_wherever_it_sits(
            others in proptest::collection::vec(("[a-z_]{1,16}", "[A-Za-z0-9]{0,20}"), 0..6),
            at in 0usize..7,
            token in "[0-9a-f]{64}",
        ) {
            let mut pairs: Vec<String> = others
                .iter()
                .filter(|(name, _)| name != SESSION_COOKIE)
                .map(|(name, value)| format!("{name}={value}"))
                .collect();
            pairs.insert(at.min(pairs.len()), format!("{SESSION_COOKIE}={token}"));
            let mut headers = HeaderMap::new();
            headers.insert(header::COOKIE, HeaderValue::from_str(&pairs.join("; ")).unwrap());
            proptest::prop_assert_eq!(super::token(&headers), Some(token.as_str()));
        }
    }

    #[test]
    fn the_cookie_is_kept_from_scripts_and_other_sites() {
        let set = session_cookie("ab12");
        let set = set.to_str().unwrap();
        for flag in [
            "HttpOnly",
            "Secure",
            "SameSite=Strict",
            "Path=/",
            "Max-Age=43200",
        ] {
            assert!(set.contains(flag), "{set}");
        }
        assert!(cleared_cookie().to_str().unwrap().contains("Max-Age=0"));
    }
}
