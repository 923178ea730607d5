//! CSV in, CSV out, one thread: kpi's reading, scoring and writing against a
//! hand-written streaming `rust_decimal` pipeline of the same scorecard, over the same
//! generated file, in one process.
//!
//! `cargo bench --bench pipeline` (records: `KPI_BENCH_RECORDS`, default 100,000).

// The exact program is the other benchmark's; this one reads and writes.
#[allow(dead_code)]
#[path = "common/thresholds.rs"]
mod baseline;
#[path = "common/tally.rs"]
mod tally;

use std::hint::black_box;
use std::io::Write;
use std::time::Duration;

use baseline::{Agent, SEED};
use criterion::Criterion;
use kpi::Ruleset;
use kpi::generate::Generator;
use tally::Tally;

/// kpi: records read against the declared inputs, scored, each output written.
fn kpi_pipeline(ruleset: &Ruleset, csv: &[u8]) -> usize {
    let mut out = csv::Writer::from_writer(Vec::with_capacity(csv.len()));
    let mut scorer = ruleset.scorer();
    for record in ruleset.read_csv(csv).expect("a header") {
        let record = record.expect("valid");
        let outcome = scorer.score(&record).expect("scores");
        let mut row = vec![record.key().to_string()];
        row.extend(outcome.values.iter().map(|v| v.to_string()));
        out.write_record(&row).expect("written");
    }
    out.into_inner().expect("flushed").len()
}

/// By hand: each row's fields parsed, scored with `rust_decimal`, written.
fn decimal_pipeline(csv: &[u8]) -> usize {
    let mut reader = csv::Reader::from_reader(csv);
    let mut out = csv::Writer::from_writer(Vec::with_capacity(csv.len()));
    for row in reader.records() {
        let row = row.expect("a row");
        let values: Vec<String> = row.iter().map(String::from).collect();
        let pay = baseline::decimal(&Agent::parse(&values));
        let score = format!("{}.{:02}", pay.score / 100, pay.score % 100);
        let payout = format!("{}.{:02}", pay.payout / 100, pay.payout % 100);
        let grade = (pay.grade as char).to_string();
        out.write_record([&values[0], &score, &grade, &payout])
            .expect("written");
    }
    out.into_inner().expect("flushed").len()
}

fn main() {
    let count = baseline::record_count();
    let ruleset = baseline::ruleset();
    let mut generator = Generator::new(&ruleset, SEED);
    let mut csv = Vec::new();
    let names: Vec<&str> = ruleset.inputs().map(|i| i.name()).collect();
    writeln!(csv, "{}", names.join(",")).expect("in memory");
    for _ in 0..count {
        writeln!(csv, "{}", generator.record().join(",")).expect("in memory");
    }

    let times = [Tally::default(), Tally::default()];
    let mut criterion = Criterion::default()
        .sample_size(10)
        .measurement_time(Duration::from_secs(5))
        .configure_from_args();
    let mut group = criterion.benchmark_group("csv_to_csv");
    let pipelines: [(&str, &dyn Fn() -> usize); 2] = [
        ("kpi", &|| kpi_pipeline(&ruleset, &csv)),
        ("rust_decimal", &|| decimal_pipeline(&csv)),
    ];
    for ((name, run), time) in pipelines.iter().zip(&times) {
        group.bench_function(*name, |b| {
            b.iter_custom(|iters| {
                time.time(iters, count as u64, || {
                    black_box(run());
                })
            })
        });
    }
    group.finish();

    let per_second = |time: &Tally| 1e9 / time.ns_per_item();
    let (k, d) = (per_second(&times[0]), per_second(&times[1]));
    println!("\nCSV to CSV, {count} records, one thread:");
    println!("  rust_decimal by hand  {:>10.0} records/s", d);
    println!("  kpi                   {:>10.0} records/s", k);
    println!("  kpi vs by hand        {:>10.2}x   (target >= 0.7)", k / d);
}
