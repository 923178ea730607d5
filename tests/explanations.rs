//! Explanations of the agent_monthly scenario: every record in every format, what it
//! would take to reach the next row, and verification of saved explanations.

use std::fs;

use kpi::explain::{Decision, Format, Lang, Reach, RowResult, Step, verify};
use kpi::{Explanation, Record, Ruleset, SourceFile};

const RULESET: &str = "rulesets/agent_monthly.kpi";
const METRICS: &str = "tests/scenarios/agent_monthly/metrics.csv";

fn ruleset_from(text: String) -> Ruleset {
    Ruleset::compile_source(SourceFile::new(RULESET, text)).unwrap_or_else(|d| panic!("{d}"))
}

fn ruleset() -> Ruleset {
    ruleset_from(fs::read_to_string(RULESET).unwrap())
}

fn records(ruleset: &Ruleset) -> Vec<Record> {
    ruleset
        .read_csv(fs::File::open(METRICS).unwrap())
        .unwrap()
        .map(|r| r.unwrap_or_else(|e| panic!("{e:?}")))
        .collect()
}

fn explain(ruleset: &Ruleset, record: &Record) -> Explanation {
    ruleset.explain(record).unwrap_or_else(|e| panic!("{e}")).1
}

fn explain_key(ruleset: &Ruleset, key: &str) -> Explanation {
    let record = records(ruleset)
        .into_iter()
        .find(|r| r.key() == key)
        .unwrap();
    explain(ruleset, &record)
}

#[test]
fn every_record_is_explained_in_every_format() {
    let ruleset = ruleset();
    let records = records(&ruleset);
    assert_eq!(records.len(), 60);
    insta::with_settings!({ snapshot_path => "snapshots/explanations", prepend_module_to_snapshot => false }, {
        for record in &records {
            let e = explain(&ruleset, record);
            let key = record.key();
            insta::assert_snapshot!(format!("{key}.zh.txt"), e.render(Format::Text, Lang::Zh));
            insta::assert_snapshot!(format!("{key}.en.txt"), e.render(Format::Text, Lang::En));
            insta::assert_snapshot!(format!("{key}.zh.md"), e.render(Format::Markdown, Lang::Zh));
            insta::assert_snapshot!(format!("{key}.json"), e.render(Format::Json, Lang::Zh));
            insta::assert_snapshot!(format!("{key}.zh.html"), e.render(Format::Html, Lang::Zh));
        }
    });
}

#[test]
fn e04_in_chinese_shows_each_decision_the_policy_made() {
    let text = explain_key(&ruleset(), "E04").render(Format::Text, Lang::Zh);
    let lines: Vec<&str> = text.lines().collect();
    for expected in [
        // The answer rate of 90.00% lands in the 80-point row.
        "  代入  900 / 1000 = 90.00%",
        "  对照    90.00%",
        "  > >= 90% : 80   命中",
        // A pass rate of exactly 80% gives 0.
        "  代入  8 / 10 = 80.00%",
        "    - 80.00% 不高于 80.00%，取 0",
        // C carries a coefficient of 0.5.
        "    - 等级 C，系数 0.5",
        // The payout rounds half up.
        "    - 舍入（四舍五入，保留 2 位小数）：620.025 → 620.03",
        // 50 more answered calls reach the 95% row.
        "  下一档  「>= 95% : 100」需要 >= 95.00%（现为 90.00%，差 5.00%）",
        "    - 接通量 calls_answered 再多 50（900 → 950），其余不变",
    ] {
        assert!(
            lines.iter().any(|l| l.trim_end() == expected.trim_end()),
            "missing line {expected:?} in\n{text}"
        );
    }
}

/// The index of the matched row of a tier or grade step.
fn matched(step: &Step) -> usize {
    match &step.decision {
        Some(Decision::Rows { rows, .. }) => rows
            .iter()
            .position(|r| r.result == RowResult::Matched)
            .unwrap(),
        other => panic!("{} has no rows: {other:?}", step.name),
    }
}

