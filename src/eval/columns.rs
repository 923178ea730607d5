//! Running a [`Kernel`] column by column over a batch of records: each instruction
//! runs over every record before the next starts, so that what an instruction is
//! and where its registers are is worked out once a batch rather than once a record.
//!
//! A record for which anything fails or is missing is marked, and computed no
//! further in any sense that matters: the caller scores it again on the reference
//! path, which says exactly what happened.

use std::cmp::Ordering;

use super::{TextRef, Texts, Value, compare, interpolate};
use crate::compile::Program;
use crate::compile::kernel::{Init, Instr, Kernel, Kind, Reg};
use crate::input::{InputValue, Record};
use crate::number::{Rational, round};
use crate::outcome::{OutputValue, store_output, store_rounded};
use crate::syntax::ast::{BinOp, CmpOp};

/// Records scored together: enough that each instruction's work outweighs finding
/// it, few enough that a batch's registers stay in the processor's cache.
pub(crate) const BATCH: usize = 128;

/// One register's values for the records of a batch.
#[derive(Debug, Clone)]
enum Column {
    Num(Vec<Rational>),
    Bool(Vec<bool>),
    Grade(Vec<u16>),
    Text(Vec<TextRef>),
}

/// The registers of one kernel, kept from batch to batch: constants are written
/// once, and no batch allocates.
#[derive(Debug, Clone)]
pub(crate) struct Columns {
    regs: Vec<Column>,
    /// The records of the batch that the reference path must score.
    failed: Vec<bool>,
    /// Every record: the guard of an instruction that has none.
    every: Vec<bool>,
}

impl Columns {
    /// Registers for `kernel`.
    pub(crate) fn new(kernel: &Kernel) -> Columns {
        let regs = kernel
            .regs
            .iter()
            .map(|init| match init {
                Init::Written(Kind::Num) => Column::Num(vec![Rational::ZERO; BATCH]),
                Init::Written(Kind::Bool) => Column::Bool(vec![false; BATCH]),
                Init::Written(Kind::Grade) => Column::Grade(vec![0; BATCH]),
                Init::Written(Kind::Text) => Column::Text(vec![TextRef::Literal(0); BATCH]),
                Init::Num(r) => Column::Num(vec![r.clone(); BATCH]),
                Init::Bool(b) => Column::Bool(vec![*b; BATCH]),
                Init::Grade(g) => Column::Grade(vec![*g; BATCH]),
                Init::Text(t) => Column::Text(vec![*t; BATCH]),
            })
            .collect();
        Columns {
            regs,
            failed: vec![false; BATCH],
            every: vec![true; BATCH],
        }
    }

    /// Whether record `i` of the last batch must be scored on the reference path.
    pub(crate) fn failed(&self, i: usize) -> bool {
        self.failed.get(i).copied().unwrap_or(true)
    }

    /// The value register `reg` holds for record `i` of the last batch.
    pub(crate) fn value(&self, reg: Reg, i: usize) -> Value {
        let value = match self.regs.get(reg as usize) {
            Some(Column::Num(c)) => c.get(i).cloned().map(Value::Num),
            Some(Column::Bool(c)) => c.get(i).copied().map(Value::Bool),
            Some(Column::Grade(c)) => c.get(i).copied().map(Value::Grade),
            Some(Column::Text(c)) => c.get(i).copied().map(Value::Text),
            None => None,
        };
        value.unwrap_or(Value::Missing)
    }

    fn nums(&self, reg: Reg) -> &[Rational] {
        match self.regs.get(reg as usize) {
            Some(Column::Num(c)) => c,
            _ => &[],
        }
    }

    fn bools(&self, reg: Reg) -> &[bool] {
        match self.regs.get(reg as usize) {
            Some(Column::Bool(c)) => c,
            _ => &[],
        }
    }

    fn grades(&self, reg: Reg) -> &[u16] {
        match self.regs.get(reg as usize) {
            Some(Column::Grade(c)) => c,
            _ => &[],
        }
    }

