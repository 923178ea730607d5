//! Records scored together: aggregates, ranks and their tie policies, percentiles,
//! forced distributions at their edges, failures that spread to the records that
//! depend on them, and results that do not depend on the order of the records.

use kpi::{Record, Ruleset};
use proptest::prelude::*;

/// Scores `rows` (values in input order) together; each record's outputs as text, or
/// its error message.
fn score(source: &str, rows: &[&[&str]]) -> Vec<Result<Vec<String>, String>> {
    let ruleset = Ruleset::compile(source).unwrap_or_else(|d| panic!("{}", d.render()));
    let records: Vec<Record> = rows
        .iter()
        .map(|values| ruleset.record_in_order(values).unwrap())
        .collect();
    ruleset
        .evaluate_all(&records)
        .into_iter()
        .map(|r| {
            r.map(|o| o.values.iter().map(|v| v.to_string()).collect())
                .map_err(|e| e.to_string())
        })
        .collect()
}

fn outputs(source: &str, rows: &[&[&str]]) -> Vec<Vec<String>> {
    score(source, rows)
        .into_iter()
        .map(|r| r.unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

const AGGREGATES: &str = r#"ruleset t
key id
input id    text
input team  text
input role  text
input calls count
input rate  percent
let agent = role == "agent"
let total    over team = sum(calls)
let agents   over team = count(where agent)
let members  over team = count()
let average  over team = mean(calls where agent, when empty 0)
let lowest   over team = min(rate)
let highest  over team = max(rate where agent, when empty 0%)
let mean_rate over team = mean(rate)
output total = total
output agents = agents
output members = members
output average = round(average, 4, half_up)
output lowest = lowest
output highest = highest
output mean_rate = round(mean_rate, 2, half_up)
output share = round(calls / total, 2, half_up)
"#;

#[test]
fn aggregates_reduce_each_group_and_every_member_reads_them() {
    let got = outputs(
        AGGREGATES,
        &[
            &["A", "T1", "agent", "10", "90%"],
            &["B", "T1", "agent", "20", "95%"],
            &["L", "T1", "leader", "0", "80%"],
            &["C", "T2", "leader", "7", "99%"],
        ],
    );
    assert_eq!(
        got[0],
        ["30", "2", "3", "15.0000", "80%", "95%", "88.33%", "33.33%"].map(String::from)
    );
    assert_eq!(got[2][..3], ["30", "2", "3"].map(String::from));
    assert_eq!(got[2][7], "0.00%");
    // A team with no agent: the stated empty values.
    assert_eq!(
        got[3][..6],
        ["7", "0", "1", "0.0000", "99%", "0%"].map(String::from)
    );
}

#[test]
fn a_mean_of_no_member_without_a_stated_value_is_an_error_for_that_group_only() {
    let source = r#"ruleset t
key id
input id   text
input team text
input calls count
input agent bool
let average over team = mean(calls where agent)
output average = average
"#;
    let got = score(
        source,
        &[&["A", "T1", "10", "true"], &["B", "T2", "5", "false"]],
    );
    assert_eq!(got[0], Ok(vec!["10".to_string()]));
    assert_eq!(
        got[1],
        Err("record B: aggregate `mean(calls where agent)` has no member to reduce in this record's group; add `, when empty VALUE` inside it to say what an empty group gives".to_string())
    );
}

const RANKS: &str = r#"ruleset t
key id
input id    text
input team  text
input score number
input lead  bool
let shared = rank score highest first, ties shared
let dense  = rank score highest first, ties dense
let low    = rank score lowest first within team, ties shared
let leads  = rank score highest first where lead, ties shared, when excluded 0
let pct    = percentile score highest first
output shared = shared
output dense = dense
output low = low
output leads = leads
output pct = round(pct, 4, half_up)
"#;

#[test]
fn ranks_follow_their_tie_policy_filter_and_direction() {
    let got = outputs(
        RANKS,
        &[
            &["A", "T1", "90", "true"],
            &["B", "T1", "80", "false"],
            &["C", "T2", "80", "true"],
            &["D", "T2", "70", "true"],
            &["E", "T2", "80", "false"],
        ],
    );
    let column = |i: usize| got.iter().map(|r| r[i].clone()).collect::<Vec<_>>();
    assert_eq!(column(0), ["1", "2", "2", "5", "2"]);
    assert_eq!(column(1), ["1", "2", "2", "3", "2"]);
    assert_eq!(column(2), ["2", "1", "2", "1", "2"]);
    assert_eq!(column(3), ["1", "0", "2", "3", "0"]);
    // The share of the other four placed below: 4/4, 1/4 for the three tied, 0.
    assert_eq!(
        column(4),
        ["100.0000%", "25.0000%", "25.0000%", "0.0000%", "25.0000%"]
    );
}

#[test]
fn a_strict_rank_fails_the_tied_records_and_names_the_fix() {
    let source = r#"ruleset t
key id
input id    text
input score number
let place = rank score highest first, ties strict
output place = place
"#;
    let got = score(source, &[&["A", "9"], &["B", "8"], &["C", "8"]]);
    assert_eq!(got[0], Ok(vec!["1".to_string()]));
    assert_eq!(
        got[1],
        Err("record B: item `place` ties this record with another on every key, and the rule says `ties strict`; add a tie-break with `then`, such as `then agent_id lowest first`".to_string())
    );
    assert!(got[2].is_err());
}

const DISTRIBUTION: &str = r#"ruleset t
key id
input id    text
input team  text
input score number
grade level distribute score highest first within team, slots half_up
  20% : A  coefficient 1.2
  70% : B  coefficient 1.0
  10% : C  coefficient 0.8
  under 3 members by score
    >= 90 : A
    else  : B
output grade = level
output coefficient = level.coefficient
"#;

fn grades(rows: &[&[&str]]) -> Vec<String> {
    outputs(DISTRIBUTION, rows)
        .into_iter()
        .map(|r| r[0].clone())
        .collect()
}

#[test]
fn a_distribution_hands_out_rounded_slots_and_ties_share_the_better_grade() {
    // Ten members: A 2, C 1, B 7.
    let ten: Vec<Vec<String>> = (0..10)
        .map(|i| vec![format!("M{i}"), "T".into(), (100 - i).to_string()])
        .collect();
    let rows: Vec<Vec<&str>> = ten
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    let rows: Vec<&[&str]> = rows.iter().map(Vec::as_slice).collect();
    assert_eq!(
        grades(&rows),
        ["A", "A", "B", "B", "B", "B", "B", "B", "B", "C"]
    );
    // Five members: A 1, C 0.5 → 1 (half up), B 3; the second ties the first and
    // shares A; the last ties the last B and shares B.
    assert_eq!(
        grades(&[
            &["a", "T", "95"],
            &["b", "T", "95"],
            &["c", "T", "80"],
            &["d", "T", "70"],
            &["e", "T", "70"],
        ]),
        ["A", "A", "B", "B", "B"]
    );
    // Two members: the fixed bands.
    assert_eq!(grades(&[&["a", "T", "95"], &["b", "T", "60"]]), ["A", "B"]);
}

#[test]
fn a_record_that_cannot_be_scored_spoils_its_group_and_says_which_record() {
    let source = r#"ruleset t
key id
input id   text
input team text
input a    count
input b    count
let r = a / b
let total over team = sum(r)
output total = round(total, 2, half_up)
"#;
    let got = score(
        source,
        &[
            &["A", "T1", "1", "0"],
            &["B", "T1", "1", "2"],
            &["C", "T2", "1", "4"],
        ],
    );
    assert!(
        got[0]
            .as_ref()
            .unwrap_err()
            .contains("division by zero in item `r`")
    );
    assert_eq!(
        got[1],
        Err("record B: not scored, because aggregate `sum(r)` depends on record A, which could not be scored; correct that record first".to_string())
    );
    assert_eq!(got[2], Ok(vec!["25.00%".to_string()]));
}

#[test]
fn a_scorer_refuses_a_ruleset_that_scores_records_together() {
    let ruleset = Ruleset::compile(RANKS).unwrap();
    let record = ruleset.record_in_order(&["A", "T1", "90", "true"]).unwrap();
    assert!(ruleset.reads_population());
    let error = ruleset.scorer().score(&record).unwrap_err();
    assert!(
        error.message.contains("score the whole population"),
        "{error}"
    );
}

/// A team item and a rank, for the properties below.
const TEAM: &str = r#"ruleset t
key id
input id    text
input team  text
input calls count
input answered count
let rate over team = sum(answered) / sum(calls), when zero 100%
let place = rank answered highest first then id lowest first within team, ties strict
let own = answered / calls, when zero 100%
score blended = rate * 50% + own * 50%
output rate = round(rate, 4, half_up)
output place = place
output blended = round(blended, 4, half_up)
"#;

fn team_rows() -> impl Strategy<Value = Vec<(String, u8, u32, u32)>> {
    prop::collection::vec((0u8..4, 1u32..500, 0u32..500), 1..30).prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(i, (team, calls, answered))| {
                (format!("E{i:02}"), team, calls, answered.min(calls))
            })
            .collect()
    })
}

