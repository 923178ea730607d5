//! `kpi test --data DATA --expected EXPECTED`: a data file scored as `kpi eval` scores
//! it, and each record checked against the results HR worked out by hand, kept in a
//! CSV file or a workbook. Numbers compare as exact decimals: 620.03 and 620.030
//! agree, 620.025 does not.

use std::collections::HashMap;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use clap::ArgGroup;
use kpi::diagnostic::closest;
use kpi::explain::{Lang, step_text};
use kpi::{Location, Outcome, OutputValue, Ruleset};

use crate::amounts::Exact;
use crate::cases::{Case, Difference, Verdict, finish};
use crate::period::PeriodArgs;
use crate::scoring::{Entry, Scored, Side};
use crate::source::SourceArgs;
use crate::{FAILED, Failure, data, load, workbook};

/// The options of `kpi test` that check a data file against expected results.
#[derive(clap::Args)]
#[command(group(
    ArgGroup::new("reading")
        .args(["period", "as_of", "sheet", "encoding", "expected_sheet"])
        .multiple(true)
        .requires("data")
))]
pub struct Args {
    /// Score the records of this data file (.csv, .json, .jsonl or a workbook) as
    /// `kpi eval` does and check them against --expected, instead of running the
    /// rule file's own cases.
    #[arg(long, requires = "expected")]
    pub data: Option<PathBuf>,
    /// The results expected of the --data records: a CSV file or a workbook whose
    /// header names the key column(s) and any of the outputs, one row per record. An
    /// empty cell is not checked.
    #[arg(long, requires = "data")]
    pub expected: Option<PathBuf>,
    /// For an expected workbook: the sheet to read (else the one --sheet names, else
    /// the first).
    #[arg(long, value_name = "NAME")]
    pub expected_sheet: Option<String>,
    #[command(flatten)]
    pub period: PeriodArgs,
    #[command(flatten)]
    pub source: SourceArgs,
}

/// Scores `data` with the rule file at `path` and checks every row of `expected`,
/// printing the report of `kpi test`; 0 if every row holds.
pub fn test(
    path: &Path,
    data: &Path,
    expected: &Path,
    args: &Args,
    lang: Lang,
) -> Result<u8, Failure> {
    let Some(ruleset) = load(path)? else {
        return Ok(FAILED);
    };
    let period = args.period.resolve(&ruleset)?;
    let sheet = args
        .expected_sheet
        .as_deref()
        .or(args.source.sheet.as_deref());
    let table = Table::new(&ruleset, expected, read(expected, sheet)?)?;
    let first: HashMap<&str, &Row> = table
        .rows
        .iter()
        .rev()
        .map(|row| (row.key.as_str(), row))
        .collect();
    // Only the records that fail are explained.
    let differs = |key: &str, outcome: &Outcome| {
        first
            .get(key)
            .is_some_and(|row| row.cells.iter().any(|c| !c.holds(outcome)))
    };
    let side = Side {
        ruleset: &ruleset,
        path,
    };
    let Some(entries) = side.run_explaining(data, period, None, &differs)? else {
        return Ok(FAILED);
    };
    let mut scored: HashMap<&str, Vec<&Entry>> = HashMap::new();
    for entry in &entries {
        scored.entry(entry.key.as_str()).or_default().push(entry);
    }
    let cases: Vec<Case> = table
        .rows
        .iter()
        .map(|row| {
            let at = format!("{} {}", expected.display(), row.place);
            let before = first.get(row.key.as_str()).map(|r| &r.place);
            let verdict = match (&row.fault, before) {
                (Some(fault), _) => Verdict::Error(format!("{at}: {fault}")),
                (None, Some(before)) if *before != row.place => Verdict::Error(format!(
                    "{at}: the key {} was given before, at {before}; give each record's expected results once",
                    row.key
                )),
                (None, _) => match scored.get(row.key.as_str()).map(Vec::as_slice) {
                    None | Some([]) => absent(&at, data, &row.key, period.is_some()),
                    Some([entry]) => row.check(entry, lang, &at, data, period.is_some()),
                    Some(entries) => {
                        let why: Vec<&str> = (entries.iter())
                            .filter_map(|e| match &e.scored {
                                Scored::Failed(why) => Some(why.as_str()),
                                _ => None,
                            })
                            .collect();
                        Verdict::Error(format!(
                            "{at}: {} holds more than one record with the key {}, so none is checked: {}",
                            data.display(),
                            row.key,
                            why.join("; ")
                        ))
                    }
                },
            };
            Case {
                name: row.name(),
                label: None,
                verdict,
            }
        })
        .collect();
    finish(
        &cases,
        &format!(
            "no expected results: {} has no rows after its header",
            expected.display()
        ),
    )
}

/// The expected results, a row per record.
struct Table {
    rows: Vec<Row>,
}

/// One row of expected results.
struct Row {
    /// Where it is.
    place: Location,
    /// The key of its record, its parts joined with commas as a record's are.
    key: String,
    /// The cells to check: those not empty under an output's column.
    cells: Vec<Cell>,
    /// Why the row cannot be checked.
    fault: Option<String>,
}

