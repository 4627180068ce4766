//! Links that sign a person in: the one they ask for on the sign-in page,
//! and the task links in mail that asks them to act (a supervisor's review,
//! a mentor's request).
//!
//! Either carries a random 256-bit token, kept only as its SHA-256 hash and
//! good for one use. The token rides in the URL's fragment, which browsers
//! never send to a server, so it stays out of access logs and referrers.
//! The page the link opens says whom it signs in and for what, and signs in
//! only when the person presses its button (mail scanners open links).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::SignedDuration;
use moments_domain::fields::EmailAddress;
use moments_domain::notify::TaskLink;
use moments_domain::signin::{TASK_LINK_LIFETIME, TOKEN_BYTES};
use sha2::{Digest, Sha256};

use super::{ApiError, ResultExt, random_bytes};
use crate::deps::Deps;
use crate::store::SignInGrant;

/// The table's name for a sign-in token: its hex SHA-256.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.trim().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Deps {
    /// A new one-use link granting `grant` for `lifetime`.
    pub async fn sign_in_link(
        &self,
        grant: &SignInGrant,
        lifetime: SignedDuration,
    ) -> Result<String, ApiError> {
        let token = URL_SAFE_NO_PAD.encode(random_bytes::<TOKEN_BYTES>()?);
        self.store
            .put_sign_in_token(&token_hash(&token), grant, self.now() + lifetime)
            .await
            // 256 random bits do not collide; treat it as the failure it would be.
            .on_exists(|| ApiError::Internal("sign-in token collision".into()))?;
        Ok(format!(
            "{}/signin/confirm/#token={token}",
            self.config.base_url
        ))
    }

    /// The link for mail asking `to` to act on the page `next`: a task link
    /// that signs them in and opens it (valid for days, once), so the
    /// email is all they need. Administrators get the page's plain
    /// address: their sessions reach everyone's records, so they sign in
    /// through a fresh link of their own. So does anyone when the token
    /// cannot be kept just now: the mail still goes, with a link that works.
    pub async fn task_link(&self, to: &EmailAddress, next: &str, task: String) -> TaskLink {
        let plain = TaskLink {
            url: format!("{}{next}", self.config.base_url),
            signs_in: false,
        };
        let grant = SignInGrant {
            email: to.clone(),
            next: Some(next.to_string()),
            task: Some(task),
        };
        let made = async {
            if self.is_administrator(to).await? {
                return Ok(None);
            }
            self.sign_in_link(&grant, TASK_LINK_LIFETIME)
                .await
                .map(Some)
        };
        match made.await {
            Ok(Some(url)) => TaskLink {
                url,
                signs_in: true,
            },
            Ok(None) => plain,
            Err(e) => {
                tracing::warn!(error = %e, "task link not made; the mail links the page");
                plain
            }
        }
    }
}
