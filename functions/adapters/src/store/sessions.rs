//! Sessions kept in the table: one item per session under the SHA-256
//! hash of its id (the cookie alone holds the id), in gsi1 under its
//! person so every session of a person can be ended. Reading one is a
//! GetItem; ending one deletes it, after which its cookie is worth nothing.

use jiff::Timestamp;
use moments_domain::fields::EmailAddress;
use moments_domain::signin::{LAST_USE_EVERY, SessionTimes};
use serde_json::{Value, json};

use super::{Store, StoreError, item_of, keys};
use crate::oidc::PendingSignIn;
use crate::table::{Cond, Item, Query, TableError, Write};

/// A session as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSession {
    pub email: EmailAddress,
    pub times: SessionTimes,
    pub via: SignedInWith,
}

/// How a session was started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SignedInWith {
    /// An emailed link (asked for, or a task link).
    Link,
    /// The state's identity provider (OpenID Connect).
    Provider,
}

/// Most sessions of one person ended at once. Sign-in links are limited
/// to 5 per address per 15 minutes and sessions live 14 days at most, so
/// a person cannot hold more; a read stays bounded all the same.
const MOST_SESSIONS: usize = 7_000;

fn time(item: &Item, name: &str) -> Option<Timestamp> {
    Timestamp::from_second(item.get(name)?.as_i64()?).ok()
}

fn session_of(item: &Item) -> Option<StoredSession> {
    Some(StoredSession {
        email: EmailAddress::parse(item.get("email")?.as_str()?).ok()?,
        times: SessionTimes {
            created: time(item, "created_at")?,
            expires: time(item, "expires_at")?,
            last_used: time(item, "last_used")?,
            kept: item.get("stay_signed_in")?.as_bool()?,
        },
        // Sessions from before the provider existed were all by link.
        via: match item.get("via").and_then(Value::as_str) {
            Some("provider") => SignedInWith::Provider,
            _ => SignedInWith::Link,
        },
    })
}

impl Store {
    /// Keep a new session under the hash of its id.
    pub async fn put_session(
        &self,
        hash_hex: &str,
        session: &StoredSession,
    ) -> Result<(), StoreError> {
        let key = keys::session(hash_hex);
        let t = &session.times;
        let item = item_of(json!({
            "pk": key.pk, "sk": key.sk, "kind": "session",
            "email": session.email.as_str(),
            "created_at": t.created.as_second(),
            // Epoch seconds: DynamoDB's TTL attribute removes ended sessions.
            "expires_at": t.expires.as_second(),
            "last_used": t.last_used.as_second(),
            "stay_signed_in": t.kept,
            "via": match session.via {
                SignedInWith::Link => "link",
                SignedInWith::Provider => "provider",
            },
            "gsi1pk": keys::sessions_of(session.email.as_str()),
            "gsi1sk": hash_hex,
        }));
        self.put_new(item).await
    }

    /// The session under this hash, if there is one (ended or not: the
    /// caller judges its times).
    pub async fn session(&self, hash_hex: &str) -> Result<Option<StoredSession>, StoreError> {
        match self.table.get(&keys::session(hash_hex)).await? {
            None => Ok(None),
            Some(item) => session_of(&item)
                .map(Some)
                .ok_or_else(|| StoreError::Corrupt("unreadable session".into())),
        }
    }

