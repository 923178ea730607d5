//! The answers of kpi's service (`kpi serve`), computed in the page: the same body
//! and query give the same JSON. An answer the service sends with status 200 is
//! `Ok`; one it sends with an error status is `Err`, its body `{"problems": [...]}`.
//! Records may also come as CSV text, read as `kpi eval` reads a CSV file and
//! answered as the service answers an array of them.

use kpi::explain::{Format, Lang};
use kpi::{
    DataError, DataErrorKind, Location, Outcome, Period, Problem, Record, Ruleset, ScoreError,
    Severity,
};
use serde_json::{Value, json};

/// An answer: the body of a success, or of a failure.
pub type Answer = Result<String, String>;

/// Records as given: JSON (one object, or an array of them) or CSV text.
#[derive(Clone, Copy)]
pub enum Data<'a> {
    /// A JSON record object, or an array of them.
    Json(&'a str),
    /// CSV text with a header row.
    Csv(&'a str),
}

/// `{"problems": [...]}`.
pub fn problems(problems: &[Problem]) -> String {
    json!({ "problems": problems }).to_string()
}

/// A request the service refuses: an unknown parameter, a missing key.
fn refused(message: String) -> String {
    problems(&[Problem::new("U0001", Severity::Error, message)])
}

fn data_problems(errors: &[DataError]) -> Vec<Problem> {
    errors.iter().map(|e| Problem::from_data(e, None)).collect()
}

/// What was given: one record, or many.
enum Body {
    One(Result<Record, Vec<DataError>>),
    Many(Vec<Result<Record, Vec<DataError>>>),
}

fn read(ruleset: &Ruleset, data: Data<'_>) -> Result<Body, String> {
    match data {
        Data::Json(text) => {
            let trimmed = text.trim_start_matches('\u{feff}').trim_start();
            if trimmed.starts_with('{') {
                return Ok(Body::One(ruleset.read_json_record(text)));
            }
            if trimmed.starts_with('[') {
                return ruleset
                    .read_json(text)
                    .map(Body::Many)
                    .map_err(|e| problems(&[Problem::from_data(&e, None)]));
            }
            let error = DataError::new(
                DataErrorKind::NotRecords,
                Location::Given,
                "expected a record object such as {\"agent_id\": \"E01\", ...}, or an array of them",
            );
            Err(problems(&[Problem::from_data(&error, None)]))
        }
        Data::Csv(text) => match ruleset.read_csv(text.as_bytes()) {
            Ok(records) => Ok(Body::Many(records.collect())),
            Err(e) => Err(problems(&[Problem::from_data(&e, None)])),
        },
    }
}

/// The records that were read, each with its place among those given, and the
/// problems of the others.
struct Readable {
    places: Vec<usize>,
    records: Vec<Record>,
    problems: Vec<Problem>,
}

fn readable(read: Vec<Result<Record, Vec<DataError>>>) -> Readable {
    let mut readable = Readable {
        places: Vec::new(),
        records: Vec::new(),
        problems: Vec::new(),
    };
    for (place, result) in read.into_iter().enumerate() {
        match result {
            Ok(record) => {
                readable.places.push(place);
                readable.records.push(record);
            }
            Err(errors) => readable.problems.extend(data_problems(&errors)),
        }
    }
    readable
}

impl Readable {
    /// Moves every record whose key an earlier one has to the problems.
    fn without_repeats(mut self) -> Readable {
        // Removed from the last, so that the positions of the others hold.
        for (position, error) in kpi::repeated_keys(&self.records).iter().rev() {
            self.problems.push(Problem::from_data(error, None));
            self.places.remove(*position);
            self.records.remove(*position);
        }
        self
    }
}

/// A query's `name=value` pairs.
type Pairs<'q> = Vec<(&'q str, &'q str)>;

/// The month named by `period=YYYY-MM` or `as_of=YYYY-MM-DD` among the query's
/// pairs, and the pairs left for the caller.
fn month(query: &str) -> Result<(Option<Period>, Pairs<'_>), String> {
    let mut period = None;
    let mut rest = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let named = match name {
            "period" => Period::month(value),
            "as_of" => Period::as_of(value),
            _ => {
                rest.push((name, value));
                continue;
            }
        };
        period = Some(named.map_err(refused)?);
    }
    Ok((period, rest))
}

