//! Records scored together, through the command line: explanations of group values,
//! ranks and distributed grades, appeals that move others, and verification against
//! the data file.

mod common;

use common::{kpi, text};

const TEAM: [&str; 2] = [
    "rulesets/team_monthly.kpi",
    "tests/scenarios/team_monthly/members.csv",
];
const SHARES: [&str; 2] = [
    "rulesets/forced_distribution.kpi",
    "tests/scenarios/forced_distribution/scores.csv",
];

fn explain(files: [&str; 2], key: &str, lang: &str) -> String {
    let out = kpi(&["explain", files[0], files[1], "--key", key, "--lang", lang]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    text(&out.stdout)
}

#[test]
fn a_leader_is_explained_with_the_team_and_the_neighbours() {
    insta::assert_snapshot!("team_leader_l06_zh", explain(TEAM, "L06", "zh"));
    insta::assert_snapshot!("team_leader_l06_en", explain(TEAM, "L06", "en"));
}

#[test]
fn a_distributed_grade_shows_its_slots_and_the_tie_at_the_boundary() {
    insta::assert_snapshot!("distribution_d03453_en", explain(SHARES, "D03453", "en"));
    let small = explain(SHARES, "D02372", "zh");
    assert!(
        small.contains("班组02 仅 4 名，不做强制分布，按固定分档评定"),
        "{small}"
    );
}

#[test]
fn an_appeal_scores_the_team_again_and_lists_the_others_it_moves() {
    // A0602 answered 200 more calls: team 06's rate rises, so L06's score does.
    let out = kpi(&[
        "explain",
        TEAM[0],
        TEAM[1],
        "--key",
        "A0602",
        "--lang",
        "en",
        "--set",
        "calls_answered=2172",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    insta::assert_snapshot!("team_appeal_a0602_en", text(&out.stdout));
}

#[test]
fn a_saved_explanation_verifies_against_its_data_and_only_there() {
    let dir = std::env::temp_dir().join(format!("kpi-population-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let saved = dir.join("l06.json");
    let saved = saved.to_str().unwrap();
    let out = kpi(&[
        "explain", TEAM[0], TEAM[1], "--key", "L06", "--format", "json", "-o", saved,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json = std::fs::read_to_string(saved).unwrap();
    assert!(
        json.contains("\"population\": {\n    \"records\": 83,"),
        "{json}"
    );

    let alone = kpi(&["verify", TEAM[0], saved]);
    assert_eq!(alone.status.code(), Some(1));
    assert!(
        text(&alone.stderr).contains(
            "population: its values depend on 83 records scored together; verify it against the data file it was scored from"
        ),
        "{}",
        text(&alone.stderr)
    );

    let with_data = kpi(&["verify", TEAM[0], saved, "--data", TEAM[1]]);
    assert_eq!(
        with_data.status.code(),
        Some(0),
        "{}",
        text(&with_data.stderr)
    );

    // Another member's record changed: the population fingerprint and the values say so.
    let members = std::fs::read_to_string(TEAM[1]).unwrap();
    let changed = dir.join("members.csv");
    std::fs::write(
        &changed,
        members.replace(
            "A0602,班组06,agent,2221,1972",
            "A0602,班组06,agent,2221,1973",
        ),
    )
    .unwrap();
    let tampered = kpi(&[
        "verify",
        TEAM[0],
        saved,
        "--data",
        changed.to_str().unwrap(),
    ]);
    assert_eq!(tampered.status.code(), Some(1));
    let stderr = text(&tampered.stderr);
    assert!(
        stderr.contains("population: the records its values depended on differ"),
        "{stderr}"
    );
    assert!(
        stderr.contains("output score: saved 77.33, recomputed 77.37"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_population_with_an_unreadable_record_is_not_scored() {
    let dir = std::env::temp_dir().join(format!("kpi-population-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let members = std::fs::read_to_string(TEAM[1]).unwrap();
    let bad = dir.join("members.csv");
    std::fs::write(
        &bad,
        members.replace("A0602,班组06,agent,2221,", "A0602,班组06,agent,22x1,"),
    )
    .unwrap();
    let out = kpi(&["eval", TEAM[0], bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "");
    let stderr = text(&out.stderr).replace(bad.to_str().unwrap(), "members.csv");
    assert_eq!(
        stderr,
        "members.csv: line 23 (A0602), column calls_offered, value \"22x1\": expected a whole number such as 12\n\
         members.csv: no record was scored: ruleset `team_monthly` scores records together, and 1 record could not be read or repeats a key; correct it and run again\n"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_number_of_threads_does_not_change_a_population() {
    let run = |jobs: &str| {
        let out = kpi(&["eval", SHARES[0], SHARES[1], "-j", jobs]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let one = run("1");
    assert_eq!(one.lines().count(), 87);
    assert_eq!(one, run("2"));
    assert_eq!(one, run("3"));
}

#[test]
fn members_lists_each_members_part_in_an_aggregate() {
    let out = kpi(&[
        "explain",
        TEAM[0],
        TEAM[1],
        "--key",
        "L06",
        "--lang",
        "en",
        "--members",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let part = stdout
        .split("\n\n")
        .find(|s| s.starts_with("sum(calls_answered where is_agent)"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert_eq!(
        part,
        "sum(calls_answered where is_agent)  (aggregate, line 26)\n  Formula  sum(calls_answered where is_agent)\n    - 班组06: 4 of 5 members counted\n  > A0602   1972   yes\n    L06     0      no\n  > A0600   2179   yes\n  > A0601   2508   yes\n  > A0603   2620   yes\n  Value    9279"
    );
    let alone = kpi(&[
        "explain",
        "rulesets/agent_monthly.kpi",
        "tests/scenarios/agent_monthly/metrics.csv",
        "--key",
        "E04",
        "--members",
    ]);
    assert_eq!(alone.status.code(), Some(2));
    assert_eq!(
        text(&alone.stderr),
        "error: --members: ruleset `agent_monthly` scores each record alone, so it has no group members to list\n"
    );
}
