//! JSON records: an array of objects, or JSON Lines (one object per line). Numbers
//! are read from their text, never through a float. A field's name is trimmed, as a
//! CSV header's is; a field named twice in one record is refused, rather than one of
//! its values silently winning.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::ops::ControlFlow;

use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::limits::{Bounded, Exceeded, MAX_FIELD, MAX_FILE, MAX_RECORD, Meter, shown_size};
use super::{DataError, DataErrorKind, Keys, Location, Record, parse_value};
use crate::check::model::Input;

/// The byte order mark some editors (Notepad) write at the start of UTF-8 text.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads a JSON array of record objects from `reader`, one record at a time, calling
/// `each` with each record (or the problems found in it) until it says to stop. Memory
/// does not grow with the file. A file that is not an array, or not valid JSON, is an
/// error; records before the point where it breaks have been passed to `each`. A
/// record past [`MAX_RECORD`], or a file past [`MAX_FILE`], ends the reading there.
pub fn read_array_each<R: Read>(
    inputs: &[Input],
    key: Keys<'_>,
    reader: R,
    mut each: impl FnMut(Result<Record, Vec<DataError>>) -> ControlFlow<()>,
) -> Result<(), DataError> {
    let mut reader = BufReader::new(reader);
    if !starts_an_array(&mut reader)? {
        return Err(DataError::new(
            DataErrorKind::NotRecords,
            Location::File,
            "expected a JSON array of records, such as [{\"agent_id\": \"E01\", ...}]",
        ));
    }
    // serde_json reads a byte at a time, so the count of bytes read is exact.
    let (bounded, meter) = Bounded::new(reader, 0, MAX_FILE);
    let mut stream = serde_json::Deserializer::from_reader(bounded);
    let mut stopped = false;
    let mut number = 0;
    let records = Records {
        inputs,
        key,
        each: &mut each,
        stopped: &mut stopped,
        number: &mut number,
        meter: &meter,
    };
    let read = records.deserialize(&mut stream);
    if stopped {
        // The rest of the file is not wanted, so whether it is valid does not matter.
        return Ok(());
    }
    read.and_then(|()| stream.end()).map_err(|e| match meter.exceeded() {
        Some(Exceeded::Record) => DataError::new(
            DataErrorKind::TooLarge,
            Location::Record(number + 1),
            format!(
                "the record runs past {}, the most one record may hold, so the rest of the file is not read",
                shown_size(MAX_RECORD as u64)
            ),
        ),
        Some(Exceeded::File) => DataError::new(
            DataErrorKind::TooLarge,
            Location::File,
            format!(
                "the file runs past {}, the most a JSON array is read to; write the records as JSON Lines (.jsonl, one record a line), which may be of any size",
                shown_size(MAX_FILE)
            ),
        ),
        None => not_json(e),
    })
}

