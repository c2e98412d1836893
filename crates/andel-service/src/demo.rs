//! A demo co-op to try a service with: members admitted with their capital paid, the
//! service's data policy adopted by their unanimous vote, and fresh passwords at each
//! start. Everything is recorded as a real co-op records it, so the demo's journals
//! verify like any other. The kanban and chat examples start with one.
//!
//! ```
//! use andel_service::demo::Demo;
//! use andel_service::{Access, Coop, PolicyFile};
//!
//! # tokio::runtime::Runtime::new()?.block_on(async {
//! # let dir = tempfile::tempdir()?;
//! # let location = format!("sqlite:{}", dir.path().join("coop.db").display()).parse()?;
//! let coop = Coop::open(&location, "demo".parse()?, Access::Start).await?;
//! let schema = andel_consent::Schema::from_toml("schema.toml", "[kinds]\nnote = [\"read\"]\n")?;
//! let policy = r#"
//! version = 1
//! [[rule]]
//! id = "members-read-their-own"
//! effect = "permit"
//! principal = "member"
//! actions = ["read"]
//! resource = { relation = "own" }
//! purposes = ["service-provision"]
//! "#;
//! let demo = Demo {
//!     name: "Demo notes co-op",
//!     members: &[(1, "Alva"), (2, "Bo")],
//!     policy: PolicyFile { source: "notes/policy.toml".into(), text: policy.into(), schema },
//!     proposal: "notes-policy",
//!     title: "Adopt the notes data policy",
//!     body: "Members read their own notes.",
//! };
//! let now = chrono::Utc::now();
//! assert!(demo.found(&coop, now).await?);
//! assert!(!demo.found(&coop, now).await?, "founded once");
//! let members = demo.passwords(&coop, now).await?;
//! assert_eq!(members.len(), 2);
//! assert_eq!(members[0].password.len(), 20);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use andel_decisions::rules::Threshold;
use andel_decisions::{Choice, Enactment, Kind, Mark, ProposalCommand, Spec};
use andel_journal::Timestamp;
use andel_ledger::event::{Person, Purpose};
use andel_ledger::{Command as Ledger, MemberNumber, Statutes};
use chrono::{DateTime, Duration, Utc};

use crate::{BallotPaper, Coop, PolicyAdoption, PolicyFile, ServiceError};

/// A demo co-op: who its members are, and the data policy they adopt.
#[derive(Debug, Clone)]
pub struct Demo<'a> {
    /// The co-op's name, in its statutes.
    pub name: &'a str,
    /// Its members: number and name.
    pub members: &'a [(u32, &'a str)],
    /// The data policy its members adopt.
    pub policy: PolicyFile,
    /// The key of the proposal that adopts it (`kanban-policy`).
    pub proposal: &'a str,
    /// The proposal's title.
    pub title: &'a str,
    /// What the proposal says.
    pub body: &'a str,
}

/// A demo member's sign-in details.
#[derive(Debug, Clone)]
pub struct DemoMember {
    /// Their member number.
    pub member: MemberNumber,
    /// Their name.
    pub name: String,
    /// Their password, fresh at each start.
    pub password: String,
}

