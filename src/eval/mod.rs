//! Evaluation: a Program run over a Record.
//!
//! One evaluator serves both paths. It is generic over a [`Tracer`]: the fast path
//! passes [`NoTrace`], whose methods do nothing and compile away; the traced path
//! records every decision for the explanation. The numbers cannot differ, because
//! the code that computes them is the same.

pub(crate) mod columns;
mod error;
pub(crate) mod pace;
pub(crate) mod population;
pub(crate) mod reduce;
pub(crate) mod rollup;
mod slot_read;
pub mod trace;

use std::cmp::Ordering;

use crate::check::model::{Builtin, Func};
use crate::compile::{Node, Op, Program, Step};
use crate::input::{InputValue, Record};
use crate::number::{Overflow, Rational, round};
use crate::syntax::ast::{BinOp, CmpOp};
pub use error::{EvalError, Fault, Where};
pub(crate) use slot_read::{Row, SlotRead, SlotWrite};
pub use trace::{Detail, Limit, NoTrace, Trace, Tracer};

/// A value during evaluation. It borrows nothing, so the slots of one record can be
/// reused for the next; it owns memory only for a number too large for 64-bit parts.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A number, percentage or amount, exactly.
    Num(Rational),
    /// Text, by where it is held.
    Text(TextRef),
    /// true or false.
    Bool(bool),
    /// A grade, by band index.
    Grade(u16),
    /// No value: an empty optional input, or computed from one.
    Missing,
}

/// Where a text value is held: a text input of the record, or a literal of the program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextRef {
    /// The input in this slot.
    Input(u32),
    /// The program's literal with this number.
    Literal(u32),
}

/// The texts one evaluation can see: the record's and the program's.
#[derive(Debug, Clone, Copy)]
pub struct Texts<'a> {
    program: &'a Program,
    record: &'a Record,
}

impl<'a> Texts<'a> {
    /// A value of the record's period.
    #[inline(never)]
    pub(crate) fn builtin(self, builtin: Builtin) -> Result<Value, Fault> {
        let period = self.record.period.ok_or(Fault::Internal)?;
        let month = period.days().ok_or(Fault::Internal)?;
        let days = match builtin {
            Builtin::AsOf => period.as_of,
            Builtin::PeriodStart => month.first,
            Builtin::PeriodEnd => month.last,
            Builtin::DaysInPeriod => month.count(),
            Builtin::DaysElapsed => month.elapsed,
            Builtin::DaysRemaining => month.remaining,
            Builtin::RulesVersion => return Err(Fault::Internal),
        };
        Ok(Value::Num(Rational::from_int(days.into())))
    }

    /// The record's rolled value number `n`: a reduction over its rows.
    fn rolled(self, n: u32) -> Result<Value, Fault> {
        match self.record.rolled.get(n as usize) {
            Some(Some(r)) => Ok(Value::Num(r.clone())),
            Some(None) => Ok(Value::Missing),
            None => Err(Fault::Internal),
        }
    }

    /// Whether the record's month has the week or day `slice`.
    pub(crate) fn has(self, slice: crate::check::model::Slice) -> bool {
        let Some(period) = self.record.period else {
            return false;
        };
        match slice.by {
            crate::syntax::ast::Slicing::Week => {
                crate::time::week_days(period.month, slice.index).is_some()
            }
            crate::syntax::ast::Slicing::Day => {
                slice.index < crate::time::days_in_month(period.month) as usize
            }
        }
    }

    /// The first and last day of the record's month.
    fn period_days(self) -> Result<(i32, i32), Fault> {
        let days = self
            .record
            .period
            .and_then(|p| p.days())
            .ok_or(Fault::Internal)?;
        Ok((days.first, days.last))
    }

    /// The record whose texts these are.
    pub(crate) fn record(self) -> &'a Record {
        self.record
    }

    /// The texts of `record` scored by `program`.
    pub fn new(program: &'a Program, record: &'a Record) -> Texts<'a> {
        Texts { program, record }
    }

    /// The text `text` refers to.
    pub fn get(self, text: TextRef) -> &'a str {
        match text {
            TextRef::Input(slot) => match self.record.values.get(slot as usize) {
                Some(InputValue::Text(t)) => t,
                _ => "",
            },
            TextRef::Literal(n) => self.program.texts.get(n as usize).map_or("", |t| t),
        }
    }
}

