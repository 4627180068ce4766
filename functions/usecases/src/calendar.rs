//! The program calendar as everyone reads it, and its seed. Until a
//! program administrator first changes it, an installation's calendar is
//! the seed in `site/data/calendar.toml`: reads show it without writing
//! anything, and the first change writes the seed to the table (once,
//! atomically with its mark) before making itself.

use jiff::civil::Date;
use moments_adapters::deps::Deps;
use moments_adapters::store::StoreError;
use moments_domain::calendar::{CalendarId, MatchGroup, Revision, Seed, StoredEvent, StoredGroup};

#[derive(Debug, thiserror::Error)]
pub enum CalendarError {
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("the seed calendar does not read: {0}")]
    Seed(String),
}

impl From<CalendarError> for moments_adapters::http::ApiError {
    fn from(e: CalendarError) -> Self {
        match e {
            CalendarError::Store(s) => s.into(),
            seed @ CalendarError::Seed(_) => {
                moments_adapters::http::ApiError::Internal(Box::new(seed))
            }
        }
    }
}

/// The seed as records, first revision, stamped `now`.
fn seeded(
    deps: &Deps,
) -> Result<
    (
        Vec<MatchGroup>,
        Vec<moments_domain::calendar::Event>,
        Revision,
    ),
    CalendarError,
> {
    let (groups, events) = Seed::compiled().map_err(CalendarError::Seed)?;
    let revision = Revision {
        version: 1,
        updated_at: deps.now(),
        updated_by: "site/data/calendar.toml".into(),
    };
    Ok((groups, events, revision))
}

/// Write the seed to the table if it never was, before a first change;
/// `true` when this call did.
pub async fn seed(deps: &Deps) -> Result<bool, CalendarError> {
    if deps.store.calendar_seeded().await? {
        return Ok(false);
    }
    let (groups, events, revision) = seeded(deps)?;
    Ok(deps
        .store
        .seed_calendar(&groups, &events, &revision)
        .await?)
}

type Records = (Vec<StoredGroup>, Vec<StoredEvent>);

/// What a calendar read found, or the seed's records from `from` on when
/// nothing was ever written.
async fn or_seed(deps: &Deps, read: Records, from: Option<Date>) -> Result<Records, CalendarError> {
    if !(read.0.is_empty() && read.1.is_empty()) || deps.store.calendar_seeded().await? {
        return Ok(read);
    }
    let (groups, events, revision) = seeded(deps)?;
    let shown = |date: Date| from.is_none_or(|from| date >= from);
    Ok((
        groups
            .into_iter()
            .filter(|g| shown(g.matches_on))
            .map(|group| StoredGroup {
                group,
                revision: revision.clone(),
            })
            .collect(),
        events
            .into_iter()
            .filter(|e| shown(e.date))
            .map(|event| StoredEvent {
                event,
                revision: revision.clone(),
                sequence: 0,
                registered: 0,
                waitlisted: 0,
            })
            .collect(),
    ))
}

/// Groups whose suggested matches and events whose day is `from` or later.
pub async fn calendar_from(deps: &Deps, from: Date) -> Result<Records, CalendarError> {
    let read = deps.store.calendar_from(from).await?;
    or_seed(deps, read, Some(from)).await
}

/// Every group and event.
pub async fn calendar_all(deps: &Deps) -> Result<Records, CalendarError> {
    let read = deps.store.calendar_all().await?;
    or_seed(deps, read, None).await
}

/// Every match group.
pub async fn match_groups(deps: &Deps) -> Result<Vec<MatchGroup>, CalendarError> {
    let (groups, _) = calendar_all(deps).await?;
    Ok(groups.into_iter().map(|g| g.group).collect())
}

/// One match group, from the table or the seed.
pub async fn group(deps: &Deps, id: &CalendarId) -> Result<Option<StoredGroup>, CalendarError> {
    if let Some(g) = deps.store.calendar_group(id).await? {
        return Ok(Some(g));
    }
    let (groups, _) = or_seed(deps, (Vec::new(), Vec::new()), None).await?;
    Ok(groups.into_iter().find(|g| &g.group.id == id))
}

/// One event, from the table or the seed.
pub async fn event(deps: &Deps, id: &CalendarId) -> Result<Option<StoredEvent>, CalendarError> {
    if let Some(e) = deps.store.calendar_event(id).await? {
        return Ok(Some(e));
    }
    let (_, events) = or_seed(deps, (Vec::new(), Vec::new()), None).await?;
    Ok(events.into_iter().find(|e| &e.event.id == id))
}
