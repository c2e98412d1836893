//! Members' sign-in: password hashes and sessions, per tenant, on both backends.
//!
//! What is kept here is not journal data. A password hash is replaced when the member
//! changes it (a journal would keep every old one), and [`AccountStore::forget`]
//! removes a member's hash and sessions without a trace. The use cases that hash
//! passwords and check them live in `andel-service`; this store only keeps rows.

use andel_journal::{StoreError, SubjectId, Timestamp};

/// A session as stored: the SHA-256 of its token, never the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// SHA-256 of the session's token (the token is only in the member's cookie).
    pub token_hash: [u8; 32],
    /// Whose session it is.
    pub member: SubjectId,
    /// The token a form or API call of this session must send back (CSRF).
    pub csrf: String,
    /// When it began.
    pub created_at: Timestamp,
    /// When it ends.
    pub expires_at: Timestamp,
}

/// Where members' password hashes and sessions are kept, one tenant's at a time.
#[async_trait::async_trait]
pub trait AccountStore: Send + Sync {
    /// Keeps `hash` (a PHC string) as `member`'s password hash, replacing any other.
    ///
    /// # Errors
    ///
    /// A backend failure.
    async fn set_password(
        &self,
        member: &SubjectId,
        hash: &str,
        at: Timestamp,
    ) -> Result<(), StoreError>;

    /// `member`'s password hash, if they have one.
    ///
    /// # Errors
    ///
    /// A backend failure.
    async fn password(&self, member: &SubjectId) -> Result<Option<String>, StoreError>;

    /// Records a new session.
    ///
    /// # Errors
    ///
    /// A backend failure, or a token hash already in use.
    async fn open_session(&self, session: &SessionRecord) -> Result<(), StoreError>;

    /// The session whose token hashes to `token_hash`, if there is one (expired or not:
    /// the caller compares `expires_at` with its clock).
    ///
    /// # Errors
    ///
    /// A backend failure, or a stored row that cannot be read back.
    async fn session(&self, token_hash: &[u8; 32]) -> Result<Option<SessionRecord>, StoreError>;

    /// Ends the session whose token hashes to `token_hash`; whether there was one.
    ///
    /// # Errors
    ///
    /// A backend failure.
    async fn close_session(&self, token_hash: &[u8; 32]) -> Result<bool, StoreError>;

    /// Removes `member`'s password hash and every session of theirs; how many rows went.
    ///
    /// # Errors
    ///
    /// A backend failure.
    async fn forget(&self, member: &SubjectId) -> Result<u64, StoreError>;
}

/// Statements shared by both backends.
pub(crate) mod statements {
    pub(crate) const SET_PASSWORD: &str = "INSERT INTO andel_credentials \
         (tenant, member, password, changed_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (tenant, member) DO UPDATE SET \
         password = excluded.password, changed_at = excluded.changed_at";
    pub(crate) const PASSWORD: &str =
        "SELECT password FROM andel_credentials WHERE tenant = $1 AND member = $2";
    pub(crate) const OPEN_SESSION: &str = "INSERT INTO andel_sessions \
         (tenant, token_hash, member, csrf, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)";
    pub(crate) const SESSION: &str = "SELECT member, csrf, created_at, expires_at \
         FROM andel_sessions WHERE tenant = $1 AND token_hash = $2";
    pub(crate) const CLOSE_SESSION: &str =
        "DELETE FROM andel_sessions WHERE tenant = $1 AND token_hash = $2";
    pub(crate) const FORGET_SESSIONS: &str =
        "DELETE FROM andel_sessions WHERE tenant = $1 AND member = $2";
    pub(crate) const FORGET_PASSWORD: &str =
        "DELETE FROM andel_credentials WHERE tenant = $1 AND member = $2";
}

/// A session row's text columns, read back.
pub(crate) fn session_row(
    token_hash: &[u8; 32],
    member: &str,
    csrf: String,
    created_at: &str,
    expires_at: &str,
) -> Result<SessionRecord, String> {
    Ok(SessionRecord {
        token_hash: *token_hash,
        member: SubjectId::new(member).map_err(|err| format!("session member: {err}"))?,
        csrf,
        created_at: created_at
            .parse()
            .map_err(|err| format!("session created_at: {err}"))?,
        expires_at: expires_at
            .parse()
            .map_err(|err| format!("session expires_at: {err}"))?,
    })
}

