//! Values whose exact numerator or denominator outgrows 64 bits, through the public
//! API only: they are computed exactly, as big integers, rather than refused.
//!
//! Expected values are computed independently: the fixed ones with Python's
//! `fractions.Fraction` and written here as literals, the generated ones with
//! `num_rational::BigRational`.

use kpi::{Outcome, OutputValue, Ruleset, ScoreError};
use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive, Zero};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// Twelve months of calls answered and offered; no two denominators share a factor
/// with many others, so the exact mean of the twelve rates has a denominator of 42
/// digits.
const MONTHS: [(u32, u32); 12] = [
    (2401, 2533),
    (2467, 2611),
    (2390, 2521),
    (2512, 2647),
    (2455, 2593),
    (2380, 2503),
    (2498, 2621),
    (2444, 2579),
    (2471, 2609),
    (2403, 2539),
    (2436, 2557),
    (2489, 2617),
];

fn compile(text: &str) -> Ruleset {
    match Ruleset::compile(text) {
        Ok(ruleset) => ruleset,
        Err(diagnostics) => panic!("rule file did not compile:\n{text}\n{diagnostics:?}"),
    }
}

fn score(ruleset: &Ruleset, fields: &[(String, String)]) -> Result<Outcome, ScoreError> {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let record = ruleset
        .record(&pairs)
        .unwrap_or_else(|e| panic!("bad record {pairs:?}: {e:?}"));
    ruleset.evaluate(&record)
}

fn output(outcome: &Outcome, name: &str) -> String {
    outcome
        .get(name)
        .unwrap_or_else(|| panic!("no output {name}"))
        .to_string()
}

/// A rule file scoring the mean of twelve monthly answer rates, and the pooled rate.
fn twelve_months() -> String {
    let mut text = String::from("ruleset t\nkey id\ninput id text\n");
    for m in 1..=12 {
        text.push_str(&format!("input a{m} count\ninput o{m} count\n"));
    }
    for m in 1..=12 {
        text.push_str(&format!("let rate{m} = a{m} / o{m}, when zero 100%\n"));
    }
    let rates: Vec<String> = (1..=12).map(|m| format!("rate{m}")).collect();
    let answered: Vec<String> = (1..=12).map(|m| format!("a{m}")).collect();
    let offered: Vec<String> = (1..=12).map(|m| format!("o{m}")).collect();
    text.push_str(&format!("let mean_rate = ({}) / 12\n", rates.join(" + ")));
    text.push_str(&format!(
        "let pooled_rate = ({}) / ({}), when zero 100%\n",
        answered.join(" + "),
        offered.join(" + ")
    ));
    // The mean is 94.8787160310…%: it meets the second row, not the first, which a
    // value cut to 10 digits or more coarsely rounded would not tell apart.
    text.push_str(
        "score mean_score = tiers mean_rate\n\
         \x20 >= 94.878716032% : 100\n\
         \x20 >= 94.878716031% : 80\n\
         \x20 else : 0\n\
         score mean_or_pooled = tiers mean_rate\n\
         \x20 >= 94.87874% : 1\n\
         \x20 else : 0\n\
         score pooled_score = tiers pooled_rate\n\
         \x20 >= 94.87874% : 1\n\
         \x20 else : 0\n\
         let back = mean_rate - (",
    );
    text.push_str(&rates.join(" + "));
    text.push_str(
        ") / 12 + rate1 - rate1\n\
         output mean = round(mean_rate, 2, half_up)\n\
         output mean_cut = round(mean_rate, 6, down)\n\
         output mean_even = round(mean_rate, 3, half_even)\n\
         output score = mean_score\n\
         output mean_or_pooled = mean_or_pooled\n\
         output pooled = pooled_score\n\
         output pooled_rate = round(pooled_rate, 6, half_up)\n\
         output back = back\n",
    );
    text
}

fn month_fields() -> Vec<(String, String)> {
    let mut fields = vec![("id".to_string(), "A1".to_string())];
    for (m, (answered, offered)) in MONTHS.iter().enumerate() {
        fields.push((format!("a{}", m + 1), answered.to_string()));
        fields.push((format!("o{}", m + 1), offered.to_string()));
    }
    fields
}

