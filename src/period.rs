//! The month a run scores: named by the month, or by the day its figures run to.

use std::fmt;

use crate::time::{self, Day, Month};

/// The month a run scores and the day its figures run to (its as-of date): the last
/// day of the month, unless the run is month to date.
///
/// ```
/// let november = kpi::Period::month("2026-11").unwrap();
/// assert_eq!(november.to_string(), "2026-11 (to 2026-11-30)");
/// let mid = kpi::Period::as_of("2026-11-15").unwrap();
/// assert_eq!(mid.to_string(), "2026-11 (to 2026-11-15)");
/// assert!(kpi::Period::as_of("2026-02-30").is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub(crate) month: Month,
    pub(crate) as_of: Day,
}

impl Period {
    /// The whole of a month written `YYYY-MM`; the error says what is wrong.
    pub fn month(text: &str) -> Result<Period, String> {
        let month = time::parse_month(text.trim())?;
        Period::whole(month).ok_or_else(|| format!("{text} is outside the calendar"))
    }

    /// The month holding a day written `YYYY-MM-DD`, up to and including that day.
    pub fn as_of(text: &str) -> Result<Period, String> {
        let day = time::parse_date(text.trim())?;
        let month = time::month_of(day).ok_or_else(|| format!("{text} is outside the calendar"))?;
        Ok(Period { month, as_of: day })
    }

    /// The whole of `month`, as of its last day.
    pub(crate) fn whole(month: Month) -> Option<Period> {
        Some(Period {
            month,
            as_of: time::last_day(month)?,
        })
    }

    /// The month before, whole.
    pub(crate) fn previous(self) -> Option<Period> {
        Period::whole(self.month - 1)
    }

    /// The days of the month, counted as the rules count them.
    pub(crate) fn days(self) -> Option<Days> {
        let (first, last) = (time::first_day(self.month)?, time::last_day(self.month)?);
        // An as-of day outside the month counts as its eve or its end.
        let as_of = self.as_of.clamp(first - 1, last);
        Some(Days {
            first,
            last,
            elapsed: as_of - first + 1,
            remaining: last - as_of,
        })
    }
}

/// The days of a month, as of a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Days {
    /// The first day.
    pub first: Day,
    /// The last day.
    pub last: Day,
    /// The days from the first to the as-of day, both included.
    pub elapsed: i32,
    /// The days after the as-of day.
    pub remaining: i32,
}

impl Days {
    /// How many days the month has.
    pub(crate) fn count(self) -> i32 {
        self.last - self.first + 1
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (to {})",
            time::show_month(self.month),
            time::show_date(self.as_of)
        )
    }
}

/// The records of a run, in the order of first appearance: those of the month scored
/// first, then those of the month before that the rules read through `previous`.
#[derive(Debug, Clone, Default)]
pub struct Selected {
    /// The records.
    pub records: Vec<crate::Record>,
    /// How many of them, from the first, are of the month scored (the others are
    /// read, not scored).
    pub scored: usize,
}

impl crate::Ruleset {
    /// Where a run of `period` places each record of a ruleset whose month is read
    /// from input `column`: in which month, and whether it is scored (else only read,
    /// as the month before), or nowhere.
    fn placing(
        &self,
        column: usize,
        period: Option<Period>,
    ) -> impl Fn(&crate::Record) -> Option<(Period, bool)> {
        let previous = period
            .filter(|_| self.versions().any(|v| v.program().reads_previous))
            .and_then(Period::previous);
        move |record: &crate::Record| -> Option<(Period, bool)> {
            let month = record.period?.month;
            let day = record.date_at(Some(column));
            match period {
                None => Some((Period::whole(month)?, true)),
                Some(p) if p.month == month => {
                    day.is_none_or(|d| d <= p.as_of).then_some((p, true))
                }
                Some(_) => previous.filter(|p| p.month == month).map(|p| (p, false)),
            }
        }
    }