/// The record with `input` set to `value`.
fn with(ruleset: &Ruleset, e: &Explanation, input: &str, value: &str) -> Record {
    with_all(ruleset, e, &[(input, value)])
}

/// The record with each input named in `set` set to its value.
fn with_all(ruleset: &Ruleset, e: &Explanation, set: &[(&str, &str)]) -> Record {
    let fields: Vec<(&str, &str)> = e
        .record
        .inputs
        .iter()
        .map(|i| {
            let value = set.iter().find(|(name, _)| *name == i.name);
            (i.name.as_str(), value.map_or(i.value.as_str(), |v| v.1))
        })
        .collect();
    ruleset.record(&fields).unwrap()
}

#[test]
fn each_suggested_move_reaches_the_next_row_and_one_less_does_not() {
    let ruleset = ruleset();
    let mut moves = 0;
    for record in records(&ruleset) {
        let e = explain(&ruleset, &record);
        for (index, step) in e.items.iter().enumerate() {
            let Some(Reach::Next {
                row, moves: list, ..
            }) = &step.next
            else {
                continue;
            };
            let target = match &step.decision {
                Some(Decision::Rows { rows, .. }) => rows.iter().position(|r| &r.row == row),
                _ => None,
            }
            .unwrap();
            assert_eq!(target + 1, matched(step), "{} {}", record.key(), step.name);
            for m in list {
                let to: i128 = m.to.parse().unwrap();
                let from: i128 = m.from.parse().unwrap();
                let short = to - (to - from).signum();
                let reached = explain(&ruleset, &with(&ruleset, &e, &m.input, &m.to));
                let fell_short =
                    explain(&ruleset, &with(&ruleset, &e, &m.input, &short.to_string()));
                let label = format!("{} {} {}→{}", record.key(), step.name, m.input, m.to);
                assert!(matched(&reached.items[index]) <= target, "{label}");
                assert!(matched(&fell_short.items[index]) > target, "{label}");
                moves += 1;
            }
        }
    }
    // The scenario holds dozens of records short of a better row.
    assert!(moves >= 40, "only {moves} moves checked");
}

#[test]
fn each_suggested_pair_reaches_the_next_row_and_one_less_of_the_first_does_not() {
    let ruleset = ruleset();
    let mut pairs = Vec::new();
    for record in records(&ruleset) {
        let e = explain(&ruleset, &record);
        for (index, step) in e.items.iter().enumerate() {
            let Some(Reach::Next {
                moves, pairs: list, ..
            }) = &step.next
            else {
                continue;
            };
            // Two inputs are tried only when no single one reaches the row.
            assert!(list.is_empty() || moves.is_empty(), "{}", record.key());
            let target = matched(step) - 1;
            for pair in list {
                let [a, b] = &pair.moves;
                let to: i128 = a.to.parse().unwrap();
                let from: i128 = a.from.parse().unwrap();
                let short = (to - (to - from).signum()).to_string();
                let label = format!("{} {} {} {}", record.key(), step.name, a.input, b.input);
                let reached = with_all(&ruleset, &e, &[(&a.input, &a.to), (&b.input, &b.to)]);
                let fell_short = with_all(&ruleset, &e, &[(&a.input, &short), (&b.input, &b.to)]);
                assert!(
                    matched(&explain(&ruleset, &reached).items[index]) <= target,
                    "{label}"
                );
                assert!(
                    matched(&explain(&ruleset, &fell_short).items[index]) > target,
                    "{label}"
                );
                pairs.push(format!("{} {}", record.key(), step.name));
            }
        }
    }
    // The grades of E09, A00700007, A00700015 and A00700037 are reached only by two
    // inputs together.
    pairs.dedup();
    assert_eq!(
        pairs,
        [
            "E09 level",
            "A00700007 level",
            "A00700015 level",
            "A00700037 level"
        ]
    );
}