impl Value {
    /// The number; a missing value stops the computation of the item, which then
    /// has no value either.
    pub(crate) fn num(self) -> Result<Rational, Fault> {
        match self {
            Value::Num(r) => Ok(r),
            Value::Missing => Err(Fault::Missing),
            _ => Err(Fault::Internal),
        }
    }

    pub(crate) fn as_num(&self) -> Result<&Rational, Fault> {
        match self {
            Value::Num(r) => Ok(r),
            Value::Missing => Err(Fault::Missing),
            _ => Err(Fault::Internal),
        }
    }

    /// The condition; a missing one is not met.
    pub(crate) fn bool(&self) -> Result<bool, Fault> {
        match self {
            Value::Bool(b) => Ok(*b),
            Value::Missing => Ok(false),
            _ => Err(Fault::Internal),
        }
    }

    /// The whole number, for a date or month.
    fn whole(self) -> Result<i32, Fault> {
        self.num()?
            .to_i128()
            .and_then(|n| i32::try_from(n).ok())
            .ok_or(Fault::Internal)
    }
}

/// A computation that met a missing value gives a missing value.
#[inline]
pub(crate) fn or_missing(result: Result<Value, Fault>) -> Result<Value, Fault> {
    match result {
        Err(Fault::Missing) => Ok(Value::Missing),
        other => other,
    }
}

impl From<Overflow> for Fault {
    fn from(_: Overflow) -> Fault {
        Fault::Overflow
    }
}

/// Runs `program` over `record`, leaving every slot's final value in `slots`.
pub fn run<T: Tracer>(
    program: &Program,
    record: &Record,
    slots: &mut Vec<Value>,
    tracer: &mut T,
) -> Result<(), EvalError> {
    run_given(program, record, slots, tracer, |_| None)
}

/// Runs `program` over `record` as [`run`] does, except that an item for which
/// `given` has a value takes it as computed (before its limits and vetoes): how the
/// value of an item that reads other records, worked out over them all, enters one
/// record's run.
pub(crate) fn run_given<T: Tracer>(
    program: &Program,
    record: &Record,
    slots: &mut Vec<Value>,
    tracer: &mut T,
    mut given: impl FnMut(usize) -> Option<Value>,
) -> Result<(), EvalError> {
    load_inputs(record, slots);
    let inputs = slots.len();
    // Each item's slot is there before it is computed; nothing reads it before then.
    slots.resize(inputs + program.steps.len(), Value::Missing);
    let texts = Texts::new(program, record);
    for (index, step) in program.steps.iter().enumerate() {
        let computed = match given(index) {
            Some(value) => {
                tracer.computed(index, &value);
                value
            }
            None => compute_step(index, step, texts, slots, tracer).map_err(|fault| EvalError {
                at: Where::Item(index),
                fault,
            })?,
        };
        finish_step(
            index,
            step,
            computed,
            texts,
            slots.as_mut_slice(),
            inputs + index,
            tracer,
        )
        .map_err(|fault| EvalError {
            at: Where::Item(index),
            fault,
        })?;
    }
    Ok(())
}

/// Puts `record`'s inputs in the first slots.
fn load_inputs(record: &Record, slots: &mut Vec<Value>) {
    slots.clear();
    slots.extend(
        record
            .values
            .iter()
            .enumerate()
            .map(|(slot, v)| input_value(slot, v)),
    );
}

/// The value of input `slot`, `value`, as the program sees it.
fn input_value(slot: usize, value: &InputValue) -> Value {
    match value {
        InputValue::Number(r) => Value::Num(r.clone()),
        InputValue::Text(_) => Value::Text(TextRef::Input(slot as u32)),
        InputValue::Bool(b) => Value::Bool(*b),
        InputValue::Date(d) | InputValue::Month(d) => Value::Num(Rational::from_int((*d).into())),
        InputValue::Missing => Value::Missing,
    }
}

/// Evaluates output `index` of `record` over finished slots.
pub fn output<T: Tracer, S: SlotRead + ?Sized>(
    program: &Program,
    record: &Record,
    index: usize,
    slots: &S,
    tracer: &mut T,
) -> Result<Value, EvalError> {
    let texts = Texts::new(program, record);
    or_missing(eval(&program.outputs[index], texts, slots, tracer)).map_err(|fault| EvalError {
        at: Where::Output(index),
        fault,
    })
}

