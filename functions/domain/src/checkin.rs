//! Check-ins with pairs that have gone quiet: a pair with no meeting logged
//! for a set number of weeks (a program setting) is asked, once per quiet
//! spell, how it is going, and either side answers with one click: they are
//! meeting and not logging, they need help, or they have finished.
//!
//! A spell is named by the date of the pair's last sign of life (the match,
//! the latest meeting, or the latest "we're meeting" answer), so a check-in
//! is made once for it however often the check runs.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::application::Role;
use crate::calendar::Revision;
use crate::mentorship::MentorshipId;

/// Weeks without a meeting before a pair is asked how it is going, until a
/// program administrator sets another number.
pub const DEFAULT_QUIET_WEEKS: u8 = 4;
/// The numbers of weeks an administrator may choose.
pub const QUIET_WEEKS: std::ops::RangeInclusive<u64> = 1..=26;

/// How long a check-in keeps a quiet pair on the administrators' list: as
/// long as the most weeks a spell can be set to.
pub const LISTED_FOR: jiff::SignedDuration = jiff::SignedDuration::from_hours(26 * 7 * 24);

/// Program settings the team changes without a deploy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgramSettings {
    /// Weeks without a meeting logged before a pair gets a check-in.
    pub quiet_weeks: u8,
}

impl Default for ProgramSettings {
    fn default() -> Self {
        ProgramSettings {
            quiet_weeks: DEFAULT_QUIET_WEEKS,
        }
    }
}

/// The settings with the revision they were saved at; `None` until first saved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredSettings {
    pub settings: ProgramSettings,
    pub revision: Option<Revision>,
}

impl StoredSettings {
    /// The version a change must name: 0 before the first save.
    pub fn version(&self) -> u64 {
        self.revision.as_ref().map_or(0, |r| r.version)
    }
}

/// What a pair answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckInAnswer {
    /// "We're meeting, just not logging it."
    Meeting,
    /// "We need help": the program team is told.
    NeedHelp,
    /// "We've finished": the mentorship ends as completed.
    Finished,
}

impl CheckInAnswer {
    pub fn parse(raw: &str) -> Result<CheckInAnswer, String> {
        match raw.trim() {
            "meeting" => Ok(CheckInAnswer::Meeting),
            "need_help" => Ok(CheckInAnswer::NeedHelp),
            "finished" => Ok(CheckInAnswer::Finished),
            _ => Err("Choose one of the answers: meeting, need_help or finished.".into()),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CheckInAnswer::Meeting => "meeting",
            CheckInAnswer::NeedHelp => "need_help",
            CheckInAnswer::Finished => "finished",
        }
    }

    /// The answer in the pair's words, as the email and page put it.
    pub fn label(self) -> &'static str {
        match self {
            CheckInAnswer::Meeting => "We're meeting, just not logging it",
            CheckInAnswer::NeedHelp => "We need help",
            CheckInAnswer::Finished => "We've finished",
        }
    }
}

/// Who answered a check-in, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answered {
    pub answer: CheckInAnswer,
    /// The side that answered (their role, not their address: a check-in
    /// holds nothing that names a person).
    pub by: Role,
    pub at: Timestamp,
}

