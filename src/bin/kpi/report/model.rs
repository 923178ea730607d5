//! What a report says, worked out once from the records of a run: the workbook and
//! the page only lay it out.

use std::collections::BTreeMap;

use kpi::{OutputValue, Ruleset};
use rust_decimal::{Decimal, RoundingStrategy};

use crate::amounts::{Amount, Exact};
use crate::scoring::{Entry, Scored};

/// How many bars the payout histogram has.
pub const BINS: usize = 10;

/// The content of a report.
pub struct Report<'a> {
    /// The rule file's title, or its name when it has none.
    pub title: &'a str,
    /// The rule file's version, if it declares one.
    pub version: Option<&'a str>,
    /// The names of the key columns.
    pub keys: Vec<&'a str>,
    /// The names of the outputs, in declaration order.
    pub outputs: Vec<&'a str>,
    /// The kind of each output's numeric values; none for an output that has none.
    pub kinds: Vec<Option<Amount>>,
    /// Every record scored, in the order of the data.
    pub rows: Vec<Row<'a>>,
    /// The records that could not be read or scored, and why.
    pub failed: Vec<Failed<'a>>,
    /// How many records were not scored.
    pub not_scored: usize,
    /// The totals over every record scored.
    pub total: Totals,
    /// The totals by grade, one grouping for each grade output.
    pub by_grade: Vec<Grouping>,
    /// The totals by the `--by` column, when asked for.
    pub by_column: Option<Grouping>,
    /// The histogram of the payout, unless no record has a money output.
    pub histogram: Option<Histogram>,
}

/// One record scored.
pub struct Row<'a> {
    /// The value of each key column.
    pub key: Vec<&'a str>,
    /// Its outputs, in declaration order.
    pub values: &'a [OutputValue],
    /// Its value of the `--by` column.
    pub group: Option<&'a str>,
}

/// One record that could not be read or scored.
pub struct Failed<'a> {
    /// Its key; empty when the key itself could not be read.
    pub key: &'a str,
    /// Why it has no outputs.
    pub why: &'a str,
}

/// Records and the totals of each amount (money or points) output over them.
#[derive(Default)]
pub struct Totals {
    /// How many records.
    pub records: usize,
    /// The exact sum of each output, by its position; none for an output that is not
    /// an amount.
    pub sums: Vec<Option<Exact>>,
}

/// Records put in groups, each group with its totals.
pub struct Grouping {
    /// What the records are grouped by: a grade output or an input column.
    pub name: String,
    /// Each group's label and totals, in the order to show them.
    pub groups: Vec<(String, Totals)>,
    /// The outputs some group has a total of, by position.
    pub numeric: Vec<usize>,
}

/// The payout's histogram: bars of equal width from the least value to the greatest.
pub struct Histogram {
    /// The output it counts: the last money output.
    pub output: String,
    /// The bars, from the lowest.
    pub bars: Vec<Bar>,
}

/// One bar of a histogram: the records from one amount up to the next.
pub struct Bar {
    /// Its lower bound, included.
    pub from: Decimal,
    /// Its upper bound, left out except by the last bar.
    pub to: Decimal,
    /// How many records it counts.
    pub records: usize,
}

impl Bar {
    /// The range it counts, as amounts: `620.03 – 717.54`.
    pub fn range(&self) -> String {
        format!(
            "{} – {}",
            money(&self.from.to_string()),
            money(&self.to.to_string())
        )
    }
}

impl Totals {
    fn add(&mut self, values: &[OutputValue]) {
        self.records += 1;
        self.sums.resize(values.len(), None);
        for (sum, value) in self.sums.iter_mut().zip(values) {
            // Only amounts add up: a sum of scores, rates or ranks means nothing.
            let amount = Amount::of(value).filter(|a| matches!(a, Amount::Money | Amount::Points));
            if let Some(v) = amount.and_then(|a| a.value(value)) {
                *sum = Some(sum.take().unwrap_or_default().plus(&v));
            }
        }
    }

    /// The total of the output at `output`; zero when no record has one.
    pub fn sum(&self, output: usize) -> Exact {
        self.sums.get(output).cloned().flatten().unwrap_or_default()
    }
}

impl<'a> Report<'a> {
    /// Works out the report of the records of a run scored by `ruleset`, with totals
    /// by the column `by`, when given.
    pub fn new(ruleset: &'a Ruleset, entries: &'a [Entry], by: Option<&str>) -> Report<'a> {
        let keys = ruleset.key_names();
        let outputs = ruleset.output_names();
        let mut rows = Vec::new();
        let mut failed = Vec::new();
        for entry in entries {
            match &entry.scored {
                Scored::Outputs(outcome) => rows.push(Row {
                    key: entry.key.splitn(keys.len().max(1), ',').collect(),
                    values: &outcome.values,
                    group: entry.group.as_deref(),
                }),
                Scored::Failed(why) => failed.push(Failed {
                    key: &entry.key,
                    why,
                }),
                Scored::Absent => {}
            }
        }
        let mut total = Totals::default();
        for row in &rows {
            total.add(row.values);
        }
        let kinds = (0..outputs.len())
            .map(|o| {
                rows.iter()
                    .find_map(|r| r.values.get(o).and_then(Amount::of))
            })
            .collect();
        let by_grade = outputs
            .iter()
            .enumerate()
            .filter_map(|(o, name)| {
                let labels = ruleset.grade_labels(name)?;
                let mut by_grade =
                    totals_by(&rows, |row| row.values.get(o).map(ToString::to_string));
                // Every grade in the order of its rows, those no record has included.
                let groups = labels
                    .iter()
                    .map(|label| (label.clone(), by_grade.remove(label).unwrap_or_default()))
                    .collect();
                Some(Grouping::new(name, groups, outputs.len()))
            })
            .collect();
        let by_column = by.map(|column| {
            let groups = totals_by(&rows, |row| row.group.map(str::to_string))
                .into_iter()
                .collect();
            Grouping::new(column, groups, outputs.len())
        });
        Report {
            title: ruleset.title().unwrap_or(ruleset.name()),
            version: ruleset.version(),
            histogram: Histogram::of_payout(&outputs, &rows),
            not_scored: entries.len() - rows.len(),
            keys,
            outputs,
            kinds,
            rows,
            failed,
            total,
            by_grade,
            by_column,
        }
    }
}