    /// Write that the session was used at `now`, unless it was written
    /// less than `LAST_USE_EVERY` ago (by a concurrent request) or it was
    /// ended meanwhile: either way nothing is written and all is well.
    pub async fn touch_session(&self, hash_hex: &str, now: Timestamp) -> Result<(), StoreError> {
        let recent = (now - LAST_USE_EVERY).as_second();
        let write = Write::Update {
            key: keys::session(hash_hex),
            set: vec![("last_used".into(), json!(now.as_second()))],
            add: vec![],
            remove: vec![],
            cond: Some(Cond::And(vec![
                Cond::Exists,
                Cond::Lt("last_used".into(), json!(recent + 1)),
            ])),
        };
        match self.table.write(vec![write]).await {
            Ok(()) | Err(TableError::ConditionFailed { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// End one session (signing out); ending one already gone is no error.
    pub async fn end_session(&self, hash_hex: &str) -> Result<(), StoreError> {
        self.table
            .write(vec![Write::Delete {
                key: keys::session(hash_hex),
                cond: None,
            }])
            .await
            .map_err(StoreError::from)
    }

    /// End every session of a person; how many there were. The index is
    /// eventually consistent: a session started in the same second may
    /// be missed, as if it had started just after.
    pub async fn end_sessions_of(&self, email: &EmailAddress) -> Result<usize, StoreError> {
        let q = Query::new(keys::BY_PERSON_SESSIONS, keys::sessions_of(email.as_str()));
        let hashes: Vec<String> = self
            .query_all(q, MOST_SESSIONS)
            .await?
            .iter()
            .filter_map(|item| item.get("gsi1sk").and_then(Value::as_str))
            .map(str::to_string)
            .collect();
        for hash in &hashes {
            self.end_session(hash).await?;
        }
        Ok(hashes.len())
    }

    /// Void every unused sign-in link of a person (task links live for
    /// days): erasure and "sign out everywhere" leave nothing that signs
    /// them in. How many there were.
    pub async fn void_sign_in_links_of(&self, email: &EmailAddress) -> Result<usize, StoreError> {
        let q = Query::new(
            keys::BY_PERSON_LINKS,
            keys::sign_in_links_of(email.as_str()),
        );
        let hashes: Vec<String> = self
            .query_all(q, MOST_SESSIONS)
            .await?
            .iter()
            .filter_map(|item| item.get("gsi1sk").and_then(Value::as_str))
            .map(str::to_string)
            .collect();
        for hash in &hashes {
            self.table
                .write(vec![Write::Delete {
                    key: keys::sign_in_token(hash),
                    cond: None,
                }])
                .await?;
        }
        Ok(hashes.len())
    }

    /// Keep a sign-in started at the identity provider until the browser
    /// comes back with its `state` (whose hash is the key), or `expires_at`.
    pub async fn put_pending_sign_in(
        &self,
        state_hash: &str,
        pending: &PendingSignIn,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        let key = keys::pending_sign_in(state_hash);
        let item = item_of(json!({
            "pk": key.pk, "sk": key.sk, "kind": "pending_sign_in",
            "pkce_verifier": pending.pkce_verifier,
            "nonce": pending.nonce,
            "next": pending.next,
            "stay_signed_in": pending.stay_signed_in,
            // Epoch seconds: DynamoDB's TTL attribute removes abandoned ones.
            "expires_at": expires_at.as_second(),
        }));
        self.put_new(item).await
    }

    /// Take a pending sign-in back: once only (a conditional delete lets one
    /// of several concurrent callbacks through), and only before it expires.
    pub async fn take_pending_sign_in(
        &self,
        state_hash: &str,
        now: Timestamp,
    ) -> Result<Option<PendingSignIn>, StoreError> {
        let Some(item) = self.take_once(keys::pending_sign_in(state_hash)).await? else {
            return Ok(None);
        };
        if time(&item, "expires_at").is_none_or(|t| t <= now) {
            return Ok(None);
        }
        let text = |name: &str| item.get(name).and_then(Value::as_str).map(str::to_string);
        Ok(Some(PendingSignIn {
            pkce_verifier: text("pkce_verifier")
                .ok_or_else(|| StoreError::Corrupt("pending sign-in".into()))?,
            nonce: text("nonce").ok_or_else(|| StoreError::Corrupt("pending sign-in".into()))?,
            next: text("next"),
            stay_signed_in: item
                .get("stay_signed_in")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        }))
    }
}
