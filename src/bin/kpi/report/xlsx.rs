//! A report as a workbook: a sheet of results, a summary with a chart of the grade
//! distribution, a histogram of the payout with its chart, and the records not scored.

use kpi::OutputValue;
use rust_xlsxwriter::{Chart, ChartType, Format, Workbook, Worksheet, XlsxError};

use super::model::{BINS, Grouping, Report};
use super::words;
use crate::spreadsheet::{TextCells, number};

/// `report` as the bytes of a workbook, its text cells written as `cells` says.
pub fn workbook(report: &Report, cells: TextCells) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    results(report, book.add_worksheet(), cells)?;
    let grades = summary(report, book.add_worksheet(), cells)?;
    distribution(report, book.add_worksheet())?;
    not_scored(report, book.add_worksheet(), cells)?;
    let summary_sheet = words::SUMMARY.sheet();
    if let Some((rows, sheet_row)) = grades {
        let mut chart = Chart::new(ChartType::Column);
        chart.title().set_name(&words::GRADE_DISTRIBUTION.label());
        chart
            .add_series()
            .set_categories((
                summary_sheet.as_str(),
                sheet_row,
                0,
                sheet_row + rows - 1,
                0,
            ))
            .set_values((
                summary_sheet.as_str(),
                sheet_row,
                1,
                sheet_row + rows - 1,
                1,
            ))
            .set_name(&words::HEAD_COUNT.label());
        book.worksheet_from_name(&summary_sheet)?
            .insert_chart(1, 6, &chart)?;
    }
    if let Some(histogram) = &report.histogram {
        let sheet = words::DISTRIBUTION.sheet();
        let mut chart = Chart::new(ChartType::Column);
        chart.title().set_name(&words::histogram(&histogram.output));
        chart
            .add_series()
            .set_categories((sheet.as_str(), 1, 3, BINS as u32, 3))
            .set_values((sheet.as_str(), 1, 2, BINS as u32, 2))
            .set_name(&words::HEAD_COUNT.label());
        book.worksheet_from_name(&sheet)?
            .insert_chart(1, 4, &chart)?;
    }
    book.save_to_buffer()
}

/// Every record scored: its key, then every output, money to two places.
fn results(report: &Report, sheet: &mut Worksheet, cells: TextCells) -> Result<(), XlsxError> {
    sheet.set_name(words::RESULTS.sheet())?;
    let bold = Format::new().set_bold();
    for (c, name) in report.keys.iter().chain(&report.outputs).enumerate() {
        sheet.write_string_with_format(0, c as u16, *name, &bold)?;
    }
    let money = Format::new().set_num_format("#,##0.00");
    let percent = Format::new().set_num_format("0.00%");
    for (r, record) in report.rows.iter().enumerate() {
        let row = r as u32 + 1;
        for (c, part) in record.key.iter().enumerate() {
            cells.write(sheet, (row, c as u16), part)?;
        }
        for (c, value) in record.values.iter().enumerate() {
            let col = (report.keys.len() + c) as u16;
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
                other => cells.write(sheet, (row, col), &other.to_string())?,
            }
        }
    }
    sheet.set_freeze_panes(1, report.keys.len() as u16)?;
    sheet.autofit();
    Ok(())
}

