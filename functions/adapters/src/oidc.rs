//! Sign-in with the state's identity provider (OpenID Connect), beside the
//! emailed link: the authorization code flow with PKCE, a `state` bound to
//! the browser that started it and a `nonce` bound to the ID token, whose
//! signature and claims (issuer, audience, expiry, nonce) are checked
//! against the provider's published keys by the `openidconnect` crate.
//!
//! The provider's discovery document and keys are fetched when the first
//! sign-in needs them and kept for an hour in the warm function; a token
//! signed with a key not among them makes one fresh fetch (keys rotate).
//! The client secret comes from Secrets Manager in AWS (read with the
//! discovery, so a rotated secret is picked up within the hour) or from the
//! environment locally. docs/security.md says how to register the platform
//! with Microsoft Entra ID.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken,
    EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Mutex;

use crate::config::{ConfigError, var};

/// The path the provider sends the browser back to, on this site.
pub const CALLBACK_PATH: &str = "/api/auth/oidc/callback";

/// How long a started sign-in may take at the provider (typing a password,
/// a second factor) before its `state` is forgotten.
pub const PENDING_LIFETIME: SignedDuration = SignedDuration::from_mins(10);

/// How long the discovery document and keys are used before a new fetch.
const METADATA_KEPT: SignedDuration = SignedDuration::from_hours(1);

/// Where the client secret comes from.
#[derive(Clone)]
pub enum ClientSecretSource {
    /// The value itself (the local platform, tests).
    Value(SecretString),
    /// A Secrets Manager secret's ARN (AWS), whose string is the secret.
    SecretsManager(String),
}

/// The provider's settings (`MOMENTS_OIDC_*`).
#[derive(Clone)]
pub struct OidcSettings {
    /// The issuer, e.g. `https://login.microsoftonline.com/{tenant}/v2.0`.
    pub issuer: String,
    pub client_id: String,
    pub secret: ClientSecretSource,
    /// What the sign-in page calls the provider's accounts ("your state account").
    pub label: String,
}

impl std::fmt::Debug for OidcSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcSettings")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("label", &self.label)
            .finish_non_exhaustive()
    }
}

impl OidcSettings {
    /// The provider's settings, or `None` when `MOMENTS_OIDC_ISSUER` is
    /// unset or empty (sign-in is by emailed link only).
    pub fn from_env() -> Result<Option<Self>, ConfigError> {
        let issuer = std::env::var("MOMENTS_OIDC_ISSUER").unwrap_or_default();
        if issuer.trim().is_empty() {
            return Ok(None);
        }
        let secret = match std::env::var("MOMENTS_OIDC_CLIENT_SECRET_ARN") {
            Ok(arn) if !arn.is_empty() => ClientSecretSource::SecretsManager(arn),
            _ => ClientSecretSource::Value(var("MOMENTS_OIDC_CLIENT_SECRET")?.into()),
        };
        let label = std::env::var("MOMENTS_OIDC_LABEL")
            .ok()
            .filter(|l| !l.trim().is_empty())
            .unwrap_or_else(|| "your state account".into());
        let client_id = var("MOMENTS_OIDC_CLIENT_ID")?.trim().to_string();
        if client_id.is_empty() {
            return Err(ConfigError {
                name: "MOMENTS_OIDC_CLIENT_ID",
                problem: "is empty; the identity provider needs the application's client id".into(),
            });
        }
        let settings = OidcSettings {
            issuer: issuer.trim().to_string(),
            client_id,
            secret,
            label,
        };
        IssuerUrl::new(settings.issuer.clone()).map_err(|e| ConfigError {
            name: "MOMENTS_OIDC_ISSUER",
            problem: e.to_string(),
        })?;
        Ok(Some(settings))
    }
}

/// Why a sign-in through the provider did not give an address.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// The provider (or Secrets Manager) could not be reached or answered
    /// nonsense: try again later.
    #[error("identity provider unavailable: {0}")]
    Unavailable(String),
    /// The provider refused the code, or its ID token failed a check.
    #[error("identity provider's answer refused: {0}")]
    Refused(String),
    /// The ID token is genuine but names no email address.
    #[error("the ID token has no email claim")]
    NoEmail,
}

/// What a started sign-in keeps until the browser comes back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingSignIn {
    pub pkce_verifier: String,
    pub nonce: String,
    pub next: Option<String>,
    pub stay_signed_in: bool,
}

/// A started sign-in: where to send the browser, the `state` it must bring
/// back (kept in a cookie of that browser, and hashed in the table), and
/// what to keep meanwhile.
pub struct Started {
    pub url: String,
    pub state: String,
    pub pending: PendingSignIn,
}

type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

struct Discovered {
    client: Client,
    at: Timestamp,
}

/// The provider, as the `auth` function uses it.
pub struct Oidc {
    settings: OidcSettings,
    redirect: RedirectUrl,
    http: reqwest::Client,
    secrets: Option<aws_sdk_secretsmanager::Client>,
    discovered: Mutex<Option<Arc<Discovered>>>,
}

