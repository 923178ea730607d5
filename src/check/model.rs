//! The checked model: names resolved, types known, items in the order they are
//! computed. Nothing here can be wrong any more; `compile` lowers it to a Program.

use super::types::Type;
use crate::diagnostic::Span;
use crate::number::{Rational, RoundingMode};
use crate::syntax::ast::{AggregateFn, BinOp, CmpOp, InputType, ItemKind, TiePolicy};

/// A ruleset that passed every check.
#[derive(Debug, Clone)]
pub struct Model {
    /// The ruleset's name.
    pub name: String,
    /// Its title.
    pub title: Option<String>,
    /// Its version.
    pub version: Option<String>,
    /// Its currency code.
    pub currency: Option<String>,
    /// Its unit other than money, with its label (`PTS`, `积分 / Points`).
    pub unit: Option<(String, Option<String>)>,
    /// The inputs that identify a record, in the order written (`key agent_id,
    /// month`); the record's key is their values joined with commas.
    pub keys: Vec<usize>,
    /// The date or month input that places each record in a month, if the ruleset
    /// scores by period.
    pub period: Option<usize>,
    /// The day this version takes effect, for a ruleset with versions by date.
    pub effective_from: Option<crate::time::Day>,
    /// Inputs in declaration order.
    pub inputs: Vec<Input>,
    /// Items in evaluation order: each after everything it depends on.
    pub items: Vec<Item>,
    /// Outputs in declaration order.
    pub outputs: Vec<Output>,
    /// The test cases written in the file, in the order written.
    pub tests: Vec<TestCase>,
}

/// A test case written in the rule file, with names resolved.
#[derive(Debug, Clone)]
pub struct TestCase {
    /// Its name.
    pub name: String,
    /// What it tests.
    pub label: Option<String>,
    /// Every input's value, in declaration order, written as a data file would hold
    /// it, with the place it was written (the case, its fixture, or the case's name
    /// for the key).
    pub inputs: Vec<(String, Span)>,
    /// What it expects.
    pub expects: Vec<Expectation>,
    /// The whole statement.
    pub span: Span,
}

/// `expect name = value`, resolved.
#[derive(Debug, Clone)]
pub struct Expectation {
    /// The item or output expected.
    pub target: Target,
    /// The value it must have, exactly.
    pub value: Expected,
    /// Where that value is written.
    pub value_span: Span,
    /// The row as written.
    pub span: Span,
}

/// What an expectation is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// An item, by evaluation position.
    Item(usize),
    /// An output, by declaration index.
    Output(usize),
}

/// An expected value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// A number, percentage or amount.
    Number(Rational),
    /// Text.
    Text(String),
    /// true or false.
    Bool(bool),
    /// A grade, by band index.
    Grade(u16),
    /// No value (`none`).
    Missing,
}

/// A declared input column.
#[derive(Debug, Clone)]
pub struct Input {
    /// Column name.
    pub name: String,
    /// Bilingual label.
    pub label: Option<String>,
    /// Declared type.
    pub input_type: InputType,
    /// The type values have in formulas.
    pub ty: Type,
    /// Inclusive bounds.
    pub range: Option<(Rational, Rational)>,
    /// Whether an empty value is allowed (a missing value) rather than an error.
    pub optional: bool,
    /// For an input the agent controls, whether more of it is better (`Some(true)`)
    /// or less (`Some(false)`).
    pub better: Option<bool>,
}

/// What kind of item, for the explanation's wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `let`, `score`, `bonus`, `deduction`.
    Item(ItemKind),
    /// `grade`.
    Grade,
    /// A reduction over a group's members, written inside a group item.
    Aggregate,
}

/// Whose value an item is: each record's, or each group's (the same for every member
/// of a group, and computed from the members through aggregates).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Each record's own value.
    Member,
    /// One value per group of records sharing the value of this input.
    Group(usize),
}

