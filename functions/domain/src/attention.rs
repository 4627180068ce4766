//! What needs the program team's attention: how long each kind of thing
//! may wait before it is listed, and when an event counts as filling up.
//! The admin page and a program administrator's dashboard open with these
//! counts, each linking to its list.

use jiff::Timestamp;
use jiff::civil::Date;

use crate::calendar::StoredEvent;

/// An application waiting this many days for its supervisor's decision.
pub const APPLICATION_DAYS: i64 = 14;
/// A request waiting this many days for the mentor's answer (it closes
/// by itself at 14).
pub const REQUEST_DAYS: i64 = 7;
/// A survey not answered this many days after its mentorship ended (it
/// was asked once more at 7).
pub const SURVEY_DAYS: i64 = 14;
/// An event is filling up once this share of its places is taken (in
/// fifths), or when anyone is waiting for a place.
pub const FILLING_FIFTHS: u32 = 4;
/// Most items one list shows, the longest waiting first; its count covers
/// all of them.
pub const MOST_SHOWN: usize = 100;

/// Whole days from `from` to `to`, none if `to` is earlier.
pub fn days_waiting(from: Timestamp, to: Timestamp) -> i64 {
    (to.as_second() - from.as_second())
        .div_euclid(86_400)
        .max(0)
}

/// Whether `e` is an upcoming event, open for registration, that is
/// filling up: four fifths of its places taken, or people on its waiting
/// list.
pub fn filling_up(e: &StoredEvent, today: Date) -> bool {
    let event = &e.event;
    !event.cancelled
        && event.registration_open
        && event.date >= today
        && (e.waitlisted > 0
            || event
                .capacity
                .is_some_and(|places| e.registered * 5 >= places * FILLING_FIFTHS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(capacity: Option<u32>, registered: u32, waitlisted: u32) -> StoredEvent {
        serde_json::from_value(json!({
            "id": "mentor-training", "group": null, "kind": "training", "audience": "mentors",
            "date": "2027-02-02", "start": "10:00", "end": "11:30", "title": "Mentor training",
            "details": "How to run a first meeting.", "place": "Online", "link": null,
            "capacity": capacity, "registration_open": true, "cancelled": false,
            "version": 1, "updated_at": "2027-01-01T00:00:00Z", "updated_by": "pat@mo.gov",
            "sequence": 0, "registered": registered, "waitlisted": waitlisted,
        }))
        .expect("a stored event")
    }

    #[test]
    fn an_event_fills_up_at_four_fifths_or_with_a_waiting_list_while_open_and_ahead() {
        let today: Date = "2027-01-15".parse().expect("date");
        assert!(!filling_up(&event(Some(10), 7, 0), today));
        assert!(filling_up(&event(Some(10), 8, 0), today));
        assert!(filling_up(&event(Some(10), 10, 3), today));
        assert!(
            !filling_up(&event(None, 500, 0), today),
            "no limit, never full"
        );
        let past: Date = "2027-02-03".parse().expect("date");
        assert!(!filling_up(&event(Some(10), 10, 3), past), "over already");
        let mut closed = event(Some(10), 9, 0);
        closed.event.registration_open = false;
        assert!(!filling_up(&closed, today));
        let mut cancelled = event(Some(10), 9, 0);
        cancelled.event.cancelled = true;
        assert!(!filling_up(&cancelled, today));
    }

    #[test]
    fn whole_days_waited_round_down_and_never_go_below_zero() {
        let at = |s: &str| s.parse::<Timestamp>().expect("time");
        let sent = at("2026-11-01T10:00:00Z");
        assert_eq!(days_waiting(sent, at("2026-11-15T09:59:59Z")), 13);
        assert_eq!(days_waiting(sent, at("2026-11-15T10:00:00Z")), 14);
        assert_eq!(days_waiting(sent, at("2026-10-01T10:00:00Z")), 0);
    }
}
