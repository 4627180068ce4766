//! The local stand-in's control for timed work: the one-time jobs waiting
//! in the scheduler, buttons to run the due ones now, or all of them as if
//! their time had come (reminders are 7, 14 days or 48 hours away), or
//! those due within 30 days with the clock moved to that day (a pair's
//! check-in looks at how long it has been quiet), and the
//! weekly digest, which in AWS runs every Monday at 7:00 Chicago time, the
//! weekly retention run (Sundays), and the matching (each morning, publishing
//! on a match group's suggested-matches day).

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use moments_adapters::deps::{Clock, Deps, as_function};

/// The function that runs reminder jobs and the retry run in AWS.
const REMINDERS: &str = "moments-reminders";
use moments_adapters::http::ApiError;
use moments_adapters::scheduler::local::{DueJob, LocalScheduler};
use moments_domain::reminders::Job;
use serde::Serialize;
use tera::{Context, Tera};

const TEMPLATE: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Timed jobs — MOments local platform</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem; color: #1b1b1b; }
header { border-bottom: 2px solid #12355b; margin-bottom: 1rem; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #767676; padding: 0.4rem; text-align: left; vertical-align: top; }
button { font: inherit; padding: 0.4rem 0.9rem; margin: 0 0.5rem 0.5rem 0; }
button:focus, a:focus { outline: 3px solid #ffbf47; outline-offset: 2px; }
a { color: #0b4f8a; }
.done { border: 1px solid #2e7d32; padding: 0.5rem 1rem; }
</style>
</head>
<body>
<header>
<p><a href="/">MOments</a> · local platform · <a href="/_local/outbox">Outbox</a></p>
<h1>Timed jobs</h1>
<p>In AWS, EventBridge Scheduler runs these at their time. Here they wait until you run them.</p>
</header>
<main>
{% if ran %}<section class="done" aria-labelledby="ran"><h2 id="ran">Ran {{ ran | length }} job(s)</h2><ul>{% for r in ran %}<li>{{ r.name }}: {{ r.outcome }}</li>{% endfor %}</ul></section>{% endif %}
<form method="post" action="/_local/jobs/run-due"><button type="submit">Run the jobs that are due now</button></form>
<form method="post" action="/_local/jobs/run-all"><button type="submit">Run every job now, as if its time had come</button></form>
<form method="post" action="/_local/jobs/run-later"><button type="submit">Move the clock 30 days on and run what is due by then</button> <span>(check-ins with quiet pairs count the weeks since their last meeting; the rest of the platform keeps today's date)</span></form>
<form method="post" action="/_local/jobs/digest"><button type="submit">Send the Monday digest now</button></form>
<form method="post" action="/_local/jobs/retention"><button type="submit">Remove records past retention now</button></form>
<form method="post" action="/_local/jobs/matching/scheduled"><button type="submit">Run this morning's scheduled matching (it publishes only on a match group's suggested-matches day)</button></form>
<form method="post" action="/_local/jobs/matching"><button type="submit">Run and publish the next match group's matching now</button></form>
<p>A dry run of the matching, without publishing, is on the program administrators' API: <code>POST /api/admin/matching/preview</code>.</p>
<h2>Waiting</h2>
{% if jobs | length == 0 %}<p>No jobs are waiting.</p>{% else %}
<table><thead><tr><th scope="col">Job</th><th scope="col">Due</th><th scope="col">What it does</th></tr></thead><tbody>
{% for j in jobs %}<tr><td>{{ j.name }}</td><td><time datetime="{{ j.at }}">{{ j.at }}</time></td><td>{{ j.what }}</td></tr>{% endfor %}
</tbody></table>{% endif %}
</main>
</body>
</html>
"#;

#[derive(Clone)]
pub struct Jobs {
    pub scheduler: Arc<LocalScheduler>,
    pub deps: Deps,
}

#[derive(Serialize)]
struct Shown {
    name: String,
    at: String,
    what: &'static str,
}

#[derive(Serialize)]
pub struct Ran {
    pub name: String,
    pub outcome: String,
}

fn what(payload: &serde_json::Value) -> &'static str {
    match serde_json::from_value::<Job>(payload.clone()) {
        Ok(Job::RequestReminder { .. }) => "Remind the mentor of an unanswered request",
        Ok(Job::RequestExpiry { .. }) => "Close a request the mentor never answered",
        Ok(Job::ConnectCheck { .. }) => "Nudge a new pair that has not logged a meeting",
        Ok(Job::QuietCheck { .. }) => "Check in with a pair that may have gone quiet",
        Ok(Job::SurveyReminder { .. }) => {
            "Ask once more for an unanswered survey, a week after the end"
        }
        Ok(Job::EventReminder { .. }) => "Remind those with a place at an event, the day before",
        Ok(Job::MatchingRun { .. }) => {
            "Work out the lists of a matching run an administrator started"
        }
        Ok(Job::MatchingPublish { .. }) => "Publish the next pages of a matching run's lists",
        Ok(Job::Announcement { .. }) => "Find an announcement's audience and queue its emails",
        Ok(Job::AnnouncementMail { .. }) => "Send the mail queue after an announcement",
        Ok(Job::DecisionMail { .. }) => {
            "Tell an applicant of a decision, once it can no longer be undone"
        }
        Ok(Job::WithdrawalMail { .. }) => {
            "Tell a mentor a request was withdrawn, once it can no longer be undone"
        }
        Ok(Job::EndedMail { .. }) => {
            "Tell both sides a mentorship ended, once it can no longer be undone"
        }
        Ok(Job::RetryMail) => "Send emails and create reminder jobs that failed earlier",
        Err(_) => "Unknown job",
    }
}

/// Run jobs the scheduler handed over, as the reminders function would.
async fn run_jobs(deps: &Deps, due: Vec<DueJob>) -> Vec<Ran> {
    let mut ran = Vec::new();
    for DueJob { name, payload, .. } in due {
        let outcome = match serde_json::from_value::<Job>(payload) {
            Ok(job) => match as_function(REMINDERS, moments_reminders::run(deps, &job)).await {
                Ok(o) => format!("{o:?}"),
                Err(e) => format!("failed: {e}"),
            },
            Err(e) => format!("unreadable job: {e}"),
        };
        ran.push(Ran { name, outcome });
    }
    ran
}

/// The jobs of matching runs, announcements, and the emails held while a
/// decision, a withdrawal or an ending can be undone begin with these:
/// an administrator, an applicant, a mentor or a mentee waits for them.
const WATCHED_JOBS: [&str; 5] = [
    "matching-",
    "announce-",
    "decision-",
    "withdrawal-",
    "ended-",
];

impl Jobs {
    /// Run the watched jobs (matching runs, announcements, held emails) as
    /// soon as they are due, as EventBridge Scheduler would within its minute: an
    /// administrator who starts or publishes a run, or sends an
    /// announcement, waits for them. Other jobs wait for the jobs page, so
    /// whoever tries the platform decides when reminders go.
    pub fn run_watched_jobs_when_due(self) {
        tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_millis(500));
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                for prefix in WATCHED_JOBS {
                    let now = self.deps.now();
                    match self.scheduler.take_due_named(now, prefix).await {
                        Ok(due) if !due.is_empty() => {
                            for r in run_jobs(&self.deps, due).await {
                                tracing::info!(job = %r.name, outcome = %r.outcome, "job ran");
                            }
                        }
                        Ok(_) => {}
                        Err(e) => tracing::warn!(error = %e, "could not read the local scheduler"),
                    }
                }
            }
        });
    }

    /// Run the jobs due at `now`, as the reminders function would.
    pub async fn run_due(&self, now: Timestamp) -> Result<Vec<Ran>, ApiError> {
        self.run_due_as(&self.deps, now).await
    }

    /// Run the jobs due at `now` with `deps`, whose clock may be moved on.
    async fn run_due_as(&self, deps: &Deps, now: Timestamp) -> Result<Vec<Ran>, ApiError> {
        let due = self
            .scheduler
            .take_due(now)
            .await
            .map_err(|e| ApiError::Internal(Box::new(e)))?;
        let mut ran = run_jobs(deps, due).await;
        // The retry run (queued mail and reminder jobs) has its own
        // 15-minute schedule in AWS; here it runs with the due jobs, and
        // shows only when it had work.
        let outcome = match as_function(REMINDERS, moments_reminders::retry_queued(deps)).await {
            Ok(moments_reminders::Outcome::NothingToDo(_)) => None,
            Ok(o) => Some(format!("{o:?}")),
            Err(e) => Some(format!("failed: {e}")),
        };
        if let Some(outcome) = outcome {
            ran.push(Ran {
                name: Job::RetryMail.name(),
                outcome,
            });
        }
        Ok(ran)
    }

    async fn page(&self, ran: Vec<Ran>) -> Response {
        let jobs = match self.scheduler.jobs().await {
            Ok(jobs) => jobs,
            Err(e) => return ApiError::Internal(Box::new(e)).into_response(),
        };
        let shown: Vec<Shown> = jobs
            .iter()
            .map(|j| Shown {
                name: j.name.clone(),
                at: j.at.to_string(),
                what: what(&j.payload),
            })
            .collect();
        let mut context = Context::new();
        context.insert("jobs", &shown);
        context.insert("ran", &ran);
        match Tera::one_off(TEMPLATE, &context, true) {
            Ok(page) => Html(page).into_response(),
            Err(e) => ApiError::Internal(Box::new(e)).into_response(),
        }
    }
}

