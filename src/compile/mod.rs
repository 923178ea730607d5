//! Compiling: the checked model lowered to a Program of slots and steps. Inputs take
//! the first slots, items the next ones in evaluation order; evaluation reads and
//! writes slots by index and never looks a name up.

pub(crate) mod kernel;

use crate::check::model::{
    Body, Builtin, Func, Model, PacePart, Ref, Slice, SortKey, TExpr, TExprKind,
};
use crate::check::types::Type;
use crate::diagnostic::Span;
use crate::number::{Rational, RoundingMode};
use crate::syntax::ast::{AggregateFn, BinOp, CmpOp, TiePolicy};

/// A compiled ruleset, immutable and shareable across threads.
#[derive(Debug, Clone)]
pub struct Program {
    /// The checked model the program came from: names, labels and spans for the
    /// traced path and the explanation.
    pub model: Model,
    /// One step per item, in evaluation order; step `i` writes slot `inputs + i`.
    pub steps: Box<[Step]>,
    /// Whether any step reads other records than the one being scored, worked out
    /// once: the per-record fast path asks for every record.
    pub reads_population: bool,
    /// Whether any step reads the month before the record's (`previous`), worked out
    /// once: a run keeps that month's records only then.
    pub reads_previous: bool,
    /// One node per output, in declaration order.
    pub outputs: Box<[Node]>,
    /// The type of each output.
    pub output_types: Box<[Type]>,
    /// The decimal places each output is printed with: those of a `round` written
    /// around the whole output, else as many as the exact value needs.
    pub output_places: Box<[Option<u32>]>,
    /// Grade labels by step, for grade items (empty for others).
    pub grade_labels: Box<[Box<[String]>]>,
    /// Each rounding site by number.
    pub round_sites: Box<[RoundSite]>,
    /// Text literals by number.
    pub texts: Box<[Box<str>]>,
    /// The reductions over a record's rows, worked out as its rows are rolled up into
    /// it; [`Op::Rolled`] reads them by number.
    pub row_aggregates: Box<[RowAggregate]>,
    /// For each input, whether it is read as the record's value (rather than only
    /// row by row): a record's rows must agree on it.
    pub record_inputs: Box<[bool]>,
    /// The same program as flat typed code run over batches of records, when it
    /// uses nothing the kernel leaves to the reference evaluator.
    pub kernel: Option<kernel::Kernel>,
    /// For a program that reads other records than its own, each run of items that
    /// read only their own record, with its kernel where it has one.
    pub member_phases: Box<[kernel::MemberPhase]>,
    /// For a program that reads other records than its own, its outputs as flat typed
    /// code over each record's finished slots, when it has one.
    pub output_kernel: Option<kernel::Kernel>,
}

/// A reduction over a record's rows, each row's value and filter evaluated over that
/// row's inputs.
#[derive(Debug, Clone)]
pub struct RowAggregate {
    /// The reduction.
    pub func: AggregateFn,
    /// The row value; `None` for `count`.
    pub value: Option<Node>,
    /// Which rows count.
    pub filter: Option<Node>,
    /// The value when no row counts (`Some(None)`: no value).
    pub when_empty: Option<Option<Rational>>,
    /// The week or day whose rows count; every row of the month without one.
    pub slice: Option<Slice>,
}

/// A `round(...)` written in the rule file, for the explanation.
#[derive(Debug, Clone, Copy)]
pub struct RoundSite {
    /// Where it is written.
    pub span: Span,
    /// The places as written (of the percentage figure, for a percentage).
    pub places: u32,
    /// The mode.
    pub mode: RoundingMode,
    /// The type of the value rounded.
    pub ty: Type,
}

/// An expression over slots.
#[derive(Debug, Clone)]
pub enum Node {
    /// A number.
    Const(Rational),
    /// A text literal, by number in [`Program::texts`].
    Text(u32),
    /// true or false.
    Bool(bool),
    /// A grade band by index.
    Grade(u16),
    /// A slot's value.
    Slot(u32),
    /// A value of the run or the record's period.
    Builtin(Builtin),
    /// No value.
    Missing,
    /// The coefficient of the band a grade slot holds.
    Coefficient {
        /// The grade's slot.
        slot: u32,
        /// Coefficients by band.
        table: Box<[Rational]>,
    },
    /// `-x`
    Neg(Box<Node>),
    /// `not x`
    Not(Box<Node>),
    /// Arithmetic.
    Arith(BinOp, Box<Node>, Box<Node>),
    /// Comparison.
    Cmp(CmpOp, Box<Node>, Box<Node>),
    /// `and`, short-circuiting.
    And(Box<Node>, Box<Node>),
    /// `or`, short-circuiting.
    Or(Box<Node>, Box<Node>),
    /// `if c then a else b`
    If(Box<Node>, Box<Node>, Box<Node>),
    /// min, max, clamp, abs.
    Call(Func, Box<[Node]>),
    /// `round(x, places, mode)`; `site` numbers the rounding for the trace.
    Round {
        /// The value rounded.
        value: Box<Node>,
        /// Decimal places.
        places: u32,
        /// Rounding mode.
        mode: RoundingMode,
        /// Which rounding in the program, in source order.
        site: u32,
    },
}

