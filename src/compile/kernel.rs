//! The Program lowered once more, to flat typed code that runs column by column over
//! a batch of records: every value lives in a register, a column of one kind of value
//! (numbers, truth values, grades or texts) known when the code is lowered, so that
//! running it checks no tags and returns no `Result` per node.
//!
//! The kernel computes what the common record needs. Anything unusual (a missing
//! value, an operation that fails) marks the record, and the reference evaluator,
//! which also serves explanations, scores that record again from the start: the two
//! cannot disagree on it, and the kernel need not know how every fault is reported.
//! A program using something the kernel does not lower (weekly reductions, warnings,
//! calendar functions) has no kernel and is scored by the reference evaluator alone.
//! A program whose items read other records (group items, ranks, distributions,
//! shares) has a kernel for each run of items between them that read only their own
//! record, and one for its outputs, reading the items before them from where the
//! population keeps them.
//!
//! Registers are written once each. A computation inside a branch (an `if`, a tier's
//! row, a veto's value, the right side of `and` / `or`) is guarded by a truth
//! register: it runs, and may fail, only for the records that take the branch, as the
//! reference evaluator computes only the branch taken.

use std::ops::Range;

use crate::check::model::{Builtin, Func};
use crate::check::types::Type;
use crate::compile::{Node, Op, Program, Step};
use crate::eval::TextRef;
use crate::number::{Rational, RoundingMode};
use crate::syntax::ast::{BinOp, CmpOp};

/// The kind of value a register holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Numbers of every unit, dates and months (as day and month numbers).
    Num,
    /// true or false.
    Bool,
    /// Grade bands, by index.
    Grade,
    /// Texts, by where they are held.
    Text,
}

impl Kind {
    /// The kind of a value of type `ty`; `None` for a type already reported wrong.
    fn of(ty: Type) -> Option<Kind> {
        Some(match ty {
            Type::Bool => Kind::Bool,
            Type::Grade(_) => Kind::Grade,
            Type::Text => Kind::Text,
            Type::Unknown => return None,
            _ => Kind::Num,
        })
    }
}

/// A register, by number.
pub(crate) type Reg = u32;

/// A register's value when a batch starts: a constant, or written by an instruction.
#[derive(Debug, Clone)]
pub(crate) enum Init {
    /// Written by the code.
    Written(Kind),
    /// A number.
    Num(Rational),
    /// A truth value.
    Bool(bool),
    /// A grade band.
    Grade(u16),
    /// A text.
    Text(TextRef),
}

