//! The calendar: dates and months as whole numbers, so that they compare, subtract and
//! hash like any other exact value, and the few calendar facts rules need (a month's
//! days, ISO weeks clipped to a month).
//!
//! A date is its day number counted from 0001-01-01 (day 1); a month is
//! `year × 12 + (month − 1)`. Both live in a [`crate::number::Rational`] during
//! evaluation; the checker's types keep them apart from plain numbers.

use chrono::{Datelike, NaiveDate};

/// A date as a day number.
pub(crate) type Day = i32;
/// A month as `year × 12 + (month − 1)`.
pub(crate) type Month = i32;

const MONTH_NAMES: [&str; 12] = [
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

/// Reads `YYYY-MM-DD`, saying what is wrong: the form, or a day the month lacks.
pub(crate) fn parse_date(text: &str) -> Result<Day, String> {
    let form = "expected a date written YYYY-MM-DD, such as 2026-11-15";
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !digits(0..4) || !digits(5..7) {
        return Err(form.into());
    }
    if !digits(8..10) {
        return Err(form.into());
    }
    let year: i32 = text[0..4].parse().map_err(|_| form.to_string())?;
    let month: u32 = text[5..7].parse().map_err(|_| form.to_string())?;
    let day: u32 = text[8..10].parse().map_err(|_| form.to_string())?;
    if year == 0 {
        return Err(format!("{text} is not a date: there is no year 0"));
    }
    let Some(m) = month_number(year, month) else {
        return Err(format!("{text} is not a date: there is no month {month}"));
    };
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(d) if year >= 1 => Ok(d.num_days_from_ce()),
        _ => Err(format!(
            "{text} is not a date: {} {year} has {} days",
            MONTH_NAMES[(month - 1) as usize],
            days_in_month(m)
        )),
    }
}

/// Reads `YYYY-MM`.
pub(crate) fn parse_month(text: &str) -> Result<Month, String> {
    let form = "expected a month written YYYY-MM, such as 2026-11";
    let b = text.as_bytes();
    if b.len() != 7 || b[4] != b'-' || !b[..4].iter().chain(&b[5..]).all(u8::is_ascii_digit) {
        return Err(form.into());
    }
    let year: i32 = text[0..4].parse().map_err(|_| form.to_string())?;
    let month: u32 = text[5..7].parse().map_err(|_| form.to_string())?;
    if year == 0 {
        return Err(format!("{text} is not a month: there is no year 0"));
    }
    month_number(year, month)
        .ok_or_else(|| format!("{text} is not a month: there is no month {month}"))
}

fn month_number(year: i32, month: u32) -> Option<Month> {
    (1..=12)
        .contains(&month)
        .then(|| year * 12 + month as i32 - 1)
}

fn date(day: Day) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(day)
}

/// `YYYY-MM-DD`, or the day number when it is outside the calendar.
pub(crate) fn show_date(day: Day) -> String {
    match date(day) {
        Some(d) => d.format("%Y-%m-%d").to_string(),
        None => day.to_string(),
    }
}

/// `YYYY-MM`.
pub(crate) fn show_month(month: Month) -> String {
    format!(
        "{:04}-{:02}",
        month.div_euclid(12),
        month.rem_euclid(12) + 1
    )
}

/// The month a date falls in.
pub(crate) fn month_of(day: Day) -> Option<Month> {
    date(day).map(|d| d.year() * 12 + d.month0() as i32)
}

/// The first day of a month.
pub(crate) fn first_day(month: Month) -> Option<Day> {
    let (year, m0) = (month.div_euclid(12), month.rem_euclid(12) as u32);
    NaiveDate::from_ymd_opt(year, m0 + 1, 1)
        .filter(|_| year >= 1)
        .map(|d| d.num_days_from_ce())
}

/// The last day of a month.
pub(crate) fn last_day(month: Month) -> Option<Day> {
    first_day(month.checked_add(1)?).map(|d| d - 1)
}

/// How many days a month has.
pub(crate) fn days_in_month(month: Month) -> i32 {
    match (first_day(month), last_day(month)) {
        (Some(first), Some(last)) => last - first + 1,
        _ => 0,
    }
}

/// The ISO week number (1 to 53) of a date.
pub(crate) fn iso_week(day: Day) -> Option<u32> {
    date(day).map(|d| d.iso_week().week())
}

