//! Building an Explanation from a traced run.

use crate::Ruleset;
use crate::check::model::{Body, Item, Kind, Model, Ref, TExpr, TExprKind};
use crate::check::types::Type;
use crate::diagnostic::{SourceFile, Span};
use crate::eval::trace::StepTrace;
use crate::eval::{Detail, Limit, Texts, Trace, Value};
use crate::input::Record;
use crate::number::{Rational, decimal_with_places, shown, shown_percent};
use crate::outcome::Outcome;
use crate::syntax::ast::{CmpOp, ItemKind};

use super::fingerprint;
use super::model::{
    Decision, Explanation, FORMAT, InputShown, LimitApplied, LimitKind, Point, RecordInfo,
    Rounding, RowCheck, RowResult, RulesetInfo, Step, StepKind, VetoCheck, WeightedPart,
};
use super::reach;
use super::show::{Substitute, value, written};

/// The engine's name and version, as it appears in every explanation.
pub fn engine() -> String {
    format!("kpi {}", env!("CARGO_PKG_VERSION"))
}

/// The explanation of one traced run of `record`.
pub fn explanation(
    ruleset: &Ruleset,
    record: &Record,
    slots: &[Value],
    trace: &Trace,
    outcome: &Outcome,
) -> Explanation {
    let model = &ruleset.program().model;
    let source = ruleset.source();
    let texts = Texts::new(ruleset.program(), record);
    let sub = Substitute {
        model,
        source,
        slots,
        texts,
    };
    let mut inputs = record_inputs(model, record);
    let fingerprint = match &record.rows {
        // A record rolled up from rows is its rows; the inputs shown are those they
        // share.
        Some(rows) => {
            let shared = &ruleset.program().record_inputs;
            let mut n = 0;
            inputs.retain(|_| {
                n += 1;
                shared.get(n - 1).copied().unwrap_or(false)
            });
            rows.fingerprint.clone()
        }
        None => fingerprint::of_record(&inputs),
    };
    let untraced = StepTrace::default();
    let items = model
        .items
        .iter()
        .enumerate()
        // An item computed for each week or day of a month that has no such one.
        .filter(|(_, item)| item.slice.is_none_or(|slice| texts.has(slice)))
        .map(|(i, item)| {
            let step_trace = trace.steps.get(i).unwrap_or(&untraced);
            let slot = model.inputs.len() + i;
            // Roundings anywhere in the item: its formula, cap, floor and vetoes.
            let mut spans = vec![item.span];
            spans.extend(item.vetoes.iter().map(|v| v.span));
            Step {
                // An aggregate has no name of its own: it is what is written.
                name: match item.kind {
                    Kind::Aggregate => written(source, item.formula),
                    _ => item.name.clone(),
                } + &super::period::slice_days(item, record),
                label: item.label.clone(),
                kind: step_kind(item.kind),
                line: source.line_col(item.span.start).0,
                formula: first_line(source, item.formula),
                working: working(&sub, item),
                computed: step_trace
                    .computed
                    .as_ref()
                    .map(|v| value(model, sub.texts, v, item.ty)),
                decision: super::period::warning(ruleset, i, texts, slots)
                    .or_else(|| decision(&sub, item, slot, step_trace)),
                limits: limits(&sub, item.ty, step_trace),
                vetoes: vetoes(&sub, item, slot, step_trace),
                roundings: roundings(ruleset, trace, &spans),
                value: slots
                    .get(slot)
                    .map_or_else(String::new, |v| value(model, texts, v, item.ty)),
                unit: unit(model, item.ty),
                next: reach::next(ruleset, record, i, slots, trace),
            }
        })
        .collect();
    let outputs = model
        .outputs
        .iter()
        .zip(&outcome.values)
        .map(|(output, v)| Step {
            name: output.name.clone(),
            label: output.label.clone(),
            kind: StepKind::Output,
            line: source.line_col(output.span.start).0,
            formula: written(source, output.value.span),
            working: Some(sub.expr(&output.value)),
            computed: None,
            decision: None,
            limits: Vec::new(),
            vetoes: Vec::new(),
            roundings: roundings(ruleset, trace, &[output.value.span]),
            value: v.to_string(),
            unit: unit(model, output.value.ty),
            next: None,
        })
        .collect();
    Explanation {
        format: FORMAT.to_string(),
        engine: engine(),
        ruleset: RulesetInfo {
            name: model.name.clone(),
            title: model.title.clone(),
            version: model.version.clone(),
            currency: model.currency.clone(),
            fingerprint: fingerprint::of_ruleset(source.text()),
        },
        record: RecordInfo {
            key: record.key().to_string(),
            fingerprint,
            inputs,
            period: super::period::shown(record),
            rows: super::period::rows(record),
        },
        items,
        outputs,
        population: None,
    }
}