/// One instruction, run over every record of a batch. `guard`: only the records
/// whose truth register holds (every record for `None`).
#[derive(Debug, Clone)]
pub(crate) enum Instr {
    /// A value of the record's period.
    Builtin {
        dst: Reg,
        builtin: Builtin,
        guard: Option<Reg>,
    },
    /// A reduction over the record's rows.
    Rolled { dst: Reg, n: u32 },
    /// Records of months without the week or day an item is computed for.
    RequireSlice { slice: crate::check::model::Slice },
    /// A value missing where the records of `guard` need it.
    Missing { guard: Option<Reg> },
    /// Arithmetic.
    Arith {
        op: BinOp,
        dst: Reg,
        a: Reg,
        b: Reg,
        guard: Option<Reg>,
    },
    /// `-a`
    Neg { dst: Reg, a: Reg },
    /// `abs(a)`
    Abs { dst: Reg, a: Reg },
    /// The least (`max: false`) or greatest of `args`.
    Extreme {
        max: bool,
        dst: Reg,
        args: Box<[Reg]>,
    },
    /// `clamp(x, low, high)`
    Clamp {
        dst: Reg,
        x: Reg,
        low: Reg,
        high: Reg,
    },
    /// `round(a, places, mode)`
    Round {
        dst: Reg,
        a: Reg,
        places: u32,
        mode: RoundingMode,
        guard: Option<Reg>,
    },
    /// `n / d`, `when_zero` for a zero denominator (`None`: the reference evaluator
    /// says what happens).
    Ratio {
        dst: Reg,
        n: Reg,
        d: Reg,
        when_zero: Option<Rational>,
        guard: Option<Reg>,
    },
    /// Linear interpolation, as the reference evaluator computes it.
    Linear {
        dst: Reg,
        x: Reg,
        points: Box<[(Rational, Rational)]>,
        slopes: Box<[Option<Rational>]>,
        guard: Option<Reg>,
    },
    /// A weighted sum.
    Weighted {
        dst: Reg,
        parts: Box<[(Reg, Rational)]>,
        guard: Option<Reg>,
    },
    /// The index of the first test `x` passes, or the number of tests: a tier's row
    /// or a grade's band.
    Band {
        dst: Reg,
        x: Reg,
        tests: Box<[(CmpOp, Rational)]>,
    },
    /// A band whose tests are in order (each a bound of one direction, each looser
    /// than the one before), so that a value passing one passes every later one:
    /// the band is the number of `bounds` that `x` does not pass by `op`, counted
    /// without a branch that depends on `x`.
    OrderedBand {
        dst: Reg,
        x: Reg,
        op: CmpOp,
        bounds: Box<[Rational]>,
    },
    /// Whether `band` holds band `index`.
    BandIs { dst: Reg, band: Reg, index: u16 },
    /// The register of the band `band` holds, of `choices`.
    Pick {
        dst: Reg,
        band: Reg,
        choices: Box<[Reg]>,
    },
    /// The number of `table` at the band `band` holds: a grade's coefficient, or the
    /// value of a tier row where every row's value is a constant.
    Lookup {
        dst: Reg,
        band: Reg,
        table: Box<[Rational]>,
    },
    /// A comparison of two registers of one kind.
    Cmp { op: CmpOp, dst: Reg, a: Reg, b: Reg },
    /// `not a`
    Not { dst: Reg, a: Reg },
    /// `a and b`
    And { dst: Reg, a: Reg, b: Reg },
    /// `a and not b`
    AndNot { dst: Reg, a: Reg, b: Reg },
    /// `a or b`
    Or { dst: Reg, a: Reg, b: Reg },
    /// `if cond then a else b`, both computed already.
    Select { dst: Reg, cond: Reg, a: Reg, b: Reg },
}

/// A program as flat typed code.
#[derive(Debug, Clone)]
pub(crate) struct Kernel {
    /// Every register's kind, and the value of a constant one.
    pub regs: Box<[Init]>,
    /// Each input the code reads, by number, and the register it is loaded into; a
    /// record with a missing value there goes to the reference evaluator (one
    /// missing where nothing reads it changes nothing).
    pub loads: Box<[(u32, Reg)]>,
    /// For a phase of a population's items, each item of an earlier phase the code
    /// reads, by number, and its register; as `loads`, a missing one sends the record
    /// to the reference evaluator.
    pub item_loads: Box<[(u32, Reg)]>,
    /// The instructions, in order.
    pub code: Box<[Instr]>,
    /// The register of each output.
    pub outputs: Box<[Reg]>,
    /// For a phase of a population's items, the register of each of its items, by
    /// number, to be kept for the items after it.
    pub stores: Box<[(u32, Reg)]>,
}

/// The kernel of `program`, or `None` when it uses something the kernel does not
/// lower.
pub(crate) fn lower(program: &Program) -> Option<Kernel> {
    if program.reads_population() {
        return None;
    }
    let mut lower = Lowering::new(program, 0)?;
    for (step, item) in program.steps.iter().zip(&program.model.items) {
        let kind = Kind::of(item.ty)?;
        let reg = lower.step(step, kind)?;
        lower.slots.push((reg, kind));
    }
    let outputs = lower.outputs(program)?;
    Some(lower.finish(outputs, Box::default()))
}

/// The kernel of the outputs of a program that reads other records than its own,
/// reading each record's inputs and finished items from where they are kept.
pub(crate) fn lower_outputs(program: &Program) -> Option<Kernel> {
    if !program.reads_population() {
        return None;
    }
    let mut lower = Lowering::new(program, program.steps.len())?;
    let outputs = lower.outputs(program)?;
    Some(lower.finish(outputs, Box::default()))
}

/// A run of a population's items that read only their own record (between two that
/// read others), and its kernel, if it has one.
#[derive(Debug, Clone)]
pub(crate) struct MemberPhase {
    /// The items, by number.
    pub steps: Range<usize>,
    /// The items as flat typed code, reading the inputs and the items before them and
    /// storing each of theirs.
    pub kernel: Option<Kernel>,
}