/// One check-in with a quiet pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckIn {
    pub mentorship: MentorshipId,
    /// The pair's last sign of life before the quiet spell: names the
    /// check-in.
    pub since: Date,
    pub sent_at: Timestamp,
    pub answered: Option<Answered>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckInRefused {
    #[error("This check-in has already been answered ({0}); nothing was changed.")]
    AlreadyAnswered(&'static str),
}

impl CheckIn {
    /// The check-in answered; a second answer, from either side, is refused.
    pub fn answer(
        &self,
        answer: CheckInAnswer,
        by: Role,
        at: Timestamp,
    ) -> Result<CheckIn, CheckInRefused> {
        if let Some(done) = &self.answered {
            return Err(CheckInRefused::AlreadyAnswered(done.answer.label()));
        }
        Ok(CheckIn {
            answered: Some(Answered { answer, by, at }),
            ..self.clone()
        })
    }

    /// A "we're meeting" answer is a sign of life: the quiet clock starts again.
    pub fn meeting_on(&self) -> Option<Date> {
        self.answered
            .as_ref()
            .filter(|a| a.answer == CheckInAnswer::Meeting)
            .map(|a| utc_date(a.at))
    }
}

pub fn utc_date(at: Timestamp) -> Date {
    jiff::tz::TimeZone::UTC.to_datetime(at).date()
}

/// The pair's last sign of life: the match, the latest meeting logged (by
/// its date), or the latest "we're meeting" answer, whichever is latest.
pub fn last_sign_of_life(
    started_at: Timestamp,
    last_meeting: Option<Date>,
    latest: Option<&CheckIn>,
) -> Date {
    [
        Some(utc_date(started_at)),
        last_meeting,
        latest.and_then(CheckIn::meeting_on),
    ]
    .into_iter()
    .flatten()
    .max()
    .unwrap_or_else(|| utc_date(started_at))
}

/// The day a pair last seen on `since` counts as quiet.
pub fn quiet_on(since: Date, weeks: u8) -> Date {
    since
        .checked_add(jiff::Span::new().days(i64::from(weeks) * 7))
        .unwrap_or(Date::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn at(d: Date) -> Timestamp {
        jiff::tz::TimeZone::UTC
            .to_timestamp(d.at(0, 0, 0, 0))
            .expect("in range")
    }

    fn check_in(since: Date) -> CheckIn {
        CheckIn {
            mentorship: MentorshipId::from_random([7; 16]),
            since,
            sent_at: at(date(2026, 10, 1)),
            answered: None,
        }
    }

    #[test]
    fn the_last_sign_of_life_is_the_latest_of_match_meeting_and_meeting_answer() {
        let started = at(date(2026, 9, 1));
        assert_eq!(last_sign_of_life(started, None, None), date(2026, 9, 1));
        assert_eq!(
            last_sign_of_life(started, Some(date(2026, 9, 20)), None),
            date(2026, 9, 20)
        );
        let asked = check_in(date(2026, 9, 20));
        // An unanswered check-in, or help asked for, is no sign of life.
        assert_eq!(
            last_sign_of_life(started, Some(date(2026, 9, 20)), Some(&asked)),
            date(2026, 9, 20)
        );
        let helped = asked
            .answer(
                CheckInAnswer::NeedHelp,
                Role::Mentee,
                at(date(2026, 10, 20)),
            )
            .expect("answer");
        assert_eq!(
            last_sign_of_life(started, None, Some(&helped)),
            date(2026, 9, 1)
        );
        let meeting = asked
            .answer(CheckInAnswer::Meeting, Role::Mentor, at(date(2026, 10, 20)))
            .expect("answer");
        assert_eq!(
            last_sign_of_life(started, Some(date(2026, 9, 20)), Some(&meeting)),
            date(2026, 10, 20)
        );
        assert_eq!(quiet_on(date(2026, 9, 1), 4), date(2026, 9, 29));
    }

    #[test]
    fn a_check_in_is_answered_once() {
        let asked = check_in(date(2026, 9, 1));
        let done = asked
            .answer(CheckInAnswer::Finished, Role::Mentee, at(date(2026, 10, 2)))
            .expect("first answer");
        assert_eq!(
            done.answer(CheckInAnswer::Meeting, Role::Mentor, at(date(2026, 10, 3))),
            Err(CheckInRefused::AlreadyAnswered("We've finished"))
        );
    }

    #[test]
    fn answers_read_back_and_bad_ones_are_refused() {
        for a in [
            CheckInAnswer::Meeting,
            CheckInAnswer::NeedHelp,
            CheckInAnswer::Finished,
        ] {
            assert_eq!(CheckInAnswer::parse(a.as_str()), Ok(a));
        }
        assert!(CheckInAnswer::parse("maybe").is_err());
    }
}
