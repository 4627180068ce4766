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

/// Checks the spanning tree the solver keeps between pivots: every node
/// hangs from its parent by a tree arc in the recorded direction with zero
/// reduced cost, the thread is a preorder walk of the tree (each subtree a
/// contiguous run of `succ_num` nodes ending at `last_succ`) and
/// `rev_thread` is its inverse.
fn assert_tree_consistent(c: &Circulation) {
    let root = c.nodes;
    let all = c.nodes + 1;
    assert_eq!(c.parent[root], NONE);
    let tree_arcs = c.state.iter().filter(|&&s| s == TREE).count();
    assert_eq!(tree_arcs, c.nodes, "a spanning tree has one arc per node");
    for u in 0..c.nodes {
        let (e, p) = (c.pred[u], c.parent[u]);
        assert_eq!(c.state[e], TREE, "node {u} hangs by non-tree arc {e}");
        let (from, to) = if c.pred_dir[u] == UP { (u, p) } else { (p, u) };
        assert_eq!((c.source[e], c.target[e]), (from, to), "arc of node {u}");
        assert_eq!(c.reduced(e), 0, "tree arc {e} has a reduced cost");
    }
    // The thread visits every node once, from the root back to the root.
    let mut order = vec![root];
    let mut u = c.thread[root];
    while u != root {
        assert!(order.len() < all, "thread does not return to the root");
        order.push(u);
        u = c.thread[u];
    }
    assert_eq!(order.len(), all, "thread misses nodes");
    for u in 0..all {
        assert_eq!(c.rev_thread[c.thread[u]], u, "rev_thread of {u}");
    }
    let is_ancestor = |a: usize, mut u: usize| loop {
        if u == a {
            break true;
        }
        if u == root {
            break false;
        }
        u = c.parent[u];
    };
    for (start, &a) in order.iter().enumerate() {
        let size = c.succ_num[a];
        assert!(start + size <= all, "subtree of {a} runs past the thread");
        assert_eq!(order[start + size - 1], c.last_succ[a], "last_succ of {a}");
        for (k, &u) in order.iter().enumerate() {
            let inside = k >= start && k < start + size;
            assert_eq!(inside, is_ancestor(a, u), "node {u} and subtree of {a}");
        }
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

    #[test]
    fn spanning_tree_stays_consistent_as_arcs_arrive_one_by_one(
        nodes in 2usize..30,
        raw in prop::collection::vec((0usize..30, 0usize..30, 0i64..5, -20i64..20), 1..120),
    ) {
        let mut c = Circulation::new(nodes);
        for (u, v, cap, cost) in raw {
            let (u, v) = (u % nodes, v % nodes);
            if u != v {
                c.add_arc(u, v, cap, cost);
                c.solve();
                assert_tree_consistent(&c);
            }
        }
        assert_certified(&c);
    }
}

#[test]
fn zero_flow_is_optimal_when_no_cycle_has_a_negative_cost() {
    let mut c = Circulation::new(3);
    let arcs = [
        c.add_arc(0, 1, 4, -3),
        c.add_arc(1, 2, 4, 1),
        c.add_arc(2, 0, 4, 3),
        c.add_arc(1, 0, 4, 5),
    ];
    c.solve();
    assert!(arcs.iter().all(|&e| c.flow(e) == 0));
    assert_certified(&c);
}

#[test]
fn a_negative_cycle_is_filled_up_to_its_smallest_capacity() {
    let mut c = Circulation::new(3);
    let arcs = [
        c.add_arc(0, 1, 4, -3),
        c.add_arc(1, 2, 2, 1),
        c.add_arc(2, 0, 7, 1),
    ];
    c.solve();
    assert!(arcs.iter().all(|&e| c.flow(e) == 2));
    assert_certified(&c);
    assert_tree_consistent(&c);
}

#[test]
fn a_network_without_arcs_solves_without_pivoting() {
    let mut c = Circulation::new(4);
    c.solve();
    assert_eq!(c.pivots(), 0);
    assert_tree_consistent(&c);
}

#[test]
#[should_panic(expected = "in a network of 2 nodes")]
fn an_arc_to_a_node_outside_the_network_is_refused() {
    Circulation::new(2).add_arc(0, 2, 1, -1);
}

#[test]
#[should_panic(expected = "negative capacity")]
fn an_arc_with_a_negative_capacity_is_refused() {
    Circulation::new(2).add_arc(0, 1, -1, -1);
}
