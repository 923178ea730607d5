//! Scored records as the service writes them, and keys given twice, as the command
//! line and the service report them.

use std::collections::HashMap;

use kpi::{DataError, DataErrorKind, Location, Outcome, Record};
use serde_json::{Map, Value};

/// A scored record as a JSON object, as `kpi eval --format json` writes it and the
/// service answers: the key's columns, then every output's exact text (null when
/// missing).
pub fn json_row(key_names: &[String], key: &str, outcome: &Outcome) -> Value {
    let mut object = Map::new();
    // A key of several columns is their values joined by commas.
    let parts = key.splitn(key_names.len().max(1), ',');
    for (name, part) in key_names.iter().zip(parts) {
        object.insert(name.clone(), Value::String(part.to_string()));
    }
    for (name, value) in outcome.names.iter().zip(&outcome.values) {
        let value = match value {
            kpi::OutputValue::Missing => Value::Null,
            v => Value::String(v.to_string()),
        };
        object.insert(name.clone(), value);
    }
    Value::Object(object)
}

/// The problems of every record whose key an earlier one has, by position: the
/// records a run must not score.
pub fn repeats(records: &[Record]) -> Vec<(usize, DataError)> {
    let mut first: HashMap<&str, &Location> = HashMap::new();
    let mut repeated = Vec::new();
    for (position, record) in records.iter().enumerate() {
        let here = record.location();
        match first.get(record.key()) {
            None => {
                first.insert(record.key(), here);
            }
            Some(before) => repeated.push((
                position,
                DataError::new(
                    DataErrorKind::RepeatedKey,
                    here.clone(),
                    format!(
                        "the key was given before, at {before}; each record needs a key of its own: correct the key or remove one of the two (this one is not scored)"
                    ),
                )
                .with_key(Some(record.key().to_string())),
            )),
        }
    }
    repeated
}
