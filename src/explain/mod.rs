//! Explanations: how every value of one record arose, built from a traced run.

mod show;

use std::fmt::Write;

use crate::Ruleset;
use crate::check::model::{Body, Item, Kind, Model, TExpr, TExprKind};
use crate::check::types::Type;
use crate::diagnostic::{SourceFile, Span};
use crate::eval::trace::StepTrace;
use crate::eval::{Detail, Limit, Trace, Value};
use crate::input::Record;
use crate::number::{Rational, decimal_with_places, shown, shown_percent};
use crate::outcome::Outcome;
use crate::syntax::ast::ItemKind;
use show::{Substitute, value, written};

/// How one record's values arose: every item in evaluation order with its formula,
/// the real numbers, the decisions made, and every output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// The ruleset's name.
    pub ruleset: String,
    /// The ruleset's title.
    pub title: Option<String>,
    /// The ruleset's version.
    pub version: Option<String>,
    /// The record's key.
    pub key: String,
    /// Computed items, in evaluation order.
    pub items: Vec<Step>,
    /// Outputs, in declaration order.
    pub outputs: Vec<Step>,
}

/// One computed value and how it arose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Its name.
    pub name: String,
    /// Bilingual label.
    pub label: Option<String>,
    /// let, score, bonus, deduction, grade or output.
    pub kind: &'static str,
    /// The line of the rule file it is defined on.
    pub line: usize,
    /// The formula as written.
    pub formula: String,
    /// Lines showing the computation with the record's numbers, in order.
    pub working: Vec<String>,
    /// The final value.
    pub value: String,
}

impl Explanation {
    pub(crate) fn build(
        ruleset: &Ruleset,
        record: &Record,
        slots: &[Value<'_>],
        trace: &Trace<'_>,
        outcome: &Outcome,
    ) -> Explanation {
        let model = &ruleset.program().model;
        let source = ruleset.source();
        let sub = Substitute {
            model,
            source,
            slots,
        };
        let inputs = model.inputs.len();
        let untraced = StepTrace::default();
        let mut items = Vec::with_capacity(model.items.len());
        for (i, item) in model.items.iter().enumerate() {
            let step_trace = trace.steps.get(i).unwrap_or(&untraced);
            let final_value = slots.get(inputs + i).copied();
            let mut working = item_working(&sub, item, inputs + i, step_trace);
            // Roundings anywhere in the item: its formula, cap, floor and vetoes.
            let mut spans = vec![item.span];
            spans.extend(item.vetoes.iter().map(|v| v.span));
            working.extend(roundings(ruleset, trace, &spans));
            items.push(Step {
                name: item.name.clone(),
                label: item.label.clone(),
                kind: kind_name(item.kind),
                line: source.line_col(item.span.start).0,
                formula: first_line(source, item.formula),
                working,
                value: final_value.map_or_else(String::new, |v| value(model, v, item.ty)),
            });
        }
        let outputs = model
            .outputs
            .iter()
            .zip(&outcome.values)
            .map(|(output, v)| {
                let mut working = vec![format!("= {}", sub.expr(&output.value))];
                working.extend(roundings(ruleset, trace, &[output.value.span]));
                Step {
                    name: output.name.clone(),
                    label: output.label.clone(),
                    kind: "output",
                    line: source.line_col(output.span.start).0,
                    formula: written(source, output.value.span),
                    working,
                    value: v.to_string(),
                }
            })
            .collect();
        Explanation {
            ruleset: model.name.clone(),
            title: model.title.clone(),
            version: model.version.clone(),
            key: record.key().to_string(),
            items,
            outputs,
        }
    }

    /// The explanation as plain text.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        let _ = write!(out, "{}", self.ruleset);
        if let Some(title) = &self.title {
            let _ = write!(out, " {title}");
        }
        if let Some(version) = &self.version {
            let _ = write!(out, ", version {version}");
        }
        let _ = writeln!(out, "\nrecord {}\n", self.key);
        for step in &self.items {
            render_step(&mut out, step);
        }
        let _ = writeln!(out, "outputs");
        for step in &self.outputs {
            render_step(&mut out, step);
        }
        out
    }
}

