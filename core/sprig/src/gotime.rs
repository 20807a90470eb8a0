//! Go's `time` package, the parts Sprig reaches: `Time` (an instant with a fixed
//! zone offset and name), `Time.Format`/`time.Parse` with Go's reference layouts
//! (`Mon Jan 2 15:04:05 MST 2006`), `Duration.String`, `time.ParseDuration`.
//!
//! Zones: `UTC`, `Local` (which is UTC here: the library never reads the
//! machine's zone, so output does not depend on where it runs) and `GMT`/`Z`.
//! Other IANA names are not loaded (no zone database is shipped): Sprig's
//! `dateInZone` then falls back to UTC exactly as it does when Go's
//! `time.LoadLocation` fails.

use std::fmt::Write;

/// Nanoseconds per second.
const NANOS: i64 = 1_000_000_000;

/// An instant (Unix seconds and nanoseconds) seen in a zone with a fixed offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Time {
    /// Seconds since the Unix epoch (UTC).
    pub unix: i64,
    /// Nanoseconds within the second, `0..1e9`.
    pub nanos: u32,
    /// The zone's offset east of UTC, in seconds.
    pub offset: i32,
    /// The zone's abbreviation (`UTC`); empty when unnamed (then printed as `-0700`).
    pub zone: String,
}

impl Time {
    /// The instant `unix` seconds after the epoch, in UTC.
    pub fn from_unix(unix: i64, nanos: u32) -> Self {
        Time {
            unix,
            nanos,
            offset: 0,
            zone: "UTC".to_string(),
        }
    }

    /// Go's zero `time.Time` (`0001-01-01 00:00:00 +0000 UTC`).
    pub fn zero() -> Self {
        Time::from_unix(-62_135_596_800, 0)
    }

