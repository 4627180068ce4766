//! Sign-in rules: how long links and sessions live, where a link may lead.

use jiff::{SignedDuration, Timestamp};

/// An emailed sign-in link works once, for this long.
pub const LINK_LIFETIME: SignedDuration = SignedDuration::from_secs(10 * 60);

/// A link in mail that asks a person to act (a supervisor's review, a
/// mentor's request) signs them in for that task, once, for this long: a
/// week covers leave and a busy stretch, and the program's weekly digest
/// reminds them meanwhile.
pub const TASK_LINK_LIFETIME: SignedDuration = SignedDuration::from_hours(7 * 24);

/// A session lasts a working day at most; then the person asks for a new
/// link. Its cookie is a browser-session cookie: closing the browser ends it
/// too, which suits shared computers.
pub const SESSION_LIFETIME: SignedDuration = SignedDuration::from_hours(12);

/// A participant who ticks "keep me signed in" on their own device stays
/// signed in this long, with a cookie that outlives the browser.
/// Administrators cannot: for them the box is ignored and the session gets
/// `SESSION_LIFETIME`, since their session reaches everyone's records.
pub const STAY_SIGNED_IN_LIFETIME: SignedDuration = SignedDuration::from_hours(14 * 24);

/// A participant's session ends after this long without a request: a
/// working day's gap, so lunch and meetings do not sign anyone out.
pub const PARTICIPANT_IDLE: SignedDuration = SignedDuration::from_hours(8);

/// A kept ("stay signed in") session ends after a week without a request,
/// so a device left in a drawer does not stay signed in for the full two weeks.
pub const STAY_SIGNED_IN_IDLE: SignedDuration = SignedDuration::from_hours(7 * 24);

/// An administrator's session (program administrator, or administrator of
/// any department) ends after half an hour without a request: their
/// session sees and changes other people's records, and an unattended
/// screen should not.
pub const ADMINISTRATOR_IDLE: SignedDuration = SignedDuration::from_mins(30);

/// A session's last use is written at most this often, so most requests
/// read the session once and write nothing. The idle timeouts are
/// therefore exact to within this much.
pub const LAST_USE_EVERY: SignedDuration = SignedDuration::from_mins(5);

/// Random bytes in a sign-in token (256 bits; the rule is at least 128).
pub const TOKEN_BYTES: usize = 32;

/// Random bytes in a session id (256 bits), which only the cookie holds;
/// the table keeps its SHA-256 hash.
pub const SESSION_ID_BYTES: usize = 32;

/// The times of a stored session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionTimes {
    pub created: Timestamp,
    /// When it ends however it is used (the table's TTL removes it then).
    pub expires: Timestamp,
    pub last_used: Timestamp,
    /// Started with "keep me signed in".
    pub kept: bool,
}

/// A session still alive at some moment: whether to write its last use now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Alive {
    pub touch: bool,
}

impl SessionTimes {
    /// A session starting `now`. `stay_signed_in` counts for participants
    /// only; an administrator's session is always an ordinary one.
    pub fn start(now: Timestamp, stay_signed_in: bool, administrator: bool) -> SessionTimes {
        let kept = stay_signed_in && !administrator;
        let lifetime = if kept {
            STAY_SIGNED_IN_LIFETIME
        } else {
            SESSION_LIFETIME
        };
        SessionTimes {
            created: now,
            expires: now + lifetime,
            last_used: now,
            kept,
        }
    }

    /// Whether the session is alive at `now` for a caller who is (or is
    /// not) an administrator now: before its expiry, used recently enough,
    /// and for an administrator no older than `SESSION_LIFETIME` (someone
    /// made an administrator keeps no two-week session). `None`: it ended.
    pub fn alive(&self, administrator: bool, now: Timestamp) -> Option<Alive> {
        let idle = match (administrator, self.kept) {
            (true, _) => ADMINISTRATOR_IDLE,
            (false, true) => STAY_SIGNED_IN_IDLE,
            (false, false) => PARTICIPANT_IDLE,
        };
        let ended = now >= self.expires
            || now.duration_since(self.last_used) > idle
            || administrator && now.duration_since(self.created) >= SESSION_LIFETIME;
        (!ended).then(|| Alive {
            touch: now.duration_since(self.last_used) >= LAST_USE_EVERY,
        })
    }
}

/// Where to go after signing in: only a path on this site, never another
/// origin (`//evil.example`, `https://…`, `/\evil`), so a link cannot be
/// used to bounce someone elsewhere.
pub fn safe_next(next: &str) -> Option<&str> {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && next.len() <= 300
        && next.chars().all(|c| c.is_ascii_graphic());
    ok.then_some(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hours: f64) -> Timestamp {
        Timestamp::from_second(1_800_000_000).expect("time")
            + SignedDuration::from_secs_f64(hours * 3600.0)
    }

    #[test]
    fn an_ordinary_session_ends_at_twelve_hours_or_eight_idle() {
        let s = SessionTimes::start(at(0.0), false, false);
        assert_eq!(s.alive(false, at(0.0)), Some(Alive { touch: false }));
        assert_eq!(s.alive(false, at(7.9)), Some(Alive { touch: true }));
        assert_eq!(s.alive(false, at(8.1)), None, "idle");
        let used = SessionTimes {
            last_used: at(11.0),
            ..s
        };
        assert!(used.alive(false, at(11.9)).is_some());
        assert_eq!(used.alive(false, at(12.0)), None, "absolute");
    }

    #[test]
    fn administrators_idle_out_in_half_an_hour_and_cannot_stay_signed_in() {
        let s = SessionTimes::start(at(0.0), true, true);
        assert!(!s.kept);
        assert_eq!(s.expires, at(12.0));
        assert!(s.alive(true, at(0.49)).is_some());
        assert_eq!(s.alive(true, at(0.51)), None);
        // A participant's kept session of someone made an administrator.
        let kept = SessionTimes {
            last_used: at(12.5),
            ..SessionTimes::start(at(0.0), true, false)
        };
        assert!(kept.alive(false, at(12.6)).is_some());
        assert_eq!(kept.alive(true, at(12.6)), None);
    }

    #[test]
    fn a_kept_session_lasts_two_weeks_if_used_weekly() {
        let s = SessionTimes::start(at(0.0), true, false);
        assert!(s.kept);
        assert_eq!(s.expires, at(14.0 * 24.0));
        assert!(s.alive(false, at(6.9 * 24.0)).is_some());
        assert_eq!(s.alive(false, at(7.1 * 24.0)), None);
        let used = SessionTimes {
            last_used: at(13.0 * 24.0),
            ..s
        };
        assert!(used.alive(false, at(13.9 * 24.0)).is_some());
        assert_eq!(used.alive(false, at(14.0 * 24.0)), None);
    }

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(
            safe_next("/review/?application=ab"),
            Some("/review/?application=ab")
        );
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "review",
            "/a b",
            "",
        ] {
            assert_eq!(safe_next(bad), None, "{bad}");
        }
    }
}