/// The totals of `rows`, in one pass, by the group `group_of` puts each in (none: in
/// no group), ordered by group.
fn totals_by(rows: &[Row], group_of: impl Fn(&Row) -> Option<String>) -> BTreeMap<String, Totals> {
    let mut groups: BTreeMap<String, Totals> = BTreeMap::new();
    for row in rows {
        if let Some(group) = group_of(row) {
            groups.entry(group).or_default().add(row.values);
        }
    }
    groups
}

impl Grouping {
    fn new(name: &str, groups: Vec<(String, Totals)>, outputs: usize) -> Grouping {
        let numeric = (0..outputs)
            .filter(|&o| {
                groups
                    .iter()
                    .any(|(_, t)| t.sums.get(o).is_some_and(Option::is_some))
            })
            .collect();
        Grouping {
            name: name.to_string(),
            groups,
            numeric,
        }
    }
}

impl Histogram {
    /// The histogram of the last money output any record has, if one does.
    fn of_payout(outputs: &[&str], rows: &[Row]) -> Option<Histogram> {
        let money = |row: &Row, o: usize| match row.values.get(o) {
            Some(OutputValue::Money(d)) => Some(*d),
            _ => None,
        };
        let o = (0..outputs.len())
            .rev()
            .find(|&o| rows.iter().any(|row| money(row, o).is_some()))?;
        let values: Vec<Decimal> = rows.iter().filter_map(|row| money(row, o)).collect();
        let low = values.iter().copied().min()?;
        let high = values.iter().copied().max()?;
        // Bars a whole number of fen wide, so their bounds read as amounts: a tenth of
        // the spread rounded up to the fen, and never less than one. Computed exactly
        // (saturating only beyond any real amount), so a value on a bound is counted
        // in the bar that starts there.
        let tenths = high
            .saturating_sub(low)
            .round_dp_with_strategy(1, RoundingStrategy::ToPositiveInfinity);
        let width = (tenths / Decimal::TEN).normalize().max(Decimal::new(1, 2));
        let bound = |b: usize| low.saturating_add(width.saturating_mul(Decimal::from(b)));
        let mut bars: Vec<Bar> = (0..BINS)
            .map(|b| Bar {
                from: bound(b),
                to: bound(b + 1),
                records: 0,
            })
            .collect();
        for v in &values {
            let bar = bars[1..].iter().filter(|bar| *v >= bar.from).count();
            bars[bar].records += 1;
        }
        Some(Histogram {
            output: outputs[o].to_string(),
            bars,
        })
    }
}

/// An amount of money as a decimal with at least two places (`1200` is `1200.00`);
/// the places of an amount left unrounded are all kept.
pub fn money(decimal: &str) -> String {
    let places = decimal.find('.').map_or(0, |dot| decimal.len() - dot - 1);
    match places {
        0 => format!("{decimal}.00"),
        1 => format!("{decimal}0"),
        _ => decimal.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_has_at_least_two_places_and_loses_none() {
        assert_eq!(money("1200"), "1200.00");
        assert_eq!(money("-3.5"), "-3.50");
        assert_eq!(money("620.03"), "620.03");
        assert_eq!(money("0.125"), "0.125");
    }

    fn rows_of(values: &[Vec<OutputValue>]) -> Vec<Row<'_>> {
        values
            .iter()
            .map(|v| Row {
                key: vec![],
                values: v,
                group: None,
            })
            .collect()
    }

    #[test]
    fn histogram_bars_are_whole_fen_and_a_value_on_a_bound_starts_its_bar() {
        let amounts = ["0", "0.1", "0.3", "0.7", "1"];
        let values: Vec<Vec<OutputValue>> = amounts
            .iter()
            .map(|a| vec![OutputValue::Money(a.parse().unwrap())])
            .collect();
        let histogram = Histogram::of_payout(&["payout"], &rows_of(&values)).unwrap();
        let counts: Vec<usize> = histogram.bars.iter().map(|b| b.records).collect();
        // 0.3 is three tenths exactly: the fourth bar, where a float puts it in the third.
        assert_eq!(counts, [1, 1, 0, 1, 0, 0, 0, 1, 0, 1]);
        assert_eq!(histogram.bars[3].range(), "0.30 – 0.40");
        assert_eq!(histogram.bars[9].range(), "0.90 – 1.00");
    }

    #[test]
    fn histogram_of_one_amount_is_a_fen_wide() {
        let values = vec![vec![OutputValue::Money("5".parse().unwrap())]];
        let histogram = Histogram::of_payout(&["payout"], &rows_of(&values)).unwrap();
        assert_eq!(histogram.bars[0].range(), "5.00 – 5.01");
        assert_eq!(histogram.bars[0].records, 1);
        let spread = vec![
            vec![OutputValue::Money("0".parse().unwrap())],
            vec![OutputValue::Money("975.03".parse().unwrap())],
        ];
        let histogram = Histogram::of_payout(&["payout"], &rows_of(&spread)).unwrap();
        assert_eq!(histogram.bars[1].range(), "97.51 – 195.02");
    }
}