/// How one item is computed.
#[derive(Debug, Clone)]
pub enum Op {
    /// A formula.
    Expr(Node),
    /// A guarded division.
    Ratio {
        /// Numerator.
        numerator: Node,
        /// Denominator.
        denominator: Node,
        /// The value for a zero denominator (`Some(None)`: no value); `None` makes it
        /// an error.
        when_zero: Option<Option<Rational>>,
    },
    /// A tier table.
    Tiers {
        /// The value looked up.
        subject: Node,
        /// Comparison, threshold, value.
        rows: Box<[(CmpOp, Rational, Node)]>,
        /// The `else` value.
        otherwise: Box<Node>,
    },
    /// Linear interpolation, clamped.
    Linear {
        /// The value interpolated.
        subject: Node,
        /// Points with increasing x.
        points: Box<[(Rational, Rational)]>,
        /// The slope from each point to the next, worked out once; `None` where it
        /// would need more digits than an exact value may have.
        slopes: Box<[Option<Rational>]>,
    },
    /// A weighted sum of slots.
    Weighted(Box<[(u32, Rational)]>),
    /// `amount per count`.
    Per {
        /// The amount for one.
        amount: Node,
        /// How many.
        count: Node,
    },
    /// A grade band: tests in order; the last band is `else`.
    Grade {
        /// The score graded.
        subject: Node,
        /// Comparison and threshold of each band but the last.
        tests: Box<[(CmpOp, Rational)]>,
    },
    /// A reduction over the members of the record's group. The population steps are
    /// boxed so that they do not make every step larger.
    Aggregate(Box<Aggregate>),
    /// A rank or percentile among the members of a group or of every record.
    Rank(Box<Rank>),
    /// Grades by share of a group.
    Distribute(Box<Distribute>),
    /// An amount shared among a group's members to the fen.
    Share(Box<Share>),
    /// A reduction over the record's rows, worked out when they were rolled up: the
    /// number of the record's rolled value.
    Rolled(u32),
    /// A reduction over the values of an item for each week or day, those without
    /// one left out.
    Slices(Box<Slices>),
    /// An item's value in the month before the record's.
    Previous(Box<Previous>),
    /// A month-to-date warning's status, or what it would take a day.
    Pace(Box<Pace>),
}

/// A month-to-date warning.
#[derive(Debug, Clone)]
pub struct Pace {
    /// The sum so far of what counts towards the target.
    pub numerator: Node,
    /// The sum so far of what it is a share of.
    pub denominator: Node,
    /// `>=` or `>`.
    pub op: CmpOp,
    /// The target.
    pub target: Rational,
    /// The ratio when the denominator is 0.
    pub when_zero: Option<Rational>,
    /// For the status, the text literals of `ok`, `at_risk` and `cannot_reach`;
    /// `None` for what it would take a day.
    pub words: Option<[u32; 3]>,
}

/// A reduction over the slots of an item's weeks or days.
#[derive(Debug, Clone)]
pub struct Slices {
    /// The reduction.
    pub func: AggregateFn,
    /// The slots reduced.
    pub slots: Box<[u32]>,
    /// The value when none has a value (`Some(None)`: no value).
    pub when_empty: Option<Option<Rational>>,
}

/// An item's value in the month before the record's.
#[derive(Debug, Clone)]
pub struct Previous {
    /// The item's slot.
    pub slot: u32,
    /// The slot of the input whose group's value is read; `None` for the record with
    /// the same key.
    pub column: Option<u32>,
}

/// An amount shared among a group's members to the fen.
#[derive(Debug, Clone)]
pub struct Share {
    /// The amount, the same for every member of a group.
    pub amount: Node,
    /// The slot of the input whose groups share.
    pub within: u32,
    /// Each member's weight; equal shares without one.
    pub weight: Option<Node>,
    /// Which members share.
    pub filter: Option<Node>,
    /// The order in which the fens left over go.
    pub remainder: Box<[(Node, bool)]>,
}