/// Head count and totals, then the same by grade and by the `--by` column; the rows
/// of the first grade's table, for its chart.
fn summary(
    report: &Report,
    sheet: &mut Worksheet,
    cells: TextCells,
) -> Result<Option<(u32, u32)>, XlsxError> {
    sheet.set_name(words::SUMMARY.sheet())?;
    let bold = Format::new().set_bold();
    sheet.write_string_with_format(0, 0, words::RECORDS_SCORED.label(), &bold)?;
    sheet.write_number(0, 1, report.total.records as f64)?;
    sheet.write_string_with_format(1, 0, words::NOT_SCORED.label(), &bold)?;
    sheet.write_number(1, 1, report.not_scored as f64)?;
    let mut row = 3;
    sheet.write_string_with_format(row, 0, words::TOTAL.label(), &bold)?;
    for (c, (name, sum)) in report.outputs.iter().zip(&report.total.sums).enumerate() {
        if let Some(sum) = sum {
            sheet.write_string_with_format(row, c as u16 + 1, *name, &bold)?;
            sheet.write_number(row + 1, c as u16 + 1, number(&sum.to_string()))?;
        }
    }
    row += 3;
    let mut first_grade = None;
    for grouping in &report.by_grade {
        let at = group_table(report, sheet, row, grouping, cells)?;
        first_grade.get_or_insert((grouping.groups.len() as u32, row + 1));
        row = at + 1;
    }
    if let Some(grouping) = &report.by_column {
        group_table(report, sheet, row, grouping, cells)?;
    }
    sheet.autofit();
    Ok(first_grade)
}

/// A table of groups from `row`: the heading, then each group's records and the
/// totals of the numeric outputs; the row after it.
fn group_table(
    report: &Report,
    sheet: &mut Worksheet,
    row: u32,
    grouping: &Grouping,
    cells: TextCells,
) -> Result<u32, XlsxError> {
    let bold = Format::new().set_bold();
    sheet.write_string_with_format(row, 0, words::by(&grouping.name), &bold)?;
    sheet.write_string_with_format(row, 1, words::RECORDS.label(), &bold)?;
    for (c, &o) in grouping.numeric.iter().enumerate() {
        sheet.write_string_with_format(row, c as u16 + 2, report.outputs[o], &bold)?;
    }
    for (g, (label, totals)) in grouping.groups.iter().enumerate() {
        let r = row + 1 + g as u32;
        cells.write(sheet, (r, 0), label)?;
        sheet.write_number(r, 1, totals.records as f64)?;
        for (c, &o) in grouping.numeric.iter().enumerate() {
            sheet.write_number(r, c as u16 + 2, number(&totals.sum(o).to_string()))?;
        }
    }
    Ok(row + 1 + grouping.groups.len() as u32 + 1)
}

/// The histogram of the payout: each bar's bounds, records and range.
fn distribution(report: &Report, sheet: &mut Worksheet) -> Result<(), XlsxError> {
    sheet.set_name(words::DISTRIBUTION.sheet())?;
    let Some(histogram) = &report.histogram else {
        sheet.write_string(0, 0, words::NO_HISTOGRAM)?;
        return Ok(());
    };
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    sheet.write_string_with_format(0, 0, words::from(&histogram.output), &bold)?;
    sheet.write_string_with_format(0, 1, words::TO.label(), &bold)?;
    sheet.write_string_with_format(0, 2, words::HEAD_COUNT.label(), &bold)?;
    sheet.write_string_with_format(0, 3, words::RANGE.label(), &bold)?;
    for (b, bar) in histogram.bars.iter().enumerate() {
        let r = b as u32 + 1;
        sheet.write_number_with_format(r, 0, number(&bar.from.to_string()), &money)?;
        sheet.write_number_with_format(r, 1, number(&bar.to.to_string()), &money)?;
        sheet.write_number(r, 2, bar.records as f64)?;
        sheet.write_string(r, 3, bar.range())?;
    }
    sheet.autofit();
    Ok(())
}

/// The records that could not be read or scored, and why.
fn not_scored(report: &Report, sheet: &mut Worksheet, cells: TextCells) -> Result<(), XlsxError> {
    sheet.set_name(words::NOT_SCORED.sheet())?;
    let bold = Format::new().set_bold();
    sheet.write_string_with_format(0, 0, words::RECORD.label(), &bold)?;
    sheet.write_string_with_format(0, 1, words::WHY.label(), &bold)?;
    for (r, failed) in report.failed.iter().enumerate() {
        cells.write(sheet, (r as u32 + 1, 0), failed.key)?;
        cells.write(sheet, (r as u32 + 1, 1), failed.why)?;
    }
    sheet.autofit();
    Ok(())
}
