//! Evaluation over a population: records scored together, because some items read
//! other records (group aggregates, ranks, forced distributions, shares).
//!
//! The program runs item by item over every record (not record by record): an item
//! that reads only its own record is computed for each record with the same code as
//! the one-record path, and an item that reads the population is worked out once per
//! group from the members' finished slots. Each group's values depend only on its
//! members, and every reduction and order is exact and total, so results do not
//! depend on the order of the records.

mod decided;
mod group;
mod slots;

use std::collections::HashMap;

use rayon::prelude::*;

use super::{EvalError, Fault, NoTrace, Row, SlotRead, Texts, Value, Where, finish_step};
use crate::compile::kernel::Kernel;
use crate::compile::{Op, Program};
use crate::eval::columns::{self, BATCH, Columns};
use crate::input::Record;
use crate::number::Rational;
pub(crate) use decided::Decided;
use group::{Group, GroupResult};
pub(crate) use slots::Slots;

/// A population after evaluation.
#[derive(Debug, Clone)]
pub(crate) struct PopulationRun {
    /// Each record's item slots (its inputs are the record's), complete unless it
    /// failed.
    pub slots: Slots,
    /// Why each record failed, if it did.
    pub errors: Vec<Option<EvalError>>,
    /// For a record that failed because another did, that record's position.
    pub blamed: Vec<Option<u32>>,
    /// The groups of each grouping column (`None`: every record in one group).
    pub partitions: HashMap<Option<u32>, Partition>,
}

/// Scores `records` together.
pub(crate) fn run(program: &Program, records: &[Record]) -> PopulationRun {
    let mut slots = Slots::new(records.len(), program.steps.len());
    let mut errors: Vec<Option<EvalError>> = vec![None; records.len()];
    let mut blamed: Vec<Option<u32>> = vec![None; records.len()];
    let mut partitions: HashMap<Option<u32>, Partition> = HashMap::new();
    let steps = &program.steps;
    let mut index = 0;
    while let Some(step) = steps.get(index) {
        if let Op::Previous(previous) = &step.op {
            let values = previous_values(program, records, &slots, &errors, previous);
            (records, slots.rows_mut(), &mut errors, &mut blamed)
                .into_par_iter()
                .with_min_len(CHUNK)
                .zip(values)
                .for_each(|((record, slots, error, blamed), (value, spoiled_by))| {
                    if error.is_some() {
                        return;
                    }
                    *blamed = spoiled_by;
                    *error = finish_item(program, record, slots, index, value).err();
                });
            index += 1;
            continue;
        }
        let Some(column) = population_column(&step.op) else {
            let phase = program
                .member_phases
                .iter()
                .find(|p| p.steps.start == index);
            let Some(phase) = phase else {
                // Lowering found every phase: nothing else can come here.
                errors.iter_mut().for_each(|e| {
                    e.get_or_insert(EvalError {
                        at: Where::Item(index),
                        fault: Fault::Internal,
                    });
                });
                break;
            };
            match &phase.kernel {
                Some(kernel) => member_phase(
                    program,
                    kernel,
                    &phase.steps,
                    records,
                    &mut slots,
                    &mut errors,
                ),
                // Record by record, so each record's slots stay in cache.
                None => (records, slots.rows_mut(), &mut errors)
                    .into_par_iter()
                    .with_min_len(CHUNK)
                    .for_each(|(record, slots, error)| {
                        if error.is_none() {
                            *error = run_phase(program, record, phase.steps.clone(), slots).err();
                        }
                    }),
            }
            index = phase.steps.end;
            continue;
        };
        let partition = &*partitions
            .entry(column)
            .or_insert_with(|| partition(program, records, &slots, column));
        // Each group's values, worked out from its members' finished slots (read only),
        // then each member's, with its limits and vetoes.
        let values = group_values(
            program,
            records,
            &slots,
            &errors,
            &step.op,
            &partition.groups,
        );
        (records, slots.rows_mut(), &mut errors, &mut blamed)
            .into_par_iter()
            .with_min_len(CHUNK)
            .enumerate()
            .for_each(|(r, (record, slots, error, blamed))| {
                if error.is_some() {
                    return;
                }
                let (value, spoiled_by) = &values[partition.group_of[r] as usize];
                if spoiled_by.is_some() {
                    *blamed = *spoiled_by;
                }
                // A group value computed from a missing one has none.
                let value = super::or_missing(value.get(partition.position[r] as usize));
                *error = finish_item(program, record, slots, index, value).err();
            });
        index += 1;
    }
    PopulationRun {
        slots,
        errors,
        blamed,
        partitions,
    }
}

