//! Errors as RFC 9457 problem details (`application/problem+json`): a stable type, a
//! title, the status, and a sentence that says what was wrong with which input.

use andel_decisions::ProposalError;
use andel_journal::StoredError;
use andel_service::ServiceError;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// The media type of a problem.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// What went wrong, as RFC 9457 problem details.
///
/// ```
/// use andel_http::Problem;
///
/// let problem = Problem::new(401, "signed-out", "Not signed in", "sign in first");
/// assert_eq!(problem.kind, "urn:andel:problem:signed-out");
/// assert_eq!(serde_json::to_value(&problem)?["type"], "urn:andel:problem:signed-out");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Problem {
    /// A URN naming the kind of problem (`urn:andel:problem:signed-out`); stable, for
    /// programs to branch on.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind, the same for every occurrence.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What was wrong this time, naming the input.
    pub detail: String,
    /// Seconds to wait before trying again, for `too-many-attempts`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

impl Problem {
    /// A problem of kind `urn:andel:problem:{name}`.
    pub fn new(status: u16, name: &str, title: &str, detail: impl Into<String>) -> Self {
        Problem {
            kind: format!("urn:andel:problem:{name}"),
            title: title.to_owned(),
            status,
            detail: detail.into(),
            retry_after: None,
        }
    }

    /// Nothing of that name: `detail` says what was asked for, and what there is.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Problem::new(404, "not-found", "Not found", detail)
    }

    /// A request body or query that could not be read.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Problem::new(400, "bad-request", "The request could not be read", detail)
    }
}

impl From<ServiceError> for Problem {
    fn from(err: ServiceError) -> Self {
        let detail = err.to_string();
        match err {
            ServiceError::SignIn => Problem::new(401, "sign-in-failed", "Sign-in failed", detail),
            ServiceError::SignedOut => Problem::new(401, "signed-out", "Not signed in", detail),
            ServiceError::NotAllowed { .. } => {
                Problem::new(403, "not-allowed", "Not allowed by the ledger", detail)
            }
            ServiceError::Password(_) => {
                Problem::new(422, "password-refused", "Password refused", detail)
            }
            // Not the service's message, which names the database.
            ServiceError::NoProposal { id, known, .. } => {
                Problem::not_found(no_proposal(&id, &known))
            }
            ServiceError::ProposalId { .. } | ServiceError::NoStream { .. } => {
                Problem::not_found(detail)
            }
            ServiceError::Proposal(StoredError::Decide(refused)) => {
                proposal_refused(&refused, detail)
            }
            other if other.is_refusal() => Problem::new(422, "refused", "Refused", detail),
            other => {
                // Store and replay failures say more than a client should see; the
                // operator's log has it all.
                tracing::error!(error = %other, "a use case failed");
                Problem::new(
                    500,
                    "internal",
                    "The service failed",
                    "the co-op's service failed to answer; its operator's log says why",
                )
            }
        }
    }
}

/// Which refusal of a proposal's: not a voter, voted already, not open for it now, or
/// another rule of the proposal's.
fn proposal_refused(refused: &ProposalError, detail: String) -> Problem {
    match refused {
        ProposalError::NotAVoter { .. } => Problem::new(
            403,
            "not-a-voter",
            "Not in the proposal's electorate",
            detail,
        ),
        ProposalError::AlreadyVoted { .. } => {
            Problem::new(409, "already-voted", "Already voted", detail)
        }
        ProposalError::Phase { .. } | ProposalError::Time { .. } => {
            Problem::new(409, "not-open", "Not open for that now", detail)
        }
        _ => Problem::new(422, "refused", "Refused", detail),
    }
}

fn no_proposal(id: &str, known: &[String]) -> String {
    if known.is_empty() {
        return format!("there is no proposal `{id}`, nor any other yet");
    }
    let known: Vec<String> = known.iter().map(|id| format!("`{id}`")).collect();
    format!(
        "there is no proposal `{id}`; the proposals are {}",
        known.join(", ")
    )
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry_after = self.retry_after;
        let mut response = (status, axum::Json(self)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(seconds) = retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