/// The phases of items of a program that reads other records than its own: each run
/// of items that read only their own record.
pub(crate) fn member_phases(program: &Program) -> Box<[MemberPhase]> {
    if !program.reads_population() {
        return Box::default();
    }
    let steps = &program.steps;
    let mut phases = Vec::new();
    let mut start = 0;
    while start < steps.len() {
        let end = steps[start..]
            .iter()
            .position(|s| s.op.reads_population())
            .map_or(steps.len(), |p| start + p);
        if end > start {
            phases.push(MemberPhase {
                steps: start..end,
                kernel: lower_phase(program, start..end),
            });
        }
        start = end + 1;
    }
    phases.into()
}

/// The kernel of items `steps` of `program`, reading its inputs and the items before
/// `steps` from where they are kept.
fn lower_phase(program: &Program, steps: Range<usize>) -> Option<Kernel> {
    let mut lower = Lowering::new(program, steps.start)?;
    let mut stores = Vec::with_capacity(steps.len());
    for index in steps {
        let (step, item) = (program.steps.get(index)?, program.model.items.get(index)?);
        let kind = Kind::of(item.ty)?;
        let reg = lower.step(step, kind)?;
        lower.slots.push((reg, kind));
        stores.push((index as u32, reg));
    }
    Some(lower.finish(Box::default(), stores.into()))
}

struct Lowering {
    regs: Vec<Init>,
    code: Vec<Instr>,
    /// The register holding each slot's value, and its kind.
    slots: Vec<(Reg, Kind)>,
    /// Whether the code reads each input and each item loaded.
    read: Vec<bool>,
    /// How many inputs there are: the slots after them are items.
    inputs: usize,
}

/// What lowering a node gave: a register, or a value known to be missing.
#[derive(Clone, Copy)]
enum Lowered {
    Reg(Reg, Kind),
    Missing,
}

impl Lowering {
    /// A lowering that loads every input and the first `items` items into registers
    /// of their own (read ones only, in the end).
    fn new(program: &Program, items: usize) -> Option<Lowering> {
        let model = &program.model;
        let mut lower = Lowering {
            regs: Vec::new(),
            code: Vec::new(),
            slots: Vec::with_capacity(model.inputs.len() + program.steps.len()),
            read: vec![false; model.inputs.len() + items],
            inputs: model.inputs.len(),
        };
        let types = model.inputs.iter().map(|i| i.ty);
        for ty in types.chain(model.items.iter().take(items).map(|i| i.ty)) {
            let kind = Kind::of(ty)?;
            let dst = lower.reg(Init::Written(kind));
            lower.slots.push((dst, kind));
        }
        Some(lower)
    }

    /// The registers of `program`'s outputs.
    fn outputs(&mut self, program: &Program) -> Option<Box<[Reg]>> {
        program
            .outputs
            .iter()
            .zip(program.output_types.iter())
            .map(|(node, ty)| self.value(node, None, Kind::of(*ty)?))
            .collect()
    }

    /// The kernel lowered, with `outputs` and `stores`.
    fn finish(self, outputs: Box<[Reg]>, stores: Box<[(u32, Reg)]>) -> Kernel {
        let (mut loads, mut item_loads) = (Vec::new(), Vec::new());
        for (slot, _) in self.read.iter().enumerate().filter(|(_, read)| **read) {
            let reg = self.slots[slot].0;
            match slot.checked_sub(self.inputs) {
                None => loads.push((slot as u32, reg)),
                Some(item) => item_loads.push((item as u32, reg)),
            }
        }
        Kernel {
            regs: self.regs.into(),
            loads: loads.into(),
            item_loads: item_loads.into(),
            code: self.code.into(),
            outputs,
            stores,
        }
    }

    fn reg(&mut self, init: Init) -> Reg {
        self.regs.push(init);
        (self.regs.len() - 1) as Reg
    }

    fn written(&mut self, kind: Kind) -> Reg {
        self.reg(Init::Written(kind))
    }

    /// A register that must not be read: its records were sent to the reference
    /// evaluator.
    fn placeholder(&mut self, kind: Kind) -> Reg {
        self.reg(match kind {
            Kind::Num => Init::Num(Rational::ZERO),
            Kind::Bool => Init::Bool(false),
            Kind::Grade => Init::Grade(0),
            Kind::Text => Init::Text(TextRef::Literal(0)),
        })
    }

