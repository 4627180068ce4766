//! Sign-in rules: how long links and sessions live, where a link may lead.

use jiff::SignedDuration;

/// An emailed sign-in link works once, for this long.
pub const LINK_LIFETIME: SignedDuration = SignedDuration::from_secs(10 * 60);

/// A session lasts a working day; then the person asks for a new link.
pub const SESSION_LIFETIME: SignedDuration = SignedDuration::from_secs(12 * 60 * 60);

/// Random bytes in a sign-in token (256 bits; the rule is at least 128).
pub const TOKEN_BYTES: usize = 32;

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
