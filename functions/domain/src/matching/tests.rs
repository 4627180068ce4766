use std::collections::HashSet;

use proptest::prelude::*;

use super::*;
use crate::catalogue::Catalogue;
use crate::fit::fit;
use crate::skills::StoredSkills;

/// (priority mentees with a suggestion, mentees with a suggestion, total fit).
type Objective = (usize, usize, u64);

fn objective(priority: &[bool], lists: &Lists) -> Objective {
    let covered = |i: &usize| !lists[*i].is_empty();
    (
        (0..lists.len())
            .filter(|i| priority[*i] && covered(i))
            .count(),
        (0..lists.len()).filter(covered).count(),
        lists.iter().flatten().map(|&(_, s)| u64::from(s)).sum(),
    )
}

/// A small instance spelled out: scores, bounds, exclusions as matrices.
#[derive(Debug, Clone)]
struct Small {
    priority: Vec<bool>,
    bounds: Vec<u32>,
    scores: Vec<Vec<u32>>,
    excluded: Vec<Vec<bool>>,
}

impl Small {
    fn solve(&self, per_mentee: usize) -> (Lists, Stats) {
        let row = |i: usize, out: &mut [u32]| out.copy_from_slice(&self.scores[i]);
        let excluded = |i: usize, j: usize| self.excluded[i][j];
        let inst = Instance {
            priority: &self.priority,
            bounds: &self.bounds,
            max_score: 100,
            row: &row,
            excluded: &excluded,
        };
        assign(&inst, per_mentee)
    }

    fn greedy(&self) -> Lists {
        let row = |i: usize, out: &mut [u32]| out.copy_from_slice(&self.scores[i]);
        let excluded = |i: usize, j: usize| self.excluded[i][j];
        let inst = Instance {
            priority: &self.priority,
            bounds: &self.bounds,
            max_score: 100,
            row: &row,
            excluded: &excluded,
        };
        greedy_lists(&inst)
    }

    /// The best objective over every set of allowed pairs.
    fn brute_force(&self) -> Objective {
        let n = self.priority.len();
        let m = self.bounds.len();
        let allowed: Vec<(usize, usize)> = (0..n)
            .flat_map(|i| (0..m).map(move |j| (i, j)))
            .filter(|&(i, j)| self.bounds[j] > 0 && !self.excluded[i][j])
            .collect();
        assert!(allowed.len() <= 20, "instance too big to enumerate");
        let mut best = (0, 0, 0);
        for mask in 0u32..(1 << allowed.len()) {
            let mut per_mentee = vec![0usize; n];
            let mut per_mentor = vec![0u32; m];
            let mut fit = 0u64;
            for (bit, &(i, j)) in allowed.iter().enumerate() {
                if mask & (1 << bit) != 0 {
                    per_mentee[i] += 1;
                    per_mentor[j] += 1;
                    fit += u64::from(self.scores[i][j]);
                }
            }
            let feasible = per_mentee.iter().all(|&c| c <= SUGGESTIONS_PER_MENTEE)
                && per_mentor.iter().zip(&self.bounds).all(|(c, b)| c <= b);
            if feasible {
                let priority = (0..n)
                    .filter(|&i| self.priority[i] && per_mentee[i] > 0)
                    .count();
                let covered = per_mentee.iter().filter(|&&c| c > 0).count();
                best = best.max((priority, covered, fit));
            }
        }
        best
    }

    fn assert_valid(&self, lists: &Lists) {
        assert_lists_valid(
            lists.iter().map(|l| l.iter().map(|&(j, _)| j).collect()),
            &self.bounds,
            |i, j| self.excluded[i][j],
        );
        for (i, list) in lists.iter().enumerate() {
            for &(j, score) in list {
                assert_eq!(score, self.scores[i][j], "score of ({i}, {j})");
            }
        }
    }
}