    /// The records an instruction runs for.
    fn guard(&self, guard: Option<Reg>) -> &[bool] {
        match guard {
            Some(g) => self.bools(g),
            None => &self.every,
        }
    }

    /// Takes register `reg` out to be written, leaving an empty column of its kind.
    fn take(&mut self, reg: Reg) -> Column {
        let empty = match self.regs.get(reg as usize) {
            Some(Column::Num(_)) => Column::Num(Vec::new()),
            Some(Column::Grade(_)) => Column::Grade(Vec::new()),
            Some(Column::Text(_)) => Column::Text(Vec::new()),
            _ => Column::Bool(Vec::new()),
        };
        match self.regs.get_mut(reg as usize) {
            Some(slot) => std::mem::replace(slot, empty),
            None => empty,
        }
    }

    fn put(&mut self, reg: Reg, column: Column) {
        if let Some(slot) = self.regs.get_mut(reg as usize) {
            *slot = column;
        }
    }

    /// Writes number register `dst` by `body`, which is given the column to write,
    /// the records' failure marks, the guard and the other registers.
    fn write_nums(
        &mut self,
        dst: Reg,
        guard: Option<Reg>,
        n: usize,
        body: impl FnOnce(Rows<'_>, &Columns),
    ) {
        let Column::Num(mut out) = self.take(dst) else {
            return self.fail_all(n);
        };
        let mut failed = std::mem::take(&mut self.failed);
        let rows = Rows {
            out: &mut out[..n.min(BATCH)],
            failed: &mut failed,
            on: self.guard(guard),
        };
        body(rows, self);
        self.failed = failed;
        self.put(dst, Column::Num(out));
    }

    /// Writes truth register `dst` for every record from `f(i)`.
    fn write_bools(&mut self, dst: Reg, n: usize, mut f: impl FnMut(&Columns, usize) -> bool) {
        let Column::Bool(mut out) = self.take(dst) else {
            return self.fail_all(n);
        };
        for (i, out) in out.iter_mut().take(n).enumerate() {
            *out = f(self, i);
        }
        self.put(dst, Column::Bool(out));
    }

    /// Every record of the batch goes to the reference path: the kernel does not
    /// fit its registers (which lowering rules out).
    fn fail_all(&mut self, n: usize) {
        self.failed.iter_mut().take(n).for_each(|f| *f = true);
    }
}

/// The records an instruction writes a number for.
struct Rows<'a> {
    /// The column written.
    out: &'a mut [Rational],
    /// Which records failed.
    failed: &'a mut [bool],
    /// Which records the instruction runs for.
    on: &'a [bool],
}