fn render_step(out: &mut String, step: &Step) {
    let label = step
        .label
        .as_deref()
        .map(|l| format!("  {l}"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{} {}{label}  (line {})",
        step.kind, step.name, step.line
    );
    let _ = writeln!(out, "  {}", step.formula);
    for line in &step.working {
        let _ = writeln!(out, "  {line}");
    }
    let _ = writeln!(out, "  → {}\n", step.value);
}

/// The first line of a formula: a table's heading without its rows, which the
/// working lines show where they matter.
fn first_line(source: &SourceFile, span: Span) -> String {
    let end = source
        .slice(span)
        .find('\n')
        .map_or(span.end, |i| span.start + i);
    written(source, Span::new(span.start, end))
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Grade => "grade",
        Kind::Item(ItemKind::Let) => "let",
        Kind::Item(ItemKind::Score) => "score",
        Kind::Item(ItemKind::Bonus) => "bonus",
        Kind::Item(ItemKind::Deduction) => "deduction",
    }
}

/// The roundings that happened inside any of `spans`.
fn roundings(ruleset: &Ruleset, trace: &Trace<'_>, spans: &[Span]) -> Vec<String> {
    let program = ruleset.program();
    trace
        .rounds
        .iter()
        .filter_map(|(site, before, after)| {
            let site = program.round_sites.get(*site as usize)?;
            let inside = spans
                .iter()
                .any(|span| site.span.start >= span.start && site.span.end <= span.end);
            inside.then(|| {
                // A percentage rounds its figure, so both sides are shown as figures.
                let percent = site.ty == Type::Percent;
                let (before, after, sign) =
                    match (percent, before.percent_figure(), after.percent_figure()) {
                        (true, Ok(b), Ok(a)) => (b, a, "%"),
                        _ => (*before, *after, ""),
                    };
                let rounded = decimal_with_places(after, site.places)
                    .map_or_else(|| shown(after), |d| d.to_string());
                let unit = if site.places == 1 { "place" } else { "places" };
                format!(
                    "rounded {} to {} {unit}: {}{sign} → {rounded}{sign}",
                    site.mode.name(),
                    site.places,
                    shown(before),
                )
            })
        })
        .collect()
}

/// The working lines of one item: its formula with numbers, the decision its table
/// made, and any cap, floor or veto.
fn item_working(
    sub: &Substitute<'_, '_>,
    item: &Item,
    slot: usize,
    trace: &StepTrace<'_>,
) -> Vec<String> {
    let model: &Model = sub.model;
    let computed = trace
        .computed
        .map_or_else(String::new, |v| value(model, v, item.ty));
    let mut lines = Vec::new();
    match &item.body {
        Body::Expr(e) => lines.push(format!("= {} = {computed}", sub.expr(e))),
        Body::Ratio {
            numerator,
            denominator,
            ..
        } => {
            let division = format!("= {} / {}", sub.expr(numerator), sub.expr(denominator));
            lines.push(if trace.detail == Some(Detail::ZeroDenominator) {
                format!("{division}: the denominator is 0, so `when zero` gives {computed}")
            } else {
                format!("{division} = {computed}")
            });
        }
        Body::Tiers(tiers) => {
            let subject = sub.expr(&tiers.subject);
            match trace.detail {
                Some(Detail::Row(Some(row))) => {
                    if let Some(r) = tiers.rows.get(row) {
                        lines.push(format!(
                            "{subject} matches row `{}` → {computed}",
                            written(sub.source, r.span)
                        ));
                    }
                }
                _ => lines.push(format!(
                    "{subject} matches no row, so `else` gives {computed}"
                )),
            }
        }
        Body::Linear { subject, points } => {
            let x = sub.expr(subject);
            let at = |point: Rational| value(model, Value::Num(point), subject.ty);
            match trace.detail {
                Some(Detail::ClampedLow) => lines.push(format!(
                    "{x} is at or below {}, so {computed}",
                    at(points[0].0)
                )),
                Some(Detail::ClampedHigh) => lines.push(format!(
                    "{x} is at or above {}, so {computed}",
                    at(points[points.len() - 1].0)
                )),
                Some(Detail::Segment(i)) => {
                    let ((x0, y0), (x1, y1)) = (points[i], points[i + 1]);
                    let (sx0, sx1) = (at(x0), at(x1));
                    lines.push(format!(
                        "{x} lies between {sx0} : {} and {sx1} : {}",
                        shown(y0),
                        shown(y1)
                    ));
                    lines.push(format!(
                        "= {} + ({x} - {sx0}) × ({} - {}) / ({sx1} - {sx0}) = {computed}",
                        shown(y0),
                        shown(y1),
                        shown(y0)
                    ));
                }
                _ => {}
            }
        }
        Body::Weighted(parts) => {
            let terms: Vec<String> = parts
                .iter()
                .map(|p| {
                    let e = TExpr {
                        kind: TExprKind::Ref(p.source),
                        ty: item.ty,
                        span: p.span,
                    };
                    format!("{} × {}", sub.expr(&e), shown_percent(p.weight))
                })
                .collect();
            let names: Vec<String> = parts
                .iter()
                .map(|p| written(sub.source, p.span))
                .map(|row| row.replacen(' ', " × ", 1))
                .collect();
            lines.push(format!("= {}", names.join(" + ")));
            lines.push(format!("= {} = {computed}", terms.join(" + ")));
        }
        Body::Per { amount, count } => {
            lines.push(format!(
                "= {} × {} = {computed}",
                sub.expr(amount),
                sub.expr(count)
            ));
        }
        Body::Grade(scale) => {
            let subject = sub.expr(&scale.subject);
            if let Some(Detail::Row(Some(band))) = trace.detail
                && let Some(b) = scale.bands.get(band)
            {
                let mut line = format!(
                    "{subject} matches `{}` → {}",
                    written(sub.source, b.span),
                    b.label
                );
                if scale.has_coefficients {
                    line.push_str(&format!(", coefficient {}", shown(b.coefficient)));
                }
                lines.push(line);
            }
        }
    }
    for (limit, before, after) in &trace.limits {
        let (word, change) = match limit {
            Limit::Cap => ("cap", "cut off"),
            Limit::Floor => ("floor", "added"),
        };
        let moved = before.checked_sub(*after).and_then(|d| d.checked_abs());
        lines.push(format!(
            "{word} {}: {} → {} ({} {change})",
            shown(*after),
            shown(*before),
            shown(*after),
            moved.map_or_else(|_| "?".into(), shown)
        ));
    }
    lines.extend(veto_lines(sub, item, slot, trace));
    lines
}