/// Whether the first thing in `reader` after a byte order mark and white space is
/// `[`.
fn starts_an_array(reader: &mut impl BufRead) -> Result<bool, DataError> {
    let unreadable = |e: std::io::Error| {
        DataError::new(
            DataErrorKind::Unreadable,
            Location::File,
            format!("the file cannot be read: {e}"),
        )
    };
    if reader.fill_buf().map_err(unreadable)?.starts_with(BOM) {
        reader.consume(BOM.len());
    }
    loop {
        let buffer = reader.fill_buf().map_err(unreadable)?;
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
        DataErrorKind::Unreadable,
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
    /// How many elements have been read.
    number: &'e mut usize,
    /// Where each element starts is marked on it, to bound its size.
    meter: &'e Meter,
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
        loop {
            self.meter.start_record(self.meter.read());
            let Some(element) = seq.next_element::<Element>()? else {
                return Ok(());
            };
            *self.number += 1;
            let read = record(
                self.inputs,
                self.key,
                element,
                Location::Record(*self.number),
            );
            if (self.each)(read).is_break() {
                *self.stopped = true;
                // An error ends the array early; the caller knows it is not one.
                return Err(serde::de::Error::custom("stopped"));
            }
        }
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

/// Reads one record object held in memory.
pub fn read_object(inputs: &[Input], key: Keys<'_>, text: &str) -> Result<Record, Vec<DataError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.len() > MAX_RECORD {
        return Err(vec![DataError::new(
            DataErrorKind::TooLarge,
            Location::Given,
            format!(
                "the record holds {} bytes, more than the {} one record may hold",
                text.len(),
                shown_size(MAX_RECORD as u64)
            ),
        )]);
    }
    match serde_json::from_str::<Element>(text) {
        Ok(element) => record(inputs, key, element, Location::Given),
        Err(e) => Err(vec![DataError::new(
            DataErrorKind::Unreadable,
            Location::Given,
            format!(
                "the record is not valid JSON (line {}, column {}): {}",
                e.line(),
                e.column(),
                without_position(&e)
            ),
        )]),
    }
}

/// Reads JSON Lines from `reader`: one record object per non-blank line, a line at a
/// time. A line past [`MAX_RECORD`], or a failure to read, ends the file there.
pub fn read_lines<'a, R: BufRead + 'a>(
    inputs: &'a [Input],
    key: Keys<'a>,
    mut reader: R,
) -> impl Iterator<Item = Result<Record, Vec<DataError>>> + 'a {
    let mut number = 0u64;
    let mut done = false;
    let mut line = Vec::new();
    std::iter::from_fn(move || {
        while !done {
            number += 1;
            let location = Location::Line(number);
            let fail = |kind, message: String| {
                Some(Err(vec![DataError::new(kind, location.clone(), message)]))
            };
            line.clear();
            let limit = MAX_RECORD as u64 + 1;
            match (&mut reader).take(limit).read_until(b'\n', &mut line) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => {
                    done = true;
                    return fail(
                        DataErrorKind::Unreadable,
                        format!("the file cannot be read from here on: {e}"),
                    );
                }
            }
            let ended = line.ends_with(b"\n");
            if !ended && line.len() > MAX_RECORD {
                done = true;
                return fail(
                    DataErrorKind::TooLarge,
                    format!(
                        "the line runs past {}, the most one record may hold, so the rest of the file is not read",
                        shown_size(MAX_RECORD as u64)
                    ),
                );
            }
            let mut bytes = line.as_slice();
            if number == 1 {
                bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
            }
            let text = match std::str::from_utf8(bytes) {
                Ok(text) => text,
                Err(e) => {
                    return fail(
                        DataErrorKind::Unreadable,
                        format!(
                            "the line is not UTF-8 text (column {}); save the file as UTF-8",
                            e.valid_up_to() + 1
                        ),
                    );
                }
            };
            if text.trim().is_empty() {
                continue;
            }
            return Some(match serde_json::from_str::<Element>(text) {
                Ok(element) => record(inputs, key, element, location),
                Err(e) => Err(vec![DataError::new(
                    DataErrorKind::Unreadable,
                    location,
                    format!(
                        "the line is not valid JSON (column {}): {}",
                        e.column(),
                        without_position(&e)
                    ),
                )]),
            });
        }
        None
    })
}

/// One JSON value read as a record: an object's fields by their trimmed names, and
/// the names given more than once; or something else.
enum Element {
    /// An object.
    Object {
        fields: HashMap<String, Value>,
        repeated: Vec<String>,
    },
    /// A number, text, list, true, false or null.
    Other,
}

impl<'de> Deserialize<'de> for Element {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Element, D::Error> {
        deserializer.deserialize_any(ElementVisitor)
    }
}

/// serde_json's name for a number read exactly (its `arbitrary_precision` feature
/// hands one over as a map with this one key).
const EXACT_NUMBER: &str = "$serde_json::private::Number";

struct ElementVisitor;

