//! JSON records: an array of objects, or JSON Lines (one object per line). Numbers
//! are read from their text, never through a float.

use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::ops::ControlFlow;

use serde::de::{DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde_json::Value;

use super::{DataError, Keys, Location, Record, parse_value};
use crate::check::model::Input;

/// Reads a JSON array of record objects from `reader`, one record at a time, calling
/// `each` with each record (or the problems found in it) until it says to stop. Memory
/// does not grow with the file. A file that is not an array, or not valid JSON, is an
/// error; records before the point where it breaks have been passed to `each`.
pub fn read_array_each<R: Read>(
    inputs: &[Input],
    key: Keys<'_>,
    reader: R,
    mut each: impl FnMut(Result<Record, Vec<DataError>>) -> ControlFlow<()>,
) -> Result<(), DataError> {
    let mut reader = BufReader::new(reader);
    if !starts_an_array(&mut reader)? {
        return Err(DataError::new(
            Location::File,
            "expected a JSON array of records, such as [{\"agent_id\": \"E01\", ...}]",
        ));
    }
    let mut stream = serde_json::Deserializer::from_reader(reader);
    let mut stopped = false;
    let records = Records {
        inputs,
        key,
        each: &mut each,
        stopped: &mut stopped,
    };
    let read = records.deserialize(&mut stream);
    if stopped {
        // The rest of the file is not wanted, so whether it is valid does not matter.
        return Ok(());
    }
    read.and_then(|()| stream.end()).map_err(not_json)
}

/// Whether the first thing in `reader` after white space is `[`.
fn starts_an_array(reader: &mut impl BufRead) -> Result<bool, DataError> {
    loop {
        let buffer = reader
            .fill_buf()
            .map_err(|e| DataError::new(Location::File, format!("the file cannot be read: {e}")))?;
        let Some(&first) = buffer.first() else {
            return Ok(false);
        };
        if !first.is_ascii_whitespace() {
            return Ok(first == b'[');
        }
        reader.consume(1);
    }
}

fn not_json(e: serde_json::Error) -> DataError {
    DataError::new(
        Location::File,
        format!(
            "the file is not valid JSON (line {}, column {}): {}",
            e.line(),
            e.column(),
            without_position(&e)
        ),
    )
}

/// serde_json's message without the position it appends, which is shown already.
fn without_position(e: &serde_json::Error) -> String {
    let message = e.to_string();
    let position = format!(" at line {} column {}", e.line(), e.column());
    message
        .strip_suffix(&position)
        .unwrap_or(&message)
        .to_string()
}

/// The elements of a JSON array, each read as a record and handed on at once.
struct Records<'e, F> {
    inputs: &'e [Input],
    key: Keys<'e>,
    each: &'e mut F,
    stopped: &'e mut bool,
}

impl<'de, F> DeserializeSeed<'de> for Records<'_, F>
where
    F: FnMut(Result<Record, Vec<DataError>>) -> ControlFlow<()>,
{
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, F> Visitor<'de> for Records<'_, F>
where
    F: FnMut(Result<Record, Vec<DataError>>) -> ControlFlow<()>,
{
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array of records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut number = 0;
        while let Some(value) = seq.next_element::<Value>()? {
            number += 1;
            let read = record(self.inputs, self.key, &value, Location::Record(number));
            if (self.each)(read).is_break() {
                *self.stopped = true;
                // An error ends the array early; the caller knows it is not one.
                return Err(serde::de::Error::custom("stopped"));
            }
        }
        Ok(())
    }
}

/// Reads a JSON array of record objects held in memory.
pub fn read_array(
    inputs: &[Input],
    key: Keys<'_>,
    text: &str,
) -> Result<Vec<Result<Record, Vec<DataError>>>, DataError> {
    let mut records = Vec::new();
    read_array_each(inputs, key, text.as_bytes(), |record| {
        records.push(record);
        ControlFlow::Continue(())
    })?;
    Ok(records)
}