    /// The current instant (UTC). On WebAssembly without a clock, the epoch.
    pub fn now() -> Self {
        #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
        {
            if let Ok(d) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
                return Time::from_unix(
                    i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
                    d.subsec_nanos(),
                );
            }
        }
        Time::from_unix(0, 0)
    }

    /// The same instant in `zone` (`time.LoadLocation` + `In`): `UTC`, `Local` and
    /// `""` are UTC; unknown zones are `None` (Go's `LoadLocation` error).
    pub fn in_zone(&self, zone: &str) -> Option<Time> {
        match zone {
            "" | "UTC" | "Local" => Some(Time {
                offset: 0,
                zone: "UTC".to_string(),
                ..self.clone()
            }),
            "GMT" | "Etc/GMT" | "Etc/UTC" | "Etc/Universal" | "Universal" | "Zulu" | "Etc/Zulu" => {
                Some(Time {
                    offset: 0,
                    zone: zone.rsplit('/').next().unwrap_or(zone).to_string(),
                    ..self.clone()
                })
            }
            _ => None,
        }
    }

    /// Adds a duration in nanoseconds (`Time.Add`), saturating.
    #[must_use]
    pub fn add(&self, d: i64) -> Time {
        let total =
            i128::from(self.unix) * i128::from(NANOS) + i128::from(self.nanos) + i128::from(d);
        let unix = total.div_euclid(i128::from(NANOS));
        let nanos = total.rem_euclid(i128::from(NANOS));
        Time {
            unix: i64::try_from(unix).unwrap_or(if unix < 0 { i64::MIN } else { i64::MAX }),
            nanos: u32::try_from(nanos).unwrap_or(0),
            ..self.clone()
        }
    }

    /// Nanoseconds from `other` to `self` (`self.Sub(other)`), saturating as Go does.
    pub fn sub(&self, other: &Time) -> i64 {
        let a = i128::from(self.unix) * i128::from(NANOS) + i128::from(self.nanos);
        let b = i128::from(other.unix) * i128::from(NANOS) + i128::from(other.nanos);
        i64::try_from(a - b).unwrap_or(if a < b { i64::MIN } else { i64::MAX })
    }

    fn civil(&self) -> Civil {
        let local = self.unix + i64::from(self.offset);
        let days = local.div_euclid(86_400);
        let secs = local.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        let weekday = (days + 4).rem_euclid(7); // 1970-01-01 was a Thursday
        let yday = days - days_from_civil(year, 1, 1) + 1;
        Civil {
            year,
            month,
            day,
            hour: secs / 3600,
            minute: secs / 60 % 60,
            second: secs % 60,
            weekday,
            yday,
        }
    }

    /// Go's `Time.String()`: `2006-01-02 15:04:05.999999999 -0700 MST`.
    pub fn go_string(&self) -> String {
        self.format("2006-01-02 15:04:05.999999999 -0700 MST")
    }

    /// Go's `Time.Format(layout)`.
    pub fn format(&self, layout: &str) -> String {
        let c = self.civil();
        let mut out = String::with_capacity(layout.len() + 10);
        let mut rest = layout;
        while !rest.is_empty() {
            let (prefix, chunk, after) = next_chunk(rest);
            out.push_str(prefix);
            rest = after;
            let Some(chunk) = chunk else { break };
            self.format_chunk(&mut out, &c, chunk);
        }
        out
    }

    fn format_chunk(&self, out: &mut String, c: &Civil, chunk: Chunk) {
        match chunk {
            Chunk::Year => pad(out, c.year.rem_euclid(100), 2),
            Chunk::LongYear => {
                if c.year < 0 {
                    out.push('-');
                }
                pad(out, c.year.abs(), 4);
            }
            Chunk::Month => out.push_str(month_name(c.month).get(..3).unwrap_or("")),
            Chunk::LongMonth => out.push_str(month_name(c.month)),
            Chunk::NumMonth => pad(out, c.month, 1),
            Chunk::ZeroMonth => pad(out, c.month, 2),
            Chunk::WeekDay => out.push_str(day_name(c.weekday).get(..3).unwrap_or("")),
            Chunk::LongWeekDay => out.push_str(day_name(c.weekday)),
            Chunk::Day => pad(out, c.day, 1),
            Chunk::UnderDay => {
                if c.day < 10 {
                    out.push(' ');
                }
                pad(out, c.day, 1);
            }
            Chunk::ZeroDay => pad(out, c.day, 2),
            Chunk::UnderYearDay => {
                if c.yday < 100 {
                    out.push(' ');
                    if c.yday < 10 {
                        out.push(' ');
                    }
                }
                pad(out, c.yday, 1);
            }
            Chunk::ZeroYearDay => pad(out, c.yday, 3),
            Chunk::Hour => pad(out, c.hour, 2),
            Chunk::Hour12 | Chunk::ZeroHour12 => {
                let mut h = c.hour % 12;
                if h == 0 {
                    h = 12;
                }
                pad(out, h, if chunk == Chunk::Hour12 { 1 } else { 2 });
            }
            Chunk::Minute => pad(out, c.minute, 1),
            Chunk::ZeroMinute => pad(out, c.minute, 2),
            Chunk::Second => pad(out, c.second, 1),
            Chunk::ZeroSecond => pad(out, c.second, 2),
            Chunk::PM => out.push_str(if c.hour >= 12 { "PM" } else { "AM" }),
            Chunk::Pm => out.push_str(if c.hour >= 12 { "pm" } else { "am" }),
            Chunk::Tz => {
                if self.zone.is_empty() {
                    let zone = self.offset / 60;
                    out.push(if zone < 0 { '-' } else { '+' });
                    pad(out, i64::from(zone.abs() / 60), 2);
                    pad(out, i64::from(zone.abs() % 60), 2);
                } else {
                    out.push_str(&self.zone);
                }
            }
            Chunk::Offset {
                iso,
                colon,
                minutes,
                seconds,
            } => {
                if iso && self.offset == 0 {
                    out.push('Z');
                    return;
                }
                let abs = self.offset.abs();
                out.push(if self.offset < 0 { '-' } else { '+' });
                pad(out, i64::from(abs / 3600), 2);
                if minutes {
                    if colon {
                        out.push(':');
                    }
                    pad(out, i64::from(abs / 60 % 60), 2);
                }
                if seconds {
                    if colon {
                        out.push(':');
                    }
                    pad(out, i64::from(abs % 60), 2);
                }
            }
            Chunk::Frac { digits, trim, sep } => {
                let mut s = format!("{:09}", self.nanos);
                s.truncate(digits);
                if trim {
                    while s.ends_with('0') {
                        s.pop();
                    }
                    if s.is_empty() {
                        return;
                    }
                }
                out.push(sep);
                out.push_str(&s);
            }
        }
    }
}

struct Civil {
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
    weekday: i64,
    yday: i64,
}

fn pad(out: &mut String, n: i64, width: usize) {
    let _ = write!(out, "{n:0width$}");
}

/// Go's month names (`time.Month.String`), January first.
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

fn month_name(m: i64) -> &'static str {
    usize::try_from(m - 1)
        .ok()
        .and_then(|i| MONTHS.get(i))
        .copied()
        .unwrap_or("%!Month")
}

fn day_name(d: i64) -> &'static str {
    usize::try_from(d)
        .ok()
        .and_then(|i| DAYS.get(i))
        .copied()
        .unwrap_or("%!Weekday")
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

