//! Quarterly suggested matches: for every mentee who still needs a mentor, up
//! to five suggested mentors, chosen for all mentees together.
//!
//! The lists are one assignment problem. Each mentee has five places in a
//! list, each mentor a bound on how many lists they appear in (their open
//! places times [`LISTS_PER_OPEN_PLACE`]), and a pair is either suggested or
//! not. The objective, in order of importance:
//!
//! 1. as many *priority* mentees (left without suggestions last time) as
//!    possible get at least one suggestion;
//! 2. then as many mentees as possible get at least one;
//! 3. then the total fit (sum of [`crate::fit::fit`] scores) is largest.
//!
//! It is solved exactly as a minimum-cost circulation
//! `source -> mentee -> mentor -> sink -> source`: a mentee's first list
//! place carries a bonus (larger for priority mentees) so large that no gain
//! in a lower tier can pay for a loss in a higher one, the other four places
//! carry none, and a pair's arc costs minus its fit. The network simplex
//! (the `moments-simplex` crate) returns an integral optimum with node
//! potentials that certify it.
//!
//! The full graph (every mentee with every mentor) is too big to hand to the
//! solver, so it starts from each mentee's best-fitting mentors and then
//! *prices* every other pair against the potentials: a pair left out whose
//! reduced cost is negative could improve the answer, so it is added and the
//! solve resumes. The loop ends when no pair in the whole graph prices
//! negative, which is the optimality condition of the full problem, so the
//! restriction never changes the answer; it only makes it fast.
//!
//! A pair that shares nothing (fit 0) is suggested only to a mentee who would
//! otherwise have no one, and then just one such mentor: fit 0 adds nothing
//! to the objective, and a list of strangers helps nobody.

use crate::fields::{SkillRanking, WorkingHours};
use crate::fit::SAME_HOURS;

#[cfg(test)]
mod tests;

use moments_simplex::{ArcId, Circulation};

/// Most mentors in one mentee's list.
pub const SUGGESTIONS_PER_MENTEE: usize = 5;