    /// Whether a run of `period` scores `record`, as [`Ruleset::select`] decides for
    /// one record of a ruleset that does not roll up rows; if so, with the record's
    /// month set as the run scores it. Every record is scored when no month is named.
    pub(crate) fn scores_in(&self, record: &mut crate::Record, period: Option<Period>) -> bool {
        let (Some(column), Some(_)) = (self.program().model.period, period) else {
            return true;
        };
        match self.placing(column, period)(record) {
            Some((p, true)) => {
                record.period = Some(p);
                true
            }
            _ => false,
        }
    }

    /// Whether the ruleset scores by month (`period month from COLUMN`).
    pub fn scores_by_period(&self) -> bool {
        self.program().model.period.is_some()
    }

    /// Whether records are rolled up from daily rows (`period month from DATE`): a
    /// run names its month, and a record is every row of one key in it.
    pub fn rolls_up_rows(&self) -> bool {
        let model = &self.program().model;
        model
            .period
            .is_some_and(|p| model.inputs[p].ty == crate::check::types::Type::Date)
    }

    /// The records of a run over `records` as read: for a ruleset that rolls up
    /// daily rows, the rows of `period` up to its as-of date rolled up into one
    /// record per key; for one whose records each have a month, the records of
    /// `period` (all of them without one). Records of other months are left out,
    /// except those of the month before, where the rules read it. The errors say
    /// what is wrong with rows that cannot be rolled up, or that a ruleset of daily
    /// rows needs a period.
    pub fn select(
        &self,
        records: Vec<crate::Record>,
        period: Option<Period>,
    ) -> Result<Selected, Vec<crate::DataError>> {
        use crate::input::{DataError, Location};
        let Some(column) = self.program().model.period else {
            let scored = records.len();
            return Ok(Selected { records, scored });
        };
        let place = self.placing(column, period);
        if !self.rolls_up_rows() {
            let (mut scored, mut read) = (Vec::new(), Vec::new());
            for mut record in records {
                if let Some((p, is_scored)) = place(&record) {
                    record.period = Some(p);
                    if is_scored { &mut scored } else { &mut read }.push(record);
                }
            }
            let n = scored.len();
            scored.extend(read);
            return Ok(Selected {
                records: scored,
                scored: n,
            });
        }
        if period.is_none() {
            return Err(vec![DataError::new(
                crate::DataErrorKind::NoPeriod,
                Location::File,
                format!(
                    "ruleset `{}` adds up daily rows into months: name the month to score, as in --period 2026-11 (or --as-of 2026-11-15 for the month to date)",
                    self.name()
                ),
            )]);
        }
        // Each row is evaluated in the month it is rolled up into, as of the run's day.
        let mut records = records;
        let placed: Vec<Option<(Period, bool)>> = records.iter().map(place).collect();
        for (record, placed) in records.iter_mut().zip(&placed) {
            if let Some((p, _)) = placed {
                record.period = Some(*p);
            }
        }
        // The rows of each key in each month, in the order the keys first appear.
        let mut groups: Vec<(String, Period, bool, Vec<&crate::Record>)> = Vec::new();
        let mut index: std::collections::HashMap<(&str, i32), usize> =
            std::collections::HashMap::new();
        for (record, placed) in records.iter().zip(&placed) {
            let Some((p, is_scored)) = *placed else {
                continue;
            };
            let at = *index.entry((record.key(), p.month)).or_insert_with(|| {
                groups.push((record.key().to_string(), p, is_scored, Vec::new()));
                groups.len() - 1
            });
            groups[at].3.push(record);
        }
        // The month scored first, in the order its keys first appear (a stable sort).
        groups.sort_by_key(|g| !g.2);
        let scored = groups.iter().filter(|g| g.2).count();
        let mut rolled = Vec::with_capacity(groups.len());
        let mut errors = Vec::new();
        for (key, p, _, rows) in &groups {
            match crate::eval::rollup::roll_up(self.version_for(*p).program(), key, *p, rows) {
                Ok(record) => rolled.push(record),
                Err(e) => errors.push(e),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Selected {
            records: rolled,
            scored,
        })
    }
}
