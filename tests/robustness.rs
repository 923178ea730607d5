//! No input of any kind makes kpi panic: mangled rule files, random data files.

use kpi::Ruleset;
use proptest::prelude::*;

const RULESETS: [&str; 3] = [
    "rulesets/agent_monthly.kpi",
    "rulesets/thresholds.kpi",
    "rulesets/team_leader_quarterly.kpi",
];

fn source(index: usize) -> String {
    std::fs::read_to_string(RULESETS[index]).unwrap()
}

/// Pieces likely to confuse a parser or checker.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("(".to_string()),
        Just(")".to_string()),
        Just("\"".to_string()),
        Just("\n".to_string()),
        Just(" if ".to_string()),
        Just(" / 0".to_string()),
        Just("%".to_string()),
        Just("¥".to_string()),
        Just("接通率".to_string()),
        Just(" >= ".to_string()),
        Just(", when zero ".to_string()),
        Just(" veto \"x\" when true : total = ".to_string()),
        Just("99999999999999999999999999".to_string()),
        Just("#".to_string()),
        "[ -~]{0,8}",
        any::<char>().prop_map(String::from),
    ]
}

/// A rule file with one span replaced by a fragment, at char boundaries.
fn mangled() -> impl Strategy<Value = String> {
    (
        0..RULESETS.len(),
        any::<prop::sample::Index>(),
        0usize..40,
        fragment(),
    )
        .prop_map(|(file, at, cut, insert)| {
            let text = source(file);
            let chars: Vec<char> = text.chars().collect();
            let start = at.index(chars.len());
            let end = (start + cut).min(chars.len());
            let mut out: String = chars[..start].iter().collect();
            out.push_str(&insert);
            out.extend(&chars[end..]);
            out
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn mangled_rule_files_give_diagnostics_not_panics(text in mangled()) {
        match Ruleset::compile(&text) {
            Ok(ruleset) => {
                // Still valid: it must also score the bundled data without panicking.
                let data = std::fs::read("examples/agent_metrics.csv").unwrap();
                if let Ok(records) = ruleset.read_csv(&data[..]) {
                    for record in records.flatten() {
                        let _ = ruleset.evaluate(&record);
                        let _ = ruleset.explain(&record);
                    }
                }
            }
            Err(diagnostics) => {
                prop_assert!(diagnostics.has_errors());
                let _ = diagnostics.render();
            }
        }
    }

    #[test]
    fn random_csv_gives_errors_not_panics(bytes in prop::collection::vec(any::<u8>(), 0..400), keep_header in any::<bool>()) {
        let ruleset = Ruleset::compile(&source(0)).unwrap();
        let mut data = Vec::new();
        if keep_header {
            data.extend_from_slice(b"agent_id,calls_offered,calls_answered,spot_tests_total,spot_tests_passed,complaints,complaints_resolved,praise_cases,grievance_cases,qa_score,experience_score,base_bonus\n");
        }
        data.extend_from_slice(&bytes);
        if let Ok(records) = ruleset.read_csv(&data[..]) {
            for record in records.flatten() {
                let _ = ruleset.evaluate(&record);
            }
        }
    }

    #[test]
    fn random_json_gives_errors_not_panics(text in "[\\[\\]{}\",:0-9a-z_.\\- ]{0,200}") {
        let ruleset = Ruleset::compile(&source(0)).unwrap();
        let _ = ruleset.read_json(&text);
        let _ = ruleset.read_json_lines(text.as_bytes()).count();
    }
}

fn compile_on_a_small_stack(text: String) -> bool {
    std::thread::Builder::new()
        .stack_size(256 << 10)
        .spawn(move || Ruleset::compile(&text).is_ok())
        .unwrap()
        .join()
        .expect("compiling must not overflow the stack")
}

#[test]
fn nesting_at_the_limit_compiles_on_a_small_caller_stack() {
    let parens = format!(
        "ruleset t\nkey id\ninput id text\nlet x = {}1{}\noutput o = x",
        "(".repeat(64),
        ")".repeat(64)
    );
    assert!(compile_on_a_small_stack(parens));
    let ifs = format!(
        "ruleset t\nkey id\ninput id text\ninput a bool\nlet x = {}1\noutput o = x",
        "if a then 1 else ".repeat(64)
    );
    assert!(compile_on_a_small_stack(ifs));
}

#[test]
fn parentheses_on_lines_of_their_own_are_still_limited() {
    let n = 2000;
    let text = format!(
        "ruleset t\nkey id\ninput id text\nlet x = 1 +\n{}1{}\noutput o = x",
        "(\n".repeat(n),
        ")".repeat(n)
    );
    let diagnostics = Ruleset::compile(&text).unwrap_err();
    assert_eq!(diagnostics.list[0].code, "E0102");
}
