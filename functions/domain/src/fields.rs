//! Values that parse at the edge. Once one exists it is valid; nothing
//! downstream checks it again. Stored values are read back through the same
//! parsers (`serde(try_from)`), so a hand-edited record cannot smuggle in
//! something the forms would refuse.

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

use crate::catalogue::{Entry, Skill};
use crate::kept::is_list_id;
use crate::skills::StoredSkills;

/// Why a value was refused, in words a person filling the form understands.
pub type Problem = String;

/// An email address: ASCII, one `@`, a dotted domain. Deliberately stricter
/// than RFC 5322: these are work addresses.
///
/// It is kept in its canonical form, the one every comparison, limit and key
/// uses: lower-cased, and without a sub-address tag. Exchange Online and
/// Gmail deliver `dee+boss@mo.gov` to `dee@mo.gov`'s mailbox, so the two are
/// one person: whoever writes the first gets the second.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        let s = raw.trim().to_ascii_lowercase();
        let bad = || Err("Enter an email address like name@mo.gov.".to_string());
        if s.is_empty() {
            return Err("Enter an email address.".into());
        }
        if s.len() > 254 {
            return Err("That email address is too long.".into());
        }
        let Some((local, domain)) = s.split_once('@') else {
            return bad();
        };
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._%+-'".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        // The tag goes: what is left must still be a mailbox.
        let mailbox = local.split('+').next().unwrap_or_default();
        if local_ok && domain_ok && !mailbox.is_empty() && !mailbox.ends_with('.') {
            Ok(EmailAddress(format!("{mailbox}@{domain}")))
        } else {
            bad()
        }
    }

    /// Whether `raw` was written with a sub-address tag, which `parse` removed.
    pub fn had_tag(raw: &str) -> bool {
        raw.split('@')
            .next()
            .is_some_and(|local| local.contains('+'))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn domain(&self) -> &str {
        self.0.rsplit('@').next().unwrap_or_default()
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = Problem;
    fn try_from(s: String) -> Result<Self, Problem> {
        EmailAddress::parse(&s)
    }
}
impl From<EmailAddress> for String {
    fn from(e: EmailAddress) -> String {
        e.0
    }
}
impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The email domains of the program (e.g. `mo.gov`). Only their addresses may
/// sign in, apply, or be named as a supervisor; subdomains count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramDomains(Vec<String>);

impl ProgramDomains {
    pub fn parse(list: &str) -> Result<Self, Problem> {
        let domains: Vec<String> = list
            .split(',')
            .map(|d| d.trim().trim_start_matches('@').to_ascii_lowercase())
            .filter(|d| !d.is_empty())
            .collect();
        if domains.is_empty() {
            return Err("at least one email domain is required".into());
        }
        Ok(ProgramDomains(domains))
    }

    pub fn admits(&self, email: &EmailAddress) -> bool {
        let domain = email.domain();
        self.0
            .iter()
            .any(|d| domain == d || domain.ends_with(&format!(".{d}")))
    }

    /// Parse an address and insist it belongs to the program.
    pub fn work_email(&self, raw: &str) -> Result<EmailAddress, Problem> {
        let email = EmailAddress::parse(raw)?;
        if self.admits(&email) {
            Ok(email)
        } else {
            Err(format!(
                "Use your work email address ({}).",
                self.describe()
            ))
        }
    }

    pub fn describe(&self) -> String {
        self.0
            .iter()
            .map(|d| format!("@{d}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Markup in free text is refused rather than stored: it would never render
/// (every page shows text as text), so a person who typed it should know.
fn looks_like_markup(s: &str) -> bool {
    let b = s.as_bytes();
    b.windows(2).any(|w| {
        w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!' || w[1] == b'?')
    })
}

/// Whether a text is written on one line (names, titles, places) or may
/// run over several (bio, goals, notes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lines {
    One,
    Many,
}

/// Characters that change how the text around them is shown without being
/// seen themselves: text-direction overrides can make `gro.live` read as
/// `evil.org`.
fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A web or email address in `s` ("evil.example", "https://…", "a@b.gov"),
/// as a mail client would turn it into a link.
fn address_in(s: &str) -> Option<String> {
    let mut finder = linkify::LinkFinder::new();
    finder.url_must_have_scheme(false);
    finder.links(s).next().map(|l| l.as_str().to_string())
}

pub(crate) fn check_text(
    raw: &str,
    what: &str,
    max: usize,
    lines: Lines,
) -> Result<String, Problem> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(format!("Enter {what}."));
    }
    let n = s.chars().count();
    if n > max {
        return Err(format!(
            "Keep {what} to {max} characters or fewer (now {n})."
        ));
    }
    let multiline = lines == Lines::Many;
    if s.chars()
        .any(|c| c.is_control() && !(multiline && (c == '\n' || c == '\r' || c == '\t')))
    {
        return Err(format!("Remove the special characters from {what}."));
    }
    let invisible = |c: char| match lines {
        Lines::One => c.general_category() == GeneralCategory::Format,
        Lines::Many => is_direction_control(c),
    };
    if s.chars().any(invisible) {
        return Err(format!(
            "Remove the invisible formatting characters (such as zero-width spaces or \
             text-direction marks) from {what}."
        ));
    }
    if looks_like_markup(s) {
        return Err(format!(
            "Write {what} as plain text, without HTML tags such as <b> or <script>."
        ));
    }
    if lines == Lines::One
        && let Some(address) = address_in(s)
    {
        return Err(format!(
            "Remove the web or email address from {what} (\"{address}\"); if it is not \
             meant as one, put a space after the period."
        ));
    }
    Ok(s.to_string())
}

macro_rules! text_type {
    ($(#[$doc:meta])* $name:ident, $what:literal, $max:expr, $lines:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub const MAX_CHARS: usize = $max;
            pub fn parse(raw: &str) -> Result<Self, Problem> {
                $crate::fields::check_text(raw, $what, $max, $lines).map($name)
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl TryFrom<String> for $name {
            type Error = Problem;
            fn try_from(s: String) -> Result<Self, Problem> {
                $name::parse(&s)
            }
        }
        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}
pub(crate) use text_type;

text_type!(
    /// A first or last name.
    PersonName, "a name", 60, Lines::One);
text_type!(
    /// A job title.
    JobTitle, "a job title", 100, Lines::One);
text_type!(
    /// Where someone works: a city, building or office.
    WorkLocation, "a work location", 100, Lines::One);
text_type!(
    /// The short bio on an application.
    Bio, "a short bio", 1500, Lines::Many);
text_type!(
    /// What a mentee hopes to achieve.
    Goals, "your goals", 1500, Lines::Many);
text_type!(
    /// A short note: a mentee's message with a request, a mentor's reason for declining.
    Note,
    "the note",
    500,
    Lines::Many
);
text_type!(
    /// A longer answer: agreement sections, survey comments, why a mentorship ended.
    LongText,
    "this answer",
    2000,
    Lines::Many
);
impl LongText {
    /// What stands in for an answer whose writer had their data removed.
    pub fn erased() -> LongText {
        LongText("Removed at the writer's request.".to_string())
    }
}

text_type!(
    /// A supervisor's note to the applicant with a decision.
    DecisionMessage, "the message", 2000, Lines::Many);

/// A calendar date written `YYYY-MM-DD`, as HTML date inputs send it.
pub fn parse_date(raw: &str) -> Result<jiff::civil::Date, Problem> {
    let s = raw.trim();
    if s.is_empty() {
        return Err("Enter a date.".into());
    }
    s.parse::<jiff::civil::Date>()
        .map_err(|_| "Enter the date as YYYY-MM-DD, for example 2026-03-14.".to_string())
}

/// A phone number as people write them: digits with the usual separators,
/// 7 to 15 digits, an optional extension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        let s = raw.trim();
        let (number, ext) = match s.to_ascii_lowercase().find(['x', 'e']) {
            Some(i) => (&s[..i], Some(&s[i..])),
            None => (s, None),
        };
        let digits = number.chars().filter(char::is_ascii_digit).count();
        let number_ok = number
            .chars()
            .all(|c| c.is_ascii_digit() || " ()+-.".contains(c));
        let ext_ok = ext.is_none_or(|e| {
            let e = e.to_ascii_lowercase();
            let rest = e
                .trim_start_matches("ext.")
                .trim_start_matches("ext")
                .trim_start_matches('x')
                .trim();
            !rest.is_empty() && rest.len() <= 6 && rest.chars().all(|c| c.is_ascii_digit())
        });
        if number_ok && ext_ok && (7..=15).contains(&digits) && s.len() <= 30 {
            Ok(Phone(s.to_string()))
        } else {
            Err("Enter a phone number like 573-555-0100, or leave it empty.".into())
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
impl TryFrom<String> for Phone {
    type Error = Problem;
    fn try_from(s: String) -> Result<Self, Problem> {
        Phone::parse(&s)
    }
}
impl From<Phone> for String {
    fn from(v: Phone) -> String {
        v.0
    }
}

impl From<WorkingHours> for Entry {
    fn from(h: WorkingHours) -> Entry {
        Entry {
            id: h.id().to_string(),
            name: h.name().to_string(),
        }
    }
}

/// A department's id. Checked for its shape only: whether it is in the
/// program's list, and open, is the list's to say
/// ([`crate::departments::StoredDepartments`]), since the list changes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DepartmentId(String);

impl DepartmentId {
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        let id = raw.trim();
        if id.is_empty() {
            return Err("Choose your department.".into());
        }
        if is_list_id(id) {
            Ok(DepartmentId(id.to_string()))
        } else {
            Err("Choose a department from the list.".into())
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
impl TryFrom<String> for DepartmentId {
    type Error = Problem;
    fn try_from(s: String) -> Result<Self, Problem> {
        DepartmentId::parse(&s)
    }
}
impl From<DepartmentId> for String {
    fn from(v: DepartmentId) -> String {
        v.0
    }
}

/// A division's id within its department, checked for its shape only.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DivisionId(String);

impl DivisionId {
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        let id = raw.trim();
        if is_list_id(id) {
            Ok(DivisionId(id.to_string()))
        } else {
            Err("Choose a division from the list.".into())
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
impl TryFrom<String> for DivisionId {
    type Error = Problem;
    fn try_from(s: String) -> Result<Self, Problem> {
        DivisionId::parse(&s)
    }
}
impl From<DivisionId> for String {
    fn from(v: DivisionId) -> String {
        v.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WorkingHours {
    Daytime,
    Evening,
    Overnight,
}

impl WorkingHours {
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        match raw.trim() {
            "daytime" => Ok(Self::Daytime),
            "evening" => Ok(Self::Evening),
            "overnight" => Ok(Self::Overnight),
            "" => Err("Choose your working hours.".into()),
            _ => Err("Choose Daytime, Evening or Overnight.".into()),
        }
    }
    pub fn id(self) -> &'static str {
        match self {
            Self::Daytime => "daytime",
            Self::Evening => "evening",
            Self::Overnight => "overnight",
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Self::Daytime => "Daytime",
            Self::Evening => "Evening",
            Self::Overnight => "Overnight",
        }
    }
}

/// Skills ranked most important first: 3 to 6 different catalogue skills,
/// career and soft together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<String>", into = "Vec<String>")]
pub struct SkillRanking(Vec<String>);

impl SkillRanking {
    pub const MIN: usize = 3;
    pub const MAX: usize = 6;

    /// Parse the skills a form sends, against the program's list as it is
    /// now: each must be one people can choose.
    pub fn parse<S: AsRef<str>>(raw: &[S], list: &StoredSkills) -> Result<Self, Problem> {
        // Empty rank slots of the form arrive as empty strings.
        let ids: Vec<&str> = raw
            .iter()
            .map(|s| s.as_ref().trim())
            .filter(|s| !s.is_empty())
            .collect();
        if let Some(problem) = ids.iter().find_map(|id| list.choosable(id).err()) {
            return Err(problem);
        }
        let mut seen = HashSet::new();
        if let Some(dup) = ids.iter().find(|id| !seen.insert(**id)) {
            let name = list.skill(dup).map(|s| s.name).unwrap_or_default();
            return Err(format!(
                "{name} is chosen twice; each skill can appear once."
            ));
        }
        Self::counted(&ids)?;
        Ok(SkillRanking(ids.into_iter().map(str::to_string).collect()))
    }

    fn counted(ids: &[&str]) -> Result<(), Problem> {
        if ids.len() < Self::MIN {
            return Err(format!(
                "Choose at least {} skills (you chose {}).",
                Self::MIN,
                ids.len()
            ));
        }
        if ids.len() > Self::MAX {
            return Err(format!(
                "Choose at most {} skills (you chose {}).",
                Self::MAX,
                ids.len()
            ));
        }
        Ok(())
    }

    /// A ranking read back from storage: its shape is checked (3 to 6
    /// different, well-formed ids), not the list, whose skills may have
    /// been retired since.
    fn stored(raw: Vec<String>) -> Result<Self, Problem> {
        let ids: Vec<&str> = raw.iter().map(String::as_str).collect();
        Self::counted(&ids)?;
        let mut seen = HashSet::new();
        match ids.iter().find(|id| !is_list_id(id) || !seen.insert(**id)) {
            Some(bad) => Err(format!("\"{bad}\" cannot be a skill here")),
            None => Ok(SkillRanking(raw)),
        }
    }

    pub fn ids(&self) -> &[String] {
        &self.0
    }

    /// The skills with their names in `list`, in rank order.
    pub fn skills(&self, list: &StoredSkills) -> Vec<Skill> {
        self.0.iter().filter_map(|id| list.skill(id)).collect()
    }
}
impl TryFrom<Vec<String>> for SkillRanking {
    type Error = Problem;
    fn try_from(v: Vec<String>) -> Result<Self, Problem> {
        SkillRanking::stored(v)
    }
}
impl From<SkillRanking> for Vec<String> {
    fn from(v: SkillRanking) -> Vec<String> {
        v.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limits_the_forms_count_down_to_are_the_ones_the_api_enforces() {
        let site: std::collections::BTreeMap<String, usize> =
            toml::from_str(include_str!("../../../site/data/limits.toml")).expect("limits.toml");
        let ours = std::collections::BTreeMap::from([
            ("name".to_string(), PersonName::MAX_CHARS),
            ("job_title".to_string(), JobTitle::MAX_CHARS),
            ("work_location".to_string(), WorkLocation::MAX_CHARS),
            ("bio".to_string(), Bio::MAX_CHARS),
            ("goals".to_string(), Goals::MAX_CHARS),
            ("note".to_string(), Note::MAX_CHARS),
            ("long_text".to_string(), LongText::MAX_CHARS),
            ("decision_message".to_string(), DecisionMessage::MAX_CHARS),
            (
                "skill_name".to_string(),
                crate::skills::SkillName::MAX_CHARS,
            ),
            (
                "department_name".to_string(),
                crate::departments::DepartmentName::MAX_CHARS,
            ),
        ]);
        assert_eq!(
            crate::departments::DivisionName::MAX_CHARS,
            crate::departments::DepartmentName::MAX_CHARS,
            "one limit serves both forms"
        );
        assert_eq!(site, ours, "site/data/limits.toml and the text types agree");
    }

    #[test]
    fn emails_are_lowercased_and_checked() {
        assert_eq!(
            EmailAddress::parse(" Ada.Lovelace@MO.gov ").map(String::from),
            Ok("ada.lovelace@mo.gov".to_string())
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@mo.gov",
            "ada@mo",
            "a b@mo.gov",
            "ada@mo..gov",
            "<x>@mo.gov",
            "ada@-mo.gov",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn an_address_and_its_tagged_aliases_are_one_person() {
        for alias in [
            "dee@mo.gov",
            "dee+boss@mo.gov",
            "Dee+Boss+2@MO.gov",
            " DEE@mo.gov",
        ] {
            assert_eq!(
                EmailAddress::parse(alias).map(String::from),
                Ok("dee@mo.gov".to_string()),
                "{alias}"
            );
        }
        assert!(EmailAddress::had_tag("dee+boss@mo.gov"));
        assert!(!EmailAddress::had_tag("dee@mo.gov"));
        for bad in ["+boss@mo.gov", "dee.+boss@mo.gov"] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn one_line_fields_refuse_addresses_and_invisible_characters() {
        for bad in [
            "Please log in at https://evil.example/sso",
            "evil.example",
            "see www.evil.com",
            "write to help@evil.example",
            "Ada\u{200B}Lovelace",
            "Ada\u{202E}ecalevoL",
            "\u{FEFF}Ada",
        ] {
            assert!(JobTitle::parse(bad).is_err(), "{bad:?} accepted");
            assert!(PersonName::parse(bad).is_err(), "{bad:?} accepted");
        }
        let told = WorkLocation::parse("St.Louis").expect_err("a host name to a link finder");
        assert!(told.contains("space after the period"), "{told}");
        for ok in [
            "St. Louis",
            "301 W. High St., Jefferson City",
            "Ph.D. Analyst",
            "O'Brien",
            "Mary-Jane",
            "José Ñúñez",
        ] {
            assert!(WorkLocation::parse(ok).is_ok(), "{ok} refused");
        }
        // Longer texts may hold links and emoji joiners, but not direction overrides.
        assert!(Bio::parse("I wrote https://mo.gov/guide and 👩\u{200D}💻").is_ok());
        assert!(Bio::parse("abc \u{202E}fed").is_err());
    }

    #[test]
    fn program_domains_admit_subdomains_only_of_their_own() {
        let d = ProgramDomains::parse("mo.gov, @example.org").expect("domains");
        assert!(d.work_email("a@mo.gov").is_ok());
        assert!(d.work_email("a@dor.mo.gov").is_ok());
        assert!(d.work_email("a@evilmo.gov").is_err());
        assert!(d.work_email("a@gmail.com").is_err());
        assert!(ProgramDomains::parse(" , ").is_err());
    }

    #[test]
    fn markup_in_free_text_is_refused_but_comparisons_are_fine() {
        assert!(Bio::parse("I like <script>alert(1)</script>").is_err());
        assert!(Bio::parse("<b>bold</b>").is_err());
        assert!(Bio::parse("x < y and 3 <5").is_ok());
        assert!(Bio::parse(&"a".repeat(Bio::MAX_CHARS + 1)).is_err());
        assert!(Bio::parse("line one\nline two").is_ok());
        assert!(PersonName::parse("Ada\nLovelace").is_err());
        assert!(PersonName::parse("   ").is_err());
    }

    #[test]
    fn phones_accept_common_forms() {
        for ok in [
            "573-555-0100",
            "(573) 555-0100",
            "+1 573 555 0100",
            "573.555.0100 x123",
            "5735550100 ext. 12",
        ] {
            assert!(Phone::parse(ok).is_ok(), "{ok} refused");
        }
        for bad in ["12", "call me", "573-555-0100 x", "1234567890123456"] {
            assert!(Phone::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn skill_ranking_needs_three_to_six_distinct_known_skills() {
        let list = StoredSkills::seed();
        let parse = |ids: &[&str]| SkillRanking::parse(ids, &list);
        let ok = parse(&["leadership", "budgeting", "", "teamwork"]).expect("valid");
        assert_eq!(ok.ids(), ["leadership", "budgeting", "teamwork"]);
        assert!(parse(&["leadership", "budgeting"]).is_err());
        assert!(parse(&["leadership", "budgeting", "leadership"]).is_err());
        assert!(parse(&["leadership", "budgeting", "juggling"]).is_err());
        let seven: Vec<&str> = list.open_ids().take(7).collect();
        assert!(parse(&seven).is_err());
    }

    #[test]
    fn a_stored_ranking_keeps_a_skill_retired_since_but_a_form_cannot_choose_it() {
        let mut list = StoredSkills::seed();
        list.change("budgeting", None, Some(true), None)
            .expect("retired");
        let chosen = ["budgeting", "leadership", "teamwork"];
        let refused = SkillRanking::parse(&chosen, &list).expect_err("retired");
        assert!(refused.contains("no longer"), "{refused}");
        let stored: SkillRanking =
            serde_json::from_value(serde_json::json!(chosen)).expect("read back");
        assert_eq!(
            stored.skills(&list)[0].name,
            "Budgeting and fiscal management"
        );
        let bad = serde_json::from_value::<SkillRanking>(serde_json::json!(["a", "b", "B c"]));
        assert!(bad.is_err());
    }
}
