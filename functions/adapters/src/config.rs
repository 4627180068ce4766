//! Settings read from the environment, once, at start-up. A missing or bad
//! setting stops the function with a message naming it; nothing falls back
//! silently to a default that would misbehave in production.

use moments_domain::fields::{EmailAddress, ProgramDomains};
use secrecy::{ExposeSecret, SecretString};
use sha2::Digest;

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
    /// Administrators' sessions administer only when started through the
    /// state's identity provider (`MOMENTS_ADMINS_USE_PROVIDER`); a session
    /// from an emailed link is then a participant's session.
    pub admins_use_provider: bool,
    /// What CloudFront adds to every request it passes to the API
    /// (`ORIGIN_HEADER`), as a digest: when set, a request without it came
    /// around CloudFront and is refused. Not set locally.
    origin_digest: Option<[u8; 32]>,
}

/// The header CloudFront's API origin carries the origin secret in.
pub const ORIGIN_HEADER: &str = "x-moments-origin";
/// The header CloudFront's viewer-request function puts the viewer's
/// address in; trusted only beside the origin secret.
pub const VIEWER_HEADER: &str = "x-moments-viewer";

/// Shows everything but the origin secret's digest.
impl std::fmt::Debug for ProgramConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProgramConfig")
            .field("base_url", &self.base_url)
            .field("domains", &self.domains)
            .field("program_admins", &self.program_admins)
            .field("admins_use_provider", &self.admins_use_provider)
            .field("behind_cloudfront", &self.behind_cloudfront())
            .finish_non_exhaustive()
    }
}

impl ProgramConfig {
    pub const MIN_SECRET_LEN: usize = 32;

    pub fn new(base_url: &str, domains: &str, program_admins: &str) -> Result<Self, ConfigError> {
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
        Ok(ProgramConfig {
            base_url,
            domains,
            program_admins,
            admins_use_provider: false,
            origin_digest: None,
        })
    }

    /// Requests must carry `secret` in `ORIGIN_HEADER` (CloudFront's).
    pub fn with_origin_secret(mut self, secret: SecretString) -> Result<Self, ConfigError> {
        let secret = secret.expose_secret().as_bytes();
        if secret.len() < Self::MIN_SECRET_LEN {
            return Err(ConfigError {
                name: "MOMENTS_ORIGIN_SECRET",
                problem: format!("must be at least {} characters", Self::MIN_SECRET_LEN),
            });
        }
        self.origin_digest = Some(sha2::Sha256::digest(secret).into());
        Ok(self)
    }

    /// Administrators administer only from sessions started with the
    /// identity provider (`required`); refused without a provider, since
    /// then no administrator could ever administer.
    pub fn with_admins_using_provider(
        mut self,
        required: bool,
        has_provider: bool,
    ) -> Result<Self, ConfigError> {
        if required && !has_provider {
            return Err(ConfigError {
                name: ADMINS_USE_PROVIDER,
                problem: "needs MOMENTS_OIDC_ISSUER: without an identity provider no administrator could sign in".into(),
            });
        }
        self.admins_use_provider = required;
        Ok(self)
    }

    /// Whether requests must come through CloudFront (an origin secret is set).
    pub fn behind_cloudfront(&self) -> bool {
        self.origin_digest.is_some()
    }

    /// Whether `value` of `ORIGIN_HEADER` lets a request in: always without
    /// an origin secret; with one, only that secret. Digests are compared,
    /// so the time taken says nothing about the secret.
    pub fn origin_admits(&self, value: Option<&[u8]>) -> bool {
        match (&self.origin_digest, value) {
            (None, _) => true,
            (Some(ours), Some(v)) => <[u8; 32]>::from(sha2::Sha256::digest(v)) == *ours,
            (Some(_), None) => false,
        }
    }

    pub fn from_env() -> Result<Self, ConfigError> {
        let config = Self::new(
            &var("MOMENTS_BASE_URL")?,
            &var("MOMENTS_EMAIL_DOMAINS")?,
            &std::env::var("MOMENTS_PROGRAM_ADMINS").unwrap_or_default(),
        )?;
        let config = config.with_admins_using_provider(
            admins_use_provider_from_env()?,
            std::env::var("MOMENTS_OIDC_ISSUER").is_ok_and(|i| !i.trim().is_empty()),
        )?;
        match std::env::var("MOMENTS_ORIGIN_SECRET") {
            Ok(secret) if !secret.is_empty() => config.with_origin_secret(secret.into()),
            _ => Ok(config),
        }
    }

    /// The security log's pseudonym of an address: `#` and 12 hex digits
    /// of its SHA-256, keyed with the origin secret's digest where there is
    /// one (in AWS), so hashing a list of the state's addresses does not
    /// reverse it.
    pub fn pseudonym(&self, email: &str) -> String {
        let mut hash = sha2::Sha256::new();
        hash.update(self.origin_digest.unwrap_or_default());
        hash.update(b"|security-log|");
        hash.update(email.trim().to_lowercase().as_bytes());
        let digest = hash.finalize();
        let hex: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
        format!("#{hex}")
    }

    /// Cookies are `Secure` whenever the site is served over https (always in AWS).
    pub fn secure_cookies(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}

const ADMINS_USE_PROVIDER: &str = "MOMENTS_ADMINS_USE_PROVIDER";

/// `MOMENTS_ADMINS_USE_PROVIDER`: `true` or `false` (unset: `false`).
pub fn admins_use_provider_from_env() -> Result<bool, ConfigError> {
    match std::env::var(ADMINS_USE_PROVIDER)
        .unwrap_or_default()
        .trim()
    {
        "" | "false" => Ok(false),
        "true" => Ok(true),
        other => Err(ConfigError {
            name: ADMINS_USE_PROVIDER,
            problem: format!("must be true or false, not {other:?}"),
        }),
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
    /// SES's sending rate, messages a second (`MOMENTS_SES_RATE`, default 14).
    pub per_second: u32,
}

impl MailConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Ok(MailConfig {
            mail_from: var("MOMENTS_MAIL_FROM")?,
            ses_configuration_set: std::env::var("MOMENTS_SES_CONFIGURATION_SET")
                .ok()
                .filter(|s| !s.is_empty()),
            per_second: match std::env::var("MOMENTS_SES_RATE") {
                Err(_) => crate::deps::DEFAULT_MAIL_RATE,
                Ok(raw) => {
                    raw.trim()
                        .parse::<u32>()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or(ConfigError {
                            name: "MOMENTS_SES_RATE",
                            problem: format!("is {raw:?}, not a whole number of messages a second"),
                        })?
                }
            },
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

    #[test]
    fn with_an_origin_secret_only_requests_carrying_it_are_admitted() {
        let open = ProgramConfig::new("https://m.example.gov", "mo.gov", "").expect("config");
        assert!(open.origin_admits(None));
        let guarded = open
            .with_origin_secret("o".repeat(40).into())
            .expect("origin secret");
        assert!(guarded.origin_admits(Some("o".repeat(40).as_bytes())));
        assert!(!guarded.origin_admits(Some(b"guess")));
        assert!(!guarded.origin_admits(None));
        assert!(!format!("{guarded:?}").contains("oooo"));
    }

    #[test]
    fn a_short_origin_secret_is_refused_by_name() {
        let e = ProgramConfig::new("https://m.example.gov", "mo.gov", "")
            .expect("config")
            .with_origin_secret("short".to_string().into())
            .expect_err("too short");
        assert_eq!(e.name, "MOMENTS_ORIGIN_SECRET");
    }
}
