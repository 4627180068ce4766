//! A primal network simplex for minimum-cost circulations.
//!
//! A [`Circulation`] is a directed network in which every node's supply is
//! zero; each arc has an integer capacity and an integer cost per unit of
//! flow. [`Circulation::solve`] finds an integral flow of least total cost
//! (flow in equals flow out at every node, each arc within `0..=capacity`)
//! together with node potentials that prove it optimal: at the optimum every
//! arc's reduced cost `cost + potential(from) - potential(to)` is `>= 0`
//! when the arc carries nothing, `<= 0` when it is full, and `0` in between.
//!
//! ```
//! use moments_simplex::Circulation;
//!
//! // One way out and two ways back: the cheaper way back fills first, and
//! // the dearer one still pays (-5 + 4 < 0) for the last unit out.
//! let mut net = Circulation::new(2);
//! let out = net.add_arc(0, 1, 3, -5);
//! let back_cheap = net.add_arc(1, 0, 2, 1);
//! let back_dear = net.add_arc(1, 0, 2, 4);
//! net.solve();
//! assert_eq!((net.flow(out), net.flow(back_cheap), net.flow(back_dear)), (3, 2, 1));
//! ```
//!
//! Supplies and demands are modelled by closing the network into a loop
//! (`source -> ... -> sink -> source`), and a "must use" arc by a large
//! negative cost on it: that is how the quarterly suggested matches use it.
//!
//! The data structures follow the design of the LEMON graph library's
//! `NetworkSimplex`: the spanning tree kept as parent / thread /
//! subtree-size arrays, block-search pivoting, and strongly feasible trees
//! so degenerate pivots cannot cycle (see the crate's README).
//! Arcs may be added after a solve: they enter at zero flow, which keeps the
//! current tree feasible, so the next solve starts from where the last ended.
//! That is what makes column generation (pricing left-out arcs against the
//! potentials, adding the improving ones, solving again) cheap.

/// No node: the parent of the root.
const NONE: usize = usize::MAX;
/// Capacity of the artificial arcs that tie every node to the root.
const INF: i64 = i64::MAX;

// Direction of a node's tree arc: from the node up to its parent, or down.
const UP: i8 = 1;
const DOWN: i8 = -1;

// State of an arc: at its lower bound, in the tree, at its upper bound. The
// sign turns a reduced cost into "how much entering would gain".
const LOWER: i8 = 1;
const TREE: i8 = 0;
const UPPER: i8 = -1;

/// Where the leaving arc's subtree sat before a pivot re-hangs it.
#[derive(Clone, Copy)]
struct Detached {
    /// The node before the subtree in the thread.
    rev_thread: usize,
    /// Its number of nodes.
    succ_num: usize,
    /// Its last node in the thread.
    last_succ: usize,
    /// The parent of its root, `u_out`.
    v_out: usize,
}

/// Arcs inside the solver are plain indices; the public [`ArcId`] wraps one.
type Arc = usize;

/// An arc of a [`Circulation`], as returned by [`Circulation::add_arc`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ArcId(Arc);

/// A minimum-cost circulation problem and, after [`Circulation::solve`], its
/// optimal flow and potentials.
#[derive(Debug)]
pub struct Circulation {
    /// Real nodes are `0..nodes`; the root is `nodes`.
    nodes: usize,
    // Per arc. Arcs `0..nodes` are the artificial arcs `u -> root`.
    source: Vec<usize>,
    target: Vec<usize>,
    cost: Vec<i64>,
    cap: Vec<i64>,
    flow: Vec<i64>,
    state: Vec<i8>,
    // Per node, root included.
    pi: Vec<i64>,
    parent: Vec<usize>,
    pred: Vec<Arc>,
    pred_dir: Vec<i8>,
    thread: Vec<usize>,
    rev_thread: Vec<usize>,
    succ_num: Vec<usize>,
    last_succ: Vec<usize>,
    dirty_revs: Vec<usize>,
    // The pivot under way.
    next_arc: Arc,
    in_arc: Arc,
    join: usize,
    u_in: usize,
    v_in: usize,
    u_out: usize,
    delta: i64,
    pivots: u64,
}

