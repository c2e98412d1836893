//! Ballot boxes over SQL, written once for both backends.

/// Statements shared by both backends.
pub(crate) mod statements {
    pub(crate) const PUT: &str = "INSERT INTO andel_ballots (tenant, proposal, receipt, ballot) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (tenant, proposal, receipt) DO NOTHING";
    pub(crate) const FIND: &str = "SELECT ballot FROM andel_ballots \
         WHERE tenant = $1 AND proposal = $2 AND receipt = $3";
    pub(crate) const LIST: &str = "SELECT receipt, ballot FROM andel_ballots \
         WHERE tenant = $1 AND proposal = $2 ORDER BY receipt";
    pub(crate) const EMPTY: &str = "DELETE FROM andel_ballots WHERE tenant = $1 AND proposal = $2";
    pub(crate) const REFILL: &str =
        "INSERT INTO andel_ballots (tenant, proposal, receipt, ballot) ";
}

/// How many rows one INSERT statement of a rewrite carries (4 parameters each).
pub(crate) const REFILL_CHUNK: usize = 1000;

/// Implements `andel_decisions::secret::BallotBox` for `$store`, a type with `pool:
/// sqlx::Pool<$db>` and `tenant: TenantId`.
macro_rules! sql_ballot_box {
    ($store:ident, $db:ty) => {
        impl $store {
            async fn record_with_ballot_in_one(
                &self,
                stream: &andel_journal::StreamId,
                expected_seq: u64,
                drafts: Vec<andel_journal::Draft>,
                receipt: &andel_decisions::secret::Receipt,
                ballot: &andel_decisions::secret::Ballot,
            ) -> Result<Vec<andel_journal::Entry>, andel_journal::StoreError> {
                let head = self.head_for(stream, expected_seq).await?;
                let sealed = head.seal_all(expected_seq, drafts)?;
                let text = ballot.to_string();
                let written: Result<(), sqlx::Error> = async {
                    let mut tx = self.pool.begin().await?;
                    self.insert_in(&mut tx, &sealed).await?;
                    let put = sqlx::query($crate::ballots::statements::PUT)
                        .bind(self.tenant.as_str())
                        .bind(stream.as_str())
                        .bind(&receipt.as_bytes()[..])
                        .bind(&text)
                        .execute(&mut *tx)
                        .await?;
                    if put.rows_affected() != 1 {
                        // A random 120-bit receipt already in the box: keep neither.
                        tx.rollback().await?;
                        return Err(sqlx::Error::Protocol(format!(
                            "receipt {receipt} is already in the box of `{stream}`"
                        )));
                    }
                    tx.commit().await
                }
                .await;
                self.settle(stream, &head, &sealed, written).await?;
                Ok(sealed)
            }

            fn ballot(
                proposal: &andel_journal::StreamId,
                receipt: &[u8],
                text: &str,
            ) -> Result<
                (
                    andel_decisions::secret::Receipt,
                    andel_decisions::secret::Ballot,
                ),
                andel_decisions::secret::BallotBoxError,
            > {
                let corrupt = |problem: String| andel_decisions::secret::BallotBoxError::Corrupt {
                    proposal: proposal.clone(),
                    problem,
                };
                let receipt = andel_decisions::secret::Receipt::from_slice(receipt)
                    .map_err(|err| corrupt(err.to_string()))?;
                let ballot = text
                    .parse()
                    .map_err(|problem| corrupt(format!("under receipt {receipt}: {problem}")))?;
                Ok((receipt, ballot))
            }
        }

        #[async_trait::async_trait]
        impl andel_decisions::secret::BallotBox for $store {
            async fn put(
                &self,
                proposal: &andel_journal::StreamId,
                receipt: &andel_decisions::secret::Receipt,
                ballot: &andel_decisions::secret::Ballot,
            ) -> Result<(), andel_decisions::secret::BallotBoxError> {
                let text = ballot.to_string();
                let backend = |err: sqlx::Error| {
                    andel_decisions::secret::BallotBoxError::Backend(Box::new(err))
                };
                let done = sqlx::query($crate::ballots::statements::PUT)
                    .bind(self.tenant.as_str())
                    .bind(proposal.as_str())
                    .bind(&receipt.as_bytes()[..])
                    .bind(&text)
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                if done.rows_affected() == 1 {
                    return Ok(());
                }
                // The receipt was in the box already: a retry of the same ballot is fine.
                match andel_decisions::secret::BallotBox::find(self, proposal, receipt).await? {
                    Some(held) if held == *ballot => Ok(()),
                    _ => Err(andel_decisions::secret::BallotBoxError::Taken { receipt: *receipt }),
                }
            }

            async fn ballots(
                &self,
                proposal: &andel_journal::StreamId,
            ) -> Result<
                Vec<(
                    andel_decisions::secret::Receipt,
                    andel_decisions::secret::Ballot,
                )>,
                andel_decisions::secret::BallotBoxError,
            > {
                let rows: Vec<(Vec<u8>, String)> =
                    sqlx::query_as($crate::ballots::statements::LIST)
                        .bind(self.tenant.as_str())
                        .bind(proposal.as_str())
                        .fetch_all(&self.pool)
                        .await
                        .map_err(|err| {
                            andel_decisions::secret::BallotBoxError::Backend(Box::new(err))
                        })?;
                rows.iter()
                    .map(|(receipt, text)| Self::ballot(proposal, receipt, text))
                    .collect()
            }

            async fn seal(
                &self,
                proposal: &andel_journal::StreamId,
            ) -> Result<(), andel_decisions::secret::BallotBoxError> {
                self.seal_box(proposal)
                    .await
                    .map_err(|err| andel_decisions::secret::BallotBoxError::Backend(Box::new(err)))
            }

            /// Participation and ballot in one transaction: the journal rows and the
            /// ballot row commit together or not at all.
            async fn record_with_ballot(
                &self,
                proposal: &andel_journal::StreamId,
                expected_seq: u64,
                participation: Vec<andel_journal::Draft>,
                receipt: &andel_decisions::secret::Receipt,
                ballot: &andel_decisions::secret::Ballot,
            ) -> Option<Result<Vec<andel_journal::Entry>, andel_journal::StoreError>> {
                Some(
                    self.record_with_ballot_in_one(
                        proposal,
                        expected_seq,
                        participation,
                        receipt,
                        ballot,
                    )
                    .await,
                )
            }

            async fn find(
                &self,
                proposal: &andel_journal::StreamId,
                receipt: &andel_decisions::secret::Receipt,
            ) -> Result<
                Option<andel_decisions::secret::Ballot>,
                andel_decisions::secret::BallotBoxError,
            > {
                let text: Option<String> = sqlx::query_scalar($crate::ballots::statements::FIND)
                    .bind(self.tenant.as_str())
                    .bind(proposal.as_str())
                    .bind(&receipt.as_bytes()[..])
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(|err| {
                        andel_decisions::secret::BallotBoxError::Backend(Box::new(err))
                    })?;
                text.map(|text| Self::ballot(proposal, receipt.as_bytes(), &text).map(|(_, b)| b))
                    .transpose()
            }
        }
    };
}

pub(crate) use sql_ballot_box;