pub fn router(jobs: Jobs) -> Router {
    Router::new()
        .route(
            "/_local/jobs",
            get(|State(j): State<Jobs>| async move { j.page(Vec::new()).await }),
        )
        .route("/_local/jobs/run-due", post(run_due))
        .route("/_local/jobs/run-all", post(run_all))
        .route("/_local/jobs/run-later", post(run_later))
        .route("/_local/jobs/digest", post(digest))
        .route("/_local/jobs/retention", post(retention))
        .route("/_local/jobs/matching", post(matching))
        .route("/_local/jobs/matching/scheduled", post(scheduled_matching))
        .with_state(jobs)
}

async fn run_due(State(j): State<Jobs>) -> Response {
    match j.run_due(j.deps.now()).await {
        Ok(ran) => j.page(ran).await,
        Err(e) => e.into_response(),
    }
}

async fn run_all(State(j): State<Jobs>) -> Response {
    // Far enough ahead that every reminder is due.
    let later = j.deps.now() + jiff::SignedDuration::from_hours(24 * 365);
    match j.run_due(later).await {
        Ok(ran) => j.page(ran).await,
        Err(e) => e.into_response(),
    }
}

/// How far `run_later` moves the clock: past a pair's first check-in.
const LATER: jiff::SignedDuration = jiff::SignedDuration::from_hours(30 * 24);