/// A reduction over a group's members, each member's value and filter evaluated over
/// that member's slots.
#[derive(Debug, Clone)]
pub struct Aggregate {
    /// The reduction.
    pub func: AggregateFn,
    /// The member value; `None` for `count`.
    pub value: Option<Node>,
    /// Which members count.
    pub filter: Option<Node>,
    /// The slot of the input whose value makes the group.
    pub group: u32,
    /// The value when no member counts (`Some(None)`: no value).
    pub when_empty: Option<Option<Rational>>,
}

/// A rank or percentile.
#[derive(Debug, Clone)]
pub struct Rank {
    /// A percentile rather than a rank.
    pub percentile: bool,
    /// The order: each key's value and whether highest comes first.
    pub keys: Box<[(Node, bool)]>,
    /// The slot of the input whose groups are ranked apart; `None` for every record.
    pub within: Option<u32>,
    /// Which members take part.
    pub filter: Option<Node>,
    /// How ties on every key are ranked.
    pub ties: TiePolicy,
    /// The value of a record the filter leaves out (`Some(None)`: no value).
    pub when_excluded: Option<Option<Rational>>,
    /// For a rank of groups, the slot of the input whose groups are ranked.
    pub per_group: Option<u32>,
}

/// Grades by share of a group.
#[derive(Debug, Clone)]
pub struct Distribute {
    /// The order, best first.
    pub keys: Box<[(Node, bool)]>,
    /// The slot of the input whose groups are distributed.
    pub within: u32,
    /// Each band's share.
    pub shares: Box<[Rational]>,
    /// How slots are rounded.
    pub slots: RoundingMode,
    /// The band that takes what the others leave.
    pub remainder_band: usize,
    /// Fixed bands for small groups: the size below which they apply, the score, each
    /// row's test and band, and the `else` band.
    pub small_group: Option<SmallGroup>,
}

/// Fixed bands for groups under a size.
#[derive(Debug, Clone)]
pub struct SmallGroup {
    /// Groups with fewer members take these bands.
    pub under: usize,
    /// The score graded.
    pub subject: Node,
    /// Each row's comparison, threshold and band.
    pub tests: Box<[(CmpOp, Rational, u16)]>,
    /// The `else` band.
    pub otherwise: u16,
}

impl Op {
    /// Whether computing it reads other records than the one being scored.
    pub fn reads_population(&self) -> bool {
        matches!(
            self,
            Op::Aggregate(_) | Op::Rank(_) | Op::Distribute(_) | Op::Share(_) | Op::Previous(_)
        )
    }
}

impl Program {
    /// Whether any item reads other records than the one being scored, so records
    /// must be scored together.
    pub fn reads_population(&self) -> bool {
        self.reads_population
    }
}

/// One item's computation, with its limits and vetoes.
#[derive(Debug, Clone)]
pub struct Step {
    /// The computation.
    pub op: Op,
    /// The most it may be.
    pub cap: Option<Node>,
    /// The least it may be.
    pub floor: Option<Node>,
    /// Condition and value of each veto.
    pub vetoes: Box<[(Node, Node)]>,
    /// For an item computed for each week or day, which one: in a month without it
    /// the item has no value.
    pub slice: Option<Slice>,
}

/// Lowers a checked model.
pub fn compile(model: Model) -> Program {
    let mut lower = Lower {
        inputs: model.inputs.len() as u32,
        model: &model,
        round_sites: Vec::new(),
        texts: Vec::new(),
        row_aggregates: Vec::new(),
    };
    let steps: Vec<Step> = model
        .items
        .iter()
        .map(|item| Step {
            op: lower.op(&item.body),
            cap: item.cap.as_ref().map(|e| lower.node(e)),
            floor: item.floor.as_ref().map(|e| lower.node(e)),
            vetoes: item
                .vetoes
                .iter()
                .map(|v| (lower.node(&v.condition), lower.node(&v.value)))
                .collect(),
            slice: item.slice,
        })
        .collect();
    let outputs: Vec<Node> = model.outputs.iter().map(|o| lower.node(&o.value)).collect();
    let output_types = model.outputs.iter().map(|o| o.value.ty).collect();
    let output_places = model
        .outputs
        .iter()
        .map(|o| match &o.value.kind {
            TExprKind::Round(_, places, _) => Some(*places),
            _ => None,
        })
        .collect();
    let grade_labels = model
        .items
        .iter()
        .map(|item| match item.bands() {
            Some(bands) => bands.iter().map(|b| b.label.clone()).collect(),
            None => Box::default(),
        })
        .collect();
    let mut program = Program {
        reads_population: steps.iter().any(|s| s.op.reads_population()),
        reads_previous: steps.iter().any(|s| matches!(s.op, Op::Previous(_))),
        steps: steps.into(),
        outputs: outputs.into(),
        output_types,
        output_places,
        grade_labels,
        round_sites: lower.round_sites.into(),
        texts: lower.texts.into(),
        row_aggregates: lower.row_aggregates.into(),
        record_inputs: record_inputs(&model),
        model,
        kernel: None,
        member_phases: Box::default(),
        output_kernel: None,
    };
    program.kernel = kernel::lower(&program);
    program.member_phases = kernel::member_phases(&program);
    program.output_kernel = kernel::lower_outputs(&program);
    program
}

