//! One group's members and what an item that reads them gives each: reductions,
//! orders, ranks, forced distributions and shares.

use std::cmp::Ordering;

use crate::compile::{Aggregate, Distribute, Node, Op, Program, Rank, Share};
use crate::eval::reduce::Reduction;
use crate::eval::{Fault, NoTrace, Texts, Value, compare, eval, or_missing};
use crate::input::Record;
use crate::number::{Rational, round};
use crate::syntax::ast::TiePolicy;

/// What a population item gave a group's members.
#[derive(Debug, Clone)]
pub(super) enum GroupResult {
    /// The same for every member: an aggregate, or a fault.
    Same(Result<Value, Fault>),
    /// Each member's own, by position in the group.
    Each(Vec<Result<Value, Fault>>),
}

impl GroupResult {
    /// The value of the member at `position` in the group.
    pub(super) fn get(&self, position: usize) -> Result<Value, Fault> {
        match self {
            GroupResult::Same(value) => value.clone(),
            GroupResult::Each(values) => values
                .get(position)
                .cloned()
                .unwrap_or(Err(Fault::Internal)),
        }
    }
}

/// The members a rank places.
#[derive(Debug, Default)]
pub(super) struct Ranked {
    /// The members placed, by record.
    pub(super) eligible: Vec<usize>,
    /// The position in the group of each member placed.
    pub(super) positions: Vec<usize>,
    /// For a rank of groups, each other member kept, by position in the group, and the
    /// index in `eligible` of the member that stands for its group.
    pub(super) stands_for: Vec<(usize, usize)>,
}

/// How a share was divided, in fens.
pub(super) struct Shared {
    /// Each member's part.
    pub(super) parts: Vec<i128>,
    /// The amount.
    pub(super) fens: i128,
    /// The fens left after the whole fens by weight, handed out one each.
    pub(super) left_over: i128,
    /// The positions of the members that got one of them.
    pub(super) extra: Vec<usize>,
    /// How many members shared.
    pub(super) sharing: usize,
}

/// One group's members, with their finished slots.
pub(super) struct Group<'a> {
    pub(super) program: &'a Program,
    pub(super) records: &'a [Record],
    pub(super) slots: &'a super::Slots,
    pub(super) members: &'a [usize],
}

