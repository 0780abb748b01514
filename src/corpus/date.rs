//! Dates as precise as their source: a year, a year and month, or a full date.
//!
//! Sources often give only "April 2014"; a case records exactly that (`"2014-04"`)
//! rather than inventing a day. Dates order by their earliest possible day, so
//! `"2014"` sorts before `"2014-04"`.

use std::cmp::Ordering;
use std::fmt;

/// A calendar date known to a year, a month or a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartialDate {
    /// The year, 1000–9999.
    pub year: u16,
    /// The month, 1–12, when known.
    pub month: Option<u8>,
    /// The day of the month, when known (only with a month).
    pub day: Option<u8>,
}

impl PartialDate {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, checking that the day exists.
    pub fn parse(text: &str) -> Result<Self, String> {
        let parts: Vec<&str> = text.split('-').collect();
        let expected = "write the date as YYYY, YYYY-MM or YYYY-MM-DD";
        let number = |s: &str, len: usize| -> Option<u32> {
            if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) {
                s.parse().ok()
            } else {
                None
            }
        };
        if parts.is_empty() || parts.len() > 3 {
            return Err(format!("`{text}` is not a date: {expected}"));
        }
        let year =
            number(parts[0], 4).ok_or_else(|| format!("`{text}` is not a date: {expected}"))?;
        if year < 1000 {
            return Err(format!("`{text}`: the year must be between 1000 and 9999"));
        }
        let month = match parts.get(1) {
            None => None,
            Some(m) => {
                let m =
                    number(m, 2).ok_or_else(|| format!("`{text}` is not a date: {expected}"))?;
                if !(1..=12).contains(&m) {
                    return Err(format!("`{text}`: there is no month {m}"));
                }
                Some(m as u8)
            }
        };
        let day = match (parts.get(2), month) {
            (None, _) => None,
            (Some(d), Some(m)) => {
                let d =
                    number(d, 2).ok_or_else(|| format!("`{text}` is not a date: {expected}"))?;
                let last = days_in_month(year, m as u32);
                if d == 0 || d > last {
                    return Err(format!(
                        "`{text}` does not exist: month {m} of {year} has {last} days"
                    ));
                }
                Some(d as u8)
            }
            (Some(_), None) => return Err(format!("`{text}` is not a date: {expected}")),
        };
        Ok(PartialDate {
            year: year as u16,
            month,
            day,
        })
    }

    /// The earliest day the date could be, as (year, month, day).
    fn earliest(&self) -> (u16, u8, u8) {
        (self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// The latest day the date could be, as (year, month, day).
    fn latest(&self) -> (u16, u8, u8) {
        let month = self.month.unwrap_or(12);
        let day = self
            .day
            .unwrap_or(days_in_month(self.year as u32, month as u32) as u8);
        (self.year, month, day)
    }

    /// True when this date is certainly before `other` (an end before its start).
    pub fn certainly_before(&self, other: &PartialDate) -> bool {
        self.latest() < other.earliest()
    }
}

impl Ord for PartialDate {
    fn cmp(&self, other: &Self) -> Ordering {
        self.earliest()
            .cmp(&other.earliest())
            .then_with(|| self.month.is_some().cmp(&other.month.is_some()))
            .then_with(|| self.day.is_some().cmp(&other.day.is_some()))
    }
}

impl PartialOrd for PartialDate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        _ => 28,
    }
}

#[cfg(test)]
mod tests {
    use super::PartialDate;

    #[test]
    fn parses_each_precision_and_round_trips() {
        for text in ["2014", "2014-04", "2014-04-10", "2000-02-29", "2024-02-29"] {
            let date = PartialDate::parse(text).expect("valid date");
            assert_eq!(date.to_string(), text);
        }
    }

    #[test]
    fn rejects_impossible_dates() {
        for text in [
            "2019-02-30",
            "2019-02-29",
            "2023-02-29",
            "1900-02-29",
            "2100-02-29",
            "2019-05-00",
            "0000",
            "2019-05-01T10:00",
            "2019-05-01 ",
            "2019-13",
            "2019-00",
            "2019-04-31",
            "2019-4-1",
            "19",
            "",
            "2019-01-01-01",
            "x",
            "0999",
            "2019--01",
        ] {
            assert!(PartialDate::parse(text).is_err(), "{text:?}");
        }
    }

    #[test]
    fn orders_by_earliest_day_then_precision() {
        let d = |s| PartialDate::parse(s).expect("valid");
        assert!(d("2014") < d("2014-01"));
        assert!(d("2014-01") < d("2014-01-01"));
        assert!(d("2014-04") < d("2016-10-23"));
        assert!(d("2019-02-06") < d("2019-02-07"));
    }

    #[test]
    fn certainly_before_respects_precision() {
        let d = |s| PartialDate::parse(s).expect("valid");
        assert!(d("2014-03").certainly_before(&d("2014-04-01")));
        assert!(!d("2014").certainly_before(&d("2014-04")));
        assert!(!d("2014-04").certainly_before(&d("2014-04-10")));
        assert!(d("2013-12-31").certainly_before(&d("2014")));
    }
}