fn days_in(month: i64, year: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// One element of a Go layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Chunk {
    LongMonth,
    Month,
    NumMonth,
    ZeroMonth,
    LongWeekDay,
    WeekDay,
    Day,
    UnderDay,
    ZeroDay,
    UnderYearDay,
    ZeroYearDay,
    Hour,
    Hour12,
    ZeroHour12,
    Minute,
    ZeroMinute,
    Second,
    ZeroSecond,
    LongYear,
    Year,
    PM,
    Pm,
    Tz,
    Offset {
        iso: bool,
        colon: bool,
        minutes: bool,
        seconds: bool,
    },
    Frac {
        digits: usize,
        trim: bool,
        sep: char,
    },
}

fn starts_lower(s: &str) -> bool {
    s.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
}

#[allow(clippy::too_many_lines)]
/// Go's `nextStdChunk`: the literal prefix, the element, and what follows it.
fn next_chunk(layout: &str) -> (&str, Option<Chunk>, &str) {
    let b = layout.as_bytes();
    let at = |i: usize, s: &str| layout.get(i..).is_some_and(|r| r.starts_with(s));
    for i in 0..b.len() {
        let found: Option<(Chunk, usize)> = match b.get(i).copied().unwrap_or(0) {
            b'J' if at(i, "Jan") => {
                if at(i, "January") {
                    Some((Chunk::LongMonth, 7))
                } else if !starts_lower(layout.get(i + 3..).unwrap_or("")) {
                    Some((Chunk::Month, 3))
                } else {
                    None
                }
            }
            b'M' => {
                if at(i, "Monday") {
                    Some((Chunk::LongWeekDay, 6))
                } else if at(i, "Mon") && !starts_lower(layout.get(i + 3..).unwrap_or("")) {
                    Some((Chunk::WeekDay, 3))
                } else if at(i, "MST") {
                    Some((Chunk::Tz, 3))
                } else {
                    None
                }
            }
            b'0' => match b.get(i + 1).copied() {
                Some(b'1') => Some((Chunk::ZeroMonth, 2)),
                Some(b'2') => Some((Chunk::ZeroDay, 2)),
                Some(b'3') => Some((Chunk::ZeroHour12, 2)),
                Some(b'4') => Some((Chunk::ZeroMinute, 2)),
                Some(b'5') => Some((Chunk::ZeroSecond, 2)),
                Some(b'6') => Some((Chunk::Year, 2)),
                Some(b'0') if b.get(i + 2) == Some(&b'2') => Some((Chunk::ZeroYearDay, 3)),
                _ => None,
            },
            b'1' => {
                if b.get(i + 1) == Some(&b'5') {
                    Some((Chunk::Hour, 2))
                } else {
                    Some((Chunk::NumMonth, 1))
                }
            }
            b'2' => {
                if at(i, "2006") {
                    Some((Chunk::LongYear, 4))
                } else {
                    Some((Chunk::Day, 1))
                }
            }
            b'_' => {
                if b.get(i + 1) == Some(&b'2') {
                    if at(i + 1, "2006") {
                        // `_2006` is a literal `_` followed by the long year.
                        return (
                            layout.get(..=i).unwrap_or(""),
                            Some(Chunk::LongYear),
                            layout.get(i + 5..).unwrap_or(""),
                        );
                    }
                    Some((Chunk::UnderDay, 2))
                } else if at(i, "__2") {
                    Some((Chunk::UnderYearDay, 3))
                } else {
                    None
                }
            }
            b'3' => Some((Chunk::Hour12, 1)),
            b'4' => Some((Chunk::Minute, 1)),
            b'5' => Some((Chunk::Second, 1)),
            b'P' if b.get(i + 1) == Some(&b'M') => Some((Chunk::PM, 2)),
            b'p' if b.get(i + 1) == Some(&b'm') => Some((Chunk::Pm, 2)),
            c @ (b'-' | b'Z') => {
                let iso = c == b'Z';
                let forms: [(&str, bool, bool, bool); 5] = [
                    ("070000", false, true, true),
                    ("07:00:00", true, true, true),
                    ("0700", false, true, false),
                    ("07:00", true, true, false),
                    ("07", false, false, false),
                ];
                forms
                    .iter()
                    .find(|f| at(i + 1, f.0))
                    .map(|&(s, colon, minutes, seconds)| {
                        (
                            Chunk::Offset {
                                iso,
                                colon,
                                minutes,
                                seconds,
                            },
                            s.len() + 1,
                        )
                    })
            }
            c @ (b'.' | b',') => match b.get(i + 1).copied() {
                Some(d @ (b'0' | b'9')) => {
                    let mut j = i + 1;
                    while b.get(j) == Some(&d) {
                        j += 1;
                    }
                    if b.get(j).is_some_and(u8::is_ascii_digit) {
                        None
                    } else {
                        Some((
                            Chunk::Frac {
                                digits: (j - i - 1).min(9),
                                trim: d == b'9',
                                sep: char::from(c),
                            },
                            j - i,
                        ))
                    }
                }
                _ => None,
            },
            _ => None,
        };
        if let Some((chunk, len)) = found {
            return (
                layout.get(..i).unwrap_or(""),
                Some(chunk),
                layout.get(i + len..).unwrap_or(""),
            );
        }
    }
    (layout, None, "")
}

