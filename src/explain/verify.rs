//! Verifying a saved explanation: recompute it from the rule file and the inputs it
//! records, and say precisely what differs.

use serde_json::Value;

use super::fingerprint;
use super::model::{Explanation, FORMAT, Step};
use crate::{Record, Ruleset};

/// The result of checking a saved explanation against a ruleset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verification {
    /// Everything that differs; empty when the explanation is confirmed.
    pub problems: Vec<String>,
    /// How many values (items and outputs) were recomputed and compared.
    pub values: usize,
}

impl Verification {
    /// Whether the saved explanation was reproduced exactly.
    pub fn confirmed(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Recomputes `saved` with `ruleset` and compares fingerprints, every value and every
/// other field. An explanation of a record scored together with others cannot be
/// recomputed from its own inputs: that is reported, and [`verify_in`] checks it.
pub fn verify(ruleset: &Ruleset, saved: &Explanation) -> Verification {
    if let Some(rows) = &saved.record.rows {
        return Verification {
            problems: vec![format!(
                "rows: its values are summed from {} daily rows; verify it against the data file they were read from (kpi verify RULESET EXPLANATION --data DATA)",
                rows.count
            )],
            values: 0,
        };
    }
    if let Some(population) = &saved.population {
        return Verification {
            problems: vec![format!(
                "population: its values depend on {} records scored together; verify it against the data file it was scored from (kpi verify RULESET EXPLANATION --data DATA)",
                population.records
            )],
            values: 0,
        };
    }
    verify_with(ruleset, saved, None, |record| {
        ruleset
            .explain(record)
            .map(|(_, e)| e)
            .map_err(|e| e.message)
    })
}

/// Recomputes `saved`, an explanation of a record scored together with `records`,
/// by scoring them together again, and compares as [`verify`] does; the fingerprint
/// of the records its values depended on must match too.
pub fn verify_in(ruleset: &Ruleset, saved: &Explanation, records: &[Record]) -> Verification {
    // A record scored by month is scored again for the month, and to the day, saved.
    let selected;
    let records = match &saved.record.period {
        Some(period) if ruleset.scores_by_period() => {
            let period = crate::Period::as_of(&period.as_of).ok();
            selected = match ruleset.select(records.to_vec(), period) {
                Ok(selected) => selected,
                Err(errors) => {
                    return Verification {
                        problems: errors.iter().map(|e| format!("data: {e}")).collect(),
                        values: 0,
                    };
                }
            };
            &selected.records
        }
        _ => records,
    };
    // A record rolled up from daily rows is found by its key among those rolled up.
    let rolled = saved.record.rows.as_ref().map(|_| {
        records
            .iter()
            .find(|r| r.key() == saved.record.key)
            .cloned()
    });
    if let Some(None) = rolled {
        return Verification {
            problems: vec![format!(
                "record: the data has no rows with the key {:?} in the month",
                saved.record.key
            )],
            values: 0,
        };
    }
    verify_with(ruleset, saved, rolled.flatten(), |record| {
        let index = records
            .iter()
            .position(|r| r.key() == record.key())
            .ok_or_else(|| format!("the data has no record with the key {:?}", record.key()))?;
        if records[index].key() != record.key() || records[index].values != record.values {
            return Err(format!(
                "the data's record {} is not the one saved; its inputs differ",
                record.key()
            ));
        }
        let explained = match ruleset.reads_population() {
            true => ruleset.score_together(records).explain(index),
            false => ruleset.explain(&records[index]),
        };
        explained.map(|(_, e)| e).map_err(|e| e.message)
    })
}

/// Compares `saved` with the explanation `fresh` gives of the record its inputs make
/// (or of `rolled`, the record rolled up from the rows it was explained from).
fn verify_with(
    ruleset: &Ruleset,
    saved: &Explanation,
    rolled: Option<Record>,
    fresh: impl FnOnce(&Record) -> Result<Explanation, String>,
) -> Verification {
    let mut problems = Vec::new();
    if saved.format != FORMAT {
        problems.push(format!(
            "format: the file says {:?}, and this engine reads {FORMAT:?}",
            saved.format
        ));
    }
    let now = fingerprint::of_ruleset(ruleset.source().text());
    if saved.ruleset.fingerprint != now {
        problems.push(format!(
            "ruleset: the rule file is not the one explained (fingerprint saved {}, this file {now})",
            saved.ruleset.fingerprint
        ));
    }
    let inputs = fingerprint::of_record(&saved.record.inputs);
    if let Some(rolled) = rolled {
        let rows = rolled.rows.as_ref().map(|r| r.fingerprint.as_str());
        if rows != Some(saved.record.fingerprint.as_str()) {
            problems.push(format!(
                "record: the data's rows are not the ones explained (fingerprint saved {}, the rows give {})",
                saved.record.fingerprint,
                rows.unwrap_or("none")
            ));
        }
        return compare(saved, &rolled, fresh, problems);
    }
    if saved.record.fingerprint != inputs {
        problems.push(format!(
            "record: the saved inputs are not the ones explained (fingerprint saved {}, the inputs give {inputs})",
            saved.record.fingerprint
        ));
    }
    let fields: Vec<(&str, &str)> = saved
        .record
        .inputs
        .iter()
        .map(|i| (i.name.as_str(), i.value.as_str()))
        .collect();
    for input in &saved.record.inputs {
        if !ruleset.input_decls().iter().any(|i| i.name == input.name) {
            problems.push(format!(
                "record: input {} is not declared in the rule file",
                input.name
            ));
        }
    }
    let mut record = match ruleset.record(&fields) {
        Ok(record) => record,
        Err(errors) => {
            problems.extend(errors.iter().map(|e| format!("record: {e}")));
            return Verification {
                problems,
                values: 0,
            };
        }
    };
    // The key is saved as written in the data (`007`), the inputs as read (`7`): a
    // saved key that reads as the inputs do is the record's.
    if *saved.record.key != *record.key
        && ruleset.key_values(&saved.record.key) == ruleset.key_values(&record.key)
    {
        record.key = saved.record.key.as_str().into();
    }
    // A month scored to a day before its end is scored to that day again.
    if let (Some(period), Some(saved)) = (record.period, &saved.record.period)
        && let Ok(to) = crate::Period::as_of(&saved.as_of)
        && to.month == period.month
    {
        record.period = Some(to);
    }
    compare(saved, &record, fresh, problems)
}

/// Compares `saved` with the explanation `fresh` gives of `record`, adding what
/// differs to `problems`.
fn compare(
    saved: &Explanation,
    record: &Record,
    fresh: impl FnOnce(&Record) -> Result<Explanation, String>,
    mut problems: Vec<String>,
) -> Verification {
    let fresh = match fresh(record) {
        Ok(fresh) => fresh,
        Err(message) => {
            problems.push(format!("record: it can no longer be scored: {message}"));
            return Verification {
                problems,
                values: 0,
            };
        }
    };
    if saved.engine != fresh.engine {
        problems.push(format!(
            "engine: made by {}, checked with {}",
            saved.engine, fresh.engine
        ));
    }
    if saved.ruleset != fresh.ruleset && saved.ruleset.fingerprint == fresh.ruleset.fingerprint {
        problems.push("ruleset: its name, title, version or currency was changed".into());
    }
    if saved.record != fresh.record {
        // The inputs as read back differ from the inputs as saved: a value in another
        // form (`1200.000`), a changed label or key, an input given twice.
        for (path, old, new) in differences("record", &saved.record, &fresh.record) {
            if path != "record.fingerprint" {
                problems.push(format!("{path}: saved {old}, read back as {new}"));
            }
        }
    }
    if saved.population != fresh.population {
        let print = |p: &Option<super::model::PopulationInfo>| {
            p.as_ref().map_or("none".to_string(), |p| {
                format!("{} records, {}", p.records, p.fingerprint)
            })
        };
        problems.push(format!(
            "population: the records its values depended on differ (saved {}, the data gives {})",
            print(&saved.population),
            print(&fresh.population)
        ));
    }
    let mut values = 0;
    for (part, old, new) in [
        ("item", &saved.items, &fresh.items),
        ("output", &saved.outputs, &fresh.outputs),
    ] {
        values += new.len();
        compare_steps(part, old, new, &mut problems);
    }
    if problems.is_empty() && saved != &fresh {
        // Every specific check passed, yet the two differ: name each difference.
        problems.extend(
            differences("", saved, &fresh)
                .into_iter()
                .map(|(path, old, new)| format!("{path}: saved {old}, recomputed {new}")),
        );
        if problems.is_empty() {
            problems.push("the explanation differs from a fresh one".into());
        }
    }
    Verification { problems, values }
}

fn compare_steps(part: &str, saved: &[Step], fresh: &[Step], problems: &mut Vec<String>) {
    if saved.len() != fresh.len() {
        problems.push(format!(
            "{part}s: {} saved, {} recomputed",
            saved.len(),
            fresh.len()
        ));
    }
    for (i, step) in saved.iter().enumerate() {
        if saved[..i].iter().any(|s| s.name == step.name) {
            problems.push(format!("{part} {}: saved more than once", step.name));
        }
    }
    for step in saved {
        if !fresh.iter().any(|s| s.name == step.name) {
            problems.push(format!(
                "{part} {}: saved, but the rule file has no such {part}",
                step.name
            ));
        }
    }
    for (position, step) in fresh.iter().enumerate() {
        let Some(old) = saved.iter().find(|s| s.name == step.name) else {
            problems.push(format!(
                "{part} {}: in the rule file, but not in the saved explanation",
                step.name
            ));
            continue;
        };
        if old.value != step.value {
            problems.push(format!(
                "{part} {}: saved {}, recomputed {}",
                step.name, old.value, step.value
            ));
        }
        if saved.get(position).map(|s| &s.name) != Some(&step.name) {
            problems.push(format!("{part} {}: saved out of order", step.name));
        }
        for (path, saved, fresh) in differences("", old, step) {
            if path != "value" {
                problems.push(format!(
                    "{part} {}: {path} saved {saved}, recomputed {fresh}",
                    step.name
                ));
            }
        }
    }
}

/// Every place where the JSON forms of `saved` and `fresh` differ, by path under
/// `root`, with the two values there.
fn differences<T: serde::Serialize>(
    root: &str,
    saved: &T,
    fresh: &T,
) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    if let (Ok(a), Ok(b)) = (serde_json::to_value(saved), serde_json::to_value(fresh)) {
        leaf_differences(root.to_string(), &a, &b, &mut out);
    }
    out
}

/// Every place where two JSON values differ, by path (`decision.rows[1].row`), with
/// the two values there.
fn leaf_differences(
    path: String,
    saved: &Value,
    fresh: &Value,
    out: &mut Vec<(String, String, String)>,
) {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    match (saved, fresh) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, fresh_value) in b {
                match a.get(key) {
                    Some(saved_value) => leaf_differences(join(key), saved_value, fresh_value, out),
                    None => out.push((join(key), "nothing".into(), fresh_value.to_string())),
                }
            }
            for (key, saved_value) in a.iter().filter(|(k, _)| !b.contains_key(*k)) {
                out.push((join(key), saved_value.to_string(), "nothing".into()));
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                leaf_differences(format!("{path}[{i}]"), x, y, out);
            }
            if a.len() != b.len() {
                out.push((
                    format!("{path} (entries)"),
                    a.len().to_string(),
                    b.len().to_string(),
                ));
            }
        }
        (a, b) if a != b => out.push((path, a.to_string(), b.to_string())),
        _ => {}
    }
}
