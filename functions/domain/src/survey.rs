//! The post-mentorship survey, in a mentee and a mentor version.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::application::Role;
use crate::fields::{EmailAddress, LongText};
use crate::form::{Count, FieldErrors, Flag, FormReader, Text};
use crate::mentorship::MentorshipId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GoalsMet {
    Yes,
    Partly,
    No,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cadence {
    Weekly,
    EveryTwoWeeks,
    Monthly,
    LessOften,
    Irregular,
}

/// Most meetings a survey answer can report.
pub const MAX_MEETINGS: u64 = 200;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyAnswers {
    /// 1 (very unsatisfied) to 5 (very satisfied).
    pub satisfaction: u8,
    pub goals_met: GoalsMet,
    pub meetings: u32,
    pub cadence: Cadence,
    pub would_recommend: bool,
    pub went_well: Option<LongText>,
    pub improve: Option<LongText>,
    pub platform_feedback: Option<LongText>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyResponse {
    pub mentorship: MentorshipId,
    pub respondent: EmailAddress,
    /// Which version was answered: the respondent's role in the mentorship.
    pub version: Role,
    pub answers: SurveyAnswers,
    pub submitted_at: Timestamp,
}

/// The survey as sent (both versions; `goals_met` is about the mentee's goals).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SurveyForm {
    /// 1 (very unsatisfied) to 5 (very satisfied).
    #[schema(value_type = u8, minimum = 1, maximum = 5)]
    pub satisfaction: Count,
    /// `yes`, `partly` or `no`.
    #[schema(value_type = String)]
    pub goals_met: Text,
    /// How many times they met, 0 to 200.
    #[schema(value_type = u32, maximum = 200)]
    pub meetings: Count,
    /// `weekly`, `every-two-weeks`, `monthly`, `less-often` or `irregular`.
    #[schema(value_type = String)]
    pub cadence: Text,
    #[schema(value_type = bool)]
    pub would_recommend: Flag,
    #[schema(value_type = String, required = false)]
    pub went_well: Text,
    #[schema(value_type = String, required = false)]
    pub improve: Text,
    #[schema(value_type = String, required = false)]
    pub platform_feedback: Text,
}

impl SurveyAnswers {
    pub fn parse(form: &SurveyForm) -> Result<SurveyAnswers, FieldErrors> {
        let mut f = FormReader::new();
        let satisfaction = f.count(
            "satisfaction",
            &form.satisfaction,
            1..=5,
            "Choose how satisfied you are, from 1 to 5.",
        );
        let goals_met = f.parsed("goals_met", &form.goals_met, |s| match s.trim() {
            "yes" => Ok(GoalsMet::Yes),
            "partly" => Ok(GoalsMet::Partly),
            "no" => Ok(GoalsMet::No),
            _ => Err("Choose yes, partly or no.".to_string()),
        });
        let meetings = f.count(
            "meetings",
            &form.meetings,
            0..=MAX_MEETINGS,
            "Enter how many times you met, from 0 to 200.",
        );
        let cadence = f.parsed("cadence", &form.cadence, |s| match s.trim() {
            "weekly" => Ok(Cadence::Weekly),
            "every-two-weeks" => Ok(Cadence::EveryTwoWeeks),
            "monthly" => Ok(Cadence::Monthly),
            "less-often" => Ok(Cadence::LessOften),
            "irregular" => Ok(Cadence::Irregular),
            _ => Err("Choose how often you usually met.".to_string()),
        });
        let would_recommend = f.answer(
            "would_recommend",
            &form.would_recommend,
            "Say whether you would recommend MOments to a colleague.",
        );
        let went_well = f.optional("went_well", &form.went_well, LongText::parse);
        let improve = f.optional("improve", &form.improve, LongText::parse);
        let platform_feedback = f.optional(
            "platform_feedback",
            &form.platform_feedback,
            LongText::parse,
        );
        let answers = (|| {
            Some(SurveyAnswers {
                satisfaction: u8::try_from(satisfaction?).ok()?,
                goals_met: goals_met?,
                meetings: u32::try_from(meetings?).ok()?,
                cadence: cadence?,
                would_recommend: would_recommend?,
                went_well,
                improve,
                platform_feedback,
            })
        })();
        f.finish(answers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn body(v: Value) -> SurveyForm {
        serde_json::from_value(v).expect("a form reads any object")
    }

    #[test]
    fn a_complete_answer_parses() {
        let a = SurveyAnswers::parse(&body(json!({
            "satisfaction": 4, "goals_met": "partly", "meetings": 9, "cadence": "monthly",
            "would_recommend": true, "went_well": "Regular check-ins.", "improve": "", "platform_feedback": null
        })))
        .expect("valid");
        assert_eq!(
            (a.satisfaction, a.goals_met, a.meetings, a.cadence),
            (4, GoalsMet::Partly, 9, Cadence::Monthly)
        );
        assert_eq!(a.improve, None);
    }

    #[test]
    fn every_bad_field_is_named() {
        let errors = SurveyAnswers::parse(&body(json!({
            "satisfaction": 6, "goals_met": "maybe", "meetings": -1, "cadence": "daily",
            "would_recommend": "yes", "went_well": "<script>x</script>"
        })))
        .expect_err("invalid");
        let fields: Vec<&str> = errors.fields().collect();
        assert_eq!(
            fields,
            [
                "cadence",
                "goals_met",
                "meetings",
                "satisfaction",
                "went_well",
                "would_recommend"
            ]
        );
    }
}