async fn run_later(State(j): State<Jobs>) -> Response {
    let later = j.deps.now() + LATER;
    let moved = j
        .deps
        .clone()
        .with_clock(Clock::Fixed(Arc::new(std::sync::Mutex::new(later))));
    match j.run_due_as(&moved, later).await {
        Ok(ran) => j.page(ran).await,
        Err(e) => e.into_response(),
    }
}

async fn digest(State(j): State<Jobs>) -> Response {
    let run = moments_digest::run(&j.deps, j.deps.now());
    let outcome = match as_function("moments-digest", run).await {
        Ok(summary) => format!(
            "{} sent, {} already sent this week",
            summary.sent, summary.already_sent
        ),
        Err(e) => format!("failed: {e}"),
    };
    j.page(vec![Ran {
        name: "Monday digest".into(),
        outcome,
    }])
    .await
}

async fn retention(State(j): State<Jobs>) -> Response {
    let run = moments_retention::run(&j.deps, j.deps.now());
    let outcome = match as_function("moments-retention", run).await {
        Ok(s) => format!(
            "removed {} applications, {} requests, {} mentorships",
            s.applications, s.requests, s.mentorships
        ),
        Err(e) => format!("failed: {e}"),
    };
    j.page(vec![Ran {
        name: "Retention".into(),
        outcome,
    }])
    .await
}

async fn matching(State(j): State<Jobs>) -> Response {
    let now = j.deps.now();
    let run = async {
        let run = moments_usecases::matching::run_and_publish(&j.deps, None, now).await?;
        let (mentees, with) = run
            .figures
            .as_ref()
            .map_or((0, 0), |f| (f.mentees, f.with_suggestions));
        let emailed = run.publishing.map_or(0, |p| p.emailed);
        Ok::<_, moments_usecases::matching::MatchingError>(format!(
            "{mentees} mentees, {with} with suggestions, {emailed} emailed"
        ))
    };
    let outcome = as_function("moments-matching", run)
        .await
        .unwrap_or_else(|e| format!("failed: {e}"));
    j.page(vec![Ran {
        name: "Matching".into(),
        outcome,
    }])
    .await
}

/// What the schedule does each morning at 7:00 program time.
async fn scheduled_matching(State(j): State<Jobs>) -> Response {
    let run = moments_usecases::matching::scheduled(&j.deps, j.deps.now());
    let outcome = match as_function("moments-matching", run).await {
        Ok(moments_usecases::matching::Scheduled::NotToday) => {
            "no match group's suggested matches go out today".to_string()
        }
        Ok(moments_usecases::matching::Scheduled::AlreadyPublished { group }) => {
            format!("{group}: published already, nothing sent")
        }
        Ok(moments_usecases::matching::Scheduled::Published {
            group,
            mentees,
            with_suggestions,
            emailed,
        }) => format!(
            "{group}: {mentees} mentees, {with_suggestions} with suggestions, {emailed} emailed"
        ),
        Err(e) => format!("failed: {e}"),
    };
    j.page(vec![Ran {
        name: "Scheduled matching".into(),
        outcome,
    }])
    .await
}