    /// The truth register `a and b`, either of which may be absent (always true).
    fn both(&mut self, a: Option<Reg>, b: Reg) -> Reg {
        match a {
            None => b,
            Some(a) => {
                let dst = self.written(Kind::Bool);
                self.code.push(Instr::And { dst, a, b });
                dst
            }
        }
    }

    /// `guard and not b`.
    fn but_not(&mut self, guard: Option<Reg>, b: Reg) -> Reg {
        let dst = self.written(Kind::Bool);
        match guard {
            None => self.code.push(Instr::Not { dst, a: b }),
            Some(a) => self.code.push(Instr::AndNot { dst, a, b }),
        }
        dst
    }

    /// One item: its computation, then its cap, floor and vetoes.
    fn step(&mut self, step: &Step, kind: Kind) -> Option<Reg> {
        if let Some(slice) = step.slice {
            self.code.push(Instr::RequireSlice { slice });
        }
        let mut reg = self.op(&step.op, kind)?;
        if (step.cap.is_some() || step.floor.is_some()) && kind != Kind::Num {
            return None;
        }
        if let Some(cap) = &step.cap {
            let limit = self.value(cap, None, Kind::Num)?;
            reg = self.extreme(false, [reg, limit]);
        }
        if let Some(floor) = &step.floor {
            let limit = self.value(floor, None, Kind::Num)?;
            reg = self.extreme(true, [reg, limit]);
        }
        for (condition, replacement) in step.vetoes.iter() {
            // The condition and value see the item as computed so far.
            let slot = self.slots.len();
            self.slots.push((reg, kind));
            let cond = self.condition(condition, None)?;
            let after = self.value(replacement, Some(cond), kind)?;
            self.slots.truncate(slot);
            let dst = self.written(kind);
            self.code.push(Instr::Select {
                dst,
                cond,
                a: after,
                b: reg,
            });
            reg = dst;
        }
        Some(reg)
    }

    fn extreme(&mut self, max: bool, args: [Reg; 2]) -> Reg {
        let dst = self.written(Kind::Num);
        self.code.push(Instr::Extreme {
            max,
            dst,
            args: args.into(),
        });
        dst
    }

    fn op(&mut self, op: &Op, kind: Kind) -> Option<Reg> {
        Some(match op {
            Op::Expr(node) => self.value(node, None, kind)?,
            Op::Ratio {
                numerator,
                denominator,
                when_zero,
            } => {
                let n = self.value(numerator, None, Kind::Num)?;
                let d = self.value(denominator, None, Kind::Num)?;
                let dst = self.written(Kind::Num);
                self.code.push(Instr::Ratio {
                    dst,
                    n,
                    d,
                    when_zero: when_zero.clone().flatten(),
                    guard: None,
                });
                dst
            }
            Op::Tiers {
                subject,
                rows,
                otherwise,
            } => {
                let tests = rows.iter().map(|(op, t, _)| (*op, t.clone())).collect();
                let band = self.band(subject, tests)?;
                let values = rows.iter().map(|(_, _, v)| v).chain([&**otherwise]);
                let mut choices = Vec::with_capacity(rows.len() + 1);
                for (index, value) in values.enumerate() {
                    let guard = match can_fail(value) {
                        true => {
                            let taken = self.written(Kind::Bool);
                            self.code.push(Instr::BandIs {
                                dst: taken,
                                band,
                                index: index as u16,
                            });
                            Some(taken)
                        }
                        false => None,
                    };
                    choices.push(self.value(value, guard, kind)?);
                }
                let dst = self.written(kind);
                let constants: Option<Box<[Rational]>> = choices
                    .iter()
                    .map(|&c| match self.regs.get(c as usize) {
                        Some(Init::Num(r)) => Some(r.clone()),
                        _ => None,
                    })
                    .collect();
                self.code.push(match constants {
                    // A table read costs less than copying the chosen register.
                    Some(table) => Instr::Lookup { dst, band, table },
                    None => Instr::Pick {
                        dst,
                        band,
                        choices: choices.into(),
                    },
                });
                dst
            }
            Op::Linear {
                subject,
                points,
                slopes,
            } => {
                let x = self.value(subject, None, Kind::Num)?;
                let dst = self.written(Kind::Num);
                self.code.push(Instr::Linear {
                    dst,
                    x,
                    points: points.clone(),
                    slopes: slopes.clone(),
                    guard: None,
                });
                dst
            }
            Op::Weighted(parts) => {
                let parts = parts
                    .iter()
                    .map(|(slot, weight)| match self.slot(*slot)? {
                        (reg, Kind::Num) => Some((reg, weight.clone())),
                        _ => None,
                    })
                    .collect::<Option<_>>()?;
                let dst = self.written(Kind::Num);
                self.code.push(Instr::Weighted {
                    dst,
                    parts,
                    guard: None,
                });
                dst
            }
            Op::Per { amount, count } => {
                let a = self.value(amount, None, Kind::Num)?;
                let b = self.value(count, None, Kind::Num)?;
                self.arith(BinOp::Mul, a, b, None)
            }
            Op::Grade { subject, tests } => self.band(subject, tests.clone())?,
            Op::Rolled(n) => {
                let dst = self.written(Kind::Num);
                self.code.push(Instr::Rolled { dst, n: *n });
                dst
            }
            Op::Slices(_)
            | Op::Pace(_)
            | Op::Aggregate(_)
            | Op::Rank(_)
            | Op::Distribute(_)
            | Op::Share(_)
            | Op::Previous(_) => return None,
        })
    }