/// Go's `time.ParseError` text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParseError(pub String);

fn quote(s: &str) -> String {
    stockade_go_quote(s)
}

fn stockade_go_quote(s: &str) -> String {
    // Go quotes the parts of a time.ParseError with strconv.Quote-like escaping;
    // the texts here are template strings, so plain `"…"` with `\"` and `\\` escaped.
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn parse_err(
    layout: &str,
    value: &str,
    layout_elem: &str,
    value_elem: &str,
    msg: &str,
) -> ParseError {
    if msg.is_empty() {
        ParseError(format!(
            "parsing time {} as {}: cannot parse {} as {}",
            quote(value),
            quote(layout),
            quote(value_elem),
            quote(layout_elem)
        ))
    } else {
        ParseError(format!("parsing time {}{msg}", quote(value)))
    }
}

/// Reads 1–2 digits (exactly 2 when `fixed`).
fn getnum(s: &str, fixed: bool) -> Option<(i64, &str)> {
    let b = s.as_bytes();
    let d0 = b.first().filter(|c| c.is_ascii_digit())?;
    match b.get(1).filter(|c| c.is_ascii_digit()) {
        Some(d1) => Some((
            i64::from(d0 - b'0') * 10 + i64::from(d1 - b'0'),
            s.get(2..)?,
        )),
        None if fixed => None,
        None => Some((i64::from(d0 - b'0'), s.get(1..)?)),
    }
}

fn getnum3(s: &str, fixed: bool) -> Option<(i64, &str)> {
    let mut n = 0;
    let mut i = 0;
    while i < 3 {
        match s.as_bytes().get(i) {
            Some(c) if c.is_ascii_digit() => {
                n = n * 10 + i64::from(c - b'0');
                i += 1;
            }
            _ => break,
        }
    }
    if i == 0 || (fixed && i != 3) {
        return None;
    }
    Some((n, s.get(i..)?))
}

fn lookup_name<'a>(names: &[&str], s: &'a str, len: Option<usize>) -> Option<(usize, &'a str)> {
    for (i, full) in names.iter().enumerate() {
        let name = match len {
            Some(n) => full.get(..n).unwrap_or(full),
            None => full,
        };
        if s.len() >= name.len()
            && s.get(..name.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(name))
        {
            return Some((i, s.get(name.len()..).unwrap_or("")));
        }
    }
    None
}