impl Circulation {
    /// A network of `nodes` nodes, numbered `0..nodes`, and no arcs yet.
    pub fn new(nodes: usize) -> Self {
        let root = nodes;
        let all = nodes + 1;
        let mut c = Circulation {
            nodes,
            source: (0..nodes).collect(),
            target: vec![root; nodes],
            cost: vec![0; nodes],
            cap: vec![INF; nodes],
            flow: vec![0; nodes],
            state: vec![TREE; nodes],
            pi: vec![0; all],
            parent: vec![root; all],
            pred: (0..all).collect(),
            pred_dir: vec![UP; all],
            thread: (1..=all).collect(),
            rev_thread: vec![0; all],
            succ_num: vec![1; all],
            last_succ: (0..all).collect(),
            dirty_revs: Vec::new(),
            next_arc: nodes,
            in_arc: 0,
            join: 0,
            u_in: 0,
            v_in: 0,
            u_out: 0,
            delta: 0,
            pivots: 0,
        };
        for u in 0..nodes {
            c.rev_thread[u + 1] = u;
        }
        c.parent[root] = NONE;
        c.pred[root] = NONE;
        c.thread[root] = 0;
        c.rev_thread[0] = root;
        c.succ_num[root] = all;
        c.last_succ[root] = if nodes == 0 { root } else { root - 1 };
        c
    }

    /// An arc `from -> to` carrying 0 to `cap` units at `cost` each. It
    /// starts empty; call [`Circulation::solve`] (again) to route flow on it.
    ///
    /// The problem must stay bounded: every cycle of negative total cost
    /// needs an arc whose capacity is below `i64::MAX`, and costs times flows
    /// must fit in an `i64`.
    ///
    /// # Panics
    ///
    /// If `from` or `to` is not a node, or `cap` is negative.
    pub fn add_arc(&mut self, from: usize, to: usize, cap: i64, cost: i64) -> ArcId {
        assert!(
            from < self.nodes && to < self.nodes,
            "arc {from} -> {to} in a network of {} nodes",
            self.nodes
        );
        assert!(cap >= 0, "negative capacity {cap}");
        self.source.push(from);
        self.target.push(to);
        self.cost.push(cost);
        self.cap.push(cap);
        self.flow.push(0);
        self.state.push(LOWER);
        ArcId(self.source.len() - 1)
    }

    /// Units of flow on `arc`: after a solve, its part of an optimum.
    #[inline]
    pub fn flow(&self, arc: ArcId) -> i64 {
        self.flow[arc.0]
    }

    /// Node potential: after a solve, every arc's reduced cost
    /// `cost + potential(from) - potential(to)` is >= 0 when it carries
    /// nothing, <= 0 when full, 0 in between. So an arc not (yet) in the
    /// network whose reduced cost is negative could lower the total cost.
    ///
    /// `node` must be a node of the network (checked in debug builds only:
    /// pricing calls this for every left-out pair).
    #[inline]
    pub fn potential(&self, node: usize) -> i64 {
        debug_assert!(node < self.nodes, "node {node} of {}", self.nodes);
        self.pi[node]
    }

    /// Pivots made so far, every solve together: a measure of the work done.
    pub fn pivots(&self) -> u64 {
        self.pivots
    }

    /// Pivot until no arc can lower the cost. Resumes from the last solve's
    /// tree, so arcs added since are all it has to take into account.
    pub fn solve(&mut self) {
        let real = self.source.len() - self.nodes;
        if real == 0 {
            return;
        }
        // LEMON's block is sqrt(arcs); on assignment-shaped networks the
        // scan dominates and a quarter of that measured about 25% faster.
        let block = ((real as f64).sqrt() as usize / 4).max(10);
        if self.next_arc >= self.source.len() {
            self.next_arc = self.nodes;
        }
        while self.find_entering_arc(block) {
            self.find_join_node();
            let change = self.find_leaving_arc();
            self.change_flow(change);
            if change {
                self.update_tree_structure();
                self.update_potential();
            }
            self.pivots += 1;
        }
    }

    fn reduced(&self, e: Arc) -> i64 {
        self.cost[e] + self.pi[self.source[e]] - self.pi[self.target[e]]
    }

    /// Block search: scan arcs in blocks from where the last search stopped,
    /// take the most violating arc of the first block that has one.
    fn find_entering_arc(&mut self, block: usize) -> bool {
        let first = self.nodes;
        let all = self.source.len();
        let mut min = 0;
        let mut found = NONE;
        let mut count = block;
        let mut e = self.next_arc;
        for _ in first..all {
            let c = i64::from(self.state[e]) * self.reduced(e);
            if c < min {
                min = c;
                found = e;
            }
            e += 1;
            if e == all {
                e = first;
            }
            count -= 1;
            if count == 0 {
                if min < 0 {
                    break;
                }
                count = block;
            }
        }
        if found == NONE {
            return false;
        }
        self.in_arc = found;
        self.next_arc = e;
        true
    }