fn team_outputs(ruleset: &Ruleset, rows: &[(String, u8, u32, u32)]) -> Vec<(String, Vec<String>)> {
    let records: Vec<Record> = rows
        .iter()
        .map(|(id, team, calls, answered)| {
            ruleset
                .record_in_order(&[
                    id.clone(),
                    format!("T{team}"),
                    calls.to_string(),
                    answered.to_string(),
                ])
                .unwrap()
        })
        .collect();
    let mut out: Vec<(String, Vec<String>)> = records
        .iter()
        .zip(ruleset.evaluate_all(&records))
        .map(|(r, o)| {
            let o = o.unwrap();
            (
                r.key().to_string(),
                o.values.iter().map(|v| v.to_string()).collect(),
            )
        })
        .collect();
    out.sort();
    out
}

proptest! {
    #[test]
    fn reordering_the_records_never_changes_any_output(
        rows in team_rows(),
        seed in any::<u64>(),
    ) {
        let ruleset = Ruleset::compile(TEAM).unwrap();
        let mut shuffled = rows.clone();
        // A deterministic shuffle from the seed.
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        prop_assert_eq!(team_outputs(&ruleset, &rows), team_outputs(&ruleset, &shuffled));
    }

    #[test]
    fn a_group_of_one_scores_like_the_record_alone(
        calls in 1u32..5000,
        answered in 0u32..5000,
    ) {
        // With one member, the pooled team rate is the member's own rate, so the
        // blended score is the member's rate, and the member is first.
        let answered = answered.min(calls);
        let ruleset = Ruleset::compile(TEAM).unwrap();
        let rows = [("E01".to_string(), 0u8, calls, answered)];
        let (_, got) = &team_outputs(&ruleset, &rows)[0];
        let alone = ruleset
            .evaluate(&ruleset.record_in_order(&["E01", "T0", &calls.to_string(), &answered.to_string()]).unwrap())
            .unwrap();
        let alone: Vec<String> = alone.values.iter().map(|v| v.to_string()).collect();
        prop_assert_eq!(got, &alone);
        prop_assert_eq!(&got[0], &got[2]);
        prop_assert_eq!(&got[1], "1");
    }
}

