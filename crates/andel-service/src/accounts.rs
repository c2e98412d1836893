//! Members' sign-in to the co-op's web services: passwords hashed with argon2id,
//! server-side sessions whose tokens the database never sees, and only the people the
//! ledger says may use the service get in.
//!
//! The HTTP layer (`andel-http`) calls these use cases and sets the cookie; nothing here
//! knows about HTTP.

use std::str::FromStr;

use andel_journal::{Digest, SubjectId, Timestamp};
use andel_ledger::{ClassId, Command, Event, MemberNumber, Status, event::Person};
use andel_store::SessionRecord;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::{Coop, ServiceError};

/// How long a session lasts after signing in: a working day. Signing out ends it
/// sooner.
pub const SESSION_HOURS: i64 = 12;

/// The shortest password accepted, in characters: NIST SP 800-63B-4's minimum for a
/// password that is the only factor. No other composition rule is imposed.
pub const PASSWORD_MIN_CHARS: usize = 15;

/// The longest password accepted, in bytes: long passphrases are welcome, but hashing
/// megabytes is not.
pub const PASSWORD_MAX_BYTES: usize = 1024;

/// A member who has signed in: the session's token (to set as the cookie; the database
/// keeps only its hash) and what the session allows.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedIn {
    /// The secret token, 64 hex digits.
    pub token: String,
    /// The session.
    pub session: Session,
}

impl std::fmt::Debug for SignedIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedIn")
            .field("token", &"…")
            .field("session", &self.session)
            .finish()
    }
}

/// A session in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Whose it is.
    pub member: MemberNumber,
    /// What the ledger lets them do now.
    pub standing: Standing,
    /// The token every form and API call that changes something must send back
    /// (protection against cross-site request forgery).
    pub csrf: String,
    /// When it ends.
    pub expires_at: Timestamp,
}

/// What the ledger lets a signed-in person do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// An admitted member: the services and the member's own pages.
    Member,
    /// A former member: their own data and its export, nothing else.
    Former,
}

/// The argon2id parameters: OWASP's first choice (19 MiB, 2 passes, 1 lane).
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn refuse_password(password: &str) -> Result<(), ServiceError> {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN_CHARS {
        return Err(ServiceError::Password(format!(
            "a password has at least {PASSWORD_MIN_CHARS} characters; this one has {chars}"
        )));
    }
    if password.len() > PASSWORD_MAX_BYTES {
        return Err(ServiceError::Password(format!(
            "a password has at most {PASSWORD_MAX_BYTES} bytes; this one has {}",
            password.len()
        )));
    }
    Ok(())
}

fn subject(member: MemberNumber) -> Result<SubjectId, ServiceError> {
    Ok(SubjectId::new(member.to_string())?)
}

fn random_hex() -> Result<(String, [u8; 32]), ServiceError> {
    let mut bytes = [0; 32];
    getrandom::fill(&mut bytes)
        .map_err(|err| ServiceError::Refused(format!("the system has no randomness: {err}")))?;
    Ok((Digest::from_bytes(bytes).to_string(), bytes))
}

/// The hash a session's token is kept under.
fn token_hash(token: &str) -> Result<[u8; 32], ServiceError> {
    let bytes = Digest::from_str(token).map_err(|_| ServiceError::SignedOut)?;
    Ok(*Digest::of(bytes.as_bytes()).as_bytes())
}

impl Coop {
    /// Sets `member`'s password for the co-op's web services, replacing any other. The
    /// member must be in the ledger; the password must have at least
    /// [`PASSWORD_MIN_CHARS`] characters. Only its argon2id hash is kept.
    ///
    /// # Errors
    ///
    /// [`ServiceError::Password`] for a password too short or too long, a member the
    /// ledger does not know, or a store failure.
    pub async fn set_password(
        &self,
        member: MemberNumber,
        password: &str,
        at: Timestamp,
    ) -> Result<(), ServiceError> {
        refuse_password(password)?;
        if !self
            .read_ledger(|ledger| ledger.member(member).is_some())
            .await?
        {
            return Err(ServiceError::Refused(format!(
                "there is no member {member} in the ledger"
            )));
        }
        let hash = hash(password)?;
        self.accounts()
            .set_password(&subject(member)?, &hash, at)
            .await?;
        Ok(())
    }

    /// Records an application for membership made online, with the password the
    /// applicant will sign in with once the ledger admits them; their member number.
    ///
    /// The password is checked and hashed before anything is recorded, so a refused
    /// one records nothing; the application is then recorded as `andel ledger apply`
    /// records it (the statutes may admit at once), and the hash kept.
    ///
    /// # Errors
    ///
    /// [`ServiceError::Password`], the ledger's refusal (a class the statutes do not
    /// have, an empty name), or a store failure.
    pub async fn apply_for_membership(
        &self,
        name: &str,
        class: ClassId,
        password: &str,
        now: Timestamp,
    ) -> Result<MemberNumber, ServiceError> {
        refuse_password(password)?;
        let hash = hash(password)?;
        let mut membership = self.membership().await?;
        let command = Command::ApplyForMembership {
            name: name.to_owned(),
            person: Person::Natural,
            class,
        };
        let events = membership
            .record(command, now.as_datetime().date_naive(), now, None)
            .await?;
        let member = events
            .iter()
            .find_map(|event| match event {
                Event::Applied { member, .. } => Some(*member),
                _ => None,
            })
            .ok_or_else(|| ServiceError::Refused("the ledger recorded no application".into()))?;
        self.accounts()
            .set_password(&subject(member)?, &hash, now)
            .await?;
        Ok(member)
    }