impl Rows<'_> {
    /// `out = f(a)` for each record; `None` marks the record failed. Not inlined,
    /// so that each operation is its own small loop with its arithmetic inlined.
    #[inline(never)]
    fn map1(self, a: &[Rational], f: impl Fn(&Rational) -> Option<Rational>) {
        let rows = self.out.iter_mut().zip(self.failed.iter_mut()).zip(self.on);
        for (((out, failed), on), a) in rows.zip(a) {
            if *on {
                match f(a) {
                    Some(v) => out.assign(v),
                    None => *failed = true,
                }
            }
        }
    }

    /// `out = f(a, b)` for each record, as [`Rows::map1`].
    #[inline(never)]
    fn map2(
        self,
        a: &[Rational],
        b: &[Rational],
        f: impl Fn(&Rational, &Rational) -> Option<Rational>,
    ) {
        let rows = self.out.iter_mut().zip(self.failed.iter_mut()).zip(self.on);
        for ((((out, failed), on), a), b) in rows.zip(a).zip(b) {
            if *on {
                match f(a, b) {
                    Some(v) => out.assign(v),
                    None => *failed = true,
                }
            }
        }
    }

    /// `out = Σ part × weight` over `parts`, registers of `c` and their weights, for
    /// each record, as [`Rows::map1`]: a record at a time, so that the sum stays in
    /// registers.
    #[inline(never)]
    fn weighted(self, parts: &[(Reg, Rational)], c: &Columns) {
        let rows = self.out.iter_mut().zip(self.failed.iter_mut()).zip(self.on);
        for (i, ((out, failed), on)) in rows.enumerate() {
            if !*on {
                continue;
            }
            let mut sum = Rational::ZERO;
            for (reg, weight) in parts {
                let added = c.nums(*reg).get(i).map(|part| {
                    part.checked_mul(weight)
                        .and_then(|product| sum.checked_add(&product))
                });
                match added {
                    Some(Ok(v)) => sum = v,
                    _ => {
                        *failed = true;
                        break;
                    }
                }
            }
            out.assign(sum);
        }
    }

    /// `out = a` for each record where `better(out, a)`.
    #[inline(never)]
    fn keep(self, a: &[Rational], better: impl Fn(&Rational, &Rational) -> bool) {
        for ((out, on), a) in self.out.iter_mut().zip(self.on).zip(a) {
            if *on && better(out, a) {
                out.clone_from(a);
            }
        }
    }

    /// `out = f(i)` for each record `i`, as [`Rows::map1`].
    fn each(self, f: impl Fn(usize) -> Option<Rational>) {
        let rows = self.out.iter_mut().zip(self.failed.iter_mut()).zip(self.on);
        for (i, ((out, failed), on)) in rows.enumerate() {
            if *on {
                match f(i) {
                    Some(v) => out.assign(v),
                    None => *failed = true,
                }
            }
        }
    }

    /// A reborrow, to pass on more than once.
    fn again(&mut self) -> Rows<'_> {
        Rows {
            out: self.out,
            failed: self.failed,
            on: self.on,
        }
    }
}

/// Runs `kernel` over the first [`BATCH`] of `records` into `columns`, fetching the
/// values of the next batch's into the cache.
pub(crate) fn run(program: &Program, kernel: &Kernel, records: &[Record], columns: &mut Columns) {
    run_over(program, kernel, records, (&[], 0), columns);
}

/// Runs a phase of a population's items, `kernel`, over `records` (at most
/// [`BATCH`]), whose item slots are `items`, a row of `width` for each, into `columns`;
/// then stores its items into the rows of the records that did not fail.
pub(crate) fn run_phase(
    program: &Program,
    kernel: &Kernel,
    records: &[Record],
    (items, width): (&mut [Value], usize),
    columns: &mut Columns,
) {
    let n = records.len().min(BATCH);
    run_over(program, kernel, records, (items, width), columns);
    for (i, row) in items.chunks_mut(width.max(1)).take(n).enumerate() {
        if columns.failed(i) {
            continue;
        }
        for &(item, reg) in kernel.stores.iter() {
            if let Some(slot) = row.get_mut(item as usize) {
                *slot = columns.value(reg, i);
            }
        }
    }
}

/// Stores record `i`'s outputs as `kernel` left them in `columns` into `values`;
/// `false` when the reference path must score the record.
pub(crate) fn outputs(
    program: &Program,
    kernel: &Kernel,
    columns: &Columns,
    i: usize,
    record: &Record,
    values: &mut [OutputValue],
) -> bool {
    if columns.failed(i) {
        return false;
    }
    let texts = Texts::new(program, record);
    kernel
        .outputs
        .iter()
        .zip(values.iter_mut())
        .enumerate()
        .all(|(index, (reg, into))| {
            let rounded = columns.nums(*reg).get(i);
            rounded.is_some_and(|r| store_rounded(program, index, r, into))
                || store_output(program, texts, index, columns.value(*reg, i), into).is_ok()
        })
}

/// Runs `kernel` over the first [`BATCH`] of `records` into `columns`, with `items`,
/// the item slots of the records in rows of a width, for a kernel that reads them.
/// The values of the records of the next batch are fetched into the cache a few
/// after each instruction, so that the next batch's loads find them there.
pub(crate) fn run_over(
    program: &Program,
    kernel: &Kernel,
    records: &[Record],
    items: (&[Value], usize),
    columns: &mut Columns,
) {
    let n = records.len().min(BATCH);
    columns.failed.iter_mut().take(n).for_each(|f| *f = false);
    load(&records[..n], &kernel.loads, columns);
    if !kernel.item_loads.is_empty() {
        load_items(items, n, &kernel.item_loads, columns);
    }
    let ahead = records.get(n..).unwrap_or_default();
    let share = ahead.len().min(BATCH).div_ceil(kernel.code.len().max(1));
    for (at, instr) in kernel.code.iter().enumerate() {
        step(program, instr, &records[..n], columns);
        for record in ahead.iter().skip(at * share).take(share) {
            prefetch_all(&record.values);
        }
    }
}