/// Go's `time.ParseInLocation(layout, value, UTC)` (Local is UTC here).
#[allow(clippy::too_many_lines)]
pub fn parse(layout: &str, value: &str) -> Result<Time, ParseError> {
    let (alayout, avalue) = (layout, value);
    let mut layout = layout;
    let mut value = value;
    let (mut year, mut month, mut day, mut yday) = (1_i64, -1_i64, -1_i64, -1_i64);
    let (mut hour, mut min, mut sec, mut nsec) = (0_i64, 0_i64, 0_i64, 0_i64);
    let mut pm_set = false;
    let mut am_set = false;
    let mut z_offset: Option<i64> = None;
    let mut z_name = String::new();
    loop {
        let (prefix, chunk, suffix) = next_chunk(layout);
        let std_str = layout
            .get(prefix.len()..layout.len() - suffix.len())
            .unwrap_or("");
        value = skip(value, prefix).ok_or_else(|| parse_err(alayout, avalue, prefix, value, ""))?;
        let Some(chunk) = chunk else {
            if !value.is_empty() {
                return Err(parse_err(
                    alayout,
                    avalue,
                    "",
                    value,
                    &format!(": extra text: {}", quote(value)),
                ));
            }
            break;
        };
        layout = suffix;
        let hold = value;
        let bad = |v: &str| parse_err(alayout, avalue, std_str, v, "");
        let range_err = |what: &str| {
            parse_err(
                alayout,
                avalue,
                std_str,
                hold,
                &format!(": {what} out of range"),
            )
        };
        match chunk {
            Chunk::Year => {
                let p = value
                    .get(..2)
                    .filter(|p| p.bytes().all(|c| c.is_ascii_digit()))
                    .ok_or_else(|| bad(hold))?;
                let y: i64 = p.parse().map_err(|_| bad(hold))?;
                year = if y >= 69 { y + 1900 } else { y + 2000 };
                value = value.get(2..).unwrap_or("");
            }
            Chunk::LongYear => {
                let p = value
                    .get(..4)
                    .filter(|p| p.bytes().all(|c| c.is_ascii_digit()))
                    .ok_or_else(|| bad(hold))?;
                year = p.parse().map_err(|_| bad(hold))?;
                value = value.get(4..).unwrap_or("");
            }
            Chunk::Month | Chunk::LongMonth => {
                let (i, rest) = lookup_name(
                    &MONTHS,
                    value,
                    if chunk == Chunk::Month { Some(3) } else { None },
                )
                .ok_or_else(|| bad(hold))?;
                month = i64::try_from(i).unwrap_or(0) + 1;
                value = rest;
            }
            Chunk::NumMonth | Chunk::ZeroMonth => {
                let (m, rest) =
                    getnum(value, chunk == Chunk::ZeroMonth).ok_or_else(|| bad(hold))?;
                if !(1..=12).contains(&m) {
                    return Err(range_err("month"));
                }
                month = m;
                value = rest;
            }
            Chunk::WeekDay | Chunk::LongWeekDay => {
                let (_, rest) = lookup_name(
                    &DAYS,
                    value,
                    if chunk == Chunk::WeekDay {
                        Some(3)
                    } else {
                        None
                    },
                )
                .ok_or_else(|| bad(hold))?;
                value = rest;
            }
            Chunk::Day | Chunk::UnderDay | Chunk::ZeroDay => {
                if chunk == Chunk::UnderDay && value.starts_with(' ') {
                    value = value.get(1..).unwrap_or("");
                }
                let (d, rest) = getnum(value, chunk == Chunk::ZeroDay).ok_or_else(|| bad(hold))?;
                day = d;
                value = rest;
            }
            Chunk::UnderYearDay | Chunk::ZeroYearDay => {
                let mut v = value;
                if chunk == Chunk::UnderYearDay {
                    for _ in 0..2 {
                        if v.starts_with(' ') {
                            v = v.get(1..).unwrap_or("");
                        }
                    }
                }
                let (d, rest) = getnum3(v, chunk == Chunk::ZeroYearDay).ok_or_else(|| bad(hold))?;
                yday = d;
                value = rest;
            }
            Chunk::Hour => {
                let (h, rest) = getnum(value, false).ok_or_else(|| bad(hold))?;
                if !(0..24).contains(&h) {
                    return Err(range_err("hour"));
                }
                hour = h;
                value = rest;
            }
            Chunk::Hour12 | Chunk::ZeroHour12 => {
                let (h, rest) =
                    getnum(value, chunk == Chunk::ZeroHour12).ok_or_else(|| bad(hold))?;
                if !(0..=12).contains(&h) {
                    return Err(range_err("hour"));
                }
                hour = h;
                value = rest;
            }
            Chunk::Minute | Chunk::ZeroMinute => {
                let (m, rest) =
                    getnum(value, chunk == Chunk::ZeroMinute).ok_or_else(|| bad(hold))?;
                if !(0..60).contains(&m) {
                    return Err(range_err("minute"));
                }
                min = m;
                value = rest;
            }
            Chunk::Second | Chunk::ZeroSecond => {
                let (s, rest) =
                    getnum(value, chunk == Chunk::ZeroSecond).ok_or_else(|| bad(hold))?;
                if !(0..60).contains(&s) {
                    return Err(range_err("second"));
                }
                sec = s;
                value = rest;
                // A fractional second in the value when the layout has none after it.
                let b = value.as_bytes();
                if frac_start(b) {
                    let (_, next, _) = next_chunk(layout);
                    let layout_has_frac =
                        matches!(next, Some(Chunk::Frac { .. })) && next_chunk(layout).0.is_empty();
                    if !layout_has_frac {
                        let mut n = 1;
                        while b.get(n).is_some_and(u8::is_ascii_digit) {
                            n += 1;
                        }
                        nsec = parse_nanos(value.get(..n).unwrap_or(""));
                        value = value.get(n..).unwrap_or("");
                    }
                }
            }
            Chunk::PM | Chunk::Pm => {
                let p = value.get(..2).ok_or_else(|| bad(hold))?;
                match p {
                    "PM" | "pm" if (chunk == Chunk::PM) == (p == "PM") => pm_set = true,
                    "AM" | "am" if (chunk == Chunk::PM) == (p == "AM") => am_set = true,
                    _ => return Err(bad(hold)),
                }
                value = value.get(2..).unwrap_or("");
            }
            Chunk::Offset {
                iso,
                colon,
                minutes,
                seconds,
            } => {
                if iso && value.starts_with('Z') {
                    value = value.get(1..).unwrap_or("");
                    z_offset = Some(0);
                    z_name = "UTC".to_string();
                } else {
                    let b = value.as_bytes();
                    let mut need = 3;
                    if minutes {
                        need += 2 + usize::from(colon);
                    }
                    if seconds {
                        need += 2 + usize::from(colon);
                    }
                    if b.len() < need {
                        return Err(bad(hold));
                    }
                    let sign = match b.first() {
                        Some(b'+') => 1,
                        Some(b'-') => -1,
                        _ => return Err(bad(hold)),
                    };
                    let num = |at: usize| -> Option<i64> {
                        let p = value.get(at..at + 2)?;
                        if p.bytes().all(|c| c.is_ascii_digit()) {
                            p.parse().ok()
                        } else {
                            None
                        }
                    };
                    let hh = num(1).ok_or_else(|| bad(hold))?;
                    let mut at = 3;
                    let mut mm = 0;
                    let mut ss = 0;
                    if minutes {
                        if colon {
                            if b.get(at) != Some(&b':') {
                                return Err(bad(hold));
                            }
                            at += 1;
                        }
                        mm = num(at).ok_or_else(|| bad(hold))?;
                        at += 2;
                    }
                    if seconds {
                        if colon {
                            if b.get(at) != Some(&b':') {
                                return Err(bad(hold));
                            }
                            at += 1;
                        }
                        ss = num(at).ok_or_else(|| bad(hold))?;
                        at += 2;
                    }
                    if hh > 24 || mm >= 60 || ss >= 60 {
                        return Err(range_err("time zone offset"));
                    }
                    z_offset = Some(sign * ((hh * 60 + mm) * 60 + ss));
                    value = value.get(at..).unwrap_or("");
                }
            }
            Chunk::Tz => {
                if value.starts_with("UTC") {
                    z_name = "UTC".to_string();
                    z_offset = Some(0);
                    value = value.get(3..).unwrap_or("");
                } else {
                    let n = value.bytes().take_while(u8::is_ascii_uppercase).count();
                    if n < 3 {
                        return Err(bad(hold));
                    }
                    z_name = value.get(..n).unwrap_or("").to_string();
                    value = value.get(n..).unwrap_or("");
                }
            }
            Chunk::Frac { digits, trim, .. } => {
                let b = value.as_bytes();
                if trim {
                    if !frac_start(b) {
                        continue;
                    }
                    let mut n = 1;
                    while n < 10 && b.get(n).is_some_and(u8::is_ascii_digit) {
                        n += 1;
                    }
                    nsec = parse_nanos(value.get(..n).unwrap_or(""));
                    value = value.get(n..).unwrap_or("");
                } else {
                    let n = 1 + digits;
                    if !frac_start(b)
                        || !b
                            .get(1..n)
                            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
                    {
                        return Err(bad(hold));
                    }
                    nsec = parse_nanos(value.get(..n).unwrap_or(""));
                    value = value.get(n..).unwrap_or("");
                }
            }
        }
    }
    if pm_set && hour < 12 {
        hour += 12;
    } else if am_set && hour == 12 {
        hour = 0;
    }
    if yday >= 0 {
        let (mut m, mut d) = (0, 0);
        if is_leap(year) {
            if yday == 31 + 29 {
                m = 2;
                d = 29;
            } else if yday > 31 + 29 {
                yday -= 1;
            }
        }
        if !(1..=365).contains(&yday) {
            return Err(parse_err(
                alayout,
                avalue,
                "",
                value,
                ": day-of-year out of range",
            ));
        }
        if m == 0 {
            m = 1;
            let mut rem = yday;
            while rem > days_in(m, 2001) {
                rem -= days_in(m, 2001);
                m += 1;
            }
            d = rem;
        }
        if (month >= 0 && month != m) || (day >= 0 && day != d) {
            return Err(parse_err(
                alayout,
                avalue,
                "",
                value,
                ": day-of-year does not match month",
            ));
        }
        month = m;
        day = d;
    } else {
        if month < 0 {
            month = 1;
        }
        if day < 0 {
            day = 1;
        }
    }
    if day < 1 || day > days_in(month, year) {
        return Err(parse_err(alayout, avalue, "", value, ": day out of range"));
    }
    let local = days_from_civil(year, month, day) * 86_400 + hour * 3600 + min * 60 + sec;
    let nanos = u32::try_from(nsec).unwrap_or(0);
    if let Some(off) = z_offset {
        let zone = if off == 0 && (z_name == "UTC" || z_name.is_empty()) {
            "UTC".to_string()
        } else {
            String::new()
        };
        return Ok(Time {
            unix: local - off,
            nanos,
            offset: i32::try_from(off).unwrap_or(0),
            zone,
        });
    }
    if !z_name.is_empty() {
        // An abbreviation Go cannot resolve in the location: a fabricated zone with
        // that name and offset 0 (GMT+h forms included as Go reads them).
        let mut offset = 0;
        if let Some(rest) = z_name.strip_prefix("GMT").filter(|r| !r.is_empty()) {
            offset = rest.parse::<i64>().unwrap_or(0) * 3600;
        }
        return Ok(Time {
            unix: local - offset,
            nanos,
            offset: i32::try_from(offset).unwrap_or(0),
            zone: z_name,
        });
    }
    Ok(Time {
        unix: local,
        nanos,
        offset: 0,
        zone: "UTC".to_string(),
    })
}