/// A computed item.
#[derive(Debug, Clone)]
pub struct Item {
    /// Its name.
    pub name: String,
    /// Bilingual label.
    pub label: Option<String>,
    /// What kind of item.
    pub kind: Kind,
    /// Whose value it is.
    pub level: Level,
    /// Its value's type.
    pub ty: Type,
    /// How it is computed.
    pub body: Body,
    /// For an item computed for each week or day, which one this is.
    pub slice: Option<Slice>,
    /// The most it may be.
    pub cap: Option<TExpr>,
    /// The least it may be.
    pub floor: Option<TExpr>,
    /// Vetoes that override it, in declaration order.
    pub vetoes: Vec<Veto>,
    /// The formula as written.
    pub formula: Span,
    /// The whole statement.
    pub span: Span,
}

/// How an item is computed.
#[derive(Debug, Clone)]
pub enum Body {
    /// A formula.
    Expr(TExpr),
    /// A division with a policy for a zero denominator.
    Ratio {
        /// Numerator.
        numerator: TExpr,
        /// Denominator.
        denominator: TExpr,
        /// The value when the denominator is zero (`Some(None)`: no value); `None`
        /// makes it an error.
        when_zero: Option<Option<Rational>>,
        /// Whether the rule says `when zero error` (rather than saying nothing).
        zero_error_written: bool,
    },
    /// The first matching row's value.
    Tiers(Tiers),
    /// Linear interpolation, clamped to the end points.
    Linear {
        /// The value interpolated.
        subject: TExpr,
        /// `(x, y)` points with `x` strictly increasing.
        points: Vec<(Rational, Rational)>,
    },
    /// The sum of parts times their weights (which add up to 100%).
    Weighted(Vec<WeightedPart>),
    /// `amount per count`.
    Per {
        /// The amount for one.
        amount: TExpr,
        /// How many.
        count: TExpr,
    },
    /// A grade band.
    Grade(GradeScale),
    /// A reduction over the members of the record's group.
    Aggregate(AggregateSpec),
    /// A rank or percentile among the members of a group or of every record.
    Rank(RankSpec),
    /// Grades handed out by share of a group.
    Distribution(DistributionSpec),
    /// An amount shared among a group's members to the fen.
    Share(ShareSpec),
    /// A reduction over the record's rows (its days) in its month, or in one week or
    /// day of it.
    Rows(RowsSpec),
    /// A reduction over the weeks (or days) of an item computed for each of them.
    Slices(SlicesSpec),
    /// An item's value for the month before the record's: the same record's, or the
    /// same group's.
    Previous(PreviousSpec),
    /// A month-to-date warning: its status, or what it would take a day.
    Pace(PaceSpec),
}

/// `answered / offered >= 90% by month end`: the ratio of two month-to-date sums, and
/// the target it should reach by the month's end. The rest of the month is taken to
/// bring the denominator at its daily average so far.
#[derive(Debug, Clone)]
pub struct PaceSpec {
    /// The sum so far of what counts towards the target (calls answered).
    pub numerator: TExpr,
    /// The sum so far of what it is a share of (calls offered).
    pub denominator: TExpr,
    /// `>=` or `>`.
    pub op: CmpOp,
    /// The target, as a fraction.
    pub target: Rational,
    /// The ratio when the denominator is 0; `None` makes that an error.
    pub when_zero: Option<Rational>,
    /// Which part of the warning the item is.
    pub part: PacePart,
}

/// The parts of a warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PacePart {
    /// `ok`, `at_risk` or `cannot_reach`; the item at this position holds what it
    /// would take a day.
    Status(usize),
    /// What it would take each remaining day: 0 when on course, none when it cannot
    /// be reached.
    Needed,
}

