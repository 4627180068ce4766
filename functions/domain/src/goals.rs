//! Goals that move: each goal of a pair's agreement (one a line of its
//! goals section) can be marked not started, progressing or met, with a
//! note, by either side while the mentorship is active. When it ends, the
//! goals' standing is kept with what the mentorship counts, so the figures
//! show the share of goals met among ended mentorships.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::fields::{EmailAddress, Note};
use crate::mentorship::{Agreement, Mentorship, MentorshipRefused};

/// Goals followed per agreement: lines beyond these stay in the text but
/// are not marked one by one.
pub const MAX_GOALS: usize = 12;

/// Where one goal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GoalStatus {
    #[default]
    NotStarted,
    Progressing,
    Met,
}

impl GoalStatus {
    pub fn parse(raw: &str) -> Result<GoalStatus, String> {
        match raw.trim() {
            "not_started" => Ok(GoalStatus::NotStarted),
            "progressing" => Ok(GoalStatus::Progressing),
            "met" => Ok(GoalStatus::Met),
            _ => Err("Choose not started, progressing or met.".into()),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            GoalStatus::NotStarted => "not_started",
            GoalStatus::Progressing => "progressing",
            GoalStatus::Met => "met",
        }
    }
}

/// The last mark on one goal, kept by the goal's words so that changing
/// the agreement keeps the marks of the goals it still has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalProgress {
    pub goal: String,
    pub status: GoalStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Note>,
    pub by: EmailAddress,
    pub at: Timestamp,
}

/// How many goals an ended mentorship had, and where they stood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GoalTally {
    pub set: u32,
    pub progressing: u32,
    pub met: u32,
}

/// The goals of a goals section: one a line, list markers ("-", "*", "•",
/// "1." or "1)") set aside, blank lines skipped, at most [`MAX_GOALS`].
pub fn goal_lines(text: &str) -> Vec<&str> {
    text.lines()
        .map(without_marker)
        .filter(|line| !line.is_empty())
        .take(MAX_GOALS)
        .collect()
}

fn without_marker(line: &str) -> &str {
    let line = line.trim();
    if let Some(rest) = line.strip_prefix(['-', '*', '•', '–']) {
        return rest.trim_start();
    }
    let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if (1..=2).contains(&digits)
        && let Some(rest) = line[digits..].strip_prefix(['.', ')'])
    {
        return rest.trim_start();
    }
    line
}

/// One goal as the pair's page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Goal<'a> {
    /// From 1, in the agreement's order.
    pub number: usize,
    pub text: &'a str,
    pub progress: Option<&'a GoalProgress>,
}

impl Goal<'_> {
    pub fn status(&self) -> GoalStatus {
        self.progress.map(|p| p.status).unwrap_or_default()
    }
}

impl Agreement {
    /// The agreement's goals with their last marks.
    pub fn goals(&self) -> Vec<Goal<'_>> {
        goal_lines(self.goals.as_str())
            .into_iter()
            .enumerate()
            .map(|(i, text)| Goal {
                number: i + 1,
                text,
                progress: self.progress.iter().find(|p| p.goal == text),
            })
            .collect()
    }

    /// How the goals stand, as an ended mentorship counts them.
    pub fn goal_tally(&self) -> GoalTally {
        let goals = self.goals();
        let count = |status| goals.iter().filter(|g| g.status() == status).count() as u32;
        GoalTally {
            set: goals.len() as u32,
            progressing: count(GoalStatus::Progressing),
            met: count(GoalStatus::Met),
        }
    }

    /// The marks of the goals `goals_text` still has (after a change).
    pub(crate) fn progress_kept(&self, goals_text: &str) -> Vec<GoalProgress> {
        let lines = goal_lines(goals_text);
        self.progress
            .iter()
            .filter(|p| lines.contains(&p.goal.as_str()))
            .cloned()
            .collect()
    }
}

/// A mark on one goal, as the person sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoalMark {
    /// The agreement version the person read: a goal's number means
    /// nothing in another version.
    pub version: u32,
    pub number: usize,
    pub status: GoalStatus,
    pub note: Option<Note>,
}

/// Why a mark was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GoalRefused {
    #[error(transparent)]
    Mentorship(#[from] MentorshipRefused),
    #[error("The agreement has no goal {0}.")]
    NoSuchGoal(usize),
}

