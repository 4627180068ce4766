//! The quarterly matching run at statewide size: 10,000 mentees and 3,000
//! mentors (synthetic, seeded), the exact assignment beside the greedy
//! per-mentee baseline on the same data.
//! Run: `cargo bench -p moments-domain --bench matching`.
//!
//! Each algorithm runs in a child process of this binary, so its peak memory
//! is its own: the child builds the data, resets the kernel's high-water mark
//! of resident memory (`/proc/self/clear_refs`), runs, and reads `VmHWM`. The
//! figure is the whole process at its peak, input data included; the input's
//! own resident size is printed beside it. (The workspace forbids `unsafe`,
//! so a counting global allocator is not an option.)

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use std::process::Command;
use std::time::Instant;

use moments_domain::catalogue::Catalogue;
use moments_domain::fields::{SkillRanking, WorkingHours};
use moments_domain::matching::{
    LISTS_PER_OPEN_PLACE, Mentee, Mentor, Stats, Suggestion, greedy, suggest_with_stats,
};
use moments_domain::skills::StoredSkills;

const MENTEES: usize = 10_000;
const MENTORS: usize = 3_000;
const SEED: u64 = 2026;
/// Set in a child: which algorithm to run.
const CHILD: &str = "MOMENTS_MATCHING_BENCH_CHILD";

/// Skills most asked for first. Mentees follow a steep popularity curve,
/// mentors a flatter one: the skills everyone wants are scarce among mentors.
fn popularity() -> Vec<String> {
    let first = [
        "leadership",
        "project-management",
        "supervision",
        "career-planning",
        "public-speaking",
        "decision-making",
        "conflict-resolution",
        "data-analysis",
    ];
    let mut order: Vec<String> = first.iter().map(|s| s.to_string()).collect();
    for id in Catalogue::get().skill_ids() {
        if !first.contains(&id) {
            order.push(id.to_string());
        }
    }
    order
}

/// Cumulative Zipf weights with exponent `s`: the k-th skill is drawn in
/// proportion to 1 / k^s.
fn zipf(n: usize, s: f64) -> Vec<f64> {
    let mut acc = 0.0;
    (0..n)
        .map(|k| {
            acc += 1.0 / ((k + 1) as f64).powf(s);
            acc
        })
        .collect()
}

fn ranking(rng: &mut StdRng, skills: &[String], cumulative: &[f64]) -> SkillRanking {
    let total = cumulative[cumulative.len() - 1];
    let want = 3 + rng.random_range(0..4);
    let mut chosen: Vec<&str> = Vec::new();
    while chosen.len() < want {
        let x = rng.random::<f64>() * total;
        let k = cumulative.partition_point(|&c| c < x).min(skills.len() - 1);
        if !chosen.contains(&skills[k].as_str()) {
            chosen.push(&skills[k]);
        }
    }
    SkillRanking::parse(&chosen, &StoredSkills::seed()).expect("catalogue skills")
}

fn hours(rng: &mut StdRng) -> WorkingHours {
    match rng.random_range(0..100) {
        0..80 => WorkingHours::Daytime,
        80..92 => WorkingHours::Evening,
        _ => WorkingHours::Overnight,
    }
}

struct Data {
    mentees: Vec<Mentee>,
    mentors: Vec<Mentor>,
    /// Per mentee, sorted mentor indices never to suggest.
    excluded: Vec<Vec<usize>>,
}

fn data() -> Data {
    let mut rng = StdRng::seed_from_u64(SEED);
    let skills = popularity();
    let steep = zipf(skills.len(), 1.1);
    let flat = zipf(skills.len(), 0.5);
    let mentees: Vec<Mentee> = (0..MENTEES)
        .map(|_| Mentee {
            skills: ranking(&mut rng, &skills, &steep),
            hours: hours(&mut rng),
            priority: rng.random_bool(0.05),
        })
        .collect();
    let mentors: Vec<Mentor> = (0..MENTORS)
        .map(|_| Mentor {
            skills: ranking(&mut rng, &skills, &flat),
            hours: hours(&mut rng),
            open_places: if rng.random_bool(0.55) { 1 } else { 2 },
        })
        .collect();
    // The first 500 mentees are also mentors (themselves excluded); every
    // mentee has a supervisor among the mentors one time in five, and a past
    // partner or a decline one time in four.
    let excluded = (0..MENTEES)
        .map(|i| {
            let mut list = Vec::new();
            if i < 500 {
                list.push(i);
            }
            if rng.random_bool(0.20) {
                list.push(rng.random_range(0..MENTORS));
            }
            while rng.random_bool(0.25) {
                list.push(rng.random_range(0..MENTORS));
            }
            list.sort_unstable();
            list.dedup();
            list
        })
        .collect();
    Data {
        mentees,
        mentors,
        excluded,
    }
}