/// `sum(calls_answered where c)` over the rows of a record, in a ruleset whose
/// records are rolled up from daily rows.
#[derive(Debug, Clone)]
pub struct RowsSpec {
    /// The reduction.
    pub func: AggregateFn,
    /// The row value reduced; `None` for `count`.
    pub value: Option<TExpr>,
    /// Which rows count.
    pub filter: Option<TExpr>,
    /// The value when no row counts (`Some(None)`: no value).
    pub when_empty: Option<Option<Rational>>,
    /// The week or day of the month whose rows it reduces; the whole month without one.
    pub slice: Option<Slice>,
}

/// One week (or day) of a month, counting from 0: week 0 holds the first of the month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slice {
    /// Weeks or days.
    pub by: crate::syntax::ast::Slicing,
    /// Which one.
    pub index: usize,
}

/// `min(feel_week)`: a reduction over the values an item has for each week or day.
#[derive(Debug, Clone)]
pub struct SlicesSpec {
    /// The reduction (`count` is not one).
    pub func: AggregateFn,
    /// The positions of the item's values, one per week or day.
    pub parts: Vec<usize>,
    /// The value when none has a value (`Some(None)`: no value).
    pub when_empty: Option<Option<Rational>>,
}

/// `previous(team_feel)`.
#[derive(Debug, Clone)]
pub struct PreviousSpec {
    /// The item whose value is read.
    pub item: usize,
    /// The input whose group's value is read; `None` reads the same record's (the
    /// record with the same key).
    pub column: Option<usize>,
}

/// `share amount within team by weight, remainder keys`.
#[derive(Debug, Clone)]
pub struct ShareSpec {
    /// The amount shared, the same for every member of a group.
    pub amount: TExpr,
    /// The input whose groups share.
    pub within: usize,
    /// Each member's weight; equal shares without one.
    pub weight: Option<TExpr>,
    /// Which members share; the others get nothing.
    pub filter: Option<TExpr>,
    /// The order in which the fens left over go, one each.
    pub remainder: Vec<SortKey>,
}

/// `sum(x where c, when empty v)` over the members of a group.
#[derive(Debug, Clone)]
pub struct AggregateSpec {
    /// The reduction.
    pub func: AggregateFn,
    /// The member value reduced; `None` for `count`.
    pub value: Option<TExpr>,
    /// Which members count.
    pub filter: Option<TExpr>,
    /// The input whose value makes the group.
    pub group: usize,
    /// The value when no member counts (`Some(None)`: no value); `None` makes an
    /// empty group an error (sums and counts of nothing are 0).
    pub when_empty: Option<Option<Rational>>,
}

/// One key of an order: a member value, highest or lowest first.
#[derive(Debug, Clone)]
pub struct SortKey {
    /// The value.
    pub value: TExpr,
    /// Highest first, rather than lowest first.
    pub highest_first: bool,
}

/// A rank or percentile.
#[derive(Debug, Clone)]
pub struct RankSpec {
    /// A percentile (the share of the others placed below) rather than a rank.
    pub percentile: bool,
    /// The order, best first.
    pub keys: Vec<SortKey>,
    /// The input whose groups are ranked apart; `None` ranks every record together.
    pub within: Option<usize>,
    /// Which members take part.
    pub filter: Option<TExpr>,
    /// How ties on every key are ranked.
    pub ties: TiePolicy,
    /// The value of a record the filter leaves out (`Some(None)`: no value).
    pub when_excluded: Option<Option<Rational>>,
    /// For a rank `over` a group, the input whose groups are ranked (each group once,
    /// its members sharing its place).
    pub per_group: Option<usize>,
}

/// Grades by share of a group (forced distribution).
#[derive(Debug, Clone)]
pub struct DistributionSpec {
    /// The order, best first; members equal on every key are tied.
    pub keys: Vec<SortKey>,
    /// The input whose groups are distributed.
    pub within: usize,
    /// The share of each band, as a fraction; they add up to 1.
    pub shares: Vec<Rational>,
    /// How a band's slots are rounded.
    pub slots: RoundingMode,
    /// The band whose slots are what the others leave (the largest share).
    pub remainder_band: usize,
    /// Fixed bands for groups under a size.
    pub small_group: Option<SmallGroupSpec>,
    /// The grades, best first, with their coefficients.
    pub bands: Vec<Band>,
    /// Whether the bands carry coefficients.
    pub has_coefficients: bool,
}