impl Mentorship {
    /// Mark one goal of the agreement, by either side while active.
    pub fn mark_goal(
        &self,
        actor: &EmailAddress,
        mark: GoalMark,
        now: Timestamp,
    ) -> Result<Mentorship, GoalRefused> {
        self.active_member(actor)?;
        let mut agreement = self
            .agreement
            .clone()
            .ok_or(MentorshipRefused::NoAgreement)?;
        if agreement.version != mark.version {
            return Err(MentorshipRefused::AgreementChanged.into());
        }
        let goal = mark
            .number
            .checked_sub(1)
            .and_then(|i| agreement.goals().get(i).map(|g| g.text.to_string()))
            .ok_or(GoalRefused::NoSuchGoal(mark.number))?;
        agreement.progress.retain(|p| p.goal != goal);
        agreement.progress.push(GoalProgress {
            goal,
            status: mark.status,
            note: mark.note,
            by: actor.clone(),
            at: now,
        });
        Ok(Mentorship {
            agreement: Some(agreement),
            version: self.version + 1,
            ..self.clone()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::application::ApplicationId;
    use crate::fields::{DepartmentId, LongText};
    use crate::mentorship::{AgreementDraft, Counted, MentorshipId, MentorshipStatus, RequestId};

    fn email(s: &str) -> EmailAddress {
        EmailAddress::parse(s).expect("email")
    }

    fn active_mentorship() -> Mentorship {
        let department = DepartmentId::parse("revenue").expect("department");
        Mentorship {
            id: MentorshipId::from_random([1; 16]),
            request: RequestId::from_random([2; 16]),
            mentee: email("ada@mo.gov"),
            mentor: email("max@mo.gov"),
            mentee_application: ApplicationId::from_random([3; 16]),
            mentor_application: ApplicationId::from_random([4; 16]),
            status: MentorshipStatus::Active,
            started_at: Timestamp::UNIX_EPOCH,
            ended: None,
            agreement: None,
            version: 1,
            counted: Counted {
                mentee_department: department.clone(),
                mentor_department: department,
                mentee_division: None,
                mentor_division: None,
                mentee_approved_at: Timestamp::UNIX_EPOCH,
                match_group: None,
                goals: None,
                kind: None,
            },
        }
    }

    fn with_goals(m: &Mentorship, goals: &str) -> Mentorship {
        let draft = AgreementDraft {
            kind: crate::kind::MentorshipKind::Committed,
            goals: LongText::parse(goals).expect("goals"),
            steps: None,
            schedule: None,
            end_date: None,
            off_limits: None,
        };
        m.set_agreement(&m.mentee, draft, Timestamp::UNIX_EPOCH)
            .expect("allowed")
    }

    fn mark(
        m: &Mentorship,
        who: &EmailAddress,
        number: usize,
        status: GoalStatus,
    ) -> Result<Mentorship, GoalRefused> {
        let version = m.agreement.as_ref().map_or(0, |a| a.version);
        m.mark_goal(
            who,
            GoalMark {
                version,
                number,
                status,
                note: None,
            },
            Timestamp::UNIX_EPOCH,
        )
    }

    fn ended_by(m: &Mentorship, who: &EmailAddress) -> Mentorship {
        let reason = LongText::parse("Done").expect("reason");
        m.end(
            who,
            MentorshipStatus::Completed,
            reason,
            Timestamp::UNIX_EPOCH,
        )
        .expect("allowed")
    }

    #[test]
    fn each_line_is_a_goal_without_its_list_marker() {
        let text = "- Lead a project\n\n* Speak at a meeting\n2) Learn budgeting\n10. Write a plan\n• Mentor someone\nPlain goal";
        assert_eq!(
            goal_lines(text),
            [
                "Lead a project",
                "Speak at a meeting",
                "Learn budgeting",
                "Write a plan",
                "Mentor someone",
                "Plain goal"
            ]
        );
        assert_eq!(goal_lines("2026 is the year"), ["2026 is the year"]);
    }

    #[test]
    fn either_side_marks_a_goal_and_the_mark_survives_a_change_that_keeps_it() {
        let m = with_goals(&active_mentorship(), "- Lead a project\n- Learn budgeting");
        let m = mark(&m, &m.mentor.clone(), 2, GoalStatus::Met).expect("allowed");
        let m = mark(&m, &m.mentee.clone(), 1, GoalStatus::Progressing).expect("allowed");
        let a = m.agreement.as_ref().expect("allowed");
        assert_eq!(
            a.goals().iter().map(Goal::status).collect::<Vec<_>>(),
            [GoalStatus::Progressing, GoalStatus::Met]
        );
        let changed = with_goals(&m, "- Learn budgeting\n- Run a meeting");
        let a = changed.agreement.as_ref().expect("allowed");
        assert_eq!(
            a.goals().iter().map(Goal::status).collect::<Vec<_>>(),
            [GoalStatus::Met, GoalStatus::NotStarted]
        );
        assert_eq!(
            a.goal_tally(),
            GoalTally {
                set: 2,
                progressing: 0,
                met: 1
            }
        );
    }

    #[test]
    fn a_mark_needs_the_version_read_a_goal_that_exists_and_a_member() {
        let m = with_goals(&active_mentorship(), "One\nTwo");
        assert_eq!(
            mark(&m, &m.mentee.clone(), 3, GoalStatus::Met),
            Err(GoalRefused::NoSuchGoal(3))
        );
        assert_eq!(
            mark(&m, &m.mentee.clone(), 0, GoalStatus::Met),
            Err(GoalRefused::NoSuchGoal(0))
        );
        assert_eq!(
            mark(&m, &email("someone.else@mo.gov"), 1, GoalStatus::Met),
            Err(MentorshipRefused::NotInIt.into())
        );
        let stale = m.mark_goal(
            &m.mentee,
            GoalMark {
                version: 7,
                number: 1,
                status: GoalStatus::Met,
                note: None,
            },
            Timestamp::UNIX_EPOCH,
        );
        assert_eq!(stale, Err(MentorshipRefused::AgreementChanged.into()));
        let none = mark(&active_mentorship(), &m.mentee.clone(), 1, GoalStatus::Met);
        assert_eq!(none, Err(MentorshipRefused::NoAgreement.into()));
        let ended = ended_by(&m, &m.mentee);
        assert_eq!(
            mark(&ended, &m.mentee.clone(), 1, GoalStatus::Met),
            Err(MentorshipRefused::Ended.into())
        );
    }

    #[test]
    fn an_ended_mentorship_keeps_how_its_goals_stood() {
        let m = with_goals(&active_mentorship(), "One\nTwo\nThree");
        let m = mark(&m, &m.mentee.clone(), 1, GoalStatus::Met).expect("allowed");
        let ended = ended_by(&m, &m.mentor);
        assert_eq!(
            ended.counted.goals,
            Some(GoalTally {
                set: 3,
                progressing: 0,
                met: 1
            })
        );
        let no_agreement = ended_by(&active_mentorship(), &m.mentor);
        assert_eq!(no_agreement.counted.goals, None);
    }
}