const SHARE: &str = r#"ruleset t
currency CNY
key id
input id     text
input team   text
input weight number
input active bool
let pool over team = 100.00 CNY
let equal    = share pool within team, remainder id lowest first
let by_weight = share 1000 CNY within team by weight where active, remainder weight highest first then id lowest first
output equal = round(equal, 2, half_up)
output by_weight = round(by_weight, 2, half_up)
"#;

#[test]
fn a_share_adds_up_to_the_fen_with_the_remainder_in_the_stated_order() {
    let got = outputs(
        SHARE,
        &[
            &["C", "T1", "1", "true"],
            &["A", "T1", "2", "true"],
            &["B", "T1", "3", "true"],
            &["D", "T1", "5", "false"],
            &["E", "T2", "1", "true"],
        ],
    );
    let column = |i: usize| got.iter().map(|r| r[i].clone()).collect::<Vec<_>>();
    // 100.00 among four: 25.00 each, nothing left over; alone in T2: all of it.
    assert_eq!(column(0), ["25.00", "25.00", "25.00", "25.00", "100.00"]);
    // 1000 by weights 1, 2, 3 (D does not share): 166.66, 333.33, 500.00 is 999.99,
    // and the fen left goes to the highest weight first.
    assert_eq!(column(1), ["166.66", "333.33", "500.01", "0.00", "1000.00"]);

    let thirds = outputs(
        SHARE,
        &[
            &["C", "T1", "1", "true"],
            &["A", "T1", "1", "true"],
            &["B", "T1", "1", "true"],
        ],
    );
    let equal: Vec<&str> = thirds.iter().map(|r| r[0].as_str()).collect();
    // 100.00 in three: 33.33 each and one fen left, to A first by id.
    assert_eq!(equal, ["33.33", "33.34", "33.33"]);
}