/// Every veto on an item, fired or not, with its condition shown on the value the
/// item had when the veto was checked.
fn veto_lines(
    sub: &Substitute<'_, '_>,
    item: &Item,
    slot: usize,
    trace: &StepTrace<'_>,
) -> Vec<String> {
    let model = sub.model;
    let Some(mut current) = trace
        .vetoes
        .first()
        .map(|(_, before, _)| *before)
        .or_else(|| sub.slots.get(slot).copied())
    else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    // The slots as each veto saw them: only the item's own value changes.
    let mut view = sub.slots.to_vec();
    for (index, veto) in item.vetoes.iter().enumerate() {
        if let Some(s) = view.get_mut(slot) {
            *s = current;
        }
        let at_the_time = Substitute {
            model,
            source: sub.source,
            slots: &view,
        };
        let condition = format!(
            "{} ({})",
            written(sub.source, veto.condition.span),
            at_the_time.expr(&veto.condition)
        );
        match trace.vetoes.iter().find(|(fired, _, _)| *fired == index) {
            Some((_, before, after)) => {
                lines.push(format!(
                    "veto \"{}\": {condition} is true, so {} {} → {}",
                    veto.reason,
                    item.name,
                    value(model, *before, item.ty),
                    value(model, *after, item.ty)
                ));
                current = *after;
            }
            None => lines.push(format!(
                "veto \"{}\": {condition} is false, not applied",
                veto.reason
            )),
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use crate::Ruleset;

    #[test]
    fn roundings_in_a_cap_and_a_veto_are_shown_on_their_item() {
        let ruleset = Ruleset::compile(
            "ruleset t\nkey id\ninput id text\ninput b number\n\
             bonus x = b / 3, cap round(b / 7, 2, half_up)\n\
             veto \"half\" when b > 0 : x = round(x * 50%, 2, down)\noutput o = x",
        )
        .unwrap();
        let record = ruleset.record(&[("id", "R"), ("b", "100")]).unwrap();
        let (outcome, explanation) = ruleset.explain(&record).unwrap();
        assert_eq!(outcome.values[0].to_string(), "7.14");
        let x = &explanation.items[0];
        assert_eq!(
            x.working,
            vec![
                "= 100 / 3 = 33.333333…",
                "cap 14.29: 33.333333… → 14.29 (19.043333… cut off)",
                "veto \"half\": b > 0 (100 > 0) is true, so x 14.29 → 7.14",
                "rounded half_up to 2 places: 14.285714… → 14.29",
                "rounded down to 2 places: 7.145 → 7.14",
            ]
        );
    }
}
