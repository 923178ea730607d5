//! The Explanation model: what one record's explanation holds, as data.
//!
//! Every field is language-neutral (names, numbers, formulas as written), so each
//! renderer phrases it in its own language. The JSON form is documented in
//! `docs/explanation.md` and versioned by [`FORMAT`].

use serde::{Deserialize, Serialize};

/// The version of the explanation format; a change to the JSON bumps it.
pub const FORMAT: &str = "kpi-explanation/1";

/// How one record's values arose: every item in evaluation order with its formula,
/// its real numbers and the decisions made, then every output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Explanation {
    /// The format version, [`FORMAT`].
    pub format: String,
    /// The engine that computed it, as `kpi 0.1.0`.
    pub engine: String,
    /// The ruleset that was applied.
    pub ruleset: RulesetInfo,
    /// The record that was scored.
    pub record: RecordInfo,
    /// Computed items, in evaluation order.
    pub items: Vec<Step>,
    /// Outputs, in declaration order.
    pub outputs: Vec<Step>,
    /// For a record scored together with others: the records its values depended on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population: Option<PopulationInfo>,
}

/// The records a value depended on, for a record scored together with others (its
/// group's members, or every record for a rank of all).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct PopulationInfo {
    /// How many records, this one included.
    pub records: usize,
    /// `sha256:` and the digest of their record fingerprints, sorted (see
    /// `docs/explanation.md`): the same whatever the order of the data file.
    pub fingerprint: String,
}

/// Which ruleset, exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct RulesetInfo {
    /// Its name.
    pub name: String,
    /// Its title.
    pub title: Option<String>,
    /// Its version.
    pub version: Option<String>,
    /// Its currency code.
    pub currency: Option<String>,
    /// `sha256:` and the SHA-256 of the rule file's text, in hex.
    pub fingerprint: String,
}

/// Which record, exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct RecordInfo {
    /// The record's key.
    pub key: String,
    /// `sha256:` and the SHA-256 of the record's inputs (see `docs/explanation.md`).
    pub fingerprint: String,
    /// Every input, in declaration order; for a record rolled up from daily rows,
    /// those the rows share (the others are in the rows).
    pub inputs: Vec<InputShown>,
    /// The month the record was scored for, for a ruleset that scores by month.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<PeriodShown>,
    /// The daily rows the record was rolled up from; their fingerprint is then the
    /// record's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<RowsShown>,
}

/// The month a record was scored for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct PeriodShown {
    /// `2026-11`.
    pub month: String,
    /// The day the figures run to, `2026-11-15`.
    pub as_of: String,
    /// The days of the month.
    pub days: i64,
    /// The days from its first to the as-of date, both included.
    pub elapsed: i64,
    /// The days after the as-of date.
    pub remaining: i64,
}

/// The daily rows a record was rolled up from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct RowsShown {
    /// How many.
    pub count: usize,
    /// The first day among them.
    pub from: String,
    /// The last day among them.
    pub to: String,
}

/// One input value of the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct InputShown {
    /// The input's name.
    pub name: String,
    /// Its bilingual label.
    pub label: Option<String>,
    /// Its value, exactly, in the form a data file may give it (`95%`, `1000.05`).
    pub value: String,
}

/// What a step is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// An intermediate value.
    Let,
    /// A score.
    Score,
    /// A bonus.
    Bonus,
    /// A deduction.
    Deduction,
    /// A grade.
    Grade,
    /// A reduction over the members of a group (`sum(...)`, `count(...)`).
    Aggregate,
    /// A month-to-date warning (绩效预警).
    Warning,
    /// An output column.
    Output,
}

/// One computed value and how it arose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Step {
    /// Its name.
    pub name: String,
    /// Its bilingual label.
    pub label: Option<String>,
    /// What it is.
    pub kind: StepKind,
    /// The line of the rule file it is defined on.
    pub line: usize,
    /// The formula as written (for a table, its heading; the rows are in `decision`).
    pub formula: String,
    /// The formula with the record's numbers in place of names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working: Option<String>,
    /// The formula's value, before any cap, floor or veto.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub computed: Option<String>,
    /// The decision a table, interpolation, ratio or grade made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    /// Caps and floors that changed the value.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub limits: Vec<LimitApplied>,
    /// Every veto on the item, fired or not.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vetoes: Vec<VetoCheck>,
    /// Every rounding inside the step, in the order it happened.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roundings: Vec<Rounding>,
    /// The final value.
    pub value: String,
    /// For an amount: its currency code (`CNY`, or `money` when the rule file names
    /// none), or its points unit (`PTS`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// For tier tables and grades: what it would take to reach the next better row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<Reach>,
}