    fn find_join_node(&mut self) {
        let mut u = self.source[self.in_arc];
        let mut v = self.target[self.in_arc];
        while u != v {
            if self.succ_num[u] < self.succ_num[v] {
                u = self.parent[u];
            } else {
                v = self.parent[v];
            }
        }
        self.join = u;
    }

    fn room(&self, e: Arc) -> i64 {
        if self.cap[e] == INF {
            INF
        } else {
            self.cap[e] - self.flow[e]
        }
    }

    /// The blocking arc of the cycle; ties go to the last one met in the
    /// cycle's direction, which keeps the tree strongly feasible.
    fn find_leaving_arc(&mut self) -> bool {
        let a = self.in_arc;
        let (first, second) = if self.state[a] == LOWER {
            (self.source[a], self.target[a])
        } else {
            (self.target[a], self.source[a])
        };
        let mut delta = self.cap[a];
        let mut result = 0;
        let mut u = first;
        while u != self.join {
            let e = self.pred[u];
            let d = if self.pred_dir[u] == DOWN {
                self.room(e)
            } else {
                self.flow[e]
            };
            if d < delta {
                delta = d;
                self.u_out = u;
                result = 1;
            }
            u = self.parent[u];
        }
        u = second;
        while u != self.join {
            let e = self.pred[u];
            let d = if self.pred_dir[u] == UP {
                self.room(e)
            } else {
                self.flow[e]
            };
            if d <= delta {
                delta = d;
                self.u_out = u;
                result = 2;
            }
            u = self.parent[u];
        }
        if result == 1 {
            self.u_in = first;
            self.v_in = second;
        } else {
            self.u_in = second;
            self.v_in = first;
        }
        self.delta = delta;
        result != 0
    }

    fn change_flow(&mut self, change: bool) {
        if self.delta > 0 {
            let val = i64::from(self.state[self.in_arc]) * self.delta;
            self.flow[self.in_arc] += val;
            let mut u = self.source[self.in_arc];
            while u != self.join {
                self.flow[self.pred[u]] -= i64::from(self.pred_dir[u]) * val;
                u = self.parent[u];
            }
            u = self.target[self.in_arc];
            while u != self.join {
                self.flow[self.pred[u]] += i64::from(self.pred_dir[u]) * val;
                u = self.parent[u];
            }
        }
        if change {
            self.state[self.in_arc] = TREE;
            let out = self.pred[self.u_out];
            self.state[out] = if self.flow[out] == 0 { LOWER } else { UPPER };
        } else {
            self.state[self.in_arc] = -self.state[self.in_arc];
        }
    }

    /// Re-hangs the tree after a pivot that changed it: the leaving arc's
    /// subtree (under `u_out`) is cut off and hung again under `v_in` by the
    /// entering arc, which turns the stem from `u_in` up to `u_out` upside
    /// down. Parent, arc, direction, thread order, subtree sizes and last
    /// successors are all mended in place, touching only the nodes on the
    /// stem and on the two paths up to the join node.
    fn update_tree_structure(&mut self) {
        let u_out = self.u_out;
        let old = Detached {
            rev_thread: self.rev_thread[u_out],
            succ_num: self.succ_num[u_out],
            last_succ: self.last_succ[u_out],
            v_out: self.parent[u_out],
        };
        let in_dir = if self.u_in == self.source[self.in_arc] {
            UP
        } else {
            DOWN
        };
        if self.u_in == u_out {
            self.move_subtree(old, in_dir);
        } else {
            self.rethread_reversed_stem(old);
            self.reverse_stem_arcs(old, in_dir);
        }
        self.update_last_successors(old);
        self.update_subtree_sizes(old);
    }

    /// The stem is `u_out` alone: its subtree keeps its shape and moves in
    /// the thread to just after `v_in`.
    fn move_subtree(&mut self, old: Detached, in_dir: i8) {
        let (u_in, v_in, u_out) = (self.u_in, self.v_in, self.u_out);
        self.parent[u_in] = v_in;
        self.pred[u_in] = self.in_arc;
        self.pred_dir[u_in] = in_dir;
        if self.thread[v_in] != u_out {
            let mut after = self.thread[old.last_succ];
            self.thread[old.rev_thread] = after;
            self.rev_thread[after] = old.rev_thread;
            after = self.thread[v_in];
            self.thread[v_in] = u_out;
            self.rev_thread[u_out] = v_in;
            self.thread[old.last_succ] = after;
            self.rev_thread[after] = old.last_succ;
        }
    }