/// For each record, the value of item `previous.slot` in the month before its own,
/// for the same group (or the same key): missing when there is no such record; a
/// failure, with the record to blame, when that record failed.
fn previous_values(
    program: &Program,
    records: &[Record],
    slots: &Slots,
    errors: &[Option<EvalError>],
    previous: &crate::compile::Previous,
) -> Vec<(Result<Value, Fault>, Option<u32>)> {
    let month = |r: usize| records[r].period.map(|p| p.month);
    let key = |r: usize| match previous.column {
        Some(column) => group_key(program, slots.row(records, r), column),
        None => GroupKey::Text(records[r].key()),
    };
    let mut first: foldhash::HashMap<(GroupKey<'_>, Option<i32>), usize> =
        foldhash::HashMap::default();
    for r in 0..records.len() {
        first.entry((key(r), month(r))).or_insert(r);
    }
    (0..records.len())
        .map(|r| {
            let before = month(r).map(|m| m - 1);
            match first.get(&(key(r), before)) {
                None => (Ok(Value::Missing), None),
                Some(&other) if errors[other].is_some() => {
                    (Err(Fault::MemberFailed), Some(other as u32))
                }
                Some(&other) => (
                    slots
                        .row(records, other)
                        .slot(previous.slot as usize)
                        .ok_or(Fault::Internal),
                    None,
                ),
            }
        })
        .collect()
}

/// The record of the month before `record`'s with the same group (or key) that
/// `previous` reads, if there is one.
pub(super) fn previous_record(
    program: &Program,
    records: &[Record],
    slots: &Slots,
    previous: &crate::compile::Previous,
    record: usize,
) -> Option<usize> {
    let month = records[record].period?.month;
    let key = |r: usize| match previous.column {
        Some(column) => group_key(program, slots.row(records, r), column),
        None => GroupKey::Text(records[r].key()),
    };
    let wanted = key(record);
    (0..records.len())
        .find(|&r| records[r].period.map(|p| p.month) == Some(month - 1) && key(r) == wanted)
}

/// Records handed to a thread at a time: enough that splitting the work costs little.
const CHUNK: usize = 1024;

/// One group's values, and the member that spoiled them, if one did.
type GroupValues = (GroupResult, Option<u32>);

/// The value of population item `op` for every member of every group, in the order
/// of `groups` and their members, and the member that spoiled a group: one that failed
/// before leaves its whole group unknown.
fn group_values(
    program: &Program,
    records: &[Record],
    slots: &Slots,
    errors: &[Option<EvalError>],
    op: &Op,
    groups: &[Vec<usize>],
) -> Vec<GroupValues> {
    groups
        .par_iter()
        .map(|members| {
            if let Some(&failed) = members.iter().find(|&&m| errors[m].is_some()) {
                // A member's own error stands: the members that failed are skipped.
                return (
                    GroupResult::Same(Err(Fault::MemberFailed)),
                    Some(failed as u32),
                );
            }
            let group = Group {
                program,
                records,
                slots,
                members,
            };
            (group.values(op), None)
        })
        .collect()
}

/// The input whose groups a population item reads (`None`: every record together);
/// `None` outside for an item that reads only its own record.
fn population_column(op: &Op) -> Option<Option<u32>> {
    match op {
        Op::Aggregate(a) => Some(Some(a.group)),
        Op::Rank(r) => Some(r.within),
        Op::Distribute(d) => Some(Some(d.within)),
        Op::Share(s) => Some(Some(s.within)),
        _ => None,
    }
}

/// Runs items `steps`, which read only each record's own values, by their `kernel`
/// over batches of records; a record the kernel cannot finish is run again by the
/// reference evaluator, which says what happened.
fn member_phase(
    program: &Program,
    kernel: &Kernel,
    steps: &std::ops::Range<usize>,
    records: &[Record],
    slots: &mut Slots,
    errors: &mut [Option<EvalError>],
) {
    let width = slots.width();
    (
        records.par_chunks(BATCH),
        slots.batches_mut(BATCH),
        errors.par_chunks_mut(BATCH),
    )
        .into_par_iter()
        .with_min_len(CHUNK / BATCH)
        .for_each_init(
            || Columns::new(kernel),
            |columns, (records, items, errors)| {
                columns::run_phase(program, kernel, records, (items, width), columns);
                let rows = items.chunks_mut(width.max(1));
                for (i, ((record, error), row)) in records.iter().zip(errors).zip(rows).enumerate()
                {
                    if error.is_none() && columns.failed(i) {
                        *error = run_phase(program, record, steps.clone(), row).err();
                    }
                }
            },
        );
}

/// Runs items `steps` of one record, which read only its own values.
fn run_phase(
    program: &Program,
    record: &Record,
    steps: std::ops::Range<usize>,
    items: &mut [Value],
) -> Result<(), EvalError> {
    let texts = Texts::new(program, record);
    for index in steps {
        let row = Row {
            record,
            items: &*items,
        };
        let computed = super::compute_step(index, &program.steps[index], texts, &row, &mut NoTrace);
        finish_item(program, record, items, index, computed)?;
    }
    Ok(())
}

/// Applies item `index`'s limits and vetoes to `computed`, the value of `record`'s
/// item (a fault stands for it), and stores it among the record's `items`.
fn finish_item(
    program: &Program,
    record: &Record,
    items: &mut [Value],
    index: usize,
    computed: Result<Value, Fault>,
) -> Result<(), EvalError> {
    let texts = Texts::new(program, record);
    let at = program.model.inputs.len() + index;
    let mut row = Row { record, items };
    let step = program.steps.get(index).ok_or(Fault::Internal);
    computed
        .and_then(|v| finish_step(index, step?, v, texts, &mut row, at, &mut NoTrace))
        .map_err(|fault| EvalError {
            at: Where::Item(index),
            fault,
        })
}

/// Records grouped by the value of one input.
#[derive(Debug, Clone, Default)]
pub(crate) struct Partition {
    /// Each group's records, by position.
    pub groups: Vec<Vec<usize>>,
    /// Each record's group.
    pub group_of: Vec<u32>,
    /// Each record's position in its group.
    pub position: Vec<u32>,
}

/// The records grouped by the value of the input in slot `column`; every record in
/// one group when there is no column.
fn partition(
    program: &Program,
    records: &[Record],
    slots: &Slots,
    column: Option<u32>,
) -> Partition {
    let groups = match column {
        None if program.model.period.is_none() => vec![(0..records.len()).collect()],
        _ => groups_by(program, records, slots, column),
    };
    let mut group_of = vec![0; records.len()];
    let mut position = vec![0; records.len()];
    for (g, members) in groups.iter().enumerate() {
        for (p, &m) in members.iter().enumerate() {
            group_of[m] = g as u32;
            position[m] = p as u32;
        }
    }
    Partition {
        groups,
        group_of,
        position,
    }
}

/// The value of a grouping column, as a key.
#[derive(PartialEq, Eq, Hash)]
pub(super) enum GroupKey<'a> {
    Text(&'a str),
    Num(Rational),
    Other,
}

pub(super) fn group_key<'a>(
    program: &'a Program,
    row: Row<'a, &[Value]>,
    column: u32,
) -> GroupKey<'a> {
    match row.slot(column as usize) {
        Some(Value::Text(t)) => GroupKey::Text(Texts::new(program, row.record).get(t)),
        Some(Value::Num(n)) => GroupKey::Num(n),
        _ => GroupKey::Other,
    }
}

/// The records grouped by the value of the input in slot `column` (by month too, in
/// a ruleset that scores by month: a group is of one month); by month alone without a
/// column.
fn groups_by(
    program: &Program,
    records: &[Record],
    slots: &Slots,
    column: Option<u32>,
) -> Vec<Vec<usize>> {
    // Keys are hashed once per record: a fast hash, as nothing here is adversarial
    // beyond making one run slower.
    let mut numbers: foldhash::HashMap<(GroupKey<'_>, Option<i32>), usize> =
        foldhash::HashMap::default();
    // Groups in the order of their first members, so that going through the groups
    // goes through the records in about the order they are held in memory.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (r, record) in records.iter().enumerate() {
        // The values of the records a few on are fetched while this one is read.
        if let Some(ahead) = records.get(r + 8) {
            columns::prefetch(ahead.values.as_ptr());
        }
        let key = match column {
            Some(column) => group_key(program, slots.row(records, r), column),
            None => GroupKey::Other,
        };
        let month = record.period.map(|p| p.month);
        let number = *numbers.entry((key, month)).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[number].push(r);
    }
    groups
}