/// `under 5 members by total_score` with its bands.
#[derive(Debug, Clone)]
pub struct SmallGroupSpec {
    /// Groups with fewer members than this take the fixed bands.
    pub under: usize,
    /// The score graded.
    pub subject: TExpr,
    /// Comparison and threshold of each row but the `else`, and the band it gives.
    pub tests: Vec<((CmpOp, Rational), usize)>,
    /// The band of the `else` row.
    pub otherwise: usize,
}

impl Model {
    /// For each input, whether the rules read it: an item `counted` keeps (its
    /// formula, limits and vetoes), an output, or the key.
    pub fn inputs_read(&self, counted: impl Fn(&Item) -> bool) -> Vec<bool> {
        let mut refs = Vec::new();
        for item in self.items.iter().filter(|i| counted(i)) {
            item.body.refs(&mut refs);
            for e in item.cap.iter().chain(&item.floor) {
                e.refs(false, &mut refs);
            }
            for veto in &item.vetoes {
                veto.condition.refs(false, &mut refs);
                veto.value.refs(false, &mut refs);
            }
        }
        for output in &self.outputs {
            output.value.refs(false, &mut refs);
        }
        let mut read = vec![false; self.inputs.len()];
        for &key in &self.keys {
            read[key] = true;
        }
        for (r, _) in refs {
            if let Ref::Input(i) = r {
                read[i] = true;
            }
        }
        read
    }
}

impl Item {
    /// The grade bands of a grade item, best first.
    pub fn bands(&self) -> Option<&[Band]> {
        match &self.body {
            Body::Grade(scale) => Some(&scale.bands),
            Body::Distribution(d) => Some(&d.bands),
            _ => None,
        }
    }
}

/// A tier table.
#[derive(Debug, Clone)]
pub struct Tiers {
    /// The value looked up.
    pub subject: TExpr,
    /// Rows; the first that matches wins.
    pub rows: Vec<TierRow>,
    /// The value when no row matches.
    pub otherwise: TExpr,
}

/// One tier row.
#[derive(Debug, Clone)]
pub struct TierRow {
    /// Comparison of the subject with the threshold.
    pub op: CmpOp,
    /// Threshold.
    pub threshold: Rational,
    /// The value when it matches.
    pub value: TExpr,
    /// The row as written.
    pub span: Span,
}

/// One part of a weighted sum.
#[derive(Debug, Clone)]
pub struct WeightedPart {
    /// The value weighed.
    pub source: Ref,
    /// Its weight as a fraction.
    pub weight: Rational,
    /// The row as written.
    pub span: Span,
}

/// A grade band.
#[derive(Debug, Clone)]
pub struct GradeScale {
    /// The score graded.
    pub subject: TExpr,
    /// Bands in order, the `else` band last.
    pub bands: Vec<Band>,
    /// Whether the bands carry coefficients.
    pub has_coefficients: bool,
}

/// One grade band.
#[derive(Debug, Clone)]
pub struct Band {
    /// Comparison and threshold; `None` for `else`.
    pub test: Option<(CmpOp, Rational)>,
    /// The grade's label.
    pub label: String,
    /// Its coefficient (zero when the scale has none).
    pub coefficient: Rational,
    /// The row as written.
    pub span: Span,
}

/// A veto (一票否决) on an item.
#[derive(Debug, Clone)]
pub struct Veto {
    /// The reason shown.
    pub reason: String,
    /// When it fires.
    pub condition: TExpr,
    /// The value the item takes.
    pub value: TExpr,
    /// The statement as written.
    pub span: Span,
}

/// An output column.
#[derive(Debug, Clone)]
pub struct Output {
    /// Column name.
    pub name: String,
    /// Bilingual label.
    pub label: Option<String>,
    /// Its value.
    pub value: TExpr,
    /// The statement as written.
    pub span: Span,
}

