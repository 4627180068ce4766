//! The post-mentorship survey, in a mentee and a mentor version.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::application::{FieldErrors, FormReader, Role};
use crate::fields::{EmailAddress, LongText};
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

fn integer(
    f: &mut FormReader<'_>,
    body: &Map<String, Value>,
    field: &str,
    range: std::ops::RangeInclusive<u64>,
    message: &str,
) -> Option<u64> {
    match body.get(field) {
        Some(Value::Number(n)) => match n.as_u64() {
            Some(v) if range.contains(&v) => Some(v),
            _ => {
                f.errors.add(field, message);
                None
            }
        },
        _ => {
            f.errors.add(field, message);
            None
        }
    }
}

impl SurveyAnswers {
    pub fn parse(body: &Map<String, Value>) -> Result<SurveyAnswers, FieldErrors> {
        let mut f = FormReader::new(body);
        let satisfaction = integer(
            &mut f,
            body,
            "satisfaction",
            1..=5,
            "Choose how satisfied you are, from 1 to 5.",
        );
        let goals_met = f.parsed("goals_met", |s| match s.trim() {
            "yes" => Ok(GoalsMet::Yes),
            "partly" => Ok(GoalsMet::Partly),
            "no" => Ok(GoalsMet::No),
            _ => Err("Choose yes, partly or no.".to_string()),
        });
        let meetings = integer(
            &mut f,
            body,
            "meetings",
            0..=MAX_MEETINGS,
            "Enter how many times you met, from 0 to 200.",
        );
        let cadence = f.parsed("cadence", |s| match s.trim() {
            "weekly" => Ok(Cadence::Weekly),
            "every-two-weeks" => Ok(Cadence::EveryTwoWeeks),
            "monthly" => Ok(Cadence::Monthly),
            "less-often" => Ok(Cadence::LessOften),
            "irregular" => Ok(Cadence::Irregular),
            _ => Err("Choose how often you usually met.".to_string()),
        });
        let would_recommend = match body.get("would_recommend") {
            Some(Value::Bool(b)) => Some(*b),
            _ => {
                f.errors.add(
                    "would_recommend",
                    "Say whether you would recommend MOments to a colleague.",
                );
                None
            }
        };
        let went_well = f.optional("went_well", LongText::parse);
        let improve = f.optional("improve", LongText::parse);
        let platform_feedback = f.optional("platform_feedback", LongText::parse);
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
    use serde_json::json;

    fn body(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
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
