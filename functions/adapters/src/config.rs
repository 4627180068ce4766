//! Settings read from the environment, once, at start-up. A missing or bad
//! setting stops the function with a message naming it; nothing falls back
//! silently to a default that would misbehave in production.

use axum_extra::extract::cookie::Key;
use moments_domain::fields::{EmailAddress, ProgramDomains};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha512};

#[derive(Debug, thiserror::Error)]
#[error("{name}: {problem}")]
pub struct ConfigError {
    pub name: &'static str,
    pub problem: String,
}

pub(crate) fn var(name: &'static str) -> Result<String, ConfigError> {
    std::env::var(name).map_err(|_| ConfigError {
        name,
        problem: "is not set".into(),
    })
}

/// What every HTTP function needs to know about the program.
#[derive(Clone)]
pub struct ProgramConfig {
    /// The site's address, e.g. `https://moments.mo.gov`; links in emails start with it.
    pub base_url: String,
    pub domains: ProgramDomains,
    /// The first program administrators (more are kept in the table later).
    pub program_admins: Vec<EmailAddress>,
    /// The key session cookies are signed with, derived from the secret,
    /// which is not kept.
    session_key: Key,
}

/// Shows everything but the key.
impl std::fmt::Debug for ProgramConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProgramConfig")
            .field("base_url", &self.base_url)
            .field("domains", &self.domains)
            .field("program_admins", &self.program_admins)
            .finish_non_exhaustive()
    }
}

impl ProgramConfig {
    pub const MIN_SECRET_LEN: usize = 32;

    pub fn new(
        base_url: &str,
        domains: &str,
        program_admins: &str,
        session_secret: SecretString,
    ) -> Result<Self, ConfigError> {
        let base_url = base_url.trim().trim_end_matches('/').to_string();
        if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
            return Err(ConfigError {
                name: "MOMENTS_BASE_URL",
                problem: "must start with https:// (or http:// locally)".into(),
            });
        }
        let domains = ProgramDomains::parse(domains).map_err(|problem| ConfigError {
            name: "MOMENTS_EMAIL_DOMAINS",
            problem,
        })?;
        let program_admins = program_admins
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                EmailAddress::parse(s).map_err(|p| ConfigError {
                    name: "MOMENTS_PROGRAM_ADMINS",
                    problem: format!("{s:?}: {p}"),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let secret = session_secret.expose_secret().as_bytes();
        if secret.len() < Self::MIN_SECRET_LEN {
            return Err(ConfigError {
                name: "MOMENTS_SESSION_SECRET",
                problem: format!("must be at least {} characters", Self::MIN_SECRET_LEN),
            });
        }
        // Stretched so that any long enough secret gives a full-strength
        // 512-bit key; the secret itself is wiped when it drops here.
        let session_key = Key::from(&Sha512::digest(secret)[..]);
        Ok(ProgramConfig {
            base_url,
            domains,
            program_admins,
            session_key,
        })
    }

    pub fn session_key(&self) -> &Key {
        &self.session_key
    }

    pub fn from_env() -> Result<Self, ConfigError> {
        Self::new(
            &var("MOMENTS_BASE_URL")?,
            &var("MOMENTS_EMAIL_DOMAINS")?,
            &std::env::var("MOMENTS_PROGRAM_ADMINS").unwrap_or_default(),
            var("MOMENTS_SESSION_SECRET")?.into(),
        )
    }

    /// Cookies are `Secure` whenever the site is served over https (always in AWS).
    pub fn secure_cookies(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}

/// The table every function uses.
pub fn table_name_from_env() -> Result<String, ConfigError> {
    var("MOMENTS_TABLE")
}

/// How email is sent (functions that send it only).
#[derive(Debug, Clone)]
pub struct MailConfig {
    pub mail_from: String,
    pub ses_configuration_set: Option<String>,
}

impl MailConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Ok(MailConfig {
            mail_from: var("MOMENTS_MAIL_FROM")?,
            ses_configuration_set: std::env::var("MOMENTS_SES_CONFIGURATION_SET")
                .ok()
                .filter(|s| !s.is_empty()),
        })
    }
}

/// Where one-time reminder jobs go (functions that create them only).
pub fn job_target_from_env() -> Result<crate::scheduler::eventbridge::JobTarget, ConfigError> {
    Ok(crate::scheduler::eventbridge::JobTarget {
        group: var("MOMENTS_SCHEDULE_GROUP")?,
        function_arn: var("MOMENTS_REMINDERS_ARN")?,
        role_arn: var("MOMENTS_SCHEDULER_ROLE_ARN")?,
        dead_letter_arn: var("MOMENTS_SCHEDULER_DLQ_ARN")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "a-secret-that-must-never-be-printed-anywhere";

    #[test]
    fn the_settings_never_print_the_session_secret_or_its_key() {
        let config = ProgramConfig::new("https://m.example.gov", "mo.gov", "", SECRET.into())
            .expect("config");
        let printed = format!("{config:?}");
        assert!(printed.contains("m.example.gov"), "{printed}");
        assert!(!printed.contains(SECRET), "{printed}");
        assert!(!printed.contains("session_key"), "{printed}");
    }

    #[test]
    fn a_short_session_secret_is_refused_by_name() {
        let e = ProgramConfig::new("https://m.example.gov", "mo.gov", "", "short".into())
            .expect_err("too short");
        assert_eq!(e.name, "MOMENTS_SESSION_SECRET");
    }

    #[test]
    fn the_same_secret_gives_the_same_key_and_another_another() {
        let key = |s: &str| {
            ProgramConfig::new("https://m.example.gov", "mo.gov", "", s.to_string().into())
                .expect("config")
                .session_key()
                .master()
                .to_vec()
        };
        assert_eq!(key(SECRET), key(SECRET));
        assert_ne!(key(SECRET), key(&SECRET.replace('a', "b")));
    }
}
