//! Evaluation over a population: records scored together, because some items read
//! other records (group aggregates, ranks, forced distributions).
//!
//! The program runs item by item over every record (not record by record): an item
//! that reads only its own record is computed for each record with the same code as
//! the one-record path, and an item that reads the population is worked out once per
//! group from the members' finished slots. Each group's values depend only on its
//! members, and every reduction and order is exact and total, so results do not
//! depend on the order of the records.

use std::cmp::Ordering;
use std::collections::HashMap;

use rayon::prelude::*;

use super::{EvalError, Fault, NoTrace, Texts, Value, Where, compare, eval, finish_step};
use crate::compile::{Aggregate, Distribute, Node, Op, Program, Rank, Share};
use crate::input::Record;
use crate::number::{Rational, round};
use crate::syntax::ast::{AggregateFn, TiePolicy};

/// A population after evaluation.
#[derive(Debug, Clone)]
pub(crate) struct PopulationRun {
    /// Each record's slots, complete unless it failed.
    pub slots: Vec<Vec<Value>>,
    /// Why each record failed, if it did.
    pub errors: Vec<Option<EvalError>>,
    /// For a record that failed because another did, that record's position.
    pub blamed: Vec<Option<u32>>,
    /// The groups of each grouping column (`None`: every record in one group).
    pub partitions: HashMap<Option<u32>, Partition>,
}

/// What a population item decided for one member, for the explanation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Decided {
    /// A reduction: how many members the group has and how many counted.
    Aggregate {
        /// Members of the group.
        members: usize,
        /// Members that passed the filter.
        counted: usize,
        /// Each member by position, whether it counted, and the value it gave (none
        /// for `count`), in position order.
        contributions: Vec<(usize, bool, Option<Value>)>,
    },
    /// A rank: the member's place in the order.
    Ranked {
        /// Its place, from 1.
        place: usize,
        /// How many were ranked.
        ranked: usize,
        /// The member just before it in the order, and just after.
        neighbours: (Option<usize>, Option<usize>),
        /// The other members tied with it on every key.
        tied: Vec<usize>,
    },
    /// Left out of a rank by its filter.
    Excluded,
    /// A part of a shared amount.
    Shared {
        /// The amount, in fens.
        fens: i128,
        /// How many members shared it.
        sharing: usize,
        /// The fens left after the whole fens by weight, handed out one each.
        left_over: i128,
        /// Whether this record got one of them.
        extra: bool,
    },
    /// A grade by share.
    Distributed {
        /// Its place in the order, from 1.
        place: usize,
        /// Members of the group.
        size: usize,
        /// Each band's slots; empty when the group took the fixed bands.
        slots: Vec<usize>,
        /// The band of the slot its own place is in, if a tie gave it a better one.
        slot_band: Option<usize>,
    },
}

impl PopulationRun {
    /// The members of `record`'s group in the grouping of `column`.
    fn group_of(&self, column: Option<u32>, record: usize) -> Option<&[usize]> {
        let partition = self.partitions.get(&column)?;
        let group = *partition.group_of.get(record)?;
        partition.groups.get(group as usize).map(Vec::as_slice)
    }

    /// Every record a value of `record` depended on: the members of each of its
    /// groups, itself included, in position order.
    pub(crate) fn depended_on(&self, program: &Program, record: usize) -> Vec<usize> {
        let mut all: Vec<usize> = program
            .steps
            .iter()
            .filter_map(|s| population_column(&s.op))
            .filter_map(|column| self.group_of(column, record))
            .flatten()
            .copied()
            .collect();
        all.push(record);
        all.sort_unstable();
        all.dedup();
        all
    }

    /// The first sort key of population item `index` on which records `a` and `b`
    /// differ, exactly; `None` when they tie on every key.
    pub(crate) fn first_difference(
        &self,
        program: &Program,
        records: &[Record],
        (a, b): (usize, usize),
        index: usize,
    ) -> Option<usize> {
        let (va, vb) = (
            self.sort_values(program, records, a, index),
            self.sort_values(program, records, b, index),
        );
        let (ta, tb) = (
            Texts::new(program, &records[a]),
            Texts::new(program, &records[b]),
        );
        va.iter().zip(&vb).position(|pair| match pair {
            (Value::Text(x), Value::Text(y)) => ta.get(*x) != tb.get(*y),
            (x, y) => x != y,
        })
    }

