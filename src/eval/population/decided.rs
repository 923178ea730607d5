//! What a population item decided for one record, worked out again for its group
//! when the record is explained: places, neighbours, slots, parts of a share.

use super::group::{Group, band_at, slot_counts};
use super::{PopulationRun, population_column};
use crate::compile::{Op, Program};
use crate::eval::Value;
use crate::input::Record;

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
    pub(crate) fn depended_on(
        &self,
        program: &Program,
        records: &[Record],
        record: usize,
    ) -> Vec<usize> {
        let mut all: Vec<usize> = program
            .steps
            .iter()
            .filter_map(|s| population_column(&s.op))
            .filter_map(|column| self.group_of(column, record))
            .flatten()
            .copied()
            .collect();
        // The month before: the same record, or the whole of the same group.
        for step in program.steps.iter() {
            let Op::Previous(previous) = &step.op else {
                continue;
            };
            if let Some(before) =
                super::previous_record(program, records, &self.slots, previous, record)
            {
                match previous.column.and_then(|c| self.group_of(Some(c), before)) {
                    Some(group) => all.extend(group),
                    None => all.push(before),
                }
            }
        }
        all.push(record);
        all.sort_unstable();
        all.dedup();
        all
    }

    /// The group of `record` that population item `index` reads, and the record's
    /// position in it.
    fn group_for<'a>(
        &'a self,
        program: &'a Program,
        records: &'a [Record],
        record: usize,
        index: usize,
    ) -> Option<(&'a Op, Group<'a>, usize)> {
        let op = &program.steps.get(index)?.op;
        let column = population_column(op)?;
        let partition = self.partitions.get(&column)?;
        let members = partition
            .groups
            .get(*partition.group_of.get(record)? as usize)?;
        let group = Group {
            program,
            records,
            slots: &self.slots,
            members,
        };
        Some((op, group, *partition.position.get(record)? as usize))
    }

    /// The sort keys of rank or distribution `op`.
    fn sort_keys(op: &Op) -> &[(crate::compile::Node, bool)] {
        match op {
            Op::Rank(r) => &r.keys,
            Op::Distribute(d) => &d.keys,
            _ => &[],
        }
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
        let (op, group, _) = self.group_for(program, records, a, index)?;
        let keys = Self::sort_keys(op);
        let (va, vb) = (
            self.sort_values(program, records, a, index),
            self.sort_values(program, records, b, index),
        );
        group
            .key_orderings(keys, (a, &va), (b, &vb))
            .position(|o| o.is_ne())
    }

    /// The sort key values of population item `index` for `member`.
    pub(crate) fn sort_values(
        &self,
        program: &Program,
        records: &[Record],
        member: usize,
        index: usize,
    ) -> Vec<Value> {
        let Some((op, group, _)) = self.group_for(program, records, member, index) else {
            return Vec::new();
        };
        Self::sort_keys(op)
            .iter()
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
        let (op, group, position) = self.group_for(program, records, record, index)?;
        let members = group.members;
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
                // For a rank of groups, the record's group is placed by its first member.
                let ranked = group.ranked(r).ok()?;
                let own = ranked
                    .stands_for
                    .iter()
                    .find(|&&(p, _)| p == position)
                    .map_or(record, |&(_, first)| ranked.eligible[first]);
                let eligible = ranked.eligible;
                let (order, blocks) = group.sorted(&eligible, &r.keys).ok()?;
                let at = order.iter().position(|&p| eligible[p] == own)?;
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
                        .filter(|&m| m != own)
                        .collect(),
                })
            }
            Op::Share(s) => {
                let shared = group.share_parts(s).ok()?;
                Some(Decided::Shared {
                    fens: shared.fens,
                    sharing: shared.sharing,
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
        // The month before was read when the population was scored; such an item has
        // no limits or vetoes, so its value is as computed.
        if let Op::Previous(_) = program.steps.get(index)?.op {
            return self.slots.get(record)?.get(index).cloned();
        }
        let (op, group, position) = self.group_for(program, records, record, index)?;
        crate::eval::or_missing(group.values(op).get(position)).ok()
    }
}
