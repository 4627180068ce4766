//! The `digest` function: every Monday morning, one email to each supervisor
//! with their reports' applications waiting for a decision, and one to each
//! department administrator for their departments. A recipient's digest is
//! claimed for the week before it is sent, so a retried or repeated run in
//! the same week sends nothing twice; a failed send gives the claim back and
//! the run returns an error, so the schedule's retries send it later.

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use moments_adapters::deps::Deps;
use moments_adapters::store::StoreError;
use moments_domain::application::Application;
use moments_domain::digest::{admin_digest, supervisor_digest, week_of};
use moments_domain::fields::{DepartmentId, EmailAddress};
use moments_domain::mail::Message;

#[derive(Debug, thiserror::Error)]
pub enum DigestError {
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("{0} digest email(s) could not be sent; the next retry sends them")]
    NotSent(usize),
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub sent: usize,
    pub already_sent: usize,
}

/// Claims outlive the week by far.
const KEEP_CLAIMS: SignedDuration = SignedDuration::from_hours(60 * 24);

#[tracing::instrument(skip(deps))]
pub async fn run(deps: &Deps, now: Timestamp) -> Result<Summary, DigestError> {
    let base = &deps.config.base_url;
    // Every pending application, found through the department partitions
    // (a bounded set of Queries, no Scan).
    let mut pending: Vec<(DepartmentId, Vec<Application>)> = Vec::new();
    let mut admins: BTreeMap<EmailAddress, Vec<DepartmentId>> = BTreeMap::new();
    // Retired departments too: their applications still wait.
    let list = deps.store.departments().await?;
    for dept in list.all() {
        let apps = deps.store.pending_in_department(&dept).await?;
        if apps.is_empty() {
            continue;
        }
        for admin in deps.store.department_admins(&dept).await? {
            admins.entry(admin).or_default().push(dept.clone());
        }
        pending.push((dept, apps));
    }
    let mut by_supervisor: BTreeMap<&EmailAddress, Vec<&Application>> = BTreeMap::new();
    for (_, apps) in &pending {
        for app in apps {
            by_supervisor.entry(app.supervisor()).or_default().push(app);
        }
    }

    let week = week_of(now);
    let mut outgoing: Vec<(String, Message)> = Vec::new();
    for (supervisor, apps) in &by_supervisor {
        outgoing.push((
            format!("digest-{week}-supervisor-{supervisor}"),
            supervisor_digest(supervisor.as_str(), apps, &list, now, base),
        ));
    }
    for (admin, depts) in &admins {
        let sections: Vec<(DepartmentId, Vec<&Application>)> = pending
            .iter()
            .filter(|(d, _)| depts.contains(d))
            .map(|(d, apps)| (d.clone(), apps.iter().collect()))
            .collect();
        outgoing.push((
            format!("digest-{week}-admin-{admin}"),
            admin_digest(admin.as_str(), &sections, &list, now, base),
        ));
    }

    let mut summary = Summary::default();
    let mut failed = 0;
    for (notice, message) in outgoing {
        if !deps.store.claim_notice(&notice, now, KEEP_CLAIMS).await? {
            summary.already_sent += 1;
            continue;
        }
        match deps.send(&message).await {
            Ok(()) => summary.sent += 1,
            Err(e) => {
                tracing::error!(error = %e, to = %message.to, "digest not sent");
                deps.store.release_notice(&notice).await?;
                failed += 1;
            }
        }
    }
    tracing::info!(?summary, failed, "digest run");
    if failed > 0 {
        return Err(DigestError::NotSent(failed));
    }
    Ok(summary)
}
