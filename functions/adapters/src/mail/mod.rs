//! The mailer port and its adapters: SES v2 in AWS, an outbox locally.

use async_trait::async_trait;
use moments_domain::mail::Message;

pub mod outbox;
pub mod ses;

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The provider refused this message for good (e.g. a suppressed address).
    #[error("message rejected: {0}")]
    Rejected(String),
    /// Sending failed for now (throttled, timed out, service error); retrying may work.
    #[error("mail temporarily unavailable: {0}")]
    Unavailable(String),
}

#[async_trait]
pub trait Mailer: Send + Sync + 'static {
    async fn send(&self, message: &Message) -> Result<(), MailError>;
}
