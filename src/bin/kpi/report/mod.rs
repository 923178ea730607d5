//! `kpi report`: the report HR opens first after a run, as a workbook or a web page.
//! The results, a summary (head count, totals, and the same by grade and by a column)
//! with a chart of the grade distribution, a histogram of the payout, and the records
//! that could not be scored and why.

mod html;
mod model;
mod svg;
mod words;
mod xlsx;

use std::path::{Path, PathBuf};

use clap::ValueEnum;

use crate::output::{self, Inputs};
use crate::period::PeriodArgs;
use crate::scoring::Side;
use crate::source::SourceArgs;
use crate::spreadsheet::TextCells;
use crate::{FAILED, Failure, load, say};

use model::Report;

/// The arguments of `kpi report`.
#[derive(clap::Args)]
pub struct Args {
    /// The rule file.
    pub ruleset: PathBuf,
    /// Records: .csv, .json, .jsonl or a workbook.
    pub data: PathBuf,
    /// The file to write: a workbook (.xlsx) or a web page (.html).
    #[arg(short, long)]
    pub output: PathBuf,
    /// What to write; without it, a web page when the output ends in .html or .htm,
    /// else a workbook.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Also total by the value of this input column, such as `team`.
    #[arg(long, value_name = "COLUMN")]
    pub by: Option<String>,
    #[command(flatten)]
    pub period: PeriodArgs,
    #[command(flatten)]
    pub source: SourceArgs,
    #[command(flatten)]
    pub cells: TextCells,
}

/// What `kpi report` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A workbook, with charts a spreadsheet draws.
    Xlsx,
    /// One self-contained web page, with its charts drawn inline.
    Html,
}

impl Format {
    /// The format named by `--format`, else the one the output's extension names.
    fn of(chosen: Option<Format>, output: &Path) -> Format {
        chosen.unwrap_or_else(|| {
            let extension = output.extension().and_then(|e| e.to_str()).unwrap_or("");
            match extension.to_ascii_lowercase().as_str() {
                "html" | "htm" => Format::Html,
                _ => Format::Xlsx,
            }
        })
    }
}

/// Scores the data and writes the report.
pub fn report(args: &Args) -> Result<u8, Failure> {
    let inputs = [
        ("the rule file", &*args.ruleset),
        ("the data file", &args.data),
    ];
    Inputs::new(&inputs).refuse(&args.output)?;
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
    let written = match Format::of(args.format, &args.output) {
        Format::Xlsx => xlsx::workbook(&report, args.cells)
            .map_err(|e| Failure::usage(format!("cannot write {}: {e}", args.output.display())))?,
        Format::Html => {
            let data = args.data.file_name().unwrap_or(args.data.as_os_str());
            html::page(&report, &data.to_string_lossy()).into_bytes()
        }
    };
    output::write_file(&args.output, &written)?;
    say(&format!(
        "{}: {} records scored, {} not\n",
        args.output.display(),
        report.rows.len(),
        report.not_scored
    ))?;
    Ok(if report.not_scored > 0 { FAILED } else { 0 })
}

#[cfg(test)]
mod tests {
    use super::Format;
    use std::path::Path;

    #[test]
    fn the_format_is_the_one_asked_for_else_the_output_extensions() {
        let of = |chosen, path: &str| Format::of(chosen, Path::new(path));
        assert_eq!(of(None, "out/report.html"), Format::Html);
        assert_eq!(of(None, "REPORT.HTM"), Format::Html);
        assert_eq!(of(None, "report.xlsx"), Format::Xlsx);
        assert_eq!(of(None, "report"), Format::Xlsx);
        assert_eq!(of(Some(Format::Html), "report.xlsx"), Format::Html);
        assert_eq!(of(Some(Format::Xlsx), "report.html"), Format::Xlsx);
    }
}