    /// The sort key values of population item `index` for `member`.
    pub(crate) fn sort_values(
        &self,
        program: &Program,
        records: &[Record],
        member: usize,
        index: usize,
    ) -> Vec<Value> {
        let keys = match program.steps.get(index).map(|s| &s.op) {
            Some(Op::Rank(r)) => &r.keys,
            Some(Op::Distribute(d)) => &d.keys,
            _ => return Vec::new(),
        };
        let group = Group {
            program,
            records,
            slots: &self.slots,
            members: &[],
        };
        keys.iter()
            .filter_map(|(node, _)| group.value(member, node).ok())
            .collect()
    }

    /// What population item `index` decided for `record`.
    pub(crate) fn decided(
        &self,
        program: &Program,
        records: &[Record],
        record: usize,
        index: usize,
    ) -> Option<Decided> {
        let op = &program.steps.get(index)?.op;
        let members = self.group_of(population_column(op)?, record)?;
        let group = Group {
            program,
            records,
            slots: &self.slots,
            members,
        };
        match op {
            Op::Aggregate(a) => {
                let mut counted = 0;
                let mut contributions = Vec::with_capacity(members.len());
                for &m in members {
                    let counts = group.passes(m, a.filter.as_ref()).ok()?;
                    counted += usize::from(counts);
                    let value = match &a.value {
                        Some(v) => Some(group.value(m, v).ok()?),
                        None => None,
                    };
                    contributions.push((m, counts, value));
                }
                Some(Decided::Aggregate {
                    members: members.len(),
                    counted,
                    contributions,
                })
            }
            Op::Rank(r) => {
                if !group.passes(record, r.filter.as_ref()).ok()? {
                    return Some(Decided::Excluded);
                }
                let mut eligible = Vec::new();
                for &m in members {
                    if group.passes(m, r.filter.as_ref()).ok()? {
                        eligible.push(m);
                    }
                }
                let (order, blocks) = group.sorted(&eligible, &r.keys).ok()?;
                let at = order.iter().position(|&p| eligible[p] == record)?;
                let block = blocks.iter().find(|b| b.contains(&at))?;
                Some(Decided::Ranked {
                    place: at + 1,
                    ranked: eligible.len(),
                    neighbours: (
                        at.checked_sub(1).map(|p| eligible[order[p]]),
                        order.get(at + 1).map(|&p| eligible[p]),
                    ),
                    tied: block
                        .clone()
                        .map(|p| eligible[order[p]])
                        .filter(|&m| m != record)
                        .collect(),
                })
            }
            Op::Share(s) => {
                let position = members.iter().position(|&m| m == record)?;
                let shared = group.share_parts(s).ok()?;
                let mut sharing = 0;
                for &m in members {
                    if group.passes(m, s.filter.as_ref()).ok()? {
                        sharing += 1;
                    }
                }
                Some(Decided::Shared {
                    fens: shared.fens,
                    sharing,
                    left_over: shared.left_over,
                    extra: shared.extra.contains(&position),
                })
            }
            Op::Distribute(d) => {
                let (order, _) = group.sorted(members, &d.keys).ok()?;
                let at = order.iter().position(|&p| members[p] == record)?;
                let small = d
                    .small_group
                    .as_ref()
                    .is_some_and(|s| members.len() < s.under);
                let slots = if small {
                    Vec::new()
                } else {
                    slot_counts(d, members.len()).ok()?
                };
                let slot_band = (!small).then(|| band_at(&slots, at));
                Some(Decided::Distributed {
                    place: at + 1,
                    size: members.len(),
                    slots,
                    slot_band,
                })
            }
            _ => None,
        }
    }
}

impl PopulationRun {
    /// The value population item `index` computed for `record` before its limits
    /// and vetoes, for a traced rerun of the record. It is worked out again for the
    /// record's group: the members' values it reads were final before it ran.
    pub(crate) fn given(
        &self,
        program: &Program,
        records: &[Record],
        record: usize,
        index: usize,
    ) -> Option<Value> {
        let op = &program.steps.get(index)?.op;
        let members = self.group_of(population_column(op)?, record)?;
        let position = members.iter().position(|&m| m == record)?;
        let group = Group {
            program,
            records,
            slots: &self.slots,
            members,
        };
        group.values(op).get(position).ok()
    }
}

