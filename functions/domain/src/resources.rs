//! Named links the program team keeps for each audience (the LinkedIn
//! Learning paths, the ESS portal with the steps to record training, the
//! Leadership Development Rule, Talent Development), shown on the resources
//! pages and in the emails that start each role's part, without a deploy.

use serde::{Deserialize, Serialize};

use crate::calendar::Revision;
use crate::fields::{Lines, Problem, text_type};

/// Who a link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Mentees,
    Mentors,
    Supervisors,
}

impl Audience {
    pub const ALL: [Audience; 3] = [Audience::Mentees, Audience::Mentors, Audience::Supervisors];

    pub fn parse(raw: &str) -> Result<Audience, Problem> {
        match raw.trim() {
            "mentees" => Ok(Audience::Mentees),
            "mentors" => Ok(Audience::Mentors),
            "supervisors" => Ok(Audience::Supervisors),
            _ => Err("Choose who the link is for: mentees, mentors or supervisors.".into()),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Mentees => "mentees",
            Audience::Mentors => "mentors",
            Audience::Supervisors => "supervisors",
        }
    }
}

text_type!(
    /// A link's name, as people read it: "Mentoring learning path".
    LinkTitle, "the link's name", 100, Lines::One);
text_type!(
    /// A line under a link: what it is for, or the steps to take there.
    LinkNote, "the note", 300, Lines::One);

/// A link's address: `https`, on a named host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LinkUrl(String);

impl LinkUrl {
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        crate::calendar::https_address(raw, "the page's web address").map(LinkUrl)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
impl TryFrom<String> for LinkUrl {
    type Error = Problem;
    fn try_from(s: String) -> Result<Self, Problem> {
        LinkUrl::parse(&s)
    }
}
impl From<LinkUrl> for String {
    fn from(v: LinkUrl) -> String {
        v.0
    }
}

/// One link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceLink {
    /// Random, so removing one names it.
    pub id: String,
    pub audience: Audience,
    pub title: LinkTitle,
    pub url: LinkUrl,
    pub note: Option<LinkNote>,
}

/// Most links the team keeps: the pages and emails stay readable.
pub const MOST_LINKS: usize = 40;

/// The links with the revision they were saved at.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredLinks {
    pub links: Vec<ResourceLink>,
    pub revision: Option<Revision>,
}

impl StoredLinks {
    /// The version a change must name: 0 before the first save.
    pub fn version(&self) -> u64 {
        self.revision.as_ref().map_or(0, |r| r.version)
    }

    /// The links for `audience`, in the order they were added.
    pub fn for_audience(&self, audience: Audience) -> Vec<&ResourceLink> {
        self.links
            .iter()
            .filter(|l| l.audience == audience)
            .collect()
    }
}

/// The links of an email, under a heading; nothing when there are none.
pub fn email_block(links: &[&ResourceLink]) -> String {
    if links.is_empty() {
        return String::new();
    }
    let mut out = String::from("\nLinks the program team keeps for you:\n");
    for l in links {
        out.push_str(&format!("\n{}: {}\n", l.title, l.url.as_str()));
        if let Some(note) = &l.note {
            out.push_str(&format!("  {note}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_addresses_on_a_named_host_are_links() {
        assert!(LinkUrl::parse("https://www.linkedin.com/learning/paths/mentoring").is_ok());
        for bad in [
            "http://example.com/",
            "javascript:alert(1)",
            "https://localhost/",
            "ess portal",
            "",
        ] {
            assert!(LinkUrl::parse(bad).is_err(), "{bad}");
        }
        assert!(LinkTitle::parse("<script>x</script>").is_err());
        assert_eq!(Audience::parse("mentors"), Ok(Audience::Mentors));
        assert!(Audience::parse("everyone").is_err());
    }
}
