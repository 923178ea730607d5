//! Evaluation: a Program run over a Record.
//!
//! One evaluator serves both paths. It is generic over a [`Tracer`]: the fast path
//! passes [`NoTrace`], whose methods do nothing and compile away; the traced path
//! records every decision for the explanation. The numbers cannot differ, because
//! the code that computes them is the same.

mod error;
pub mod trace;

use std::cmp::Ordering;

use crate::check::model::Func;
use crate::compile::{Node, Op, Program, Step};
use crate::input::{InputValue, Record};
use crate::number::{Overflow, Rational, round};
use crate::syntax::ast::{BinOp, CmpOp};
pub use error::{EvalError, Fault, Where};
pub use trace::{Detail, Limit, NoTrace, Trace, Tracer};

/// A value during evaluation. Text borrows from the record or the program.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    /// A number, percentage or amount, exactly.
    Num(Rational),
    /// Text.
    Text(&'a str),
    /// true or false.
    Bool(bool),
    /// A grade, by band index.
    Grade(u16),
}

impl Value<'_> {
    fn num(self) -> Result<Rational, Fault> {
        match self {
            Value::Num(r) => Ok(r),
            _ => Err(Fault::Internal),
        }
    }

    fn bool(self) -> Result<bool, Fault> {
        match self {
            Value::Bool(b) => Ok(b),
            _ => Err(Fault::Internal),
        }
    }
}

impl From<Overflow> for Fault {
    fn from(_: Overflow) -> Fault {
        Fault::Overflow
    }
}

/// Runs `program` over `record`, leaving every slot's final value in `slots`.
pub fn run<'a, T: Tracer<'a>>(
    program: &'a Program,
    record: &'a Record,
    slots: &mut Vec<Value<'a>>,
    tracer: &mut T,
) -> Result<(), EvalError> {
    slots.clear();
    slots.extend(record.values.iter().map(|v| match v {
        InputValue::Number(r) => Value::Num(*r),
        InputValue::Text(t) => Value::Text(t),
        InputValue::Bool(b) => Value::Bool(*b),
    }));
    for (index, step) in program.steps.iter().enumerate() {
        run_step(index, step, slots, tracer).map_err(|fault| EvalError {
            at: Where::Item(index),
            fault,
        })?;
    }
    Ok(())
}

/// Evaluates output `index` over finished slots.
pub fn output<'a, T: Tracer<'a>>(
    program: &'a Program,
    index: usize,
    slots: &[Value<'a>],
    tracer: &mut T,
) -> Result<Value<'a>, EvalError> {
    eval(&program.outputs[index], slots, tracer).map_err(|fault| EvalError {
        at: Where::Output(index),
        fault,
    })
}

fn run_step<'a, T: Tracer<'a>>(
    index: usize,
    step: &'a Step,
    slots: &mut Vec<Value<'a>>,
    tracer: &mut T,
) -> Result<(), Fault> {
    let computed = compute(index, &step.op, slots, tracer)?;
    tracer.computed(index, computed);
    let mut value = computed;
    if let Some(cap) = &step.cap {
        let limit = eval(cap, slots, tracer)?.num()?;
        let before = value.num()?;
        if before > limit {
            tracer.limited(index, Limit::Cap, before, limit);
            value = Value::Num(limit);
        }
    }
    if let Some(floor) = &step.floor {
        let limit = eval(floor, slots, tracer)?.num()?;
        let before = value.num()?;
        if before < limit {
            tracer.limited(index, Limit::Floor, before, limit);
            value = Value::Num(limit);
        }
    }
    slots.push(value);
    for (veto, (condition, replacement)) in step.vetoes.iter().enumerate() {
        // The condition and value see the item as computed so far.
        if eval(condition, slots, tracer)?.bool()? {
            let after = eval(replacement, slots, tracer)?;
            let before = slots[slots.len() - 1];
            tracer.vetoed(index, veto, before, after);
            let last = slots.len() - 1;
            slots[last] = after;
        }
    }
    Ok(())
}