    /// Re-hangs the stem (`u_in` up to `u_out`) under `v_in`, reversing it:
    /// parents along it, and a thread that visits each stem node's subtree
    /// without the part that now sits above it.
    fn rethread_reversed_stem(&mut self, old: Detached) {
        let (u_in, v_in, u_out) = (self.u_in, self.v_in, self.u_out);
        // When the subtree of u_out follows v_in directly in the thread,
        // join and v_out coincide.
        let thread_continue = if old.rev_thread == v_in {
            self.thread[old.last_succ]
        } else {
            self.thread[v_in]
        };
        let mut stem = u_in;
        let mut par_stem = v_in;
        let mut last = self.last_succ[u_in];
        let mut after = self.thread[last];
        self.thread[v_in] = u_in;
        // Nodes whose thread successor changed: their rev_thread entries are
        // mended at the end, once every thread link is in place.
        self.dirty_revs.clear();
        self.dirty_revs.push(v_in);
        while stem != u_out {
            let next_stem = self.parent[stem];
            self.thread[last] = next_stem;
            self.dirty_revs.push(last);
            let before = self.rev_thread[stem];
            self.thread[before] = after;
            self.rev_thread[after] = before;
            self.parent[stem] = par_stem;
            par_stem = stem;
            stem = next_stem;
            last = if self.last_succ[stem] == self.last_succ[par_stem] {
                self.rev_thread[par_stem]
            } else {
                self.last_succ[stem]
            };
            after = self.thread[last];
        }
        self.parent[u_out] = par_stem;
        self.thread[last] = thread_continue;
        self.rev_thread[thread_continue] = last;
        self.last_succ[u_out] = last;
        if old.rev_thread != v_in {
            self.thread[old.rev_thread] = after;
            self.rev_thread[after] = old.rev_thread;
        }
        for &u in &self.dirty_revs {
            self.rev_thread[self.thread[u]] = u;
        }
    }

    /// Tree arcs, directions and subtree sizes along the reversed stem: each
    /// stem node now hangs by the arc that used to hang its parent, the
    /// other way round.
    fn reverse_stem_arcs(&mut self, old: Detached, in_dir: i8) {
        let (u_in, u_out) = (self.u_in, self.u_out);
        let mut tmp_sc = 0;
        let tmp_ls = self.last_succ[u_out];
        let mut u = u_out;
        while u != u_in {
            let p = self.parent[u];
            self.pred[u] = self.pred[p];
            self.pred_dir[u] = -self.pred_dir[p];
            tmp_sc += self.succ_num[u] - self.succ_num[p];
            self.succ_num[u] = tmp_sc;
            self.last_succ[p] = tmp_ls;
            u = p;
        }
        self.pred[u_in] = self.in_arc;
        self.pred_dir[u_in] = in_dir;
        self.succ_num[u_in] = old.succ_num;
    }

    /// Last successors up the two paths to the join node: those that ended
    /// at `v_in` now end with the moved subtree, and those that ended with
    /// it on the old side end where it was cut out.
    fn update_last_successors(&mut self, old: Detached) {
        let (v_in, u_out, join) = (self.v_in, self.u_out, self.join);
        let up_limit_out = if self.last_succ[join] == v_in {
            join
        } else {
            NONE
        };
        let last_succ_out = self.last_succ[u_out];
        let mut u = v_in;
        while u != NONE && self.last_succ[u] == v_in {
            self.last_succ[u] = last_succ_out;
            u = self.parent[u];
        }
        let replacement = if join != old.rev_thread && v_in != old.rev_thread {
            old.rev_thread
        } else if last_succ_out != old.last_succ {
            last_succ_out
        } else {
            return;
        };
        let mut u = old.v_out;
        while u != up_limit_out && self.last_succ[u] == old.last_succ {
            self.last_succ[u] = replacement;
            u = self.parent[u];
        }
    }

    /// The moved subtree's size, added on the new path to the join node and
    /// taken off the old one.
    fn update_subtree_sizes(&mut self, old: Detached) {
        let mut u = self.v_in;
        while u != self.join {
            self.succ_num[u] += old.succ_num;
            u = self.parent[u];
        }
        let mut u = old.v_out;
        while u != self.join {
            self.succ_num[u] -= old.succ_num;
            u = self.parent[u];
        }
    }

    /// Shift the potentials of the subtree that was re-hung under v_in so the
    /// entering arc's reduced cost is zero.
    fn update_potential(&mut self) {
        let sigma = self.pi[self.v_in]
            - self.pi[self.u_in]
            - i64::from(self.pred_dir[self.u_in]) * self.cost[self.in_arc];
        let end = self.thread[self.last_succ[self.u_in]];
        let mut u = self.u_in;
        while u != end {
            self.pi[u] += sigma;
            u = self.thread[u];
        }
    }
}

#[cfg(test)]
mod tests;

// The README's example is compiled and run with the doc tests, so it stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExample;