/// Scores `records` together.
pub(crate) fn run(program: &Program, records: &[Record]) -> PopulationRun {
    let total = program.model.inputs.len() + program.steps.len();
    let mut slots: Vec<Vec<Value>> = records
        .par_iter()
        .with_min_len(CHUNK)
        .map(|record| {
            let mut s = Vec::with_capacity(total);
            super::load_inputs(record, &mut s);
            s
        })
        .collect();
    let mut errors: Vec<Option<EvalError>> = vec![None; records.len()];
    let mut blamed: Vec<Option<u32>> = vec![None; records.len()];
    let mut partitions: HashMap<Option<u32>, Partition> = HashMap::new();
    let steps = &program.steps;
    let mut index = 0;
    while let Some(step) = steps.get(index) {
        let Some(column) = population_column(&step.op) else {
            {
                // A phase of items that read only the record's own values runs record
                // by record, so each record's slots stay in cache.
                let end = steps[index..]
                    .iter()
                    .position(|s| s.op.reads_population())
                    .map_or(steps.len(), |p| index + p);
                (records, &mut slots, &mut errors)
                    .into_par_iter()
                    .with_min_len(CHUNK)
                    .for_each(|(record, slots, error)| {
                        if error.is_none() {
                            *error = run_phase(program, record, index..end, slots).err();
                        }
                    });
                index = end;
                continue;
            }
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
        (records, &mut slots, &mut errors, &mut blamed)
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
                let texts = Texts::new(program, record);
                let done = value
                    .get(partition.position[r] as usize)
                    .and_then(|v| finish_step(index, step, v, texts, slots, &mut NoTrace));
                if let Err(fault) = done {
                    *error = Some(EvalError {
                        at: Where::Item(index),
                        fault,
                    });
                }
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

/// Records handed to a thread at a time: enough that splitting the work costs little.
const CHUNK: usize = 1024;

/// One group's values, and the member that spoiled them, if one did.
type GroupValues = (GroupResult, Option<u32>);

/// What a population item gave a group's members.
#[derive(Debug, Clone)]
enum GroupResult {
    /// The same for every member: an aggregate, or a fault.
    Same(Result<Value, Fault>),
    /// Each member's own, by position in the group.
    Each(Vec<Result<Value, Fault>>),
}

impl GroupResult {
    /// The value of the member at `position` in the group.
    fn get(&self, position: usize) -> Result<Value, Fault> {
        match self {
            GroupResult::Same(value) => value.clone(),
            GroupResult::Each(values) => values
                .get(position)
                .cloned()
                .unwrap_or(Err(Fault::Internal)),
        }
    }
}

/// The value of population item `op` for every member of every group, in the order
/// of `groups` and their members, and the member that spoiled a group: one that failed
/// before leaves its whole group unknown.
fn group_values(
    program: &Program,
    records: &[Record],
    slots: &[Vec<Value>],
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

/// Runs items `steps` of one record, which read only its own values.
fn run_phase(
    program: &Program,
    record: &Record,
    steps: std::ops::Range<usize>,
    slots: &mut Vec<Value>,
) -> Result<(), EvalError> {
    let texts = Texts::new(program, record);
    for index in steps {
        let step = &program.steps[index];
        super::compute_step(index, step, texts, slots, &mut NoTrace)
            .and_then(|v| finish_step(index, step, v, texts, slots, &mut NoTrace))
            .map_err(|fault| EvalError {
                at: Where::Item(index),
                fault,
            })?;
    }
    Ok(())
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
    slots: &[Vec<Value>],
    column: Option<u32>,
) -> Partition {
    let groups = match column {
        Some(column) => groups_by(program, records, slots, column),
        None => vec![(0..records.len()).collect()],
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

fn groups_by(
    program: &Program,
    records: &[Record],
    slots: &[Vec<Value>],
    column: u32,
) -> Vec<Vec<usize>> {
    #[derive(PartialEq, Eq, Hash)]
    enum Key<'a> {
        Text(&'a str),
        Num(Rational),
        Other,
    }
    // Keys are hashed once per record: a fast hash, as nothing here is adversarial
    // beyond making one run slower.
    let mut groups: foldhash::HashMap<Key<'_>, Vec<usize>> = foldhash::HashMap::default();
    for (r, record) in records.iter().enumerate() {
        let key = match slots[r].get(column as usize) {
            Some(Value::Text(t)) => Key::Text(Texts::new(program, record).get(*t)),
            Some(Value::Num(n)) => Key::Num(n.clone()),
            _ => Key::Other,
        };
        groups.entry(key).or_default().push(r);
    }
    groups.into_values().collect()
}

/// How a share was divided, in fens.
struct Shared {
    /// Each member's part.
    parts: Vec<i128>,
    /// The amount.
    fens: i128,
    /// The fens left after the whole fens by weight, handed out one each.
    left_over: i128,
    /// The positions of the members that got one of them.
    extra: Vec<usize>,
}

/// One group's members, with their finished slots.
struct Group<'a> {
    program: &'a Program,
    records: &'a [Record],
    slots: &'a [Vec<Value>],
    members: &'a [usize],
}

impl Group<'_> {
    fn texts(&self, member: usize) -> Texts<'_> {
        Texts::new(self.program, &self.records[member])
    }

    /// The value of population item `op` for each member.
    fn values(&self, op: &Op) -> GroupResult {
        let each = match op {
            Op::Aggregate(a) => return GroupResult::Same(self.aggregate(a)),
            Op::Rank(r) => self.rank(r),
            Op::Distribute(d) => self.distribute(d),
            Op::Share(s) => self
                .share(s)
                .map(|shares| shares.into_iter().map(Ok).collect()),
            _ => Err(Fault::Internal),
        };
        match each {
            Ok(values) => GroupResult::Each(values),
            Err(fault) => GroupResult::Same(Err(fault)),
        }
    }

    /// Each member's part of the amount, to the fen: each sharing member gets the
    /// whole fens of its share by weight, and the fens left over go one each to the
    /// sharing members in the remainder order, so the parts add up to the amount.
    /// Members that do not share get nothing.
    fn share(&self, s: &Share) -> Result<Vec<Value>, Fault> {
        Ok(self
            .share_parts(s)?
            .parts
            .into_iter()
            .map(|fens| Value::Num(Rational::new(fens, 100).unwrap_or(Rational::ZERO)))
            .collect())
    }

    /// The parts of a share in fens, by member, and how they arose.
    fn share_parts(&self, s: &Share) -> Result<Shared, Fault> {
        let mut sharing = Vec::new();
        let mut weights = Vec::new();
        for (position, &m) in self.members.iter().enumerate() {
            if self.passes(m, s.filter.as_ref())? {
                let weight = match &s.weight {
                    Some(w) => self.value(m, w)?.num()?,
                    None => Rational::ONE,
                };
                if weight.is_negative() {
                    return Err(Fault::ShareNegativeWeight);
                }
                sharing.push(position);
                weights.push(weight);
            }
        }
        let first = *self.members.first().ok_or(Fault::Internal)?;
        let amount = self.value(first, &s.amount)?.num()?;
        let fens = amount
            .checked_mul(&Rational::from_int(100))?
            .to_i128()
            .ok_or(Fault::ShareNotWholeFen)?;
        let mut parts = vec![0i128; self.members.len()];
        let mut total = Rational::ZERO;
        for w in &weights {
            total = total.checked_add(w)?;
        }
        if fens == 0 {
            return Ok(Shared {
                parts,
                fens,
                left_over: 0,
                extra: Vec::new(),
            });
        }
        if total.is_zero() {
            return Err(Fault::ShareNoWeight);
        }
        // Whole fens by weight, towards zero, so a negative amount shares alike.
        let whole = Rational::from_i128(fens);
        let mut given = 0i128;
        for (&position, w) in sharing.iter().zip(&weights) {
            let exact = whole
                .checked_mul(w)?
                .checked_div(&total)
                .ok_or(Fault::Internal)??;
            let part = round(&exact, 0, crate::number::RoundingMode::Down)?
                .to_i128()
                .ok_or(Fault::Internal)?;
            parts[position] = part;
            given += part;
        }
        let left_over = fens - given;
        let members: Vec<usize> = sharing.iter().map(|&p| self.members[p]).collect();
        let (order, blocks) = self.sorted(&members, &s.remainder)?;
        let count = usize::try_from(left_over.unsigned_abs()).map_err(|_| Fault::Internal)?;
        // The last fen must not fall between members the order cannot tell apart.
        if count > 0 && blocks.iter().any(|b| b.start < count && count < b.end) {
            return Err(Fault::Tie);
        }
        let step = left_over.signum();
        let mut extra = Vec::new();
        for &p in order.iter().take(count) {
            parts[sharing[p]] += step;
            extra.push(sharing[p]);
        }
        Ok(Shared {
            parts,
            fens,
            left_over,
            extra,
        })
    }

    /// `node` evaluated over `member`'s slots.
    fn value(&self, member: usize, node: &Node) -> Result<Value, Fault> {
        eval(node, self.texts(member), &self.slots[member], &mut NoTrace)
    }

    /// Whether `member` passes `filter` (every member does when there is none).
    fn passes(&self, member: usize, filter: Option<&Node>) -> Result<bool, Fault> {
        match filter {
            Some(f) => self.value(member, f)?.bool(),
            None => Ok(true),
        }
    }

    fn aggregate(&self, a: &Aggregate) -> Result<Value, Fault> {
        let mut count: i64 = 0;
        let mut sum = Rational::ZERO;
        let mut least: Option<Rational> = None;
        let mut greatest: Option<Rational> = None;
        for &m in self.members {
            if !self.passes(m, a.filter.as_ref())? {
                continue;
            }
            count += 1;
            if let Some(value) = &a.value {
                let x = self.value(m, value)?.num()?;
                sum = sum.checked_add(&x)?;
                least = Some(match least {
                    Some(l) if l <= x => l,
                    _ => x.clone(),
                });
                greatest = Some(match greatest {
                    Some(g) if g >= x => g,
                    _ => x,
                });
            }
        }
        let empty = || a.when_empty.clone().ok_or(Fault::EmptyGroup);
        let result = match a.func {
            AggregateFn::Count => Rational::from_int(count),
            AggregateFn::Sum if count == 0 => a.when_empty.clone().unwrap_or(Rational::ZERO),
            AggregateFn::Sum => sum,
            AggregateFn::Mean if count == 0 => empty()?,
            AggregateFn::Mean => sum
                .checked_div(&Rational::from_int(count))
                .ok_or(Fault::Internal)??,
            AggregateFn::Min => least.map_or_else(empty, Ok)?,
            AggregateFn::Max => greatest.map_or_else(empty, Ok)?,
        };
        Ok(Value::Num(result))
    }

    /// The sort keys of each member, in member order.
    fn keys(&self, members: &[usize], keys: &[(Node, bool)]) -> Result<Vec<Vec<Value>>, Fault> {
        members
            .iter()
            .map(|&m| keys.iter().map(|(node, _)| self.value(m, node)).collect())
            .collect()
    }

    /// How member `a` (with keys `ka`) compares with member `b`: `Less` when `a` comes
    /// first (is better).
    fn order(
        &self,
        keys: &[(Node, bool)],
        (a, ka): (usize, &[Value]),
        (b, kb): (usize, &[Value]),
    ) -> Ordering {
        for ((_, highest_first), (x, y)) in keys.iter().zip(ka.iter().zip(kb)) {
            let ordering = match (x, y) {
                (Value::Num(x), Value::Num(y)) => x.cmp(y),
                (Value::Text(x), Value::Text(y)) => {
                    self.texts(a).get(*x).cmp(self.texts(b).get(*y))
                }
                (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
                (Value::Grade(x), Value::Grade(y)) => y.cmp(x),
                _ => Ordering::Equal,
            };
            let ordering = if *highest_first {
                ordering.reverse()
            } else {
                ordering
            };
            if ordering != Ordering::Equal {
                return ordering;
            }
        }
        Ordering::Equal
    }

    /// `members` sorted best first by `keys`, as positions into `members`, and the
    /// blocks of positions tied on every key.
    fn sorted(
        &self,
        members: &[usize],
        keys: &[(Node, bool)],
    ) -> Result<(Vec<usize>, Vec<std::ops::Range<usize>>), Fault> {
        let values = self.keys(members, keys)?;
        let mut order: Vec<usize> = (0..members.len()).collect();
        let cmp = |&i: &usize, &j: &usize| {
            self.order(keys, (members[i], &values[i]), (members[j], &values[j]))
        };
        order.sort_by(cmp);
        let mut blocks = Vec::new();
        let mut start = 0;
        for p in 1..=order.len() {
            if p == order.len() || cmp(&order[p - 1], &order[p]) != Ordering::Equal {
                blocks.push(start..p);
                start = p;
            }
        }
        Ok((order, blocks))
    }

    fn rank(&self, r: &Rank) -> Result<Vec<Result<Value, Fault>>, Fault> {
        // The members ranked, and the position of each among all members.
        let mut eligible = Vec::new();
        let mut positions = Vec::new();
        for (position, &m) in self.members.iter().enumerate() {
            if self.passes(m, r.filter.as_ref())? {
                eligible.push(m);
                positions.push(position);
            }
        }
        let (order, blocks) = self.sorted(&eligible, &r.keys)?;
        let excluded = r
            .when_excluded
            .clone()
            .map(Value::Num)
            .ok_or(Fault::Internal);
        let mut values = vec![excluded; self.members.len()];
        let n = eligible.len() as i64;
        for (dense, block) in blocks.iter().enumerate() {
            let value = if r.percentile {
                // The share of the others placed below.
                let below = n - block.end as i64;
                if n == 1 {
                    Ok(Rational::ONE)
                } else {
                    Rational::new(i128::from(below), i128::from(n - 1)).ok_or(Fault::Overflow)
                }
            } else {
                match r.ties {
                    TiePolicy::Shared => Ok(Rational::from_int(block.start as i64 + 1)),
                    TiePolicy::Dense => Ok(Rational::from_int(dense as i64 + 1)),
                    TiePolicy::Strict if block.len() > 1 => Err(Fault::Tie),
                    TiePolicy::Strict => Ok(Rational::from_int(block.start as i64 + 1)),
                }
            };
            for p in block.clone() {
                values[positions[order[p]]] = value.clone().map(Value::Num);
            }
        }
        Ok(values)
    }

    fn distribute(&self, d: &Distribute) -> Result<Vec<Result<Value, Fault>>, Fault> {
        let n = self.members.len();
        if let Some(small) = d.small_group.as_ref().filter(|s| n < s.under) {
            return Ok(self
                .members
                .iter()
                .map(|&m| {
                    let score = self.value(m, &small.subject)?.num()?;
                    let band = small
                        .tests
                        .iter()
                        .find(|(op, t, _)| compare(*op, score.cmp(t)))
                        .map_or(small.otherwise, |(_, _, band)| *band);
                    Ok(Value::Grade(band))
                })
                .collect());
        }
        let slots = slot_counts(d, n)?;
        let (order, blocks) = self.sorted(self.members, &d.keys)?;
        let mut grades = vec![Ok(Value::Grade(0)); n];
        // Members tied on every key share the grade of the slot the first of them is in.
        for block in blocks {
            let band = band_at(&slots, block.start) as u16;
            for p in block {
                grades[order[p]] = Ok(Value::Grade(band));
            }
        }
        Ok(grades)
    }
}

/// Each band's slots in a group of `n`: its share of the group rounded as the rule
/// says, with the remainder band taking what the others leave. Bands are filled best
/// first, so rounding that overfills the group cuts the worst bands.
fn slot_counts(d: &Distribute, n: usize) -> Result<Vec<usize>, Fault> {
    let size = Rational::from_int(n as i64);
    let mut slots = Vec::with_capacity(d.shares.len());
    for share in d.shares.iter() {
        let exact = size.checked_mul(share)?;
        let rounded = round(&exact, 0, d.slots)?
            .to_i128()
            .ok_or(Fault::Internal)?;
        slots.push(usize::try_from(rounded).unwrap_or(0));
    }
    let others: usize = slots
        .iter()
        .enumerate()
        .filter(|(b, _)| *b != d.remainder_band)
        .map(|(_, s)| *s)
        .sum();
    slots[d.remainder_band] = n.saturating_sub(others);
    let mut filled = 0;
    for s in slots.iter_mut() {
        *s = (*s).min(n - filled);
        filled += *s;
    }
    Ok(slots)
}

/// The band whose slots hold place `position` (from 0), the last if none does.
fn band_at(slots: &[usize], position: usize) -> usize {
    let mut end = 0;
    for (band, s) in slots.iter().enumerate() {
        end += s;
        if position < end {
            return band;
        }
    }
    slots.len().saturating_sub(1)
}
