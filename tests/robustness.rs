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

/// The deepest rule files the limits accept, one for each way of nesting, with the
/// payout each gives for a record whose `a` is true: parentheses, `if`s and calls
/// at the nesting limit (64), and expression trees at the depth limit (256) built
/// from chains of operators and of `-` and `not`.
fn deepest_accepted() -> Vec<(&'static str, String, &'static str)> {
    let file = |formula: String| {
        format!("ruleset t\nkey id\ninput id text\ninput a bool\nlet x = {formula}\noutput o = x")
    };
    // (1 + 1 … + 1) with 127 `+`, as the first operand of a chain of 128 more: the
    // innermost 1 is 256 levels down.
    let chains = format!("((1{}){})", " + 1".repeat(127), " + 1".repeat(128));
    vec![
        (
            "parentheses",
            file(format!("{}1{}", "(".repeat(64), ")".repeat(64))),
            "1",
        ),
        (
            "ifs",
            file(format!("{}1", "if a then 1 else ".repeat(64))),
            "1",
        ),
        (
            "calls",
            file(format!(
                "{}1{}",
                "round(".repeat(64),
                ", 2, half_up)".repeat(64)
            )),
            "1",
        ),
        ("chains", file(chains), "256"),
        (
            "negations",
            file(format!("{}(1{})", "-".repeat(200), " + 1".repeat(55))),
            "56",
        ),
        (
            "nots",
            file(format!("if {}a then 1 else 0", "not ".repeat(200))),
            "1",
        ),
    ]
}

#[test]
fn the_deepest_nesting_accepted_compiles_on_a_1_mib_thread() {
    for (what, text, payout) in deepest_accepted() {
        let ruleset = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(move || Ruleset::compile(&text))
            .unwrap()
            .join()
            .expect("compiling must not overflow the stack")
            .unwrap_or_else(|d| panic!("{what}: {}", d.render()));
        let record = ruleset.record(&[("id", "E1"), ("a", "true")]).unwrap();
        let outcome = ruleset.evaluate(&record).unwrap();
        assert_eq!(outcome.get("o").unwrap().to_string(), payout, "{what}");
    }
}

#[test]
fn one_level_deeper_is_too_deep() {
    let file = |formula: String| {
        format!("ruleset t\nkey id\ninput id text\ninput a bool\nlet x = {formula}\noutput o = x")
    };
    let deeper = [
        file(format!("{}1{}", "(".repeat(65), ")".repeat(65))),
        file(format!("{}1", "if a then 1 else ".repeat(65))),
        file(format!("((1{}){})", " + 1".repeat(128), " + 1".repeat(128))),
        file(format!("1{}", " + 1".repeat(201))),
    ];
    for text in deeper {
        let diagnostics = Ruleset::compile(&text).unwrap_err();
        assert_eq!(
            diagnostics.list[0].code,
            "E0102",
            "{}",
            diagnostics.render()
        );
    }
}