/// Computes item `index` of one record from its own slots, and reports the value.
#[inline]
fn compute_step<T: Tracer, S: SlotRead + ?Sized>(
    index: usize,
    step: &Step,
    texts: Texts<'_>,
    slots: &S,
    tracer: &mut T,
) -> Result<Value, Fault> {
    // The week or day of an item computed for each is not in every month.
    let computed = match step.slice {
        Some(slice) if !texts.has(slice) => Value::Missing,
        _ => or_missing(compute(index, &step.op, texts, slots, tracer))?,
    };
    tracer.computed(index, &computed);
    Ok(computed)
}

/// Applies item `index`'s cap, floor and vetoes to its computed value, and stores the
/// result in slot `at`, the item's own (which nothing before it reads).
#[inline]
fn finish_step<T: Tracer, S: SlotWrite + ?Sized>(
    index: usize,
    step: &Step,
    computed: Value,
    texts: Texts<'_>,
    slots: &mut S,
    at: usize,
    tracer: &mut T,
) -> Result<(), Fault> {
    let mut value = computed;
    let limited = step.cap.is_some() || step.floor.is_some() || !step.vetoes.is_empty();
    if !limited || matches!(value, Value::Missing) {
        // Nothing to limit, and a veto on a value that is not there says nothing.
        return store(slots, at, value);
    }
    if let Some(cap) = &step.cap {
        let limit = eval(cap, texts, slots, tracer)?.num()?;
        if *value.as_num()? > limit {
            tracer.limited(index, Limit::Cap, value.as_num()?, &limit);
            value = Value::Num(limit);
        }
    }
    if let Some(floor) = &step.floor {
        let limit = eval(floor, texts, slots, tracer)?.num()?;
        if *value.as_num()? < limit {
            tracer.limited(index, Limit::Floor, value.as_num()?, &limit);
            value = Value::Num(limit);
        }
    }
    store(slots, at, value)?;
    for (veto, (condition, replacement)) in step.vetoes.iter().enumerate() {
        // The condition and value see the item as computed so far.
        if eval(condition, texts, slots, tracer)?.bool()? {
            let after = eval(replacement, texts, slots, tracer)?;
            let before = slots.slot(at).ok_or(Fault::Internal)?;
            tracer.vetoed(index, veto, &before, &after);
            store(slots, at, after)?;
        }
    }
    Ok(())
}

/// Writes `value` into slot `at`.
#[inline]
fn store<S: SlotWrite + ?Sized>(slots: &mut S, at: usize, value: Value) -> Result<(), Fault> {
    match slots.set(at, value) {
        true => Ok(()),
        false => Err(Fault::Internal),
    }
}

