//! The quarterly matching run against the table as DynamoDB would serve it:
//! 10,000 approved mentees and 2,000 listed mentors (`MOMENTS_BENCH_MENTEES`,
//! `MOMENTS_BENCH_MENTORS`) in the embedded store, the run's reads and
//! writes going through the cost model (`moments_adapters::table::cost`).
//!
//! An administrator's run is jobs, not one web request: the job that works
//! out every list and keeps them in pages (`work_out`), and the publishing
//! jobs (`publish_pages`, a thousand mentees each: a list stored and an
//! email claimed and sent per mentee). Printed for each: round trips, read
//! and write units, the modelled time if each round trip were waited for
//! in turn, and the time with 5 ms slept per round trip, so that the calls
//! made side by side overlap as they would (`MOMENTS_BENCH_SLEEP=0` skips
//! those runs); the largest item a run stores (DynamoDB's limit is 400 KB),
//! and the largest answer the admin page reads: the run, a page of lists
//! (Lambda's limit is 6 MB).
//!
//! Run: `cargo bench -p moments-tests --bench matching_run`.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{deps, env_or, seed};
use jiff::Timestamp;
use moments_adapters::store::Store;
use moments_adapters::table::cost::{CostModel, Costs, ModelledTable};
use moments_adapters::table::embedded::EmbeddedTable;
use moments_adapters::table::{Key, Table};
use moments_domain::application::Role;
use moments_domain::fields::EmailAddress;
use moments_usecases::matching;
use rand::SeedableRng;
use rand::rngs::StdRng;

fn line(what: &str, costs: &Costs, wall: Duration) {
    println!(
        "{what}: {costs} (that is, {:.1} s if each round trip is waited for in turn); {:.1} s wall without waits",
        (costs.modelled - costs.waited).as_secs_f64(),
        wall.as_secs_f64(),
    );
}

#[tokio::main]
async fn main() {
    let mentees = env_or("MOMENTS_BENCH_MENTEES", 10_000);
    let mentors = env_or("MOMENTS_BENCH_MENTORS", 2_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let embedded = Arc::new(EmbeddedTable::open(&dir.path().join("bench.redb")).expect("table"));
    let store = Store::new(embedded.clone());
    let mut rng = StdRng::seed_from_u64(2026);
    let started = Instant::now();
    for n in 0..mentors {
        seed(&store, Role::Mentor, n, &mut rng).await;
    }
    for n in 0..mentees {
        seed(&store, Role::Mentee, mentors + n, &mut rng).await;
    }
    eprintln!(
        "seeded {mentors} mentors and {mentees} mentees in {:.1?}",
        started.elapsed()
    );
    let now = Timestamp::now();

    let admin = EmailAddress::parse("admin@mo.gov").expect("admin");
    let sleeping = || {
        let sleeping = Arc::new(ModelledTable::new(
            embedded.clone(),
            CostModel {
                sleep: true,
                ..CostModel::default()
            },
        ));
        deps(sleeping, embedded.clone())
    };
    let slept = std::env::var("MOMENTS_BENCH_SLEEP").as_deref() != Ok("0");

    // Counted, not slept: every call of the run's jobs.
    let counted = Arc::new(ModelledTable::new(embedded.clone(), CostModel::default()));
    let run = deps(counted.clone(), embedded.clone());
    let started = matching::start(&run, &admin, now).await.expect("start");
    let before = counted.costs();
    let t = Instant::now();
    let worked = matching::work_out(&run, &started.id)
        .await
        .expect("work out")
        .expect("the run");
    let work_wall = t.elapsed();
    let work = counted.costs().since(&before);
    let figures = worked.figures.clone().expect("figures");
    println!(
        "matching {} mentees ({} with suggestions) × {mentors} mentors, total fit {}, {} pages of lists",
        figures.mentees, figures.with_suggestions, figures.total_fit, worked.pages
    );
    line("working out the lists (one job)", &work, work_wall);
    if slept {
        let other = sleeping();
        let again = matching::start(&other, &admin, now).await.expect("start");
        let t = Instant::now();
        matching::work_out(&other, &again.id)
            .await
            .expect("work out")
            .expect("the run");
        println!(
            "  the same job with 5 ms slept per round trip: {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }

    // What the admin page reads: the run, and each page of its lists.
    let mut largest_page = 0;
    let mut largest_stored = 0;
    for page in 0..worked.pages {
        let shown = matching::lists_page(&run, &worked.id, page)
            .await
            .expect("page")
            .expect("a page");
        largest_page = largest_page.max(serde_json::to_vec(&shown).expect("answer").len());
        let kept = embedded
            .get(&Key::new(
                format!("MATCHRUN#{}#{page:05}", worked.id),
                "PAGE",
            ))
            .await
            .expect("item")
            .expect("a page item");
        largest_stored = largest_stored.max(serde_json::to_vec(&kept).expect("item").len());
    }
    let run_answer = serde_json::to_vec(&worked).expect("answer").len();
    println!(
        "  largest answer: a page of lists {:.0} KB, the run {:.1} KB (Lambda answers at most 6 MB); largest page item {:.0} KB (DynamoDB items at most 400 KB)",
        largest_page as f64 / 1e3,
        run_answer as f64 / 1e3,
        largest_stored as f64 / 1e3
    );

    let before = counted.costs();
    let t = Instant::now();
    matching::publish(&run, &admin, &worked.id, now)
        .await
        .expect("publish");
    let mut jobs = 0;
    let mut longest = std::time::Duration::ZERO;
    let mut page = 0;
    let published = loop {
        jobs += 1;
        let job_before = counted.costs();
        let r = matching::publish_pages(&run, &worked.id, page, Some(matching::PAGES_PER_JOB))
            .await
            .expect("publish job")
            .expect("the run");
        let job = counted.costs().since(&job_before);
        longest = longest.max(job.modelled - job.waited);
        if r.status == matching::RunStatus::Published {
            break r;
        }
        page = r.publishing.as_ref().map_or(0, |p| p.next_page);
    };
    let publish = counted.costs().since(&before);
    let progress = published.publishing.expect("progress");
    line(
        &format!(
            "publishing in {jobs} jobs ({} mentees, {} emailed)",
            progress.published, progress.emailed
        ),
        &publish,
        t.elapsed(),
    );
    println!(
        "  the longest job: {:.1} s if each round trip is waited for in turn; its emails at SES's 14 a second: {:.0} s",
        longest.as_secs_f64(),
        (progress.emailed as f64 / f64::from(jobs)).ceil() / 14.0
    );
    if slept {
        // A second run, published by one job slept at 5 ms a round trip.
        let other = sleeping();
        let again = matching::start(&other, &admin, now).await.expect("start");
        let again = matching::work_out(&other, &again.id)
            .await
            .expect("work out")
            .expect("the run");
        matching::publish(&other, &admin, &again.id, now)
            .await
            .expect("publish");
        let t = Instant::now();
        matching::publish_pages(&other, &again.id, 0, Some(matching::PAGES_PER_JOB))
            .await
            .expect("publish job");
        println!(
            "  one publishing job ({} pages) with 5 ms slept per round trip: {:.1} s",
            matching::PAGES_PER_JOB,
            t.elapsed().as_secs_f64()
        );
    }
}