/// The decision a step made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Decision {
    /// A ratio's denominator was zero, so its `when zero` value was used.
    ZeroDenominator {
        /// The value used.
        used: String,
    },
    /// A tier table or grade scale: every row and what became of it.
    Rows {
        /// The value looked up.
        subject: String,
        /// The rows in order, the `else` row last.
        rows: Vec<RowCheck>,
        /// For a grade scale with coefficients, the matched band's coefficient.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        coefficient: Option<String>,
    },
    /// Interpolation between two points.
    Interpolated {
        /// The value interpolated.
        subject: String,
        /// The point below.
        from: Point,
        /// The point above.
        to: Point,
    },
    /// Interpolation outside the points: the nearest end point's value.
    Clamped {
        /// The value interpolated.
        subject: String,
        /// The end point used.
        at: Point,
        /// Whether it is the last point (the subject is above every point).
        high: bool,
    },
    /// A weighted sum: each part, its value and its weight.
    Weighted {
        /// The parts in order.
        parts: Vec<WeightedPart>,
    },
    /// A reduction over the members of the record's group.
    Aggregate {
        /// The group, as its column holds it (`班组01`).
        group: String,
        /// Members of the group.
        members: usize,
        /// Members that passed the filter and were reduced.
        counted: usize,
        /// Each member's part, when asked for (`kpi explain --members`).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        contributions: Vec<Contribution>,
    },
    /// A place in an order of members.
    Ranked {
        /// The group ranked (`班组01`); `None` when every record is ranked together.
        group: Option<String>,
        /// The record's place, from 1.
        place: usize,
        /// How many were ranked.
        ranked: usize,
        /// The record's sort key values, as `89.57, 95.5`.
        keys: String,
        /// The member just above it in the order.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        above: Option<Neighbour>,
        /// The member just below it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        below: Option<Neighbour>,
        /// The members tied with it on every key.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        tied: Vec<String>,
        /// The tie policy: `shared`, `dense` or `strict`; `None` for a percentile.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ties: Option<String>,
    },
    /// Left out of a rank by its `where`, so `when excluded` gave the value.
    Excluded,
    /// A part of an amount shared among the members of a group, to the fen.
    Shared {
        /// The group (`班组03`).
        group: String,
        /// The amount shared.
        amount: String,
        /// How many members shared it.
        sharing: usize,
        /// The fens left after the whole fens of each share, handed out one each in the
        /// remainder order.
        left_over: String,
        /// Whether this record got one of them.
        extra: bool,
    },
    /// A month-to-date warning: where the ratio stands and what it would take.
    Warning {
        /// `ok`, `at_risk` or `cannot_reach`.
        status: String,
        /// The ratio so far.
        rate: String,
        /// The target.
        target: String,
        /// The denominator of an average day so far.
        daily: String,
        /// The denominator the whole month is taken to bring.
        projected: String,
        /// The days left after the as-of date.
        remaining: i64,
        /// What it would take each day left; `None` when it cannot be reached.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        needed: Option<String>,
    },
    /// A grade handed out by share of the group.
    Distributed {
        /// The group (`班组03`).
        group: String,
        /// The record's place in the order, from 1.
        place: usize,
        /// Members of the group.
        size: usize,
        /// Each grade's slots, best first; empty when the group took the fixed bands
        /// for small groups.
        slots: Vec<Slot>,
        /// When a tie at a boundary gave the record a better grade: the grade of the
        /// slot its own place is in.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        slot_grade: Option<String>,
    },
}

/// One member's part in a reduction over its group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Contribution {
    /// The member's key.
    pub key: String,
    /// Whether it passed the `where` and was reduced.
    pub counted: bool,
    /// The value it gave; omitted for `count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// A neighbour in an order: its key and its sort key values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Neighbour {
    /// The record's key.
    pub key: String,
    /// Its sort key values.
    pub keys: String,
    /// When it ties the record on the first key: the tie-break that set them apart, as
    /// written (`answer_rate highest first`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
}

