//! Checker tests: names, types and units, order, tables.

use super::check;
use super::model::{Body, Model};
use super::types::Type;
use crate::diagnostic::{Diagnostic, SourceFile, codes};
use crate::syntax::parse;

const HEADER: &str = "ruleset t\ncurrency CNY\nkey id\ninput id text\n\
    input n count\ninput m count\ninput amount money\ninput rate percent\ninput qa number 0..100\n";

fn checked(body: &str) -> (Option<Model>, Vec<Diagnostic>) {
    let source = SourceFile::new("t.kpi", format!("{HEADER}{body}"));
    let (file, syntax) = parse(&source);
    assert!(syntax.is_empty(), "{syntax:?}");
    check(&file)
}

fn model(body: &str) -> Model {
    let (model, diagnostics) = checked(body);
    let errors: Vec<_> = diagnostics
        .iter()
        .filter(|d| d.severity == crate::diagnostic::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    model.unwrap()
}

fn codes_of(body: &str) -> Vec<&'static str> {
    let (model, diagnostics) = checked(body);
    assert!(model.is_none());
    diagnostics.iter().map(|d| d.code).collect()
}

fn item_type(model: &Model, name: &str) -> Type {
    model.items.iter().find(|i| i.name == name).unwrap().ty
}

#[test]
fn units_follow_the_operators() {
    let m = model(
        "let r = n / m, when zero 0%\nlet s = amount * rate\nlet c = n + m\nlet x = qa * 35%\n\
         let y = amount / amount\nlet z = n * 1.5",
    );
    assert_eq!(item_type(&m, "r"), Type::Percent);
    assert_eq!(item_type(&m, "s"), Type::Money);
    assert_eq!(item_type(&m, "c"), Type::Count);
    assert_eq!(item_type(&m, "x"), Type::Number);
    assert_eq!(item_type(&m, "y"), Type::Percent);
    assert_eq!(item_type(&m, "z"), Type::Number);
}

#[test]
fn unit_mismatches_are_errors() {
    assert_eq!(codes_of("let a = amount + n"), vec![codes::TYPE_MISMATCH]);
    assert_eq!(codes_of("let a = rate >= 95"), vec![codes::TYPE_MISMATCH]);
    assert_eq!(
        codes_of("let a = rate < amount"),
        vec![codes::TYPE_MISMATCH]
    );
    assert_eq!(
        codes_of("let a = amount * amount"),
        vec![codes::TYPE_MISMATCH]
    );
    assert_eq!(codes_of("let a = 5 USD"), vec![codes::CURRENCY]);
    assert_eq!(
        codes_of("let a = if qa then 1 else 2"),
        vec![codes::NOT_A_CONDITION]
    );
}

#[test]
fn items_are_ordered_by_dependency_not_by_position() {
    let m = model("let b = a + 1\nlet a = n * 2\nlet c = b + a");
    let order: Vec<&str> = m.items.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(order, vec!["a", "b", "c"]);
}

#[test]
fn a_cycle_names_its_members_in_order() {
    let (_, diagnostics) = checked("let a = b + 1\nlet b = c + 1\nlet c = a + 1\nlet d = a");
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0].code, codes::CYCLE);
    assert_eq!(
        diagnostics[0].message,
        "these items depend on each other in a circle: a → b → c → a"
    );
}

#[test]
fn unknown_names_suggest_the_closest_declared_one() {
    let (_, diagnostics) = checked("let a = amout * 2");
    assert_eq!(diagnostics[0].code, codes::UNKNOWN_NAME);
    assert_eq!(
        diagnostics[0].hint.as_deref(),
        Some("did you mean `amount`?")
    );
}

#[test]
fn duplicates_point_at_both_definitions() {
    let (_, diagnostics) = checked("let n = 1");
    assert_eq!(diagnostics[0].code, codes::DUPLICATE_NAME);
    assert_eq!(diagnostics[0].secondary[0].text, "first defined here");
}

#[test]
fn weights_must_total_exactly_one_hundred_percent() {
    let (_, diagnostics) = checked("let a = n\nlet b = m\nscore t = weighted\n a 33.3%\n b 66.6%");
    assert_eq!(diagnostics[0].code, codes::WEIGHTS);
    assert_eq!(
        diagnostics[0].message,
        "the weights add up to 99.9%, not 100%"
    );
    model("let a = n\nlet b = m\nscore t = weighted\n a 33.5%\n b 66.5%");
}

