//! One reduction (sum, count, mean, min, max) over values fed one at a time: the
//! members of a group, the rows of a record, the weeks of a month. Missing values are
//! left out of it, though `count` counts them.

use super::{Fault, Value};
use crate::number::Rational;
use crate::syntax::ast::AggregateFn;

/// A reduction in progress.
#[derive(Debug, Clone)]
pub(crate) struct Reduction {
    func: AggregateFn,
    /// Everything counted, values or not.
    count: i64,
    /// The values taken in.
    valued: i64,
    sum: Rational,
    least: Option<Rational>,
    greatest: Option<Rational>,
}

impl Reduction {
    pub(crate) fn new(func: AggregateFn) -> Reduction {
        Reduction {
            func,
            count: 0,
            valued: 0,
            sum: Rational::ZERO,
            least: None,
            greatest: None,
        }
    }

    /// Counts one more, with its value (`None` for `count`, which needs none).
    pub(crate) fn add(&mut self, value: Option<Value>) -> Result<(), Fault> {
        self.count += 1;
        let x = match value {
            None | Some(Value::Missing) => return Ok(()),
            Some(v) => v.num()?,
        };
        self.valued += 1;
        // Only what the reduction's result needs is kept.
        match self.func {
            AggregateFn::Sum | AggregateFn::Mean => self.sum = self.sum.checked_add(&x)?,
            AggregateFn::Min if self.least.as_ref().is_none_or(|l| x < *l) => self.least = Some(x),
            AggregateFn::Max if self.greatest.as_ref().is_none_or(|g| x > *g) => {
                self.greatest = Some(x)
            }
            _ => {}
        }
        Ok(())
    }

    /// The result; `when_empty` gives it when there was no value (`Some(None)`: no
    /// value), and without it a sum of nothing is 0 and a mean, least or greatest of
    /// nothing an error.
    pub(crate) fn finish(self, when_empty: &Option<Option<Rational>>) -> Result<Value, Fault> {
        let empty = || {
            when_empty
                .clone()
                .map(|v| v.map_or(Value::Missing, Value::Num))
                .ok_or(Fault::EmptyGroup)
        };
        Ok(match self.func {
            AggregateFn::Count => Value::Num(Rational::from_int(self.count)),
            AggregateFn::Sum if self.valued == 0 => empty().unwrap_or(Value::Num(Rational::ZERO)),
            AggregateFn::Sum => Value::Num(self.sum),
            _ if self.valued == 0 => empty()?,
            AggregateFn::Mean => Value::Num(
                self.sum
                    .checked_div(&Rational::from_int(self.valued))
                    .ok_or(Fault::Internal)??,
            ),
            AggregateFn::Min => self.least.map_or(Value::Missing, Value::Num),
            AggregateFn::Max => self.greatest.map_or(Value::Missing, Value::Num),
        })
    }
}
