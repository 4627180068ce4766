//! The mentor listing: one small item per searchable mentor, present exactly
//! while the mentor is listed (approved, available, fewer than two mentees).
//! Every write that changes one of those facts writes the listing in the same
//! transaction, so search and suggestions never show a full or unavailable
//! mentor.
//!
//! Each of those writes also leaves a notice in `LISTING#CHANGES` naming the
//! application, so that a function's copy of the listing (see
//! [`ListingCopy`]) learns what changed without reading the whole listing.

use moments_domain::application::{Application, ApplicationId, Role};
use moments_domain::fields::{DepartmentId, DivisionId, EmailAddress, SkillRanking, WorkingHours};
use moments_domain::kind::KindPreference;
use moments_domain::mentorship::{Capacity, MAX_ACTIVE, is_listed};
use serde::{Deserialize, Serialize};
use serde_json::json;

use std::collections::{HashMap, HashSet};
use std::sync::RwLock;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use serde_json::Value;

use super::{Store, StoreError, from_value, item_of, keys};
use crate::table::{Index, Key, Query, Write};

/// How much of a bio a listing carries, for result cards.
pub const BIO_EXCERPT_CHARS: usize = 280;

/// What search needs to know about a listed mentor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    pub application_id: ApplicationId,
    pub email: EmailAddress,
    pub first_name: String,
    pub last_name: String,
    pub job_title: String,
    pub department: DepartmentId,
    /// Where the department has divisions, the mentor's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub division: Option<DivisionId>,
    pub working_hours: WorkingHours,
    pub skills: SkillRanking,
    pub bio: String,
    /// The kind of mentorship the mentor would like; none if not stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mentorship_kind: Option<KindPreference>,
    /// How many more mentees the mentor can take now.
    pub open_places: u32,
}

fn listing_key(app: &Application) -> crate::table::Key {
    keys::listing(app.details.working_hours.id(), app.applicant.as_str())
}

/// The listing writes that go with saving `after` (previously `before`)
/// with this capacity: put it while listed, delete it otherwise, and delete
/// the old one when the mentor's working hours moved it.
pub(super) fn writes(
    before: Option<&Application>,
    after: &Application,
    capacity: Capacity,
) -> Vec<Write> {
    if after.role != Role::Mentor {
        return Vec::new();
    }
    let mut writes = Vec::new();
    if let Some(before) = before
        && listing_key(before) != listing_key(after)
    {
        writes.push(Write::Delete {
            key: listing_key(before),
            cond: None,
        });
    }
    writes.push(change_notice(&after.id));
    let key = listing_key(after);
    match listing_of(after, capacity) {
        Some(listing) => {
            let mut item = item_of(json!({"pk": key.pk, "sk": key.sk, "kind": "listing"}));
            if let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(&listing) {
                item.extend(fields);
            }
            writes.push(Write::Put { item, cond: None });
        }
        None => writes.push(Write::Delete { key, cond: None }),
    }
    writes
}

/// What the listing holds for `app` with this capacity, while it is listed.
fn listing_of(app: &Application, capacity: Capacity) -> Option<Listing> {
    if app.role != Role::Mentor || !is_listed(app, capacity) {
        return None;
    }
    let d = &app.details;
    Some(Listing {
        application_id: app.id.clone(),
        email: app.applicant.clone(),
        first_name: d.first_name.to_string(),
        last_name: d.last_name.to_string(),
        job_title: d.job_title.to_string(),
        department: d.department.clone(),
        division: d.division.clone(),
        working_hours: d.working_hours,
        skills: d.skills.clone(),
        bio: d.bio.as_str().chars().take(BIO_EXCERPT_CHARS).collect(),
        mentorship_kind: d.mentorship_kind,
        open_places: MAX_ACTIVE.saturating_sub(capacity.active),
    })
}

/// How long a change notice is kept (DynamoDB's TTL removes it after).
const NOTICE_KEPT_SECONDS: i64 = 24 * 60 * 60;

/// The notice that `application`'s listing may have changed. It names only
/// the application, never the person, and is timed by the real clock (not
/// the program's, which tests and the local platform move), since copies
/// ask for the notices written since their last look.
fn change_notice(application: &ApplicationId) -> Write {
    let now = Timestamp::now();
    let key = keys::listing_change(now.as_millisecond(), application.as_str());
    Write::Put {
        item: item_of(json!({
            "pk": key.pk,
            "sk": key.sk,
            "kind": "listing-change",
            "application_id": application.as_str(),
            "expires_at": now.as_second() + NOTICE_KEPT_SECONDS,
        })),
        cond: None,
    }
}

/// How far back a copy looks again, past its last look: writers' clocks
/// differ a little, and a transaction commits a moment after its notice
/// was timed. Notices already applied are not read again.
const OVERLAP_MS: i64 = 10_000;

/// A copy is read whole again after this long (well within the day the
/// notices are kept), whatever the notices say.
const RELOAD_AFTER: Duration = Duration::from_secs(60 * 60);

/// A function's copy of the listing, kept warm between requests.
///
/// Reading every listed mentor on every search would cost what the whole
/// listing weighs (about 270 read units at 2,000 mentors). The copy is
/// read whole once (and hourly), then brought up to date before each search
/// with one strongly consistent Query of the notices written since its last
/// look and one batch read of the applications they name. A search that
/// arrives while an update is under way waits for the next one to start
/// after it arrived, so it sees every change committed before it.
#[derive(Default)]
pub struct ListingCopy {
    state: RwLock<Option<CopyState>>,
    /// When the last completed update started.
    updating: tokio::sync::Mutex<Option<Instant>>,
}