/// How many lists a mentor may appear in per open place (open places =
/// [`crate::mentorship::MAX_ACTIVE`] minus active mentorships).
///
/// A mentee sends one request from a list of five, so each appearance brings
/// a mentor about a fifth of a request: ten lists per open place means about
/// two requests per place. That fills the place even when one request is
/// declined or a mentee never acts, without flooding the mentor. With 1.5
/// open places per mentor on average it gives about 15 list places per
/// mentor: at three mentees per mentor, four to five suggestions each.
pub const LISTS_PER_OPEN_PLACE: u32 = 10;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mentee {
    pub skills: SkillRanking,
    pub hours: WorkingHours,
    /// Left without suggestions by the previous run: served first.
    pub priority: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mentor {
    pub skills: SkillRanking,
    pub hours: WorkingHours,
    /// Mentorships the mentor can still take on; 0 keeps them out of all lists.
    pub open_places: u32,
}

impl Mentor {
    /// Most lists this mentor may appear in.
    pub fn list_bound(&self) -> u32 {
        self.open_places.saturating_mul(LISTS_PER_OPEN_PLACE)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// Index into the mentors given to [`suggest`].
    pub mentor: usize,
    /// The fit's score; [`fit`] with the skills list gives its reason.
    pub score: u32,
}

/// How the solve went, for logs and the benchmark.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Pairs the solver started from (each mentee's best-fitting mentors).
    pub candidate_pairs: usize,
    /// Times every other pair was priced against the solution.
    pub pricing_rounds: usize,
    /// Pairs pricing found that could improve the answer, added and solved.
    pub pairs_added: usize,
    /// Network simplex pivots, all rounds together.
    pub pivots: u64,
}

/// One list per mentee, best first. `excluded(mentee, mentor)` is true for
/// pairs that must never be suggested: the mentee themself, their
/// supervisor, a current or past partner, a mentor who declined them.
/// Besides those, a mentor who shares none of the skills the mentee ranked
/// is never suggested, however well their hours suit: a list is shorter
/// rather than padded (see [`eligible_mentors`] for why a list is short).
pub fn suggest(
    mentees: &[Mentee],
    mentors: &[Mentor],
    excluded: &dyn Fn(usize, usize) -> bool,
) -> Vec<Vec<Suggestion>> {
    suggest_with_stats(mentees, mentors, excluded).0
}

/// [`suggest`], with how the solve went.
pub fn suggest_with_stats(
    mentees: &[Mentee],
    mentors: &[Mentor],
    excluded: &dyn Fn(usize, usize) -> bool,
) -> (Vec<Vec<Suggestion>>, Stats) {
    let (lists, stats) = with_instance(mentees, mentors, excluded, |instance| {
        assign(instance, CANDIDATES_PER_MENTEE)
    });
    (finished(lists), stats)
}

/// [`suggest`], with, per mentee, how many mentors could be suggested to
/// them at all (as [`eligible_mentors`]), counted only for lists shorter
/// than five; a full list gets its own length. One skill table for both.
pub fn suggest_with_eligible(
    mentees: &[Mentee],
    mentors: &[Mentor],
    excluded: &dyn Fn(usize, usize) -> bool,
) -> (Vec<Vec<Suggestion>>, Vec<usize>) {
    let (lists, eligible) = with_instance(mentees, mentors, excluded, |instance| {
        let (lists, _) = assign(instance, CANDIDATES_PER_MENTEE);
        let eligible = lists
            .iter()
            .enumerate()
            .map(|(i, list)| {
                if list.len() < SUGGESTIONS_PER_MENTEE {
                    eligible_for(instance, i)
                } else {
                    list.len()
                }
            })
            .collect();
        (lists, eligible)
    });
    (finished(lists), eligible)
}

/// The baseline the assignment is measured against: mentees one at a time
/// (priority mentees first, then in the order given), each taking its five
/// best-fitting mentors among those not yet at their bound. Same exclusions,
/// bound and fit-0 rule as [`suggest`].
pub fn greedy(
    mentees: &[Mentee],
    mentors: &[Mentor],
    excluded: &dyn Fn(usize, usize) -> bool,
) -> Vec<Vec<Suggestion>> {
    let lists = with_instance(mentees, mentors, excluded, greedy_lists);
    finished(lists)
}

/// Per mentee, how many mentors could be suggested to them at all: not
/// excluded, sharing one of their ranked skills, with an open place. A list
/// shorter than five with as many mentors as this is short because no more
/// mentors fit; one shorter than this, because the mentors who fit are in
/// as many lists as their places allow.
pub fn eligible_mentors(
    mentees: &[Mentee],
    mentors: &[Mentor],
    excluded: &dyn Fn(usize, usize) -> bool,
) -> Vec<usize> {
    with_instance(mentees, mentors, excluded, |instance| {
        (0..mentees.len())
            .map(|i| eligible_for(instance, i))
            .collect()
    })
}

/// Mentors with a place in some list that mentee `i` may be given.
fn eligible_for(instance: &Instance<'_>, i: usize) -> usize {
    (0..instance.bounds.len())
        .filter(|&j| instance.bounds[j] > 0 && !(instance.excluded)(i, j))
        .count()
}

/// Runs `solve` on the instance the rankings make: fit scores from one
/// skill table, each mentor's list bound, and the exclusions plus the rule
/// that a mentor sharing none of the mentee's ranked skills is excluded.
fn with_instance<R>(
    mentees: &[Mentee],
    mentors: &[Mentor],
    excluded: &dyn Fn(usize, usize) -> bool,
    solve: impl FnOnce(&Instance<'_>) -> R,
) -> R {
    let table = SkillTable::new(mentees, mentors);
    let priority: Vec<bool> = mentees.iter().map(|m| m.priority).collect();
    let bounds: Vec<u32> = mentors.iter().map(Mentor::list_bound).collect();
    let row = |i: usize, out: &mut [u32]| table.row(i, out);
    let excluded = |i: usize, j: usize| excluded(i, j) || !table.shares(i, j);
    solve(&Instance {
        priority: &priority,
        bounds: &bounds,
        max_score: MAX_FIT,
        row: &row,
        excluded: &excluded,
    })
}

/// Points a skill at 1-based `rank` is worth, as in [`crate::fit`].
const fn rank_weight(rank: usize) -> u32 {
    (SkillRanking::MAX + 1).saturating_sub(rank) as u32
}

/// The largest fit any pair can have: identical rankings, same hours.
const MAX_FIT: u32 = {
    let mut total = SAME_HOURS;
    let mut rank = 1;
    while rank <= SkillRanking::MAX {
        total += rank_weight(rank) * rank_weight(rank);
        rank += 1;
    }
    total
};

/// Mentors per mentee handed to the solver before pricing. Pricing makes
/// the answer exact whatever this is; it only trades solver size against
/// pricing rounds.
const CANDIDATES_PER_MENTEE: usize = 16;

/// Most improving pairs pricing adds for one mentee per round.
const ADDED_PER_MENTEE: usize = 32;

/// Fit scores computed from the rankings without allocating: a mentor's
/// ranking as a column of rank weights per skill, so one mentee's scores
/// against every mentor are a few multiply-adds over contiguous memory.
/// Only the chosen pairs go through [`fit`], for its reason text.
struct SkillTable {
    mentors: usize,
    /// `by_skill[s * mentors + j]`: weight of skill `s` in mentor `j`'s
    /// ranking, 0 when they did not choose it.
    by_skill: Vec<u8>,
    mentor_hours: Vec<WorkingHours>,
    /// Per mentee, (skill column, weight of its rank).
    mentee_skills: Vec<Vec<(usize, u32)>>,
    mentee_hours: Vec<WorkingHours>,
}

impl SkillTable {
    fn new(mentees: &[Mentee], mentors: &[Mentor]) -> Self {
        let mut columns: std::collections::HashMap<&str, usize> = Default::default();
        for mentor in mentors {
            for id in mentor.skills.ids() {
                let next = columns.len();
                columns.entry(id.as_str()).or_insert(next);
            }
        }
        let m = mentors.len();
        let mut by_skill = vec![0u8; columns.len() * m];
        for (j, mentor) in mentors.iter().enumerate() {
            for (rank, id) in mentor.skills.ids().iter().enumerate() {
                if let Some(&s) = columns.get(id.as_str()) {
                    by_skill[s * m + j] = rank_weight(rank + 1) as u8;
                }
            }
        }
        // Mirrors `fit`: the mentee's side ranks the catalogue skills in order.
        let mentee_skills = mentees
            .iter()
            .map(|mentee| {
                mentee
                    .skills
                    .ids()
                    .iter()
                    .enumerate()
                    .filter_map(|(rank, id)| {
                        columns
                            .get(id.as_str())
                            .map(|&s| (s, rank_weight(rank + 1)))
                    })
                    .collect()
            })
            .collect();
        SkillTable {
            mentors: m,
            by_skill,
            mentor_hours: mentors.iter().map(|m| m.hours).collect(),
            mentee_skills,
            mentee_hours: mentees.iter().map(|m| m.hours).collect(),
        }
    }

    /// Whether mentor `j` ranked one of the skills mentee `i` ranked.
    fn shares(&self, i: usize, j: usize) -> bool {
        self.mentee_skills[i]
            .iter()
            .any(|&(s, _)| self.by_skill[s * self.mentors + j] > 0)
    }

    /// Mentee `i`'s fit with every mentor.
    fn row(&self, i: usize, out: &mut [u32]) {
        let hours = self.mentee_hours[i];
        for (score, mentor_hours) in out.iter_mut().zip(&self.mentor_hours) {
            *score = if *mentor_hours == hours {
                SAME_HOURS
            } else {
                0
            };
        }
        for &(s, weight) in &self.mentee_skills[i] {
            let column = &self.by_skill[s * self.mentors..(s + 1) * self.mentors];
            for (score, &w) in out.iter_mut().zip(column) {
                *score += weight * u32::from(w);
            }
        }
    }
}

/// The assignment problem with scores abstracted, so tests can give any
/// scores and bounds.
struct Instance<'a> {
    priority: &'a [bool],
    /// Per mentor, most lists they may be in.
    bounds: &'a [u32],
    /// No score exceeds this.
    max_score: u32,
    /// Fills mentee `i`'s score with every mentor.
    row: &'a dyn Fn(usize, &mut [u32]),
    excluded: &'a dyn Fn(usize, usize) -> bool,
}

/// (mentor, score) pairs per mentee, in no particular order.
type Lists = Vec<Vec<(usize, u32)>>;

/// Sort key: best score first, then lowest mentor index.
fn key(max_score: u32, score: u32, mentor: usize) -> u64 {
    (u64::from(max_score.saturating_sub(score)) << 32) | mentor as u64
}

fn mentor_of(key: u64) -> usize {
    (key & u64::from(u32::MAX)) as usize
}

/// The exact assignment. `per_mentee` is how many best-fitting mentors per
/// mentee the solver starts from; pricing adds whatever else is needed.
fn assign(inst: &Instance, per_mentee: usize) -> (Lists, Stats) {
    let n = inst.priority.len();
    let m = inst.bounds.len();
    let mut stats = Stats::default();
    let usable: Vec<usize> = (0..m).filter(|&j| inst.bounds[j] > 0).collect();
    if n == 0 || usable.is_empty() {
        return (vec![Vec::new(); n], stats);
    }

    let mut scratch = Scratch::new(m);
    let mut restricted = Restricted::new(inst, usable);
    restricted.add_best_fitting(per_mentee, &mut scratch);
    stats.candidate_pairs = restricted.pairs.len();
    loop {
        restricted.net.solve();
        stats.pricing_rounds += 1;
        let added = restricted.add_improving(&mut scratch);
        if added == 0 {
            break;
        }
        stats.pairs_added += added;
    }
    stats.pivots = restricted.net.pivots();
    (restricted.lists(), stats)
}

/// Node of the circulation every mentee's list places come from.
const SOURCE: usize = 0;
/// Node every mentor's list places go to.
const SINK: usize = 1;

/// The bonus on a mentee's first list place: `(ordinary, priority)`.
///
/// Tier weights. Total fit is below `cover`, so covering one more mentee
/// outweighs any fit; the fit plus cover bonuses of all mentees are below
/// `first`, so covering one more priority mentee outweighs both.
fn first_place_bonuses(inst: &Instance) -> (i64, i64) {
    let n = inst.priority.len() as i64;
    let fit_ceiling = (SUGGESTIONS_PER_MENTEE as i64)
        .saturating_mul(i64::from(inst.max_score))
        .saturating_mul(n);
    let cover = fit_ceiling.saturating_add(1);
    let first = cover.saturating_mul(n + 1);
    (cover, cover.saturating_add(first))
}

/// Buffers reused for every mentee, sized by the number of mentors.
struct Scratch {
    /// One mentee's score with every mentor.
    scores: Vec<u32>,
    /// Sort keys of one mentee's candidate mentors.
    keys: Vec<u64>,
    /// `marked[j] == i` when mentor `j` is already known for mentee `i`.
    marked: Vec<usize>,
    /// (reduced cost, mentor) of one mentee's improving pairs.
    improving: Vec<(i64, usize)>,
}

impl Scratch {
    fn new(mentors: usize) -> Self {
        Scratch {
            scores: vec![0; mentors],
            keys: Vec::with_capacity(mentors),
            marked: vec![usize::MAX; mentors],
            improving: Vec::new(),
        }
    }
}

/// The circulation `source -> mentee -> mentor -> sink -> source` over the
/// pairs handed to the solver so far, grown by pricing.
struct Restricted<'a> {
    inst: &'a Instance<'a>,
    /// Mentors whose bound is above 0: nobody else can be in a list.
    usable: Vec<usize>,
    mentees: usize,
    net: Circulation,
    /// (mentee, mentor, score, arc) of every pair given to the solver.
    pairs: Vec<(usize, usize, u32, ArcId)>,
    /// Per mentee, mentors already given to the solver or known excluded.
    known: Vec<Vec<usize>>,
}

