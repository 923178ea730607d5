//! `kpi diff`: scores one data file with a rule file as it is and as it would be, and
//! compares the two record by record before the change ships: who gains, who loses,
//! by how much, in total, by grade and by a column.

use std::cmp::Ordering;
use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;

use clap::ValueEnum;
use kpi::{OutputValue, Ruleset};

use crate::amounts::{Amount, Exact};
use crate::output::{self, Inputs, say_json};
use crate::period::PeriodArgs;
use crate::scoring::{Entry, Scored, Side};
use crate::source::SourceArgs;
use crate::spreadsheet::TextCells;
use crate::{FAILED, Failure, diff_report, diff_xlsx, load, say};

/// The arguments of `kpi diff`.
#[derive(clap::Args)]
pub struct Args {
    /// The rule file as it is.
    pub old: PathBuf,
    /// The rule file as it would be.
    pub new: PathBuf,
    /// Records: .csv, .json, .jsonl or a workbook, scored with both rule files.
    pub data: PathBuf,
    /// Output format [default: text, or xlsx for -o FILE.xlsx].
    #[arg(long, value_enum)]
    pub format: Option<DiffFormat>,
    /// Write to this file instead of standard output (a workbook needs one).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Also total the changes by the value of this input column (an input the new
    /// rule file declares).
    #[arg(long, value_name = "COLUMN")]
    pub by: Option<String>,
    /// How many of the largest changes to list for each numeric output.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub top: usize,
    #[command(flatten)]
    pub period: PeriodArgs,
    #[command(flatten)]
    pub source: SourceArgs,
    #[command(flatten)]
    pub cells: TextCells,
}

/// Output formats of `kpi diff`.
#[derive(Clone, Copy, ValueEnum)]
pub enum DiffFormat {
    /// A report to read: totals, groups, the largest changes, records not compared.
    Text,
    /// One row per record: each output before and after, and the change.
    Csv,
    /// Every record and every total (see README).
    Json,
    /// A workbook: the totals, every record, the largest changes, the records not
    /// compared.
    Xlsx,
}

impl Args {
    /// The format to write: the one asked for; without `--format`, a workbook for an
    /// output file named `.xlsx` and the text report otherwise. A workbook is not
    /// written to standard output: it needs `-o`.
    fn format(&self) -> Result<DiffFormat, Failure> {
        let named_xlsx = self.output.as_ref().is_some_and(|path| {
            path.extension()
                .is_some_and(|extension| extension.eq_ignore_ascii_case("xlsx"))
        });
        let format = match self.format {
            Some(format) => format,
            None if named_xlsx => DiffFormat::Xlsx,
            None => DiffFormat::Text,
        };
        if matches!(format, DiffFormat::Xlsx) && self.output.is_none() {
            return Err(Failure::usage(
                "--format xlsx writes a workbook: give -o FILE.xlsx".into(),
            ));
        }
        Ok(format)
    }
}