#[test]
fn a_mean_of_twelve_monthly_rates_is_exact() {
    let ruleset = compile(&twelve_months());
    let outcome = score(&ruleset, &month_fields()).expect("the mean of twelve rates scores");
    // From Python: m = sum(Fraction(a, o) for a, o in MONTHS) / 12, whose
    // denominator is 171653160593464177786334674318022754004558;
    // 100 * m = 94.87871603102284493365713110834977838972...
    assert_eq!(output(&outcome, "mean"), "94.88%");
    assert_eq!(output(&outcome, "mean_cut"), "94.878716%");
    assert_eq!(output(&outcome, "mean_even"), "94.879%");
    // The exact tier: 94.878716031% <= mean < 94.878716032%.
    assert_eq!(output(&outcome, "score"), "80");
    // The pooled rate, 97820/1031 % = 94.8787584869…%, meets a threshold the mean
    // misses.
    assert_eq!(output(&outcome, "mean_or_pooled"), "0");
    assert_eq!(output(&outcome, "pooled"), "1");
    assert_eq!(output(&outcome, "pooled_rate"), "94.878758%");
    // The mean less the same mean computed again is exactly zero.
    assert_eq!(output(&outcome, "back"), "0%");
}

#[test]
fn the_explanation_shows_a_big_value_like_any_other() {
    let ruleset = compile(&twelve_months());
    let fields = month_fields();
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let record = ruleset.record(&pairs).unwrap();
    let (_, explanation) = ruleset.explain(&record).expect("explains");
    let step = explanation
        .items
        .iter()
        .find(|s| s.name == "mean_rate")
        .expect("the mean's step");
    assert_eq!(step.value, "94.878716…%");
}

#[test]
fn an_input_of_more_than_18_digits_is_read_and_kept_exactly() {
    let ruleset = compile(
        "ruleset t\nkey id\ninput id text\ninput x number\ninput y number\n\
         output sum = x + y\noutput cents = round(x / 3, 2, half_up)\n\
         output exact = x * 1000000000 / 1000000000\n",
    );
    let fields = [
        ("id".to_string(), "A".to_string()),
        ("x".to_string(), "1234567890123456789012.5".to_string()),
        ("y".to_string(), "0.0001".to_string()),
    ];
    let outcome = score(&ruleset, &fields).unwrap();
    assert_eq!(output(&outcome, "sum"), "1234567890123456789012.5001");
    // 1234567890123456789012.5 / 3 = 411522630041152263004.1666…
    assert_eq!(output(&outcome, "cents"), "411522630041152263004.17");
    assert_eq!(output(&outcome, "exact"), "1234567890123456789012.5");
}

#[test]
fn an_output_longer_than_an_output_holds_says_to_round() {
    let ruleset = compile(
        "ruleset t\nkey id\ninput id text\ninput x number\n\
         let sq = x * x\noutput square = sq\n",
    );
    let fields = [
        ("id".to_string(), "A".to_string()),
        ("x".to_string(), "100000000000000000000.5".to_string()),
    ];
    let error = score(&ruleset, &fields).unwrap_err();
    assert_eq!(error.name, "square");
    assert_eq!(
        error.message,
        "output `square` = sq has more digits than an output can carry (28 in all); \
         round it to fewer decimal places, or look for a misplaced digit in the record's inputs"
    );
}

#[test]
fn only_a_runaway_value_is_too_large() {
    // Each item squares the one before: x^(2^9) has some 14,000 digits.
    let mut text = String::from("ruleset t\nkey id\ninput id text\ninput x number\nlet p0 = x\n");
    for i in 1..=9 {
        text.push_str(&format!("let p{i} = p{} * p{}\n", i - 1, i - 1));
    }
    text.push_str("output o = round(p9, 2, half_up)\n");
    let ruleset = compile(&text);
    let fields = [
        ("id".to_string(), "A".to_string()),
        ("x".to_string(), "123456789012345678901234567.8".to_string()),
    ];
    let error = score(&ruleset, &fields).unwrap_err();
    // p7 = x^128 has about 3,460 digits and is kept; p8 would have about 6,920.
    assert_eq!(error.name, "p8");
    assert_eq!(
        error.message,
        "computing item `p8` = p7 * p7 needs a value of more than 4000 digits, far beyond \
         any real figure; look for a misplaced digit in the record's inputs, or a formula \
         that multiplies a value by itself again and again"
    );
}

