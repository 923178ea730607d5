//! Parser tests: statements, spans, recovery and limits.

use super::ast::*;
use super::parse;
use crate::diagnostic::{SourceFile, codes};

fn parse_ok(text: &str) -> Vec<Statement> {
    let (file, diagnostics) = parse(&SourceFile::new("t.kpi", text));
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    file.statements
}

fn errors(text: &str) -> Vec<(String, &'static str, (usize, usize))> {
    let source = SourceFile::new("t.kpi", text);
    let (_, diagnostics) = parse(&source);
    diagnostics
        .iter()
        .map(|d| {
            (
                d.message.clone(),
                d.code,
                source.line_col(d.primary.span.start),
            )
        })
        .collect()
}

#[test]
fn reads_a_tier_table_with_spans_that_stop_at_the_last_token() {
    let text = "score s \"得分 / Score\" = tiers rate\n  >= 95% : 100   # top\n  else : 0\n";
    let statements = parse_ok(text);
    let [Statement::Item(item)] = statements.as_slice() else {
        panic!("{statements:?}")
    };
    assert_eq!(item.kind, ItemKind::Score);
    assert_eq!(item.label.as_ref().unwrap().text, "得分 / Score");
    let ItemBody::Tiers(table) = &item.body else {
        panic!()
    };
    assert_eq!(table.rows.len(), 1);
    assert_eq!(table.rows[0].op, CmpOp::Ge);
    assert_eq!(
        &text[table.rows[0].span.start..table.rows[0].span.end],
        ">= 95% : 100"
    );
    assert!(table.otherwise.is_some());
}

#[test]
fn unicode_names_money_and_percent_literals() {
    let statements = parse_ok("bonus 表扬奖 = ¥50 per 表扬件, cap 300 CNY\nlet r = 95% + 0.5");
    let Statement::Item(item) = &statements[0] else {
        panic!()
    };
    assert_eq!(item.name.name, "表扬奖");
    let ItemBody::Per { amount, .. } = &item.body else {
        panic!()
    };
    assert!(matches!(
        &amount.kind,
        ExprKind::Literal(Literal { kind: LiteralKind::Money(d, c), .. }) if d.to_string() == "50" && c == "CNY"
    ));
    assert_eq!(item.clauses.len(), 1);
}

#[test]
fn precedence_is_arithmetic_then_comparison_then_logic() {
    let statements = parse_ok("let c = a + b * 2 >= 10 and not d");
    let Statement::Item(item) = &statements[0] else {
        panic!()
    };
    let ItemBody::Expr(expr) = &item.body else {
        panic!()
    };
    let ExprKind::Binary(BinOp::And, left, right) = &expr.kind else {
        panic!("{expr:?}")
    };
    assert!(matches!(right.kind, ExprKind::Not(_)));
    let ExprKind::Binary(BinOp::Cmp(CmpOp::Ge), sum, _) = &left.kind else {
        panic!()
    };
    let ExprKind::Binary(BinOp::Add, _, product) = &sum.kind else {
        panic!()
    };
    assert!(matches!(product.kind, ExprKind::Binary(BinOp::Mul, _, _)));
}

#[test]
fn statement_keywords_score_and_grade_stay_usable_as_output_names() {
    let statements = parse_ok("output score = round(total, 2, half_up)\noutput grade = level");
    assert_eq!(statements.len(), 2);
}

#[test]
fn reports_every_broken_statement_in_one_run() {
    let found = errors(
        "let a = b c\nlet ok = 1\nscore t = tiers a\n  >= 9  1\n  else : 0\noutput x = 1 +\n",
    );
    let codes_only: Vec<_> = found.iter().map(|(_, code, _)| *code).collect();
    assert_eq!(codes_only, vec![codes::SYNTAX; 3]);
    assert_eq!(found[0].2, (1, 11));
    assert_eq!(found[1].0, "expected `:`, found `1`");
    assert_eq!(found[1].2, (4, 9));
    assert_eq!(found[2].2, (7, 1));
}

#[test]
fn a_reserved_word_as_a_name_says_so() {
    let source = SourceFile::new("t.kpi", "let from = 1");
    let (_, diagnostics) = parse(&source);
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(
        diagnostics[0].hint.as_deref(),
        Some("`from` is a reserved word; choose another name")
    );
}

#[test]
fn nesting_beyond_the_limit_is_an_error_not_a_crash() {
    let deep = format!("let x = {}1{}", "(".repeat(10_000), ")".repeat(10_000));
    assert_eq!(errors(&deep)[0].1, codes::TOO_DEEP);
    let chain = format!("let x = 1{}", " + 1".repeat(2_000));
    assert_eq!(errors(&chain)[0].1, codes::TOO_DEEP);
    let negations = format!("let x = {}1", "-".repeat(2_000));
    assert_eq!(errors(&negations)[0].1, codes::TOO_DEEP);
}

#[test]
fn separate_ifs_do_not_add_up_to_the_nesting_limit() {
    let many = (0..100)
        .map(|i| format!("(if a > {i} then 1 else 0)"))
        .collect::<Vec<_>>()
        .join(" + ");
    parse_ok(&format!("let x = {many}"));
}

#[test]
fn numbers_with_too_many_digits_are_rejected() {
    let found = errors("let x = 12345678901234567890123456789012");
    assert_eq!(found[0].1, codes::NUMBER_TOO_LONG);
}

#[test]
fn an_if_in_a_tier_row_stops_before_the_next_row() {
    let statements =
        parse_ok("score s = tiers x\n  >= 10 : if a then 100 else 50\n  >= 5 : 20\n  else : 0");
    let [Statement::Item(item)] = statements.as_slice() else {
        panic!("{statements:?}")
    };
    let ItemBody::Tiers(table) = &item.body else {
        panic!()
    };
    assert_eq!(table.rows.len(), 2);
}

#[test]
fn sibling_ifs_in_many_rows_are_not_nesting() {
    let rows: String = (0..100)
        .map(|i| format!("  >= {} : if a then {i} else 0\n", 200 - i))
        .collect();
    parse_ok(&format!("score s = tiers x\n{rows}  else : 0"));
}

#[test]
fn every_reserved_word_is_refused_as_a_name() {
    let reserved = super::keywords::KEYWORDS.iter().filter(|k| k.reserved);
    for word in reserved.map(|k| k.word) {
        let source = SourceFile::new("t.kpi", format!("let {word} = 1"));
        let (_, diagnostics) = parse(&source);
        assert_eq!(diagnostics.len(), 1, "{word}");
    }
}

#[test]
fn statements_on_one_line_and_on_lines_of_their_own_are_all_read() {
    let text = "ruleset t key id\ninput id text input n number\n# note\n\
                let a = n + 1 let b = a * 2\noutput o = b";
    assert_eq!(parse_ok(text).len(), 7);
    // An error on a shared line is reported, and the statements after it still read.
    let errors = errors("ruleset t key id input n number let a = n + + 1\noutput o = n");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].2.0, 1);
}
