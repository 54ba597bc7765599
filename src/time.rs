//! Instants as RFC 3339 text, without a calendar crate: templates only need "now",
//! "now plus N days" and a check that `--now` is a real instant, all in UTC.

use std::time::{SystemTime, UNIX_EPOCH};

/// A UTC instant, to the second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Instant {
    /// Seconds since 1970-01-01T00:00:00Z.
    pub unix: i64,
}

impl Instant {
    /// The clock, now.
    pub fn now() -> Self {
        let unix = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        Instant { unix }
    }

    /// Parse `2026-11-29T18:00:00Z`, `2026-11-29T19:00:00+01:00` (fractions dropped)
    /// or a date, `2026-11-29` (midnight UTC).
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || {
            format!("`{text}` is not an RFC 3339 time: write it like `2026-11-29T18:00:00Z` or `2026-11-29`")
        };
        let b = text.trim().as_bytes();
        let num = |range: std::ops::Range<usize>| -> Option<i64> {
            let s = std::str::from_utf8(b.get(range)?).ok()?;
            s.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| s.parse().ok())?
        };
        let (year, month, day) = (num(0..4), num(5..7), num(8..10));
        let (Some(year), Some(month), Some(day)) = (year, month, day) else {
            return Err(bad());
        };
        if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return Err(bad());
        }
        if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return Err(bad());
        }
        let date = days_from_civil(year, month, day) * 86_400;
        if b.len() == 10 {
            return Ok(Instant { unix: date });
        }
        if !matches!(b.get(10), Some(b'T' | b't' | b' '))
            || b.get(13) != Some(&b':')
            || b.get(16) != Some(&b':')
        {
            return Err(bad());
        }
        let (Some(h), Some(m), Some(s)) = (num(11..13), num(14..16), num(17..19)) else {
            return Err(bad());
        };
        if h > 23 || m > 59 || s > 60 {
            return Err(bad());
        }
        let mut rest = 19;
        if b.get(rest) == Some(&b'.') {
            rest += 1;
            while b.get(rest).is_some_and(u8::is_ascii_digit) {
                rest += 1;
            }
        }
        let offset = match b.get(rest..) {
            Some(b"Z" | b"z") => 0,
            Some([sign @ (b'+' | b'-'), ..]) if b.len() == rest + 6 && b[rest + 3] == b':' => {
                let (Some(oh), Some(om)) = (num(rest + 1..rest + 3), num(rest + 4..rest + 6))
                else {
                    return Err(bad());
                };
                let minutes = oh * 60 + om;
                if *sign == b'+' {
                    minutes * 60
                } else {
                    -minutes * 60
                }
            }
            _ => return Err(bad()),
        };
        Ok(Instant {
            unix: date + h * 3600 + m * 60 + s.min(59) - offset,
        })
    }

    /// This instant plus whole days.
    pub fn plus_days(self, days: i64) -> Self {
        Instant {
            unix: self.unix.saturating_add(days.saturating_mul(86_400)),
        }
    }

    /// This instant plus seconds.
    pub fn plus_seconds(self, seconds: i64) -> Self {
        Instant {
            unix: self.unix.saturating_add(seconds),
        }
    }

    /// `2026-11-29T18:00:00Z`.
    pub fn rfc3339(self) -> String {
        let days = self.unix.div_euclid(86_400);
        let secs = self.unix.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )
    }
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_offsets() {
        let t = Instant::parse("2026-11-29T18:00:00Z").unwrap();
        assert_eq!(t.rfc3339(), "2026-11-29T18:00:00Z");
        assert_eq!(Instant::parse("2026-11-29T19:00:00+01:00").unwrap(), t);
        assert_eq!(
            Instant::parse("2024-02-29").unwrap().rfc3339(),
            "2024-02-29T00:00:00Z"
        );
        assert_eq!(t.plus_days(5).rfc3339(), "2026-12-04T18:00:00Z");
        assert_eq!(Instant { unix: 0 }.rfc3339(), "1970-01-01T00:00:00Z");
        for bad in [
            "2026-02-30",
            "2026-13-01",
            "tomorrow",
            "2026-11-29T25:00:00Z",
            "2026-11-29T10:00:00",
        ] {
            assert!(Instant::parse(bad).is_err(), "{bad}");
        }
    }
}