    /// The register of the band `subject` falls in: the index of the first of `tests`
    /// it passes, or the number of tests.
    fn band(&mut self, subject: &Node, tests: Box<[(CmpOp, Rational)]>) -> Option<Reg> {
        let x = self.value(subject, None, Kind::Num)?;
        let dst = self.written(Kind::Grade);
        self.code.push(match in_order(&tests) {
            Some(op) => Instr::OrderedBand {
                dst,
                x,
                op,
                bounds: tests.iter().map(|(_, t)| t.clone()).collect(),
            },
            None => Instr::Band { dst, x, tests },
        });
        Some(dst)
    }

    fn slot(&mut self, slot: u32) -> Option<(Reg, Kind)> {
        if let Some(read) = self.read.get_mut(slot as usize) {
            *read = true;
        }
        self.slots.get(slot as usize).copied()
    }

    fn arith(&mut self, op: BinOp, a: Reg, b: Reg, guard: Option<Reg>) -> Reg {
        let dst = self.written(Kind::Num);
        self.code.push(Instr::Arith {
            op,
            dst,
            a,
            b,
            guard,
        });
        dst
    }

    /// `node` as a register of kind `want`; a value missing for the records of
    /// `guard` sends them to the reference evaluator.
    fn value(&mut self, node: &Node, guard: Option<Reg>, want: Kind) -> Option<Reg> {
        match self.node(node, guard)? {
            Lowered::Reg(_, kind) if kind != want => None,
            lowered => Some(self.known(lowered, guard, want)),
        }
    }

    /// `node` as a number register.
    fn num(&mut self, node: &Node, guard: Option<Reg>) -> Option<Reg> {
        self.value(node, guard, Kind::Num)
    }

    /// `node` as a condition: a missing one is not met.
    fn condition(&mut self, node: &Node, guard: Option<Reg>) -> Option<Reg> {
        match self.node(node, guard)? {
            Lowered::Reg(reg, Kind::Bool) => Some(reg),
            Lowered::Reg(..) => None,
            Lowered::Missing => Some(self.reg(Init::Bool(false))),
        }
    }

