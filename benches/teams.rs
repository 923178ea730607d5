//! Records scored together, one thread: `rulesets/team_monthly.kpi` over a roster of
//! teams of twelve (a leader and eleven agents), against scoring the same records one
//! at a time with a `Scorer` on the same scorecard with its group items and rank read
//! from the record itself (the per-record path the population path must keep up with).
//! Prints ns per record and the ratios, on one thread and on two.
//!
//! `cargo bench --bench teams` (records: `KPI_BENCH_RECORDS`, default 1,000,000).

#[path = "common/tally.rs"]
mod tally;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use kpi::{Record, Ruleset};
use tally::Tally;

const TEAM_SIZE: usize = 12;

/// The same scorecard with every group value and the rank computed from the record
/// alone: the same items, inputs and outputs, on the streaming per-record path.
fn per_record(source: &str) -> String {
    let flat = source
        .replace(
            "over team = sum(calls_answered where is_agent) / sum(calls_offered where is_agent)",
            "= calls_answered / calls_offered",
        )
        .replace(
            "over team = sum(spot_tests_passed) / sum(spot_tests_total)",
            "= spot_tests_passed / spot_tests_total",
        )
        .replace(" over team = ", " = ")
        .replace(
            "rank total highest first where is_leader, ties shared, when excluded 0",
            "if is_leader then 1 else 0",
        );
    assert_ne!(
        flat, source,
        "the scorecard changed; update the per-record variant"
    );
    flat
}

/// A roster of `count` members, the same for the same count: teams of twelve whose
/// first member is the leader.
fn roster(ruleset: &Ruleset, count: usize) -> Vec<Record> {
    let mut state: u64 = 0x2026_1130;
    let mut next = |below: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % below
    };
    (0..count)
        .map(|i| {
            let leader = i % TEAM_SIZE == 0;
            let offered = if leader { 0 } else { 800 + next(2000) };
            let answered = offered - next(offered / 5 + 1);
            let tests = 5 * next(5);
            let passed = tests - next(tests + 1) / 2;
            let values = [
                format!("A{i:07}"),
                format!("T{:05}", i / TEAM_SIZE),
                if leader { "leader" } else { "agent" }.to_string(),
                offered.to_string(),
                answered.to_string(),
                tests.to_string(),
                passed.to_string(),
                if leader { next(45) } else { 0 }.to_string(),
                if leader { 40 } else { 0 }.to_string(),
                if leader { "3000.05" } else { "0.00" }.to_string(),
            ];
            ruleset.record_in_order(&values).expect("a valid record")
        })
        .collect()
}

fn main() {
    let count: usize = std::env::var("KPI_BENCH_RECORDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let path = "rulesets/team_monthly.kpi";
    let source = std::fs::read_to_string(path).expect("the team scorecard");
    let together = Ruleset::compile(&source).expect("team_monthly compiles");
    let alone = Ruleset::compile(&per_record(&source)).expect("the per-record variant compiles");
    assert!(together.reads_population() && !alone.reads_population());
    let records = roster(&together, count);
    let failed = together
        .evaluate_all(&records)
        .iter()
        .filter(|o| o.is_err())
        .count();
    assert_eq!(failed, 0, "every member scores");

    let (population, population_two, scorer) =
        (Tally::default(), Tally::default(), Tally::default());
    let pool = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("threads")
    };
    let (one, two) = (pool(1), pool(2));
    let score_together = |pool: &rayon::ThreadPool| {
        pool.install(|| {
            let population = together.score_together(black_box(&records));
            let mut outcomes = Vec::new();
            for first in (0..records.len()).step_by(1024) {
                let range = first..(first + 1024).min(records.len());
                population.outcomes_into(range, &mut outcomes);
                black_box(outcomes.len());
            }
        })
    };
    let mut criterion = Criterion::default()
        .sample_size(10)
        .measurement_time(Duration::from_secs(10))
        .configure_from_args();
    let mut group = criterion.benchmark_group("teams");
    group.throughput(Throughput::Elements(count as u64));
    let n = count as u64;
    group.bench_function("population", |b| {
        b.iter_custom(|iters| population.time(iters, n, || score_together(&one)))
    });
    group.bench_function("population_2_threads", |b| {
        b.iter_custom(|iters| population_two.time(iters, n, || score_together(&two)))
    });
    group.bench_function("per_record", |b| {
        b.iter_custom(|iters| {
            scorer.time(iters, n, || {
                // The fastest per-record path: the compiled kernel, a batch at a time.
                let mut scorer = alone.scorer();
                for chunk in records.chunks(1024) {
                    black_box(scorer.score_all(black_box(chunk)).len());
                }
            })
        })
    });
    group.finish();

    let (p, s) = (population.ns_per_item(), scorer.ns_per_item());
    println!("\nteam_monthly, {count} members in teams of {TEAM_SIZE}, one thread:");
    println!("  per record (score_all){s:>9.1} ns/record");
    println!("  together (population) {p:>9.1} ns/record");
    println!("  together / per record {:>9.2}x   (aim < 2)", p / s);
    let p2 = population_two.ns_per_item();
    println!(
        "  together, 2 threads   {p2:>9.1} ns/record   {:.2}x one thread",
        p / p2
    );
}
