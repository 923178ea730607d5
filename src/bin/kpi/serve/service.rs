//! What the service answers, whatever carries the request: a method, a path with its
//! query and a body in; a status, a content type and a body out. HTTP and JSON Lines
//! on standard input both call [`Service::handle`], so they cannot disagree.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use kpi::explain::{Format, Lang};
use kpi::{DataError, Diagnostics, Location, Outcome, Problem, Record, Ruleset, Severity};
use serde_json::{Value, json};

/// An answer.
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// `application/json`, `text/plain` or `text/html`, each in UTF-8.
    pub content_type: &'static str,
    /// The body.
    pub body: String,
}

impl Reply {
    fn json(status: u16, body: &Value) -> Reply {
        let mut text = body.to_string();
        text.push('\n');
        Reply {
            status,
            content_type: "application/json",
            body: text,
        }
    }

    /// `{"problems": [...]}` with `status`.
    pub fn problems(status: u16, problems: &[Problem]) -> Reply {
        Reply::json(status, &json!({ "problems": problems }))
    }

    /// A request the service does not answer: a wrong path, method or parameter.
    pub fn refused(status: u16, message: &str) -> Reply {
        Reply::problems(
            status,
            &[Problem::new("U0001", Severity::Error, message.to_string())],
        )
    }
}

/// The rule file served, compiled; replaced whole by [`Service::reload`].
pub struct Service {
    path: PathBuf,
    ruleset: RwLock<Arc<Ruleset>>,
}

impl Service {
    /// Serves `ruleset`, compiled from the file at `path`.
    pub fn new(path: PathBuf, ruleset: Ruleset) -> Service {
        Service {
            path,
            ruleset: RwLock::new(Arc::new(ruleset)),
        }
    }

    /// The ruleset in force; a request keeps the one it started with.
    fn ruleset(&self) -> Arc<Ruleset> {
        match self.ruleset.read() {
            Ok(ruleset) => Arc::clone(&ruleset),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Reads and compiles the rule file again; only a file that compiles replaces the
    /// rules in force. On success, the new fingerprint.
    pub fn reload(&self) -> Result<String, Reloaded> {
        let source = crate::read_rule_file(&self.path).map_err(|f| Reloaded::Unread(f.message))?;
        let ruleset = Ruleset::compile_source(source).map_err(Reloaded::Invalid)?;
        let fingerprint = ruleset.fingerprint();
        match self.ruleset.write() {
            Ok(mut slot) => *slot = Arc::new(ruleset),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(ruleset),
        }
        Ok(fingerprint)
    }

    /// The answer to one request. `target` is the path with its query, as in
    /// `/explain?lang=en`.
    pub fn handle(&self, method: &str, target: &str, body: &[u8]) -> Reply {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let allowed = match path {
            "/evaluate" | "/explain" => "POST",
            "/ruleset" | "/health" => "GET",
            _ => {
                return Reply::refused(
                    404,
                    &format!(
                        "no such path {path:?}; the service answers POST /evaluate, POST /explain, GET /ruleset and GET /health"
                    ),
                );
            }
        };
        if method != allowed {
            return Reply::refused(405, &format!("{path} answers {allowed}, not {method}"));
        }
        let ruleset = self.ruleset();
        match path {
            "/health" => Reply::json(
                200,
                &json!({
                    "status": "ok",
                    "ruleset": ruleset.name(),
                    "fingerprint": ruleset.fingerprint(),
                }),
            ),
            "/ruleset" => Reply::json(200, &json!(ruleset.describe())),
            _ => {
                let text = match std::str::from_utf8(body) {
                    Ok(text) => text,
                    Err(e) => {
                        return data_problem(
                            400,
                            kpi::DataErrorKind::Unreadable,
                            format!(
                                "the body is not UTF-8 text (byte {}); send UTF-8 JSON",
                                e.valid_up_to() + 1
                            ),
                        );
                    }
                };
                match path {
                    "/evaluate" => evaluate(&ruleset, text, query),
                    _ => explain(&ruleset, text, query),
                }
            }
        }
    }
}

/// Why a reload kept the rules in force.
pub enum Reloaded {
    /// The file could not be read.
    Unread(String),
    /// It does not compile.
    Invalid(Diagnostics),
}

/// A body that is one record object, or an array of them.
enum Body {
    One(Result<Record, Vec<DataError>>),
    Many(Vec<Result<Record, Vec<DataError>>>),
}

fn read_body(ruleset: &Ruleset, text: &str) -> Result<Body, Reply> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') {
        return Ok(Body::One(ruleset.read_json_record(text)));
    }
    if trimmed.starts_with('[') {
        return match ruleset.read_json(text) {
            Ok(records) => Ok(Body::Many(records)),
            Err(e) => Err(Reply::problems(400, &[Problem::from_data(&e, None)])),
        };
    }
    Err(data_problem(
        400,
        kpi::DataErrorKind::NotRecords,
        "expected a record object such as {\"agent_id\": \"E01\", ...}, or an array of them".into(),
    ))
}