/// Reads JSON Lines from `reader`: one record object per non-blank line, a line at a
/// time.
pub fn read_lines<'a, R: BufRead + 'a>(
    inputs: &'a [Input],
    key: Keys<'a>,
    reader: R,
) -> impl Iterator<Item = Result<Record, Vec<DataError>>> + 'a {
    reader
        .lines()
        .enumerate()
        .map(move |(i, line)| {
            let location = Location::Line(i as u64 + 1);
            let line = line.map_err(|e| {
                vec![DataError::new(
                    location.clone(),
                    format!("the line cannot be read: {e}"),
                )]
            })?;
            if line.trim().is_empty() {
                return Ok(None);
            }
            let value: Value = serde_json::from_str(&line).map_err(|e| {
                vec![DataError::new(
                    location.clone(),
                    format!(
                        "the line is not valid JSON (column {}): {}",
                        e.column(),
                        without_position(&e)
                    ),
                )]
            })?;
            record(inputs, key, &value, location).map(Some)
        })
        .filter_map(Result::transpose)
}

fn record(
    inputs: &[Input],
    key: Keys<'_>,
    value: &Value,
    location: Location,
) -> Result<Record, Vec<DataError>> {
    let Value::Object(fields) = value else {
        return Err(vec![DataError::new(
            location,
            "expected a record object such as {\"agent_id\": \"E01\", ...}",
        )]);
    };
    let texts: Vec<Option<String>> = key
        .columns
        .iter()
        .map(|&k| {
            inputs
                .get(k)
                .and_then(|k| fields.get(&k.name))
                .and_then(scalar_text)
        })
        .collect();
    let key_value = key.value(|k| {
        let n = key.columns.iter().position(|&c| c == k)?;
        texts[n].as_deref()
    });
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
    Record::read(key_value.unwrap_or_default(), values, errors, key, location)
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

#[cfg(test)]
mod tests {
    use crate::Ruleset;

    fn ruleset() -> Ruleset {
        Ruleset::compile("ruleset t\nkey id\ninput id text\ninput n count\noutput o = n").unwrap()
    }

    fn shown(records: Vec<Result<crate::Record, Vec<super::DataError>>>) -> Vec<String> {
        records
            .into_iter()
            .map(|r| match r {
                Ok(record) => format!("ok {}", record.key()),
                Err(errors) => errors[0].to_string(),
            })
            .collect()
    }

    #[test]
    fn a_bad_json_line_names_its_line_and_column() {
        let text =
            "{\"id\": \"A\", \"n\": 1}\n\n{\"id\": \"B\", \"n\": }\n{\"id\": \"C\", \"n\": 3}\n";
        let read: Vec<_> = ruleset().read_json_lines(text.as_bytes()).collect();
        assert_eq!(
            shown(read),
            [
                "ok A",
                "line 3: the line is not valid JSON (column 18): expected value",
                "ok C"
            ]
        );
    }

    #[test]
    fn a_json_array_is_read_a_record_at_a_time_until_told_to_stop() {
        let text = r#" [{"id": "A", "n": 1}, {"id": "B", "n": 2}, {"id": "C", "n": 3}]"#;
        let mut seen = Vec::new();
        ruleset()
            .read_json_each(text.as_bytes(), |record| {
                seen.push(record.unwrap().key().to_string());
                if seen.len() == 2 {
                    std::ops::ControlFlow::Break(())
                } else {
                    std::ops::ControlFlow::Continue(())
                }
            })
            .unwrap();
        assert_eq!(seen, ["A", "B"]);
    }

    #[test]
    fn json_that_is_not_an_array_of_records_is_refused_whole() {
        let refused = |text: &str| ruleset().read_json(text).unwrap_err().to_string();
        assert_eq!(
            refused(r#"{"id": "A"}"#),
            "expected a JSON array of records, such as [{\"agent_id\": \"E01\", ...}]"
        );
        assert_eq!(
            refused(r#"[{"id": "A", "n": 1}] x"#),
            "the file is not valid JSON (line 1, column 23): trailing characters"
        );
    }
}
