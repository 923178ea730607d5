//! The fast path and the traced path give identical outputs on random records.

use kpi::Ruleset;
use proptest::prelude::*;

fn ruleset(path: &str) -> Ruleset {
    Ruleset::compile(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A record of the agent_monthly inputs: counts with the answered part never above
/// the whole, scores with two decimals, an amount in cents.
fn agent_record() -> impl Strategy<Value = Vec<(&'static str, String)>> {
    let part_of = |max: u32| (0..=max).prop_flat_map(|whole| (Just(whole), 0..=whole));
    (
        part_of(3000),
        part_of(40),
        part_of(30),
        (0u32..12, 0u32..6),
        (0u32..=10000, 0u32..=10000),
        0u64..=500_000,
    )
        .prop_map(
            |(
                (offered, answered),
                (tests, passed),
                (complaints, resolved),
                (praise, grievance),
                (qa, exp),
                cents,
            )| {
                vec![
                    ("agent_id", "P".to_string()),
                    ("calls_offered", offered.to_string()),
                    ("calls_answered", answered.to_string()),
                    ("spot_tests_total", tests.to_string()),
                    ("spot_tests_passed", passed.to_string()),
                    ("complaints", complaints.to_string()),
                    ("complaints_resolved", resolved.to_string()),
                    ("praise_cases", praise.to_string()),
                    ("grievance_cases", grievance.to_string()),
                    ("qa_score", format!("{}.{:02}", qa / 100, qa % 100)),
                    (
                        "experience_score",
                        format!("{}.{:02}", exp / 100, exp % 100),
                    ),
                    ("base_bonus", format!("{}.{:02}", cents / 100, cents % 100)),
                ]
            },
        )
}

fn assert_paths_agree(ruleset: &Ruleset, fields: &[(&str, String)]) {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let record = ruleset.record(&pairs).unwrap();
    let fast = ruleset.evaluate(&record);
    let traced = ruleset.explain(&record).map(|(outcome, _)| outcome);
    assert_eq!(fast, traced);
}

proptest! {
    #[test]
    fn agent_monthly_fast_and_traced_agree(fields in agent_record()) {
        let ruleset = ruleset("rulesets/agent_monthly.kpi");
        assert_paths_agree(&ruleset, &fields);
    }

    #[test]
    fn thresholds_fast_and_traced_agree(fields in agent_record()) {
        let ruleset = ruleset("rulesets/thresholds.kpi");
        let fields: Vec<_> = fields.into_iter().filter(|(k, _)| *k != "experience_score").collect();
        assert_paths_agree(&ruleset, &fields);
    }
}

/// A value of the right type for each input of `ruleset`, in its declared range.
fn any_record(ruleset: &Ruleset) -> impl Strategy<Value = Vec<(String, String)>> + use<> {
    use kpi::InputType;
    let fields: Vec<BoxedStrategy<(String, String)>> = ruleset
        .inputs()
        .map(|input| {
            let name = input.name().to_string();
            let value: BoxedStrategy<String> = match input.input_type() {
                InputType::Text => "[A-Z][0-9]{2}".boxed(),
                InputType::Bool => any::<bool>().prop_map(|b| b.to_string()).boxed(),
                InputType::Count => (0u32..400).prop_map(|n| n.to_string()).boxed(),
                InputType::Percent => (0u32..=1000)
                    .prop_map(|n| format!("{}.{}%", n / 10, n % 10))
                    .boxed(),
                InputType::Money | InputType::Points => (0u64..=500_000)
                    .prop_map(|c| format!("{}.{:02}", c / 100, c % 100))
                    .boxed(),
                InputType::Number => (0u32..=10000)
                    .prop_map(|n| format!("{}.{:02}", n / 100, n % 100))
                    .boxed(),
                InputType::Date => (1u32..=31).prop_map(|d| format!("2026-10-{d:02}")).boxed(),
                InputType::Month => (10u32..=12).prop_map(|m| format!("2026-{m}")).boxed(),
            };
            value.prop_map(move |v| (name.clone(), v)).boxed()
        })
        .collect();
    fields
}

/// The rows that are records of `ruleset` (values outside a declared range are data
/// errors, not a disagreement).
fn records_of(ruleset: &Ruleset, rows: &[Vec<(String, String)>]) -> Vec<kpi::Record> {
    rows.iter()
        .filter_map(|fields| {
            let pairs: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            ruleset.record(&pairs).ok()
        })
        .collect()
}

static SHIPPED: std::sync::LazyLock<Vec<Ruleset>> = std::sync::LazyLock::new(|| {
    [
        "rulesets/agent_monthly.kpi",
        "rulesets/thresholds.kpi",
        "rulesets/team_leader_quarterly.kpi",
    ]
    .map(ruleset)
    .into()
});

proptest! {
    #[test]
    fn every_shipped_ruleset_fast_and_traced_agree(
        (index, fields) in (0..SHIPPED.len()).prop_flat_map(|i| any_record(&SHIPPED[i]).prop_map(move |f| (i, f)))
    ) {
        let ruleset = &SHIPPED[index];
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        // Values outside a declared range are data errors, not a disagreement.
        if let Ok(record) = ruleset.record(&pairs) {
            let fast = ruleset.evaluate(&record);
            let traced = ruleset.explain(&record).map(|(outcome, _)| outcome);
            prop_assert_eq!(fast, traced);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    /// Records scored many at a time (by the compiled kernel, a batch at a time) and
    /// each alone on the traced path give identical outcomes.
    #[test]
    fn batches_of_every_shipped_ruleset_agree_with_the_traced_path(
        (index, rows) in (0..SHIPPED.len()).prop_flat_map(|i| {
            proptest::collection::vec(any_record(&SHIPPED[i]), 1..400).prop_map(move |r| (i, r))
        })
    ) {
        let ruleset = &SHIPPED[index];
        let records = records_of(ruleset, &rows);
        let batched = ruleset.scorer().score_all(&records).to_vec();
        prop_assert_eq!(batched.len(), records.len());
        for (record, outcome) in records.iter().zip(batched) {
            let traced = ruleset.explain(record).map(|(outcome, _)| outcome);
            prop_assert_eq!(outcome, traced);
        }
    }
}

/// A roster for a ruleset that scores records together: text values from a few, so
/// that records share groups and roles, and each record's key its own.
fn any_roster(ruleset: &Ruleset) -> impl Strategy<Value = Vec<Vec<(String, String)>>> + use<> {
    let keys: Vec<String> = ruleset.key_names().iter().map(|k| k.to_string()).collect();
    let texts = ["A", "B", "agent", "leader"];
    let record = any_record(ruleset).prop_flat_map(move |fields| {
        let picks = proptest::collection::vec(0..texts.len(), fields.len());
        (Just(fields), picks)
    });
    let inputs: Vec<_> = ruleset.inputs().map(|i| i.input_type()).collect();
    proptest::collection::vec(record, 1..300).prop_map(move |rows| {
        rows.into_iter()
            .enumerate()
            .map(|(r, (fields, picks))| {
                fields
                    .into_iter()
                    .zip(&inputs)
                    .zip(picks)
                    .map(|(((name, value), ty), pick)| {
                        let value = match ty {
                            _ if keys.contains(&name) => format!("K{r}"),
                            kpi::InputType::Text => texts[pick].to_string(),
                            _ => value,
                        };
                        (name, value)
                    })
                    .collect()
            })
            .collect()
    })
}

/// Formulas of several aggregates over one grouping (worked out in one pass over the
/// members), one that fails for a group with no agent, and another grouping between.
const AGGREGATES_IN_A_ROW: &str = r#"ruleset in_a_row
key id
input id    text
input team  text
input role  text
input calls count
input held  count
let agent = role == "agent"
let mixed over team = mean(calls where agent) + sum(held where agent) - max(calls)
let by_role over role = sum(calls) + count(where agent)
let pooled over team = sum(calls where agent) / sum(held), when zero 0%
let spread over team = max(held) - min(held where agent, when empty 0) + count()
output mixed = round(mixed, 2, half_up)
output by_role = by_role
output pooled = round(pooled * 100, 4, half_up)
output spread = spread
"#;

static TOGETHER: std::sync::LazyLock<Vec<Ruleset>> = std::sync::LazyLock::new(|| {
    let mut shipped: Vec<Ruleset> = [
        "rulesets/team_monthly.kpi",
        "rulesets/forced_distribution.kpi",
    ]
    .map(ruleset)
    .into();
    shipped.push(Ruleset::compile(AGGREGATES_IN_A_ROW).expect("the ruleset compiles"));
    shipped
});

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Records scored together (the items that read only their own record by the
    /// compiled kernel, a batch at a time) give every record the outcome, or the
    /// error, of the traced path that explains it.
    #[test]
    fn a_population_scored_together_agrees_with_the_traced_path(
        (index, rows) in (0..TOGETHER.len()).prop_flat_map(|i| {
            any_roster(&TOGETHER[i]).prop_map(move |r| (i, r))
        })
    ) {
        let ruleset = &TOGETHER[index];
        let records = records_of(ruleset, &rows);
        let population = ruleset.score_together(&records);
        let mut batched = Vec::new();
        population.outcomes_into(0..records.len(), &mut batched);
        prop_assert_eq!(batched.len(), records.len());
        for (i, batched) in batched.into_iter().enumerate() {
            let traced = population.explain(i).map(|(outcome, _)| outcome);
            prop_assert_eq!(population.outcome(i), traced.clone());
            prop_assert_eq!(batched, traced);
        }
    }
}
