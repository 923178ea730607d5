//! The summary a statement opens with: the payout, the other results, each item's
//! value, score, weight and contribution, and where each tier table and grade stands
//! against its next row. It is drawn from the explanation alone, so it can never say
//! anything the working below it does not.

use super::doc::{Block, next_lines};
use super::model::{Decision, Explanation, Reach, RowResult, Step, StepKind};
use super::words::{Lang, Word};

/// What an agent wants to know first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// The payout (the last money output): its name and its amount with its currency.
    pub headline: Option<(String, String)>,
    /// The other outputs: name and value.
    pub results: Vec<(String, String)>,
    /// The items that make the result: each one's value and score, and for a weighted
    /// sum each part's weight and contribution; the sum's own row is marked.
    pub items: Option<Block>,
    /// Where the record stands in each tier table and grade.
    pub standings: Vec<Standing>,
}

/// Where a record stands in one tier table or grade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    /// The item, named in the document's language.
    pub item: String,
    /// The value looked up.
    pub now: String,
    /// What the row it is in gives.
    pub gives: String,
    /// How far the value has come from its row's threshold to the next row's, in
    /// percent (0 to 100); 100 in the top row. A picture, not a figure: the exact
    /// numbers are in `lines`.
    pub progress: u8,
    /// Whether a better row exists and can be reached.
    pub state: StandingState,
    /// The next row in words, then the moves that reach it.
    pub lines: Vec<String>,
}

/// Whether a better row exists and can be reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StandingState {
    /// In the top row.
    Top,
    /// A better row exists.
    Next,
    /// A veto holds the value.
    Held,
}

/// The summary of `e` in `lang`.
pub fn summary(lang: Lang, e: &Explanation) -> Summary {
    let is_money = |s: &Step| {
        s.unit
            .as_deref()
            .is_some_and(|u| u == "money" || Some(u) == e.ruleset.currency.as_deref())
    };
    let headline = e.outputs.iter().rposition(is_money);
    let shown = |s: &Step| {
        let value = lang.yes_no(&s.value);
        match &s.unit {
            Some(unit) if !value.is_empty() => format!("{value} {unit}"),
            _ => value.to_string(),
        }
    };
    let name = |s: &Step| called(lang, &s.name, s.label.as_deref());
    Summary {
        headline: headline.map(|o| (name(&e.outputs[o]), shown(&e.outputs[o]))),
        results: e
            .outputs
            .iter()
            .enumerate()
            .filter(|(o, _)| Some(*o) != headline)
            .map(|(_, s)| (name(s), shown(s)))
            .collect(),
        items: items(lang, e),
        standings: e.items.iter().filter_map(|s| standing(lang, s)).collect(),
    }
}

/// A figure short enough for a phone's table: one that does not end (`92.288861…%`)
/// keeps two places and its `…` (`92.28…%`); the working below shows more.
fn brief(figure: &str) -> String {
    let (Some(dot), Some(ellipsis)) = (figure.find('.'), figure.find('…')) else {
        return figure.to_string();
    };
    let cut = (dot + 3).min(ellipsis);
    format!("{}{}", &figure[..cut], &figure[ellipsis..])
}

/// What the summary calls a value: its label in `lang` alone, which is what an agent
/// knows it by (the working below names both), else its name.
fn called(lang: Lang, name: &str, label: Option<&str>) -> String {
    label.map_or_else(|| name.to_string(), |l| lang.label(l))
}

/// The value an item looked up: a tier table's, a scale's or a grade's subject.
fn subject(step: &Step) -> Option<&str> {
    match step.decision.as_ref()? {
        Decision::Rows { subject, .. }
        | Decision::Interpolated { subject, .. }
        | Decision::Clamped { subject, .. } => Some(subject),
        _ => None,
    }
}