/// One grade's slots in a forced distribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Slot {
    /// The grade.
    pub grade: String,
    /// How many members it is handed to, before ties at a boundary.
    pub count: usize,
}

/// One point of a linear scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Point {
    /// Where.
    pub x: String,
    /// Its value.
    pub y: String,
}

/// One part of a weighted sum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct WeightedPart {
    /// The part's name.
    pub name: String,
    /// Its value.
    pub value: String,
    /// Its weight, as a percentage.
    pub weight: String,
    /// What it adds to the sum: its value times its weight, exactly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contribution: Option<String>,
}

/// What became of one row of a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct RowCheck {
    /// The row as written, such as `>= 95% : 100`.
    pub row: String,
    /// What the row gives (a grade's label for a grade scale).
    pub gives: String,
    /// Tested and missed, matched, or not tested because an earlier row matched.
    pub result: RowResult,
    /// For a missed row, how far the subject was from its threshold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missed_by: Option<String>,
    /// For a row missed on a strict bound with the subject right on its threshold,
    /// what the row needs, such as `> 95.00%`; `missed_by` is then omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub needs: Option<String>,
}

/// What became of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RowResult {
    /// Tested; the subject did not meet it.
    Missed,
    /// The row that applied.
    Matched,
    /// After the matched row, so not tested.
    NotTested,
}

/// A cap or floor that changed a value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct LimitApplied {
    /// `cap` or `floor`.
    pub limit: LimitKind,
    /// The value before.
    pub before: String,
    /// The value after (the limit).
    pub after: String,
    /// How much was cut off (cap) or added (floor).
    pub amount: String,
}

/// A cap or a floor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum LimitKind {
    /// The most an item may be.
    Cap,
    /// The least an item may be.
    Floor,
}

/// A veto, fired or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct VetoCheck {
    /// The reason the rule gives.
    pub reason: String,
    /// Its condition as written.
    pub condition: String,
    /// Its condition with the values it saw.
    pub working: String,
    /// Whether it fired.
    pub fired: bool,
    /// When fired, the item's value before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// When fired, the item's value after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

/// One rounding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Rounding {
    /// The mode, as written (`half_up`).
    pub mode: String,
    /// Decimal places.
    pub places: u32,
    /// The exact value before.
    pub before: String,
    /// The value after.
    pub after: String,
}

/// What it would take to reach the next better row of a table or grade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Reach {
    /// Already in the first row: nothing better exists.
    Top,
    /// A veto set the value (or one it depends on); no change to the scores lifts it.
    Vetoed {
        /// The veto's reason.
        reason: String,
        /// The item the veto is on.
        item: String,
    },
    /// The next better row and the moves that reach it.
    Next {
        /// That row as written.
        row: String,
        /// What it gives.
        gives: String,
        /// The value looked up, now.
        subject: String,
        /// The comparison the row needs, such as `>= 95%`.
        needs: String,
        /// How far the subject is from the threshold.
        gap: String,
        /// Changes to one input each that reach the row, all else unchanged; the
        /// smallest such change of each input. Empty when no single input can.
        moves: Vec<Move>,
        /// Changes to two inputs together that reach the row, all else unchanged: one
        /// per pair of inputs that can, worked out only when `moves` is empty (and the
        /// record is not `shared`, `rolled` or `unmarked`).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pairs: Vec<Pair>,
        /// Whether the value depends on other records (a group value, a rank), so
        /// that no change of this record's inputs alone is worked out.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        shared: bool,
        /// Whether the record is rolled up from daily rows, so that its inputs are
        /// the rows' and no change of one is worked out.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        rolled: bool,
        /// Whether the rule file names no input the agent controls (`better higher`,
        /// `better lower`), so that no move is suggested.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        unmarked: bool,
    },
}

/// Changes to two inputs together that reach a row when neither alone can.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Pair {
    /// The two moves, in input declaration order. The first input is the one pushed
    /// to its furthest real value and then brought back: with the second at its `to`,
    /// the first's `to` reaches the row and one less of a change does not.
    pub moves: [Move; 2],
}

/// A change of one input that reaches a row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Move {
    /// The input's name.
    pub input: String,
    /// Its label.
    pub label: Option<String>,
    /// Its value now.
    pub from: String,
    /// The value that reaches the row (one less of a change does not).
    pub to: String,
    /// By how much it changes, positive for more.
    pub by: String,
}
