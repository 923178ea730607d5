//! Arbitrary records scored by the three shipped rulesets: no value makes `record`,
//! `evaluate` or `explain` panic; the fast and traced paths agree (one succeeds iff
//! the other does, with the same outputs, or the same error); every explanation
//! renders as text (zh, en), Markdown, HTML and JSON, and its JSON reads back equal.

#![no_main]

use std::sync::OnceLock;

use arbitrary::{Arbitrary, Result, Unstructured};
use kpi::InputInfo;
use kpi::InputType;
use kpi::Ruleset;
use kpi::explain::{Explanation, Format, Lang};
use libfuzzer_sys::fuzz_target;

static RULESETS: OnceLock<[Ruleset; 3]> = OnceLock::new();

fn rulesets() -> &'static [Ruleset; 3] {
    RULESETS.get_or_init(|| {
        [
            include_str!("../../rulesets/agent_monthly.kpi"),
            include_str!("../../rulesets/thresholds.kpi"),
            include_str!("../../rulesets/team_leader_quarterly.kpi"),
        ]
        .map(|text| Ruleset::compile(text).expect("a shipped ruleset compiles"))
    })
}

/// Shapes of value text likely to find an edge.
#[derive(Arbitrary, Debug)]
enum Shape {
    Small(u8),
    Int(u64),
    Wide(i128),
    /// Many decimal places: `whole.fraction`, the fraction zero-padded to `places`.
    Decimal {
        whole: u64,
        fraction: u64,
        places: u8,
    },
    Negative {
        whole: u32,
        fraction: u16,
    },
    Percent {
        figure: i16,
        tenths: u8,
    },
    Empty,
    /// A run of `len` copies of one digit (past 28 digits, too many to be exact).
    Huge {
        digit: u8,
        len: u8,
    },
    Bool(bool),
    Text(String),
    /// A number with blanks round it.
    Padded(u16),
}

impl Shape {
    fn text(self) -> String {
        match self {
            Shape::Small(n) => n.to_string(),
            Shape::Int(n) => n.to_string(),
            Shape::Wide(n) => n.to_string(),
            Shape::Decimal {
                whole,
                fraction,
                places,
            } => {
                let places = usize::from(places % 40);
                format!("{whole}.{fraction:0places$}")
            }
            Shape::Negative { whole, fraction } => format!("-{whole}.{fraction}"),
            Shape::Percent { figure, tenths } => format!("{figure}.{}%", tenths % 10),
            Shape::Empty => String::new(),
            Shape::Huge { digit, len } => {
                let digit = char::from(b'0' + digit % 10);
                std::iter::repeat_n(digit, usize::from(len % 64) + 1).collect()
            }
            Shape::Bool(b) => b.to_string(),
            Shape::Text(t) => t,
            Shape::Padded(n) => format!(" \t{n} "),
        }
    }
}

/// A value of the input's own type, inside the shipped rulesets' ranges, so that
/// whole records get past validation and reach the evaluator.
fn typed(input: InputInfo, n: u32) -> String {
    match input.input_type() {
        InputType::Text => format!("E{:02}", n % 100),
        InputType::Bool => (n % 2 == 1).to_string(),
        InputType::Count => (n % 3001).to_string(),
        InputType::Number => {
            let n = n % 10001;
            format!("{}.{:02}", n / 100, n % 100)
        }
        InputType::Percent => {
            let n = n % 1001;
            format!("{}.{}%", n / 10, n % 10)
        }
        InputType::Money | InputType::Points => format!("{}.{:02}", n / 100, n % 100),
        InputType::Date => format!("2026-{:02}-{:02}", n % 12 + 1, n % 28 + 1),
        InputType::Month => format!("2026-{:02}", n % 12 + 1),
    }
}

fn value(u: &mut Unstructured, input: InputInfo) -> Result<Option<String>> {
    if u.ratio(1, 64)? {
        return Ok(None); // missing
    }
    if u.ratio(3, 4)? {
        return Ok(Some(typed(input, u.arbitrary()?)));
    }
    Ok(Some(Shape::arbitrary(u)?.text()))
}

fn check(explanation: &Explanation) {
    for lang in [Lang::Zh, Lang::En] {
        let _ = explanation.render(Format::Text, lang);
        let _ = explanation.render(Format::Markdown, lang);
        let _ = explanation.render(Format::Html, lang);
    }
    let json = explanation.render(Format::Json, Lang::En);
    assert_eq!(json, explanation.to_json());
    let back = Explanation::from_json(&json).expect("an explanation's JSON reads back");
    assert_eq!(&back, explanation, "the JSON did not read back equal");
}

fn run(u: &mut Unstructured) -> Result<()> {
    let rulesets = rulesets();
    let ruleset = &rulesets[usize::from(u.arbitrary::<u8>()?) % rulesets.len()];
    let mut fields: Vec<(String, String)> = Vec::new();
    for input in ruleset.inputs() {
        if let Some(v) = value(u, input)? {
            fields.push((input.name().to_string(), v));
        }
    }
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let record = match ruleset.record(&pairs) {
        Ok(record) => record,
        Err(errors) => {
            assert!(!errors.is_empty(), "a bad record came with no error");
            for error in errors {
                let _ = error.to_string();
            }
            return Ok(());
        }
    };
    let fast = ruleset.evaluate(&record);
    let traced = ruleset.explain(&record);
    match (&fast, &traced) {
        (Ok(outcome), Ok((traced_outcome, explanation))) => {
            assert_eq!(outcome, traced_outcome, "evaluate and explain disagree");
            for value in &outcome.values {
                let _ = value.to_string();
            }
            check(explanation);
        }
        (Err(fast), Err(traced)) => {
            assert_eq!(fast, traced, "evaluate and explain fail differently");
            let _ = fast.to_string();
        }
        _ => panic!(
            "one path succeeded and the other failed: evaluate {:?}, explain {:?}",
            fast,
            traced.as_ref().map(|(o, _)| o)
        ),
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});
