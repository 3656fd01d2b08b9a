//! Release ordering for "resolved in release": semantic-version comparison of release strings
//! (`1.4.0`, `v1.4.0`, `2.0.0-beta.2`, `1.4.0+build7`, `1.4`), with `None` when either side is
//! not a version, so callers can fall back to first-seen order.

use std::cmp::Ordering;

#[derive(Debug, PartialEq, Eq)]
struct Version<'a> {
    core: [u64; 3],
    pre: Option<&'a str>,
}

fn parse(s: &str) -> Option<Version<'_>> {
    let s = s.trim();
    let s = s
        .strip_prefix('v')
        .or_else(|| s.strip_prefix('V'))
        .unwrap_or(s);
    // `package@version` (as Sentry SDKs name releases): the version.
    let s = s.rsplit_once('@').map_or(s, |(_, v)| v);
    // Build metadata never affects ordering.
    let s = s.split_once('+').map_or(s, |(a, _)| a);
    let (core, pre) = match s.split_once('-') {
        Some((c, p)) if !p.is_empty() => (c, Some(p)),
        Some(_) => return None,
        None => (s, None),
    };
    let mut parts = [0u64; 3];
    let mut n = 0;
    for piece in core.split('.') {
        if n == 3 || piece.is_empty() || !piece.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        parts[n] = piece.parse().ok()?;
        n += 1;
    }
    // A bare number ("42", or a date's "2024-05-01") is a build label, not a version.
    if n < 2 {
        return None;
    }
    Some(Version { core: parts, pre })
}

fn cmp_pre(a: Option<&str>, b: Option<&str>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        // A pre-release sorts before its release.
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (Some(a), Some(b)) => {
            let mut ia = a.split('.');
            let mut ib = b.split('.');
            loop {
                match (ia.next(), ib.next()) {
                    (None, None) => return Ordering::Equal,
                    (None, Some(_)) => return Ordering::Less,
                    (Some(_), None) => return Ordering::Greater,
                    (Some(x), Some(y)) => {
                        let ord = match (x.parse::<u64>(), y.parse::<u64>()) {
                            (Ok(x), Ok(y)) => x.cmp(&y),
                            (Ok(_), Err(_)) => Ordering::Less,
                            (Err(_), Ok(_)) => Ordering::Greater,
                            (Err(_), Err(_)) => x.cmp(y),
                        };
                        if ord != Ordering::Equal {
                            return ord;
                        }
                    }
                }
            }
        }
    }
}

/// Compares two release strings as semantic versions; `None` if either is not one.
/// Newest first: versions by [`compare`] (descending), then the releases that are not versions,
/// each group's ties broken by `first_seen` (newest first).
pub fn newest_first(a: (&str, i64), b: (&str, i64)) -> Ordering {
    let by_time = b.1.cmp(&a.1);
    match (parse(a.0).is_some(), parse(b.0).is_some()) {
        (true, true) => compare(b.0, a.0).unwrap_or(Ordering::Equal).then(by_time),
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => by_time,
    }
}

pub fn compare(a: &str, b: &str) -> Option<Ordering> {
    let (va, vb) = (parse(a)?, parse(b)?);
    Some(va.core.cmp(&vb.core).then_with(|| cmp_pre(va.pre, vb.pre)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn releases_list_newest_version_first_then_the_rest_by_first_seen() {
        let mut r = [
            ("nightly", 50),
            ("1.9.0", 40),
            ("1.10.0", 10),
            ("shop@1.2.0", 30),
            ("1.2.0-beta.1", 20),
            ("abc123", 60),
        ];
        r.sort_by(|a, b| newest_first(*a, *b));
        let names: Vec<&str> = r.iter().map(|x| x.0).collect();
        assert_eq!(
            names,
            [
                "1.10.0",
                "1.9.0",
                "shop@1.2.0",
                "1.2.0-beta.1",
                "abc123",
                "nightly"
            ]
        );
    }
    use Ordering::*;

    #[test]
    fn semver_order() {
        assert_eq!(compare("1.4.0", "1.4.0"), Some(Equal));
        assert_eq!(compare("1.10.0", "1.9.3"), Some(Greater));
        assert_eq!(compare("v2.0.0", "1.99.99"), Some(Greater));
        assert_eq!(compare("1.4", "1.4.0"), Some(Equal));
        assert_eq!(compare("1.4.0-beta.2", "1.4.0"), Some(Less));
        assert_eq!(compare("1.4.0-beta.10", "1.4.0-beta.2"), Some(Greater));
        assert_eq!(compare("1.4.0-alpha", "1.4.0-beta"), Some(Less));
        assert_eq!(compare("1.4.0+7", "1.4.0+8"), Some(Equal));
    }

    #[test]
    fn non_versions_are_not_comparable() {
        assert_eq!(compare("abc123", "1.0.0"), None);
        assert_eq!(compare("", "1.0.0"), None);
        assert_eq!(compare("1.2.3.4", "1.0.0"), None);
        assert_eq!(compare("2024-05-01", "1.0"), None);
    }
}
