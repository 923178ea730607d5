//! Limits against hostile input, and the statement boundaries used to recover after
//! a syntax error.
//!
//! The parser and every later stage recurse over expressions, so nesting is bounded
//! before pest sees the text, chains of operators are bounded while building, and
//! the finished tree's depth is checked without recursion.

use super::ast::{Expr, ExprKind, Statement};
use crate::diagnostic::{Diagnostic, Span, codes};

/// Most levels of parentheses plus `if`s in one statement.
pub const MAX_NESTING: usize = 64;
/// Most operators in one chain such as `a + b + c`; below [`MAX_DEPTH`], so a long
/// chain is reported as such while it is built.
pub const MAX_CHAIN: usize = 200;
/// Most levels in a finished expression tree.
pub const MAX_DEPTH: usize = 256;

/// The offset in `rest` where the statement starting in it ends: the next line that
/// begins at column 0 with a statement keyword, after the first line with content.
/// The parser never reads past it, so limits checked on this text hold for pest.
pub fn statement_end(rest: &str) -> usize {
    let first = first_content(rest);
    next_statement_after(rest, first)
}

/// The start of the first line after the one holding `at` that begins, at column 0,
/// with a statement keyword; `rest.len()` if none does.
pub fn next_statement_after(rest: &str, at: usize) -> usize {
    let mut line_start = match rest.get(at..).and_then(|s| s.find('\n')) {
        Some(i) => at + i + 1,
        None => return rest.len(),
    };
    while line_start < rest.len() {
        let line = &rest[line_start..];
        if starts_statement(line) {
            return line_start;
        }
        match line.find('\n') {
            Some(i) => line_start += i + 1,
            None => return rest.len(),
        }
    }
    rest.len()
}

fn starts_statement(line: &str) -> bool {
    super::keywords::statement_keywords().any(|k| {
        line.strip_prefix(k.word)
            .is_some_and(|after| !after.chars().next().is_some_and(is_word_char))
    })
}

/// The offset of the first character that is neither whitespace nor in a comment.
pub fn first_content(rest: &str) -> usize {
    let mut in_comment = false;
    for (i, c) in rest.char_indices() {
        match c {
            '\n' => in_comment = false,
            '#' => in_comment = true,
            c if !in_comment && !c.is_whitespace() => return i,
            _ => {}
        }
    }
    rest.len()
}

/// Rejects a statement whose parentheses and `if`s nest deeper than [`MAX_NESTING`],
/// before pest recurses into it.
pub fn check_nesting(chunk: &str, offset: usize) -> Result<(), Box<Diagnostic>> {
    // `if`s opened at each level of parentheses; an `if` inside parentheses ends
    // with them, while `else if` chains at one level really do nest.
    let mut ifs_at_level: Vec<usize> = vec![0];
    let mut depth = 0usize;
    let mut ifs = 0usize;
    let mut in_string = false;
    let mut in_comment = false;
    let mut previous = ' ';
    let bytes = chunk.as_bytes();
    for (i, c) in chunk.char_indices() {
        match c {
            '\n' => {
                in_comment = false;
                in_string = false;
                // A table row starts a new formula: `if`s of the rows above are closed.
                if ifs_at_level.len() == 1 && starts_row(&chunk[i + 1..]) {
                    ifs -= ifs_at_level[0];
                    ifs_at_level[0] = 0;
                }
            }
            _ if in_comment => {}
            '"' => in_string = !in_string,
            _ if in_string => {}
            '#' => in_comment = true,
            '(' => {
                depth += 1;
                ifs_at_level.push(0);
            }
            ')' if ifs_at_level.len() > 1 => {
                depth -= 1;
                ifs -= ifs_at_level.pop().unwrap_or(0);
            }
            'i' if !is_word_char(previous)
                && bytes.get(i + 1) == Some(&b'f')
                && !chunk[i + 2..].chars().next().is_some_and(is_word_char) =>
            {
                ifs += 1;
                if let Some(level) = ifs_at_level.last_mut() {
                    *level += 1;
                }
            }
            _ => {}
        }
        if depth + ifs > MAX_NESTING {
            return Err(too_deep(
                Span::new(offset + i, offset + i + c.len_utf8()),
                format!(
                    "this statement nests parentheses and `if`s more than {MAX_NESTING} levels deep"
                ),
            ));
        }
        previous = c;
    }
    Ok(())
}

/// Whether a line is a tier or grade row: a comparison or `else` first.
fn starts_row(line: &str) -> bool {
    let line = line.trim_start_matches([' ', '\t']);
    [">", "<", "else"].iter().any(|p| line.starts_with(p))
}

fn is_word_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// The error for input nested or chained beyond a limit.
pub fn too_deep(span: Span, message: String) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error(codes::TOO_DEEP, message, span)
            .with_label("too deep")
            .with_hint("split the formula into several `let` items"),
    )
}

/// Rejects a statement holding an expression tree deeper than [`MAX_DEPTH`], walking
/// it with an explicit stack.
pub fn check_depth(statement: &Statement) -> Result<(), Box<Diagnostic>> {
    let mut stack: Vec<(&Expr, usize)> = statement.exprs().into_iter().map(|e| (e, 1)).collect();
    while let Some((expr, depth)) = stack.pop() {
        if depth > MAX_DEPTH {
            return Err(too_deep(
                expr.span,
                format!("this expression is more than {MAX_DEPTH} levels deep"),
            ));
        }
        match &expr.kind {
            ExprKind::Literal(_) | ExprKind::Name(_) => {}
            ExprKind::Field(e, _) | ExprKind::Neg(e) | ExprKind::Not(e) => {
                stack.push((e, depth + 1))
            }
            ExprKind::Call(_, args) => stack.extend(args.iter().map(|a| (a, depth + 1))),
            ExprKind::Aggregate(a) => {
                stack.extend(a.value.iter().chain(&a.filter).map(|e| (&**e, depth + 1)))
            }
            ExprKind::Binary(_, l, r) => {
                stack.push((l, depth + 1));
                stack.push((r, depth + 1));
            }
            ExprKind::If(c, t, e) => {
                stack.push((c, depth + 1));
                stack.push((t, depth + 1));
                stack.push((e, depth + 1));
            }
        }
    }
    Ok(())
}