/// Scores the data with both rule files and writes the comparison.
pub fn diff(args: &Args) -> Result<u8, Failure> {
    let format = args.format()?;
    if let Some(file) = &args.output {
        let inputs = [
            ("the old rule file", &*args.old),
            ("the new rule file", &args.new),
            ("the data file", &args.data),
        ];
        Inputs::new(&inputs).refuse(file)?;
    }
    // Both files are compiled before either failure stops the run, so one run shows
    // every diagnostic.
    let old = load(&args.old)?;
    let new = load(&args.new)?;
    let (Some(old), Some(new)) = (old, new) else {
        return Ok(FAILED);
    };
    if old.key_names() != new.key_names() {
        return Err(Failure::usage(format!(
            "{} identifies records by `{}` and {} by `{}`: the two rule files must have the same key to be compared",
            args.old.display(),
            old.key_names().join(", "),
            args.new.display(),
            new.key_names().join(", "),
        )));
    }
    crate::scoring::check_by(&new, &args.new, args.by.as_deref())?;
    let old_period = args.period.resolve(&old)?;
    let new_period = args.period.resolve(&new)?;
    let before = Side {
        ruleset: &old,
        path: &args.old,
    };
    let after = Side {
        ruleset: &new,
        path: &args.new,
    };
    let Some(before_run) = before.run(&args.data, old_period, None)? else {
        return Ok(FAILED);
    };
    let Some(after_run) = after.run(&args.data, new_period, args.by.as_deref())? else {
        return Ok(FAILED);
    };
    let comparison = Comparison::new(&old, &new, before_run, after_run, args);
    let report = match format {
        DiffFormat::Text => diff_report::text(&comparison, &args.data).into_bytes(),
        DiffFormat::Csv => diff_report::csv(&comparison, args.cells)?.into_bytes(),
        DiffFormat::Json => diff_report::json(&comparison).into_bytes(),
        DiffFormat::Xlsx => diff_xlsx::workbook(&comparison, &args.data, args.cells)?,
    };
    match (&args.output, format) {
        (Some(path), _) => output::write_file(path, &report)?,
        // Only a text format comes here (a workbook needs -o), so the bytes are UTF-8.
        (None, DiffFormat::Json) => say_json(&String::from_utf8_lossy(&report))?,
        (None, _) => say(&String::from_utf8_lossy(&report))?,
    }
    let all_compared = comparison.compared() == comparison.records.len();
    Ok(if all_compared { 0 } else { FAILED })
}

/// A record under both rule files.
pub struct Compared {
    /// The record's key.
    pub key: String,
    /// Under the old rule file.
    pub before: Scored,
    /// Under the new one.
    pub after: Scored,
    /// The value of the `--by` column, as the new rule file read it.
    pub group: Option<String>,
}

impl Compared {
    /// Whether both rule files scored the record; only then does it count in totals.
    pub fn both_scored(&self) -> bool {
        matches!(
            (&self.before, &self.after),
            (Scored::Outputs(_), Scored::Outputs(_))
        )
    }

    /// The value of output `name` before and after; `None` where that side has no
    /// such output or no outputs at all.
    pub fn values(&self, name: &str) -> (Option<&OutputValue>, Option<&OutputValue>) {
        fn of<'s>(scored: &'s Scored, name: &str) -> Option<&'s OutputValue> {
            match scored {
                Scored::Outputs(outcome) => outcome.get(name),
                _ => None,
            }
        }
        (of(&self.before, name), of(&self.after, name))
    }

    /// After minus before for a numeric output, when both are numbers of its kind.
    pub fn change(&self, column: &Column) -> Option<Exact> {
        let kind = column.amount?;
        let (before, after) = self.values(&column.name);
        Some(kind.value(after?)?.minus(&kind.value(before?)?))
    }

    /// Why the record is not compared: each side's failure, or its absence.
    pub fn reason(&self) -> Option<String> {
        let why = |side: &str, scored: &Scored| match scored {
            Scored::Outputs(_) => None,
            Scored::Failed(reason) => Some(format!("{side}: {reason}")),
            Scored::Absent => Some(format!("{side}: not in the run")),
        };
        let reasons: Vec<String> = [why("old", &self.before), why("new", &self.after)]
            .into_iter()
            .flatten()
            .collect();
        (!reasons.is_empty()).then(|| reasons.join("; "))
    }
}

/// An output of either rule file.
pub struct Column {
    /// Its name.
    pub name: String,
    /// The kind of number it gives, for a numeric output.
    pub amount: Option<Amount>,
}

/// The totals of one numeric output over some records scored by both rule files.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    /// How many records.
    pub records: usize,
    /// The sum of the values before.
    pub before: Exact,
    /// The sum of the values after.
    pub after: Exact,
    /// Records whose value differs.
    pub changed: usize,
    /// Records whose value rose.
    pub gainers: usize,
    /// Records whose value fell.
    pub losers: usize,
}

