//! Scenarios on the AWS adapters: mail goes through the SES adapter and
//! timed jobs through the EventBridge Scheduler adapter, both to moto.
//!
//! moto accepts mail and schedules but neither delivers mail nor fires
//! schedules, so this side plays the rest of AWS: it keeps each message SES
//! accepted, and runs due schedules by reading them back from moto
//! (GetSchedule: its `at(...)` time and the payload), invoking the reminders
//! function with that payload and deleting the schedule, as the service does
//! after a one-time schedule has run.

use moments_adapters::deps::as_function;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::DateTime;
use moments_adapters::deps::Deps;
use moments_adapters::mail::outbox::OutboxEntry;
use moments_adapters::mail::ses::SesMailer;
use moments_adapters::mail::{MailError, Mailer};
use moments_adapters::scheduler::eventbridge::{EventBridgeScheduler, JobTarget};
use moments_domain::mail::Message;
use moments_domain::reminders::Job;
use moments_local::Adapters;
use moments_local::jobs_page::Ran;
use moments_tests::{aws, schedule_group, verified_sender};

/// What SES accepted, in order.
type Sent = Arc<Mutex<Vec<OutboxEntry>>>;

/// The SES adapter, keeping a copy of each message SES accepted.
struct Recorded {
    ses: SesMailer,
    sent: Sent,
}

#[async_trait]
impl Mailer for Recorded {
    async fn send(&self, message: &Message) -> Result<(), MailError> {
        self.ses.send(message).await?;
        let mut sent = self.sent.lock().expect("sent mail");
        let id = format!("{:06}", sent.len());
        sent.push(OutboxEntry {
            id,
            sent_at: Timestamp::now().to_string(),
            to: message.to.clone(),
            subject: message.subject.clone(),
            text: message.text.clone(),
            unsubscribe: message.unsubscribe.clone(),
        });
        Ok(())
    }
}

pub struct ScheduledJob {
    pub name: String,
    pub at: Timestamp,
    pub payload: String,
}

pub struct AwsSide {
    sent: Sent,
    scheduler: aws_sdk_scheduler::Client,
    group: String,
}

impl AwsSide {
    /// A verified sender and a schedule group of this test's own in moto.
    pub async fn start(case: &str) -> (AwsSide, Adapters) {
        let config = aws().await;
        let from = verified_sender(&config, case).await;
        let group = schedule_group(&config, case).await;
        let ses = aws_sdk_sesv2::Client::new(&config);
        let scheduler = aws_sdk_scheduler::Client::new(&config);
        let target = JobTarget {
            group: group.clone(),
            function_arn: "arn:aws:lambda:us-east-1:123456789012:function:reminders".into(),
            role_arn: "arn:aws:iam::123456789012:role/scheduler".into(),
            dead_letter_arn: "arn:aws:sqs:us-east-1:123456789012:reminders-dlq".into(),
        };
        let sent = Sent::default();
        let adapters = Adapters {
            mailer: Arc::new(Recorded {
                ses: SesMailer::new(ses, from, None),
                sent: sent.clone(),
            }),
            scheduler: Arc::new(EventBridgeScheduler::new(scheduler.clone(), target)),
        };
        (
            AwsSide {
                sent,
                scheduler,
                group,
            },
            adapters,
        )
    }

    pub fn sent(&self) -> Vec<OutboxEntry> {
        self.sent.lock().expect("sent mail").clone()
    }

    /// The schedules in moto, soonest first.
    pub async fn jobs(&self) -> Vec<ScheduledJob> {
        let listed = self
            .scheduler
            .list_schedules()
            .group_name(&self.group)
            .send()
            .await
            .expect("list schedules");
        let mut jobs = Vec::new();
        for summary in listed.schedules() {
            let name = summary.name().expect("schedule name");
            let got = self
                .scheduler
                .get_schedule()
                .group_name(&self.group)
                .name(name)
                .send()
                .await
                .expect("get schedule");
            let expression = got.schedule_expression().expect("expression");
            let when = expression
                .strip_prefix("at(")
                .and_then(|e| e.strip_suffix(')'))
                .unwrap_or_else(|| panic!("a one-time schedule: {expression}"));
            assert_eq!(got.schedule_expression_timezone(), Some("UTC"));
            let at = DateTime::strptime("%Y-%m-%dT%H:%M:%S", when)
                .and_then(|d| jiff::tz::TimeZone::UTC.to_timestamp(d))
                .expect("at(...) time");
            let payload = got
                .target()
                .and_then(|t| t.input())
                .expect("payload")
                .to_string();
            jobs.push(ScheduledJob {
                name: name.to_string(),
                at,
                payload,
            });
        }
        jobs.sort_by(|a, b| (a.at, &a.name).cmp(&(b.at, &b.name)));
        jobs
    }

    /// Invoke the reminders function for each schedule due at `now`, then
    /// delete the schedule.
    pub async fn run_due(&self, deps: &Deps, now: Timestamp) -> Vec<Ran> {
        let mut ran = Vec::new();
        for job in self.jobs().await.into_iter().filter(|j| j.at <= now) {
            let outcome = match serde_json::from_str::<Job>(&job.payload) {
                Ok(payload) => {
                    match as_function("moments-reminders", moments_reminders::run(deps, &payload))
                        .await
                    {
                        Ok(o) => format!("{o:?}"),
                        Err(e) => format!("failed: {e}"),
                    }
                }
                Err(e) => format!("unreadable job: {e}"),
            };
            self.scheduler
                .delete_schedule()
                .group_name(&self.group)
                .name(&job.name)
                .send()
                .await
                .expect("delete the schedule that ran");
            ran.push(Ran {
                name: job.name,
                outcome,
            });
        }
        ran
    }
}
