//! `kpi report`: the report HR opens first after a run, as a workbook or a web page.
//! The results, a summary (head count, totals, and the same by grade and by a column)
//! with a chart of the grade distribution, a histogram of the payout, and the records
//! that could not be scored and why.

mod model;
mod words;
mod xlsx;

use std::path::PathBuf;

use crate::period::PeriodArgs;
use crate::scoring::Side;
use crate::source::SourceArgs;
use crate::{FAILED, Failure, load, say};

use model::Report;

/// The arguments of `kpi report`.
#[derive(clap::Args)]
pub struct Args {
    /// The rule file.
    pub ruleset: PathBuf,
    /// Records: .csv, .json, .jsonl or a workbook.
    pub data: PathBuf,
    /// The workbook to write (.xlsx).
    #[arg(short, long)]
    pub output: PathBuf,
    /// Also total by the value of this input column, such as `team`.
    #[arg(long, value_name = "COLUMN")]
    pub by: Option<String>,
    #[command(flatten)]
    pub period: PeriodArgs,
    #[command(flatten)]
    pub source: SourceArgs,
}

/// Scores the data and writes the report.
pub fn report(args: &Args) -> Result<u8, Failure> {
    let Some(ruleset) = load(&args.ruleset)? else {
        return Ok(FAILED);
    };
    crate::scoring::check_by(&ruleset, &args.ruleset, args.by.as_deref())?;
    let period = args.period.resolve(&ruleset)?;
    let side = Side {
        ruleset: &ruleset,
        path: &args.ruleset,
    };
    let Some(entries) = side.run(&args.data, period, args.by.as_deref())? else {
        return Ok(FAILED);
    };
    let report = Report::new(&ruleset, &entries, args.by.as_deref());
    xlsx::write(&report, &args.output)
        .map_err(|e| Failure::usage(format!("cannot write {}: {e}", args.output.display())))?;
    say(&format!(
        "{}: {} records scored, {} not\n",
        args.output.display(),
        report.rows.len(),
        report.not_scored
    ))?;
    Ok(if report.not_scored > 0 { FAILED } else { 0 })
}