impl<'a> Restricted<'a> {
    /// The network's list places and bounds, with no pair yet.
    fn new(inst: &'a Instance<'a>, usable: Vec<usize>) -> Self {
        let n = inst.priority.len();
        let mut restricted = Restricted {
            inst,
            usable,
            mentees: n,
            net: Circulation::new(2 + n + inst.bounds.len()),
            pairs: Vec::new(),
            known: vec![Vec::new(); n],
        };
        restricted.add_list_places();
        restricted
    }

    /// A mentee's five places (the first carrying its tier's bonus), each
    /// usable mentor's bound, and the arc closing the circulation.
    fn add_list_places(&mut self) {
        let inst = self.inst;
        let n = self.mentees;
        self.net
            .add_arc(SINK, SOURCE, (SUGGESTIONS_PER_MENTEE * n) as i64, 0);
        let (ordinary, priority) = first_place_bonuses(inst);
        for (i, &is_priority) in inst.priority.iter().enumerate() {
            let bonus = if is_priority { priority } else { ordinary };
            let mentee = self.mentee_node(i);
            self.net.add_arc(SOURCE, mentee, 1, -bonus);
            self.net
                .add_arc(SOURCE, mentee, SUGGESTIONS_PER_MENTEE as i64 - 1, 0);
        }
        for &j in &self.usable {
            let mentor = self.mentor_node(j);
            self.net.add_arc(mentor, SINK, i64::from(inst.bounds[j]), 0);
        }
    }

