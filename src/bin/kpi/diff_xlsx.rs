//! Writing a comparison of two rule files as a workbook: the totals, every record,
//! the largest changes and the records not compared, one sheet each.

use std::path::Path;

use kpi::OutputValue;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use unicode_width::UnicodeWidthStr;

use crate::Failure;
use crate::amounts::{Amount, Exact};
use crate::diff::{Comparison, Tally};
use crate::diff_report::{group_label, key_cells, record_header};
use crate::spreadsheet::{TextCells, number};

/// The headings of a table of tallies after the column of its groups: each group's
/// records and output, then the figures [`Sheet::tally`] writes.
const TALLY_HEADINGS: [&str; 8] = [
    "记录 / Records",
    "输出 / Output",
    "之前 / Before",
    "之后 / After",
    "变化 / Change",
    "有变化 / Changed",
    "增加 / Gainers",
    "减少 / Losers",
];

/// The widest a column is made, in characters; a longer cell runs on or is cut.
const MAX_WIDTH: usize = 80;

/// The workbook, as the bytes of an .xlsx file.
pub fn workbook(
    comparison: &Comparison,
    data: &Path,
    cells: TextCells,
) -> Result<Vec<u8>, Failure> {
    let write = || -> Result<Vec<u8>, XlsxError> {
        let formats = Formats::new(cells);
        let mut book = Workbook::new();
        summary(
            Sheet::new(book.add_worksheet(), "汇总 Summary", &formats)?,
            comparison,
            data,
        )?;
        records(
            Sheet::new(book.add_worksheet(), "记录 Records", &formats)?,
            comparison,
        )?;
        largest(
            Sheet::new(book.add_worksheet(), "最大变化 Largest changes", &formats)?,
            comparison,
        )?;
        not_compared(
            Sheet::new(book.add_worksheet(), "未比较 Not compared", &formats)?,
            comparison,
        )?;
        book.save_to_buffer()
    };
    write().map_err(|e| Failure::usage(format!("cannot write the workbook: {e}")))
}

/// The cell formats of the workbook: values as `kpi report` shows them, and changes
/// with their sign, as the text report shows them.
struct Formats {
    cells: TextCells,
    bold: Format,
    plain: Format,
    money: Format,
    percent: Format,
    money_change: Format,
    percent_change: Format,
    plain_change: Format,
}

impl Formats {
    fn new(cells: TextCells) -> Formats {
        Formats {
            cells,
            bold: Format::new().set_bold(),
            plain: Format::new(),
            money: Format::new().set_num_format("#,##0.00"),
            percent: Format::new().set_num_format("0.00%"),
            money_change: Format::new().set_num_format("+#,##0.00;-#,##0.00;0.00"),
            percent_change: Format::new().set_num_format("+0.00%;-0.00%;0.00%"),
            plain_change: Format::new().set_num_format("+General;-General;General"),
        }
    }

    /// The format of a figure of this kind: a value, or a change.
    fn of(&self, amount: Amount, change: bool) -> &Format {
        match (amount, change) {
            (Amount::Money, false) => &self.money,
            (Amount::Percent, false) => &self.percent,
            (Amount::Number | Amount::Points, false) => &self.plain,
            (Amount::Money, true) => &self.money_change,
            (Amount::Percent, true) => &self.percent_change,
            (Amount::Number | Amount::Points, true) => &self.plain_change,
        }
    }
}

/// A worksheet being written, and the width each column needs so far. The columns
/// are fitted here rather than by `Worksheet::autofit`, which counts a Chinese
/// character as a narrow one and so crowds the bilingual headings.
struct Sheet<'a> {
    sheet: &'a mut Worksheet,
    formats: &'a Formats,
    widths: Vec<usize>,
}

/// A cell: its row and column.
type At = (u32, u16);