/// The record's inputs, each in a form a data file may give it back.
/// The fingerprint of `record` as an explanation of it carries.
pub(crate) fn record_fingerprint(model: &Model, record: &Record) -> String {
    fingerprint::of_record(&record_inputs(model, record))
}

fn record_inputs(model: &Model, record: &Record) -> Vec<InputShown> {
    model
        .inputs
        .iter()
        .zip(record.values.iter())
        .map(|(input, v)| InputShown {
            name: input.name.clone(),
            label: input.label.clone(),
            value: v.shown(input.ty),
        })
        .collect()
}

/// The unit an amount of type `ty` is counted in, as a step names it.
fn unit(model: &Model, ty: Type) -> Option<String> {
    match ty {
        Type::Money => Some(model.currency.clone().unwrap_or_else(|| "money".into())),
        Type::Points => model.unit.as_ref().map(|(name, _)| name.clone()),
        _ => None,
    }
}

fn step_kind(kind: Kind) -> StepKind {
    match kind {
        Kind::Grade => StepKind::Grade,
        Kind::Aggregate => StepKind::Aggregate,
        Kind::Item(ItemKind::Let) => StepKind::Let,
        Kind::Item(ItemKind::Score) => StepKind::Score,
        Kind::Item(ItemKind::Bonus) => StepKind::Bonus,
        Kind::Item(ItemKind::Deduction) => StepKind::Deduction,
        Kind::Item(ItemKind::Warning) => StepKind::Warning,
    }
}

/// The first line of a formula: a table's heading without its rows, which the
/// decision shows.
fn first_line(source: &SourceFile, span: Span) -> String {
    let end = source
        .slice(span)
        .find('\n')
        .map_or(span.end, |i| span.start + i);
    written(source, Span::new(span.start, end))
}

/// The formula with the record's numbers, where it is a formula rather than a table.
fn working(sub: &Substitute<'_>, item: &Item) -> Option<String> {
    match &item.body {
        Body::Expr(e) => Some(sub.expr(e)),
        Body::Ratio {
            numerator,
            denominator,
            ..
        } => Some(sub.ratio(numerator, denominator)),
        Body::Weighted(parts) => {
            let terms: Vec<String> = weighted_parts(sub, item, parts)
                .into_iter()
                .map(|p| format!("{} × {}", p.value, p.weight))
                .collect();
            Some(terms.join(" + "))
        }
        Body::Per { amount, count } => Some(format!("{} × {}", sub.expr(amount), sub.expr(count))),
        Body::Tiers(_)
        | Body::Linear { .. }
        | Body::Grade(_)
        | Body::Aggregate(_)
        | Body::Rows(_)
        | Body::Slices(_)
        | Body::Previous(_)
        | Body::Pace(_)
        | Body::Rank(_)
        | Body::Distribution(_)
        | Body::Share(_) => None,
    }
}