    fn mentee_node(&self, i: usize) -> usize {
        2 + i
    }

    fn mentor_node(&self, j: usize) -> usize {
        2 + self.mentees + j
    }

    /// Records mentor `j` as known for mentee `i` and, unless the pair is
    /// excluded, hands it to the solver. True when it was handed over.
    fn add_pair(&mut self, i: usize, j: usize, score: u32) -> bool {
        self.known[i].push(j);
        if (self.inst.excluded)(i, j) {
            return false;
        }
        let (from, to) = (self.mentee_node(i), self.mentor_node(j));
        let arc = self.net.add_arc(from, to, 1, -i64::from(score));
        self.pairs.push((i, j, score, arc));
        true
    }

    /// Each mentee's `per_mentee` best-fitting mentors, exclusions aside.
    fn add_best_fitting(&mut self, per_mentee: usize, scratch: &mut Scratch) {
        let Scratch { scores, keys, .. } = scratch;
        for i in 0..self.mentees {
            (self.inst.row)(i, scores);
            keys.clear();
            let max_score = self.inst.max_score;
            keys.extend(self.usable.iter().map(|&j| key(max_score, scores[j], j)));
            let mut taken = 0;
            for_each_best_first(keys, per_mentee, |k| {
                let j = mentor_of(k);
                if self.add_pair(i, j, scores[j]) {
                    taken += 1;
                }
                taken < per_mentee
            });
        }
    }

