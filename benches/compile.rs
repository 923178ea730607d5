//! Compile time against ruleset size: generated rulesets of 10, 100, 1,000 and 10,000
//! items (tiers, weighted sums, lines and formulas, each reading the one before), so
//! that growth that is not linear shows as a rising time per item. Then the shapes a
//! careless or hostile file takes: thousands of statements on one line, and a grade
//! and a tier table of many rows, each at two sizes ten times apart.
//!
//! `cargo bench --bench compile`

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion};
use kpi::Ruleset;
use tally::Tally;

#[path = "common/tally.rs"]
mod tally;

/// A valid ruleset of `items` items, each depending on the one before.
fn ruleset(items: usize) -> String {
    let mut text = String::from(
        "ruleset big\ncurrency CNY\nkey id\ninput id text\ninput a count\ninput b count\n\
         input q number 0..100\nlet r0 = a + b\n",
    );
    for i in 1..items {
        let p = i - 1;
        let item = match i % 4 {
            0 => format!("let r{i} = r{p} / 2 + a\n"),
            1 => format!("score r{i} = tiers r{p}\n  >= 95 : 100\n  >= 90 : 80\n  else  : 0\n"),
            2 => format!("score r{i} = weighted\n  r{p}  50%\n  q  50%\n"),
            _ => format!("score r{i} = linear r{p} from 0 : 0 to 100 : 100\n"),
        };
        text.push_str(&item);
    }
    text.push_str(&format!("output o = round(r{}, 2, half_up)\n", items - 1));
    text
}

/// `n` statements written on one line.
fn one_line(n: usize) -> String {
    let mut text = String::from("ruleset t key id input id text input n number");
    for i in 0..n {
        text.push_str(&format!(" let x{i} = n + {i}"));
    }
    text + " output o = x0\n"
}

/// A grade (or, with `tiers`, a tier table) of `n` rows.
fn rows(n: usize, tiers: bool) -> String {
    let mut text = String::from("ruleset t\nkey id\ninput id text\ninput n number\n");
    text.push_str(if tiers {
        "score g = tiers n\n"
    } else {
        "grade g by n\n"
    });
    for i in 0..n {
        let gives = if tiers {
            i.to_string()
        } else {
            format!("G{i}")
        };
        text.push_str(&format!("  >= {} : {gives}\n", n - i));
    }
    text.push_str(if tiers {
        "  else : 0\n"
    } else {
        "  else : Z\n"
    });
    text + "output o = g\n"
}

/// Compile time per statement or row at two sizes ten times apart, and their ratio
/// (1.0 is linear; quadratic work shows as 10).
fn growth(criterion: &mut Criterion, name: &str, make: impl Fn(usize) -> String, small: usize) {
    let sizes = [small, small * 10];
    let texts: Vec<String> = sizes.iter().map(|&n| make(n)).collect();
    let spent: Vec<Tally> = sizes.iter().map(|_| Tally::default()).collect();
    let mut group = criterion.benchmark_group(name);
    for ((&size, text), spent) in sizes.iter().zip(&texts).zip(&spent) {
        Ruleset::compile(text).unwrap_or_else(|d| panic!("{d}"));
        group.bench_with_input(BenchmarkId::from_parameter(size), text, |b, text| {
            b.iter_custom(|iters| {
                spent.time(iters, size as u64, || {
                    black_box(Ruleset::compile(black_box(text)).is_ok());
                })
            })
        });
    }
    group.finish();
    let [a, b] = [spent[0].ns_per_item(), spent[1].ns_per_item()];
    println!(
        "  {name}: {:.2} µs each at {}, {:.2} µs at {}: {:.2}x (1.0 is linear)",
        a / 1e3,
        sizes[0],
        b / 1e3,
        sizes[1],
        b / a
    );
}

fn main() {
    let sizes = [10, 100, 1_000, 10_000];
    let texts: Vec<String> = sizes.iter().map(|&n| ruleset(n)).collect();
    for text in &texts {
        Ruleset::compile(text).unwrap_or_else(|d| panic!("{d}"));
    }
    let spent: Vec<Tally> = sizes.iter().map(|_| Tally::default()).collect();
    let mut criterion = Criterion::default()
        .sample_size(10)
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let mut group = criterion.benchmark_group("compile");
    for ((&size, text), spent) in sizes.iter().zip(&texts).zip(&spent) {
        group.bench_with_input(BenchmarkId::from_parameter(size), text, |b, text| {
            b.iter_custom(|iters| {
                spent.time(iters, size as u64, || {
                    black_box(Ruleset::compile(black_box(text)).is_ok());
                })
            })
        });
    }
    group.finish();

    println!("\ncompile time by ruleset size (one process):");
    let per_item: Vec<f64> = sizes
        .iter()
        .zip(&spent)
        .map(|(&size, spent)| {
            let us_per_item = spent.ns_per_item() / 1e3;
            let ms = us_per_item * size as f64 / 1e3;
            println!("  {size:>6} items  {ms:>9.2} ms  {us_per_item:>7.2} µs per item");
            us_per_item
        })
        .collect();
    println!(
        "  time per item, 10,000 items against 100: {:.2}x (1.0 is linear)",
        per_item[3] / per_item[1]
    );

    println!("\nhostile shapes, time per statement or row (one process):");
    growth(&mut criterion, "statements on one line", one_line, 2_000);
    growth(&mut criterion, "grade rows", |n| rows(n, false), 10_000);
    growth(&mut criterion, "tier rows", |n| rows(n, true), 10_000);
}