/// `.d` or `,d`: a fractional second starts here.
fn frac_start(b: &[u8]) -> bool {
    matches!(b, [b'.' | b',', d, ..] if d.is_ascii_digit())
}

fn parse_nanos(frac: &str) -> i64 {
    // frac is ".ddd"; 9 digits at most count.
    let digits: String = frac.chars().skip(1).take(9).collect();
    let mut n: i64 = digits.parse().unwrap_or(0);
    for _ in digits.len()..9 {
        n *= 10;
    }
    n
}

/// Skips the literal `prefix` in `value` as Go's `skip` does (a space in the
/// layout matches any run of spaces in the value).
fn skip<'a>(mut value: &'a str, prefix: &str) -> Option<&'a str> {
    let mut prefix = prefix;
    while let Some(p) = prefix.chars().next() {
        if p == ' ' {
            if !value.is_empty() && !value.starts_with(' ') {
                return None;
            }
            prefix = prefix.trim_start_matches(' ');
            value = value.trim_start_matches(' ');
            continue;
        }
        let v = value.chars().next()?;
        if v != p {
            return None;
        }
        prefix = prefix.get(p.len_utf8()..)?;
        value = value.get(v.len_utf8()..)?;
    }
    Some(value)
}

/// Go's `Duration.String()` for `d` nanoseconds: `1h2m3.5s`, `1.5ms`, `0s`.
pub fn duration_string(d: i64) -> String {
    let neg = d < 0;
    let mut u = d.unsigned_abs();
    let mut out = String::new();
    if u < 1_000_000_000 {
        if u == 0 {
            return "0s".to_string();
        }
        let (prec, unit) = if u < 1_000 {
            (0, "ns")
        } else if u < 1_000_000 {
            (3, "µs")
        } else {
            (6, "ms")
        };
        let (frac, rest) = frac_part(u, prec);
        out = format!("{rest}{frac}{unit}");
    } else {
        let (frac, rest) = frac_part(u, 9);
        u = rest;
        let secs = u % 60;
        u /= 60;
        let _ = write!(out, "{secs}{frac}s");
        if u > 0 {
            let mins = u % 60;
            u /= 60;
            out = format!("{mins}m{out}");
            if u > 0 {
                out = format!("{u}h{out}");
            }
        }
    }
    if neg {
        out.insert(0, '-');
    }
    out
}

