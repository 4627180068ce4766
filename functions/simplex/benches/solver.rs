//! The solver alone on synthetic, seeded instances: building each network is
//! left out of the time, solving it is all that is measured.
//! Run: `cargo bench -p moments-simplex --bench solver`.
//!
//! - `lists`: shaped like the quarterly suggested matches (10,000 mentees
//!   with five places each, the first carrying a cover bonus, and 3,000
//!   mentors with bounds of 10 or 20 places), each mentee given 16 random
//!   candidate mentors; then 16 more per mentee are added and the solve
//!   resumes from the previous tree, as pricing does (`lists + resume`).
//! - `assignment`: a dense 300 × 300 one-to-one assignment.
//! - `random`: a sparse random network, 5,000 nodes and 50,000 arcs with
//!   capacities 1 to 20 and costs -100 to 100, so it has many negative
//!   cycles to cancel.
//!
//! Each is solved `RUNS` times; the table gives the median and the fastest.
//! Pivots and the optimum's cost are the same at every run and should stay
//! the same across changes that only make the solver faster.

use std::time::{Duration, Instant};

use moments_simplex::{ArcId, Circulation};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

const RUNS: usize = 5;
const SEED: u64 = 2026;

/// A network ready to solve, with each arc's cost to price the optimum.
struct Network {
    net: Circulation,
    arcs: Vec<(ArcId, i64)>,
    nodes: usize,
}

impl Network {
    fn new(nodes: usize) -> Self {
        Network {
            net: Circulation::new(nodes),
            arcs: Vec::new(),
            nodes,
        }
    }

    fn arc(&mut self, from: usize, to: usize, cap: i64, cost: i64) {
        let id = self.net.add_arc(from, to, cap, cost);
        self.arcs.push((id, cost));
    }

    fn cost(&self) -> i64 {
        self.arcs
            .iter()
            .map(|&(id, cost)| self.net.flow(id) * cost)
            .sum()
    }
}

const MENTEES: usize = 10_000;
const MENTORS: usize = 3_000;
const PLACES: i64 = 5;
const CANDIDATES: usize = 16;

/// `source -> mentee -> mentor -> sink -> source`, the matching's shape.
fn lists(rng: &mut StdRng) -> Network {
    let (source, sink) = (0, 1);
    let mut n = Network::new(2 + MENTEES + MENTORS);
    let max_score = 200;
    let cover = PLACES * max_score * MENTEES as i64 + 1;
    n.arc(sink, source, PLACES * MENTEES as i64, 0);
    for i in 0..MENTEES {
        n.arc(source, 2 + i, 1, -cover);
        n.arc(source, 2 + i, PLACES - 1, 0);
    }
    for j in 0..MENTORS {
        let bound = if rng.random_bool(0.55) { 10 } else { 20 };
        n.arc(2 + MENTEES + j, sink, bound, 0);
    }
    add_candidates(&mut n, rng, max_score);
    n
}

/// Another `CANDIDATES` random mentors for every mentee.
fn add_candidates(n: &mut Network, rng: &mut StdRng, max_score: i64) {
    for i in 0..MENTEES {
        for _ in 0..CANDIDATES {
            let j = rng.random_range(0..MENTORS);
            let score = rng.random_range(0..=max_score);
            n.arc(2 + i, 2 + MENTEES + j, 1, -score);
        }
    }
}

fn assignment(rng: &mut StdRng) -> Network {
    const SIDE: usize = 300;
    let (source, sink) = (0, 1);
    let mut n = Network::new(2 + 2 * SIDE);
    n.arc(sink, source, SIDE as i64, 0);
    for k in 0..SIDE {
        n.arc(source, 2 + k, 1, 0);
        n.arc(2 + SIDE + k, sink, 1, 0);
    }
    for r in 0..SIDE {
        for c in 0..SIDE {
            n.arc(2 + r, 2 + SIDE + c, 1, -rng.random_range(0..=1000));
        }
    }
    n
}

fn random(rng: &mut StdRng) -> Network {
    const NODES: usize = 5_000;
    const ARCS: usize = 50_000;
    let mut n = Network::new(NODES);
    while n.arcs.len() < ARCS {
        let (u, v) = (rng.random_range(0..NODES), rng.random_range(0..NODES));
        if u != v {
            n.arc(u, v, rng.random_range(1..=20), rng.random_range(-100..=100));
        }
    }
    n
}

/// One row of the table: what was solved and how it went over the runs.
struct Row {
    name: &'static str,
    nodes: usize,
    arcs: usize,
    times: Vec<Duration>,
    pivots: u64,
    cost: i64,
}

impl Row {
    fn print(mut self) {
        self.times.sort_unstable();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "| {} | {} | {} | {:.1} ms | {:.1} ms | {} | {} |",
            self.name,
            self.nodes,
            self.arcs,
            ms(self.times[self.times.len() / 2]),
            ms(self.times[0]),
            self.pivots,
            self.cost,
        );
    }
}

/// Builds (untimed) and solves (timed) a fresh instance `RUNS` times.
fn measure(name: &'static str, build: fn(&mut StdRng) -> Network) -> Row {
    let mut row = Row {
        name,
        nodes: 0,
        arcs: 0,
        times: Vec::new(),
        pivots: 0,
        cost: 0,
    };
    for _ in 0..RUNS {
        let mut n = build(&mut StdRng::seed_from_u64(SEED));
        let started = Instant::now();
        n.net.solve();
        row.times.push(started.elapsed());
        (row.nodes, row.arcs) = (n.nodes, n.arcs.len());
        (row.pivots, row.cost) = (n.net.pivots(), n.cost());
    }
    row
}

/// `lists`, solved once untimed, then grown and resumed (timed).
fn measure_resume() -> Row {
    let mut row = Row {
        name: "lists + resume",
        nodes: 0,
        arcs: 0,
        times: Vec::new(),
        pivots: 0,
        cost: 0,
    };
    for _ in 0..RUNS {
        let mut rng = StdRng::seed_from_u64(SEED);
        let mut n = lists(&mut rng);
        n.net.solve();
        let before = n.net.pivots();
        add_candidates(&mut n, &mut rng, 200);
        let started = Instant::now();
        n.net.solve();
        row.times.push(started.elapsed());
        (row.nodes, row.arcs) = (n.nodes, n.arcs.len());
        (row.pivots, row.cost) = (n.net.pivots() - before, n.cost());
    }
    row
}

fn main() {
    println!(
        "Seed {SEED}, {RUNS} runs each; time is solving only (the network is built beforehand).\n"
    );
    println!("| instance | nodes | arcs | median | fastest | pivots | optimal cost |");
    println!("|---|---|---|---|---|---|---|");
    measure("lists", lists).print();
    measure_resume().print();
    measure("assignment", assignment).print();
    measure("random", random).print();
}
