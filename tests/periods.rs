//! Scoring by month: daily rows rolled up, versions by date, proration and
//! month-to-date warnings, through the library and the command line.

mod common;

use common::{kpi, text};
use kpi::explain::{Format, Lang};
use kpi::{Period, Ruleset, SourceFile};
use proptest::prelude::*;

fn compile(path: &str) -> Ruleset {
    let text = std::fs::read_to_string(path).unwrap();
    Ruleset::compile_source(SourceFile::new(path, text)).unwrap_or_else(|d| panic!("{d}"))
}

/// The records of `data` as a run of `period` scores them.
fn selected(ruleset: &Ruleset, data: &str, period: Period) -> Vec<kpi::Record> {
    let rows: Vec<_> = ruleset
        .read_csv(data.as_bytes())
        .unwrap()
        .map(|r| r.unwrap_or_else(|e| panic!("{e:?}")))
        .collect();
    let selected = ruleset.select(rows, Some(period)).unwrap();
    selected.records[..selected.scored].to_vec()
}

const TIME: &str = "tests/fixtures/time/mtd_prorated.kpi";
const ROWS: &str = "tests/fixtures/time/rows.csv";

#[test]
fn a_prorated_versioned_month_to_date_record_is_explained_in_both_languages() {
    let ruleset = compile(TIME);
    let data = std::fs::read_to_string(ROWS).unwrap();
    let records = selected(&ruleset, &data, Period::as_of("2026-12-15").unwrap());
    let a1 = records.iter().find(|r| r.key() == "A1").unwrap();
    let (_, explained) = ruleset.explain(a1).unwrap();
    insta::with_settings!({ snapshot_path => "snapshots/periods", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("A1.zh.txt", explained.render(Format::Text, Lang::Zh));
        insta::assert_snapshot!("A1.en.txt", explained.render(Format::Text, Lang::En));
        insta::assert_snapshot!("A1.json", explained.render(Format::Json, Lang::Zh));
    });
}