    /// Prices every pair not yet known against the solution's potentials
    /// and adds, per mentee, up to [`ADDED_PER_MENTEE`] of those that could
    /// improve it, most negative reduced cost first. Returns how many.
    fn add_improving(&mut self, scratch: &mut Scratch) -> usize {
        let mut added = 0;
        for i in 0..self.mentees {
            self.price(i, scratch);
            let Scratch {
                scores, improving, ..
            } = &mut *scratch;
            let mut taken = 0;
            for_each_best_first(improving, ADDED_PER_MENTEE, |(_, j)| {
                if self.add_pair(i, j, scores[j]) {
                    taken += 1;
                }
                taken < ADDED_PER_MENTEE
            });
            added += taken;
        }
        added
    }

    /// Fills `scratch.improving` with mentee `i`'s unknown pairs of negative
    /// reduced cost, and `scratch.scores` with its scores.
    fn price(&self, i: usize, scratch: &mut Scratch) {
        let Scratch {
            scores,
            marked,
            improving,
            ..
        } = scratch;
        for &j in &self.known[i] {
            marked[j] = i;
        }
        let pi = self.net.potential(self.mentee_node(i));
        (self.inst.row)(i, scores);
        improving.clear();
        for &j in &self.usable {
            // Reduced cost of the pair's arc: -score + pi(mentee) - pi(mentor).
            let reduced = pi - self.net.potential(self.mentor_node(j)) - i64::from(scores[j]);
            if reduced < 0 && marked[j] != i {
                improving.push((reduced, j));
            }
        }
    }