impl<'a> Sheet<'a> {
    fn new(
        sheet: &'a mut Worksheet,
        name: &str,
        formats: &'a Formats,
    ) -> Result<Sheet<'a>, XlsxError> {
        sheet.set_name(name)?;
        Ok(Sheet {
            sheet,
            formats,
            widths: Vec::new(),
        })
    }

    /// Makes column `col` at least `width` characters wide.
    fn widen(&mut self, col: u16, width: usize) {
        let col = usize::from(col);
        if self.widths.len() <= col {
            self.widths.resize(col + 1, 0);
        }
        self.widths[col] = self.widths[col].max(width.min(MAX_WIDTH));
    }

    /// Writes text.
    fn text(&mut self, (row, col): At, text: &str) -> Result<(), XlsxError> {
        self.widen(col, text.width());
        self.formats.cells.write(self.sheet, (row, col), text)
    }

    /// Writes headings in bold, from `at` to the right.
    fn headings<S: AsRef<str>>(&mut self, (row, col): At, texts: &[S]) -> Result<(), XlsxError> {
        for (c, text) in texts.iter().enumerate() {
            let (col, text) = (col + c as u16, text.as_ref());
            self.widen(col, text.width());
            self.sheet
                .write_string_with_format(row, col, text, &self.formats.bold)?;
        }
        Ok(())
    }

    /// Writes a line of text that does not widen its column: it runs on into the
    /// empty cells beside it.
    fn note(&mut self, (row, col): At, text: &str, bold: bool) -> Result<(), XlsxError> {
        let format = if bold {
            &self.formats.bold
        } else {
            &self.formats.plain
        };
        self.sheet
            .write_string_with_format(row, col, text, format)?;
        Ok(())
    }

    /// Writes a count.
    fn count(&mut self, (row, col): At, count: usize) -> Result<(), XlsxError> {
        self.widen(col, count.to_string().len());
        self.sheet.write_number(row, col, count as f64)?;
        Ok(())
    }

    /// Writes a figure of kind `amount`, a value or a `change`, as a number; a
    /// percentage as its fraction, which the cell's percent format shows as the figure.
    fn figure(
        &mut self,
        (row, col): At,
        amount: Amount,
        figure: &Exact,
        change: bool,
    ) -> Result<(), XlsxError> {
        let shown = match change {
            true => amount.show_change(figure),
            false => amount.show(figure),
        };
        // What the cell's format adds: a percentage's two places, money's separators.
        let whole_digits = figure
            .abs()
            .to_string()
            .split('.')
            .next()
            .map_or(0, str::len);
        let added = match amount {
            Amount::Percent => 3,
            Amount::Money => whole_digits.saturating_sub(1) / 3,
            Amount::Number | Amount::Points => 0,
        };
        self.widen(col, shown.len() + added);
        let value = number(&figure.to_string());
        let value = match amount {
            Amount::Percent => value / 100.0,
            _ => value,
        };
        let format = self.formats.of(amount, change);
        self.sheet
            .write_number_with_format(row, col, value, format)?;
        Ok(())
    }

    /// Writes an output's value: a number as a number, anything else as its text;
    /// nothing where there is no value.
    fn value(&mut self, at: At, value: Option<&OutputValue>) -> Result<(), XlsxError> {
        let Some(value) = value.filter(|v| !matches!(v, OutputValue::Missing)) else {
            return Ok(());
        };
        match Amount::of(value).and_then(|a| Some((a, a.value(value)?))) {
            Some((amount, figure)) => self.figure(at, amount, &figure, false),
            None => self.text(at, &value.to_string()),
        }
    }

    /// Writes a tally's figures from `at` to the right: totals before, after and
    /// their change, then the records changed, gaining and losing.
    fn tally(&mut self, (row, col): At, amount: Amount, tally: &Tally) -> Result<(), XlsxError> {
        self.figure((row, col), amount, &tally.before, false)?;
        self.figure((row, col + 1), amount, &tally.after, false)?;
        self.figure((row, col + 2), amount, &tally.change(), true)?;
        let counts = [tally.changed, tally.gainers, tally.losers];
        for (c, count) in counts.into_iter().enumerate() {
            self.count((row, col + 3 + c as u16), count)?;
        }
        Ok(())
    }

    /// Keeps the heading row, and the first `columns` columns, in view.
    fn freeze(&mut self, columns: u16) -> Result<(), XlsxError> {
        self.sheet.set_freeze_panes(1, columns)?;
        Ok(())
    }

    /// Sets each column to the width of its widest cell, and a character more so that
    /// a number does not touch the text in the next column.
    fn fit(self) -> Result<(), XlsxError> {
        for (col, &width) in self.widths.iter().enumerate() {
            if width > 0 {
                self.sheet
                    .set_column_width(col as u16, width as f64 + 1.0)?;
            }
        }
        Ok(())
    }
}

/// The files compared and how many records, the totals of each numeric output (the
/// JSON summary), then the same by each grade of the new rules and by the `--by`
/// column, laid out as the text report lays them out.
fn summary(mut sheet: Sheet, comparison: &Comparison, data: &Path) -> Result<(), XlsxError> {
    let files = [
        ("旧规则 / Old rules", comparison.old.clone()),
        ("新规则 / New rules", comparison.new.clone()),
        ("数据 / Data", data.display().to_string()),
    ];
    for (r, (label, file)) in files.into_iter().enumerate() {
        sheet.headings((r as u32, 0), &[label])?;
        sheet.note((r as u32, 1), &file, false)?;
    }
    let compared = comparison.compared();
    sheet.headings((3, 0), &["比较 / Compared"])?;
    sheet.count((3, 1), compared)?;
    sheet.headings((4, 0), &["未比较 / Not compared"])?;
    sheet.count((4, 1), comparison.records.len() - compared)?;
    if comparison.numeric.is_empty() {
        sheet.note(
            (6, 0),
            "没有可合计的数值输出 / No numeric output to total",
            false,
        )?;
        return sheet.fit();
    }
    let all = [("全部 / All", comparison.summary.as_slice())];
    let mut row = tally_table(&mut sheet, 6, "合计 / Totals", "", comparison, all)?;
    let by_grade = comparison
        .by_grade
        .iter()
        .map(|g| (format!("按 {0}（新规则）/ By {0} (new rules)", g.name), g));
    let by_column = comparison
        .by_column
        .iter()
        .map(|g| (format!("按 {0} / By {0}", g.name), g));
    for (title, grouping) in by_grade.chain(by_column) {
        let groups = grouping
            .groups
            .iter()
            .map(|(value, t)| (value.as_str(), t.as_slice()));
        row = tally_table(
            &mut sheet,
            row + 2,
            &title,
            &grouping.name,
            comparison,
            groups,
        )?;
    }
    sheet.fit()
}