fn data_problem(status: u16, kind: kpi::DataErrorKind, message: String) -> Reply {
    Reply::problems(
        status,
        &[Problem::from_data(
            &DataError::new(kind, Location::Given, message),
            None,
        )],
    )
}

/// `POST /evaluate[?period=YYYY-MM|as_of=YYYY-MM-DD]`: one record's outputs, or
/// every record's with the problems of those that could not be scored.
fn evaluate(ruleset: &Ruleset, text: &str, query: &str) -> Reply {
    let keys: Vec<String> = ruleset.key_names().into_iter().map(String::from).collect();
    let row =
        |record: &Record, outcome: &Outcome| Value::Object(outcome.json_row(&keys, record.key()));
    let period = match month(query) {
        Ok(period) => period,
        Err(reply) => return reply,
    };
    if period.is_some() || ruleset.rolls_up_rows() {
        return evaluate_month(ruleset, text, period, &row);
    }
    match read_body(ruleset, text) {
        Err(reply) => reply,
        Ok(Body::One(Err(errors))) => unread(&errors),
        Ok(Body::One(Ok(record))) => match ruleset.evaluate(&record) {
            Ok(outcome) => Reply::json(200, &row(&record, &outcome)),
            Err(e) => Reply::problems(422, &[Problem::from_score(&e, None, &Location::Given)]),
        },
        Ok(Body::Many(read)) => {
            let mut outcomes = vec![Value::Null; read.len()];
            let Readable {
                places,
                records,
                mut problems,
            } = readable(read).without_repeats();
            if ruleset.reads_population() && !problems.is_empty() {
                // One record left out would change every other's group or rank.
                return Reply::problems(422, &problems);
            }
            let scored = ruleset.evaluate_all(&records);
            for ((place, record), outcome) in places.into_iter().zip(&records).zip(scored) {
                match outcome {
                    Ok(outcome) => outcomes[place] = row(record, &outcome),
                    Err(e) => problems.push(Problem::from_score(&e, None, record.location())),
                }
            }
            problems.sort_by_key(|p| p.record);
            Reply::json(200, &json!({ "outcomes": outcomes, "problems": problems }))
        }
    }
}

/// The month named by `period=YYYY-MM` or `as_of=YYYY-MM-DD`, if any.
fn month(query: &str) -> Result<Option<kpi::Period>, Reply> {
    let mut period = None;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let named = match pair.split_once('=') {
            Some(("period", value)) => kpi::Period::month(value),
            Some(("as_of", value)) => kpi::Period::as_of(value),
            _ => {
                return Err(Reply::refused(
                    400,
                    &format!(
                        "unknown parameter {pair:?}; /evaluate takes period=YYYY-MM or as_of=YYYY-MM-DD"
                    ),
                ));
            }
        };
        period = Some(named.map_err(|e| Reply::refused(400, &e))?);
    }
    Ok(period)
}

