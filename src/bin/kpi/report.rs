//! `kpi report`: the workbook HR opens first after a run. A sheet of results, a
//! summary (head count, totals, and the same by grade and by a column) with a chart of
//! the grade distribution, a histogram of the payout, and the records that could not
//! be scored and why.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use kpi::{OutputValue, Ruleset};
use rust_xlsxwriter::{Chart, ChartType, Format, Workbook, Worksheet, XlsxError};

use crate::amounts::{Amount, Exact};
use crate::period::PeriodArgs;
use crate::scoring::{Entry, Scored, Side};
use crate::source::SourceArgs;
use crate::{FAILED, Failure, load, say};

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

/// How many bars the payout histogram has.
const BINS: usize = 10;

/// Scores the data and writes the workbook.
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
    let book = Book {
        ruleset: &ruleset,
        entries: &entries,
        by: args.by.as_deref(),
    };
    book.write(&args.output)
        .map_err(|e| Failure::usage(format!("cannot write {}: {e}", args.output.display())))?;
    let failed = entries
        .iter()
        .filter(|e| !matches!(e.scored, Scored::Outputs(_)))
        .count();
    say(&format!(
        "{}: {} records scored, {failed} not\n",
        args.output.display(),
        entries.len() - failed
    ))?;
    Ok(if failed > 0 { FAILED } else { 0 })
}

/// The records of a run, laid out as a workbook.
struct Book<'a> {
    ruleset: &'a Ruleset,
    entries: &'a [Entry],
    by: Option<&'a str>,
}

/// Records and the totals of each numeric output over them.
#[derive(Default)]
struct Totals {
    records: usize,
    sums: Vec<Option<Exact>>,
}

impl Totals {
    fn add(&mut self, values: &[OutputValue]) {
        self.records += 1;
        self.sums.resize(values.len(), None);
        for (sum, value) in self.sums.iter_mut().zip(values) {
            if let Some(v) = Amount::of(value).and_then(|a| a.value(value)) {
                *sum = Some(sum.take().unwrap_or_default().plus(&v));
            }
        }
    }
}