impl Group<'_> {
    fn texts(&self, member: usize) -> Texts<'_> {
        Texts::new(self.program, &self.records[member])
    }

    /// The value of population item `op` for each member.
    pub(super) fn values(&self, op: &Op) -> GroupResult {
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
    pub(super) fn share_parts(&self, s: &Share) -> Result<Shared, Fault> {
        let mut sharing = Vec::new();
        let mut weights = Vec::new();
        for (position, &m) in self.members.iter().enumerate() {
            if self.passes(m, s.filter.as_ref())? {
                let weight = match &s.weight {
                    // A member without a weight cannot be given its part.
                    Some(w) => match self.value(m, w)? {
                        Value::Missing => return Err(Fault::MissingKey),
                        weight => weight.num()?,
                    },
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
                sharing: sharing.len(),
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
            sharing: sharing.len(),
        })
    }

    /// `node` evaluated over `member`'s slots.
    pub(super) fn value(&self, member: usize, node: &Node) -> Result<Value, Fault> {
        or_missing(eval(
            node,
            self.texts(member),
            &self.slots.row(self.records, member),
            &mut NoTrace,
        ))
    }

    /// Whether `member` passes `filter` (every member does when there is none).
    pub(super) fn passes(&self, member: usize, filter: Option<&Node>) -> Result<bool, Fault> {
        match filter {
            Some(f) => self.value(member, f)?.bool(),
            None => Ok(true),
        }
    }

    /// A reduction over the members that pass the filter; members whose value is
    /// missing are left out of it (but counted by `count`).
    fn aggregate(&self, a: &Aggregate) -> Result<Value, Fault> {
        let mut reduction = Reduction::new(a.func);
        for &m in self.members {
            // Records scored together are mostly grouped as they are held: the values
            // of the ones a few on are fetched while this one is read.
            if let Some(ahead) = self.records.get(m + 8) {
                crate::eval::columns::prefetch(ahead.values.as_ptr());
            }
            if self.passes(m, a.filter.as_ref())? {
                let value = a.value.as_ref().map(|v| self.value(m, v)).transpose()?;
                reduction.add(value)?;
            }
        }
        reduction.finish(&a.when_empty)
    }

    /// The sort keys of each member, in member order.
    fn keys(&self, members: &[usize], keys: &[(Node, bool)]) -> Result<Vec<Vec<Value>>, Fault> {
        members
            .iter()
            .map(|&m| {
                keys.iter()
                    .map(|(node, _)| match self.value(m, node)? {
                        Value::Missing => Err(Fault::MissingKey),
                        v => Ok(v),
                    })
                    .collect()
            })
            .collect()
    }

    /// How member `a` (with keys `ka`) compares with member `b` on each key in turn:
    /// `Less` when `a` comes first (is better).
    pub(super) fn key_orderings<'k>(
        &'k self,
        keys: &'k [(Node, bool)],
        (a, ka): (usize, &'k [Value]),
        (b, kb): (usize, &'k [Value]),
    ) -> impl Iterator<Item = Ordering> + 'k {
        keys.iter()
            .zip(ka.iter().zip(kb))
            .map(move |((_, highest_first), (x, y))| {
                let ordering = match (x, y) {
                    (Value::Num(x), Value::Num(y)) => x.cmp(y),
                    (Value::Text(x), Value::Text(y)) => {
                        self.texts(a).get(*x).cmp(self.texts(b).get(*y))
                    }
                    (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
                    (Value::Grade(x), Value::Grade(y)) => y.cmp(x),
                    _ => Ordering::Equal,
                };
                if *highest_first {
                    ordering.reverse()
                } else {
                    ordering
                }
            })
    }

    /// How member `a` compares with member `b` on all keys: the first that is not equal.
    fn order(&self, keys: &[(Node, bool)], a: (usize, &[Value]), b: (usize, &[Value])) -> Ordering {
        self.key_orderings(keys, a, b)
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    }

    /// `members` sorted best first by `keys`, as positions into `members`, and the
    /// blocks of positions tied on every key.
    pub(super) fn sorted(
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

    /// The members a rank places: those its filter keeps, and for a rank of groups
    /// only the first member of each group, which stands for the others.
    pub(super) fn ranked(&self, r: &Rank) -> Result<Ranked, Fault> {
        let mut ranked = Ranked::default();
        let mut firsts: foldhash::HashMap<super::GroupKey<'_>, usize> =
            foldhash::HashMap::default();
        for (position, &m) in self.members.iter().enumerate() {
            if !self.passes(m, r.filter.as_ref())? {
                continue;
            }
            if let Some(column) = r.per_group {
                let key = super::group_key(self.program, self.slots.row(self.records, m), column);
                if let Some(&first) = firsts.get(&key) {
                    ranked.stands_for.push((position, first));
                    continue;
                }
                firsts.insert(key, ranked.eligible.len());
            }
            ranked.eligible.push(m);
            ranked.positions.push(position);
        }
        Ok(ranked)
    }

    fn rank(&self, r: &Rank) -> Result<Vec<Result<Value, Fault>>, Fault> {
        let Ranked {
            eligible,
            positions,
            stands_for,
        } = self.ranked(r)?;
        let (order, blocks) = self.sorted(&eligible, &r.keys)?;
        let excluded = r
            .when_excluded
            .clone()
            .map(|v| v.map_or(Value::Missing, Value::Num))
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
        for (position, first) in stands_for {
            values[position] = values[positions[first]].clone();
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
pub(super) fn slot_counts(d: &Distribute, n: usize) -> Result<Vec<usize>, Fault> {
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
pub(super) fn band_at(slots: &[usize], position: usize) -> usize {
    let mut end = 0;
    for (band, s) in slots.iter().enumerate() {
        end += s;
        if position < end {
            return band;
        }
    }
    slots.len().saturating_sub(1)
}