/// Scores the month's records of a ruleset that scores by month: daily rows rolled
/// up into one record a key, monthly records by the version in force. The outcomes
/// are the month's records, one a key, in the order `kpi eval` gives them.
fn evaluate_month(
    ruleset: &Ruleset,
    text: &str,
    period: Option<kpi::Period>,
    row: &dyn Fn(&Record, &Outcome) -> Value,
) -> Reply {
    let read = match read_body(ruleset, text) {
        Err(reply) => return reply,
        Ok(Body::One(read)) => vec![read],
        Ok(Body::Many(read)) => read,
    };
    let Readable {
        records,
        mut problems,
        ..
    } = readable(read);
    if !problems.is_empty() {
        // A row left out would change its key's month.
        return Reply::problems(422, &problems);
    }
    let selected = match ruleset.select(records, period) {
        Ok(selected) => selected,
        Err(errors) => return Reply::problems(422, &data_problems(&errors)),
    };
    // Keys repeat across daily rows; the month's records must not.
    let repeated = kpi::repeated_keys(&selected.records[..selected.scored]);
    if !repeated.is_empty() {
        let problems: Vec<Problem> = repeated
            .iter()
            .map(|(_, e)| Problem::from_data(e, None))
            .collect();
        return Reply::problems(422, &problems);
    }
    let mut outcomes = Vec::with_capacity(selected.scored);
    let scored = ruleset.evaluate_all(&selected.records);
    for (record, outcome) in selected.records.iter().zip(scored).take(selected.scored) {
        match outcome {
            Ok(outcome) => outcomes.push(row(record, &outcome)),
            Err(e) => problems.push(Problem::from_score(&e, None, record.location())),
        }
    }
    Reply::json(200, &json!({ "outcomes": outcomes, "problems": problems }))
}

/// The records of an array that were read, and the problems of the others.
struct Readable {
    /// Each record's place in the array.
    places: Vec<usize>,
    records: Vec<Record>,
    problems: Vec<Problem>,
}

/// Splits what was read into records and problems.
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
    /// Moves every record whose key an earlier one has to the problems, as `kpi eval`
    /// does.
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

/// The status for a record that could not be read: 400 for a body that is not a
/// record at all, 422 for a record with bad values.
fn unread(errors: &[DataError]) -> Reply {
    use kpi::DataErrorKind::{NotRecords, TooLarge, Unreadable};
    let malformed = errors
        .iter()
        .any(|e| matches!(e.kind, Unreadable | NotRecords | TooLarge));
    Reply::problems(if malformed { 400 } else { 422 }, &data_problems(errors))
}

fn data_problems(errors: &[DataError]) -> Vec<Problem> {
    errors.iter().map(|e| Problem::from_data(e, None)).collect()
}

/// `POST /explain?lang=zh|en&format=json|text|markdown|html[&key=ID]`: one record's
/// explanation; for an array, the record with `key`, scored together with the rest.
fn explain(ruleset: &Ruleset, text: &str, query: &str) -> Reply {
    let mut lang = Lang::Zh;
    let mut format = Format::Json;
    let mut key = None;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        match (name, value) {
            ("lang", "zh") => lang = Lang::Zh,
            ("lang", "en") => lang = Lang::En,
            ("format", "json") => format = Format::Json,
            ("format", "text") => format = Format::Text,
            ("format", "markdown") => format = Format::Markdown,
            ("format", "html") => format = Format::Html,
            ("key", value) => key = Some(value.to_string()),
            _ => {
                return Reply::refused(
                    400,
                    &format!(
                        "unknown parameter {pair:?}; /explain takes lang=zh|en, format=json|text|markdown|html and key=ID"
                    ),
                );
            }
        }
    }
    let explained = match read_body(ruleset, text) {
        Err(reply) => return reply,
        Ok(Body::One(Err(errors))) => return unread(&errors),
        Ok(Body::One(Ok(record))) => ruleset
            .explain(&record)
            .map_err(|e| (e, record.location().clone())),
        Ok(Body::Many(read)) => {
            let Readable {
                records, problems, ..
            } = readable(read).without_repeats();
            if !problems.is_empty() {
                return Reply::problems(422, &problems);
            }
            let Some(key) = key else {
                return Reply::refused(
                    400,
                    "name the record to explain among the array: /explain?key=ID",
                );
            };
            let Some(index) = records.iter().position(|r| r.key() == key) else {
                return Reply::refused(404, &format!("no record has the key {key:?}"));
            };
            ruleset
                .score_together(&records)
                .explain(index)
                .map_err(|e| (e, records[index].location().clone()))
        }
    };
    match explained {
        Ok((_, explanation)) => Reply {
            status: 200,
            content_type: match format {
                Format::Json => "application/json",
                Format::Html => "text/html",
                Format::Text | Format::Markdown => "text/plain",
            },
            body: explanation.render(format, lang),
        },
        Err((e, location)) => Reply::problems(422, &[Problem::from_score(&e, None, &location)]),
    }
}