fn compute<'a, T: Tracer<'a>>(
    index: usize,
    op: &'a Op,
    slots: &[Value<'a>],
    tracer: &mut T,
) -> Result<Value<'a>, Fault> {
    Ok(match op {
        Op::Expr(node) => eval(node, slots, tracer)?,
        Op::Ratio {
            numerator,
            denominator,
            when_zero,
        } => {
            let n = eval(numerator, slots, tracer)?.num()?;
            let d = eval(denominator, slots, tracer)?.num()?;
            match n.checked_div(d) {
                Some(q) => Value::Num(q?),
                None => match when_zero {
                    Some(v) => {
                        tracer.detail(index, Detail::ZeroDenominator);
                        Value::Num(*v)
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
            let x = eval(subject, slots, tracer)?.num()?;
            tracer.subject(index, x);
            match rows.iter().position(|(op, t, _)| compare(*op, x.cmp(t))) {
                Some(row) => {
                    tracer.detail(index, Detail::Row(Some(row)));
                    eval(&rows[row].2, slots, tracer)?
                }
                None => {
                    tracer.detail(index, Detail::Row(None));
                    eval(otherwise, slots, tracer)?
                }
            }
        }
        Op::Linear { subject, points } => {
            let x = eval(subject, slots, tracer)?.num()?;
            tracer.subject(index, x);
            let (detail, y) = interpolate(x, points)?;
            tracer.detail(index, detail);
            Value::Num(y)
        }
        Op::Weighted(parts) => {
            let mut sum = Rational::ZERO;
            for (slot, weight) in parts.iter() {
                let part = slots
                    .get(*slot as usize)
                    .copied()
                    .ok_or(Fault::Internal)?
                    .num()?;
                sum = sum.checked_add(part.checked_mul(*weight)?)?;
            }
            Value::Num(sum)
        }
        Op::Per { amount, count } => {
            let a = eval(amount, slots, tracer)?.num()?;
            let c = eval(count, slots, tracer)?.num()?;
            Value::Num(a.checked_mul(c)?)
        }
        Op::Grade { subject, tests } => {
            let x = eval(subject, slots, tracer)?.num()?;
            tracer.subject(index, x);
            let band = tests
                .iter()
                .position(|(op, t)| compare(*op, x.cmp(t)))
                .unwrap_or(tests.len());
            tracer.detail(index, Detail::Row(Some(band)));
            Value::Grade(band as u16)
        }
    })
}

/// Linear interpolation through `points`, clamped to the first and last `y`.
fn interpolate(x: Rational, points: &[(Rational, Rational)]) -> Result<(Detail, Rational), Fault> {
    let (first, last) = match (points.first(), points.last()) {
        (Some(f), Some(l)) => (f, l),
        _ => return Err(Fault::Internal),
    };
    if x <= first.0 {
        return Ok((Detail::ClampedLow, first.1));
    }
    if x >= last.0 {
        return Ok((Detail::ClampedHigh, last.1));
    }
    for (segment, pair) in points.windows(2).enumerate() {
        let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
        if x < x1 {
            let slope = y1
                .checked_sub(y0)?
                .checked_div(x1.checked_sub(x0)?)
                .ok_or(Fault::Internal)??;
            let y = y0.checked_add(x.checked_sub(x0)?.checked_mul(slope)?)?;
            return Ok((Detail::Segment(segment), y));
        }
    }
    Ok((Detail::ClampedHigh, last.1))
}

fn compare(op: CmpOp, ordering: Ordering) -> bool {
    match op {
        CmpOp::Ge => ordering != Ordering::Less,
        CmpOp::Gt => ordering == Ordering::Greater,
        CmpOp::Le => ordering != Ordering::Greater,
        CmpOp::Lt => ordering == Ordering::Less,
        CmpOp::Eq => ordering == Ordering::Equal,
        CmpOp::Ne => ordering != Ordering::Equal,
    }
}

fn eval<'a, T: Tracer<'a>>(
    node: &'a Node,
    slots: &[Value<'a>],
    tracer: &mut T,
) -> Result<Value<'a>, Fault> {
    Ok(match node {
        Node::Const(r) => Value::Num(*r),
        Node::Text(t) => Value::Text(t),
        Node::Bool(b) => Value::Bool(*b),
        Node::Grade(g) => Value::Grade(*g),
        Node::Slot(s) => slots.get(*s as usize).copied().ok_or(Fault::Internal)?,
        Node::Coefficient { slot, table } => match slots.get(*slot as usize) {
            Some(Value::Grade(band)) => {
                Value::Num(*table.get(*band as usize).ok_or(Fault::Internal)?)
            }
            _ => return Err(Fault::Internal),
        },
        Node::Neg(x) => Value::Num(eval(x, slots, tracer)?.num()?.checked_neg()?),
        Node::Not(x) => Value::Bool(!eval(x, slots, tracer)?.bool()?),
        Node::Arith(op, l, r) => {
            let a = eval(l, slots, tracer)?.num()?;
            let b = eval(r, slots, tracer)?.num()?;
            Value::Num(match op {
                BinOp::Add => a.checked_add(b)?,
                BinOp::Sub => a.checked_sub(b)?,
                BinOp::Mul => a.checked_mul(b)?,
                _ => a.checked_div(b).ok_or(Fault::DivisionByZero)??,
            })
        }
        Node::Cmp(op, l, r) => {
            let a = eval(l, slots, tracer)?;
            let b = eval(r, slots, tracer)?;
            let ordering = match (a, b) {
                (Value::Num(x), Value::Num(y)) => x.cmp(&y),
                (Value::Text(x), Value::Text(y)) => x.cmp(y),
                (Value::Bool(x), Value::Bool(y)) => x.cmp(&y),
                (Value::Grade(x), Value::Grade(y)) => x.cmp(&y),
                _ => return Err(Fault::Internal),
            };
            Value::Bool(compare(*op, ordering))
        }
        Node::And(l, r) => {
            Value::Bool(eval(l, slots, tracer)?.bool()? && eval(r, slots, tracer)?.bool()?)
        }
        Node::Or(l, r) => {
            Value::Bool(eval(l, slots, tracer)?.bool()? || eval(r, slots, tracer)?.bool()?)
        }
        Node::If(c, t, e) => {
            if eval(c, slots, tracer)?.bool()? {
                eval(t, slots, tracer)?
            } else {
                eval(e, slots, tracer)?
            }
        }
        Node::Call(func, args) => {
            let mut values = [Rational::ZERO; 3];
            let mut many = Vec::new();
            let nums: &[Rational] = if args.len() <= 3 {
                for (slot, arg) in values.iter_mut().zip(args.iter()) {
                    *slot = eval(arg, slots, tracer)?.num()?;
                }
                &values[..args.len()]
            } else {
                for arg in args.iter() {
                    many.push(eval(arg, slots, tracer)?.num()?);
                }
                &many
            };
            Value::Num(match (func, nums) {
                (Func::Min, _) => nums.iter().copied().min().ok_or(Fault::Internal)?,
                (Func::Max, _) => nums.iter().copied().max().ok_or(Fault::Internal)?,
                (Func::Clamp, [x, low, high]) => (*x).max(*low).min(*high),
                (Func::Abs, [x]) => x.checked_abs()?,
                _ => return Err(Fault::Internal),
            })
        }
        Node::Round {
            value,
            places,
            mode,
            site,
        } => {
            let before = eval(value, slots, tracer)?.num()?;
            let after = round(before, *places, *mode)?;
            tracer.rounded(*site, before, after);
            Value::Num(after)
        }
    })
}