/// Loads the items of earlier phases that `loads` names from `items`, the item slots
/// of `n` records in rows of `width`, into their registers; a missing value (or one
/// of another kind) marks its record.
fn load_items((items, width): (&[Value], usize), n: usize, loads: &[(u32, Reg)], c: &mut Columns) {
    for &(item, dst) in loads {
        let mut column = c.take(dst);
        for i in 0..n {
            let loaded = match (&mut column, items.get(i * width + item as usize)) {
                (Column::Num(out), Some(Value::Num(r))) => out.get_mut(i).map(|o| o.clone_from(r)),
                (Column::Bool(out), Some(Value::Bool(b))) => out.get_mut(i).map(|o| *o = *b),
                (Column::Grade(out), Some(Value::Grade(g))) => out.get_mut(i).map(|o| *o = *g),
                (Column::Text(out), Some(Value::Text(t))) => out.get_mut(i).map(|o| *o = *t),
                _ => None,
            };
            if loaded.is_none()
                && let Some(failed) = c.failed.get_mut(i)
            {
                *failed = true;
            }
        }
        c.put(dst, column);
    }
}

fn step(program: &Program, instr: &Instr, records: &[Record], c: &mut Columns) {
    let n = records.len();
    match instr {
        Instr::Builtin {
            dst,
            builtin,
            guard,
        } => c.write_nums(*dst, *guard, n, |rows, _| {
            rows.each(
                |i| match Texts::new(program, &records[i]).builtin(*builtin) {
                    Ok(Value::Num(r)) => Some(r),
                    _ => None,
                },
            )
        }),
        Instr::Rolled { dst, n: at } => c.write_nums(*dst, None, n, |rows, _| {
            rows.each(|i| records[i].rolled.get(*at as usize).cloned().flatten())
        }),
        Instr::RequireSlice { slice } => {
            for (failed, record) in c.failed.iter_mut().zip(records) {
                if !Texts::new(program, record).has(*slice) {
                    *failed = true;
                }
            }
        }
        Instr::Missing { guard } => {
            let mut failed = std::mem::take(&mut c.failed);
            for (failed, on) in failed.iter_mut().zip(c.guard(*guard)).take(n) {
                *failed |= *on;
            }
            c.failed = failed;
        }
        Instr::Arith {
            op,
            dst,
            a,
            b,
            guard,
        } => c.write_nums(*dst, *guard, n, |rows, c| {
            let (a, b) = (c.nums(*a), c.nums(*b));
            match op {
                BinOp::Add => rows.map2(a, b, |a, b| a.checked_add(b).ok()),
                BinOp::Sub => rows.map2(a, b, |a, b| a.checked_sub(b).ok()),
                BinOp::Mul => rows.map2(a, b, |a, b| a.checked_mul(b).ok()),
                _ => rows.map2(a, b, |a, b| a.checked_div(b)?.ok()),
            }
        }),
        Instr::Neg { dst, a } => c.write_nums(*dst, None, n, |rows, c| {
            rows.map1(c.nums(*a), |a| Some(a.negated()))
        }),
        Instr::Abs { dst, a } => c.write_nums(*dst, None, n, |rows, c| {
            rows.map1(c.nums(*a), |a| Some(a.abs()))
        }),
        Instr::Extreme { max, dst, args } => c.write_nums(*dst, None, n, |mut rows, c| {
            let Some((first, rest)) = args.split_first() else {
                return rows.each(|_| None);
            };
            rows.again().map1(c.nums(*first), |a| Some(a.clone()));
            for arg in rest {
                // Equal values are equal whichever is kept.
                rows.again().keep(c.nums(*arg), |held, a| match max {
                    true => a > held,
                    false => a < held,
                });
            }
        }),
        Instr::Clamp { dst, x, low, high } => c.write_nums(*dst, None, n, |rows, c| {
            let (x, low, high) = (c.nums(*x), c.nums(*low), c.nums(*high));
            rows.each(|i| Some(x.get(i)?.max(low.get(i)?).min(high.get(i)?).clone()))
        }),
        Instr::Round {
            dst,
            a,
            places,
            mode,
            guard,
        } => c.write_nums(*dst, *guard, n, |rows, c| {
            rows.map1(c.nums(*a), |a| round(a, *places, *mode).ok())
        }),
        Instr::Ratio {
            dst,
            n: num,
            d,
            when_zero,
            guard,
        } => c.write_nums(*dst, *guard, n, |rows, c| {
            rows.map2(c.nums(*num), c.nums(*d), |num, d| {
                match num.checked_div(d) {
                    Some(q) => q.ok(),
                    None => when_zero.clone(),
                }
            })
        }),
        Instr::Linear {
            dst,
            x,
            points,
            slopes,
            guard,
        } => c.write_nums(*dst, *guard, n, |rows, c| {
            rows.map1(c.nums(*x), |x| {
                interpolate(x.clone(), points, slopes).ok().map(|(_, y)| y)
            })
        }),
        Instr::Weighted { dst, parts, guard } => {
            c.write_nums(*dst, *guard, n, |rows, c| rows.weighted(parts, c))
        }
        Instr::Band { dst, x, tests } => {
            let Column::Grade(mut out) = c.take(*dst) else {
                return c.fail_all(n);
            };
            for (out, x) in out.iter_mut().zip(c.nums(*x)).take(n) {
                let band = tests.iter().position(|(op, t)| compare(*op, x.cmp(t)));
                *out = band.unwrap_or(tests.len()) as u16;
            }
            c.put(*dst, Column::Grade(out));
        }
        Instr::OrderedBand { dst, x, op, bounds } => {
            let Column::Grade(mut out) = c.take(*dst) else {
                return c.fail_all(n);
            };
            let xs = c.nums(*x);
            let out_n = &mut out[..n.min(BATCH)];
            match op {
                CmpOp::Ge => count_failed(out_n, xs, bounds, Ordering::is_lt),
                CmpOp::Gt => count_failed(out_n, xs, bounds, Ordering::is_le),
                CmpOp::Le => count_failed(out_n, xs, bounds, Ordering::is_gt),
                CmpOp::Lt => count_failed(out_n, xs, bounds, Ordering::is_ge),
                // Lowering orders no other comparison.
                CmpOp::Eq | CmpOp::Ne => out_n.fill(0),
            }
            c.put(*dst, Column::Grade(out));
        }
        Instr::BandIs { dst, band, index } => {
            c.write_bools(*dst, n, |c, i| c.grades(*band).get(i) == Some(index))
        }
        Instr::Pick { dst, band, choices } => pick(*dst, *band, choices, n, c),
        Instr::Lookup { dst, band, table } => c.write_nums(*dst, None, n, |rows, c| {
            let grades = c.grades(*band);
            rows.each(|i| table.get(usize::from(*grades.get(i)?)).cloned())
        }),
        Instr::Cmp { op, dst, a, b } => {
            let texts = |i: usize| Texts::new(program, &records[i]);
            c.write_bools(*dst, n, |c, i| {
                let ordering = match (c.regs.get(*a as usize), c.regs.get(*b as usize)) {
                    (Some(Column::Num(x)), Some(Column::Num(y))) => x[i].cmp(&y[i]),
                    (Some(Column::Bool(x)), Some(Column::Bool(y))) => x[i].cmp(&y[i]),
                    (Some(Column::Grade(x)), Some(Column::Grade(y))) => x[i].cmp(&y[i]),
                    (Some(Column::Text(x)), Some(Column::Text(y))) => {
                        texts(i).get(x[i]).cmp(texts(i).get(y[i]))
                    }
                    _ => Ordering::Equal,
                };
                compare(*op, ordering)
            })
        }
        Instr::Not { dst, a } => c.write_bools(*dst, n, |c, i| !c.bools(*a)[i]),
        Instr::And { dst, a, b } => c.write_bools(*dst, n, |c, i| c.bools(*a)[i] && c.bools(*b)[i]),
        Instr::AndNot { dst, a, b } => {
            c.write_bools(*dst, n, |c, i| c.bools(*a)[i] && !c.bools(*b)[i])
        }
        Instr::Or { dst, a, b } => c.write_bools(*dst, n, |c, i| c.bools(*a)[i] || c.bools(*b)[i]),
        Instr::Select { dst, cond, a, b } => select(*dst, *cond, *a, *b, n, c),
    }
}

