//! Warnings: rules that are valid but probably not what was meant. A tier or grade
//! row that can never match, an input nothing uses, a cap below the amount for a
//! single case, a percentage threshold above 100%.
//!
//! Whether a row can match is judged from the bounds each value is known to stay
//! within: declared input ranges, counts being zero or more, the values a tier table,
//! line or weighted sum can give. Where a bound is not known, nothing is said.

use super::model::{Body, Func, Model, Ref, TExpr, TExprKind};
use super::types::Type;
use crate::diagnostic::{Diagnostic, Span, codes};
use crate::number::{Rational, shown, shown_percent};
use crate::syntax::ast::{AggregateFn, BinOp, CmpOp};

/// The least and greatest a value can be, where known.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Bounds {
    low: Option<Rational>,
    high: Option<Rational>,
}

impl Bounds {
    const UNKNOWN: Bounds = Bounds {
        low: None,
        high: None,
    };

    fn exactly(r: &Rational) -> Bounds {
        Bounds {
            low: Some(r.clone()),
            high: Some(r.clone()),
        }
    }

    /// Bounds holding every value of either.
    fn union(self, other: Bounds) -> Bounds {
        let both =
            |a: Option<Rational>, b: Option<Rational>, pick: fn(Rational, Rational) -> Rational| {
                Some(pick(a?, b?))
            };
        Bounds {
            low: both(self.low, other.low, Rational::min),
            high: both(self.high, other.high, Rational::max),
        }
    }

    fn non_negative(&self) -> bool {
        self.low.as_ref().is_some_and(|l| *l >= Rational::ZERO)
    }
}

/// Every warning for a checked model; `input_spans` are where each input's name is.
pub(super) fn lints(model: &Model, input_spans: &[Span]) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    unused_inputs(model, input_spans, &mut warnings);
    let mut items: Vec<Bounds> = Vec::with_capacity(model.items.len());
    for item in &model.items {
        let known = Known {
            model,
            items: &items,
        };
        let percent = |subject: &TExpr| subject.ty == Type::Percent;
        match &item.body {
            Body::Tiers(t) => {
                let rows: Vec<(CmpOp, Rational, Span)> = t
                    .rows
                    .iter()
                    .map(|r| (r.op, r.threshold.clone(), r.span))
                    .collect();
                let subject = known.expr(&t.subject);
                rows_that_never_match(
                    &rows,
                    t.otherwise.span,
                    subject,
                    percent(&t.subject),
                    &mut warnings,
                );
                over_100(&rows, known.at_most_whole(&t.subject), &mut warnings);
            }
            Body::Grade(g) => {
                let rows: Vec<(CmpOp, Rational, Span)> = g
                    .bands
                    .iter()
                    .filter_map(|b| b.test.clone().map(|(op, t)| (op, t, b.span)))
                    .collect();
                let otherwise = g.bands.last().map_or(item.formula, |b| b.span);
                let subject = known.expr(&g.subject);
                rows_that_never_match(
                    &rows,
                    otherwise,
                    subject,
                    percent(&g.subject),
                    &mut warnings,
                );
                over_100(&rows, known.at_most_whole(&g.subject), &mut warnings);
            }
            Body::Per { amount, .. } => {
                if let (Some(cap), Some(one)) = (&item.cap, known.expr(amount).low)
                    && let Some(most) = known.expr(cap).high
                    && most < one
                    && one > Rational::ZERO
                {
                    warnings.push(warning(
                        codes::CAP_BELOW_ONE,
                        format!(
                            "the cap {} is below the amount for a single case, {}",
                            shown(&most),
                            shown(&one)
                        ),
                        cap.span,
                        "less than one case",
                        "even one case is cut to the cap; check the cap and the amount per case",
                    ));
                }
            }
            _ => {}
        }
        if let (Some(cap), Some(floor)) = (&item.cap, &item.floor)
            && let (Some(most), Some(least)) = (known.expr(cap).high, known.expr(floor).low)
            && least > most
        {
            warnings.push(warning(
                codes::FLOOR_ABOVE_CAP,
                format!(
                    "the floor {} is above the cap {}, so every value becomes {}",
                    shown(&least),
                    shown(&most),
                    shown(&least)
                ),
                floor.span,
                "above the cap",
                "the floor applies after the cap; swap the two, or correct one of them",
            ));
        }
        let bounds = known.item(items.len());
        items.push(bounds);
    }
    warnings
}

/// What is known of the values computed so far.
struct Known<'a> {
    model: &'a Model,
    items: &'a [Bounds],
}