/// Every record scored as `kpi eval` scores it: together with the others when the
/// rules read other records, else on its own, by the version of the rules in force
/// in its month. (`Ruleset::evaluate_all` scores every record by the first version.)
fn score_all(ruleset: &Ruleset, records: &[Record]) -> Vec<Result<Outcome, ScoreError>> {
    if ruleset.reads_population() {
        return ruleset.evaluate_all(records);
    }
    records.iter().map(|r| ruleset.evaluate(r)).collect()
}

/// Record `index` of `records` explained, as [`score_all`] scores it.
fn explain_one(
    ruleset: &Ruleset,
    records: &[Record],
    index: usize,
) -> Result<(Outcome, kpi::Explanation), ScoreError> {
    if ruleset.reads_population() {
        return ruleset.score_together(records).explain(index);
    }
    ruleset.explain(&records[index])
}

/// `POST /evaluate[?period=YYYY-MM|as_of=YYYY-MM-DD]`: one record's outputs as an
/// object, or `{"outcomes": [...], "problems": [...]}` for many.
pub fn evaluate(ruleset: &Ruleset, data: Data<'_>, query: &str) -> Answer {
    let (period, rest) = month(query)?;
    if let Some((name, value)) = rest.first() {
        return Err(refused(format!(
            "unknown parameter \"{name}={value}\"; evaluate takes period=YYYY-MM or as_of=YYYY-MM-DD"
        )));
    }
    let keys: Vec<String> = ruleset.key_names().into_iter().map(String::from).collect();
    let row =
        |record: &Record, outcome: &Outcome| Value::Object(outcome.json_row(&keys, record.key()));
    if period.is_some() || ruleset.rolls_up_rows() {
        return evaluate_month(ruleset, data, period, &row);
    }
    match read(ruleset, data)? {
        Body::One(Err(errors)) => Err(problems(&data_problems(&errors))),
        Body::One(Ok(record)) => match ruleset.evaluate(&record) {
            Ok(outcome) => Ok(row(&record, &outcome).to_string()),
            Err(e) => Err(problems(&[Problem::from_score(&e, None, &Location::Given)])),
        },
        Body::Many(read) => {
            let mut outcomes = vec![Value::Null; read.len()];
            let Readable {
                places,
                records,
                mut problems,
            } = readable(read).without_repeats();
            if ruleset.reads_population() && !problems.is_empty() {
                // One record left out would change every other's group or rank.
                return Err(self::problems(&problems));
            }
            let scored = score_all(ruleset, &records);
            for ((place, record), outcome) in places.into_iter().zip(&records).zip(scored) {
                match outcome {
                    Ok(outcome) => outcomes[place] = row(record, &outcome),
                    Err(e) => problems.push(Problem::from_score(&e, None, record.location())),
                }
            }
            // In the order of the data: by record of an array, by line of CSV.
            problems.sort_by_key(|p| (p.record, p.line));
            Ok(json!({ "outcomes": outcomes, "problems": problems }).to_string())
        }
    }
}

/// The month's records of a ruleset that scores by month, as the service scores them.
fn evaluate_month(
    ruleset: &Ruleset,
    data: Data<'_>,
    period: Option<Period>,
    row: &dyn Fn(&Record, &Outcome) -> Value,
) -> Answer {
    let selected = select(ruleset, data, period)?;
    let mut problems = Vec::new();
    let mut outcomes = Vec::with_capacity(selected.scored);
    let scored = score_all(ruleset, &selected.records);
    for (record, outcome) in selected.records.iter().zip(scored).take(selected.scored) {
        match outcome {
            Ok(outcome) => outcomes.push(row(record, &outcome)),
            Err(e) => problems.push(Problem::from_score(&e, None, record.location())),
        }
    }
    Ok(json!({ "outcomes": outcomes, "problems": problems }).to_string())
}