// Inlined into the step loop, as `eval` into it: a result of this size handed back
// through memory cost the fast path a fifth of its speed.
#[inline]
fn compute<T: Tracer, S: SlotRead + ?Sized>(
    index: usize,
    op: &Op,
    texts: Texts<'_>,
    slots: &S,
    tracer: &mut T,
) -> Result<Value, Fault> {
    Ok(match op {
        Op::Expr(node) => eval(node, texts, slots, tracer)?,
        Op::Ratio {
            numerator,
            denominator,
            when_zero,
        } => {
            let n = eval(numerator, texts, slots, tracer)?.num()?;
            let d = eval(denominator, texts, slots, tracer)?.num()?;
            match n.checked_div(&d) {
                Some(q) => Value::Num(q?),
                None => match when_zero {
                    Some(v) => {
                        tracer.detail(index, Detail::ZeroDenominator);
                        v.clone().map_or(Value::Missing, Value::Num)
                    }
                    None => return Err(Fault::ZeroDenominator),
                },
            }
        }
        Op::Tiers {
            subject,
            rows,
            otherwise,
        } => {
            let x = eval(subject, texts, slots, tracer)?.num()?;
            tracer.subject(index, &x);
            match rows.iter().position(|(op, t, _)| compare(*op, x.cmp(t))) {
                Some(row) => {
                    tracer.detail(index, Detail::Row(Some(row)));
                    eval(&rows[row].2, texts, slots, tracer)?
                }
                None => {
                    tracer.detail(index, Detail::Row(None));
                    eval(otherwise, texts, slots, tracer)?
                }
            }
        }
        Op::Linear {
            subject,
            points,
            slopes,
        } => {
            let x = eval(subject, texts, slots, tracer)?.num()?;
            tracer.subject(index, &x);
            let (detail, y) = interpolate(x, points, slopes)?;
            tracer.detail(index, detail);
            Value::Num(y)
        }
        Op::Weighted(parts) => {
            let mut sum = Rational::ZERO;
            for (slot, weight) in parts.iter() {
                let part = slots
                    .with_slot(*slot as usize, |part| -> Result<Rational, Fault> {
                        Ok(part.as_num()?.checked_mul(weight)?)
                    })
                    .ok_or(Fault::Internal)??;
                sum = sum.checked_add(&part)?;
            }
            Value::Num(sum)
        }
        Op::Per { amount, count } => {
            let a = eval(amount, texts, slots, tracer)?.num()?;
            let c = eval(count, texts, slots, tracer)?.num()?;
            Value::Num(a.checked_mul(&c)?)
        }
        Op::Grade { subject, tests } => {
            let x = eval(subject, texts, slots, tracer)?.num()?;
            tracer.subject(index, &x);
            let band = tests
                .iter()
                .position(|(op, t)| compare(*op, x.cmp(t)))
                .unwrap_or(tests.len());
            tracer.detail(index, Detail::Row(Some(band)));
            Value::Grade(band as u16)
        }
        Op::Rolled(n) => texts.rolled(*n)?,
        Op::Pace(p) => pace_value(p, texts, slots, tracer)?,
        Op::Slices(s) => slices_value(s, slots)?,
        // Worked out over the population, never from one record alone.
        Op::Aggregate(_) | Op::Rank(_) | Op::Distribute(_) | Op::Share(_) | Op::Previous(_) => {
            return Err(Fault::Internal);
        }
    })
}

/// A warning's status, or what it would take a day. Kept out of `compute`, so that
/// the steps every ruleset has stay small enough to inline.
#[inline(never)]
fn pace_value<T: Tracer, S: SlotRead + ?Sized>(
    p: &crate::compile::Pace,
    texts: Texts<'_>,
    slots: &S,
    tracer: &mut T,
) -> Result<Value, Fault> {
    let figures = pace_figures(p, texts, slots, tracer)?;
    Ok(match p.words {
        Some(words) => Value::Text(TextRef::Literal(match figures.status {
            pace::Status::Ok => words[0],
            pace::Status::AtRisk => words[1],
            pace::Status::CannotReach => words[2],
        })),
        None => figures.needed.map_or(Value::Missing, Value::Num),
    })
}

/// A warning worked out over a record's values: its sums so far and its month.
pub(crate) fn pace_figures<T: Tracer, S: SlotRead + ?Sized>(
    p: &crate::compile::Pace,
    texts: Texts<'_>,
    slots: &S,
    tracer: &mut T,
) -> Result<pace::Figures, Fault> {
    let numerator = eval(&p.numerator, texts, slots, tracer)?.num()?;
    let denominator = eval(&p.denominator, texts, slots, tracer)?.num()?;
    let day = |b| texts.builtin(b).and_then(Value::num);
    let (elapsed, remaining, days) = (
        day(Builtin::DaysElapsed)?,
        day(Builtin::DaysRemaining)?,
        day(Builtin::DaysInPeriod)?,
    );
    pace::Pace {
        numerator: &numerator,
        denominator: &denominator,
        op: p.op,
        target: &p.target,
        when_zero: p.when_zero.as_ref(),
        elapsed: &elapsed,
        remaining: &remaining,
        days: &days,
    }
    .figures()
}

/// A comparison one of whose sides failed or is missing: one with a missing value is
/// not met, whichever way it asks. Kept out of `eval`, whose every comparison would
/// otherwise pay for it.
#[cold]
#[inline(never)]
fn missing_comparison(a: Result<Value, Fault>, b: Result<Value, Fault>) -> Result<Value, Fault> {
    match (or_missing(a)?, or_missing(b)?) {
        (Value::Missing, _) | (_, Value::Missing) => Ok(Value::Bool(false)),
        _ => Err(Fault::Internal),
    }
}

