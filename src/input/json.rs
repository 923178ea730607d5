//! JSON records: an array of objects, or JSON Lines (one object per line). Numbers
//! are read from their text, never through a float.

use serde_json::Value;

use super::{DataError, Location, Record, parse_value};
use crate::check::model::Input;

/// Reads a JSON array of record objects.
pub fn read_array(
    inputs: &[Input],
    key: usize,
    text: &str,
) -> Result<Vec<Result<Record, Vec<DataError>>>, DataError> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        DataError::new(
            Location::File,
            format!(
                "the file is not valid JSON (line {}, column {}): {e}",
                e.line(),
                e.column()
            ),
        )
    })?;
    let Value::Array(records) = value else {
        return Err(DataError::new(
            Location::File,
            "expected a JSON array of records, such as [{\"agent_id\": \"E01\", ...}]",
        ));
    };
    Ok(records
        .iter()
        .enumerate()
        .map(|(i, r)| record(inputs, key, r, Location::Record(i + 1)))
        .collect())
}

/// Reads JSON Lines: one record object per non-blank line.
pub fn read_lines<'a>(
    inputs: &'a [Input],
    key: usize,
    text: &'a str,
) -> impl Iterator<Item = Result<Record, Vec<DataError>>> + 'a {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(move |(i, line)| {
            let location = Location::Line(i as u64 + 1);
            let value: Value = serde_json::from_str(line).map_err(|e| {
                vec![DataError::new(
                    location.clone(),
                    format!("the line is not valid JSON: {e}"),
                )]
            })?;
            record(inputs, key, &value, location)
        })
}

fn record(
    inputs: &[Input],
    key: usize,
    value: &Value,
    location: Location,
) -> Result<Record, Vec<DataError>> {
    let Value::Object(fields) = value else {
        return Err(vec![DataError::new(
            location,
            "expected a record object such as {\"agent_id\": \"E01\", ...}",
        )]);
    };
    let key_value = inputs
        .get(key)
        .and_then(|k| fields.get(&k.name))
        .and_then(scalar_text);
    let mut values = Vec::with_capacity(inputs.len());
    let mut errors = Vec::new();
    for input in inputs {
        let error = |message: String, found: Option<&str>| {
            DataError::new(location.clone(), message)
                .at(&input.name, found)
                .with_key(key_value.clone())
        };
        let Some(field) = fields.get(&input.name) else {
            errors.push(error(
                "the field is missing; every declared input needs a value".into(),
                None,
            ));
            continue;
        };
        let Some(text) = scalar_text(field) else {
            let shown = field.to_string();
            errors.push(error(
                "expected a number, text or true/false".into(),
                Some(&shown),
            ));
            continue;
        };
        match parse_value(input, &text) {
            Ok(v) => values.push(v),
            Err(message) => errors.push(error(message, Some(&text))),
        }
    }
    if errors.is_empty() {
        Ok(Record {
            key: key_value.unwrap_or_default(),
            values: values.into(),
        })
    } else {
        Err(errors)
    }
}

/// A scalar's text: numbers exactly as written, strings as they are.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}