    fn node(&mut self, node: &Node, guard: Option<Reg>) -> Option<Lowered> {
        let reg = |reg, kind| Some(Lowered::Reg(reg, kind));
        match node {
            Node::Const(r) => reg(self.reg(Init::Num(r.clone())), Kind::Num),
            Node::Text(t) => reg(self.reg(Init::Text(TextRef::Literal(*t))), Kind::Text),
            Node::Bool(b) => reg(self.reg(Init::Bool(*b)), Kind::Bool),
            Node::Grade(g) => reg(self.reg(Init::Grade(*g)), Kind::Grade),
            Node::Slot(s) => {
                let (r, kind) = self.slot(*s)?;
                reg(r, kind)
            }
            Node::Builtin(Builtin::RulesVersion) => None,
            Node::Builtin(builtin) => {
                let dst = self.written(Kind::Num);
                self.code.push(Instr::Builtin {
                    dst,
                    builtin: *builtin,
                    guard,
                });
                reg(dst, Kind::Num)
            }
            Node::Missing => Some(Lowered::Missing),
            Node::Coefficient { slot, table } => {
                let (grade, Kind::Grade) = self.slot(*slot)? else {
                    return None;
                };
                let dst = self.written(Kind::Num);
                self.code.push(Instr::Lookup {
                    dst,
                    band: grade,
                    table: table.clone(),
                });
                reg(dst, Kind::Num)
            }
            Node::Neg(x) => {
                let a = self.num(x, guard)?;
                let dst = self.written(Kind::Num);
                self.code.push(Instr::Neg { dst, a });
                reg(dst, Kind::Num)
            }
            Node::Not(x) => {
                let a = self.condition(x, guard)?;
                let dst = self.written(Kind::Bool);
                self.code.push(Instr::Not { dst, a });
                reg(dst, Kind::Bool)
            }
            Node::Arith(op @ (BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div), l, r) => {
                let a = self.num(l, guard)?;
                let b = self.num(r, guard)?;
                reg(self.arith(*op, a, b, guard), Kind::Num)
            }
            Node::Arith(..) => None,
            Node::Cmp(op, l, r) => self.comparison(*op, l, r, guard),
            Node::And(l, r) | Node::Or(l, r) => {
                let a = self.condition(l, guard)?;
                // The right side is computed only where the left does not decide.
                let right_guard = match (node, can_fail(r)) {
                    (_, false) => guard,
                    (Node::And(..), true) => Some(self.both(guard, a)),
                    _ => Some(self.but_not(guard, a)),
                };
                let b = self.condition(r, right_guard)?;
                let dst = self.written(Kind::Bool);
                self.code.push(match node {
                    Node::And(..) => Instr::And { dst, a, b },
                    _ => Instr::Or { dst, a, b },
                });
                reg(dst, Kind::Bool)
            }
            Node::If(c, t, e) => {
                let cond = self.condition(c, guard)?;
                let then_guard = match can_fail(t) {
                    true => Some(self.both(guard, cond)),
                    false => guard,
                };
                let else_guard = match can_fail(e) {
                    true => Some(self.but_not(guard, cond)),
                    false => guard,
                };
                let (then, otherwise) = (self.node(t, then_guard)?, self.node(e, else_guard)?);
                let kind = match (then, otherwise) {
                    (Lowered::Reg(_, k), _) | (_, Lowered::Reg(_, k)) => k,
                    (Lowered::Missing, Lowered::Missing) => return Some(Lowered::Missing),
                };
                let a = self.known(then, then_guard, kind);
                let b = self.known(otherwise, else_guard, kind);
                let dst = self.written(kind);
                self.code.push(Instr::Select { dst, cond, a, b });
                reg(dst, kind)
            }
            Node::Call(Func::Known, args) => {
                // A value the kernel computes is never missing (a missing one sends
                // the record to the reference evaluator), so it is known.
                match &**args {
                    [arg] => match self.node(arg, guard)? {
                        Lowered::Reg(..) => reg(self.reg(Init::Bool(true)), Kind::Bool),
                        Lowered::Missing => reg(self.reg(Init::Bool(false)), Kind::Bool),
                    },
                    _ => None,
                }
            }
            Node::Call(func @ (Func::Min | Func::Max | Func::Clamp | Func::Abs), args) => {
                let args = args
                    .iter()
                    .map(|a| self.num(a, guard))
                    .collect::<Option<Vec<Reg>>>()?;
                let dst = self.written(Kind::Num);
                self.code.push(match (func, &args[..]) {
                    (Func::Abs, [a]) => Instr::Abs { dst, a: *a },
                    (Func::Clamp, [x, low, high]) => Instr::Clamp {
                        dst,
                        x: *x,
                        low: *low,
                        high: *high,
                    },
                    (Func::Min | Func::Max, [_, ..]) => Instr::Extreme {
                        max: *func == Func::Max,
                        dst,
                        args: args.into(),
                    },
                    _ => return None,
                });
                reg(dst, Kind::Num)
            }
            Node::Call(..) => None,
            Node::Round {
                value,
                places,
                mode,
                ..
            } => {
                let a = self.num(value, guard)?;
                let dst = self.written(Kind::Num);
                self.code.push(Instr::Round {
                    dst,
                    a,
                    places: *places,
                    mode: *mode,
                    guard,
                });
                reg(dst, Kind::Num)
            }
        }
    }

