//! Durations and times as people type and read them: `90s`, `15m`, `24h`, `7d`, `2w`; absolute
//! epoch milliseconds; "3m ago". Shared by the API's query parameters and the CLI.

/// Parses `30s`, `15m`, `24h`, `7d`, `2w` (or a bare number of seconds) into milliseconds.
pub fn parse_duration_ms(s: &str) -> Option<i64> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: i64 = num.parse().ok()?;
    let mult = match unit.trim() {
        "" | "s" | "sec" | "secs" => 1_000,
        "m" | "min" | "mins" => 60_000,
        "h" | "hr" | "hrs" => 3_600_000,
        "d" | "day" | "days" => 86_400_000,
        "w" | "week" | "weeks" => 604_800_000,
        _ => return None,
    };
    n.checked_mul(mult)
}

/// A point in time given as epoch milliseconds (or seconds, below 10^11) or as a duration back
/// from `now` (`24h` = 24 hours ago).
pub fn parse_time(s: &str, now: i64) -> Option<i64> {
    let t = s.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        let v: i64 = t.parse().ok()?;
        return Some(if v < 100_000_000_000 { v * 1000 } else { v });
    }
    parse_duration_ms(t).map(|d| now - d)
}

/// An RFC 3339 / ISO 8601 time (`2026-11-30T10:00:00.123456Z`, `…+02:00`, `…` without a zone =
/// UTC, a space instead of `T`) as epoch milliseconds.
pub fn parse_rfc3339_ms(s: &str) -> Option<i64> {
    let s = s.trim();
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = s.get(from..from + len)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut i = 19;
    let mut millis = 0i64;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        let digits = &s[start..i];
        if digits.is_empty() {
            return None;
        }
        let ms: String = digits.chars().chain("000".chars()).take(3).collect();
        millis = ms.parse().ok()?;
    }
    let offset_min = match &s[i..] {
        "" | "Z" | "z" => 0,
        tz => {
            let sign = match tz.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let tz = &tz[1..];
            let (h, m) = tz.split_once(':').unwrap_or((tz.get(..2)?, tz.get(2..)?));
            sign * (h.parse::<i64>().ok()? * 60 + m.parse::<i64>().ok()?)
        }
    };
    let days = days_from_civil(year, month as u32, day as u32);
    Some(((days * 24 + hour) * 60 + minute - offset_min) * 60_000 + second * 1000 + millis)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    // Years counted from March, so that the leap day ends the year.
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (i64::from(month) + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// (year, month, day) of a day count since 1970-01-01 (the inverse of [`days_from_civil`]).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// "just now", "42s ago", "3m ago", "5h ago", "2d ago"; a time ahead "in 5h", "in 3d".
pub fn ago(then_ms: i64, now_ms: i64) -> String {
    // A time ahead (an expiry): "in 3d".
    let ahead = (then_ms - now_ms) / 1000;
    if ahead >= 5 {
        return match ahead {
            5..=59 => format!("in {ahead}s"),
            60..=3599 => format!("in {}m", ahead / 60),
            3600..=86_399 => format!("in {}h", ahead / 3600),
            _ => format!("in {}d", ahead / 86_400),
        };
    }
    let secs = (now_ms - then_ms).max(0) / 1000;
    match secs {
        0..=4 => "just now".into(),
        5..=59 => format!("{secs}s ago"),
        60..=3599 => format!("{}m ago", secs / 60),
        3600..=86_399 => format!("{}h ago", secs / 3600),
        _ => format!("{}d ago", secs / 86_400),
    }
}

/// A one-line sparkline of counts: ▁▂▃▄▅▆▇█ scaled to the maximum (blank-ish for zero).
pub fn sparkline(counts: &[i64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = counts.iter().copied().max().unwrap_or(0);
    counts
        .iter()
        .map(|&c| {
            if c <= 0 || max == 0 {
                ' '
            } else {
                let i = ((c as f64 / max as f64) * 7.0).round() as usize;
                BARS[i.min(7)]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc3339_times() {
        assert_eq!(
            super::parse_rfc3339_ms("2026-11-30T10:00:00.123456Z"),
            Some(1_796_032_800_123)
        );
        assert_eq!(
            super::parse_rfc3339_ms("2026-11-30T12:00:00+02:00"),
            Some(1_796_032_800_000)
        );
        assert_eq!(
            super::parse_rfc3339_ms("2026-11-30 10:00:00"),
            Some(1_796_032_800_000)
        );
        assert_eq!(super::parse_rfc3339_ms("1970-01-01T00:00:00.5Z"), Some(500));
        for bad in [
            "",
            "2026-13-01T00:00:00Z",
            "yesterday",
            "2026-11-30T10:00:00.Z",
            "2026-11-30T10:00:00+x",
        ] {
            assert_eq!(super::parse_rfc3339_ms(bad), None, "{bad}");
        }
    }

    #[test]
    fn times_ahead_read_as_in() {
        let now = 1_000_000_000;
        assert_eq!(super::ago(now + 72 * 3_600_000, now), "in 3d");
        assert_eq!(super::ago(now + 90 * 60_000, now), "in 1h");
        assert_eq!(super::ago(now + 2_000, now), "just now");
        assert_eq!(super::ago(now - 7_200_000, now), "2h ago");
    }

    use super::*;

    #[test]
    fn civil_dates_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(2025, 6, 10), 20_249);
        for days in [-800_000, -1, 0, 59, 11_016, 11_017, 20_249, 2_000_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration_ms("24h"), Some(86_400_000));
        assert_eq!(parse_duration_ms("90s"), Some(90_000));
        assert_eq!(parse_duration_ms("7d"), Some(604_800_000));
        assert_eq!(parse_duration_ms("1w"), Some(604_800_000));
        assert_eq!(parse_duration_ms("15m"), Some(900_000));
        assert_eq!(parse_duration_ms("h"), None);
        assert_eq!(parse_duration_ms("5 parsecs"), None);
        assert_eq!(parse_time("1h", 10_000_000), Some(10_000_000 - 3_600_000));
        assert_eq!(parse_time("1700000000", 0), Some(1_700_000_000_000));
        assert_eq!(parse_time("1700000000123", 0), Some(1_700_000_000_123));
        assert_eq!(parse_time("soon", 0), None);
    }

    #[test]
    fn human_times() {
        assert_eq!(ago(0, 1000), "just now");
        assert_eq!(ago(0, 180_000), "3m ago");
        assert_eq!(ago(0, 7_200_000), "2h ago");
        assert_eq!(ago(0, 3 * 86_400_000), "3d ago");
        assert_eq!(sparkline(&[0, 1, 8]).chars().count(), 3);
        assert!(sparkline(&[0, 1, 8]).ends_with('█'));
    }
}