/// `known(x)` and the calendar functions, kept out of `eval` as `pace_value` is.
#[inline(never)]
fn calendar_call<T: Tracer, S: SlotRead + ?Sized>(
    func: Func,
    args: &[Node],
    texts: Texts<'_>,
    slots: &S,
    tracer: &mut T,
) -> Result<Value, Fault> {
    let arg = |n: usize, tracer: &mut T| -> Result<Value, Fault> {
        or_missing(eval(
            args.get(n).ok_or(Fault::Internal)?,
            texts,
            slots,
            tracer,
        ))
    };
    let day = |d: Option<i32>| d.map(|d| Value::Num(Rational::from_int(d.into())));
    Ok(match func {
        Func::Known => Value::Bool(arg(0, tracer)? != Value::Missing),
        Func::PeriodDays => {
            let (from, to) = (arg(0, tracer)?, arg(1, tracer)?);
            let (start, end) = texts.period_days()?;
            let start = match from {
                Value::Missing => start,
                v => v.whole()?.max(start),
            };
            let end = match to {
                Value::Missing => end,
                v => v.whole()?.min(end),
            };
            Value::Num(Rational::from_int((end - start + 1).max(0).into()))
        }
        Func::DaysBetween => {
            let (first, last) = (arg(0, tracer)?.whole()?, arg(1, tracer)?.whole()?);
            Value::Num(Rational::from_int(i64::from(last) - i64::from(first)))
        }
        _ => {
            let first = arg(0, tracer)?.whole()?;
            match func {
                Func::MonthOf => day(crate::time::month_of(first)).ok_or(Fault::Internal)?,
                Func::WeekOf => {
                    day(crate::time::iso_week(first).map(|w| w as i32)).ok_or(Fault::Internal)?
                }
                Func::FirstDay => day(crate::time::first_day(first)).ok_or(Fault::Internal)?,
                Func::LastDay => day(crate::time::last_day(first)).ok_or(Fault::Internal)?,
                _ => Value::Num(Rational::from_int(crate::time::days_in_month(first).into())),
            }
        }
    })
}

/// A reduction over an item's values for each week or day.
#[inline(never)]
fn slices_value<S: SlotRead + ?Sized>(
    s: &crate::compile::Slices,
    slots: &S,
) -> Result<Value, Fault> {
    let mut reduction = reduce::Reduction::new(s.func);
    for slot in s.slots.iter() {
        let value = slots.slot(*slot as usize).ok_or(Fault::Internal)?;
        reduction.add(Some(value))?;
    }
    reduction.finish(&s.when_empty)
}

/// Linear interpolation through `points`, clamped to the first and last `y`.
pub(crate) fn interpolate(
    x: Rational,
    points: &[(Rational, Rational)],
    slopes: &[Option<Rational>],
) -> Result<(Detail, Rational), Fault> {
    let (first, last) = match (points.first(), points.last()) {
        (Some(f), Some(l)) => (f, l),
        _ => return Err(Fault::Internal),
    };
    if x <= first.0 {
        return Ok((Detail::ClampedLow, first.1.clone()));
    }
    if x >= last.0 {
        return Ok((Detail::ClampedHigh, last.1.clone()));
    }
    for (segment, (pair, slope)) in points.windows(2).zip(slopes).enumerate() {
        let ((x0, y0), (x1, _)) = (&pair[0], &pair[1]);
        if x < *x1 {
            let slope = slope.as_ref().ok_or(Fault::Overflow)?;
            let y = y0.checked_add(&x.checked_sub(x0)?.checked_mul(slope)?)?;
            return Ok((Detail::Segment(segment), y));
        }
    }
    Ok((Detail::ClampedHigh, last.1.clone()))
}

pub(crate) fn compare(op: CmpOp, ordering: Ordering) -> bool {
    match op {
        CmpOp::Ge => ordering != Ordering::Less,
        CmpOp::Gt => ordering == Ordering::Greater,
        CmpOp::Le => ordering != Ordering::Greater,
        CmpOp::Lt => ordering == Ordering::Less,
        CmpOp::Eq => ordering == Ordering::Equal,
        CmpOp::Ne => ordering != Ordering::Equal,
    }
}