fn proc_status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Runs one algorithm and prints its figures as `key=value` lines.
fn child(algorithm: &str) {
    let data = data();
    let excluded = |i: usize, j: usize| data.excluded[i].binary_search(&j).is_ok();
    let input_kb = proc_status_kb("VmRSS:").unwrap_or(0);
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let started = Instant::now();
    let (lists, stats): (Vec<Vec<Suggestion>>, Option<Stats>) = match algorithm {
        "assignment" => {
            let (lists, stats) = suggest_with_stats(&data.mentees, &data.mentors, &excluded);
            (lists, Some(stats))
        }
        _ => (greedy(&data.mentees, &data.mentors, &excluded), None),
    };
    let wall = started.elapsed();
    let peak_kb = proc_status_kb("VmHWM:").unwrap_or(0);

    let mut load = vec![0u32; data.mentors.len()];
    for s in lists.iter().flatten() {
        load[s.mentor] += 1;
    }
    let over = load
        .iter()
        .zip(&data.mentors)
        .filter(|(l, m)| **l > m.list_bound())
        .count();
    let covered = lists.iter().filter(|l| !l.is_empty()).count();
    let covered_priority = lists
        .iter()
        .zip(&data.mentees)
        .filter(|(l, m)| m.priority && !l.is_empty())
        .count();
    println!("wall_ms={:.0}", wall.as_secs_f64() * 1000.0);
    println!("peak_mb={:.0}", peak_kb as f64 / 1024.0);
    println!("input_mb={:.0}", input_kb as f64 / 1024.0);
    println!("hwm_reset={reset}");
    println!(
        "total_fit={}",
        lists
            .iter()
            .flatten()
            .map(|s| u64::from(s.score))
            .sum::<u64>()
    );
    // How many suggestions share a skill the mentee ranked in their top
    // three, and how many share none of their skills at all.
    let (mut top_three, mut none) = (0usize, 0usize);
    for (list, mentee) in lists.iter().zip(&data.mentees) {
        for s in list {
            let theirs = data.mentors[s.mentor].skills.ids();
            let ours = mentee.skills.ids();
            top_three += usize::from(ours.iter().take(3).any(|id| theirs.contains(id)));
            none += usize::from(!ours.iter().any(|id| theirs.contains(id)));
        }
    }
    println!("top_three={top_three}");
    println!("no_shared={none}");
    println!("covered={covered}");
    println!("covered_priority={covered_priority}");
    println!("suggestions={}", lists.iter().map(Vec::len).sum::<usize>());
    println!("max_lists={}", load.iter().max().copied().unwrap_or(0));
    println!("over_bound={over}");
    if let Some(s) = stats {
        println!(
            "stats={} candidate pairs, {} pricing rounds, {} pairs added, {} pivots",
            s.candidate_pairs, s.pricing_rounds, s.pairs_added, s.pivots
        );
    }
}

fn run_child(algorithm: &str) -> Vec<(String, String)> {
    let exe = std::env::current_exe().expect("bench binary path");
    let out = Command::new(exe)
        .env(CHILD, algorithm)
        .output()
        .expect("run child");
    assert!(
        out.status.success(),
        "{algorithm} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn main() {
    if let Ok(algorithm) = std::env::var(CHILD) {
        child(&algorithm);
        return;
    }
    let data = data();
    let priority = data.mentees.iter().filter(|m| m.priority).count();
    let places: u32 = data.mentors.iter().map(|m| m.open_places).sum();
    let list_places: u32 = data.mentors.iter().map(Mentor::list_bound).sum();
    let exclusions: usize = data.excluded.iter().map(Vec::len).sum();
    drop(data);
    println!(
        "{MENTEES} mentees ({priority} priority), {MENTORS} mentors with {places} open places \
         ({LISTS_PER_OPEN_PLACE} lists per place: {list_places} list places for up to {} wanted), \
         {exclusions} excluded pairs, seed {SEED}.\n",
        MENTEES * 5
    );
    println!(
        "| algorithm | wall time | peak memory | total fit | mentees with ≥1 suggestion | suggestions sharing a top-3 skill | sharing no skill | largest number of lists a mentor is in |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let mut notes = Vec::new();
    for algorithm in ["assignment", "greedy"] {
        let r = run_child(algorithm);
        let get = |k: &str| {
            r.iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
                .unwrap_or("?")
        };
        let share = |k: &str| {
            let part: f64 = get(k).parse().unwrap_or(0.0);
            let all: f64 = get("suggestions").parse().unwrap_or(0.0);
            if all > 0.0 { 100.0 * part / all } else { 0.0 }
        };
        println!(
            "| {algorithm} | {} ms | {} MB (input {} MB) | {} | {} of {MENTEES} ({} of {priority} priority) | {:.1}% | {} | {} (bound {}/{}; {} mentors over) |",
            get("wall_ms"),
            get("peak_mb"),
            get("input_mb"),
            get("total_fit"),
            get("covered"),
            get("covered_priority"),
            share("top_three"),
            get("no_shared"),
            get("max_lists"),
            LISTS_PER_OPEN_PLACE,
            2 * LISTS_PER_OPEN_PLACE,
            get("over_bound"),
        );
        if get("hwm_reset") != "true" {
            notes.push(format!(
                "{algorithm}: could not reset the high-water mark; peak includes data generation"
            ));
        }
        notes.push(format!("{algorithm}: {} suggestions", get("suggestions")));
        if let Some((_, stats)) = r.iter().find(|(k, _)| k == "stats") {
            notes.push(format!(
                "{algorithm}: {stats}; the last round found no improving pair among all \
                 {MENTEES} × {MENTORS} pairs, which certifies the optimum of the full problem"
            ));
        }
    }
    println!();
    for note in notes {
        println!("- {note}");
    }
}