impl std::fmt::Debug for Oidc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Oidc")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl Oidc {
    /// `base_url` is the site's (the provider must list
    /// `{base_url}/api/auth/oidc/callback` as a redirect URI).
    pub fn new(
        settings: OidcSettings,
        base_url: &str,
        secrets: Option<aws_sdk_secretsmanager::Client>,
    ) -> Result<Oidc, ConfigError> {
        let redirect =
            RedirectUrl::new(format!("{base_url}{CALLBACK_PATH}")).map_err(|e| ConfigError {
                name: "MOMENTS_BASE_URL",
                problem: e.to_string(),
            })?;
        let http = reqwest::Client::builder()
            // A redirect from the provider's endpoints is not followed:
            // following them would let a redirect send our requests anywhere.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(8))
            .build()
            .map_err(|e| ConfigError {
                name: "OIDC HTTP client",
                problem: e.to_string(),
            })?;
        if matches!(settings.secret, ClientSecretSource::SecretsManager(_)) && secrets.is_none() {
            return Err(ConfigError {
                name: "MOMENTS_OIDC_CLIENT_SECRET_ARN",
                problem: "needs a Secrets Manager client".into(),
            });
        }
        Ok(Oidc {
            settings,
            redirect,
            http,
            secrets,
            discovered: Mutex::new(None),
        })
    }

    /// What the sign-in page calls the provider's accounts.
    pub fn label(&self) -> &str {
        &self.settings.label
    }

    async fn secret(&self) -> Result<ClientSecret, OidcError> {
        match (&self.settings.secret, &self.secrets) {
            (ClientSecretSource::Value(v), _) => Ok(ClientSecret::new(v.expose_secret().into())),
            (ClientSecretSource::SecretsManager(arn), Some(sm)) => {
                let out = sm
                    .get_secret_value()
                    .secret_id(arn)
                    .send()
                    .await
                    .map_err(|e| OidcError::Unavailable(format!("client secret: {e}")))?;
                out.secret_string()
                    .map(|s| ClientSecret::new(s.trim().to_string()))
                    .ok_or_else(|| OidcError::Unavailable("client secret is not a string".into()))
            }
            (ClientSecretSource::SecretsManager(_), None) => {
                Err(OidcError::Unavailable("no Secrets Manager client".into()))
            }
        }
    }

    /// The discovered client, fetched again when older than an hour or
    /// when `fresh` is asked for.
    async fn client(&self, now: Timestamp, fresh: bool) -> Result<Arc<Discovered>, OidcError> {
        let mut kept = self.discovered.lock().await;
        if let Some(d) = kept.as_ref()
            && !fresh
            && now.duration_since(d.at) < METADATA_KEPT
        {
            return Ok(Arc::clone(d));
        }
        let issuer = IssuerUrl::new(self.settings.issuer.clone())
            .map_err(|e| OidcError::Unavailable(e.to_string()))?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| OidcError::Unavailable(format!("discovery: {e}")))?;
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.settings.client_id.clone()),
            Some(self.secret().await?),
        )
        .set_redirect_uri(self.redirect.clone());
        let d = Arc::new(Discovered { client, at: now });
        *kept = Some(Arc::clone(&d));
        Ok(d)
    }

    /// Start a sign-in: the provider's address to send the browser to.
    /// `login_hint` pre-fills the address at the provider.
    pub async fn start(
        &self,
        now: Timestamp,
        next: Option<String>,
        stay_signed_in: bool,
        login_hint: Option<&str>,
    ) -> Result<Started, OidcError> {
        let d = self.client(now, false).await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = d
            .client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge);
        if let Some(hint) = login_hint {
            request = request.add_extra_param("login_hint", hint.to_string());
        }
        let (url, state, nonce) = request.url();
        Ok(Started {
            url: url.to_string(),
            state: state.secret().clone(),
            pending: PendingSignIn {
                pkce_verifier: verifier.secret().clone(),
                nonce: nonce.secret().clone(),
                next,
                stay_signed_in,
            },
        })
    }

    /// Finish a sign-in: exchange the code (with the PKCE verifier), check
    /// the ID token, and give the `email` claim as the provider wrote it.
    pub async fn finish(
        &self,
        now: Timestamp,
        code: &str,
        pending: &PendingSignIn,
    ) -> Result<String, OidcError> {
        let d = self.client(now, false).await?;
        let response = d
            .client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|e| OidcError::Unavailable(format!("no token endpoint: {e}")))?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(|e| OidcError::Refused(format!("code exchange: {e}")))?;
        let token = response
            .id_token()
            .ok_or_else(|| OidcError::Refused("no ID token in the answer".into()))?;
        let nonce = Nonce::new(pending.nonce.clone());
        let claims = match token.claims(&d.client.id_token_verifier(), &nonce) {
            Ok(claims) => claims.clone(),
            // Signed with a key published after we fetched the keys.
            Err(ClaimsVerificationError::SignatureVerification(_)) => {
                let fresh = self.client(now, true).await?;
                token
                    .claims(&fresh.client.id_token_verifier(), &nonce)
                    .map_err(|e| OidcError::Refused(format!("ID token: {e}")))?
                    .clone()
            }
            Err(e) => return Err(OidcError::Refused(format!("ID token: {e}"))),
        };
        claims
            .email()
            .map(|e| e.as_str().to_string())
            .ok_or(OidcError::NoEmail)
    }
}