/// A value expected of one output.
struct Cell {
    /// The output.
    name: String,
    /// The value, as written (without surrounding spaces).
    text: String,
}

/// What a column of the expected results holds.
#[derive(Clone, Copy)]
enum Column {
    /// A part of the key, by position among the key's columns.
    Key(usize),
    /// An output, by position.
    Output(usize),
    /// Nothing: the header names no column here.
    Unnamed,
}

impl Table {
    /// The rows of `raw` (the file at `path`) read against `ruleset`'s key and
    /// outputs; a data error for a header that names anything else, or lacks a part
    /// of the key.
    fn new(
        ruleset: &Ruleset,
        path: &Path,
        raw: Vec<(Location, Vec<String>)>,
    ) -> Result<Table, Failure> {
        let fault = |message: String| Failure::data(format!("{}: {message}", path.display()));
        let mut raw = raw.into_iter();
        let Some((_, header)) = raw.next() else {
            return Err(fault(
                "the file is empty; its first row must name the key column and the outputs to check".into(),
            ));
        };
        let keys = ruleset.key_names();
        let outputs = ruleset.output_names();
        let mut columns = Vec::with_capacity(header.len());
        let mut unknown = Vec::new();
        for (i, name) in header.iter().map(|n| n.trim()).enumerate() {
            if !name.is_empty() && header[..i].iter().any(|n| n.trim() == name) {
                return Err(fault(format!(
                    "the header names the column {name} twice; keep one"
                )));
            }
            columns.push(if name.is_empty() {
                Column::Unnamed
            } else if let Some(k) = keys.iter().position(|k| *k == name) {
                Column::Key(k)
            } else if let Some(o) = outputs.iter().position(|o| *o == name) {
                Column::Output(o)
            } else {
                unknown.push(unknown_column(ruleset, name));
                Column::Unnamed
            });
        }
        if !unknown.is_empty() {
            return Err(fault(format!(
                "the header names {}, which {} neither the key nor an output of ruleset `{}`; its key is {} and its outputs are {}",
                unknown.join(", "),
                if unknown.len() == 1 { "is" } else { "are" },
                ruleset.name(),
                keys.join(", "),
                outputs.join(", ")
            )));
        }
        let missing: Vec<&str> = (0..keys.len())
            .filter(|&k| {
                !columns
                    .iter()
                    .any(|c| matches!(c, Column::Key(i) if *i == k))
            })
            .map(|k| keys[k])
            .collect();
        if !missing.is_empty() {
            return Err(fault(format!(
                "the header has no column for {}, the key of ruleset `{}`; add it, so each row names its record",
                missing.join(", "),
                ruleset.name()
            )));
        }
        let rows = raw
            .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
            .map(|(place, cells)| Row::new(place, &cells, &columns, &keys, &outputs))
            .collect();
        Ok(Table { rows })
    }
}

/// A column of the header that is neither the key nor an output, with what it may
/// have been meant to be.
fn unknown_column(ruleset: &Ruleset, name: &str) -> String {
    let known = ruleset
        .key_names()
        .into_iter()
        .chain(ruleset.output_names());
    match closest(name, known) {
        Some(meant) => format!("{name} (did you mean {meant}?)"),
        None if ruleset.inputs().any(|i| i.name() == name) => {
            format!("{name} (an input: remove the column)")
        }
        None => name.to_string(),
    }
}

impl Row {
    /// A row read under `columns`.
    fn new(
        place: Location,
        cells: &[String],
        columns: &[Column],
        keys: &[&str],
        outputs: &[&str],
    ) -> Row {
        let mut parts = vec![""; keys.len()];
        let mut expected = Vec::new();
        let mut fault = None;
        for (i, text) in cells.iter().map(|c| c.trim()).enumerate() {
            match columns.get(i).copied().unwrap_or(Column::Unnamed) {
                Column::Key(k) => parts[k] = text,
                Column::Output(o) if !text.is_empty() => expected.push(Cell {
                    name: outputs[o].to_string(),
                    text: text.to_string(),
                }),
                Column::Unnamed if !text.is_empty() => {
                    fault = Some(format!(
                        "column {} holds {text:?}, but the header names no column there",
                        i + 1
                    ));
                }
                _ => {}
            }
        }
        let unnamed: Vec<&str> = keys
            .iter()
            .zip(&parts)
            .filter(|(_, part)| part.is_empty())
            .map(|(k, _)| *k)
            .collect();
        if !unnamed.is_empty() {
            fault = Some(format!(
                "the row has no {}, so names no record",
                unnamed.join(", ")
            ));
        }
        Row {
            place,
            key: parts.join(","),
            cells: expected,
            fault,
        }
    }

    /// The name of its case in the report: its key, or its place if it has none.
    fn name(&self) -> String {
        if self.key.chars().all(|c| c == ',') {
            self.place.to_string()
        } else {
            self.key.clone()
        }
    }