/// Every list has at most five mentors, none twice, none excluded, and no
/// mentor is in more lists than their bound.
fn assert_lists_valid(
    lists: impl Iterator<Item = Vec<usize>>,
    bounds: &[u32],
    excluded: impl Fn(usize, usize) -> bool,
) {
    let mut load = vec![0u32; bounds.len()];
    for (i, list) in lists.enumerate() {
        assert!(list.len() <= SUGGESTIONS_PER_MENTEE, "list {i} too long");
        let distinct: HashSet<_> = list.iter().collect();
        assert_eq!(distinct.len(), list.len(), "list {i} repeats a mentor");
        for &j in &list {
            assert!(!excluded(i, j), "excluded pair ({i}, {j}) suggested");
            load[j] += 1;
        }
    }
    for (j, (&l, &b)) in load.iter().zip(bounds).enumerate() {
        assert!(l <= b, "mentor {j} in {l} lists, bound {b}");
    }
}

fn small(max_mentees: usize, max_mentors: usize) -> impl Strategy<Value = Small> {
    (1..=max_mentees, 1..=max_mentors).prop_flat_map(|(n, m)| {
        let score = prop::sample::select(vec![0u32, 0, 1, 2, 3, 9, 12, 36, 50, 100]);
        (
            prop::collection::vec(prop::bool::weighted(0.3), n),
            prop::collection::vec(0u32..=3, m),
            prop::collection::vec(prop::collection::vec(score, m), n),
            prop::collection::vec(prop::collection::vec(prop::bool::weighted(0.2), m), n),
        )
            .prop_map(|(priority, bounds, scores, excluded)| Small {
                priority,
                bounds,
                scores,
                excluded,
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn assignment_is_optimal_against_brute_force(inst in small(4, 4), per_mentee in 1usize..=4) {
        let (lists, _) = inst.solve(per_mentee);
        inst.assert_valid(&lists);
        prop_assert_eq!(objective(&inst.priority, &lists), inst.brute_force());
    }

    #[test]
    fn assignment_is_optimal_when_lists_fill_to_five(inst in small(2, 8), per_mentee in 1usize..=8) {
        let (lists, _) = inst.solve(per_mentee);
        inst.assert_valid(&lists);
        prop_assert_eq!(objective(&inst.priority, &lists), inst.brute_force());
    }

    #[test]
    fn starting_from_fewer_candidates_reaches_the_same_optimum(
        inst in small(24, 7),
        per_mentee in 1usize..=3,
    ) {
        let (full, _) = inst.solve(inst.bounds.len());
        let (priced, _) = inst.solve(per_mentee);
        inst.assert_valid(&priced);
        prop_assert_eq!(objective(&inst.priority, &priced), objective(&inst.priority, &full));
    }

    #[test]
    fn greedy_lists_respect_the_same_rules(inst in small(12, 8)) {
        let lists = inst.greedy();
        inst.assert_valid(&lists);
    }

    #[test]
    fn dropping_extra_fit_zero_mentors_keeps_the_objective(inst in small(4, 4)) {
        let (lists, _) = inst.solve(4);
        let finished: Lists = lists.iter().cloned().map(finish).collect();
        prop_assert_eq!(objective(&inst.priority, &finished), objective(&inst.priority, &lists));
        for list in &finished {
            prop_assert!(list.windows(2).all(|w| w[0].1 >= w[1].1));
            prop_assert!(list.len() <= 1 || list.iter().all(|&(_, s)| s > 0));
        }
    }
}

// Real rankings.

fn ranking(ids: &[&str]) -> SkillRanking {
    SkillRanking::parse(ids, &StoredSkills::seed()).expect("ranking")
}

fn any_ranking() -> impl Strategy<Value = SkillRanking> {
    let ids: Vec<String> = Catalogue::get().skill_ids().map(String::from).collect();
    prop::sample::subsequence(ids, SkillRanking::MIN..=SkillRanking::MAX)
        .prop_shuffle()
        .prop_map(|ids| SkillRanking::parse(&ids, &StoredSkills::seed()).expect("catalogue skills"))
}

fn any_hours() -> impl Strategy<Value = WorkingHours> {
    prop::sample::select(vec![
        WorkingHours::Daytime,
        WorkingHours::Evening,
        WorkingHours::Overnight,
    ])
}

fn mentee(skills: &[&str], hours: WorkingHours) -> Mentee {
    Mentee {
        skills: ranking(skills),
        hours,
        priority: false,
    }
}

fn mentor(skills: &[&str], hours: WorkingHours, open_places: u32) -> Mentor {
    Mentor {
        skills: ranking(skills),
        hours,
        open_places,
    }
}

fn nobody_excluded(_: usize, _: usize) -> bool {
    false
}

fn loads(lists: &[Vec<Suggestion>], mentors: usize) -> Vec<u32> {
    let mut load = vec![0; mentors];
    for s in lists.iter().flatten() {
        load[s.mentor] += 1;
    }
    load
}

const LEADERS: [&str; 6] = [
    "leadership",
    "budgeting",
    "teamwork",
    "hiring",
    "networking",
    "listening",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn table_scores_equal_fit_scores(
        mentees in prop::collection::vec((any_ranking(), any_hours()), 1..4),
        mentors in prop::collection::vec((any_ranking(), any_hours()), 1..6),
    ) {
        let mentees: Vec<Mentee> = mentees
            .into_iter()
            .map(|(skills, hours)| Mentee { skills, hours, priority: false })
            .collect();
        let mentors: Vec<Mentor> = mentors
            .into_iter()
            .map(|(skills, hours)| Mentor { skills, hours, open_places: 1 })
            .collect();
        let table = SkillTable::new(&mentees, &mentors);
        let mut row = vec![0; mentors.len()];
        for (i, a) in mentees.iter().enumerate() {
            table.row(i, &mut row);
            for (j, b) in mentors.iter().enumerate() {
                let f = fit(&a.skills, a.hours, &b.skills, b.hours, &StoredSkills::seed());
                prop_assert_eq!(row[j], f.score);
                prop_assert!(f.score <= MAX_FIT);
            }
        }
    }

    #[test]
    fn suggestions_respect_exclusions_bounds_and_order(
        mentees in prop::collection::vec((any_ranking(), any_hours(), prop::bool::weighted(0.2)), 1..40),
        mentors in prop::collection::vec((any_ranking(), any_hours(), 0u32..=2), 1..7),
        excluded in prop::collection::hash_set((0usize..40, 0usize..7), 0..30),
    ) {
        let mentees: Vec<Mentee> = mentees
            .into_iter()
            .map(|(skills, hours, priority)| Mentee { skills, hours, priority })
            .collect();
        let mentors: Vec<Mentor> = mentors
            .into_iter()
            .map(|(skills, hours, open_places)| Mentor { skills, hours, open_places })
            .collect();
        let is_excluded = |i: usize, j: usize| excluded.contains(&(i, j));
        let skills_list = StoredSkills::seed();
        let bounds: Vec<u32> = mentors.iter().map(Mentor::list_bound).collect();
        let eligible = eligible_mentors(&mentees, &mentors, &is_excluded);
        for lists in [
            suggest(&mentees, &mentors, &is_excluded),
            greedy(&mentees, &mentors, &is_excluded),
        ] {
            // Every suggestion shares a skill the mentee ranked; a list never
            // holds more mentors than could be suggested to them.
            for (i, list) in lists.iter().enumerate() {
                prop_assert!(list.len() <= eligible[i]);
                for s in list {
                    let theirs = mentors[s.mentor].skills.ids();
                    prop_assert!(mentees[i].skills.ids().iter().any(|id| theirs.contains(id)), "{:?}", s);
                }
            }
            prop_assert_eq!(lists.len(), mentees.len());
            assert_lists_valid(
                lists.iter().map(|l| l.iter().map(|s| s.mentor).collect()),
                &bounds,
                is_excluded,
            );
            for (i, list) in lists.iter().enumerate() {
                prop_assert!(list.windows(2).all(|w| w[0].score >= w[1].score));
                for s in list {
                    let m = &mentors[s.mentor];
                    let f = fit(&mentees[i].skills, mentees[i].hours, &m.skills, m.hours, &skills_list);
                    prop_assert_eq!(s.score, f.score);
                    prop_assert!(f.reason.starts_with("Shares"), "{}", f.reason);
                }
            }
        }
    }

    #[test]
    fn suggestions_cover_at_least_as_many_mentees_as_greedy(
        mentees in prop::collection::vec((any_ranking(), any_hours(), prop::bool::weighted(0.2)), 1..40),
        mentors in prop::collection::vec((any_ranking(), any_hours(), 0u32..=2), 1..5),
    ) {
        let mentees: Vec<Mentee> = mentees
            .into_iter()
            .map(|(skills, hours, priority)| Mentee { skills, hours, priority })
            .collect();
        let mentors: Vec<Mentor> = mentors
            .into_iter()
            .map(|(skills, hours, open_places)| Mentor { skills, hours, open_places })
            .collect();
        let count = |lists: &[Vec<Suggestion>], only_priority: bool| {
            lists
                .iter()
                .zip(&mentees)
                .filter(|(l, m)| !l.is_empty() && (m.priority || !only_priority))
                .count()
        };
        let ours = suggest(&mentees, &mentors, &nobody_excluded);
        let theirs = greedy(&mentees, &mentors, &nobody_excluded);
        prop_assert!(count(&ours, true) >= count(&theirs, true));
        prop_assert!(
            (count(&ours, true), count(&ours, false)) >= (count(&theirs, true), count(&theirs, false))
        );
    }
}

#[test]
fn greedy_starves_late_mentees_where_the_assignment_serves_everyone() {
    // Five mentors with one open place each: 50 list places for twelve
    // mentees who would each like five.
    let mentors: Vec<Mentor> = (0..5)
        .map(|_| mentor(&LEADERS, WorkingHours::Daytime, 1))
        .collect();
    let mentees: Vec<Mentee> = (0..12)
        .map(|_| mentee(&LEADERS, WorkingHours::Daytime))
        .collect();
    let greedy = greedy(&mentees, &mentors, &nobody_excluded);
    assert!(greedy[10].is_empty() && greedy[11].is_empty());
    let ours = suggest(&mentees, &mentors, &nobody_excluded);
    assert!(ours.iter().all(|l| !l.is_empty()), "{ours:?}");
    assert!(loads(&ours, 5).iter().all(|&l| l <= LISTS_PER_OPEN_PLACE));
}

#[test]
fn a_popular_mentor_is_in_no_more_lists_than_their_places_allow() {
    let star = mentor(&LEADERS, WorkingHours::Daytime, 1);
    let others: Vec<Mentor> = (0..6)
        .map(|_| {
            mentor(
                &["procurement", "grant-writing", "hiring"],
                WorkingHours::Evening,
                2,
            )
        })
        .collect();
    let mentors: Vec<Mentor> = std::iter::once(star).chain(others).collect();
    let mentees: Vec<Mentee> = (0..25)
        .map(|_| mentee(&LEADERS, WorkingHours::Daytime))
        .collect();
    let lists = suggest(&mentees, &mentors, &nobody_excluded);
    assert_eq!(loads(&lists, mentors.len())[0], LISTS_PER_OPEN_PLACE);
    assert!(lists.iter().all(|l| !l.is_empty()));
}

#[test]
fn priority_mentees_are_served_first_when_places_run_out() {
    // One mentor, one open place: ten lists for twelve mentees.
    let mentors = vec![mentor(&LEADERS, WorkingHours::Daytime, 1)];
    let mut mentees: Vec<Mentee> = (0..12)
        .map(|_| mentee(&LEADERS, WorkingHours::Daytime))
        .collect();
    // The two left last time share less with the mentor.
    for m in &mut mentees[10..] {
        *m = Mentee {
            skills: ranking(&["budgeting", "hiring", "procurement"]),
            hours: WorkingHours::Evening,
            priority: true,
        };
    }
    let lists = suggest(&mentees, &mentors, &nobody_excluded);
    assert!(!lists[10].is_empty() && !lists[11].is_empty());
    assert_eq!(lists.iter().filter(|l| !l.is_empty()).count(), 10);
}

#[test]
fn a_mentor_sharing_no_ranked_skill_is_never_suggested_even_with_the_same_hours() {
    let mentors = vec![
        mentor(
            &["procurement", "grant-writing", "public-speaking"],
            WorkingHours::Daytime,
            2,
        ),
        mentor(
            &["budgeting", "procurement", "grant-writing"],
            WorkingHours::Evening,
            2,
        ),
    ];
    let mentees = vec![
        mentee(&LEADERS, WorkingHours::Daytime),
        mentee(
            &["leadership", "teamwork", "listening"],
            WorkingHours::Daytime,
        ),
    ];
    let lists = suggest(&mentees, &mentors, &nobody_excluded);
    // The first shares budgeting with the second mentor only; the second
    // mentee shares nothing with either: no list rather than a padded one.
    assert_eq!(lists[0].iter().map(|s| s.mentor).collect::<Vec<_>>(), [1]);
    assert!(lists[1].is_empty(), "{:?}", lists[1]);
    assert_eq!(
        eligible_mentors(&mentees, &mentors, &nobody_excluded),
        [1, 0]
    );
    assert!(greedy(&mentees, &mentors, &nobody_excluded)[1].is_empty());
}

#[test]
fn excluded_mentors_are_never_suggested_even_when_best() {
    let mentors = vec![
        mentor(&LEADERS, WorkingHours::Daytime, 2),
        mentor(
            &["leadership", "procurement", "hiring"],
            WorkingHours::Evening,
            2,
        ),
    ];
    let mentees = vec![mentee(&LEADERS, WorkingHours::Daytime)];
    let lists = suggest(&mentees, &mentors, &|_, j| j == 0);
    assert_eq!(lists[0].len(), 1);
    assert_eq!(lists[0][0].mentor, 1);
}

#[test]
fn a_mentor_without_open_places_is_in_no_list() {
    let mentors = vec![
        mentor(&LEADERS, WorkingHours::Daytime, 0),
        mentor(
            &["procurement", "grant-writing", "hiring"],
            WorkingHours::Evening,
            1,
        ),
    ];
    let mentees = vec![mentee(&LEADERS, WorkingHours::Daytime)];
    let lists = suggest(&mentees, &mentors, &nobody_excluded);
    assert!(lists[0].iter().all(|s| s.mentor != 0));
    assert_eq!(lists[0].len(), 1);
}

#[test]
fn lists_put_a_shared_first_choice_before_a_shared_last_choice() {
    let mentors = vec![
        mentor(
            &["listening", "procurement", "grant-writing"],
            WorkingHours::Evening,
            1,
        ),
        mentor(
            &["leadership", "procurement", "grant-writing"],
            WorkingHours::Evening,
            1,
        ),
    ];
    let mentees = vec![mentee(&LEADERS, WorkingHours::Daytime)];
    let lists = suggest(&mentees, &mentors, &nobody_excluded);
    let order: Vec<usize> = lists[0].iter().map(|s| s.mentor).collect();
    assert_eq!(order, [1, 0]);
    let m = &mentors[1];
    let f = fit(
        &mentees[0].skills,
        mentees[0].hours,
        &m.skills,
        m.hours,
        &StoredSkills::seed(),
    );
    assert_eq!(lists[0][0].score, f.score);
    assert_eq!(
        f.reason,
        "Shares 1 of your skills: Leadership (your #1, their #1); works evening hours."
    );
}

#[test]
fn no_mentees_or_no_mentors_give_empty_lists() {
    let mentors = vec![mentor(&LEADERS, WorkingHours::Daytime, 1)];
    let mentees = vec![mentee(&LEADERS, WorkingHours::Daytime)];
    assert!(suggest(&[], &mentors, &nobody_excluded).is_empty());
    assert_eq!(suggest(&mentees, &[], &nobody_excluded), vec![Vec::new()]);
}
