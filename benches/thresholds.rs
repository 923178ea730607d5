//! Evaluation only, one thread: kpi against two hand-written programs of the same
//! scorecard (`rulesets/thresholds.kpi`), exact integers and `rust_decimal`, over
//! the same generated records in one process. Prints ns per record and the ratios.
//!
//! `cargo bench --bench thresholds` (records: `KPI_BENCH_RECORDS`, default 100,000).

#[path = "common/thresholds.rs"]
mod baseline;
#[path = "common/tally.rs"]
mod tally;

use std::hint::black_box;
use std::time::Duration;

use baseline::{Agent, Pay, SEED};
use criterion::{Criterion, Throughput};
use kpi::generate::Generator;
use kpi::{Outcome, OutputValue, Record};
use rayon::prelude::*;
use rust_decimal::Decimal;
use tally::Tally;

/// Records handed to the scorer at once, as `kpi eval` hands them over.
const CHUNK: usize = 1024;

fn cents(value: &OutputValue) -> i64 {
    match value {
        OutputValue::Number(d) | OutputValue::Money(d) => {
            (d * Decimal::from(100)).try_into().expect("whole cents")
        }
        other => panic!("not a number: {other}"),
    }
}

fn pay(outcome: &Outcome) -> Pay {
    let grade = match &outcome.values[1] {
        OutputValue::Grade(g) => g.as_bytes()[0],
        other => panic!("not a grade: {other}"),
    };
    Pay {
        score: cents(&outcome.values[0]),
        grade,
        payout: cents(&outcome.values[2]),
    }
}

fn main() {
    let count = baseline::record_count();
    let ruleset = baseline::ruleset();
    let mut generator = Generator::new(&ruleset, SEED);
    let (mut records, mut agents) = (Vec::with_capacity(count), Vec::with_capacity(count));
    for _ in 0..count {
        let values = generator.record();
        records.push(ruleset.record_in_order(&values).expect("a valid record"));
        agents.push(Agent::parse(&values));
    }

    // The exact program must agree with kpi on every record, or the comparison is void.
    // Both ways of calling kpi are checked.
    let mut decimal_wrong = 0;
    let mut scorer = ruleset.scorer();
    for (chunk, agents) in records.chunks(CHUNK).zip(agents.chunks(CHUNK)) {
        let outcomes = scorer.score_all(chunk).to_vec();
        for ((record, outcome), agent) in chunk.iter().zip(outcomes).zip(agents) {
            let expected = pay(&outcome.expect("scores"));
            assert_eq!(baseline::exact(agent), expected, "{agent:?}");
            assert_eq!(pay(scorer.score(record).expect("scores")), expected);
            if baseline::decimal(agent) != expected {
                decimal_wrong += 1;
            }
        }
    }

    let (kpi, exact, decimal) = (Tally::default(), Tally::default(), Tally::default());
    let (kpi_two, kpi_single) = (Tally::default(), Tally::default());
    let mut criterion = Criterion::default()
        .sample_size(20)
        .measurement_time(Duration::from_secs(4))
        .configure_from_args();
    let mut group = criterion.benchmark_group("thresholds_evaluate");
    group.throughput(Throughput::Elements(count as u64));
    let n = count as u64;
    // Records scored a chunk at a time, as `kpi eval` and the bindings score them.
    let score_in_chunks = |records: &[Record]| {
        let mut scorer = ruleset.scorer();
        for chunk in records.chunks(CHUNK) {
            black_box(scorer.score_all(black_box(chunk)).len());
        }
    };
    group.bench_function("kpi", |b| {
        b.iter_custom(|iters| kpi.time(iters, n, || score_in_chunks(&records)))
    });
    group.bench_function("kpi_one_at_a_time", |b| {
        b.iter_custom(|iters| {
            kpi_single.time(iters, n, || {
                let mut scorer = ruleset.scorer();
                for record in &records {
                    black_box(scorer.score(black_box(record)).is_ok());
                }
            })
        })
    });
    // Two threads kept for the whole run, as `kpi eval -j 2` keeps them: starting
    // threads in every timed iteration would be timed too.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("two threads");
    group.bench_function("kpi_2_threads", |b| {
        let halves: Vec<&[Record]> = records.chunks(records.len().div_ceil(2)).collect();
        b.iter_custom(|iters| {
            kpi_two.time(iters, n, || {
                pool.install(|| halves.par_iter().for_each(|half| score_in_chunks(half)));
            })
        })
    });
    group.bench_function("exact_integer", |b| {
        b.iter_custom(|iters| {
            exact.time(iters, n, || {
                for agent in &agents {
                    black_box(baseline::exact(black_box(agent)));
                }
            })
        })
    });
    group.bench_function("rust_decimal", |b| {
        b.iter_custom(|iters| {
            decimal.time(iters, n, || {
                for agent in &agents {
                    black_box(baseline::decimal(black_box(agent)));
                }
            })
        })
    });
    group.finish();

    let (k, e, d) = (
        kpi.ns_per_item(),
        exact.ns_per_item(),
        decimal.ns_per_item(),
    );
    println!("\nthresholds, {count} records (seed {SEED}), evaluation only, one thread:");
    println!("  exact integer Rust  {e:>9.1} ns/record");
    println!(
        "  rust_decimal Rust   {d:>9.1} ns/record   pays {:.2}% of agents wrongly",
        100.0 * decimal_wrong as f64 / count as f64
    );
    println!(
        "  kpi                 {k:>9.1} ns/record   pays every agent exactly ({CHUNK} records a call)"
    );
    println!(
        "  kpi, one at a time  {:>9.1} ns/record",
        kpi_single.ns_per_item()
    );
    println!("  kpi vs rust_decimal {:>9.2}x   (target >= 3)", d / k);
    println!("  kpi vs exact integer{:>9.2}x", e / k);
    println!(
        "  kpi on 2 threads    {:>9.1} ns/record   {:.2}x one thread (target >= 1.8)",
        kpi_two.ns_per_item(),
        k / kpi_two.ns_per_item()
    );
}