/// A table of groups from `row`: its title, the headings (`groups_are` names the
/// groups, if anything), then a line per group and numeric output, the group's value
/// and record count on its first line; the last row written.
fn tally_table<'t>(
    sheet: &mut Sheet,
    mut row: u32,
    title: &str,
    groups_are: &str,
    comparison: &Comparison,
    groups: impl IntoIterator<Item = (&'t str, &'t [Tally])>,
) -> Result<u32, XlsxError> {
    sheet.note((row, 0), title, true)?;
    row += 1;
    if !groups_are.is_empty() {
        sheet.headings((row, 0), &[groups_are])?;
    }
    sheet.headings((row, 1), &TALLY_HEADINGS)?;
    for (label, tallies) in groups {
        for (n, (&c, tally)) in comparison.numeric.iter().zip(tallies).enumerate() {
            row += 1;
            if n == 0 {
                sheet.text((row, 0), &group_label(label))?;
                sheet.count((row, 1), tally.records)?;
            }
            let column = &comparison.columns[c];
            sheet.text((row, 2), &column.name)?;
            if let Some(amount) = column.amount {
                sheet.tally((row, 3), amount, tally)?;
            }
        }
    }
    Ok(row)
}

/// One row per record, as the CSV format has them: the key's columns, then each
/// output before and after, and the change of a numeric output.
fn records(mut sheet: Sheet, comparison: &Comparison) -> Result<(), XlsxError> {
    sheet.headings((0, 0), &record_header(comparison))?;
    for (r, record) in comparison.records.iter().enumerate() {
        let row = r as u32 + 1;
        let keys = key_cells(comparison, record);
        for (c, key) in keys.iter().enumerate() {
            sheet.text((row, c as u16), key)?;
        }
        let mut col = keys.len() as u16;
        for column in &comparison.columns {
            let (before, after) = record.values(&column.name);
            sheet.value((row, col), before)?;
            sheet.value((row, col + 1), after)?;
            col += 2;
            if let Some(amount) = column.amount {
                if let Some(change) = record.change(column) {
                    sheet.figure((row, col), amount, &change, true)?;
                }
                col += 1;
            }
        }
    }
    sheet.freeze(comparison.key_names.len() as u16)?;
    sheet.fit()
}

/// For each numeric output, the records with the largest changes, largest first.
fn largest(mut sheet: Sheet, comparison: &Comparison) -> Result<(), XlsxError> {
    let headings = [
        "输出 / Output",
        "记录 / Record",
        "之前 / Before",
        "之后 / After",
        "变化 / Change",
    ];
    sheet.headings((0, 0), &headings)?;
    let mut row = 0;
    for (&c, largest) in comparison.numeric.iter().zip(&comparison.largest) {
        let column = &comparison.columns[c];
        for &r in largest {
            row += 1;
            let record = &comparison.records[r];
            let (before, after) = record.values(&column.name);
            sheet.text((row, 0), &column.name)?;
            sheet.text((row, 1), &record.key)?;
            sheet.value((row, 2), before)?;
            sheet.value((row, 3), after)?;
            if let (Some(amount), Some(change)) = (column.amount, record.change(column)) {
                sheet.figure((row, 4), amount, &change, true)?;
            }
        }
    }
    sheet.freeze(0)?;
    sheet.fit()
}

/// The records only one side scored, and why.
fn not_compared(mut sheet: Sheet, comparison: &Comparison) -> Result<(), XlsxError> {
    sheet.headings((0, 0), &["记录 / Record", "原因 / Why"])?;
    let unscored = comparison
        .records
        .iter()
        .filter_map(|r| Some((&r.key, r.reason()?)));
    for (r, (key, why)) in unscored.enumerate() {
        sheet.text((r as u32 + 1, 0), key)?;
        sheet.text((r as u32 + 1, 1), &why)?;
    }
    sheet.freeze(0)?;
    sheet.fit()
}