/// Implements [`AccountStore`] for `$store`, a type with `pool: sqlx::Pool<$db>`,
/// `tenant: TenantId` and the `doing` helper of `sql_store!`.
macro_rules! sql_account_store {
    ($store:ident, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::accounts::AccountStore for $store {
            async fn set_password(
                &self,
                member: &andel_journal::SubjectId,
                hash: &str,
                at: andel_journal::Timestamp,
            ) -> Result<(), StoreError> {
                sqlx::query($crate::accounts::statements::SET_PASSWORD)
                    .bind(self.tenant.as_str())
                    .bind(member.as_str())
                    .bind(hash)
                    .bind(at.to_string())
                    .execute(&self.pool)
                    .await
                    .map_err(self.doing(format_args!("setting the password of `{member}`")))?;
                Ok(())
            }

            async fn password(
                &self,
                member: &andel_journal::SubjectId,
            ) -> Result<Option<String>, StoreError> {
                sqlx::query_scalar($crate::accounts::statements::PASSWORD)
                    .bind(self.tenant.as_str())
                    .bind(member.as_str())
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(self.doing(format_args!("reading the password of `{member}`")))
            }

            async fn open_session(
                &self,
                session: &$crate::accounts::SessionRecord,
            ) -> Result<(), StoreError> {
                sqlx::query($crate::accounts::statements::OPEN_SESSION)
                    .bind(self.tenant.as_str())
                    .bind(&session.token_hash[..])
                    .bind(session.member.as_str())
                    .bind(&session.csrf)
                    .bind(session.created_at.to_string())
                    .bind(session.expires_at.to_string())
                    .execute(&self.pool)
                    .await
                    .map_err(
                        self.doing(format_args!("opening a session of `{}`", session.member)),
                    )?;
                Ok(())
            }

            async fn session(
                &self,
                token_hash: &[u8; 32],
            ) -> Result<Option<$crate::accounts::SessionRecord>, StoreError> {
                let row: Option<(String, String, String, String)> =
                    sqlx::query_as($crate::accounts::statements::SESSION)
                        .bind(self.tenant.as_str())
                        .bind(&token_hash[..])
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(self.doing(format_args!("reading a session")))?;
                let Some((member, csrf, created_at, expires_at)) = row else {
                    return Ok(None);
                };
                $crate::accounts::session_row(token_hash, &member, csrf, &created_at, &expires_at)
                    .map(Some)
                    .map_err(|problem| {
                        StoreError::Backend(Box::new($crate::CorruptRow {
                            tenant: self.tenant.clone(),
                            stream: "andel_sessions".into(),
                            seq: 0,
                            problem,
                        }))
                    })
            }

            async fn close_session(&self, token_hash: &[u8; 32]) -> Result<bool, StoreError> {
                let done = sqlx::query($crate::accounts::statements::CLOSE_SESSION)
                    .bind(self.tenant.as_str())
                    .bind(&token_hash[..])
                    .execute(&self.pool)
                    .await
                    .map_err(self.doing(format_args!("closing a session")))?;
                Ok(done.rows_affected() > 0)
            }

            async fn forget(&self, member: &andel_journal::SubjectId) -> Result<u64, StoreError> {
                let forgotten: Result<u64, sqlx::Error> = async {
                    let mut tx = self.pool.begin().await?;
                    let mut rows = 0;
                    for statement in [
                        $crate::accounts::statements::FORGET_SESSIONS,
                        $crate::accounts::statements::FORGET_PASSWORD,
                    ] {
                        rows += sqlx::query(statement)
                            .bind(self.tenant.as_str())
                            .bind(member.as_str())
                            .execute(&mut *tx)
                            .await?
                            .rows_affected();
                    }
                    tx.commit().await?;
                    Ok(rows)
                }
                .await;
                forgotten.map_err(self.doing(format_args!("forgetting the account of `{member}`")))
            }
        }
    };
}

pub(crate) use sql_account_store;
