//! CSV in, CSV out, one thread: kpi's reading, scoring and writing against two
//! hand-written streaming pipelines of the same scorecard, over the same generated
//! file, in one process. The hand-written ones are what a careful engineer writes:
//! one byte record read into again and again, fields parsed where they lie, output
//! formatted into one reused buffer, no allocation per row or field. One scores with
//! `rust_decimal`, the other in exact integers.
//!
//! Then the whole process: the `kpi` binary's `kpi eval -j 1` and `-j 2` over a
//! generated file on disk, writing a file, against the hand-written `rust_decimal`
//! pipeline reading that file and writing a file in this process.
//!
//! `cargo bench --bench pipeline` (records: `KPI_BENCH_RECORDS`, default 100,000; for
//! the whole process `KPI_BENCH_PROCESS_RECORDS`, default 1,000,000).

// The exact program is the other benchmark's; this one reads and writes.
#[allow(dead_code)]
#[path = "common/thresholds.rs"]
mod baseline;
#[path = "common/tally.rs"]
mod tally;

use std::fmt::Write as _;
use std::hint::black_box;
use std::io::{Read, Write};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use baseline::{Agent, Pay, SEED};
use criterion::Criterion;
use kpi::generate::Generator;
use kpi::{CsvChunk, CsvChunks, Ruleset};
use tally::Tally;

/// kpi as a library: rows cut into chunks and read into records used again, scored,
/// each output written through one reused buffer.
fn kpi_pipeline(ruleset: &Ruleset, csv: &[u8]) -> Vec<u8> {
    let mut out = csv::Writer::from_writer(Vec::with_capacity(csv.len()));
    let mut scorer = ruleset.scorer();
    let mut chunks = CsvChunks::new(ruleset, csv, b',').expect("a header");
    let mut rows = chunks.rows(None);
    let (mut chunk, mut records, mut value) = (CsvChunk::default(), Vec::new(), String::new());
    while chunks.next_into(&mut chunk) {
        let read = rows.read(&chunk, &mut records, |row| {
            row.expect("valid");
        });
        for record in &records[..read] {
            let outcome = scorer.score(record).expect("scores");
            out.write_field(record.key()).expect("written");
            for v in &outcome.values {
                value.clear();
                write!(value, "{v}").expect("in memory");
                out.write_field(&value).expect("written");
            }
            out.write_record(None::<&[u8]>).expect("written");
        }
    }
    out.into_inner().expect("flushed")
}

/// By hand: every row read into one byte record, scored by `score`, written through
/// one reused buffer.
fn careful_pipeline(csv: &[u8], score: impl Fn(&csv::ByteRecord) -> Pay) -> Vec<u8> {
    careful_stream(csv, Vec::with_capacity(csv.len()), score)
}

/// [`careful_pipeline`] from `input` to `output`.
fn careful_stream<W: Write>(
    input: impl Read,
    output: W,
    score: impl Fn(&csv::ByteRecord) -> Pay,
) -> W {
    let mut reader = csv::Reader::from_reader(input);
    let mut out = csv::Writer::from_writer(output);
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

/// `count` generated records of the scorecard as a CSV file, with its header.
fn generated(ruleset: &Ruleset, count: usize) -> Vec<u8> {
    let mut generator = Generator::new(ruleset, SEED);
    let mut csv = Vec::new();
    let names: Vec<&str> = ruleset.inputs().map(|i| i.name()).collect();
    writeln!(csv, "{}", names.join(",")).expect("in memory");
    for _ in 0..count {
        writeln!(csv, "{}", generator.record().join(",")).expect("in memory");
    }
    csv
}

/// How many records the whole-process comparison scores:
/// `KPI_BENCH_PROCESS_RECORDS`, else 1,000,000.
fn process_record_count() -> usize {
    std::env::var("KPI_BENCH_PROCESS_RECORDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000)
}

/// The wall time of `kpi eval -j JOBS` over `data`, writing `out`: the release
/// binary, started as a user starts it.
fn kpi_eval(data: &Path, out: &Path, jobs: &str) -> Duration {
    let start = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_kpi"))
        .args(["eval", "rulesets/thresholds.kpi"])
        .arg(data)
        .args(["-j", jobs, "-o"])
        .arg(out)
        .status()
        .expect("kpi runs");
    let elapsed = start.elapsed();
    assert!(status.success(), "kpi eval -j {jobs} failed");
    elapsed
}

/// The wall time of the hand-written `rust_decimal` pipeline reading `data` and
/// writing `out`, in this process.
fn careful_files(data: &Path, out: &Path) -> Duration {
    let start = Instant::now();
    let input = std::fs::File::open(data).expect("the data");
    let output = std::fs::File::create(out).expect("an output file");
    let output = careful_stream(input, output, |row| baseline::decimal(&agent(row)));
    output.sync_all().expect("written");
    start.elapsed()
}

/// The whole process, file to file: `kpi eval -j 1` and `-j 2` against the
/// hand-written `rust_decimal` pipeline, each the best of five runs taken in turn.
fn whole_process(ruleset: &Ruleset) {
    let count = process_record_count();
    let csv = generated(ruleset, count);
    let dir = std::env::temp_dir().join(format!("kpi-bench-pipeline-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    let (data, out) = (dir.join("agents.csv"), dir.join("scored.csv"));
    std::fs::write(&data, &csv).expect("the data written");
    let mut best = [Duration::MAX; 3];
    for _ in 0..5 {
        let times = [
            careful_files(&data, &out),
            kpi_eval(&data, &out, "1"),
            kpi_eval(&data, &out, "2"),
        ];
        for (best, time) in best.iter_mut().zip(times) {
            *best = (*best).min(time);
        }
    }
    // kpi's file is its header and exactly the rows of the exact pipeline.
    let written = std::fs::read(&out).expect("kpi's output");
    let header = written
        .iter()
        .position(|&b| b == b'\n')
        .map_or(0, |n| n + 1);
    assert!(
        written[header..] == exact_pipeline(&csv),
        "kpi eval disagrees with exact integers"
    );
    std::fs::remove_dir_all(&dir).expect("the scratch folder removed");
    let [d, one, two] = best.map(|time| count as f64 / time.as_secs_f64());
    println!("\nCSV file to CSV file, whole process, {count} records (best of 5):");
    println!("  rust_decimal by hand    {d:>10.0} records/s");
    println!(
        "  kpi eval -j 1           {one:>10.0} records/s   {:.2}x rust_decimal (target >= 0.7)",
        one / d
    );
    println!(
        "  kpi eval -j 2           {two:>10.0} records/s   {:.2}x -j 1 (target >= 1.8)",
        two / one
    );
}

fn main() {
    let count = baseline::record_count();
    let ruleset = baseline::ruleset();
    let csv = generated(&ruleset, count);

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
    whole_process(&ruleset);
}
