//! What the traced path records: every decision the evaluator makes, so that the
//! explanation can show each step with its real numbers.

use super::Value;
use crate::number::Rational;

/// The decision a table or formula made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// The tier row (or grade band) that matched; `None` for a tier table's `else`.
    Row(Option<usize>),
    /// A ratio's denominator was zero, so its `when zero` value was used.
    ZeroDenominator,
    /// Interpolation below the first point: the first value.
    ClampedLow,
    /// Interpolation above the last point: the last value.
    ClampedHigh,
    /// Interpolation between point `i` and `i + 1`.
    Segment(usize),
}

/// A cap or a floor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// The most an item may be.
    Cap,
    /// The least an item may be.
    Floor,
}

/// Receives the evaluator's decisions. Every method does nothing by default.
pub trait Tracer {
    /// An item's value as its formula gave it, before limits and vetoes.
    fn computed(&mut self, _step: usize, _value: &Value) {}
    /// The value a table, interpolation or grade looked up.
    fn subject(&mut self, _step: usize, _value: &Rational) {}
    /// The decision a table or ratio made.
    fn detail(&mut self, _step: usize, _detail: Detail) {}
    /// A cap or floor changed an item's value.
    fn limited(&mut self, _step: usize, _limit: Limit, _before: &Rational, _after: &Rational) {}
    /// A veto fired.
    fn vetoed(&mut self, _step: usize, _veto: usize, _before: &Value, _after: &Value) {}
    /// A rounding happened.
    fn rounded(&mut self, _site: u32, _before: &Rational, _after: &Rational) {}
}

/// The fast path's tracer: records nothing.
pub struct NoTrace;

impl Tracer for NoTrace {}

/// Everything one item's computation decided.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StepTrace {
    /// The formula's value before limits and vetoes.
    pub computed: Option<Value>,
    /// The value the table, interpolation or grade looked up.
    pub subject: Option<Rational>,
    /// The table's or ratio's decision.
    pub detail: Option<Detail>,
    /// Caps and floors applied: which, value before, value after.
    pub limits: Vec<(Limit, Rational, Rational)>,
    /// Vetoes fired: which, value before, value after.
    pub vetoes: Vec<(usize, Value, Value)>,
}

/// The traced path's record of one evaluation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Trace {
    /// One entry per item, in evaluation order.
    pub steps: Vec<StepTrace>,
    /// Roundings: site, value before, value after.
    pub rounds: Vec<(u32, Rational, Rational)>,
}

impl Trace {
    /// An empty trace for a program of `steps` items.
    pub fn new(steps: usize) -> Trace {
        Trace {
            steps: vec![StepTrace::default(); steps],
            rounds: Vec::new(),
        }
    }

    fn step(&mut self, step: usize) -> Option<&mut StepTrace> {
        self.steps.get_mut(step)
    }
}

impl Tracer for Trace {
    fn computed(&mut self, step: usize, value: &Value) {
        if let Some(s) = self.step(step) {
            s.computed = Some(value.clone());
        }
    }

    fn subject(&mut self, step: usize, value: &Rational) {
        if let Some(s) = self.step(step) {
            s.subject = Some(value.clone());
        }
    }

    fn detail(&mut self, step: usize, detail: Detail) {
        if let Some(s) = self.step(step) {
            s.detail = Some(detail);
        }
    }

    fn limited(&mut self, step: usize, limit: Limit, before: &Rational, after: &Rational) {
        if let Some(s) = self.step(step) {
            s.limits.push((limit, before.clone(), after.clone()));
        }
    }

    fn vetoed(&mut self, step: usize, veto: usize, before: &Value, after: &Value) {
        if let Some(s) = self.step(step) {
            s.vetoes.push((veto, before.clone(), after.clone()));
        }
    }

    fn rounded(&mut self, site: u32, before: &Rational, after: &Rational) {
        self.rounds.push((site, before.clone(), after.clone()));
    }
}
