//! Month-to-date warnings (绩效预警): whether a ratio of sums so far is on course to
//! reach its target by the month's end, and what it would take each day left.
//!
//! The rest of the month is taken to bring the denominator (calls offered) at its
//! daily average so far, counting every calendar day elapsed. What it takes is the
//! least whole number a day of the numerator (calls answered) that brings the month's
//! ratio to the target; it can be reached when that is no more than the denominator
//! of an average day.

use super::Fault;
use crate::number::Rational;
use crate::syntax::ast::CmpOp;

/// Where a warning stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    /// The ratio so far reaches the target.
    Ok,
    /// It does not, but a whole number a day no more than an average day's
    /// denominator would bring the month there.
    AtRisk,
    /// No such number: the days left are too few.
    CannotReach,
}

impl Status {
    /// The word an output holds.
    pub(crate) fn word(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::AtRisk => "at_risk",
            Status::CannotReach => "cannot_reach",
        }
    }
}

/// A warning worked out.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Figures {
    /// The ratio so far.
    pub rate: Rational,
    /// The denominator of an average day so far.
    pub daily: Rational,
    /// The denominator the whole month is taken to bring.
    pub projected: Rational,
    /// What it takes each day left: 0 when on course, `None` when it cannot be done.
    pub needed: Option<Rational>,
    /// Where it stands.
    pub status: Status,
}

/// The sums so far and the calendar of the month.
pub(crate) struct Pace<'a> {
    pub numerator: &'a Rational,
    pub denominator: &'a Rational,
    pub op: CmpOp,
    pub target: &'a Rational,
    pub when_zero: Option<&'a Rational>,
    pub elapsed: &'a Rational,
    pub remaining: &'a Rational,
    pub days: &'a Rational,
}

impl Pace<'_> {
    /// Works the warning out.
    pub(crate) fn figures(&self) -> Result<Figures, Fault> {
        let rate = match self.numerator.checked_div(self.denominator) {
            Some(rate) => rate?,
            None => self.when_zero.cloned().ok_or(Fault::ZeroDenominator)?,
        };
        let daily = self
            .denominator
            .checked_div(self.elapsed)
            .ok_or(Fault::Internal)??;
        let projected = daily.checked_mul(self.days)?;
        let reached = super::compare(self.op, rate.cmp(self.target));
        if reached {
            return Ok(Figures {
                rate,
                daily,
                projected,
                needed: Some(Rational::ZERO),
                status: Status::Ok,
            });
        }
        let needed = self.needed(&projected)?;
        let status = match &needed {
            Some(k) if *k <= daily => Status::AtRisk,
            _ => Status::CannotReach,
        };
        Ok(Figures {
            rate,
            daily,
            projected,
            needed: needed.filter(|_| status == Status::AtRisk),
            status,
        })
    }

    /// The least whole `k ≥ 0` with `(numerator + k × remaining) / projected` meeting
    /// the target; `None` when no day is left or nothing is projected.
    fn needed(&self, projected: &Rational) -> Result<Option<Rational>, Fault> {
        if self.remaining.is_zero() || projected.is_zero() {
            return Ok(None);
        }
        let short = self
            .target
            .checked_mul(projected)?
            .checked_sub(self.numerator)?;
        let per_day = short.checked_div(self.remaining).ok_or(Fault::Internal)??;
        // `>=` is met at the ceiling; `>` needs the next whole number above.
        let k = match self.op {
            CmpOp::Gt => per_day.floor().checked_add(&Rational::ONE)?,
            _ => per_day.ceil(),
        };
        Ok(Some(k.max(Rational::ZERO)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pace(answered: i64, offered: i64, elapsed: i64) -> Figures {
        let r = Rational::from_int;
        let (a, d, e, rem, n) = (r(answered), r(offered), r(elapsed), r(30 - elapsed), r(30));
        let target = Rational::new(9, 10).unwrap();
        Pace {
            numerator: &a,
            denominator: &d,
            op: CmpOp::Ge,
            target: &target,
            when_zero: Some(&Rational::ONE),
            elapsed: &e,
            remaining: &rem,
            days: &n,
        }
        .figures()
        .unwrap()
    }

    #[test]
    fn the_scenario_s_worked_examples() {
        // M822: 516 / 645, 15 days of 30: 43 a day, exactly an average day.
        let m822 = pace(516, 645, 15);
        assert_eq!(m822.status, Status::AtRisk);
        assert_eq!(m822.needed, Some(Rational::from_int(43)));
        // M783: 46 a day needed, 45 an average day.
        assert_eq!(pace(539, 675, 15).status, Status::CannotReach);
        // M868: 89.995...% is not 90%.
        let m868 = pace(1880, 2089, 15);
        assert_eq!(m868.needed, Some(Rational::from_int(126)));
        assert_eq!(pace(1026, 1140, 15).status, Status::Ok);
        // No offered calls: the rule's value for zero, 100%.
        assert_eq!(pace(0, 0, 15).status, Status::Ok);
    }

    #[test]
    fn on_the_last_day_it_is_reached_or_not() {
        assert_eq!(pace(80, 100, 30).status, Status::CannotReach);
        assert_eq!(pace(90, 100, 30).status, Status::Ok);
    }
}
