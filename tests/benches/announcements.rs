//! An announcement to 5,000 people (`MOMENTS_BENCH_PEOPLE`): approved
//! mentees without a mentor, 1 in 100 of them opted out, in the embedded
//! store, the announcement's reads and writes going through the cost model
//! (`moments_adapters::table::cost`).
//!
//! Printed: the reach read when it is written; queueing (the job that finds
//! the audience and writes each person's claim and copy): its round trips,
//! read and write units, items written and wall time, counted and with
//! 5 ms slept per round trip; then the mail queue sent at SES's configured
//! rate of 14 a second (`MOMENTS_SES_RATE`) through a mailer answering in
//! 40 ms as SES does, for `MOMENTS_BENCH_DRAIN_SECONDS` (20): messages a
//! second, and the time the whole announcement takes at that rate.
//!
//! Run: `cargo bench -p moments-tests --bench announcements`.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use common::{deps, env_or, seed};
use jiff::Timestamp;
use moments_adapters::config::ProgramConfig;
use moments_adapters::deps::Deps;
use moments_adapters::mail::outbox::Outbox;
use moments_adapters::mail::{MailError, Mailer};
use moments_adapters::store::Store;
use moments_adapters::table::cost::{CostModel, ModelledTable};
use moments_adapters::table::embedded::EmbeddedTable;
use moments_adapters::table::{Index, Query, Table};
use moments_domain::announcement::{Audience, Body, Group, Subject};
use moments_domain::application::Role;
use moments_domain::fields::EmailAddress;
use moments_domain::mail::Message;
use moments_usecases::announcements::{self, Draft};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// The outbox, answering after SES's usual latency.
struct Ses {
    outbox: Outbox,
    latency: Duration,
}

#[async_trait]
impl Mailer for Ses {
    async fn send(&self, message: &Message) -> Result<(), MailError> {
        tokio::time::sleep(self.latency).await;
        self.outbox.send(message).await
    }
}

/// Items under a partition key.
async fn items_under(table: &EmbeddedTable, pk: &str) -> usize {
    let mut q = Query::new(Index::Primary, pk);
    let mut n = 0;
    loop {
        let page = table.query(&q).await.expect("query");
        n += page.items.len();
        match page.next {
            Some(next) => q.start = Some(next),
            None => return n,
        }
    }
}

/// Copies waiting in every partition of the mail queue.
async fn queued_copies(table: &EmbeddedTable) -> usize {
    let mut n = 0;
    for pk in moments_adapters::store::keys::mail_partitions() {
        n += items_under(table, &pk).await;
    }
    n
}

fn draft() -> Draft {
    Draft {
        subject: Subject::parse("Your suggested mentors are coming").expect("subject"),
        body: Body::parse("## Good news\n\nThe matching run is on **Monday**: see [how it works](https://moments.mo.gov/how-it-works/).")
            .expect("body"),
        audience: Audience {
            group: Group::MenteesWithoutMentor,
            department: None,
            of: None,
        },
        send_at: None,
    }
}

#[tokio::main]
async fn main() {
    let people = env_or("MOMENTS_BENCH_PEOPLE", 5_000);
    let drain_for = Duration::from_secs(env_or("MOMENTS_BENCH_DRAIN_SECONDS", 20) as u64);
    let rate = env_or("MOMENTS_SES_RATE", 14) as u32;
    let dir = tempfile::tempdir().expect("temp dir");
    let embedded = Arc::new(EmbeddedTable::open(&dir.path().join("bench.redb")).expect("table"));
    let outbox = Arc::new(EmbeddedTable::open(&dir.path().join("outbox.redb")).expect("outbox"));
    let store = Store::new(embedded.clone());
    let mut rng = StdRng::seed_from_u64(2026);
    let now = Timestamp::now();
    for n in 0..people {
        seed(&store, Role::Mentee, n, &mut rng).await;
        if n % 100 == 0 {
            let email = EmailAddress::parse(&format!("mentee{n}@mo.gov")).expect("email");
            store
                .set_opted_out(&email, true, now)
                .await
                .expect("opt out");
        }
    }
    let admin = EmailAddress::parse("admin@mo.gov").expect("admin");

    for sleep in [false, true] {
        let counted = Arc::new(ModelledTable::new(
            embedded.clone(),
            CostModel {
                sleep,
                ..CostModel::default()
            },
        ));
        let d = deps(counted.clone(), outbox.clone());
        let t = Instant::now();
        let a = announcements::write(
            &d,
            &admin,
            draft(),
            "Approved mentees without a mentor".into(),
            now,
        )
        .await
        .expect("written");
        let written = counted.costs();
        let write_wall = t.elapsed();
        let t = Instant::now();
        announcements::queue(&d, &a.id, announcements::BATCH, None)
            .await
            .expect("queued")
            .expect("the job that sends them");
        let queue_wall = t.elapsed();
        let queued = counted.costs().since(&written);
        let (a, _) = store
            .announcement(&a.id)
            .await
            .expect("read")
            .expect("there");
        if sleep {
            println!(
                "with 5 ms slept per round trip: written (reach read) in {:.2} s, queued in {:.2} s",
                write_wall.as_secs_f64(),
                queue_wall.as_secs_f64()
            );
            continue;
        }
        let mut claims = 0;
        for shard in 0..8 {
            claims += items_under(&embedded, &format!("ANNOUNCE#{}#{shard}", a.id)).await;
        }
        let copies = queued_copies(&embedded).await;
        println!(
            "announcement to {people} approved mentees without a mentor: found {}, opted out {}, queued {}",
            a.found, a.opted_out, a.queued
        );
        println!(
            "  writing it (its reach read): {written}; {:.2} s wall",
            write_wall.as_secs_f64()
        );
        println!(
            "  queueing it (one job): {queued}; {:.2} s wall",
            queue_wall.as_secs_f64()
        );
        println!(
            "  items written: {copies} copies in the mail queue, {claims} recipients' claims, {} saves of its progress",
            queued.writes - a.queued as u64
        );
    }

    // The mail queue holds both announcements' copies now; send for a
    // while at the configured rate, through a mailer with SES's latency.
    let counted = Arc::new(ModelledTable::new(
        embedded.clone(),
        CostModel {
            sleep: true,
            ..CostModel::default()
        },
    ));
    let config = ProgramConfig::new("http://127.0.0.1", "mo.gov", "").expect("config");
    let ses = Ses {
        outbox: Outbox::new(outbox.clone()),
        latency: Duration::from_millis(40),
    };
    let sender = Deps::new(Store::new(counted.clone()), Arc::new(ses), config).with_mail_rate(rate);
    let waiting = queued_copies(&embedded).await;
    let t = Instant::now();
    let drained = moments_reminders::send_queue(&sender, drain_for)
        .await
        .expect("sent");
    let wall = t.elapsed().as_secs_f64();
    let per_second = drained.sent as f64 / wall;
    println!(
        "sending the mail queue at {rate} a second (SES answering in 40 ms, 5 ms per table round trip): {} sent in {wall:.1} s = {per_second:.2} a second; {}",
        drained.sent,
        counted.costs()
    );
    println!(
        "  one announcement to {people} people takes {:.1} minutes at that rate; {waiting} copies were waiting",
        people as f64 / per_second / 60.0
    );
}
