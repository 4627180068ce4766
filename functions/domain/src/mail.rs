//! Messages the program sends. Composed here, delivered by a `Mailer` adapter.

use serde::{Deserialize, Serialize};

/// One email, ready to send: plain text only, so nothing a person typed can
/// turn into markup in someone's mail client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub to: String,
    pub subject: String,
    pub text: String,
}