/// The fraction `.ddd` (trailing zeros dropped) of `v / 10^prec`, and the quotient.
fn frac_part(v: u64, prec: u32) -> (String, u64) {
    let p = 10_u64.pow(prec);
    let f = v % p;
    if f == 0 {
        return (String::new(), v / p);
    }
    let mut s = format!("{f:0width$}", width = prec as usize);
    while s.ends_with('0') {
        s.pop();
    }
    (format!(".{s}"), v / p)
}

/// Go's `time.ParseDuration` error text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DurationError(pub String);

#[allow(clippy::too_many_lines, clippy::many_single_char_names)]
/// Go's `time.ParseDuration`: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`, in nanoseconds.
pub fn parse_duration(s: &str) -> Result<i64, DurationError> {
    let orig = s;
    let invalid = || DurationError(format!("time: invalid duration {}", quote(orig)));
    let mut s = s;
    let mut neg = false;
    if let Some(c) = s.chars().next() {
        if c == '-' || c == '+' {
            neg = c == '-';
            s = s.get(1..).unwrap_or("");
        }
    }
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut total: u64 = 0;
    while !s.is_empty() {
        let b = s.as_bytes();
        if !b.first().is_some_and(|c| *c == b'.' || c.is_ascii_digit()) {
            return Err(invalid());
        }
        let int_len = s.bytes().take_while(u8::is_ascii_digit).count();
        let pre = int_len > 0;
        let mut v: u64 = 0;
        for c in s.get(..int_len).unwrap_or("").bytes() {
            v = v
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(c - b'0')))
                .ok_or_else(invalid)?;
        }
        s = s.get(int_len..).unwrap_or("");
        let mut frac: u64 = 0;
        let mut scale: f64 = 1.0;
        let mut post = false;
        if s.starts_with('.') {
            s = s.get(1..).unwrap_or("");
            let n = s.bytes().take_while(u8::is_ascii_digit).count();
            post = n > 0;
            let mut overflow = false;
            for c in s.get(..n).unwrap_or("").bytes() {
                if overflow {
                    continue;
                }
                match frac
                    .checked_mul(10)
                    .and_then(|f| f.checked_add(u64::from(c - b'0')))
                {
                    Some(f) if f < (1 << 63) => {
                        frac = f;
                        scale *= 10.0;
                    }
                    _ => overflow = true,
                }
            }
            s = s.get(n..).unwrap_or("");
        }
        if !pre && !post {
            return Err(invalid());
        }
        let unit_len = s
            .bytes()
            .take_while(|c| *c != b'.' && !c.is_ascii_digit())
            .count();
        if unit_len == 0 {
            return Err(DurationError(format!(
                "time: missing unit in duration {}",
                quote(orig)
            )));
        }
        let unit = s.get(..unit_len).unwrap_or("");
        s = s.get(unit_len..).unwrap_or("");
        let mult: u64 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => {
                return Err(DurationError(format!(
                    "time: unknown unit {} in duration {}",
                    quote(unit),
                    quote(orig)
                )))
            }
        };
        if v > (1 << 63) / mult {
            return Err(invalid());
        }
        v *= mult;
        if frac > 0 {
            #[allow(clippy::cast_precision_loss, clippy::cast_sign_loss)]
            let add = (frac as f64 * (mult as f64 / scale)) as u64;
            v = v.checked_add(add).ok_or_else(invalid)?;
            if v > 1 << 63 {
                return Err(invalid());
            }
        }
        total = total.checked_add(v).ok_or_else(invalid)?;
        if total > 1 << 63 {
            return Err(invalid());
        }
    }
    if neg {
        return Ok(0_i64.wrapping_sub_unsigned(total));
    }
    i64::try_from(total).map_err(|_| invalid())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn formats_reference_layouts() {
        let t = Time::from_unix(1_560_458_379, 0);
        assert_eq!(t.format("02 Jan 06 15:04 -0700"), "13 Jun 19 20:39 +0000");
        assert_eq!(
            t.format("Mon Jan _2 15:04:05 MST 2006"),
            "Thu Jun 13 20:39:39 UTC 2019"
        );
        assert_eq!(t.format(time_rfc3339()), "2019-06-13T20:39:39Z");
        assert_eq!(t.go_string(), "2019-06-13 20:39:39 +0000 UTC");
        assert_eq!(t.add(1_500_000_000).format("05.000 3PM"), "40.500 8PM");
        assert_eq!(Time::zero().go_string(), "0001-01-01 00:00:00 +0000 UTC");
    }

    fn time_rfc3339() -> &'static str {
        "2006-01-02T15:04:05Z07:00"
    }

    #[test]
    fn parses_layouts() {
        let t = parse("2006-01-02", "2017-12-31").unwrap();
        assert_eq!(t.format("02/01/2006"), "31/12/2017");
        let t = parse(time_rfc3339(), "2019-06-13T20:39:39+02:00").unwrap();
        assert_eq!(t.unix, 1_560_451_179);
        assert_eq!(t.format("15:04 -07:00"), "20:39 +02:00");
        let e = parse("2006-01-02", "2017-13-01").unwrap_err();
        assert_eq!(e.0, "parsing time \"2017-13-01\": month out of range");
        let e = parse("2006-01-02", "x").unwrap_err();
        assert_eq!(
            e.0,
            "parsing time \"x\" as \"2006-01-02\": cannot parse \"x\" as \"2006\""
        );
        let e = parse("2006-01-02", "2017-02-30").unwrap_err();
        assert_eq!(e.0, "parsing time \"2017-02-30\": day out of range");
    }

    #[test]
    fn durations() {
        assert_eq!(duration_string(61 * NANOS), "1m1s");
        assert_eq!(duration_string(3600 * NANOS), "1h0m0s");
        assert_eq!(duration_string(1_500), "1.5µs");
        assert_eq!(duration_string(-2_500_000), "-2.5ms");
        assert_eq!(parse_duration("2h5s").unwrap(), 7205 * NANOS);
        assert_eq!(parse_duration("1.5h").unwrap(), 5400 * NANOS);
        assert_eq!(parse_duration("-1m").unwrap(), -60 * NANOS);
        assert_eq!(
            parse_duration("1f").unwrap_err().0,
            "time: unknown unit \"f\" in duration \"1f\""
        );
        assert_eq!(
            parse_duration("1").unwrap_err().0,
            "time: missing unit in duration \"1\""
        );
        assert_eq!(
            parse_duration("").unwrap_err().0,
            "time: invalid duration \"\""
        );
    }
}
