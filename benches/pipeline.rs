//! CSV in, CSV out, one thread: kpi's reading, scoring and writing against two
//! hand-written streaming pipelines of the same scorecard, over the same generated
//! file, in one process. The hand-written ones are what a careful engineer writes:
//! one byte record read into again and again, fields parsed where they lie, output
//! formatted into one reused buffer, no allocation per row or field. One scores with
//! `rust_decimal`, the other in exact integers.
//!
//! `cargo bench --bench pipeline` (records: `KPI_BENCH_RECORDS`, default 100,000).

// The exact program is the other benchmark's; this one reads and writes.
#[allow(dead_code)]
#[path = "common/thresholds.rs"]
mod baseline;
#[path = "common/tally.rs"]
mod tally;

use std::fmt::Write as _;
use std::hint::black_box;
use std::io::Write;
use std::time::Duration;

use baseline::{Agent, Pay, SEED};
use criterion::Criterion;
use kpi::Ruleset;
use kpi::generate::Generator;
use tally::Tally;

/// kpi: records read against the declared inputs, scored, each output written.
fn kpi_pipeline(ruleset: &Ruleset, csv: &[u8]) -> Vec<u8> {
    let mut out = csv::Writer::from_writer(Vec::with_capacity(csv.len()));
    let mut scorer = ruleset.scorer();
    for record in ruleset.read_csv(csv).expect("a header") {
        let record = record.expect("valid");
        let outcome = scorer.score(&record).expect("scores");
        let mut row = vec![record.key().to_string()];
        row.extend(outcome.values.iter().map(|v| v.to_string()));
        out.write_record(&row).expect("written");
    }
    out.into_inner().expect("flushed")
}

/// By hand: every row read into one byte record, scored by `score`, written through
/// one reused buffer.
fn careful_pipeline(csv: &[u8], score: impl Fn(&csv::ByteRecord) -> Pay) -> Vec<u8> {
    let mut reader = csv::Reader::from_reader(csv);
    let mut out = csv::Writer::from_writer(Vec::with_capacity(csv.len()));
    let mut row = csv::ByteRecord::new();
    let mut number = String::with_capacity(32);
    while reader.read_byte_record(&mut row).expect("a row") {
        let pay = score(&row);
        out.write_field(&row[0]).expect("written");
        out.write_field(cents(&mut number, pay.score))
            .expect("written");
        out.write_field([pay.grade]).expect("written");
        out.write_field(cents(&mut number, pay.payout))
            .expect("written");
        out.write_record(None::<&[u8]>).expect("written");
    }
    out.into_inner().expect("flushed")
}

/// A whole number written in ASCII digits, read without allocating.
fn int_bytes(field: &[u8]) -> i64 {
    field
        .iter()
        .fold(0, |n, &b| n * 10 + i64::from(b.wrapping_sub(b'0')))
}

/// A decimal such as `87.5` or `1000.05` in hundredths, read without allocating and
/// truncated past two places, as [`Agent::parse`] reads it.
fn hundredths_bytes(field: &[u8]) -> i64 {
    let (whole, fraction) = match field.iter().position(|&b| b == b'.') {
        Some(dot) => (&field[..dot], &field[dot + 1..]),
        None => (field, &[][..]),
    };
    let cents = match fraction {
        [] => 0,
        [tenths] => 10 * i64::from(tenths - b'0'),
        [tenths, hundredths, ..] => 10 * i64::from(tenths - b'0') + i64::from(hundredths - b'0'),
    };
    int_bytes(whole) * 100 + cents
}

/// Reads a CSV row's fields in place, in the ruleset's input order (key first).
fn agent(row: &csv::ByteRecord) -> Agent {
    Agent::read(|i| int_bytes(&row[i]), |i| hundredths_bytes(&row[i]))
}

/// `value` hundredths written as a decimal with two places into `buffer`, reused.
fn cents(buffer: &mut String, value: i64) -> &str {
    buffer.clear();
    write!(buffer, "{}.{:02}", value / 100, value % 100).expect("in memory");
    buffer
}

/// By hand in `rust_decimal`: the decimal fields parsed from their bytes in place.
fn decimal_pipeline(csv: &[u8]) -> Vec<u8> {
    careful_pipeline(csv, |row| baseline::decimal(&agent(row)))
}

/// By hand in exact integers.
fn exact_pipeline(csv: &[u8]) -> Vec<u8> {
    careful_pipeline(csv, |row| baseline::exact(&agent(row)))
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

    let times = [Tally::default(), Tally::default(), Tally::default()];
    let mut criterion = Criterion::default()
        .sample_size(10)
        .measurement_time(Duration::from_secs(5))
        .configure_from_args();
    let mut group = criterion.benchmark_group("csv_to_csv");
    // The exact pipeline writes kpi's bytes, or the comparison means nothing; the
    // decimal one may differ where a rounded rate lands just below a boundary.
    let written = kpi_pipeline(&ruleset, &csv);
    assert!(
        exact_pipeline(&csv) == written,
        "exact integers disagree with kpi"
    );
    let differ = decimal_pipeline(&csv)
        .split(|&b| b == b'\n')
        .zip(written.split(|&b| b == b'\n'))
        .filter(|(a, b)| a != b)
        .count();
    let pipelines: [(&str, &dyn Fn() -> Vec<u8>); 3] = [
        ("kpi", &|| kpi_pipeline(&ruleset, &csv)),
        ("rust_decimal", &|| decimal_pipeline(&csv)),
        ("exact_integers", &|| exact_pipeline(&csv)),
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
    let [k, d, e] = [0, 1, 2].map(|i| per_second(&times[i]));
    println!("\nCSV to CSV, {count} records, one thread (careful hand-written baselines):");
    println!("  exact integers by hand  {e:>10.0} records/s");
    println!("  rust_decimal by hand    {d:>10.0} records/s");
    println!("  kpi                     {k:>10.0} records/s");
    println!(
        "  kpi vs rust_decimal     {:>10.2}x   (target >= 0.7)",
        k / d
    );
    println!("  kpi vs exact integers   {:>10.2}x", k / e);
    println!("  rows where rust_decimal differs from kpi: {differ}");
}