impl Tally {
    /// Counts one record's values of an output of kind `amount`.
    fn add(&mut self, amount: Amount, before: Option<&OutputValue>, after: Option<&OutputValue>) {
        self.records += 1;
        let before_figure = before.and_then(|v| amount.value(v));
        let after_figure = after.and_then(|v| amount.value(v));
        if let Some(figure) = &before_figure {
            self.before = self.before.plus(figure);
        }
        if let Some(figure) = &after_figure {
            self.after = self.after.plus(figure);
        }
        match (before_figure, after_figure) {
            (Some(b), Some(a)) => match a.cmp(&b) {
                Ordering::Greater => {
                    self.changed += 1;
                    self.gainers += 1;
                }
                Ordering::Less => {
                    self.changed += 1;
                    self.losers += 1;
                }
                Ordering::Equal => {}
            },
            // A value that appears or disappears (a missing value, a new output).
            _ if before != after => self.changed += 1,
            _ => {}
        }
    }

    /// The total after minus the total before: what the change costs or saves.
    pub fn change(&self) -> Exact {
        self.after.minus(&self.before)
    }
}

/// Records grouped by a value: a grade of the new rule file, or an input column.
pub struct Grouping {
    /// The output or column grouped by.
    pub name: String,
    /// Each value with the totals of its records, one per numeric output.
    pub groups: Vec<(String, Vec<Tally>)>,
}

/// The whole comparison, ready to be written in any format.
pub struct Comparison {
    /// The old rule file, as named on the command line.
    pub old: String,
    /// The new one.
    pub new: String,
    /// The columns of the key.
    pub key_names: Vec<String>,
    /// Every output: the old file's in order, then those only the new file has.
    pub columns: Vec<Column>,
    /// Every record: the old run's in order, then those only the new run has.
    pub records: Vec<Compared>,
    /// The positions in `columns` of the numeric outputs; every list of tallies
    /// follows this order.
    pub numeric: Vec<usize>,
    /// The totals over every record scored by both, one per numeric output.
    pub summary: Vec<Tally>,
    /// The totals by each grade the new rule file gives.
    pub by_grade: Vec<Grouping>,
    /// The totals by the `--by` column.
    pub by_column: Option<Grouping>,
    /// For each numeric output, the records with the largest changes, largest first.
    pub largest: Vec<Vec<usize>>,
    /// How many of the largest changes were asked for.
    pub top: usize,
}

impl Comparison {
    /// How many records both rule files scored: those counted in the totals.
    pub fn compared(&self) -> usize {
        self.records.iter().filter(|r| r.both_scored()).count()
    }

    fn new(
        old: &Ruleset,
        new: &Ruleset,
        before: Vec<Entry>,
        after: Vec<Entry>,
        args: &Args,
    ) -> Comparison {
        let records = matched(before, after);
        let mut names: Vec<String> = old.output_names().into_iter().map(String::from).collect();
        for name in new.output_names() {
            if !names.iter().any(|n| n == name) {
                names.push(name.to_string());
            }
        }
        // An output is numeric when the first value it gives is a number; `none` says
        // nothing of its kind.
        let columns: Vec<Column> = names
            .into_iter()
            .map(|name| {
                let amount = records.iter().find_map(|r| {
                    let (before, after) = r.values(&name);
                    before
                        .and_then(Amount::of)
                        .or_else(|| after.and_then(Amount::of))
                });
                Column { name, amount }
            })
            .collect();
        let numeric: Vec<usize> = (0..columns.len())
            .filter(|&c| columns[c].amount.is_some())
            .collect();
        let compared: Vec<&Compared> = records.iter().filter(|r| r.both_scored()).collect();
        let tally = |members: &[&Compared]| -> Vec<Tally> {
            numeric
                .iter()
                .map(|&c| {
                    let column = &columns[c];
                    let mut tally = Tally::default();
                    if let Some(amount) = column.amount {
                        for record in members {
                            let (before, after) = record.values(&column.name);
                            tally.add(amount, before, after);
                        }
                    }
                    tally
                })
                .collect()
        };
        let summary = tally(&compared);
        let by_grade = new
            .output_names()
            .into_iter()
            .filter_map(|name| {
                let labels = new.grade_labels(name)?;
                let groups = grouped(&compared, |r| r.values(name).1.map(ToString::to_string));
                Some(Grouping {
                    name: name.to_string(),
                    groups: in_order_of(groups, labels)
                        .into_iter()
                        .map(|(label, members)| (label, tally(&members)))
                        .collect(),
                })
            })
            .collect();
        let by_column = args.by.as_ref().map(|column| {
            let mut groups = grouped(&compared, |r| r.group.clone());
            groups.sort_by(|a, b| a.0.cmp(&b.0));
            Grouping {
                name: column.clone(),
                groups: groups
                    .into_iter()
                    .map(|(value, members)| (value, tally(&members)))
                    .collect(),
            }
        });
        let largest = numeric
            .iter()
            .map(|&c| largest_changes(&records, &columns[c], args.top))
            .collect();
        Comparison {
            old: args.old.display().to_string(),
            new: args.new.display().to_string(),
            key_names: new.key_names().into_iter().map(String::from).collect(),
            columns,
            records,
            numeric,
            summary,
            by_grade,
            by_column,
            largest,
            top: args.top,
        }
    }
}