    /// Signs `member` in with `password`, opening a session of [`SESSION_HOURS`]. Only
    /// people the ledger says may use the service get in: admitted members, and former
    /// members (to take their data away).
    ///
    /// A wrong password and an unknown member get the same answer, after the same
    /// work.
    ///
    /// # Errors
    ///
    /// [`ServiceError::SignIn`] when the member and password do not match,
    /// [`ServiceError::NotAllowed`] for an applicant or a refused applicant, or a store
    /// failure.
    pub async fn sign_in(
        &self,
        member: MemberNumber,
        password: &str,
        now: Timestamp,
    ) -> Result<SignedIn, ServiceError> {
        let stored = self.accounts().password(&subject(member)?).await?;
        // Without a hash, check against a throwaway one, so that the answer takes as
        // long as for a member with a password.
        let decoy;
        let hash = match &stored {
            Some(hash) => hash.as_str(),
            None => {
                decoy = decoy_hash()?;
                decoy.as_str()
            }
        };
        let parsed = PasswordHash::new(hash).map_err(|err| {
            ServiceError::Refused(format!(
                "the stored hash of member {member} is not PHC: {err}"
            ))
        })?;
        let matches = hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        if !matches || stored.is_none() {
            return Err(ServiceError::SignIn);
        }
        let standing = self.standing(member, now).await?;
        let (token, _) = random_hex()?;
        let (csrf, _) = random_hex()?;
        let expires_at = Timestamp::new(now.as_datetime() + chrono::Duration::hours(SESSION_HOURS))
            .map_err(|err| ServiceError::Refused(format!("the session cannot end: {err}")))?;
        let record = SessionRecord {
            token_hash: token_hash(&token)?,
            member: subject(member)?,
            csrf: csrf.clone(),
            created_at: now,
            expires_at,
        };
        self.accounts().open_session(&record).await?;
        Ok(SignedIn {
            token,
            session: Session {
                member,
                standing,
                csrf,
                expires_at,
            },
        })
    }

    /// The session `token` opened, if it is still in force at `now`, with what the
    /// ledger lets its member do now (a member who left since signing in keeps only
    /// their own data).
    ///
    /// # Errors
    ///
    /// [`ServiceError::SignedOut`] for a token that is unknown, malformed or past its
    /// end; [`ServiceError::NotAllowed`] when the ledger no longer admits the member;
    /// a store failure.
    pub async fn session(&self, token: &str, now: Timestamp) -> Result<Session, ServiceError> {
        let Some(record) = self.accounts().session(&token_hash(token)?).await? else {
            return Err(ServiceError::SignedOut);
        };
        if record.expires_at <= now {
            return Err(ServiceError::SignedOut);
        }
        let member: MemberNumber = record.member.as_str().parse().map_err(|_| {
            ServiceError::Refused(format!("a session names `{}`, not a member", record.member))
        })?;
        Ok(Session {
            member,
            standing: self.standing(member, now).await?,
            csrf: record.csrf,
            expires_at: record.expires_at,
        })
    }

    /// Ends the session `token` opened. Ending one that has already ended is not an
    /// error: signing out twice leaves the member signed out.
    ///
    /// # Errors
    ///
    /// A store failure.
    pub async fn sign_out(&self, token: &str) -> Result<(), ServiceError> {
        if let Ok(hash) = token_hash(token) {
            self.accounts().close_session(&hash).await?;
        }
        Ok(())
    }

    /// Removes `member`'s password and sessions, as when their data is erased.
    ///
    /// # Errors
    ///
    /// A store failure.
    pub async fn forget_account(&self, member: MemberNumber) -> Result<u64, ServiceError> {
        Ok(self.accounts().forget(&subject(member)?).await?)
    }

    async fn standing(
        &self,
        member: MemberNumber,
        now: Timestamp,
    ) -> Result<Standing, ServiceError> {
        let on = now.as_datetime().date_naive();
        let status = self
            .read_ledger(|ledger| ledger.member(member).map(|view| view.status_on(on)))
            .await?
            .ok_or_else(|| {
                ServiceError::Refused(format!("there is no member {member} in the ledger"))
            })?;
        match status {
            status if status.is_admitted() => Ok(Standing::Member),
            Status::Exited { .. } => Ok(Standing::Former),
            status => Err(ServiceError::NotAllowed {
                member,
                status: status.name(),
            }),
        }
    }
}

/// `password`'s argon2id hash with a fresh salt, as a PHC string.
fn hash(password: &str) -> Result<String, ServiceError> {
    let (_, salt) = random_hex()?;
    let salt = SaltString::encode_b64(&salt[..16])
        .map_err(|err| ServiceError::Refused(format!("cannot make a salt: {err}")))?;
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|err| ServiceError::Refused(format!("cannot hash the password: {err}")))
}

/// A hash of a random password, for the work of a sign-in with no account.
fn decoy_hash() -> Result<String, ServiceError> {
    hash(&random_hex()?.0)
}