// ------------------------------------------------ generated chains of operations

#[derive(Debug, Clone, Copy)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

impl Op {
    fn symbol(self) -> &'static str {
        match self {
            Op::Add => "+",
            Op::Sub => "-",
            Op::Mul => "*",
            Op::Div => "/",
        }
    }

    fn apply(self, a: &BigRational, b: &BigRational) -> Option<BigRational> {
        Some(match self {
            Op::Add => a + b,
            Op::Sub => a - b,
            Op::Mul => a * b,
            Op::Div if b.is_zero() => return None,
            Op::Div => a / b,
        })
    }
}

const INPUTS: usize = 6;

/// A decimal input: up to 18 digits in all, so that a few products cross 64 bits.
fn input_value() -> impl Strategy<Value = (i64, u32)> {
    let mantissa = prop_oneof![
        2 => -1_000i64..=1_000,
        2 => -10_000_000_000i64..=10_000_000_000,
        1 => -999_999_999_999_999_999i64..=999_999_999_999_999_999,
        1 => Just(0i64),
    ];
    (mantissa, 0u32..=6)
}

fn decimal_text((mantissa, scale): (i64, u32)) -> String {
    Decimal::new(mantissa, scale).to_string()
}

fn exact((mantissa, scale): (i64, u32)) -> BigRational {
    BigRational::new(mantissa.into(), BigInt::from(10).pow(scale))
}

/// Rounds half away from zero to 6 places: the scaled integer.
fn half_up_millionths(value: &BigRational) -> BigInt {
    let scaled = value * BigRational::from_integer(BigInt::from(1_000_000));
    let (quotient, remainder) = scaled.numer().div_rem(scaled.denom());
    if remainder.abs() * 2 >= *scaled.denom() {
        quotient + scaled.numer().signum()
    } else {
        quotient
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A chain of operations over decimal inputs, with values on both sides of 64
    /// bits, gives exactly what big rationals give: the same rounded output, the same
    /// comparison, or the same division by zero.
    #[test]
    fn chains_of_operations_agree_with_big_rationals(
        values in proptest::collection::vec(input_value(), INPUTS),
        first in 0..INPUTS,
        steps in proptest::collection::vec(
            (prop_oneof![Just(Op::Add), Just(Op::Sub), Just(Op::Mul), Just(Op::Div)], 0..INPUTS),
            1..10,
        ),
    ) {
        let mut formula = format!("x{first}");
        let mut expected = Some(exact(values[first]));
        for (op, input) in &steps {
            formula = format!("({formula} {} x{input})", op.symbol());
            expected = expected.and_then(|v| op.apply(&v, &exact(values[*input])));
        }
        let mut text = String::from("ruleset t\nkey id\ninput id text\n");
        for i in 0..INPUTS {
            text.push_str(&format!("input x{i} number\n"));
        }
        text.push_str(&format!(
            "let v = {formula}\noutput o = round(v, 6, half_up)\noutput above = v >= x0\n"
        ));
        let ruleset = compile(&text);
        let mut fields = vec![("id".to_string(), "A".to_string())];
        for (i, value) in values.iter().enumerate() {
            fields.push((format!("x{i}"), decimal_text(*value)));
        }
        let result = score(&ruleset, &fields);
        let Some(expected) = expected else {
            let error = result.expect_err("a division by zero");
            prop_assert!(error.message.starts_with("division by zero in item `v`"), "{}", error.message);
            return Ok(());
        };
        let millionths = half_up_millionths(&expected);
        let printable = millionths
            .to_i128()
            .and_then(|m| Decimal::try_from_i128_with_scale(m, 6).ok());
        match (result, printable) {
            (Ok(outcome), Some(rounded)) => {
                prop_assert_eq!(outcome.get("o"), Some(&OutputValue::Number(rounded)));
                let above = expected >= exact(values[0]);
                prop_assert_eq!(outcome.get("above"), Some(&OutputValue::Bool(above)));
            }
            (Err(error), None) => {
                prop_assert_eq!(&error.name, "o");
                prop_assert!(error.message.contains("more digits than an output can carry"));
            }
            (result, printable) => {
                prop_assert!(false, "{formula}: kpi gave {result:?}, expected {printable:?}");
            }
        }
    }
}
