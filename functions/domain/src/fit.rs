//! How well a mentor suits a mentee: shared skills weighted by rank on both
//! sides (a shared first choice counts far more than a shared sixth), and
//! working hours. Used to order search results and, later, to choose
//! suggested matches. Every score comes with its reason in plain words.

use crate::fields::{SkillRanking, WorkingHours};
use crate::skills::StoredSkills;

/// Points a skill at 1-based `rank` is worth: 6 for the first, 1 for the sixth.
fn weight(rank: usize) -> u32 {
    (SkillRanking::MAX + 1).saturating_sub(rank) as u32
}

/// Points for working the same hours: worth about a shared mid-ranked skill,
/// since meetings happen during working hours.
pub const SAME_HOURS: u32 = 9;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fit {
    pub score: u32,
    pub reason: String,
}

/// The skills both rank: 1-based ranks on the mentee's side and the
/// mentor's, and the skill's id, in the mentee's order.
fn shared<'a>(
    mentee_skills: &'a SkillRanking,
    mentor_skills: &'a SkillRanking,
) -> impl Iterator<Item = (usize, usize, &'a str)> {
    mentee_skills
        .ids()
        .iter()
        .enumerate()
        .filter_map(|(i, id)| {
            mentor_skills
                .ids()
                .iter()
                .position(|other| other == id)
                .map(|j| (i + 1, j + 1, id.as_str()))
        })
}

/// The score alone, as [`fit`] gives it, without the words: what ranking a
/// whole listing needs.
pub fn score(
    mentee_skills: &SkillRanking,
    mentee_hours: WorkingHours,
    mentor_skills: &SkillRanking,
    mentor_hours: WorkingHours,
) -> u32 {
    let skills: u32 = shared(mentee_skills, mentor_skills)
        .map(|(i, j, _)| weight(i) * weight(j))
        .sum();
    skills
        + if mentee_hours == mentor_hours {
            SAME_HOURS
        } else {
            0
        }
}

/// The score worked out in words, for administrators checking a
/// suggestion: each shared skill's points (the mentee's weight times the
/// mentor's), then the hours, then the total. "Leadership 6 × 6 = 36 +
/// Budgeting 5 × 4 = 20 + same hours 9 = 65".
pub fn explained(
    mentee_skills: &SkillRanking,
    mentee_hours: WorkingHours,
    mentor_skills: &SkillRanking,
    mentor_hours: WorkingHours,
    list: &StoredSkills,
) -> String {
    let mut parts: Vec<String> = shared(mentee_skills, mentor_skills)
        .map(|(i, j, id)| {
            let name = list.skill(id).map_or_else(|| id.to_string(), |s| s.name);
            format!(
                "{name} {} × {} = {}",
                weight(i),
                weight(j),
                weight(i) * weight(j)
            )
        })
        .collect();
    if mentee_hours == mentor_hours {
        parts.push(format!("same hours {SAME_HOURS}"));
    }
    let total = score(mentee_skills, mentee_hours, mentor_skills, mentor_hours);
    match parts.len() {
        0 => "0: no shared skill, other hours".to_string(),
        1 if mentee_hours != mentor_hours => parts.remove(0),
        _ => format!("{} = {total}", parts.join(" + ")),
    }
}

pub fn fit(
    mentee_skills: &SkillRanking,
    mentee_hours: WorkingHours,
    mentor_skills: &SkillRanking,
    mentor_hours: WorkingHours,
    list: &StoredSkills,
) -> Fit {
    let shared: Vec<String> = shared(mentee_skills, mentor_skills)
        .map(|(i, j, id)| {
            let name = list.skill(id).map_or_else(|| id.to_string(), |s| s.name);
            format!("{name} (your #{i}, their #{j})")
        })
        .collect();
    let same_hours = mentee_hours == mentor_hours;
    let skills = match shared.len() {
        0 => "No skills in common".to_string(),
        1 => format!("Shares 1 of your skills: {}", shared[0]),
        n => format!("Shares {n} of your skills: {}", shared.join(", ")),
    };
    let hours = if same_hours {
        format!("same working hours ({})", mentor_hours.name())
    } else {
        format!("works {} hours", mentor_hours.name().to_lowercase())
    };
    Fit {
        score: score(mentee_skills, mentee_hours, mentor_skills, mentor_hours),
        reason: format!("{skills}; {hours}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranking(ids: &[&str]) -> SkillRanking {
        SkillRanking::parse(ids, &StoredSkills::seed()).expect("ranking")
    }

    const SIX: [&str; 6] = [
        "leadership",
        "budgeting",
        "teamwork",
        "hiring",
        "networking",
        "listening",
    ];

    #[test]
    fn a_shared_first_choice_outweighs_a_shared_last_choice() {
        let mentee = ranking(&SIX);
        let top = fit(
            &mentee,
            WorkingHours::Daytime,
            &ranking(&["leadership", "grant-writing", "procurement"]),
            WorkingHours::Evening,
            &StoredSkills::seed(),
        );
        let last = fit(
            &mentee,
            WorkingHours::Daytime,
            &ranking(&["listening", "grant-writing", "procurement"]),
            WorkingHours::Evening,
            &StoredSkills::seed(),
        );
        assert!(top.score > last.score, "{top:?} vs {last:?}");
        assert_eq!(
            top.reason,
            "Shares 1 of your skills: Leadership (your #1, their #1); works evening hours."
        );
    }

    #[test]
    fn the_score_is_explained_term_by_term() {
        let mentee = ranking(&SIX);
        let mentor = ranking(&["leadership", "grant-writing", "budgeting", "procurement"]);
        assert_eq!(
            explained(
                &mentee,
                WorkingHours::Daytime,
                &mentor,
                WorkingHours::Daytime,
                &StoredSkills::seed()
            ),
            "Leadership 6 × 6 = 36 + Budgeting and fiscal management 5 × 4 = 20 + same hours 9 = 65"
        );
        assert_eq!(
            score(
                &mentee,
                WorkingHours::Daytime,
                &mentor,
                WorkingHours::Daytime
            ),
            65
        );
        let one = ranking(&["listening", "grant-writing", "procurement"]);
        assert_eq!(
            explained(
                &mentee,
                WorkingHours::Daytime,
                &one,
                WorkingHours::Evening,
                &StoredSkills::seed()
            ),
            "Active listening 1 × 6 = 6"
        );
    }

    #[test]
    fn the_score_alone_is_the_score_of_the_fit() {
        let skills = SIX;
        let hours = [WorkingHours::Daytime, WorkingHours::Evening];
        for a in 0..skills.len() - 2 {
            for b in 0..skills.len() - 2 {
                let mentee = ranking(&skills[a..a + 3]);
                let mut theirs = skills[b..].to_vec();
                theirs.reverse();
                let mentor = ranking(&theirs[..3]);
                for (x, y) in [(hours[0], hours[0]), (hours[0], hours[1])] {
                    assert_eq!(
                        score(&mentee, x, &mentor, y),
                        fit(&mentee, x, &mentor, y, &StoredSkills::seed()).score,
                        "{mentee:?} and {mentor:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn same_hours_count_and_are_explained() {
        let a = ranking(&["leadership", "budgeting", "teamwork"]);
        let b = ranking(&["hiring", "networking", "listening"]);
        let f = fit(
            &a,
            WorkingHours::Overnight,
            &b,
            WorkingHours::Overnight,
            &StoredSkills::seed(),
        );
        assert_eq!(f.score, SAME_HOURS);
        assert_eq!(
            f.reason,
            "No skills in common; same working hours (Overnight)."
        );
    }
}