impl Book<'_> {
    fn scored(&self) -> impl Iterator<Item = (&Entry, &[OutputValue])> {
        self.entries.iter().filter_map(|e| match &e.scored {
            Scored::Outputs(outcome) => Some((e, outcome.values.as_slice())),
            _ => None,
        })
    }

    fn write(&self, path: &Path) -> Result<(), XlsxError> {
        let mut book = Workbook::new();
        self.results(book.add_worksheet())?;
        let grades = self.summary(book.add_worksheet())?;
        let histogram = self.distribution(book.add_worksheet())?;
        self.not_scored(book.add_worksheet())?;
        if let Some((rows, sheet_row)) = grades {
            let mut chart = Chart::new(ChartType::Column);
            chart.title().set_name("等级分布 / Grade distribution");
            chart
                .add_series()
                .set_categories(("汇总 Summary", sheet_row, 0, sheet_row + rows - 1, 0))
                .set_values(("汇总 Summary", sheet_row, 1, sheet_row + rows - 1, 1))
                .set_name("人数 / Records");
            book.worksheet_from_name("汇总 Summary")?
                .insert_chart(1, 6, &chart)?;
        }
        if let Some(name) = histogram {
            let mut chart = Chart::new(ChartType::Column);
            chart
                .title()
                .set_name(format!("{name} 分布 / Histogram").as_str());
            chart
                .add_series()
                .set_categories(("分布 Distribution", 1, 3, BINS as u32, 3))
                .set_values(("分布 Distribution", 1, 2, BINS as u32, 2))
                .set_name("人数 / Records");
            book.worksheet_from_name("分布 Distribution")?
                .insert_chart(1, 4, &chart)?;
        }
        book.save(path)
    }

    /// Every record scored: its key, then every output, money to two places.
    fn results(&self, sheet: &mut Worksheet) -> Result<(), XlsxError> {
        sheet.set_name("结果 Results")?;
        let bold = Format::new().set_bold();
        let keys = self.ruleset.key_names();
        let names = self.ruleset.output_names();
        for (c, name) in keys.iter().chain(&names).enumerate() {
            sheet.write_string_with_format(0, c as u16, *name, &bold)?;
        }
        let money = Format::new().set_num_format("#,##0.00");
        let percent = Format::new().set_num_format("0.00%");
        for (r, (entry, values)) in self.scored().enumerate() {
            let row = r as u32 + 1;
            let parts: Vec<&str> = entry.key.splitn(keys.len().max(1), ',').collect();
            for (c, part) in parts.iter().enumerate() {
                sheet.write_string(row, c as u16, *part)?;
            }
            for (c, value) in values.iter().enumerate() {
                let col = (keys.len() + c) as u16;
                match value {
                    OutputValue::Money(d) => {
                        sheet.write_number_with_format(row, col, number(&d.to_string()), &money)?;
                    }
                    OutputValue::Percent(d) => {
                        let fraction = number(&d.to_string()) / 100.0;
                        sheet.write_number_with_format(row, col, fraction, &percent)?;
                    }
                    OutputValue::Number(d) | OutputValue::Points(d) => {
                        sheet.write_number(row, col, number(&d.to_string()))?;
                    }
                    OutputValue::Missing => {}
                    other => {
                        sheet.write_string(row, col, other.to_string())?;
                    }
                }
            }
        }
        sheet.set_freeze_panes(1, keys.len() as u16)?;
        sheet.autofit();
        Ok(())
    }

    /// Head count and totals, then the same by grade and by the `--by` column;
    /// the rows of the first grade's table, for its chart.
    fn summary(&self, sheet: &mut Worksheet) -> Result<Option<(u32, u32)>, XlsxError> {
        sheet.set_name("汇总 Summary")?;
        let bold = Format::new().set_bold();
        let names = self.ruleset.output_names();
        let mut all = Totals::default();
        for (_, values) in self.scored() {
            all.add(values);
        }
        let not_scored = self.entries.len() - all.records;
        sheet.write_string_with_format(0, 0, "记录 / Records scored", &bold)?;
        sheet.write_number(0, 1, all.records as f64)?;
        sheet.write_string_with_format(1, 0, "未计分 / Not scored", &bold)?;
        sheet.write_number(1, 1, not_scored as f64)?;
        let mut row = 3;
        sheet.write_string_with_format(row, 0, "合计 / Total", &bold)?;
        for (c, (name, sum)) in names.iter().zip(&all.sums).enumerate() {
            if let Some(sum) = sum {
                sheet.write_string_with_format(row, c as u16 + 1, *name, &bold)?;
                sheet.write_number(row + 1, c as u16 + 1, number(&sum.to_string()))?;
            }
        }
        row += 3;
        let mut first_grade = None;
        for (o, name) in names.iter().enumerate() {
            let Some(labels) = self.ruleset.grade_labels(name) else {
                continue;
            };
            let mut by_grade = self.totals_by(|_, values| values.get(o).map(ToString::to_string));
            // Every grade in the order of its rows, those no record has included.
            let groups: Vec<(String, Totals)> = labels
                .iter()
                .map(|label| (label.clone(), by_grade.remove(label).unwrap_or_default()))
                .collect();
            let at = self.group_table(sheet, row, &format!("按 {name} / By {name}"), &groups)?;
            first_grade.get_or_insert((groups.len() as u32, row + 1));
            row = at + 1;
        }
        if let Some(column) = self.by {
            let groups: Vec<(String, Totals)> = self
                .totals_by(|entry, _| entry.group.clone())
                .into_iter()
                .collect();
            self.group_table(sheet, row, &format!("按 {column} / By {column}"), &groups)?;
        }
        sheet.autofit();
        Ok(first_grade)
    }

    /// The totals of the records scored, in one pass, by the group `group_of` puts
    /// each in (none: in no group), ordered by group.
    fn totals_by(
        &self,
        group_of: impl Fn(&Entry, &[OutputValue]) -> Option<String>,
    ) -> BTreeMap<String, Totals> {
        let mut groups: BTreeMap<String, Totals> = BTreeMap::new();
        for (entry, values) in self.scored() {
            if let Some(group) = group_of(entry, values) {
                groups.entry(group).or_default().add(values);
            }
        }
        groups
    }

    /// A table of groups from `row`: the heading, then each group's records and the
    /// totals of the numeric outputs; the row after it.
    fn group_table(
        &self,
        sheet: &mut Worksheet,
        row: u32,
        heading: &str,
        groups: &[(String, Totals)],
    ) -> Result<u32, XlsxError> {
        let bold = Format::new().set_bold();
        let names = self.ruleset.output_names();
        sheet.write_string_with_format(row, 0, heading, &bold)?;
        sheet.write_string_with_format(row, 1, "记录 / Records", &bold)?;
        let numeric: Vec<usize> = (0..names.len())
            .filter(|&o| {
                groups
                    .iter()
                    .any(|(_, t)| t.sums.get(o).is_some_and(Option::is_some))
            })
            .collect();
        for (c, &o) in numeric.iter().enumerate() {
            sheet.write_string_with_format(row, c as u16 + 2, names[o], &bold)?;
        }
        for (g, (label, totals)) in groups.iter().enumerate() {
            let r = row + 1 + g as u32;
            sheet.write_string(r, 0, label)?;
            sheet.write_number(r, 1, totals.records as f64)?;
            for (c, &o) in numeric.iter().enumerate() {
                let sum = totals.sums.get(o).cloned().flatten().unwrap_or_default();
                sheet.write_number(r, c as u16 + 2, number(&sum.to_string()))?;
            }
        }
        Ok(row + 1 + groups.len() as u32 + 1)
    }

    /// The histogram of the last money output (the payout): ten bars of equal width
    /// from the least to the greatest value; the output's name.
    fn distribution(&self, sheet: &mut Worksheet) -> Result<Option<String>, XlsxError> {
        sheet.set_name("分布 Distribution")?;
        let names = self.ruleset.output_names();
        let payout = (0..names.len()).rev().find(|&o| {
            self.scored()
                .any(|(_, values)| matches!(values.get(o), Some(OutputValue::Money(_))))
        });
        let Some(o) = payout else {
            sheet.write_string(0, 0, "no money output to chart")?;
            return Ok(None);
        };
        let values: Vec<f64> = self
            .scored()
            .filter_map(|(_, values)| match values.get(o) {
                Some(OutputValue::Money(d)) => Some(number(&d.to_string())),
                _ => None,
            })
            .collect();
        let low = values.iter().copied().fold(f64::INFINITY, f64::min);
        let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        // Bars a whole number of fen wide, so their bounds read as amounts.
        let width = (((high - low) / BINS as f64) * 100.0).ceil().max(1.0) / 100.0;
        let mut counts = [0usize; BINS];
        for v in &values {
            let bin = (((v - low) / width) as usize).min(BINS - 1);
            counts[bin] += 1;
        }
        let bold = Format::new().set_bold();
        let money = Format::new().set_num_format("#,##0.00");
        sheet.write_string_with_format(0, 0, format!("{} 自 / from", names[o]).as_str(), &bold)?;
        sheet.write_string_with_format(0, 1, "至 / to", &bold)?;
        sheet.write_string_with_format(0, 2, "人数 / Records", &bold)?;
        sheet.write_string_with_format(0, 3, "区间 / Range", &bold)?;
        for (b, count) in counts.iter().enumerate() {
            let r = b as u32 + 1;
            let from = low + width * b as f64;
            sheet.write_number_with_format(r, 0, from, &money)?;
            sheet.write_number_with_format(r, 1, from + width, &money)?;
            sheet.write_number(r, 2, *count as f64)?;
            let range = format!("{from:.2} – {:.2}", from + width);
            sheet.write_string(r, 3, range.as_str())?;
        }
        sheet.autofit();
        Ok(Some(names[o].to_string()))
    }

    /// The records that could not be read or scored, and why.
    fn not_scored(&self, sheet: &mut Worksheet) -> Result<(), XlsxError> {
        sheet.set_name("未计分 Not scored")?;
        let bold = Format::new().set_bold();
        sheet.write_string_with_format(0, 0, "记录 / Record", &bold)?;
        sheet.write_string_with_format(0, 1, "原因 / Why", &bold)?;
        let failed = self.entries.iter().filter_map(|e| match &e.scored {
            Scored::Failed(why) => Some((e.key.as_str(), why.as_str())),
            _ => None,
        });
        for (r, (key, why)) in failed.enumerate() {
            sheet.write_string(r as u32 + 1, 0, key)?;
            sheet.write_string(r as u32 + 1, 1, why)?;
        }
        sheet.autofit();
        Ok(())
    }
}

/// A decimal as the binary float a spreadsheet holds; exact values stay in the text
/// outputs of `kpi eval`, and a spreadsheet shows this one to the places it keeps.
fn number(decimal: &str) -> f64 {
    decimal.parse().unwrap_or(0.0)
}