impl Known<'_> {
    /// The bounds of a reduction that lies within its values' bounds, or its value
    /// for nothing to reduce.
    fn reduced(&self, value: Option<&TExpr>, when_empty: &Option<Option<Rational>>) -> Bounds {
        let values = value.map_or(Bounds::UNKNOWN, |v| self.expr(v));
        match when_empty {
            Some(Some(v)) => values.union(Bounds::exactly(v)),
            _ => values,
        }
    }

    /// The bounds of item `i`, after its caps, floors and vetoes.
    fn item(&self, i: usize) -> Bounds {
        let item = &self.model.items[i];
        let mut bounds = match &item.body {
            Body::Expr(e) => self.expr(e),
            Body::Ratio {
                numerator,
                denominator,
                when_zero,
                ..
            } => {
                let both =
                    self.expr(numerator).non_negative() && self.expr(denominator).non_negative();
                let ratio = Bounds {
                    low: both.then_some(Rational::ZERO),
                    high: None,
                };
                match when_zero {
                    Some(Some(v)) => ratio.union(Bounds::exactly(v)),
                    _ => ratio,
                }
            }
            Body::Tiers(t) => t
                .rows
                .iter()
                .map(|r| self.expr(&r.value))
                .fold(self.expr(&t.otherwise), Bounds::union),
            Body::Linear { points, .. } => Bounds {
                low: points.iter().map(|p| &p.1).min().cloned(),
                high: points.iter().map(|p| &p.1).max().cloned(),
            },
            Body::Weighted(parts) => {
                let mut sum = Bounds::exactly(&Rational::ZERO);
                for part in parts {
                    let value = self.reference(part.source);
                    let weight = Bounds::exactly(&part.weight);
                    sum = add(sum, multiply(value, weight));
                }
                sum
            }
            Body::Per { amount, count } => multiply(self.expr(amount), self.expr(count)),
            Body::Aggregate(a) if within_values(a.func) => {
                self.reduced(a.value.as_ref(), &a.when_empty)
            }
            Body::Rows(r) if within_values(r.func) => self.reduced(r.value.as_ref(), &r.when_empty),
            Body::Slices(s) if s.func != AggregateFn::Sum => s
                .parts
                .iter()
                .map(|&p| self.items.get(p).cloned().unwrap_or(Bounds::UNKNOWN))
                .reduce(Bounds::union)
                .unwrap_or(Bounds::UNKNOWN),
            Body::Previous(p) => self.items.get(p.item).cloned().unwrap_or(Bounds::UNKNOWN),
            Body::Grade(_)
            | Body::Aggregate(_)
            | Body::Pace(_)
            | Body::Rows(_)
            | Body::Slices(_)
            | Body::Rank(_)
            | Body::Distribution(_)
            | Body::Share(_) => Bounds::UNKNOWN,
        };
        if let Some(cap) = &item.cap {
            let cap = self.expr(cap);
            bounds = Bounds {
                low: min_of(bounds.low, cap.low),
                high: min_known(bounds.high, cap.high),
            };
        }
        if let Some(floor) = &item.floor {
            let floor = self.expr(floor);
            bounds = Bounds {
                low: max_known(bounds.low, floor.low),
                high: max_of(bounds.high, floor.high),
            };
        }
        if item.vetoes.is_empty() {
            return bounds;
        }
        // A veto's value may read the item itself, as left by the vetoes before it.
        let mut items = self.items.to_vec();
        items.push(bounds.clone());
        for veto in &item.vetoes {
            let so_far = Known {
                model: self.model,
                items: &items,
            };
            let after = bounds.union(so_far.expr(&veto.value));
            bounds = after.clone();
            items[i] = after;
        }
        bounds
    }

    /// Whether `e` is a share of a whole: a percentage input, or a count divided by a
    /// count (calls answered of calls offered), where more than 100% is a typo.
    fn at_most_whole(&self, e: &TExpr) -> bool {
        match &e.kind {
            TExprKind::Ref(Ref::Input(i)) => self.model.inputs[*i].ty == Type::Percent,
            TExprKind::Ref(Ref::Item(i)) => matches!(
                &self.model.items[*i].body,
                Body::Ratio { numerator, denominator, .. }
                    if numerator.ty == Type::Count && denominator.ty == Type::Count
            ),
            _ => false,
        }
    }

    fn reference(&self, r: Ref) -> Bounds {
        match r {
            Ref::Input(i) => {
                let input = &self.model.inputs[i];
                match (input.range.clone(), input.ty) {
                    (Some((low, high)), _) => Bounds {
                        low: Some(low),
                        high: Some(high),
                    },
                    (None, Type::Count) => Bounds {
                        low: Some(Rational::ZERO),
                        high: None,
                    },
                    _ => Bounds::UNKNOWN,
                }
            }
            Ref::Item(i) => self.items.get(i).cloned().unwrap_or_default(),
        }
    }

    /// The bounds of an expression. It recurses once per node, so it only dispatches:
    /// the work of calls and coefficients is done out of line.
    fn expr(&self, e: &TExpr) -> Bounds {
        match &e.kind {
            TExprKind::Number(r) => Bounds::exactly(r),
            TExprKind::Ref(r) => self.reference(*r),
            TExprKind::Neg(x) => negated(self.expr(x)),
            TExprKind::Binary(BinOp::Add, l, r) => add(self.expr(l), self.expr(r)),
            TExprKind::Binary(BinOp::Sub, l, r) => add(self.expr(l), negated(self.expr(r))),
            TExprKind::Binary(BinOp::Mul, l, r) => multiply(self.expr(l), self.expr(r)),
            TExprKind::If(_, t, f) => self.expr(t).union(self.expr(f)),
            TExprKind::Call(func, args) => self.call(*func, args),
            TExprKind::Coefficient(pos) => self.coefficient(*pos),
            _ => Bounds::UNKNOWN,
        }
    }

    fn call(&self, func: Func, args: &[TExpr]) -> Bounds {
        let args: Vec<Bounds> = args.iter().map(|a| self.expr(a)).collect();
        call_bounds(func, &args)
    }

    #[inline(never)]
    fn coefficient(&self, pos: usize) -> Bounds {
        match self.model.items.get(pos).and_then(|i| i.bands()) {
            Some(bands) => Bounds {
                low: bands.iter().map(|b| &b.coefficient).min().cloned(),
                high: bands.iter().map(|b| &b.coefficient).max().cloned(),
            },
            None => Bounds::UNKNOWN,
        }
    }
}