/// The items table: the parts of the last weighted sum (the composite score), the
/// sum itself, then every other score, bonus and deduction.
fn items(lang: Lang, e: &Explanation) -> Option<Block> {
    let scored = |s: &&Step| {
        matches!(
            s.kind,
            StepKind::Score | StepKind::Bonus | StepKind::Deduction
        )
    };
    let weighted = e.items.iter().rev().find_map(|s| match &s.decision {
        Some(Decision::Weighted { parts }) => Some((s, parts)),
        _ => None,
    });
    let name = |s: &Step| called(lang, &s.name, s.label.as_deref());
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut marked = Vec::new();
    let mut header = vec![
        lang.word(Word::Item).to_string(),
        lang.word(Word::Given).into(),
        lang.word(Word::Result).into(),
    ];
    let mut covered: Vec<&str> = Vec::new();
    if let Some((sum, parts)) = weighted {
        header.extend([
            lang.word(Word::Weight).to_string(),
            lang.word(Word::Contribution).into(),
        ]);
        for part in parts {
            let step = e.items.iter().find(|s| s.name == part.name);
            let input = e.record.inputs.iter().find(|i| i.name == part.name);
            let (item, value) = match (step, input) {
                (Some(s), _) => (name(s), brief(subject(s).unwrap_or_default())),
                (None, Some(i)) => (called(lang, &i.name, i.label.as_deref()), i.value.clone()),
                (None, None) => (part.name.clone(), String::new()),
            };
            rows.push(vec![
                item,
                value,
                brief(&part.value),
                part.weight.clone(),
                brief(&part.contribution.clone().unwrap_or_default()),
            ]);
            marked.push(false);
            covered.push(&part.name);
        }
        rows.push(vec![
            name(sum),
            String::new(),
            String::new(),
            String::new(),
            brief(&sum.value),
        ]);
        marked.push(true);
        covered.push(&sum.name);
    }
    for step in e.items.iter().filter(scored) {
        if covered.contains(&step.name.as_str()) {
            continue;
        }
        let mut row = vec![
            name(step),
            brief(subject(step).unwrap_or_default()),
            brief(&step.value),
        ];
        row.resize(header.len(), String::new());
        rows.push(row);
        marked.push(false);
    }
    (!rows.is_empty()).then_some(Block::Table {
        header,
        rows,
        marked,
    })
}

/// Where a tier table or grade stands, for a step that is one.
fn standing(lang: Lang, step: &Step) -> Option<Standing> {
    let Some(Decision::Rows { subject, rows, .. }) = &step.decision else {
        return None;
    };
    let next = step.next.as_ref()?;
    let matched = rows.iter().find(|r| r.result == RowResult::Matched)?;
    let (state, progress) = match next {
        Reach::Top => (StandingState::Top, 100),
        Reach::Vetoed { .. } => (StandingState::Held, 0),
        Reach::Next { needs, .. } => (
            StandingState::Next,
            progress(subject, threshold(&matched.row), needs),
        ),
    };
    let (row, mut lines) = next_lines(lang, next);
    lines.insert(0, row);
    Some(Standing {
        item: called(lang, &step.name, step.label.as_deref()),
        now: brief(subject),
        gives: matched.gives.clone(),
        progress,
        state,
        lines,
    })
}

/// How far `now` has come from `floor` (the threshold of its row; `None` for the
/// `else` row) to the threshold `needs` names, in percent.
fn progress(now: &str, floor: Option<f64>, needs: &str) -> u8 {
    let (Some(now), Some(target)) = (figure(now), threshold(needs)) else {
        return 0;
    };
    let up = needs.trim_start().starts_with('>');
    let fraction = match floor {
        Some(floor) if floor != target => (now - floor) / (target - floor),
        // Below every row: how near the value is to the lowest threshold.
        _ if up && target > 0.0 => now / target,
        _ if !up && now > 0.0 => target / now,
        _ => 0.0,
    };
    (fraction.clamp(0.0, 1.0) * 100.0).round() as u8
}

/// The threshold of a row as written (`>= 95% : 100`) or of a comparison
/// (`>= 95.00%`); `None` for an `else` row.
fn threshold(row: &str) -> Option<f64> {
    let bound = row.trim_start().strip_prefix(['>', '<'])?;
    let bound = bound.strip_prefix('=').unwrap_or(bound);
    figure(bound.split(':').next()?)
}

/// A figure as shown (`1,234.50`, `95.00%`, `33.333333…`), approximately, for
/// drawing; percentages in percent.
fn figure(text: &str) -> Option<f64> {
    let digits: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '…' | '%'))
        .collect();
    digits.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::{brief, progress, threshold};

    #[test]
    fn a_figure_that_does_not_end_keeps_two_places() {
        assert_eq!(brief("92.288861…%"), "92.28…%");
        assert_eq!(brief("33.333333…"), "33.33…");
        assert_eq!(brief("92.50%"), "92.50%");
        assert_eq!(brief("1200.00"), "1200.00");
    }

    #[test]
    fn progress_runs_from_the_row_reached_to_the_next() {
        assert_eq!(
            progress("91.00%", threshold(">= 90% : 80"), ">= 95.00%"),
            20
        );
        assert_eq!(
            progress("62", threshold(">= 60 : C coefficient 0.5"), ">= 70"),
            20
        );
        // Below every row: the way to the lowest threshold.
        assert_eq!(progress("42.50%", threshold("else : 0"), ">= 85.00%"), 50);
        // Lower is better: from 5 complaints (else) towards at most 2.
        assert_eq!(progress("4", threshold("else : 0"), "<= 2"), 50);
        assert_eq!(
            progress("1,500.00", threshold("> 1000 : 1"), "> 2,000.00"),
            50
        );
        assert_eq!(progress("n/a", None, ">= 1"), 0);
    }
}