#[test]
fn the_month_to_date_leaves_out_the_rows_after_the_as_of_date() {
    let out = kpi(&["eval", TIME, ROWS, "--as-of", "2026-12-15"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "agent_id,version,status,needed,payout\n\
         A1,2026.12,at_risk,24,1683.87\n\
         A2,2026.12,ok,0,2200.00\n"
    );
    // To the month's end the row of the 16th counts: 436 of 480 is 90.83%, in the
    // top row, paid for 29 days of 31.
    let out = kpi(&["eval", TIME, ROWS, "--period", "2026-12"]);
    assert_eq!(
        text(&out.stdout),
        "agent_id,version,status,needed,payout\n\
         A1,2026.12,ok,0,3087.10\n\
         A2,2026.12,ok,0,2200.00\n"
    );
}

#[test]
fn a_run_of_daily_rows_must_name_its_month() {
    let out = kpi(&["eval", TIME, ROWS]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "error: ruleset `mtd_prorated` adds up daily rows into months: name the month to score with --period YYYY-MM, or --as-of YYYY-MM-DD for the month to date\n"
    );
    let out = kpi(&["eval", TIME, ROWS, "--as-of", "2026-02-30"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "error: --as-of 2026-02-30: 2026-02-30 is not a date: February 2026 has 28 days\n"
    );
    let out = kpi(&[
        "eval",
        "rulesets/agent_monthly.kpi",
        "tests/scenarios/agent_monthly/metrics.csv",
        "--period",
        "2026-11",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("does not score by month"));
}

#[test]
fn an_impossible_date_in_the_data_names_its_line_column_and_value() {
    let dir = std::env::temp_dir().join(format!("kpi-dates-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.join("rows.csv");
    std::fs::write(
        &data,
        "agent_id,date,hire_date,leave_date,calls_offered,calls_answered,base_bonus\n\
         A1,2026-12-01,2026-12-03,,0,0,3000.00\n\
         A1,2026-02-30,2026-12-03,,80,70,3000.00\n",
    )
    .unwrap();
    let out = kpi(&["eval", TIME, data.to_str().unwrap(), "--period", "2026-12"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(
            "line 3 (A1), column date, value \"2026-02-30\": 2026-02-30 is not a date: February 2026 has 28 days"
        ),
        "{stderr}"
    );
    assert!(text(&out.stdout).is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn rows_of_one_month_that_disagree_on_a_value_read_for_the_month_are_refused() {
    let ruleset = compile(TIME);
    let data = "agent_id,date,hire_date,leave_date,calls_offered,calls_answered,base_bonus\n\
                A1,2026-12-01,2026-12-03,,0,0,3000.00\n\
                A1,2026-12-02,2026-12-03,,80,70,2500.00\n";
    let rows: Vec<_> = ruleset
        .read_csv(data.as_bytes())
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let errors = ruleset
        .select(rows, Some(Period::month("2026-12").unwrap()))
        .unwrap_err();
    assert_eq!(
        errors.iter().map(ToString::to_string).collect::<Vec<_>>(),
        [
            "record (A1), column base_bonus, value \"2500\": the rows of one month disagree on it (3000 and 2500); the rules read it as one value for the month, so every row must give the same"
        ]
    );
}

/// The same pooled rule, over daily rows and over the month's sums.
const DAILY: &str = r#"ruleset daily
key agent_id
period month from date
input agent_id       text
input date           date
input calls_offered  count
input calls_answered count
let answered = sum(calls_answered)
let offered  = sum(calls_offered)
let rate     = answered / offered, when zero 100%
score points = linear rate from 80% : 0 to 95% : 100
output rate   = round(rate * 100, 4, half_up)
output points = round(points, 2, half_up)
"#;

const MONTHLY: &str = r#"ruleset monthly
key agent_id
input agent_id       text
input calls_offered  count
input calls_answered count
let rate = calls_answered / calls_offered, when zero 100%
score points = linear rate from 80% : 0 to 95% : 100
output rate   = round(rate * 100, 4, half_up)
output points = round(points, 2, half_up)
"#;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Scoring a month from its daily rows gives what scoring the month's summed
    /// record gives, where the rule pools the rows.
    #[test]
    fn a_month_of_daily_rows_scores_as_its_sums(
        agents in proptest::collection::vec(
            proptest::collection::vec((1u32..=30, 0u32..200, 0u32..=100), 1..12),
            1..6,
        )
    ) {
        let daily = Ruleset::compile(DAILY).unwrap();
        let monthly = Ruleset::compile(MONTHLY).unwrap();
        let mut rows = String::from("agent_id,date,calls_offered,calls_answered\n");
        let mut sums = String::from("agent_id,calls_offered,calls_answered\n");
        for (a, days) in agents.iter().enumerate() {
            let (mut offered, mut answered) = (0u32, 0u32);
            for &(day, o, share) in days {
                let answered_today = o * share / 100;
                rows.push_str(&format!("A{a},2026-11-{day:02},{o},{answered_today}\n"));
                offered += o;
                answered += answered_today;
            }
            sums.push_str(&format!("A{a},{offered},{answered}\n"));
        }
        let records = selected(&daily, &rows, Period::month("2026-11").unwrap());
        let summed: Vec<_> = monthly.read_csv(sums.as_bytes()).unwrap().map(Result::unwrap).collect();
        prop_assert_eq!(records.len(), summed.len());
        for (record, sum) in records.iter().zip(&summed) {
            prop_assert_eq!(record.key(), sum.key());
            let a = daily.evaluate(record).unwrap();
            let b = monthly.evaluate(sum).unwrap();
            prop_assert_eq!(a.values, b.values);
        }
    }
}

#[test]
fn the_21_75_day_month_prorates_by_attendance_rounding_once() {
    let ruleset = Ruleset::compile(
        r#"ruleset wage
currency CNY
key agent_id
input agent_id      text
input base_salary   money
input attended_days number 0..31
# 月计薪天数: a month's pay is 21.75 paid days.
let daily_pay = base_salary / 21.75
output pay = round(daily_pay * attended_days, 2, half_up)
"#,
    )
    .unwrap();
    let record = ruleset
        .record(&[
            ("agent_id", "E1"),
            ("base_salary", "5000.00"),
            ("attended_days", "20"),
        ])
        .unwrap();
    // 5000 × 20 / 21.75 = 4597.7011…; rounding the day's pay first (229.89 × 20) would
    // give 4597.80.
    let outcome = ruleset.evaluate(&record).unwrap();
    assert_eq!(outcome.get("pay").unwrap().to_string(), "4597.70");
}

#[test]
fn a_rank_of_teams_names_the_neighbouring_teams() {
    let out = kpi(&[
        "explain",
        "rulesets/feel_daily.kpi",
        "tests/scenarios/feel_daily/daily.csv",
        "--period",
        "2026-11",
        "--key",
        "F15",
        "--lang",
        "en",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let explained = text(&out.stdout);
    for line in [
        "    - place 2 of 3 ranked (ordered by 5.2, 83.6, 四组)\n",
        "    - just above: 三组 (8.4, 86.3, 三组)\n",
        "    - just below: 一组 (5.2, 82.8, 一组)\n",
        "    - tied with 一组 on the first key; team_feel highest first decided between them\n",
    ] {
        assert!(explained.contains(line), "{line}\n{explained}");
    }
}

#[test]
fn records_scored_all_at_once_are_scored_by_the_version_in_force_in_their_month() {
    let ruleset = compile("rulesets/dated_proration.kpi");
    let data = std::fs::read_to_string("tests/scenarios/dated_proration/more/monthly.csv").unwrap();
    let records: Vec<kpi::Record> = ruleset
        .read_csv(data.as_bytes())
        .unwrap()
        .map(|r| r.unwrap_or_else(|e| panic!("{e:?}")))
        .collect();
    let one_by_one: Vec<_> = records.iter().map(|r| ruleset.evaluate(r)).collect();
    // Some records fall before the first version, and some versions differ.
    assert!(one_by_one.iter().any(Result::is_err));
    let payouts: std::collections::HashSet<String> = one_by_one
        .iter()
        .flatten()
        .map(|o| {
            o.values
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect();
    assert!(payouts.len() > 1);
    assert_eq!(ruleset.evaluate_all(&records), one_by_one);
}
