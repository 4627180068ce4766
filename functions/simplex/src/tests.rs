use super::*;
use proptest::prelude::*;

/// Checks a solved circulation: capacities, conservation, and the
/// potentials' optimality certificate on every arc.
fn assert_certified(c: &Circulation) {
    let mut balance = vec![0i64; c.nodes + 1];
    for e in 0..c.source.len() {
        assert!(
            c.flow[e] >= 0 && c.flow[e] <= c.cap[e],
            "arc {e} out of bounds"
        );
        balance[c.source[e]] -= c.flow[e];
        balance[c.target[e]] += c.flow[e];
        let rc = c.reduced(e);
        if e >= c.nodes {
            if c.flow[e] == 0 && c.cap[e] > 0 {
                assert!(rc >= 0, "empty arc {e} has reduced cost {rc}");
            }
            if c.flow[e] == c.cap[e] && c.cap[e] > 0 {
                assert!(rc <= 0, "full arc {e} has reduced cost {rc}");
            }
            if c.flow[e] > 0 && c.flow[e] < c.cap[e] {
                assert_eq!(rc, 0, "partial arc {e}");
            }
        }
    }
    assert!(balance.iter().all(|b| *b == 0), "flow not conserved");
    for e in 0..c.nodes {
        assert_eq!(c.flow[e], 0, "artificial arc {e} carries flow");
    }
}

/// Least cost over every integral circulation, by enumeration.
fn brute_force(nodes: usize, arcs: &[(usize, usize, i64, i64)]) -> i64 {
    fn go(
        k: usize,
        arcs: &[(usize, usize, i64, i64)],
        balance: &mut Vec<i64>,
        cost: i64,
        best: &mut i64,
    ) {
        if k == arcs.len() {
            if balance.iter().all(|b| *b == 0) {
                *best = (*best).min(cost);
            }
            return;
        }
        let (u, v, cap, c) = arcs[k];
        for f in 0..=cap {
            balance[u] -= f;
            balance[v] += f;
            go(k + 1, arcs, balance, cost + f * c, best);
            balance[u] += f;
            balance[v] -= f;
        }
    }
    let mut best = 0;
    go(0, arcs, &mut vec![0; nodes], 0, &mut best);
    best
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    #[test]
    fn circulation_is_cheapest_and_certified(
        nodes in 2usize..6,
        raw in prop::collection::vec((0usize..6, 0usize..6, 0i64..3, -9i64..9), 1..8),
    ) {
        let arcs: Vec<_> = raw
            .into_iter()
            .map(|(u, v, cap, c)| (u % nodes, v % nodes, cap, c))
            .filter(|(u, v, _, _)| u != v)
            .collect();
        let mut c = Circulation::new(nodes);
        let ids: Vec<ArcId> = arcs.iter().map(|&(u, v, cap, cost)| c.add_arc(u, v, cap, cost)).collect();
        c.solve();
        assert_certified(&c);
        let total: i64 = ids.iter().zip(&arcs).map(|(&e, a)| c.flow(e) * a.3).sum();
        prop_assert_eq!(total, brute_force(nodes, &arcs));
    }

    #[test]
    fn arcs_added_after_a_solve_are_taken_into_account(
        nodes in 2usize..6,
        raw in prop::collection::vec((0usize..6, 0usize..6, 0i64..3, -9i64..9), 2..8),
        split in 0usize..8,
    ) {
        let arcs: Vec<_> = raw
            .into_iter()
            .map(|(u, v, cap, c)| (u % nodes, v % nodes, cap, c))
            .filter(|(u, v, _, _)| u != v)
            .collect();
        let split = split.min(arcs.len());
        let mut c = Circulation::new(nodes);
        let mut ids = Vec::new();
        for &(u, v, cap, cost) in &arcs[..split] {
            ids.push(c.add_arc(u, v, cap, cost));
        }
        c.solve();
        for &(u, v, cap, cost) in &arcs[split..] {
            ids.push(c.add_arc(u, v, cap, cost));
        }
        c.solve();
        assert_certified(&c);
        let total: i64 = ids.iter().zip(&arcs).map(|(&e, a)| c.flow(e) * a.3).sum();
        prop_assert_eq!(total, brute_force(nodes, &arcs));
    }
}
