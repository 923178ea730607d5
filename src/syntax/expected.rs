//! Syntax errors in plain words: every grammar rule pest may say it expected is
//! named in prose, and the position is converted by us, not by pest.

use pest::error::{Error, ErrorVariant, InputLocation};

use std::sync::LazyLock;

use super::grammar::Rule;
use super::keywords;
use crate::diagnostic::{Diagnostic, Span, codes};

/// "a statement (ruleset, version, ... or test)", from the keyword table.
static STATEMENT: LazyLock<String> = LazyLock::new(|| {
    let words: Vec<&str> = keywords::statement_keywords().map(|k| k.word).collect();
    format!("a statement ({})", one_of(&words))
});

/// What a grammar rule is, in words a rule author knows.
fn describe(rule: Rule) -> &'static str {
    use Rule::*;
    match rule {
        ident | field => "a name",
        number => "a number such as 12 or 0.5",
        percent => "a percentage such as 95%",
        money => "an amount such as 50 CNY or ¥50",
        signed_literal => "a number, percentage or amount such as 95%",
        string | string_text => "a quoted label such as \"接通率 / Answer rate\"",
        currency_code => "a three-letter currency code such as CNY",
        input_type => "a type: count, number, percent, money, text or bool",
        range => "a range such as 0..100",
        cmp_op => "a comparison such as >= or <",
        add_op | mul_op => "an operator such as + or *",
        expr | or_expr | and_expr | not_expr | comparison | arith | term | unary | postfix
        | call | if_expr | boolean | neg_op | not_op => "a value or formula",
        tier_row => "a tier row such as `>= 95% : 100`",
        else_row | grade_else => "an `else : ...` row",
        grade_row => "a grade row such as `>= 90 : S coefficient 1.2`",
        coefficient => "`coefficient` and a number",
        linear_point => "a point such as `80% : 0`",
        weight_row => "a weight row such as `answer_score 35%`",
        when_zero => "`when zero` and a value",
        cap_clause => "`cap` and a limit",
        floor_clause => "`floor` and a limit",
        zero_error => "`error`",
        colon => "`:`",
        equals => "`=`",
        yuan_sign => "¥",
        item_kind | statement_at | statement_start | ruleset_decl | version_decl
        | currency_decl | key_decl | input_decl | item_decl | veto_decl | grade_decl
        | output_decl | fixture_decl | test_decl => &STATEMENT,
        tiers_body | linear_body | weighted_body | per_body => "a formula",
        given_row => "an input and its value such as `calls_offered = 1000`",
        expect_row => "an expected value such as `expect payout = 620.03`",
        case_value => "a value such as 1000, 95%, 50 CNY, \"T1\", true or a grade such as A",
        from_fixture => "`from` and a fixture's name",
        EOI => "a new statement",
        kw_count | kw_number | kw_percent | kw_money | kw_text | kw_bool => {
            "a type: count, number, percent, money, text or bool"
        }
        keyword => "a keyword",
        rule => keywords::keyword(rule).map_or("something else", |k| k.quoted),
    }
}

/// The token found at `at`: a word, one character, or the end of the file.
fn found_at(rest: &str, at: usize) -> String {
    let tail = rest.get(at..).unwrap_or("");
    let mut chars = tail.chars();
    match chars.next() {
        None => "the end of the file".to_string(),
        Some('\n') | Some('\r') => "the end of the line".to_string(),
        Some(c) if c.is_alphanumeric() || c == '_' => {
            let word: String = tail
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .take(40)
                .collect();
            format!("`{word}`")
        }
        Some(c) => format!("`{c}`"),
    }
}

const NEW_STATEMENT: &str = "a new statement";
const OPERATOR: &str = "an operator such as +, * or >=";

/// Folds the long lists pest gives into what a reader needs: statement keywords
/// become "a new statement", operators one entry, and the end of the file or a
/// currency code are not worth naming beside other choices.
fn simplify(expected: Vec<&'static str>) -> Vec<&'static str> {
    let statement = |e: &str| {
        e.starts_with("a statement") || keywords::statement_keywords().any(|k| k.quoted == e)
    };
    let operator = |e: &str| {
        e.starts_with("a comparison") || e.starts_with("an operator") || e == "`and`" || e == "`or`"
    };
    let has_statement = expected.iter().any(|e| statement(e));
    let many = expected.len() > 1;
    let mut out = Vec::new();
    for e in expected {
        let replaced = if statement(e) {
            NEW_STATEMENT
        } else if operator(e) {
            OPERATOR
        } else if many
            && (e == "the end of the file" && has_statement || e.starts_with("a three-letter"))
        {
            continue;
        } else {
            e
        };
        out.push(replaced);
    }
    // The operator reads best first, a new statement last.
    out.sort_by_key(|e| match *e {
        OPERATOR => 0,
        NEW_STATEMENT => 2,
        _ => 1,
    });
    out
}

/// Joins alternatives as "a, b or c".
fn one_of(items: &[&str]) -> String {
    match items {
        [] => "something else".to_string(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

/// Converts a pest error in a statement starting at `offset` into a diagnostic.
pub fn syntax_error(error: &Error<Rule>, rest: &str, offset: usize) -> Diagnostic {
    let at = match error.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let mut expected: Vec<&str> = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            positives.iter().map(|r| describe(*r)).collect()
        }
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    expected = simplify(expected);
    // Keep the order pest gives, without repeats.
    let mut seen = Vec::new();
    expected.retain(|e| {
        let fresh = !seen.contains(e);
        seen.push(*e);
        fresh
    });
    let tail = rest.get(at..).unwrap_or("");
    if tail.starts_with('"') && !tail[1..].split('\n').next().unwrap_or("").contains('"') {
        let span = Span::new(offset + at, offset + at + 1);
        return Diagnostic::error(codes::SYNTAX, "this quote is not closed on its line", span)
            .with_label("opened here")
            .with_hint("a label must open and close its quotes on one line");
    }
    let found = found_at(rest, at);
    let width = rest
        .get(at..)
        .and_then(|t| t.chars().next())
        .map_or(0, |c| if c == '\n' { 0 } else { c.len_utf8() });
    let span = Span::new(offset + at, offset + at + width);
    let message = format!("expected {}, found {}", one_of(&expected), found);
    let diagnostic = Diagnostic::error(codes::SYNTAX, message, span).with_label("here");
    match hint_for(&expected, rest, at) {
        Some(hint) => diagnostic.with_hint(hint),
        None => diagnostic,
    }
}

/// A hint for the commonest slips.
fn hint_for(expected: &[&str], rest: &str, at: usize) -> Option<String> {
    let tail = rest.get(at..).unwrap_or("");
    let word: String = tail
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();

    let wants_name = expected.contains(&"a name") || expected.contains(&"a value or formula");
    if keywords::is_reserved(&word) && wants_name {
        return Some(format!("`{word}` is a reserved word; choose another name"));
    }
    if expected.iter().any(|e| e.starts_with("a statement")) {
        return Some("each statement starts with a keyword such as `let` or `output`; a formula that goes on must use an operator such as + or *".to_string());
    }
    None
}

/// A statement that parsed into nothing.
pub fn unreadable(offset: usize) -> Diagnostic {
    Diagnostic::error(
        codes::SYNTAX,
        "this statement could not be read",
        Span::new(offset, offset),
    )
}