/// Each part of a weighted sum: its name, its value in this record and its weight.
fn weighted_parts(
    sub: &Substitute<'_>,
    item: &Item,
    parts: &[crate::check::model::WeightedPart],
) -> Vec<WeightedPart> {
    parts
        .iter()
        .map(|p| {
            let e = TExpr {
                kind: TExprKind::Ref(p.source),
                ty: item.ty,
                span: p.span,
            };
            let name = match p.source {
                Ref::Input(i) => &sub.model.inputs[i].name,
                Ref::Item(i) => &sub.model.items[i].name,
            };
            let slot = match p.source {
                Ref::Input(i) => i,
                Ref::Item(i) => sub.model.inputs.len() + i,
            };
            let contribution = match sub.slots.get(slot) {
                Some(Value::Num(v)) => v
                    .checked_mul(&p.weight)
                    .ok()
                    .map(|c| value(sub.model, sub.texts, &Value::Num(c), item.ty)),
                _ => None,
            };
            WeightedPart {
                name: name.clone(),
                value: sub.expr(&e),
                weight: shown_percent(&p.weight),
                contribution,
            }
        })
        .collect()
}

fn decision(sub: &Substitute<'_>, item: &Item, slot: usize, trace: &StepTrace) -> Option<Decision> {
    let model = sub.model;
    let subject_ty = match &item.body {
        Body::Tiers(t) => t.subject.ty,
        Body::Linear { subject, .. } => subject.ty,
        Body::Grade(g) => g.subject.ty,
        _ => item.ty,
    };
    let at = |r: &Rational| value(model, sub.texts, &Value::Num(r.clone()), subject_ty);
    let subject = trace.subject.as_ref().map(at).unwrap_or_default();
    if let Body::Weighted(parts) = &item.body {
        return Some(Decision::Weighted {
            parts: weighted_parts(sub, item, parts),
        });
    }
    match (&item.body, trace.detail?) {
        (Body::Ratio { .. }, Detail::ZeroDenominator) => Some(Decision::ZeroDenominator {
            used: trace
                .computed
                .as_ref()
                .map(|v| value(model, sub.texts, v, item.ty))
                .unwrap_or_default(),
        }),
        (Body::Tiers(tiers), Detail::Row(matched)) => {
            let tests = tiers.rows.iter().map(|r| Some((r.op, r.threshold.clone())));
            let mut gives: Vec<String> = tiers.rows.iter().map(|r| sub.expr(&r.value)).collect();
            gives.push(sub.expr(&tiers.otherwise));
            let mut written_rows: Vec<String> = tiers
                .rows
                .iter()
                .map(|r| written(sub.source, r.span))
                .collect();
            written_rows.push(format!(
                "else : {}",
                written(sub.source, tiers.otherwise.span)
            ));
            let matched = matched.unwrap_or(tiers.rows.len());
            Some(Decision::Rows {
                rows: row_checks(
                    tests.chain([None]),
                    written_rows,
                    gives,
                    matched,
                    trace.subject.as_ref(),
                    &at,
                ),
                subject,
                coefficient: None,
            })
        }
        (Body::Grade(scale), Detail::Row(Some(matched))) => Some(Decision::Rows {
            rows: row_checks(
                scale.bands.iter().map(|b| b.test.clone()),
                scale
                    .bands
                    .iter()
                    .map(|b| written(sub.source, b.span))
                    .collect(),
                scale.bands.iter().map(|b| b.label.clone()).collect(),
                matched,
                trace.subject.as_ref(),
                &at,
            ),
            subject,
            // The coefficient of the grade given, which a veto may have changed.
            coefficient: match sub.slots.get(slot) {
                Some(Value::Grade(band)) if scale.has_coefficients => scale
                    .bands
                    .get(usize::from(*band))
                    .map(|b| shown(&b.coefficient)),
                _ => None,
            },
        }),
        (Body::Linear { points, .. }, detail) => {
            let point = |i: usize| {
                points.get(i).map(|(x, y)| Point {
                    x: at(x),
                    y: shown(y),
                })
            };
            match detail {
                Detail::Segment(i) => Some(Decision::Interpolated {
                    subject,
                    from: point(i)?,
                    to: point(i + 1)?,
                }),
                Detail::ClampedLow => Some(Decision::Clamped {
                    subject,
                    at: point(0)?,
                    high: false,
                }),
                Detail::ClampedHigh => Some(Decision::Clamped {
                    subject,
                    at: point(points.len().checked_sub(1)?)?,
                    high: true,
                }),
                _ => None,
            }
        }
        _ => None,
    }
}