/// Which inputs are read as a record's value: by an item other than a reduction over
/// its rows, a limit, a veto, an output or the key.
fn record_inputs(model: &Model) -> Box<[bool]> {
    model
        .inputs_read(|item| !matches!(item.body, Body::Rows(_)))
        .into()
}

/// The slope of the line from `(x0, y0)` to `(x1, y1)`.
fn slope((x0, y0): &(Rational, Rational), (x1, y1): &(Rational, Rational)) -> Option<Rational> {
    let rise = y1.checked_sub(y0).ok()?;
    let run = x1.checked_sub(x0).ok()?;
    rise.checked_div(&run)?.ok()
}

struct Lower<'m> {
    inputs: u32,
    model: &'m Model,
    round_sites: Vec<RoundSite>,
    texts: Vec<Box<str>>,
    row_aggregates: Vec<RowAggregate>,
}

impl Lower<'_> {
    fn slot(&self, r: Ref) -> u32 {
        match r {
            Ref::Input(i) => i as u32,
            Ref::Item(i) => self.inputs + i as u32,
        }
    }

    fn op(&mut self, body: &Body) -> Op {
        match body {
            Body::Expr(e) => Op::Expr(self.node(e)),
            Body::Ratio {
                numerator,
                denominator,
                when_zero,
                ..
            } => Op::Ratio {
                numerator: self.node(numerator),
                denominator: self.node(denominator),
                when_zero: when_zero.clone(),
            },
            Body::Tiers(t) => Op::Tiers {
                subject: self.node(&t.subject),
                rows: t
                    .rows
                    .iter()
                    .map(|r| (r.op, r.threshold.clone(), self.node(&r.value)))
                    .collect(),
                otherwise: Box::new(self.node(&t.otherwise)),
            },
            Body::Linear { subject, points } => Op::Linear {
                subject: self.node(subject),
                points: points.clone().into(),
                slopes: points.windows(2).map(|p| slope(&p[0], &p[1])).collect(),
            },
            Body::Weighted(parts) => Op::Weighted(
                parts
                    .iter()
                    .map(|p| (self.slot(p.source), p.weight.clone()))
                    .collect(),
            ),
            Body::Per { amount, count } => Op::Per {
                amount: self.node(amount),
                count: self.node(count),
            },
            Body::Grade(scale) => Op::Grade {
                subject: self.node(&scale.subject),
                tests: scale.bands.iter().filter_map(|b| b.test.clone()).collect(),
            },
            Body::Aggregate(a) => Op::Aggregate(Box::new(Aggregate {
                func: a.func,
                value: a.value.as_ref().map(|v| self.node(v)),
                filter: a.filter.as_ref().map(|f| self.node(f)),
                group: self.slot(Ref::Input(a.group)),
                when_empty: a.when_empty.clone(),
            })),
            Body::Rows(r) => {
                let aggregate = RowAggregate {
                    func: r.func,
                    value: r.value.as_ref().map(|v| self.node(v)),
                    filter: r.filter.as_ref().map(|f| self.node(f)),
                    when_empty: r.when_empty.clone(),
                    slice: r.slice,
                };
                self.row_aggregates.push(aggregate);
                Op::Rolled(self.row_aggregates.len() as u32 - 1)
            }
            Body::Slices(s) => Op::Slices(Box::new(Slices {
                func: s.func,
                slots: s.parts.iter().map(|&p| self.slot(Ref::Item(p))).collect(),
                when_empty: s.when_empty.clone(),
            })),
            Body::Previous(p) => Op::Previous(Box::new(Previous {
                slot: self.slot(Ref::Item(p.item)),
                column: p.column.map(|c| self.slot(Ref::Input(c))),
            })),
            Body::Pace(p) => {
                let words = match p.part {
                    PacePart::Status(_) => Some(["ok", "at_risk", "cannot_reach"].map(|w| {
                        self.texts.push(w.into());
                        self.texts.len() as u32 - 1
                    })),
                    PacePart::Needed => None,
                };
                Op::Pace(Box::new(Pace {
                    numerator: self.node(&p.numerator),
                    denominator: self.node(&p.denominator),
                    op: p.op,
                    target: p.target.clone(),
                    when_zero: p.when_zero.clone(),
                    words,
                }))
            }
            Body::Rank(r) => Op::Rank(Box::new(Rank {
                percentile: r.percentile,
                keys: self.keys(&r.keys),
                within: r.within.map(|w| self.slot(Ref::Input(w))),
                filter: r.filter.as_ref().map(|f| self.node(f)),
                ties: r.ties,
                when_excluded: r.when_excluded.clone(),
                per_group: r.per_group.map(|g| self.slot(Ref::Input(g))),
            })),
            Body::Share(s) => Op::Share(Box::new(Share {
                amount: self.node(&s.amount),
                within: self.slot(Ref::Input(s.within)),
                weight: s.weight.as_ref().map(|w| self.node(w)),
                filter: s.filter.as_ref().map(|f| self.node(f)),
                remainder: self.keys(&s.remainder),
            })),
            Body::Distribution(d) => Op::Distribute(Box::new(Distribute {
                keys: self.keys(&d.keys),
                within: self.slot(Ref::Input(d.within)),
                shares: d.shares.clone().into(),
                slots: d.slots,
                remainder_band: d.remainder_band,
                small_group: d.small_group.as_ref().map(|s| SmallGroup {
                    under: s.under,
                    subject: self.node(&s.subject),
                    tests: s
                        .tests
                        .iter()
                        .map(|((op, t), band)| (*op, t.clone(), *band as u16))
                        .collect(),
                    otherwise: s.otherwise as u16,
                }),
            })),
        }
    }

    fn keys(&mut self, keys: &[SortKey]) -> Box<[(Node, bool)]> {
        keys.iter()
            .map(|k| (self.node(&k.value), k.highest_first))
            .collect()
    }

    fn node(&mut self, e: &TExpr) -> Node {
        let mut boxed = |e: &TExpr| Box::new(self.node(e));
        match &e.kind {
            TExprKind::Number(r) => Node::Const(r.clone()),
            TExprKind::Text(t) => {
                self.texts.push(t.as_str().into());
                Node::Text(self.texts.len() as u32 - 1)
            }
            TExprKind::Bool(b) => Node::Bool(*b),
            TExprKind::Builtin(Builtin::RulesVersion) => {
                let name = self.model.version.clone().unwrap_or_default();
                self.texts.push(name.into());
                Node::Text(self.texts.len() as u32 - 1)
            }
            TExprKind::Builtin(b) => Node::Builtin(*b),
            TExprKind::Missing => Node::Missing,
            TExprKind::GradeBand(b) => Node::Grade(*b as u16),
            TExprKind::Ref(r) => Node::Slot(self.slot(*r)),
            TExprKind::Coefficient(pos) => {
                let table = match self.model.items[*pos].bands() {
                    Some(bands) => bands.iter().map(|b| b.coefficient.clone()).collect(),
                    None => Box::default(),
                };
                Node::Coefficient {
                    slot: self.slot(Ref::Item(*pos)),
                    table,
                }
            }
            TExprKind::Neg(x) => Node::Neg(boxed(x)),
            TExprKind::Not(x) => Node::Not(boxed(x)),
            TExprKind::Binary(op, l, r) => {
                let (l, r) = (boxed(l), boxed(r));
                match op {
                    BinOp::And => Node::And(l, r),
                    BinOp::Or => Node::Or(l, r),
                    BinOp::Cmp(c) => Node::Cmp(*c, l, r),
                    _ => Node::Arith(*op, l, r),
                }
            }
            TExprKind::If(c, t, f) => Node::If(boxed(c), boxed(t), boxed(f)),
            TExprKind::Call(func, args) => {
                Node::Call(*func, args.iter().map(|a| self.node(a)).collect())
            }
            TExprKind::Round(x, places, mode) => {
                let value = boxed(x);
                let site = self.round_sites.len() as u32;
                self.round_sites.push(RoundSite {
                    span: e.span,
                    places: *places,
                    mode: *mode,
                    ty: x.ty,
                });
                // A percentage rounds its figure: round(89.123%, 2) is 89.12%, which is
                // the fraction 0.8912 rounded to two more places.
                let places = if x.ty == Type::Percent {
                    places + 2
                } else {
                    *places
                };
                Node::Round {
                    value,
                    places,
                    mode: *mode,
                    site,
                }
            }
        }
    }
}