impl<'de> Visitor<'de> for ElementVisitor {
    type Value = Element;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Element, A::Error> {
        let mut fields = HashMap::new();
        let mut repeated = Vec::new();
        let mut first = true;
        while let Some(name) = map.next_key::<String>()? {
            if first && name == EXACT_NUMBER {
                map.next_value::<IgnoredAny>()?;
                return Ok(Element::Other);
            }
            first = false;
            let value = map.next_value::<Value>()?;
            match fields.entry(name.trim().to_string()) {
                Entry::Vacant(place) => {
                    place.insert(value);
                }
                Entry::Occupied(place) => {
                    if !repeated.contains(place.key()) {
                        repeated.push(place.key().clone());
                    }
                }
            }
        }
        Ok(Element::Object { fields, repeated })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Element, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Element::Other)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Element, E> {
        Ok(Element::Other)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Element, E> {
        Ok(Element::Other)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Element, E> {
        Ok(Element::Other)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Element, E> {
        Ok(Element::Other)
    }

    fn visit_str<E>(self, _: &str) -> Result<Element, E> {
        Ok(Element::Other)
    }

    fn visit_unit<E>(self) -> Result<Element, E> {
        Ok(Element::Other)
    }
}

fn record(
    inputs: &[Input],
    key: Keys<'_>,
    element: Element,
    location: Location,
) -> Result<Record, Vec<DataError>> {
    let Element::Object { fields, repeated } = element else {
        return Err(vec![DataError::new(
            DataErrorKind::NotRecords,
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
    let mut errors: Vec<DataError> = repeated
        .iter()
        .map(|name| {
            DataError::new(
                DataErrorKind::RepeatedField,
                location.clone(),
                "the record names this field more than once; keep one",
            )
            .at(name, None)
            .with_key(key_value.clone())
        })
        .collect();
    for input in inputs {
        let error = |kind, message: String, found: Option<&str>| {
            DataError::new(kind, location.clone(), message)
                .at(&input.name, found)
                .with_key(key_value.clone())
        };
        if repeated.contains(&input.name) {
            // Which of its values was meant is for the file's author to say.
            continue;
        }
        let Some(field) = fields.get(&input.name) else {
            errors.push(error(
                DataErrorKind::MissingValue,
                "the field is missing; every declared input needs a value".into(),
                None,
            ));
            continue;
        };
        let Some(text) = scalar_text(field) else {
            let shown = field.to_string();
            errors.push(error(
                DataErrorKind::BadValue,
                "expected a number, text or true/false".into(),
                Some(&shown),
            ));
            continue;
        };
        if text.len() > MAX_FIELD {
            errors.push(error(
                DataErrorKind::TooLarge,
                format!(
                    "the value holds {} bytes, more than the {} one value may hold",
                    text.len(),
                    shown_size(MAX_FIELD as u64)
                ),
                None,
            ));
            continue;
        }
        match parse_value(input, &text) {
            Ok(v) => values.push(v),
            Err((kind, message)) => errors.push(error(kind, message, Some(&text))),
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
    fn an_element_that_is_not_an_object_is_refused_alone() {
        let text = r#"[5, 1.50, "x", [1, {"id": "Z"}], null, true, {"id": "A", "n": 1}]"#;
        let read = ruleset().read_json(text).unwrap();
        let not_a_record =
            "record {}: expected a record object such as {\"agent_id\": \"E01\", ...}";
        let mut expected: Vec<String> = (1..=6)
            .map(|n| not_a_record.replace("{}", &n.to_string()))
            .collect();
        expected.push("ok A".into());
        assert_eq!(shown(read), expected);
    }

    #[test]
    fn a_field_named_twice_is_refused_and_names_are_trimmed() {
        let text = r#"[{"id": "A", "n": 1, " n ": 2}, {" id ": " B ", "n ": 2}]"#;
        let read = ruleset().read_json(text).unwrap();
        assert_eq!(
            shown(read),
            [
                "record 1 (A), column n: the record names this field more than once; keep one",
                "ok B"
            ]
        );
    }

    #[test]
    fn a_record_past_its_limit_ends_the_array_there() {
        let long = "x".repeat(crate::input::limits::MAX_RECORD);
        let text = format!(
            r#"[{{"id": "A", "n": 1}}, {{"id": "{long}", "n": 2}}, {{"id": "C", "n": 3}}]"#
        );
        let mut seen = Vec::new();
        let error = ruleset()
            .read_json_each(text.as_bytes(), |record| {
                seen.push(record.unwrap().key().to_string());
                std::ops::ControlFlow::Continue(())
            })
            .unwrap_err();
        assert_eq!(seen, ["A"]);
        assert_eq!(
            error.to_string(),
            "record 2: the record runs past 1 MiB, the most one record may hold, so the rest of the file is not read"
        );
    }

    #[test]
    fn json_lines_past_their_limit_end_the_file_and_bad_text_is_one_line() {
        let long = "x".repeat(crate::input::limits::MAX_RECORD + 1);
        // A byte order mark is read past at the start of the file only.
        let bom = '\u{feff}';
        let text =
            format!("{{\"id\": \"A\", \"n\": 1}}\n{bom}\n{long}\n{{\"id\": \"C\", \"n\": 3}}\n");
        let read: Vec<_> = ruleset().read_json_lines(text.as_bytes()).collect();
        assert_eq!(
            shown(read),
            [
                "ok A",
                "line 2: the line is not valid JSON (column 1): expected value",
                "line 3: the line runs past 1 MiB, the most one record may hold, so the rest of the file is not read",
            ]
        );
        let bytes = b"{\"id\": \"A\", \"n\": 1}\n{\"id\": \"B\xff\", \"n\": 2}\n{\"id\": \"C\", \"n\": 3}\n";
        let read: Vec<_> = ruleset().read_json_lines(&bytes[..]).collect();
        assert_eq!(
            shown(read),
            [
                "ok A",
                "line 2: the line is not UTF-8 text (column 10); save the file as UTF-8",
                "ok C"
            ]
        );
    }

    #[test]
    fn a_byte_order_mark_is_read_past() {
        let array = "\u{feff}[{\"id\": \"A\", \"n\": 1}]";
        assert_eq!(shown(ruleset().read_json(array).unwrap()), ["ok A"]);
        let lines = "\u{feff}{\"id\": \"A\", \"n\": 1}\n{\"id\": \"B\", \"n\": 2}\n";
        let read: Vec<_> = ruleset().read_json_lines(lines.as_bytes()).collect();
        assert_eq!(shown(read), ["ok A", "ok B"]);
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