/// The records of the month `period` (every month without one), daily rows rolled
/// up into one record a key; refused whole when any row cannot be read, since a row
/// left out would change its key's month.
fn select(
    ruleset: &Ruleset,
    data: Data<'_>,
    period: Option<Period>,
) -> Result<kpi::Selected, String> {
    let read = match read(ruleset, data)? {
        Body::One(read) => vec![read],
        Body::Many(read) => read,
    };
    let Readable {
        records, problems, ..
    } = readable(read);
    if !problems.is_empty() {
        return Err(self::problems(&problems));
    }
    let selected = ruleset
        .select(records, period)
        .map_err(|errors| self::problems(&data_problems(&errors)))?;
    let repeated = kpi::repeated_keys(&selected.records[..selected.scored]);
    if !repeated.is_empty() {
        let problems: Vec<Problem> = repeated
            .iter()
            .map(|(_, e)| Problem::from_data(e, None))
            .collect();
        return Err(self::problems(&problems));
    }
    Ok(selected)
}

/// `POST /explain?lang=zh|en&format=json|text|markdown|html[&key=ID]`: one record's
/// explanation; for many, the record with `key`, scored together with the rest. A
/// ruleset that scores by month also takes `period=` or `as_of=` here, as
/// `kpi explain` does, and explains the key's record of that month.
pub fn explain(ruleset: &Ruleset, data: Data<'_>, query: &str) -> Answer {
    let (period, rest) = month(query)?;
    let mut lang = Lang::Zh;
    let mut format = Format::Json;
    let mut key = None;
    for (name, value) in rest {
        match (name, value) {
            ("lang", "zh") => lang = Lang::Zh,
            ("lang", "en") => lang = Lang::En,
            ("format", "json") => format = Format::Json,
            ("format", "text") => format = Format::Text,
            ("format", "markdown") => format = Format::Markdown,
            ("format", "html") => format = Format::Html,
            ("key", value) => key = Some(value.to_string()),
            _ => {
                return Err(refused(format!(
                    "unknown parameter \"{name}={value}\"; explain takes lang=zh|en, format=json|text|markdown|html, key=ID, and period=YYYY-MM or as_of=YYYY-MM-DD"
                )));
            }
        }
    }
    let find = |records: &[Record], key: Option<&str>| -> Result<usize, String> {
        let Some(key) = key else {
            return Err(refused(
                "name the record to explain among the records: key=ID".into(),
            ));
        };
        records
            .iter()
            .position(|r| r.key() == key)
            .ok_or_else(|| refused(format!("no record has the key {key:?}")))
    };
    let explained = if period.is_some() || ruleset.rolls_up_rows() {
        let selected = select(ruleset, data, period)?;
        let index = find(&selected.records[..selected.scored], key.as_deref())?;
        explain_one(ruleset, &selected.records, index)
            .map_err(|e| (e, selected.records[index].location().clone()))
    } else {
        match read(ruleset, data)? {
            Body::One(Err(errors)) => return Err(problems(&data_problems(&errors))),
            Body::One(Ok(record)) => ruleset
                .explain(&record)
                .map_err(|e| (e, record.location().clone())),
            Body::Many(read) => {
                let Readable {
                    records, problems, ..
                } = readable(read).without_repeats();
                if !problems.is_empty() {
                    return Err(self::problems(&problems));
                }
                let index = find(&records, key.as_deref())?;
                explain_one(ruleset, &records, index)
                    .map_err(|e| (e, records[index].location().clone()))
            }
        }
    };
    match explained {
        Ok((_, explanation)) => Ok(explanation.render(format, lang)),
        Err((e, location)) => Err(problems(&[Problem::from_score(&e, None, &location)])),
    }
}
