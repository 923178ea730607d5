//! Versions by date: a rule file whose later `version "…" from DATE` lines each
//! change only what changed. Each version is composed into a whole rule file of its
//! own (the one before it, with the statements of the later part put in place of
//! those of the same name) and checked like any other.

use crate::diagnostic::{Diagnostic, Span, codes};
use crate::syntax::ast::{RuleFile, Statement};

/// The rule file of each version, in order of their dates, and the problems with how
/// the later parts are written. A file with at most one dated `version` line is its
/// only version.
pub(crate) fn compose(file: &RuleFile) -> (Vec<RuleFile>, Vec<Diagnostic>) {
    let starts: Vec<usize> = file
        .statements
        .iter()
        .enumerate()
        .filter(|(_, s)| matches!(s, Statement::Version(_, Some(_), _)))
        .map(|(i, _)| i)
        .collect();
    if starts.len() < 2 {
        return (vec![file.clone()], Vec::new());
    }
    let mut diagnostics = Vec::new();
    let mut versions = Vec::new();
    let mut current: Vec<Statement> = file.statements[..starts[1]].to_vec();
    versions.push(RuleFile {
        statements: current.clone(),
        unread: file.unread.clone(),
    });
    for (n, &start) in starts.iter().enumerate().skip(1) {
        let end = starts.get(n + 1).copied().unwrap_or(file.statements.len());
        // Test cases belong to the version they are written in.
        current.retain(|s| !matches!(s, Statement::Test(_)));
        for statement in &file.statements[start..end] {
            diagnostics.extend(put(&mut current, statement));
        }
        versions.push(RuleFile {
            statements: current.clone(),
            unread: file.unread.clone(),
        });
    }
    (versions, diagnostics)
}

/// Puts a statement of a later version in place of the earlier one's statement of the
/// same name, or adds it; says why if a later version cannot hold it.
fn put(statements: &mut Vec<Statement>, statement: &Statement) -> Option<Diagnostic> {
    let refused = |what: &str, span: Span| {
        Diagnostic::error(
            codes::VERSION,
            format!("a later version cannot {what}"),
            span,
        )
        .with_label("in a later version")
        .with_hint("move it before the second `version … from` line, so every version has it")
    };
    match statement {
        Statement::Version(..) => {
            let found = statements
                .iter()
                .position(|s| matches!(s, Statement::Version(..)));
            match found {
                Some(i) => statements[i] = statement.clone(),
                None => statements.insert(0, statement.clone()),
            }
            return None;
        }
        Statement::Ruleset { span, .. }
        | Statement::Currency(_, span)
        | Statement::Key(_, span)
        | Statement::Period(_, span) => return Some(refused("change the ruleset's header", *span)),
        Statement::Input(input) => {
            // Declared all the same, so what reads it is not reported as well.
            statements.push(statement.clone());
            return Some(refused("declare an input", input.span));
        }
        Statement::Test(_) => {
            statements.push(statement.clone());
            return None;
        }
        _ => {}
    }
    let name = name_of(statement);
    let found = statements
        .iter()
        .position(|s| name.is_some() && name_of(s) == name && same_kind(s, statement));
    match (found, statement) {
        (Some(i), _) => statements[i] = statement.clone(),
        (None, Statement::Output(output)) => {
            return Some(
                refused("add an output", output.span).with_hint(
                    "every version has the same outputs: declare it in the first version",
                ),
            );
        }
        (None, _) => statements.push(statement.clone()),
    }
    None
}

/// The name a statement defines, for putting a later one in its place.
fn name_of(statement: &Statement) -> Option<&str> {
    match statement {
        Statement::Item(i) => Some(&i.name.name),
        Statement::Grade(g) => Some(&g.name.name),
        Statement::Output(o) => Some(&o.name.name),
        Statement::Veto(v) => v.name.as_ref().map(|n| n.name.as_str()),
        Statement::Fixture(f) => Some(&f.name.name),
        _ => None,
    }
}

/// Whether a later statement can stand in the earlier one's place: items and grades
/// share their names, the others each have their own.
fn same_kind(earlier: &Statement, later: &Statement) -> bool {
    let kind = |s: &Statement| match s {
        Statement::Item(_) | Statement::Grade(_) => 0,
        Statement::Output(_) => 1,
        Statement::Veto(_) => 2,
        _ => 3,
    };
    kind(earlier) == kind(later)
}

/// The dates of the versions must rise, and a ruleset that scores records together
/// has one version (its groups are of one month and one version).
pub(crate) fn check_dates(
    models: &[Option<crate::check::model::Model>],
    files: &[RuleFile],
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    if files.len() < 2 {
        return diagnostics;
    }
    let version_span = |file: &RuleFile| {
        file.statements.iter().find_map(|s| match s {
            Statement::Version(_, _, span) => Some(*span),
            _ => None,
        })
    };
    let mut previous = None;
    for (model, file) in models.iter().zip(files) {
        let (Some(model), Some(span)) = (model, version_span(file)) else {
            continue;
        };
        let together = model.items.iter().any(|i| {
            use crate::check::model::Body;
            matches!(
                i.body,
                Body::Aggregate(_) | Body::Rank(_) | Body::Distribution(_) | Body::Share(_)
            )
        });
        if together {
            diagnostics.push(
                Diagnostic::error(
                    codes::VERSION,
                    "versions by date are for rulesets that score each record on its own; this one scores records together",
                    span,
                )
                .with_label("a version by date")
                .with_hint("keep one version in the file, and keep the file of each version apart"),
            );
            return diagnostics;
        }
        if model.period.is_none() {
            diagnostics.push(
                Diagnostic::error(
                    codes::VERSION,
                    "versions by date need each record's month, and this ruleset scores no period",
                    span,
                )
                .with_label("a version by date")
                .with_hint("say which column places each record in a month, as in `period month from month`"),
            );
            return diagnostics;
        }
        if let (Some(before), Some(from)) = (previous, model.effective_from)
            && from <= before
        {
            diagnostics.push(
                Diagnostic::error(
                    codes::VERSION,
                    "this version takes effect no later than the one before it",
                    span,
                )
                .with_label("out of order")
                .with_hint(
                    "write the versions in the order of their dates, each later than the last",
                ),
            );
        }
        previous = model.effective_from.or(previous);
    }
    diagnostics
}