    /// The pairs the solution uses, as lists.
    fn lists(&self) -> Lists {
        let mut lists: Lists = vec![Vec::new(); self.mentees];
        for &(i, j, score, arc) in &self.pairs {
            if self.net.flow(arc) > 0 {
                lists[i].push((j, score));
            }
        }
        lists
    }
}

/// Calls `take` with keys in ascending order until it returns false,
/// sorting only as much as needed (`expect` keys are sorted up front).
fn for_each_best_first<K: Ord + Copy>(
    keys: &mut [K],
    expect: usize,
    mut take: impl FnMut(K) -> bool,
) {
    let prefix = expect.min(keys.len());
    if prefix < keys.len() && prefix > 0 {
        keys.select_nth_unstable(prefix - 1);
    }
    keys[..prefix].sort_unstable();
    for idx in 0..keys.len() {
        if idx == prefix {
            keys[prefix..].sort_unstable();
        }
        if !take(keys[idx]) {
            return;
        }
    }
}

/// The baseline, on an abstract instance.
fn greedy_lists(inst: &Instance) -> Lists {
    let n = inst.priority.len();
    let m = inst.bounds.len();
    let mut left = inst.bounds.to_vec();
    let mut lists: Lists = vec![Vec::new(); n];
    let mut scores = vec![0u32; m];
    let mut keys: Vec<u64> = Vec::with_capacity(m);
    let order = (0..n)
        .filter(|&i| inst.priority[i])
        .chain((0..n).filter(|&i| !inst.priority[i]));
    for i in order {
        (inst.row)(i, &mut scores);
        keys.clear();
        keys.extend(
            (0..m)
                .filter(|&j| left[j] > 0)
                .map(|j| key(inst.max_score, scores[j], j)),
        );
        let list = &mut lists[i];
        for_each_best_first(&mut keys, SUGGESTIONS_PER_MENTEE + 2, |k| {
            let j = mentor_of(k);
            // Best first: from here on everyone shares nothing with the mentee.
            if scores[j] == 0 && !list.is_empty() {
                return false;
            }
            if !(inst.excluded)(i, j) {
                list.push((j, scores[j]));
                left[j] -= 1;
            }
            list.len() < SUGGESTIONS_PER_MENTEE
        });
    }
    lists
}

/// Applies the fit-0 rule, orders each list best first, and scores each
/// suggestion as [`fit`] does.
fn finished(lists: Lists) -> Vec<Vec<Suggestion>> {
    lists
        .into_iter()
        .map(|list| {
            finish(list)
                .into_iter()
                .map(|(mentor, score)| Suggestion { mentor, score })
                .collect()
        })
        .collect()
}

/// Fit-0 mentors only when there is no one else, and then one; best first.
fn finish(mut list: Vec<(usize, u32)>) -> Vec<(usize, u32)> {
    list.sort_unstable_by_key(|&(j, score)| (std::cmp::Reverse(score), j));
    if list.first().is_some_and(|&(_, score)| score > 0) {
        list.retain(|&(_, score)| score > 0);
    } else {
        list.truncate(1);
    }
    list
}