/// Which ISO week of `month` a day of it is in, counting from 0: the week holding the
/// first of the month is 0, whatever weekday that is (weeks run Monday to Sunday and
/// are clipped to the month).
pub(crate) fn week_of_month(day: Day, month: Month) -> Option<usize> {
    let first = first_day(month)?;
    let monday = first - date(first)?.weekday().num_days_from_monday() as i32;
    usize::try_from((day - monday).div_euclid(7)).ok()
}

/// The days of `month` in its week `week` (counting from 0), or `None` when the month
/// has no such week.
pub(crate) fn week_days(month: Month, week: usize) -> Option<(Day, Day)> {
    let (first, last) = (first_day(month)?, last_day(month)?);
    let monday = first - date(first)?.weekday().num_days_from_monday() as i32;
    let start = (monday + 7 * week as i32).max(first);
    let end = (monday + 7 * week as i32 + 6).min(last);
    (start <= end).then_some((start, end))
}

/// The most ISO weeks a month can touch.
pub(crate) const MAX_WEEKS: usize = 6;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_and_show_back() {
        let d = parse_date("2026-11-15").unwrap();
        assert_eq!(show_date(d), "2026-11-15");
        assert_eq!(parse_date("2026-11-16").unwrap() - d, 1);
        assert_eq!(show_month(month_of(d).unwrap()), "2026-11");
        assert_eq!(parse_month("2026-11").unwrap(), month_of(d).unwrap());
    }

    #[test]
    fn impossible_and_malformed_dates_say_why() {
        assert_eq!(
            parse_date("2026-02-30"),
            Err("2026-02-30 is not a date: February 2026 has 28 days".into())
        );
        assert_eq!(
            parse_date("2028-02-30"),
            Err("2028-02-30 is not a date: February 2028 has 29 days".into())
        );
        assert_eq!(
            parse_date("2026-13-01"),
            Err("2026-13-01 is not a date: there is no month 13".into())
        );
        for bad in ["2026/11/15", "26-11-15", "2026-11-5", "", "2026-11-15x"] {
            assert_eq!(
                parse_date(bad),
                Err("expected a date written YYYY-MM-DD, such as 2026-11-15".into()),
                "{bad}"
            );
        }
        assert!(parse_month("2026-00").is_err());
        assert_eq!(
            parse_month("0000-01"),
            Err("0000-01 is not a month: there is no year 0".into())
        );
        assert_eq!(
            parse_date("0000-01-01"),
            Err("0000-01-01 is not a date: there is no year 0".into())
        );
        let last = parse_month("9999-12").unwrap();
        assert_eq!(show_date(last_day(last).unwrap()), "9999-12-31");
        assert!(parse_month("2026-1").is_err());
    }

    #[test]
    fn months_know_their_days() {
        let feb = parse_month("2028-02").unwrap();
        assert_eq!(days_in_month(feb), 29);
        assert_eq!(days_in_month(parse_month("2026-11").unwrap()), 30);
        assert_eq!(
            show_date(last_day(parse_month("2026-12").unwrap()).unwrap()),
            "2026-12-31"
        );
    }

    #[test]
    fn weeks_are_iso_weeks_clipped_to_the_month() {
        let nov = parse_month("2026-11").unwrap();
        // 2026-11-01 is a Sunday: its week holds that day alone.
        let day = |t| parse_date(t).unwrap();
        assert_eq!(week_of_month(day("2026-11-01"), nov), Some(0));
        assert_eq!(week_of_month(day("2026-11-02"), nov), Some(1));
        assert_eq!(week_of_month(day("2026-11-08"), nov), Some(1));
        assert_eq!(week_of_month(day("2026-11-30"), nov), Some(5));
        assert_eq!(
            week_days(nov, 0),
            Some((day("2026-11-01"), day("2026-11-01")))
        );
        assert_eq!(
            week_days(nov, 5),
            Some((day("2026-11-30"), day("2026-11-30")))
        );
        assert_eq!(week_days(nov, 6), None);
        // February 2021 starts on a Monday and has exactly four weeks.
        let feb = parse_month("2021-02").unwrap();
        assert_eq!(
            week_days(feb, 3).map(|w| show_date(w.1)),
            Some("2021-02-28".into())
        );
        assert_eq!(week_days(feb, 4), None);
        assert_eq!(iso_week(day("2026-11-01")), Some(44));
    }
}