/// A reference to a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ref {
    /// Input by declaration index.
    Input(usize),
    /// Item by evaluation position.
    Item(usize),
}

/// A typed expression.
#[derive(Debug, Clone)]
pub struct TExpr {
    /// What it is.
    pub kind: TExprKind,
    /// Its type.
    pub ty: Type,
    /// Where it is written.
    pub span: Span,
}

/// Built-in functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    /// The smallest argument.
    Min,
    /// The largest argument.
    Max,
    /// `clamp(x, low, high)`.
    Clamp,
    /// The absolute value.
    Abs,
    /// `days_between(first, last)`: the days from one date to the other.
    DaysBetween,
    /// The month of a date.
    MonthOf,
    /// The ISO week number of a date.
    WeekOf,
    /// The first day of a month.
    FirstDay,
    /// The last day of a month.
    LastDay,
    /// The days of a month.
    DaysInMonth,
    /// `period_days(from, to)`: the days of the record's month from one date to the
    /// other, both included; a missing date leaves that end open.
    PeriodDays,
    /// Whether a value is there (not missing).
    Known,
}

/// Values of the run and the record's period, read by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    /// The day the figures run to: the run's as-of date, else the period's last day.
    AsOf,
    /// The first day of the record's month.
    PeriodStart,
    /// The last day of the record's month.
    PeriodEnd,
    /// The days of the record's month.
    DaysInPeriod,
    /// The days from the first of the month to the as-of date, both included.
    DaysElapsed,
    /// The days of the month after the as-of date.
    DaysRemaining,
    /// The name of the version of the rules scoring the record.
    RulesVersion,
}

impl Builtin {
    /// Every built-in value with its name and type.
    pub const ALL: [(Builtin, &'static str, Type); 7] = [
        (Builtin::AsOf, "as_of", Type::Date),
        (Builtin::PeriodStart, "period_start", Type::Date),
        (Builtin::PeriodEnd, "period_end", Type::Date),
        // Numbers of days are plain numbers, so that a count over them is a count a
        // day, not a percentage.
        (Builtin::DaysInPeriod, "days_in_period", Type::Number),
        (Builtin::DaysElapsed, "days_elapsed", Type::Number),
        (Builtin::DaysRemaining, "days_remaining", Type::Number),
        (Builtin::RulesVersion, "rules_version", Type::Text),
    ];
}

impl Func {
    /// The name it is written with.
    pub fn name(self) -> &'static str {
        match self {
            Func::Min => "min",
            Func::Max => "max",
            Func::Clamp => "clamp",
            Func::Abs => "abs",
            Func::DaysBetween => "days_between",
            Func::MonthOf => "month_of",
            Func::WeekOf => "week_of",
            Func::FirstDay => "first_day",
            Func::LastDay => "last_day",
            Func::DaysInMonth => "days_in_month",
            Func::PeriodDays => "period_days",
            Func::Known => "known",
        }
    }
}

/// The kinds of typed expression.
#[derive(Debug, Clone)]
pub enum TExprKind {
    /// A number, percentage or amount.
    Number(Rational),
    /// Text.
    Text(String),
    /// true or false.
    Bool(bool),
    /// A grade label of the scale at an item position, by band index.
    GradeBand(usize),
    /// An input's or item's value.
    Ref(Ref),
    /// A value of the run or the record's period.
    Builtin(Builtin),
    /// `none`: no value.
    Missing,
    /// The coefficient of a grade item's band.
    Coefficient(usize),
    /// `-x`
    Neg(Box<TExpr>),
    /// `not x`
    Not(Box<TExpr>),
    /// `a op b`
    Binary(BinOp, Box<TExpr>, Box<TExpr>),
    /// `if c then a else b`
    If(Box<TExpr>, Box<TExpr>, Box<TExpr>),
    /// A built-in function.
    Call(Func, Vec<TExpr>),
    /// `round(x, places, mode)`
    Round(Box<TExpr>, u32, RoundingMode),
}

