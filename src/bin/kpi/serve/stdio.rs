//! The service over JSON Lines: one request a line on standard input, one answer a
//! line on standard output, in order, for callers that cannot open sockets.
//!
//! A request is `{"id": 1, "method": "POST", "path": "/evaluate", "body": {...}}`;
//! `id` is any JSON value, given back; `method` is GET when there is no body and POST
//! otherwise; `body` is the JSON the HTTP request would carry. The answer is
//! `{"id": 1, "status": 200, "body": ...}`: JSON for a JSON answer, a string for text
//! or HTML.

use std::io::{BufRead, Read};

use kpi::{DataError, DataErrorKind, Location, Problem};
use serde_json::{Value, json};

use super::Limits;
use super::service::{Reply, Service};
use crate::Failure;
use crate::output::say;

/// Answers every line of standard input until it ends.
pub fn serve(service: &Service, limits: Limits) -> Result<u8, Failure> {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut line = Vec::new();
    loop {
        line.clear();
        let read = (&mut input)
            .take(limits.max_body as u64 + 1)
            .read_until(b'\n', &mut line)
            .map_err(|e| Failure::usage(format!("cannot read standard input: {e}")))?;
        if read == 0 {
            return Ok(0);
        }
        let answer = if line.len() > limits.max_body && !line.ends_with(b"\n") {
            // The rest of the line is skipped: the next request starts after it.
            skip_line(&mut input)?;
            answered(Value::Null, too_large(limits.max_body))
        } else if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        } else {
            request(service, &line)
        };
        say(&format!("{answer}\n"))?;
    }
}

fn skip_line(input: &mut impl BufRead) -> Result<(), Failure> {
    let mut rest = Vec::new();
    loop {
        rest.clear();
        let n = input
            .take(1 << 16)
            .read_until(b'\n', &mut rest)
            .map_err(|e| Failure::usage(format!("cannot read standard input: {e}")))?;
        if n == 0 || rest.ends_with(b"\n") {
            return Ok(());
        }
    }
}

/// The answer to one line.
fn request(service: &Service, line: &[u8]) -> Value {
    let request: Value = match serde_json::from_slice(line) {
        Ok(request) => request,
        Err(e) => {
            let error = DataError::new(
                DataErrorKind::Unreadable,
                Location::Given,
                format!("the request is not valid JSON (column {}): {e}", e.column()),
            );
            return answered(
                Value::Null,
                Reply::problems(400, &[Problem::from_data(&error, None)]),
            );
        }
    };
    let id = request.get("id").cloned().unwrap_or(Value::Null);
    let Some(path) = request.get("path").and_then(Value::as_str) else {
        return answered(
            id,
            Reply::refused(
                400,
                "a request names its path, as in {\"path\": \"/evaluate\", \"body\": {...}}",
            ),
        );
    };
    let body = match request.get("body") {
        None | Some(Value::Null) => String::new(),
        Some(body) => body.to_string(),
    };
    let method = match request.get("method").and_then(Value::as_str) {
        Some(method) => method,
        None if body.is_empty() => "GET",
        None => "POST",
    };
    answered(id, service.handle(method, path, body.as_bytes()))
}

fn answered(id: Value, reply: Reply) -> Value {
    let body = match reply.content_type {
        "application/json" => {
            serde_json::from_str(&reply.body).unwrap_or(Value::String(reply.body))
        }
        _ => Value::String(reply.body),
    };
    json!({ "id": id, "status": reply.status, "body": body })
}

fn too_large(max: usize) -> Reply {
    let error = DataError::new(
        DataErrorKind::TooLarge,
        Location::Given,
        format!(
            "the request is larger than {}, the most one request may hold; send fewer records at once, or raise --max-body",
            kpi::limits::shown_size(max as u64)
        ),
    );
    Reply::problems(413, &[Problem::from_data(&error, None)])
}