/// The records of both runs paired by key: the old run's in order, then those only
/// the new run has. A key that appears more than once pairs its occurrences in turn.
fn matched(before: Vec<Entry>, after: Vec<Entry>) -> Vec<Compared> {
    let mut by_key: HashMap<String, VecDeque<usize>> = HashMap::new();
    for (i, entry) in after.iter().enumerate() {
        by_key.entry(entry.key.clone()).or_default().push_back(i);
    }
    let mut after: Vec<Option<Entry>> = after.into_iter().map(Some).collect();
    let mut records = Vec::with_capacity(before.len());
    for entry in before {
        let partner = by_key
            .get_mut(&entry.key)
            .and_then(VecDeque::pop_front)
            .and_then(|i| after.get_mut(i).and_then(Option::take));
        let (scored, group) = match partner {
            Some(partner) => (partner.scored, partner.group),
            None => (Scored::Absent, None),
        };
        records.push(Compared {
            key: entry.key,
            before: entry.scored,
            after: scored,
            group,
        });
    }
    records.extend(after.into_iter().flatten().map(|entry| Compared {
        key: entry.key,
        before: Scored::Absent,
        after: entry.scored,
        group: entry.group,
    }));
    records
}

/// The records grouped by the value `of` gives, in order of first appearance;
/// records without a value are left out.
fn grouped<'r>(
    records: &[&'r Compared],
    of: impl Fn(&Compared) -> Option<String>,
) -> Vec<(String, Vec<&'r Compared>)> {
    let mut groups: Vec<(String, Vec<&Compared>)> = Vec::new();
    for &record in records {
        let Some(value) = of(record) else { continue };
        match groups.iter_mut().find(|(v, _)| *v == value) {
            Some((_, members)) => members.push(record),
            None => groups.push((value, vec![record])),
        }
    }
    groups
}

/// Groups ordered as `labels` lists their values; any other value after them.
fn in_order_of<T>(mut groups: Vec<(String, T)>, labels: &[String]) -> Vec<(String, T)> {
    groups.sort_by_key(|(value, _)| {
        labels
            .iter()
            .position(|l| l == value)
            .unwrap_or(labels.len())
    });
    groups
}

/// The positions of the `top` records with the largest changes of `column` (not
/// zero), largest first, ties by key.
fn largest_changes(records: &[Compared], column: &Column, top: usize) -> Vec<usize> {
    let mut changes: Vec<(usize, Exact)> = records
        .iter()
        .enumerate()
        .filter(|(_, r)| r.both_scored())
        .filter_map(|(i, r)| Some((i, r.change(column)?.abs())))
        .filter(|(_, change)| change.sign() != Ordering::Equal)
        .collect();
    changes.sort_by(|(a, a_change), (b, b_change)| {
        b_change
            .cmp(a_change)
            .then_with(|| records[*a].key.cmp(&records[*b].key))
    });
    changes.into_iter().take(top).map(|(i, _)| i).collect()
}