    /// The register of a branch's value; a missing one sends the records taking the
    /// branch to the reference evaluator.
    fn known(&mut self, lowered: Lowered, guard: Option<Reg>, kind: Kind) -> Reg {
        match lowered {
            Lowered::Reg(reg, _) => reg,
            Lowered::Missing => {
                self.code.push(Instr::Missing { guard });
                self.placeholder(kind)
            }
        }
    }

    /// A comparison; one with a missing side is not met, whichever way it asks.
    fn comparison(&mut self, op: CmpOp, l: &Node, r: &Node, guard: Option<Reg>) -> Option<Lowered> {
        let (a, b) = (self.node(l, guard)?, self.node(r, guard)?);
        match (a, b) {
            (Lowered::Reg(a, ka), Lowered::Reg(b, kb)) if ka == kb => {
                let dst = self.written(Kind::Bool);
                self.code.push(Instr::Cmp { op, dst, a, b });
                Some(Lowered::Reg(dst, Kind::Bool))
            }
            (Lowered::Reg(..), Lowered::Reg(..)) => None,
            _ => Some(Lowered::Reg(self.reg(Init::Bool(false)), Kind::Bool)),
        }
    }
}

/// The one comparison of `tests` if they are in order: every one `>=` (or every
/// one `>`) with falling bounds, or every one `<=` (or `<`) with rising bounds.
fn in_order(tests: &[(CmpOp, Rational)]) -> Option<CmpOp> {
    let (op, _) = tests.first()?;
    let falling = match op {
        CmpOp::Ge | CmpOp::Gt => true,
        CmpOp::Le | CmpOp::Lt => false,
        CmpOp::Eq | CmpOp::Ne => return None,
    };
    let ordered = tests.windows(2).all(|pair| match pair {
        [(a_op, a), (b_op, b)] => a_op == b_op && if falling { b < a } else { a < b },
        _ => true,
    });
    ordered.then_some(*op)
}

/// Whether computing `node` may fail or meet a missing value for some record, so that
/// it must run only where its branch is taken.
fn can_fail(node: &Node) -> bool {
    match node {
        Node::Const(_)
        | Node::Text(_)
        | Node::Bool(_)
        | Node::Grade(_)
        | Node::Slot(_)
        | Node::Coefficient { .. } => false,
        Node::Not(x) | Node::Neg(x) => can_fail(x),
        Node::Cmp(_, a, b) | Node::And(a, b) | Node::Or(a, b) => can_fail(a) || can_fail(b),
        Node::If(c, a, b) => can_fail(c) || can_fail(a) || can_fail(b),
        Node::Call(Func::Min | Func::Max | Func::Clamp | Func::Abs, args) => {
            args.iter().any(can_fail)
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tests(list: &[(CmpOp, i64)]) -> Vec<(CmpOp, Rational)> {
        list.iter()
            .map(|&(op, t)| (op, Rational::from_int(t)))
            .collect()
    }

    #[test]
    fn tests_are_in_order_when_one_comparison_meets_bounds_in_its_direction() {
        use CmpOp::*;
        assert_eq!(in_order(&tests(&[(Ge, 90), (Ge, 75), (Ge, 60)])), Some(Ge));
        assert_eq!(in_order(&tests(&[(Gt, 5)])), Some(Gt));
        assert_eq!(in_order(&tests(&[(Lt, 20), (Lt, 60)])), Some(Lt));
        assert_eq!(in_order(&tests(&[(Le, 1), (Le, 2)])), Some(Le));
        // Two comparisons, a bound met twice, bounds the wrong way, or equality.
        assert_eq!(in_order(&tests(&[(Gt, 50), (Ge, 50), (Ge, 10)])), None);
        assert_eq!(in_order(&tests(&[(Ge, 50), (Ge, 50)])), None);
        assert_eq!(in_order(&tests(&[(Ge, 50), (Ge, 60)])), None);
        assert_eq!(in_order(&tests(&[(Lt, 60), (Lt, 20)])), None);
        assert_eq!(in_order(&tests(&[(Eq, 1)])), None);
        assert_eq!(in_order(&[]), None);
    }
}