#[test]
fn every_saved_explanation_verifies() {
    let ruleset = ruleset();
    for record in records(&ruleset) {
        let saved = Explanation::from_json(&explain(&ruleset, &record).to_json()).unwrap();
        let verification = verify(&ruleset, &saved);
        assert_eq!(
            verification.problems,
            Vec::<String>::new(),
            "{}",
            record.key()
        );
        assert_eq!(verification.values, 13);
    }
}

#[test]
fn verify_names_a_changed_ruleset() {
    let saved = explain_key(&ruleset(), "E04");
    let text = fs::read_to_string(RULESET)
        .unwrap()
        .replace(">= 90% : 80", ">= 90% : 90");
    let changed = ruleset_from(text.clone());
    let problems = verify(&changed, &saved).problems;
    let now = kpi::explain::ruleset_fingerprint(&text);
    assert_eq!(
        problems.join("\n"),
        [
            format!(
                "ruleset: the rule file is not the one explained (fingerprint saved {}, this file {now})",
                saved.ruleset.fingerprint
            ),
            "item answer_score: saved 80, recomputed 90".to_string(),
            "item answer_score: computed saved \"80\", recomputed \"90\"".to_string(),
            "item answer_score: decision.rows[1].row saved \">= 90% : 80\", recomputed \">= 90% : 90\"".to_string(),
            "item answer_score: decision.rows[1].gives saved \"80\", recomputed \"90\"".to_string(),
            "item total: saved 62, recomputed 65.5".to_string(),
            "item total: working saved \"80 × 35% + 0 × 25% + 100 × 20% + 70 × 20%\", recomputed \"90 × 35% + 0 × 25% + 100 × 20% + 70 × 20%\"".to_string(),
            "item total: computed saved \"62\", recomputed \"65.5\"".to_string(),
            "item total: decision.parts[0].value saved \"80\", recomputed \"90\"".to_string(),
            "item total: decision.parts[0].contribution saved \"28\", recomputed \"31.5\"".to_string(),
            "item level: decision.subject saved \"62\", recomputed \"65.5\"".to_string(),
            "item level: decision.rows[0].missed_by saved \"28\", recomputed \"24.5\"".to_string(),
            "item level: decision.rows[1].missed_by saved \"18\", recomputed \"14.5\"".to_string(),
            "item level: decision.rows[2].missed_by saved \"8\", recomputed \"4.5\"".to_string(),
            "item level: next.subject saved \"62\", recomputed \"65.5\"".to_string(),
            "item level: next.gap saved \"8\", recomputed \"4.5\"".to_string(),
            "output score: saved 62.00, recomputed 65.50".to_string(),
            "output score: working saved \"round(62, 2, half_up)\", recomputed \"round(65.5, 2, half_up)\"".to_string(),
            "output score: roundings[0].before saved \"62\", recomputed \"65.5\"".to_string(),
            "output score: roundings[0].after saved \"62.00\", recomputed \"65.50\"".to_string(),
        ]
        .join("\n")
    );
}

