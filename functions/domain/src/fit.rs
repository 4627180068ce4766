//! How well a mentor suits a mentee: shared skills weighted by rank on both
//! sides (a shared first choice counts far more than a shared sixth), and
//! working hours. Used to order search results and, later, to choose
//! suggested matches. Every score comes with its reason in plain words.

use crate::fields::{SkillRanking, WorkingHours};

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

pub fn fit(
    mentee_skills: &SkillRanking,
    mentee_hours: WorkingHours,
    mentor_skills: &SkillRanking,
    mentor_hours: WorkingHours,
) -> Fit {
    let mut score = 0;
    let mut shared = Vec::new();
    for (i, skill) in mentee_skills.skills().iter().enumerate() {
        if let Some(j) = mentor_skills.ids().iter().position(|id| *id == skill.id) {
            score += weight(i + 1) * weight(j + 1);
            shared.push(format!(
                "{} (your #{}, their #{})",
                skill.name,
                i + 1,
                j + 1
            ));
        }
    }
    let same_hours = mentee_hours == mentor_hours;
    if same_hours {
        score += SAME_HOURS;
    }
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
        score,
        reason: format!("{skills}; {hours}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranking(ids: &[&str]) -> SkillRanking {
        SkillRanking::parse(ids).expect("ranking")
    }

    #[test]
    fn a_shared_first_choice_outweighs_a_shared_last_choice() {
        let mentee = ranking(&[
            "leadership",
            "budgeting",
            "teamwork",
            "hiring",
            "networking",
            "listening",
        ]);
        let top = fit(
            &mentee,
            WorkingHours::Daytime,
            &ranking(&["leadership", "grant-writing", "procurement"]),
            WorkingHours::Evening,
        );
        let last = fit(
            &mentee,
            WorkingHours::Daytime,
            &ranking(&["listening", "grant-writing", "procurement"]),
            WorkingHours::Evening,
        );
        assert!(top.score > last.score, "{top:?} vs {last:?}");
        assert_eq!(
            top.reason,
            "Shares 1 of your skills: Leadership (your #1, their #1); works evening hours."
        );
    }

    #[test]
    fn same_hours_count_and_are_explained() {
        let a = ranking(&["leadership", "budgeting", "teamwork"]);
        let b = ranking(&["hiring", "networking", "listening"]);
        let f = fit(&a, WorkingHours::Overnight, &b, WorkingHours::Overnight);
        assert_eq!(f.score, SAME_HOURS);
        assert_eq!(
            f.reason,
            "No skills in common; same working hours (Overnight)."
        );
    }
}