/// Loads every input of every record into its register, a record at a time (each
/// record's values are read once, while they are in the cache); a missing value (or
/// one of another kind) marks its record.
fn load(records: &[Record], loads: &[(u32, Reg)], c: &mut Columns) {
    let mut columns: Vec<Column> = loads.iter().map(|(_, dst)| c.take(*dst)).collect();
    for (i, (record, failed)) in records.iter().zip(&mut c.failed).enumerate() {
        // The values of a record a few ahead are fetched while this one is read.
        if let Some(ahead) = records.get(i + 16) {
            prefetch_all(&ahead.values);
        }
        for (column, &(input, _)) in columns.iter_mut().zip(loads) {
            let loaded = match (column, record.values.get(input as usize)) {
                (Column::Num(out), Some(InputValue::Number(r))) => {
                    out.get_mut(i).map(|o| o.clone_from(r))
                }
                (Column::Num(out), Some(InputValue::Date(d) | InputValue::Month(d))) => {
                    out.get_mut(i).map(|o| *o = Rational::from_int((*d).into()))
                }
                (Column::Bool(out), Some(InputValue::Bool(b))) => out.get_mut(i).map(|o| *o = *b),
                (Column::Text(out), Some(InputValue::Text(_))) => {
                    out.get_mut(i).map(|o| *o = TextRef::Input(input))
                }
                _ => None,
            };
            if loaded.is_none() {
                *failed = true;
            }
        }
    }
    for ((_, dst), column) in loads.iter().zip(columns) {
        c.put(*dst, column);
    }
}