#[test]
fn verify_names_a_changed_input_and_a_changed_value() {
    let ruleset = ruleset();
    let saved = explain_key(&ruleset, "E04");

    let mut input_changed = saved.clone();
    input_changed.record.inputs[2].value = "950".into();
    let problems = verify(&ruleset, &input_changed).problems;
    assert_eq!(
        problems[0],
        format!(
            "record: the saved inputs are not the ones explained (fingerprint saved {}, the inputs give {})",
            saved.record.fingerprint,
            kpi::explain::record_fingerprint(&input_changed.record.inputs)
        )
    );
    assert!(problems.contains(&"item answer_rate: saved 90.00%, recomputed 95.00%".to_string()));

    let mut value_changed = saved.clone();
    value_changed.outputs[2].value = "720.03".into();
    assert_eq!(
        verify(&ruleset, &value_changed).problems,
        vec!["output payout: saved 720.03, recomputed 620.03".to_string()]
    );

    let mut output_added = saved.clone();
    let mut extra = saved.outputs[2].clone();
    extra.value = "99999.00".into();
    output_added.outputs.push(extra);
    assert_eq!(
        verify(&ruleset, &output_added).problems,
        vec![
            "outputs: 4 saved, 3 recomputed".to_string(),
            "output payout: saved more than once".to_string()
        ]
    );

    let mut relabelled = saved.clone();
    relabelled.record.inputs[11].label = Some("奖金 / Bonus".into());
    assert_eq!(
        verify(&ruleset, &relabelled).problems,
        vec![
            "record.inputs[11].label: saved \"奖金 / Bonus\", read back as \"绩效奖金基数 / Bonus base\""
                .to_string()
        ]
    );

    let mut reformatted = saved.clone();
    reformatted.record.inputs[11].value = "1000.050".into();
    reformatted.record.fingerprint = kpi::explain::record_fingerprint(&reformatted.record.inputs);
    assert_eq!(
        verify(&ruleset, &reformatted).problems,
        vec!["record.inputs[11].value: saved \"1000.050\", read back as \"1000.05\"".to_string()]
    );

    let mut veto_changed = saved.clone();
    veto_changed.items[6].vetoes[0].fired = true;
    assert_eq!(
        verify(&ruleset, &veto_changed).problems,
        vec!["item total: vetoes[0].fired saved true, recomputed false".to_string()]
    );
}

#[test]
fn the_same_ruleset_and_record_give_the_same_bytes() {
    let ruleset = ruleset();
    let first = explain_key(&ruleset, "A00700003").to_json();
    let again = explain_key(
        &ruleset_from(fs::read_to_string(RULESET).unwrap()),
        "A00700003",
    )
    .to_json();
    assert_eq!(first, again);
    assert_eq!(
        Explanation::from_json(&first).unwrap().to_json(),
        first,
        "reading and writing back changes nothing"
    );
}

#[test]
fn a_row_missed_on_a_strict_bound_says_what_it_needs() {
    let ruleset = Ruleset::compile(
        "ruleset strict\nkey id\ninput id text\ninput rate percent\n\
         score s = tiers rate\n  > 95% : 100\n  >= 90% : 80\n  else : 0\noutput s = s\n",
    )
    .unwrap();
    let record = ruleset.record(&[("id", "A"), ("rate", "95%")]).unwrap();
    let e = explain(&ruleset, &record);
    let Some(Decision::Rows { rows, .. }) = &e.items[0].decision else {
        panic!("{:?}", e.items[0].decision);
    };
    assert_eq!(rows[0].result, RowResult::Missed);
    assert_eq!(rows[0].missed_by, None);
    assert_eq!(rows[0].needs.as_deref(), Some("> 95.00%"));
    assert!(
        e.render(Format::Text, Lang::En)
            .contains("> 95% : 100  needs > 95.00%")
    );
    assert!(e.render(Format::Text, Lang::Zh).contains("需 > 95.00%"));
}

#[test]
fn the_working_of_a_ratio_shows_the_arithmetic_done() {
    let ruleset = Ruleset::compile(
        "ruleset p\ncurrency CNY\nkey id\ninput id text\ninput t money\n\
         let x = t / (10 * 30 * 10)\nlet y = (t - 1 CNY) / 2\noutput x = round(x + y, 2, half_up)\n",
    )
    .unwrap();
    let record = ruleset.record(&[("id", "A"), ("t", "3000000.00")]).unwrap();
    let e = explain(&ruleset, &record);
    assert_eq!(
        e.items[0].working.as_deref(),
        Some("3000000.00 / (10 × 30 × 10)")
    );
    assert_eq!(
        e.items[1].working.as_deref(),
        Some("(3000000.00 - 1 CNY) / 2")
    );
}
