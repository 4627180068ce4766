//! Quiet pairs, for program administrators: the active pairs asked how it
//! is going and not heard from since (no meeting logged, no "we're
//! meeting"), those asking for help first; and the setting that says after
//! how many weeks a pair counts as quiet.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use moments_adapters::deps::Deps;
use moments_adapters::http::{ApiError, Caller, Form};
use moments_adapters::store::StoreError;
use moments_domain::audit::{Action, AuditEntry};
use moments_domain::calendar::Revision;
use moments_domain::checkin::{
    CheckIn, CheckInAnswer, LISTED_FOR, ProgramSettings, QUIET_WEEKS, StoredSettings,
};
use moments_domain::form::{Count, FormReader};
use moments_domain::mentorship::MentorshipStatus;
use serde::{Deserialize, Serialize};

use crate::program_admin;

/// The program's settings.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SettingsView {
    /// Weeks without a meeting logged before a pair gets a check-in.
    quiet_weeks: u8,
    /// The version a change names; 0 before the first.
    version: u64,
    /// When they were last changed; null before the first change.
    updated_at: Option<String>,
}

impl From<&StoredSettings> for SettingsView {
    fn from(stored: &StoredSettings) -> Self {
        SettingsView {
            quiet_weeks: stored.settings.quiet_weeks,
            version: stored.version(),
            updated_at: stored.revision.as_ref().map(|r| r.updated_at.to_string()),
        }
    }
}

/// An active pair asked how it is going and not heard from since.
#[derive(Serialize, utoipa::ToSchema)]
pub struct QuietPair {
    pub(crate) mentorship: String,
    mentee: String,
    mentee_email: String,
    mentor: String,
    mentor_email: String,
    /// Their last meeting (or match): `YYYY-MM-DD`.
    quiet_since: String,
    checked_in_at: String,
    /// `need_help`, or null while unanswered.
    pub(crate) answer: Option<String>,
    answer_label: Option<String>,
    /// `mentee` or `mentor`.
    answered_by: Option<String>,
    answered_at: Option<String>,
}

/// The quiet pairs, and the setting.
#[derive(Serialize, utoipa::ToSchema)]
pub struct QuietPairs {
    settings: SettingsView,
    /// Those asking for help first, then the longest quiet.
    pairs: Vec<QuietPair>,
}