impl Demo<'_> {
    /// Founds the co-op in `coop` unless its ledger holds its first member already: the
    /// statutes (a day before `now`), the members admitted with their capital paid, and
    /// the policy adopted by their vote (closed an hour before `now`). Whether it
    /// founded it now.
    ///
    /// # Errors
    ///
    /// A store failure, or a step the co-op's rules refuse (a policy that does not
    /// check against its schema, a member number 0).
    pub async fn found(&self, coop: &Coop, now: DateTime<Utc>) -> Result<bool, ServiceError> {
        let recorded_at = timestamp(now)?;
        let Some((first, _)) = self.members.first() else {
            return Err(refused("a demo co-op needs at least one member"));
        };
        let first = number(*first)?;
        let founded = coop
            .read_ledger(|ledger| ledger.member(first).is_some())
            .await?;
        if founded {
            return Ok(false);
        }
        self.admit(coop, now, recorded_at).await?;
        self.adopt_policy(coop, now, recorded_at).await?;
        Ok(true)
    }

    /// Gives each member a fresh random password: the sign-in details to print.
    ///
    /// # Errors
    ///
    /// A store failure, or a member the co-op does not hold.
    pub async fn passwords(
        &self,
        coop: &Coop,
        now: DateTime<Utc>,
    ) -> Result<Vec<DemoMember>, ServiceError> {
        let recorded_at = timestamp(now)?;
        let mut signed = Vec::new();
        for (number, name) in self.members {
            let member = self::number(*number)?;
            let password = random_password()?;
            coop.set_password(member, &password, recorded_at).await?;
            signed.push(DemoMember {
                member,
                name: (*name).to_owned(),
                password,
            });
        }
        Ok(signed)
    }

    /// The statutes and the members, admitted, their capital paid.
    async fn admit(
        &self,
        coop: &Coop,
        now: DateTime<Utc>,
        recorded_at: Timestamp,
    ) -> Result<(), ServiceError> {
        let day = (now - Duration::days(1)).date_naive();
        let mut members = coop.membership().await?;
        let statutes = Statutes::from_toml(&statutes(self.name)).map_err(refused)?;
        members
            .record(
                Ledger::AdoptStatutes {
                    statutes: Box::new(statutes),
                },
                day,
                recorded_at,
                None,
            )
            .await?;
        for (number, name) in self.members {
            let class = "members".parse().map_err(refused)?;
            let apply = Ledger::ApplyForMembership {
                name: (*name).into(),
                person: Person::Natural,
                class,
            };
            members.record(apply, day, recorded_at, None).await?;
            let pay = Ledger::RecordPayment {
                key: format!("demo-capital-{number}").parse().map_err(refused)?,
                member: self::number(*number)?,
                purpose: Purpose::Capital {
                    class: "members".parse().map_err(refused)?,
                },
                amount: 100.into(),
                currency: "SEK".into(),
            };
            members.record(pay, day, recorded_at, None).await?;
        }
        Ok(())
    }

    /// The members vote the policy in (all for it), and it is adopted by citing their
    /// decision.
    async fn adopt_policy(
        &self,
        coop: &Coop,
        now: DateTime<Utc>,
        recorded_at: Timestamp,
    ) -> Result<(), ServiceError> {
        let opens = now - Duration::hours(3);
        let closes = now - Duration::hours(1);
        let electorate = coop.membership().await?.electorate(opens.date_naive())?;
        let first = self.members.first().map_or(1, |(number, _)| *number);
        let spec = Spec {
            title: self.title.into(),
            body: self.body.into(),
            author: first.to_string().parse().map_err(refused)?,
            kind: Kind::Motion {
                threshold: Threshold::SIMPLE_MAJORITY,
            },
            opens_at: opens,
            closes_at: closes,
            quorum: None,
            vote_changes: false,
            reasons: Default::default(),
            tags: Default::default(),
            proxies_per_holder: 0,
            visibility: Default::default(),
            secrecy: Default::default(),
            enacts: Some(Enactment::of(
                andel_consent::POLICY_DOCUMENT,
                self.policy.text.as_bytes(),
            )),
        };
        let drafted = now - Duration::hours(4);
        let (mut proposal, _) = coop
            .draft(self.proposal, spec, drafted, recorded_at, None)
            .await?;
        proposal
            .execute(ProposalCommand::Schedule, drafted, recorded_at, None)
            .await?;
        proposal
            .execute(
                ProposalCommand::Open { electorate },
                opens,
                recorded_at,
                None,
            )
            .await?;
        for (number, _) in self.members {
            let paper = BallotPaper {
                voter: number.to_string().parse().map_err(refused)?,
                proxy_for: None,
                mark: Mark::Choice(Choice::Yes),
                reason: None,
            };
            proposal
                .cast(paper, opens + Duration::minutes(10), recorded_at, None)
                .await?;
        }
        proposal.close(closes, recorded_at, None).await?;
        let citation = proposal.cite().await?;
        let adoption = PolicyAdoption {
            file: self.policy.clone(),
            citation,
            effective: closes,
            organisation: None,
        };
        coop.adopt_policy(adoption, closes, recorded_at, None)
            .await?;
        Ok(())
    }
}

/// The demo's statutes: one class of members, admitted on paying one share.
fn statutes(name: &str) -> String {
    let name = name.replace('\\', "\\\\").replace('"', "\\\"");
    format!(
        r#"
name = "{name}"
currency = {{ code = "SEK", scale = 2 }}
[[classes]]
id = "members"
name = "Members"
nominal = "100.00"
min_shares = 1
admission = "automatic"
"#
    )
}

fn number(n: u32) -> Result<MemberNumber, ServiceError> {
    MemberNumber::new(n).ok_or_else(|| refused(format!("{n} is not a member number")))
}

fn timestamp(at: DateTime<Utc>) -> Result<Timestamp, ServiceError> {
    Timestamp::new(at).map_err(refused)
}

fn refused(err: impl std::fmt::Display) -> ServiceError {
    ServiceError::Refused(err.to_string())
}

/// 20 random characters from an alphabet without look-alikes: about 110 bits.
fn random_password() -> Result<String, ServiceError> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY34679";
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).map_err(refused)?;
    Ok(bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect())
}