struct CopyState {
    listings: HashMap<ApplicationId, Listing>,
    loaded: Instant,
    /// Notices from this time on (ms) are read at the next look.
    from_ms: i64,
    /// The notices from `from_ms` on that are applied already.
    applied: HashSet<String>,
}

impl ListingCopy {
    fn read(&self) -> std::sync::RwLockReadGuard<'_, Option<CopyState>> {
        self.state.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Option<CopyState>> {
        self.state.write().unwrap_or_else(|p| p.into_inner())
    }
}

impl Store {
    /// Bring this function's copy of the listing up to date with every
    /// listing change committed before the call; how many items it read.
    pub async fn update_listing_copy(&self) -> Result<usize, StoreError> {
        let arrived = Instant::now();
        let mut last = self.listing_copy.updating.lock().await;
        if last.is_some_and(|started| started >= arrived) {
            return Ok(0);
        }
        let started = Instant::now();
        let stale = self
            .listing_copy
            .read()
            .as_ref()
            .is_none_or(|s| s.loaded.elapsed() >= RELOAD_AFTER);
        let mut read = 0;
        if stale {
            // Read eventually, for half the units: whatever it misses was
            // written in the last second or so, and its notice, within the
            // overlap, is applied just after.
            let from_ms = Timestamp::now().as_millisecond() - OVERLAP_MS;
            let (all, items) = self.read_listing(None, true).await?;
            read += items;
            *self.listing_copy.write() = Some(CopyState {
                listings: all
                    .into_iter()
                    .map(|l| (l.application_id.clone(), l))
                    .collect(),
                loaded: Instant::now(),
                from_ms,
                applied: HashSet::new(),
            });
        }
        read += self.apply_listing_changes().await?;
        *last = Some(started);
        Ok(read)
    }

    /// Read the notices since the copy's last look, and the applications
    /// of those not yet applied; apply them.
    async fn apply_listing_changes(&self) -> Result<usize, StoreError> {
        let looked_ms = Timestamp::now().as_millisecond();
        let Some(from_ms) = self.listing_copy.read().as_ref().map(|s| s.from_ms) else {
            return Ok(0);
        };
        let notices = self
            .query_all(
                Query::new(Index::Primary, keys::LISTING_CHANGES)
                    .from(keys::listing_changes_from(from_ms)),
                usize::MAX,
            )
            .await?;
        let mut read = notices.len();
        let fresh: Vec<(String, ApplicationId)> = {
            let state = self.listing_copy.read();
            notices
                .iter()
                .filter_map(|n| {
                    let sk = n.get("sk").and_then(Value::as_str)?;
                    let id = n.get("application_id").and_then(Value::as_str)?;
                    let done = state.as_ref().is_some_and(|s| s.applied.contains(sk));
                    let id = ApplicationId::parse(id).ok()?;
                    (!done).then(|| (sk.to_string(), id))
                })
                .collect()
        };
        let ids: HashSet<&ApplicationId> = fresh.iter().map(|(_, id)| id).collect();
        let wanted: Vec<&ApplicationId> = ids.iter().copied().collect();
        let found = self.applications_by_id(&wanted).await?;
        read += found.len();
        let mut now_listed: HashMap<ApplicationId, Listing> = found
            .into_values()
            .filter_map(|(app, capacity)| Some((app.id.clone(), listing_of(&app, capacity)?)))
            .collect();
        let mut guard = self.listing_copy.write();
        if let Some(state) = guard.as_mut() {
            for id in ids {
                match now_listed.remove(id) {
                    Some(listing) => state.listings.insert(id.clone(), listing),
                    None => state.listings.remove(id),
                };
            }
            let keep_from = looked_ms - OVERLAP_MS;
            let bound = keys::listing_changes_from(keep_from);
            state.applied.extend(fresh.into_iter().map(|(sk, _)| sk));
            state.applied.retain(|sk| sk.as_str() >= bound.as_str());
            state.from_ms = keep_from;
        }
        Ok(read)
    }

    /// Run `f` over the copy's listed mentors (none before its first update).
    pub fn with_listing_copy<R>(
        &self,
        f: impl FnOnce(&mut dyn Iterator<Item = &Listing>) -> R,
    ) -> R {
        let state = self.listing_copy.read();
        match state.as_ref() {
            Some(s) => f(&mut s.listings.values()),
            None => f(&mut std::iter::empty()),
        }
    }

    /// The listings of these mentors as stored now, in one strongly
    /// consistent batch read: those still listed, in the order asked.
    pub async fn listings_now(
        &self,
        which: &[(WorkingHours, EmailAddress)],
    ) -> Result<Vec<Listing>, StoreError> {
        let keys: Vec<Key> = which
            .iter()
            .map(|(hours, email)| keys::listing(hours.id(), email.as_str()))
            .collect();
        let mut found: HashMap<String, Listing> = HashMap::new();
        for item in self.get_all(&keys).await? {
            let listing: Listing = from_value(Value::Object(item))?;
            found.insert(listing.email.to_string(), listing);
        }
        Ok(which
            .iter()
            .filter_map(|(_, email)| found.remove(email.as_str()))
            .collect())
    }
}