impl Body {
    /// The references of the formula (not its caps, floors or vetoes), each marked
    /// when it is in a denominator.
    pub fn refs(&self, out: &mut Vec<(Ref, bool)>) {
        match self {
            Body::Expr(e) => e.refs(false, out),
            Body::Ratio {
                numerator,
                denominator,
                ..
            } => {
                numerator.refs(false, out);
                denominator.refs(true, out);
            }
            Body::Tiers(t) => {
                t.subject.refs(false, out);
                for row in &t.rows {
                    row.value.refs(false, out);
                }
                t.otherwise.refs(false, out);
            }
            Body::Linear { subject, .. } => subject.refs(false, out),
            Body::Weighted(parts) => out.extend(parts.iter().map(|p| (p.source, false))),
            Body::Per { amount, count } => {
                amount.refs(false, out);
                count.refs(false, out);
            }
            Body::Grade(g) => g.subject.refs(false, out),
            Body::Aggregate(a) => {
                out.push((Ref::Input(a.group), false));
                for e in a.value.iter().chain(&a.filter) {
                    e.refs(false, out);
                }
            }
            Body::Rank(r) => {
                out.extend(r.within.map(|w| (Ref::Input(w), false)));
                for e in r.keys.iter().map(|k| &k.value).chain(&r.filter) {
                    e.refs(false, out);
                }
            }
            Body::Share(s) => {
                out.push((Ref::Input(s.within), false));
                let keys = s.remainder.iter().map(|k| &k.value);
                for e in [&s.amount]
                    .into_iter()
                    .chain(&s.weight)
                    .chain(&s.filter)
                    .chain(keys)
                {
                    e.refs(false, out);
                }
            }
            Body::Rows(r) => {
                for e in r.value.iter().chain(&r.filter) {
                    e.refs(false, out);
                }
            }
            Body::Slices(s) => out.extend(s.parts.iter().map(|&p| (Ref::Item(p), false))),
            Body::Previous(p) => {
                out.push((Ref::Item(p.item), false));
                out.extend(p.column.map(|c| (Ref::Input(c), false)));
            }
            Body::Pace(p) => {
                p.numerator.refs(false, out);
                p.denominator.refs(true, out);
                if let PacePart::Status(needed) = p.part {
                    out.push((Ref::Item(needed), false));
                }
            }
            Body::Distribution(d) => {
                out.push((Ref::Input(d.within), false));
                let small = d.small_group.as_ref().map(|s| &s.subject);
                for e in d.keys.iter().map(|k| &k.value).chain(small) {
                    e.refs(false, out);
                }
            }
        }
    }
}

impl TExpr {
    /// The references in the expression, each marked when it is in a denominator
    /// (or `denominator` says the whole expression is).
    pub fn refs(&self, denominator: bool, out: &mut Vec<(Ref, bool)>) {
        match &self.kind {
            TExprKind::Ref(r) => out.push((*r, denominator)),
            TExprKind::Coefficient(pos) => out.push((Ref::Item(*pos), denominator)),
            TExprKind::Neg(x) | TExprKind::Not(x) | TExprKind::Round(x, _, _) => {
                x.refs(denominator, out)
            }
            TExprKind::Binary(op, l, r) => {
                l.refs(denominator, out);
                r.refs(denominator || *op == BinOp::Div, out);
            }
            TExprKind::If(c, t, f) => {
                c.refs(denominator, out);
                t.refs(denominator, out);
                f.refs(denominator, out);
            }
            TExprKind::Call(_, args) => {
                for a in args {
                    a.refs(denominator, out);
                }
            }
            TExprKind::Number(_) | TExprKind::Text(_) | TExprKind::Bool(_) => {}
            TExprKind::Builtin(_) | TExprKind::Missing => {}
            TExprKind::GradeBand(_) => {}
        }
    }
}
