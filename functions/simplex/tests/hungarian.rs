//! An independent check of the solver's optimum. When every row has one
//! place and every column a bound of one, the circulation
//! `source -> row -> column -> sink -> source` is a rectangular assignment
//! problem, so the Hungarian algorithm (pathfinding's `kuhn_munkres`) must
//! reach the same total weight by an entirely different route.

use moments_simplex::{ArcId, Circulation};
use pathfinding::kuhn_munkres::kuhn_munkres;
use pathfinding::matrix::Matrix;
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// Weight of pairing row `r` with column `c`: `weights[r][c]`.
type Weights = Vec<Vec<i64>>;

/// The best total weight by network simplex, checking on the way that the
/// flow is a matching. With `cover_all`, a bonus on every row's place makes
/// matching as many pairs as possible come before any weight, as the
/// Hungarian algorithm does; without it, only pairs that pay are matched.
fn simplex_total(weights: &Weights, cover_all: bool) -> i64 {
    let rows = weights.len();
    let columns = weights[0].len();
    let (source, sink) = (0, 1);
    let row = |r: usize| 2 + r;
    let column = |c: usize| 2 + rows + c;
    let largest = weights.iter().flatten().map(|w| w.abs()).max().unwrap_or(0);
    // More than any two matchings' weights can differ by.
    let bonus = if cover_all {
        2 * largest * rows.min(columns) as i64 + 1
    } else {
        0
    };
    let mut net = Circulation::new(2 + rows + columns);
    net.add_arc(sink, source, rows as i64, 0);
    for r in 0..rows {
        net.add_arc(source, row(r), 1, -bonus);
    }
    for c in 0..columns {
        net.add_arc(column(c), sink, 1, 0);
    }
    let pairs: Vec<(usize, usize, ArcId)> = (0..rows)
        .flat_map(|r| (0..columns).map(move |c| (r, c)))
        .map(|(r, c)| (r, c, net.add_arc(row(r), column(c), 1, -weights[r][c])))
        .collect();
    net.solve();

    let mut row_used = vec![0; rows];
    let mut column_used = vec![0; columns];
    let mut total = 0;
    for &(r, c, arc) in &pairs {
        let flow = net.flow(arc);
        row_used[r] += flow;
        column_used[c] += flow;
        total += flow * weights[r][c];
    }
    assert!(row_used.iter().all(|&u| u <= 1), "a row matched twice");
    assert!(
        column_used.iter().all(|&u| u <= 1),
        "a column matched twice"
    );
    if cover_all {
        let matched: i64 = row_used.iter().sum();
        assert_eq!(matched, rows.min(columns) as i64, "not every pair matched");
    }
    total
}

/// The best total weight of a matching that pairs every row (or, with more
/// rows than columns, every column), by the Hungarian algorithm. It wants
/// no more rows than columns, so a tall matrix is handed over transposed.
fn hungarian_total(weights: &Weights) -> i64 {
    let rows = weights.len();
    let columns = weights[0].len();
    let matrix = if rows <= columns {
        Matrix::from_fn(rows, columns, |(r, c)| weights[r][c])
    } else {
        Matrix::from_fn(columns, rows, |(c, r)| weights[r][c])
    };
    kuhn_munkres(&matrix).0
}

fn random_weights(rng: &mut StdRng, rows: usize, columns: usize, range: (i64, i64)) -> Weights {
    (0..rows)
        .map(|_| {
            (0..columns)
                .map(|_| rng.random_range(range.0..=range.1))
                .collect()
        })
        .collect()
}

#[test]
fn optimum_equals_hungarian_on_random_50_by_50_assignments() {
    let mut rng = StdRng::seed_from_u64(50);
    for _ in 0..20 {
        let weights = random_weights(&mut rng, 50, 50, (0, 1000));
        // Weights are never negative, so a best matching might as well be
        // complete: no bonus is needed for the totals to agree.
        assert_eq!(simplex_total(&weights, false), hungarian_total(&weights));
    }
}

#[test]
fn optimum_equals_hungarian_on_rectangular_assignments() {
    let mut rng = StdRng::seed_from_u64(51);
    for (rows, columns) in [(30, 50), (50, 30), (1, 40), (40, 1), (17, 64), (64, 17)] {
        let weights = random_weights(&mut rng, rows, columns, (0, 1000));
        assert_eq!(
            simplex_total(&weights, false),
            hungarian_total(&weights),
            "{rows} × {columns}"
        );
    }
}

#[test]
fn optimum_equals_hungarian_when_every_pair_must_be_matched_despite_losses() {
    let mut rng = StdRng::seed_from_u64(52);
    for (rows, columns) in [(50, 50), (50, 50), (30, 50), (50, 30)] {
        let weights = random_weights(&mut rng, rows, columns, (-1000, 1000));
        assert_eq!(
            simplex_total(&weights, true),
            hungarian_total(&weights),
            "{rows} × {columns}"
        );
    }
}

fn any_weights(range: std::ops::RangeInclusive<i64>) -> impl Strategy<Value = Weights> {
    (1usize..=12, 1usize..=12).prop_flat_map(move |(rows, columns)| {
        prop::collection::vec(prop::collection::vec(range.clone(), columns), rows)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn optimum_equals_hungarian_on_small_assignments_of_any_shape(
        weights in any_weights(0..=20),
    ) {
        prop_assert_eq!(simplex_total(&weights, false), hungarian_total(&weights));
    }

    #[test]
    fn optimum_equals_hungarian_on_small_forced_assignments_with_losses(
        weights in any_weights(-20..=20),
    ) {
        prop_assert_eq!(simplex_total(&weights, true), hungarian_total(&weights));
    }
}
