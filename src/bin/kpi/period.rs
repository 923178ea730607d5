//! `--period` and `--as-of`: the month a run scores.

use kpi::{Period, Ruleset};

use crate::Failure;

/// The month to score, for a ruleset that scores by month.
#[derive(clap::Args, Clone, Default)]
pub struct PeriodArgs {
    /// The month to score, YYYY-MM: other months' records are left out (except the
    /// month before, where the rules read it).
    #[arg(long, value_name = "YYYY-MM", conflicts_with = "as_of")]
    pub period: Option<String>,
    /// Score the month holding this day, YYYY-MM-DD, up to and including it: rows
    /// after it are left out, and the rules' `days_elapsed` and `days_remaining`
    /// count from it.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,
}

impl PeriodArgs {
    /// The period named, if one is; a usage error for a malformed one, or for one
    /// given to a ruleset that does not score by month.
    pub fn resolve(&self, ruleset: &Ruleset) -> Result<Option<Period>, Failure> {
        let period = match (&self.period, &self.as_of) {
            (Some(month), _) => Period::month(month)
                .map_err(|e| Failure::usage(format!("--period {month}: {e}")))?,
            (None, Some(day)) => {
                Period::as_of(day).map_err(|e| Failure::usage(format!("--as-of {day}: {e}")))?
            }
            (None, None) if ruleset.rolls_up_rows() => {
                return Err(Failure::usage(format!(
                    "ruleset `{}` adds up daily rows into months: name the month to score with --period YYYY-MM, or --as-of YYYY-MM-DD for the month to date",
                    ruleset.name()
                )));
            }
            (None, None) => return Ok(None),
        };
        if !ruleset.scores_by_period() {
            return Err(Failure::usage(format!(
                "ruleset `{}` does not score by month, so --period and --as-of do not apply to it",
                ruleset.name()
            )));
        }
        Ok(Some(period))
    }
}
