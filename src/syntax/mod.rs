//! Parsing: rule file text to a syntax tree with spans.
//!
//! Statements are parsed one at a time. pest stops at the first error, so after an
//! error the parser skips to the next line that starts a statement at column 0 and
//! goes on: one run reports the syntax errors of every statement.

pub mod ast;
mod build;
mod expected;
mod grammar;
pub(crate) mod keywords;
mod limits;
pub mod stack;

use pest::Parser;

use crate::diagnostic::{Diagnostic, SourceFile};
use ast::{RuleFile, Statement, UnreadStatement};
use build::Builder;
use grammar::{KpiParser, Rule};

/// Parses a rule file. Returns the statements that could be read and a diagnostic for
/// each that could not.
pub fn parse(source: &SourceFile) -> (RuleFile, Vec<Diagnostic>) {
    let text = source.text();
    let mut statements = Vec::new();
    let mut diagnostics = Vec::new();
    let mut unread = Vec::new();
    let mut pos = 0;
    // Where the last chunk ended, and whether its nesting was checked. Statements
    // written on one line share a chunk: working it out and checking it once keeps a
    // file of thousands of statements on one line linear.
    let mut last_end = 0;
    let mut nesting_checked = false;
    while pos < text.len() {
        let rest = &text[pos..];
        let first = limits::first_content(rest);
        if first == rest.len() {
            break;
        }
        // A statement that starts before the next statement line ends there too.
        let chunk_end = if pos + first < last_end {
            last_end
        } else {
            nesting_checked = false;
            pos + limits::statement_end(rest)
        };
        last_end = chunk_end;
        let chunk = &text[pos..chunk_end];
        // A chunk that nests within the limits has no part nesting deeper.
        if !nesting_checked {
            if let Err(d) = limits::check_nesting(chunk, pos) {
                diagnostics.push(*d);
                unread.push(UnreadStatement::from_text(rest));
                pos = chunk_end;
                continue;
            }
            nesting_checked = true;
        }
        match parse_statement(chunk, rest, pos) {
            Ok((statement, consumed)) => {
                statements.push(statement);
                pos += consumed.max(1);
            }
            Err((diagnostic, resume)) => {
                diagnostics.push(*diagnostic);
                unread.push(UnreadStatement::from_text(rest));
                pos = resume;
            }
        }
    }
    let file = RuleFile { statements, unread };
    (file, diagnostics)
}

/// Parses the statement at the start of `rest`, the text up to the next statement's
/// line, which begins at byte `offset` of the file; `following` is the rest of the
/// file from there. On success returns it and the
/// bytes consumed; on failure the diagnostic and the offset to resume at.
fn parse_statement(
    rest: &str,
    following: &str,
    offset: usize,
) -> Result<(Statement, usize), (Box<Diagnostic>, usize)> {
    match KpiParser::parse(Rule::statement_at, rest) {
        Ok(mut pairs) => {
            let outer = pairs.next();
            let statement = outer.and_then(|p| p.into_inner().next());
            let Some(pair) = statement else {
                let d = Box::new(expected::unreadable(offset));
                return Err((d, offset + limits::statement_end(rest)));
            };
            let consumed = pair.as_span().end();
            let builder = Builder { offset };
            let built = builder.statement(pair);
            match built.and_then(|s| limits::check_depth(&s).map(|()| s)) {
                Ok(statement) => Ok((statement, consumed)),
                Err(d) => Err((d, offset + consumed)),
            }
        }
        Err(error) => {
            let at = match error.location {
                pest::error::InputLocation::Pos(p) => p,
                pest::error::InputLocation::Span((s, _)) => s,
            };
            // What was found is read from the whole file, past the statement's end.
            let diagnostic = Box::new(expected::syntax_error(&error, following, offset));
            // Resume at the next statement after the error's line.
            let resume = offset + limits::next_statement_after(rest, at);
            Err((diagnostic, resume))
        }
    }
}

#[cfg(test)]
mod tests;