/// Asks the processor to fetch every cache line of `values` into its cache.
#[inline(always)]
fn prefetch_all<T>(values: &[T]) {
    const LINE: usize = 64;
    let bytes = std::mem::size_of_val(values);
    let start = values.as_ptr().cast::<u8>();
    for offset in (0..bytes).step_by(LINE) {
        prefetch(start.wrapping_add(offset));
    }
}

/// Asks the processor to fetch the memory at `at` into its cache.
#[inline(always)]
pub(crate) fn prefetch<T>(at: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: prefetching reads nothing; any address may be prefetched.
    unsafe {
        std::arch::x86_64::_mm_prefetch(at.cast::<i8>(), std::arch::x86_64::_MM_HINT_T0);
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = at;
}

/// `out` takes, for each `x`, how many of `bounds` it fails: where `x.cmp(bound)`
/// is such that `failed`.
#[inline(never)]
fn count_failed(
    out: &mut [u16],
    xs: &[Rational],
    bounds: &[Rational],
    failed: impl Fn(Ordering) -> bool,
) {
    for (out, x) in out.iter_mut().zip(xs) {
        *out = bounds.iter().map(|b| u16::from(failed(x.cmp(b)))).sum();
    }
}

/// `dst` takes, for each record, the value of the choice its band names.
fn pick(dst: Reg, band: Reg, choices: &[Reg], n: usize, c: &mut Columns) {
    let mut out = c.take(dst);
    let mut failed = std::mem::take(&mut c.failed);
    for (i, (b, failed)) in c.grades(band).iter().zip(&mut failed).enumerate().take(n) {
        match choices.get(usize::from(*b)) {
            Some(&choice) => copy_value(&mut out, c.regs.get(choice as usize), i),
            None => *failed = true,
        }
    }
    c.failed = failed;
    c.put(dst, out);
}

/// `dst` takes, for each record, `a` where `cond` holds and `b` elsewhere.
fn select(dst: Reg, cond: Reg, a: Reg, b: Reg, n: usize, c: &mut Columns) {
    let mut out = c.take(dst);
    for (i, &holds) in c.bools(cond).iter().enumerate().take(n) {
        let from = if holds { a } else { b };
        copy_value(&mut out, c.regs.get(from as usize), i);
    }
    c.put(dst, out);
}

/// Copies record `i`'s value of `from` into `out`, of the same kind.
fn copy_value(out: &mut Column, from: Option<&Column>, i: usize) {
    match (out, from) {
        (Column::Num(out), Some(Column::Num(from))) => out[i].clone_from(&from[i]),
        (Column::Bool(out), Some(Column::Bool(from))) => out[i] = from[i],
        (Column::Grade(out), Some(Column::Grade(from))) => out[i] = from[i],
        (Column::Text(out), Some(Column::Text(from))) => out[i] = from[i],
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use crate::{Outcome, Ruleset, ScoreError};

    /// Every construct the kernel lowers, with branches that fail or have no value
    /// only where they are not taken, optional inputs, and division by zero.
    const EVERYTHING: &str = r#"ruleset everything
currency CNY
key id
input id      text
input team    text
input vip     bool
input a       count
input b       count
input c       number
input rate    percent
input base    money
input extra   count optional

let ab      = a / b, when zero none
let ba      = b / a, when zero 50%
let strict  = a / (b - 3)
let guarded = if b > 0 then a / b else 0%
let nested  = if b == 0 then 100% else (if a > b then a / b else b / a)
let safe_or = b == 0 or a / b > 200%
let safe_and = b != 0 and a / b > 200%
let picked = tiers rate
  >= 90% : a / b
  >= 50% : 10%
  else   : none
score line = linear c from 10 : 0 to 50 : 40 to 90 : 100
score mix = weighted
  line 60%
  c    40%
veto low_rate "low" when rate < 5% : mix = 0
veto vip_team "vip" when vip and team == "north" : mix = mix + 1
grade level by mix
  >= 80 : top  coefficient 1.5
  >= 40 : mid  coefficient 1
  else  : low  coefficient 0
bonus per_a = 3 CNY per a, cap 30 CNY, floor 6 CNY
let calc = -min(a, b, 7) + max(a, 2) * abs(c - 50) - clamp(c, 20, 60)
let said = if vip then team else "none"
let known_extra = known(extra)
let with_extra = extra * 2
let unknown = not (a > 3) or not known(extra)
let rising = tiers c
  < 20 : 1
  <= 60 : 2
  else : 3
let unordered = tiers c
  > 50  : 1
  >= 50 : 2
  >= 10 : 3
  else  : 4

output ab      = ab
output ba      = ba
output guarded = guarded
output nested  = round(nested, 4, half_even)
output safe    = safe_or
output safe2   = safe_and
output picked  = picked
output mix     = round(mix, 2, half_up)
output level   = level
output pay     = round(base * level.coefficient + per_a, 2, down)
output calc    = calc
output said    = said
output known   = known_extra
output extra2  = with_extra
output unknown = unknown
output strict  = round(strict, 3, up)
output rising  = rising
output unordered = unordered
"#;

    fn outcomes(ruleset: &Ruleset, rows: &[Vec<String>]) -> Vec<Result<Outcome, ScoreError>> {
        let records: Vec<_> = rows
            .iter()
            .filter_map(|row| ruleset.record_in_order(row).ok())
            .collect();
        let batched = ruleset.scorer().score_all(&records).to_vec();
        let traced = records
            .iter()
            .map(|r| ruleset.explain(r).map(|(outcome, _)| outcome))
            .collect::<Vec<_>>();
        assert_eq!(batched.len(), traced.len());
        for (b, t) in batched.iter().zip(&traced) {
            assert_eq!(b, t);
        }
        batched
    }

    fn row() -> impl Strategy<Value = Vec<String>> {
        (
            (0u32..6, any::<bool>(), any::<bool>()),
            (0u32..12, 0u32..12),
            (0u32..=10000, 0u32..=1000),
            (0u64..=500_000, proptest::option::of(0u32..5)),
        )
            .prop_map(|((id, north, vip), (a, b), (c, rate), (cents, extra))| {
                vec![
                    format!("E{id}"),
                    if north { "north" } else { "south" }.to_string(),
                    vip.to_string(),
                    a.to_string(),
                    b.to_string(),
                    format!("{}.{:02}", c / 100, c % 100),
                    format!("{}.{}%", rate / 10, rate % 10),
                    format!("{}.{:02}", cents / 100, cents % 100),
                    extra.map_or(String::new(), |e| e.to_string()),
                ]
            })
    }

    #[test]
    fn the_kernel_lowers_every_construct_it_is_given() {
        let ruleset = Ruleset::compile(EVERYTHING).unwrap();
        assert!(ruleset.program().kernel.is_some());
        for path in ["rulesets/thresholds.kpi", "rulesets/agent_monthly.kpi"] {
            let ruleset = Ruleset::compile(&std::fs::read_to_string(path).unwrap()).unwrap();
            assert!(ruleset.program().kernel.is_some(), "{path}");
        }
    }

    #[test]
    fn every_phase_of_the_shipped_team_rulesets_has_a_kernel() {
        for path in [
            "rulesets/team_monthly.kpi",
            "rulesets/forced_distribution.kpi",
        ] {
            let ruleset = Ruleset::compile(&std::fs::read_to_string(path).unwrap()).unwrap();
            let program = ruleset.program();
            let phases: Vec<_> = program
                .member_phases
                .iter()
                .map(|p| p.steps.clone())
                .collect();
            let reading: Vec<_> = (0..program.steps.len())
                .filter(|&s| !program.steps[s].op.reads_population())
                .collect();
            let covered: Vec<_> = phases.iter().flat_map(|p| p.clone()).collect();
            assert_eq!(covered, reading, "{path}");
            assert!(
                program.member_phases.iter().all(|p| p.kernel.is_some()),
                "{path}"
            );
            assert!(program.output_kernel.is_some(), "{path}");
        }
    }

    #[test]
    fn a_record_that_fails_in_a_batch_is_reported_as_alone() {
        let ruleset = Ruleset::compile(EVERYTHING).unwrap();
        let row = |a: u32, b: u32, rate: &str, extra: &str| {
            vec![
                "E1".to_string(),
                "north".to_string(),
                "true".to_string(),
                a.to_string(),
                b.to_string(),
                "30".to_string(),
                rate.to_string(),
                "100.00".to_string(),
                extra.to_string(),
            ]
        };
        // b = 3 divides by zero in `strict`; b = 0 leaves `ab` without a value.
        let rows = [
            row(4, 2, "95%", "1"),
            row(4, 3, "95%", "1"),
            row(4, 0, "60%", ""),
        ];
        let results = outcomes(&ruleset, &rows);
        let shown = |r: &Result<Outcome, ScoreError>| match r {
            Ok(o) => o
                .values
                .iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(" "),
            Err(e) => e.message.clone(),
        };
        assert_eq!(
            shown(&results[0]),
            "200% 50% 200% 200.0000% false false 200% 25.00 low 12.00 48 north true 2 false -4.000 2 3"
        );
        assert!(shown(&results[1]).starts_with("division by zero in item `strict`"));
        assert_eq!(
            shown(&results[2]),
            " 0% 0% 100.0000% true false 10% 25.00 low 12.00 50 north false  true -1.334 2 3"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn batches_agree_with_the_traced_path(rows in proptest::collection::vec(row(), 1..300)) {
            let ruleset = Ruleset::compile(EVERYTHING).unwrap();
            outcomes(&ruleset, &rows);
        }
    }
}