/// What became of each row: rows before the match missed (by how much), the match,
/// and rows after it not tested.
fn row_checks(
    tests: impl Iterator<Item = Option<(CmpOp, Rational)>>,
    rows: Vec<String>,
    gives: Vec<String>,
    matched: usize,
    subject: Option<&Rational>,
    at: &dyn Fn(&Rational) -> String,
) -> Vec<RowCheck> {
    tests
        .zip(rows)
        .zip(gives)
        .enumerate()
        .map(|(i, ((test, row), gives))| {
            let result = match i.cmp(&matched) {
                std::cmp::Ordering::Less => RowResult::Missed,
                std::cmp::Ordering::Equal => RowResult::Matched,
                std::cmp::Ordering::Greater => RowResult::NotTested,
            };
            let missed_by = match (result, &test, subject) {
                (RowResult::Missed, Some((_, threshold)), Some(x)) => {
                    threshold.checked_sub(x).map(|d| d.abs()).ok()
                }
                _ => None,
            };
            // On a strict bound, a subject right on the threshold misses by nothing:
            // what it needs says more.
            let (missed_by, needs) = match (missed_by, &test) {
                (Some(gap), Some((op, threshold))) if gap.is_zero() => {
                    (None, Some(format!("{} {}", op.symbol(), at(threshold))))
                }
                (gap, _) => (gap.as_ref().map(at), None),
            };
            RowCheck {
                row,
                gives,
                result,
                missed_by,
                needs,
            }
        })
        .collect()
}

fn limits(sub: &Substitute<'_>, ty: Type, trace: &StepTrace) -> Vec<LimitApplied> {
    let typed = |r: &Rational| value(sub.model, sub.texts, &Value::Num(r.clone()), ty);
    trace
        .limits
        .iter()
        .map(|(limit, before, after)| LimitApplied {
            limit: match limit {
                Limit::Cap => LimitKind::Cap,
                Limit::Floor => LimitKind::Floor,
            },
            before: typed(before),
            after: typed(after),
            amount: before
                .checked_sub(after)
                .map_or_else(|_| "?".into(), |d| typed(&d.abs())),
        })
        .collect()
}

/// Every veto on an item, fired or not, with its condition shown on the value the
/// item had when the veto was checked.
fn vetoes(sub: &Substitute<'_>, item: &Item, slot: usize, trace: &StepTrace) -> Vec<VetoCheck> {
    let model = sub.model;
    let Some(mut current) = trace
        .vetoes
        .first()
        .map(|(_, before, _)| before)
        .or_else(|| sub.slots.get(slot))
        .cloned()
    else {
        return Vec::new();
    };
    let mut checks = Vec::new();
    // The slots as each veto saw them: only the item's own value changes.
    let mut view = sub.slots.to_vec();
    for (index, veto) in item.vetoes.iter().enumerate() {
        if let Some(s) = view.get_mut(slot) {
            *s = current.clone();
        }
        let at_the_time = Substitute {
            model,
            source: sub.source,
            slots: &view,
            texts: sub.texts,
        };
        let fired = trace.vetoes.iter().find(|(fired, _, _)| *fired == index);
        checks.push(VetoCheck {
            reason: veto.reason.clone(),
            condition: written(sub.source, veto.condition.span),
            working: at_the_time.expr(&veto.condition),
            fired: fired.is_some(),
            before: fired.map(|(_, before, _)| value(model, sub.texts, before, item.ty)),
            after: fired.map(|(_, _, after)| value(model, sub.texts, after, item.ty)),
        });
        if let Some((_, _, after)) = fired {
            current = after.clone();
        }
    }
    checks
}

/// The roundings that happened inside any of `spans`.
fn roundings(ruleset: &Ruleset, trace: &Trace, spans: &[Span]) -> Vec<Rounding> {
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
                        _ => (before.clone(), after.clone(), ""),
                    };
                let rounded = decimal_with_places(&after, site.places)
                    .map_or_else(|| shown(&after), |d| d.to_string());
                Rounding {
                    mode: site.mode.name().to_string(),
                    places: site.places,
                    before: format!("{}{sign}", shown(&before)),
                    after: format!("{rounded}{sign}"),
                }
            })
        })
        .collect()
}