#[test]
fn a_share_whose_last_fen_falls_between_tied_members_is_an_error() {
    let source = SHARE.replace("remainder id lowest first", "remainder team lowest first");
    let got = score(
        &source,
        &[
            &["A", "T1", "1", "true"],
            &["B", "T1", "1", "true"],
            &["C", "T1", "1", "true"],
        ],
    );
    assert!(
        got[0]
            .as_ref()
            .unwrap_err()
            .contains("ties this record with another"),
        "{got:?}"
    );
}

#[test]
fn a_mean_of_twelve_monthly_answer_rates_is_exact() {
    // Twelve rates with denominators near 2,500: their mean's exact denominator has 32
    // digits, past 64-bit parts. Worked out with exact fractions, the mean is
    // 94.3727681355…%: above the second threshold and below the first.
    let source = r#"ruleset t
key id
input id       text
input agent    text
input offered  count
input answered count
let rate = answered / offered, when zero 100%
let mean_rate over agent = mean(rate)
score steady over agent = tiers mean_rate
  >= 94.37276814% : 2
  >= 94.372768%   : 1
  else            : 0
output mean_rate = round(mean_rate, 6, half_up)
output steady = steady
"#;
    let months = [
        (2642, 2505),
        (2670, 2491),
        (2473, 2278),
        (2405, 2214),
        (2647, 2507),
        (2635, 2519),
        (2685, 2685),
        (2474, 2249),
        (2588, 2505),
        (2573, 2466),
        (2430, 2135),
        (2502, 2464),
    ];
    let rows: Vec<Vec<String>> = months
        .iter()
        .enumerate()
        .map(|(m, (offered, answered))| {
            vec![
                format!("M{:02}", m + 1),
                "E01".into(),
                offered.to_string(),
                answered.to_string(),
            ]
        })
        .collect();
    let rows: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    let rows: Vec<&[&str]> = rows.iter().map(Vec::as_slice).collect();
    let got = outputs(source, &rows);
    assert_eq!(got[0], ["94.372768%", "1"]);
    assert!(got.iter().all(|r| r == &got[0]));
}

#[test]
fn outcomes_asked_for_a_range_at_a_time_are_each_record_s_and_past_the_last_an_error() {
    let ruleset = Ruleset::compile(AGGREGATES).unwrap();
    let records: Vec<Record> = [
        ["A", "T1", "agent", "10", "90%"],
        ["B", "T1", "leader", "30", "80%"],
        ["C", "T2", "agent", "5", "70%"],
    ]
    .iter()
    .map(|values| ruleset.record_in_order(values).unwrap())
    .collect();
    let population = ruleset.score_together(&records);
    let totals = |outcomes: &[Result<kpi::Outcome, kpi::ScoreError>]| -> Vec<String> {
        outcomes
            .iter()
            .map(|o| match o {
                Ok(o) => o.get("total").unwrap().to_string(),
                Err(e) => e.to_string(),
            })
            .collect()
    };
    let mut outcomes = Vec::new();
    population.outcomes_into(1..4, &mut outcomes);
    assert_eq!(
        totals(&outcomes),
        ["40", "5", "there is no record 3 in a population of 3"]
    );
    // The memory is used again, and a range that holds nothing gives nothing.
    population.outcomes_into(0..1, &mut outcomes);
    assert_eq!(totals(&outcomes), ["40"]);
    #[allow(clippy::reversed_empty_ranges)]
    population.outcomes_into(2..1, &mut outcomes);
    assert!(outcomes.is_empty());
}