/// The bounds of a call of `func` with arguments of bounds `args`.
#[inline(never)]
fn call_bounds(func: Func, args: &[Bounds]) -> Bounds {
    match func {
        Func::Min => Bounds {
            low: all(args.iter().map(|a| a.low.clone())).and_then(|v| v.into_iter().min()),
            high: args.iter().filter_map(|a| a.high.clone()).min(),
        },
        Func::Max => Bounds {
            low: args.iter().filter_map(|a| a.low.clone()).max(),
            high: all(args.iter().map(|a| a.high.clone())).and_then(|v| v.into_iter().max()),
        },
        // clamp(x, lo, hi) is min(max(x, lo), hi): hi wins over lo.
        Func::Clamp => match args {
            [x, low, high] => Bounds {
                low: min_of(max_known(x.low.clone(), low.low.clone()), high.low.clone()),
                high: min_known(high.high.clone(), max_of(x.high.clone(), low.high.clone())),
            },
            _ => Bounds::UNKNOWN,
        },
        Func::Abs | Func::PeriodDays | Func::DaysInMonth | Func::WeekOf => Bounds {
            low: Some(Rational::ZERO),
            high: None,
        },
        _ => Bounds::UNKNOWN,
    }
}

/// Every value, if every one is known.
fn all(values: impl Iterator<Item = Option<Rational>>) -> Option<Vec<Rational>> {
    values.collect()
}

fn negated(b: Bounds) -> Bounds {
    let neg = |r: Option<Rational>| r.map(|r| r.negated());
    Bounds {
        low: neg(b.high),
        high: neg(b.low),
    }
}

fn add(a: Bounds, b: Bounds) -> Bounds {
    let sum = |x: Option<Rational>, y: Option<Rational>| x?.checked_add(&y?).ok();
    Bounds {
        low: sum(a.low, b.low),
        high: sum(a.high, b.high),
    }
}

/// Products are bounded only when both sides are bounded on both ends.
fn multiply(a: Bounds, b: Bounds) -> Bounds {
    let corners = || -> Option<Vec<Rational>> {
        let mut v = Vec::with_capacity(4);
        for x in [a.low.as_ref()?, a.high.as_ref()?] {
            for y in [b.low.as_ref()?, b.high.as_ref()?] {
                v.push(x.checked_mul(y).ok()?);
            }
        }
        Some(v)
    };
    match corners() {
        Some(v) => Bounds {
            low: v.iter().min().cloned(),
            high: v.iter().max().cloned(),
        },
        None if a.non_negative() && b.non_negative() => Bounds {
            low: Some(Rational::ZERO),
            high: None,
        },
        None => Bounds::UNKNOWN,
    }
}

/// The least of two lows, known only when both are.
fn min_of(a: Option<Rational>, b: Option<Rational>) -> Option<Rational> {
    Some(a?.min(b?))
}

/// The greatest of two highs, known only when both are.
fn max_of(a: Option<Rational>, b: Option<Rational>) -> Option<Rational> {
    Some(a?.max(b?))
}