    /// The row checked against its record's entry; `at` says where the row is.
    fn check(&self, entry: &Entry, lang: Lang, at: &str, data: &Path, month: bool) -> Verdict {
        let outcome = match &entry.scored {
            Scored::Outputs(outcome) => outcome,
            Scored::Failed(why) => {
                return Verdict::Error(format!(
                    "{at}: the record {} of {} could not be scored: {why}",
                    self.key,
                    data.display()
                ));
            }
            Scored::Absent => return absent(at, data, &self.key, month),
        };
        let differences: Vec<Difference> = self
            .cells
            .iter()
            .filter(|cell| !cell.holds(outcome))
            .map(|cell| {
                let working = (entry.explanation.iter())
                    .flat_map(|e| &e.outputs)
                    .find(|step| step.name == cell.name)
                    .map_or_else(String::new, |step| step_text(step, lang));
                Difference {
                    what: cell.name.clone(),
                    expected: cell.text.clone(),
                    actual: outcome
                        .get(&cell.name)
                        .map_or_else(|| "no such output".into(), shown),
                    working,
                }
            })
            .collect();
        if differences.is_empty() {
            Verdict::Passed
        } else {
            Verdict::Failed(differences)
        }
    }
}

impl Cell {
    /// Whether `outcome` holds the value expected.
    fn holds(&self, outcome: &Outcome) -> bool {
        outcome
            .get(&self.name)
            .is_some_and(|value| holds(value, &self.text))
    }
}

/// The error of a row whose key no record of `data` has (of the month scored, if
/// `month`); `at` says where the row is.
fn absent(at: &str, data: &Path, key: &str, month: bool) -> Verdict {
    let of_month = if month { " in the month scored" } else { "" };
    Verdict::Error(format!(
        "{at}: no record of {}{of_month} has the key {key}",
        data.display()
    ))
}

/// A computed value as `kpi eval` writes it, and "no value" for an empty one.
fn shown(value: &OutputValue) -> String {
    match value {
        OutputValue::Missing => "no value".into(),
        value => value.to_string(),
    }
}

/// Whether `value` is the one written as `text` (not empty): a number as an exact
/// decimal, so 620.03 is 620.030; a percentage as its figure with `%` (95%), or as
/// the fraction a plain number stands for, as kpi reads percentages (0.95, as a
/// spreadsheet holds 95%); true and false in any case (Excel writes TRUE); text,
/// grades, dates and months as written.
fn holds(value: &OutputValue, text: &str) -> bool {
    match value {
        OutputValue::Number(d) | OutputValue::Money(d) | OutputValue::Points(d) => {
            Exact::parse(text) == Some(Exact::from(*d))
        }
        OutputValue::Percent(figure) => match text.strip_suffix('%') {
            Some(written) => Exact::parse(written.trim_end()) == Some(Exact::from(*figure)),
            None => Exact::parse(text) == Some(Exact::from(*figure).hundredth()),
        },
        OutputValue::Bool(b) => text.eq_ignore_ascii_case(&b.to_string()),
        OutputValue::Missing => false,
        OutputValue::Text(t)
        | OutputValue::Grade(t)
        | OutputValue::Date(t)
        | OutputValue::Month(t) => t.trim() == text,
    }
}

/// Every row of the CSV file or workbook at `path`, with its place.
fn read(path: &Path, sheet: Option<&str>) -> Result<Vec<(Location, Vec<String>)>, Failure> {
    if workbook::is_workbook(path) {
        let (sheet, rows) = workbook::rows(path, sheet)?;
        let sheet: Box<str> = sheet.into();
        return Ok(rows
            .into_iter()
            .enumerate()
            .map(|(i, row)| {
                let place = Location::Cell {
                    sheet: sheet.clone(),
                    row: u32::try_from(i + 1).unwrap_or(u32::MAX),
                };
                (place, row)
            })
            .collect());
    }
    let is_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if !is_csv {
        return Err(Failure::usage(format!(
            "{}: unknown format of expected results; name the file .csv, .xlsx, .xls or .ods",
            path.display()
        )));
    }
    let unreadable =
        |e: &dyn std::fmt::Display| Failure::usage(format!("cannot read {}: {e}", path.display()));
    let file = std::fs::File::open(path).map_err(|e| unreadable(&e))?;
    let mut reader = BufReader::new(file);
    let text = match data::csv_text(path, &mut reader)? {
        Some(text) => text,
        None => {
            let mut text = String::new();
            reader
                .read_to_string(&mut text)
                .map_err(|e| unreadable(&e))?;
            text
        }
    };
    let mut rows = Vec::new();
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    for record in csv.records() {
        let record = record.map_err(|e| Failure::data(format!("{}: {e}", path.display())))?;
        let line = record.position().map_or(0, csv::Position::line);
        rows.push((
            Location::Line(line),
            record.iter().map(String::from).collect(),
        ));
    }
    Ok(rows)
}