/// `GET /api/admin/check-ins`: the pairs that have gone quiet.
#[utoipa::path(get, path = "/api/admin/check-ins", operation_id = "quiet_pairs", tag = "reports",
    security(("session" = [])),
    responses(
        (status = 200, description = "The quiet pairs and the setting", body = QuietPairs),
        (status = 403, description = "Not a program administrator"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn quiet_pairs(
    State(deps): State<Deps>,
    Caller(actor): Caller,
) -> Result<Json<QuietPairs>, ApiError> {
    program_admin(&actor, "see which pairs have gone quiet")?;
    let settings = deps.store.program_settings().await?;
    Ok(Json(QuietPairs {
        settings: SettingsView::from(&settings),
        pairs: still_quiet_pairs(&deps).await?,
    }))
}

/// The pairs asked how it is going and not heard from since, those asking
/// for help first, then the longest quiet.
pub(crate) async fn still_quiet_pairs(deps: &Deps) -> Result<Vec<QuietPair>, ApiError> {
    // The latest check-in of each pair.
    let mut latest = BTreeMap::new();
    for c in deps.store.check_ins_since(deps.now() - LISTED_FOR).await? {
        latest.insert(c.mentorship.clone(), c);
    }
    let mut pairs = Vec::new();
    for c in latest.into_values() {
        if let Some(pair) = still_quiet(deps, &c).await? {
            pairs.push(pair);
        }
    }
    pairs.sort_by(|a, b| {
        (a.answer.is_none(), &a.quiet_since).cmp(&(b.answer.is_none(), &b.quiet_since))
    });
    Ok(pairs)
}

/// The pair of check-in `c`, if it is still active and still quiet.
async fn still_quiet(deps: &Deps, c: &CheckIn) -> Result<Option<QuietPair>, ApiError> {
    if c.answered
        .as_ref()
        .is_some_and(|a| a.answer != CheckInAnswer::NeedHelp)
    {
        return Ok(None);
    }
    let Some(record) = deps.store.mentorship(&c.mentorship).await? else {
        return Ok(None);
    };
    let m = &record.mentorship;
    if m.status != MentorshipStatus::Active
        || deps
            .store
            .last_meeting_date(&m.id)
            .await?
            .is_some_and(|d| d > c.since)
    {
        return Ok(None);
    }
    let name = |app: Option<moments_domain::application::Application>| {
        app.map(|a| a.details.full_name()).unwrap_or_default()
    };
    let mentee = name(deps.store.application(&m.mentee_application).await?);
    let mentor = name(deps.store.application(&m.mentor_application).await?);
    let answered = c.answered.as_ref();
    Ok(Some(QuietPair {
        mentorship: m.id.to_string(),
        mentee,
        mentee_email: m.mentee.to_string(),
        mentor,
        mentor_email: m.mentor.to_string(),
        quiet_since: c.since.to_string(),
        checked_in_at: c.sent_at.to_string(),
        answer: answered.map(|a| a.answer.as_str().into()),
        answer_label: answered.map(|a| a.answer.label().into()),
        answered_by: answered.map(|a| a.by.as_str().into()),
        answered_at: answered.map(|a| a.at.to_string()),
    }))
}

/// The program's settings as a program administrator writes them.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct SettingsForm {
    /// Weeks without a meeting before a pair gets a check-in, 1 to 26.
    #[schema(value_type = u8, minimum = 1, maximum = 26)]
    quiet_weeks: Count,
    /// The `version` as read (0 before the first change).
    #[schema(value_type = u64)]
    version: Count,
}

/// `PUT /api/admin/settings`: change the program's settings, from the
/// version read; audited.
#[utoipa::path(put, path = "/api/admin/settings", operation_id = "change_program_settings", tag = "reports",
    request_body = SettingsForm, security(("session" = [])),
    responses(
        (status = 200, description = "Changed", body = SettingsView),
        (status = 403, description = "Not a program administrator"),
        (status = 409, description = "Someone else changed them first"),
        (status = 422, description = "Fields need attention"),
    ))]
#[tracing::instrument(skip_all)]
pub async fn change_settings(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    Form(body): Form<SettingsForm>,
) -> Result<Json<SettingsView>, ApiError> {
    program_admin(&actor, "change the program's settings")?;
    let mut form = FormReader::new();
    let weeks = form.count(
        "quiet_weeks",
        &body.quiet_weeks,
        QUIET_WEEKS,
        "Enter a number of weeks from 1 to 26.",
    );
    let version = form.count(
        "version",
        &body.version,
        0..=u64::MAX,
        "Give the version you read; reload the page and try again.",
    );
    let (weeks, version) = form.finish(weeks.zip(version))?;
    let quiet_weeks = u8::try_from(weeks).unwrap_or(u8::MAX);
    let before = deps.store.program_settings().await?;
    let stale = || {
        ApiError::Conflict(
            "Someone else changed the settings since you opened them. Reload to see their change, then make yours again."
                .into(),
        )
    };
    if before.version() != version {
        return Err(stale());
    }
    let now = deps.now();
    let stored = StoredSettings {
        settings: ProgramSettings { quiet_weeks },
        revision: Some(Revision {
            version: version + 1,
            updated_at: now,
            updated_by: actor.email.to_string(),
        }),
    };
    let entry = AuditEntry {
        at: now,
        actor: actor.email.clone(),
        action: Action::SettingsChanged,
        on_behalf_of: None,
        note: Some(format!(
            "check-in after {} weeks without a meeting (was {})",
            quiet_weeks, before.settings.quiet_weeks
        )),
    };
    match deps.store.save_program_settings(&stored, &entry).await {
        Ok(()) => Ok(Json(SettingsView::from(&stored))),
        Err(StoreError::Changed) => Err(stale()),
        Err(e) => Err(e.into()),
    }
}