/// The greater of two lower bounds, either of which holds.
fn max_known(a: Option<Rational>, b: Option<Rational>) -> Option<Rational> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// The smaller of two upper bounds, either of which holds.
fn min_known(a: Option<Rational>, b: Option<Rational>) -> Option<Rational> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Warns on the first row (or the `else` row) that no value can reach: one whose
/// threshold the subject never meets, or one below a row that matches every value.
fn rows_that_never_match(
    rows: &[(CmpOp, Rational, Span)],
    otherwise: Span,
    subject: Bounds,
    percent: bool,
    warnings: &mut Vec<Diagnostic>,
) {
    let show = |r: &Rational| if percent { shown_percent(r) } else { shown(r) };
    let (low, high) = (subject.low.as_ref(), subject.high.as_ref());
    let range = match (low, high) {
        (Some(l), Some(h)) => format!("from {} to {}", show(l), show(h)),
        (Some(l), None) => format!("{} or more", show(l)),
        (None, Some(h)) => format!("at most {}", show(h)),
        (None, None) => return,
    };
    for (i, (op, t, span)) in rows.iter().enumerate() {
        let (op, span) = (*op, *span);
        let lt = |a: Option<&Rational>, b: &Rational| a.is_some_and(|a| a < b);
        let gt = |a: Option<&Rational>, b: &Rational| a.is_some_and(|a| a > b);
        let le = |a: Option<&Rational>, b: &Rational| a.is_some_and(|a| a <= b);
        let ge = |a: Option<&Rational>, b: &Rational| a.is_some_and(|a| a >= b);
        let (never, always) = match op {
            CmpOp::Ge => (lt(high, t), ge(low, t)),
            CmpOp::Gt => (le(high, t), gt(low, t)),
            CmpOp::Le => (gt(low, t), le(high, t)),
            CmpOp::Lt => (ge(low, t), lt(high, t)),
            CmpOp::Eq => (lt(high, t) || gt(low, t), low == Some(t) && high == Some(t)),
            CmpOp::Ne => (low == Some(t) && high == Some(t), lt(high, t) || gt(low, t)),
        };
        if never {
            warnings.push(warning(
                codes::ROW_NEVER_MATCHES,
                format!("this row can never match: the value looked up is {range}"),
                span,
                "never matches",
                "check the threshold and the comparison; remove the row if it is not needed",
            ));
            return;
        }
        if always {
            let next = rows.get(i + 1).map_or(otherwise, |r| r.2);
            warnings.push(warning(
                codes::ROW_NEVER_MATCHES,
                "this row and the rows below it can never match: the row above matches every value",
                next,
                "never reached",
                format!("the value looked up is {range}, so the row above always matches: make it the `else` row, or check its threshold"),
            ));
            return;
        }
    }
}

/// Warns on thresholds above 100% for a share of a whole, which are usually a typo
/// (`950%`); sales attainment and other shares of a target may well pass 100%.
fn over_100(rows: &[(CmpOp, Rational, Span)], share: bool, warnings: &mut Vec<Diagnostic>) {
    if !share {
        return;
    }
    for (_, t, span) in rows {
        if *t > Rational::ONE {
            warnings.push(warning(
                codes::PERCENT_OVER_100,
                format!("the threshold {} is above 100%", shown_percent(t)),
                *span,
                "above 100%",
                "a rate such as an answer rate is at most 100%; if more than 100% is meant, this warning can be ignored",
            ));
        }
    }
}

/// Warns on inputs no item, veto or output reads; the key and the period's column are
/// exempt.
fn unused_inputs(model: &Model, spans: &[Span], warnings: &mut Vec<Diagnostic>) {
    let mut used = model.inputs_read(|_| true);
    if let Some(period) = model.period {
        used[period] = true;
    }
    for (i, input) in model.inputs.iter().enumerate() {
        if !used[i]
            && let Some(&span) = spans.get(i)
        {
            warnings.push(warning(
                codes::UNUSED_INPUT,
                format!("the input `{}` is never used", input.name),
                span,
                "not read by any item, veto or output",
                "use it in a rule, or remove the line (columns not declared are ignored in data files)",
            ));
        }
    }
}

fn warning(
    code: &'static str,
    message: impl Into<String>,
    span: Span,
    label: &str,
    hint: impl Into<String>,
) -> Diagnostic {
    Diagnostic::warning(code, message, span)
        .with_label(label)
        .with_hint(hint)
}

/// Whether a reduction's result lies within the bounds of the values reduced: a mean,
/// least or greatest value does, a sum or count need not.
fn within_values(func: AggregateFn) -> bool {
    matches!(
        func,
        AggregateFn::Mean | AggregateFn::Min | AggregateFn::Max
    )
}
