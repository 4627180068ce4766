//! Messages the program sends. Composed here, delivered by a `Mailer` adapter.

use serde::{Deserialize, Serialize};

/// One email, ready to send: plain text only, so nothing a person typed can
/// turn into markup in someone's mail client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub to: String,
    pub subject: String,
    pub text: String,
    /// Mail that people can stop (announcements): the address a mail
    /// client's own "Unsubscribe" button posts to (RFC 8058 one-click), sent
    /// as `List-Unsubscribe` with `List-Unsubscribe-Post`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsubscribe: Option<String>,
}

/// Mail that could not be sent after a committed change is kept and sent
/// later: after 5 minutes, then twice as long after each failure, at most 6
/// hours apart. After this many attempts (three and a half days) it is set aside
/// for the program team instead of retried; it is never dropped.
pub const MAIL_ATTEMPTS: u32 = 20;

/// How long to wait before attempt `attempt + 1`, `attempt` having failed
/// (the first send counts as attempt 1).
pub fn retry_delay(attempt: u32) -> jiff::SignedDuration {
    const FIRST_MINUTES: i64 = 5;
    const MAX_MINUTES: i64 = 6 * 60;
    let doublings = attempt.saturating_sub(1).min(16);
    let minutes = (FIRST_MINUTES << doublings).min(MAX_MINUTES);
    jiff::SignedDuration::from_mins(minutes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn retries_start_at_five_minutes_and_double() {
        let minutes: Vec<i64> = (1..=8).map(|a| retry_delay(a).as_mins()).collect();
        assert_eq!(minutes, [5, 10, 20, 40, 80, 160, 320, 360]);
    }

    #[test]
    fn every_attempt_is_made_within_four_days() {
        let total: i64 = (1..MAIL_ATTEMPTS).map(|a| retry_delay(a).as_mins()).sum();
        assert!(
            (3 * 24 * 60..5 * 24 * 60).contains(&total),
            "{total} minutes"
        );
    }

    proptest! {
        #[test]
        fn the_delay_never_shrinks_and_never_exceeds_six_hours(a in 0u32..10_000) {
            let (d, next) = (retry_delay(a), retry_delay(a + 1));
            prop_assert!(d <= next);
            prop_assert!(next <= jiff::SignedDuration::from_hours(6));
            prop_assert!(d >= jiff::SignedDuration::from_mins(5));
        }
    }
}