#[inline]
pub(crate) fn eval<T: Tracer, S: SlotRead + ?Sized>(
    node: &Node,
    texts: Texts<'_>,
    slots: &S,
    tracer: &mut T,
) -> Result<Value, Fault> {
    Ok(match node {
        Node::Const(r) => Value::Num(r.clone()),
        Node::Text(t) => Value::Text(TextRef::Literal(*t)),
        Node::Bool(b) => Value::Bool(*b),
        Node::Grade(g) => Value::Grade(*g),
        Node::Slot(s) => slots.slot(*s as usize).ok_or(Fault::Internal)?,
        Node::Builtin(b) => texts.builtin(*b)?,
        Node::Missing => Value::Missing,
        Node::Coefficient { slot, table } => {
            let band = slots.with_slot(*slot as usize, |v| match v {
                Value::Grade(band) => Ok(*band),
                Value::Missing => Err(Fault::Missing),
                _ => Err(Fault::Internal),
            });
            let band = band.ok_or(Fault::Internal)??;
            Value::Num(table.get(band as usize).ok_or(Fault::Internal)?.clone())
        }
        Node::Neg(x) => Value::Num(eval(x, texts, slots, tracer)?.num()?.negated()),
        Node::Not(x) => Value::Bool(!eval(x, texts, slots, tracer)?.bool()?),
        Node::Arith(op, l, r) => {
            let a = eval(l, texts, slots, tracer)?.num()?;
            let b = eval(r, texts, slots, tracer)?.num()?;
            Value::Num(match op {
                BinOp::Add => a.checked_add(&b)?,
                BinOp::Sub => a.checked_sub(&b)?,
                BinOp::Mul => a.checked_mul(&b)?,
                _ => a.checked_div(&b).ok_or(Fault::DivisionByZero)??,
            })
        }
        Node::Cmp(op, l, r) => {
            let (a, b) = (eval(l, texts, slots, tracer), eval(r, texts, slots, tracer));
            let (a, b) = match (a, b) {
                (Ok(a), Ok(b)) => (a, b),
                (a, b) => return missing_comparison(a, b),
            };
            let ordering = match (&a, &b) {
                (Value::Num(x), Value::Num(y)) => x.cmp(y),
                (Value::Text(x), Value::Text(y)) => texts.get(*x).cmp(texts.get(*y)),
                (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
                (Value::Grade(x), Value::Grade(y)) => x.cmp(y),
                _ => return missing_comparison(Ok(a), Ok(b)),
            };
            Value::Bool(compare(*op, ordering))
        }
        Node::And(l, r) => Value::Bool(
            eval(l, texts, slots, tracer)?.bool()? && eval(r, texts, slots, tracer)?.bool()?,
        ),
        Node::Or(l, r) => Value::Bool(
            eval(l, texts, slots, tracer)?.bool()? || eval(r, texts, slots, tracer)?.bool()?,
        ),
        Node::If(c, t, e) => {
            if eval(c, texts, slots, tracer)?.bool()? {
                eval(t, texts, slots, tracer)?
            } else {
                eval(e, texts, slots, tracer)?
            }
        }
        Node::Call(
            func @ (Func::Known
            | Func::PeriodDays
            | Func::DaysBetween
            | Func::MonthOf
            | Func::WeekOf
            | Func::FirstDay
            | Func::LastDay
            | Func::DaysInMonth),
            args,
        ) => calendar_call(*func, args, texts, slots, tracer)?,
        Node::Call(func, args) => {
            let mut values = [Rational::ZERO, Rational::ZERO, Rational::ZERO];
            let mut many = Vec::new();
            let nums: &[Rational] = if args.len() <= 3 {
                for (slot, arg) in values.iter_mut().zip(args.iter()) {
                    *slot = eval(arg, texts, slots, tracer)?.num()?;
                }
                &values[..args.len()]
            } else {
                for arg in args.iter() {
                    many.push(eval(arg, texts, slots, tracer)?.num()?);
                }
                &many
            };
            Value::Num(match (func, nums) {
                (Func::Min, _) => nums.iter().min().ok_or(Fault::Internal)?.clone(),
                (Func::Max, _) => nums.iter().max().ok_or(Fault::Internal)?.clone(),
                (Func::Clamp, [x, low, high]) => x.max(low).min(high).clone(),
                (Func::Abs, [x]) => x.abs(),
                _ => return Err(Fault::Internal),
            })
        }
        Node::Round {
            value,
            places,
            mode,
            site,
        } => {
            let before = eval(value, texts, slots, tracer)?.num()?;
            let after = round(&before, *places, *mode)?;
            tracer.rounded(*site, &before, &after);
            Value::Num(after)
        }
    })
}
