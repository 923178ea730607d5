//! What an item that reads the population decided for one record, in the words of
//! the explanation: the group and how many members counted, the place in an order
//! and its neighbours, the slots of a forced distribution.

use super::model::{Contribution, Decision, Neighbour, Slot};
use super::show::value;
use crate::check::model::{Body, SortKey};
use crate::eval::population::{Decided, PopulationRun};
use crate::eval::{Texts, Value};
use crate::input::Record;
use crate::number::Rational;
use crate::ruleset::Ruleset;

/// The decision of item `index` for record `record` of a population, if it reads
/// the population.
pub(crate) fn group_decision(
    ruleset: &Ruleset,
    records: &[Record],
    run: &PopulationRun,
    record: usize,
    index: usize,
    with_members: bool,
) -> Option<Decision> {
    let program = ruleset.program();
    let model = &program.model;
    let decided = run.decided(program, records, record, index)?;
    let item = model.items.get(index)?;
    let group = |input: usize| records[record].values.get(input).map(|v| v.to_string());
    let keys_of = |member: usize, keys: &[SortKey]| -> String {
        let texts = Texts::new(program, &records[member]);
        run.sort_values(program, records, member, index)
            .iter()
            .zip(keys)
            .map(|(v, k)| value(model, texts, v, k.value.ty))
            .collect::<Vec<_>>()
            .join(", ")
    };
    Some(match (decided, &item.body) {
        (
            Decided::Aggregate {
                members,
                counted,
                contributions,
            },
            Body::Aggregate(a),
        ) => Decision::Aggregate {
            group: group(a.group)?,
            members,
            counted,
            contributions: if with_members {
                contributions
                    .into_iter()
                    .map(|(m, counts, v)| Contribution {
                        key: records[m].key().to_string(),
                        counted: counts,
                        value: v
                            .zip(a.value.as_ref())
                            .map(|(v, e)| value(model, Texts::new(program, &records[m]), &v, e.ty)),
                    })
                    .collect()
            } else {
                Vec::new()
            },
        },
        (Decided::Excluded, _) => Decision::Excluded,
        (
            Decided::Shared {
                fens,
                sharing,
                left_over,
                extra,
            },
            Body::Share(s),
        ) => Decision::Shared {
            group: group(s.within)?,
            amount: crate::number::shown_with_places(&Rational::new(fens, 100)?, 2),
            sharing,
            left_over: left_over.unsigned_abs().to_string(),
            extra,
        },
        (
            Decided::Ranked {
                place,
                ranked,
                neighbours: (above, below),
                tied,
            },
            Body::Rank(r),
        ) => {
            // The key that set a neighbour apart, when an earlier key tied them.
            let written = |k: &crate::check::model::SortKey| {
                let direction = if k.highest_first {
                    "highest first"
                } else {
                    "lowest first"
                };
                format!(
                    "{} {direction}",
                    super::show::written(ruleset.source(), k.value.span)
                )
            };
            // A rank of groups names each by its group.
            let name = |m: usize| match r.per_group {
                Some(column) => records[m]
                    .values
                    .get(column)
                    .map_or_else(String::new, ToString::to_string),
                None => records[m].key().to_string(),
            };
            let neighbour = |m: usize| {
                let first_difference = run.first_difference(program, records, (record, m), index);
                Neighbour {
                    key: name(m),
                    keys: keys_of(m, &r.keys),
                    decided_by: first_difference
                        .filter(|&k| k > 0)
                        .and_then(|k| r.keys.get(k))
                        .map(written),
                }
            };
            Decision::Ranked {
                group: r.within.and_then(group),
                place,
                ranked,
                keys: keys_of(record, &r.keys),
                above: above.map(neighbour),
                below: below.map(neighbour),
                tied: tied.iter().map(|&m| name(m)).collect(),
                ties: (!r.percentile).then(|| r.ties.word().to_string()),
            }
        }
        (
            Decided::Distributed {
                place,
                size,
                slots,
                slot_band,
            },
            Body::Distribution(d),
        ) => {
            let given = match run.slots[record].get(index) {
                Some(Value::Grade(band)) => Some(usize::from(*band)),
                _ => None,
            };
            Decision::Distributed {
                group: group(d.within)?,
                place,
                size,
                slots: slots
                    .iter()
                    .zip(&d.bands)
                    .map(|(count, band)| Slot {
                        grade: band.label.clone(),
                        count: *count,
                    })
                    .collect(),
                slot_grade: slot_band
                    .filter(|band| Some(*band) != given)
                    .and_then(|band| d.bands.get(band))
                    .map(|band| band.label.clone()),
            }
        }
        _ => return None,
    })
}