#[test]
fn tier_rows_must_be_reachable_and_end_in_else() {
    assert_eq!(
        codes_of("score s = tiers qa\n >= 80 : 1\n >= 90 : 2\n else : 0"),
        vec![codes::ROW_ORDER]
    );
    assert_eq!(
        codes_of("score s = tiers qa\n >= 80 : 1\n <= 90 : 2\n else : 0"),
        vec![codes::ROW_ORDER]
    );
    assert_eq!(
        codes_of("score s = tiers qa\n >= 80 : 1"),
        vec![codes::MISSING_ELSE]
    );
    // `>` then `>=` at the same threshold is fine: exactly 90 takes the second row.
    model("score s = tiers qa\n > 90 : 2\n >= 90 : 1\n else : 0");
    model("score s = tiers qa\n <= 10 : 2\n < 20 : 1\n else : 0");
}

#[test]
fn grades_carry_coefficients_on_every_row_or_none() {
    assert_eq!(
        codes_of("grade g by qa\n >= 90 : S coefficient 1.2\n else : D"),
        vec![codes::GRADE_ROWS]
    );
    let m = model(
        "grade g by qa\n >= 90 : S coefficient 1.2\n else : D coefficient 0\nlet c = g.coefficient",
    );
    let Body::Grade(scale) = &m.items[0].body else {
        panic!()
    };
    assert_eq!(scale.bands.len(), 2);
    assert_eq!(item_type(&m, "c"), Type::Number);
}

#[test]
fn vetoes_override_items_only() {
    assert_eq!(
        codes_of("veto \"r\" when qa < 60 : qa = 0"),
        vec![codes::VETO_TARGET]
    );
    let m = model("let t = qa\nveto \"r\" when qa < 60 : t = t * 50%");
    assert_eq!(m.items[0].vetoes.len(), 1);
}

#[test]
fn when_zero_guards_a_division_only() {
    assert_eq!(
        codes_of("let a = n + m, when zero 0"),
        vec![codes::ZERO_POLICY]
    );
    let m = model("let a = n / m, when zero error");
    assert!(matches!(
        m.items[0].body,
        Body::Ratio {
            when_zero: None,
            zero_error_written: true,
            ..
        }
    ));
}

#[test]
fn rounding_needs_places_and_a_named_mode() {
    assert_eq!(
        codes_of("output o = round(qa, 2)"),
        vec![codes::BAD_ARGUMENTS]
    );
    let (_, diagnostics) = checked("output o = round(qa, 2, half_upp)");
    assert_eq!(diagnostics[0].code, codes::BAD_ARGUMENTS);
    assert!(
        diagnostics[0]
            .hint
            .as_deref()
            .unwrap()
            .starts_with("did you mean `half_up`?")
    );
    assert_eq!(
        codes_of("output o = round(qa, 1.5, down)"),
        vec![codes::BAD_ARGUMENTS]
    );
}

#[test]
fn a_literal_zero_denominator_is_caught_before_any_record() {
    assert_eq!(codes_of("output o = n / 0"), vec![codes::DIVISION_BY_ZERO]);
}

#[test]
fn an_output_cannot_take_the_key_columns_name() {
    assert_eq!(codes_of("output id = n * 2"), vec![codes::DUPLICATE_NAME]);
}

#[test]
fn items_behind_a_cycle_are_still_checked() {
    let (_, diagnostics) = checked("let a = a + 1\nlet b = a + c\nlet c = b + zz");
    let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert!(messages.contains(&"these items depend on each other in a circle: a → a"));
    assert!(messages.contains(&"these items depend on each other in a circle: b → c → b"));
    assert!(messages.contains(&"unknown name `zz`"));
}

#[test]
fn a_clamped_value_is_bounded_by_the_clamp_not_by_the_value() {
    // clamp(sales, 0, quota) is below 1000 whenever quota is, whatever sales are.
    let (model, diagnostics) = checked(
        "input sales number 1000..1000000\ninput quota number\n\
         let credited = clamp(sales, 0, quota)\n\
         score s = tiers credited\n  >= 1000 : 1\n  else : 0\noutput o = s",
    );
    assert!(model.is_some(), "{diagnostics:?}");
    let codes: Vec<&str> = diagnostics.iter().map(|d| d.code).collect();
    assert!(
        !codes.contains(&codes::ROW_NEVER_MATCHES),
        "{diagnostics:?}"
    );
    let (_, diagnostics) = checked(
        "input sales number 1000..1000000\n\
         score s = tiers clamp(sales, 0, 10)\n  >= 20 : 1\n  else : 0\noutput o = s",
    );
    let never: Vec<&str> = diagnostics
        .iter()
        .filter(|d| d.code == codes::ROW_NEVER_MATCHES)
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        never,
        ["this row can never match: the value looked up is from 10 to 10"]
    );
}
