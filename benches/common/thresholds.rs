//! The thresholds scorecard (`rulesets/thresholds.kpi`) written by hand twice: in
//! exact integer arithmetic, and straightforwardly in `rust_decimal`, as a payroll
//! programmer would. They are what kpi is measured against.

use kpi::Ruleset;
use rust_decimal::{Decimal, RoundingStrategy};

/// The seed the benchmarks generate their records with.
pub const SEED: u64 = 2026;

/// How many records a benchmark scores: `KPI_BENCH_RECORDS`, else 100,000.
pub fn record_count() -> usize {
    std::env::var("KPI_BENCH_RECORDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000)
}

/// The scorecard as kpi compiles it from `rulesets/thresholds.kpi`.
pub fn ruleset() -> Ruleset {
    let text = std::fs::read_to_string("rulesets/thresholds.kpi").expect("the ruleset");
    Ruleset::compile(&text).expect("compiles")
}

/// One agent's month, read once before timing.
#[derive(Debug, Clone, Copy)]
pub struct Agent {
    pub offered: i64,
    pub answered: i64,
    pub tests_total: i64,
    pub tests_passed: i64,
    pub complaints: i64,
    pub resolved: i64,
    pub praise: i64,
    pub grievance: i64,
    /// The QA score in hundredths.
    pub qa: i64,
    /// The bonus base in cents.
    pub base: i64,
}

impl Agent {
    /// Reads the generated text values, in the ruleset's input order (key first).
    pub fn parse(values: &[String]) -> Agent {
        Agent::read(
            |i| values[i].parse::<i64>().expect("a count"),
            |i| {
                let d: Decimal = values[i].parse().expect("a decimal");
                (d * Decimal::from(100)).trunc().try_into().expect("fits")
            },
        )
    }

    /// An agent from its fields by input position: `int` reads a count, `hundredths`
    /// a decimal in hundredths.
    pub fn read(int: impl Fn(usize) -> i64, hundredths: impl Fn(usize) -> i64) -> Agent {
        Agent {
            offered: int(1),
            answered: int(2),
            tests_total: int(3),
            tests_passed: int(4),
            complaints: int(5),
            resolved: int(6),
            praise: int(7),
            grievance: int(8),
            qa: hundredths(9),
            base: hundredths(10),
        }
    }
}

/// What payroll receives: the score in hundredths, the grade, the payout in cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pay {
    pub score: i64,
    pub grade: u8,
    pub payout: i64,
}

/// `n / d` rounded half up, for `n >= 0`, `d > 0`.
fn half_up(n: i64, d: i64) -> i64 {
    (2 * n + d) / (2 * d)
}

/// Exact: every rate is compared by cross-multiplying, and the score is kept as a
/// fraction over `10 × tests`.
pub fn exact(a: &Agent) -> Pay {
    let answer = if a.offered == 0 || 100 * a.answered >= 95 * a.offered {
        100
    } else if 100 * a.answered >= 90 * a.offered {
        80
    } else if 100 * a.answered >= 85 * a.offered {
        60
    } else {
        0
    };
    // pass_score = clamp((passed / total - 80%) / 20% × 100, 0, 100), over `t`.
    let t = a.tests_total.max(1);
    let pass = if a.tests_total == 0 {
        100 * t
    } else {
        (500 * a.tests_passed - 400 * a.tests_total).clamp(0, 100 * t)
    };
    let resolution = if a.complaints == 0 || 100 * a.resolved >= 90 * a.complaints {
        100
    } else if 100 * a.resolved >= 75 * a.complaints {
        70
    } else {
        30
    };
    // total = 40% answer + 30% pass + 30% resolution, as `total / (10 t)`.
    let mut total = 4 * answer * t + 3 * pass + 3 * resolution * t;
    if a.qa < 6000 {
        total = 0;
    }
    let (grade, tenths) = if total >= 900 * t {
        (b'S', 12)
    } else if total >= 750 * t {
        (b'A', 10)
    } else if total >= 600 * t {
        (b'B', 8)
    } else {
        (b'C', 0)
    };
    let bonuses = (5000 * a.praise).min(30000) + 2000 * a.grievance;
    Pay {
        score: half_up(10 * total, t),
        grade,
        payout: half_up(a.base * tenths, 10) + bonuses,
    }
}

/// The same rules in `rust_decimal`, as written without special care: divisions
/// round to 28 digits, so a score that is exactly on a boundary can land below it.
pub fn decimal(a: &Agent) -> Pay {
    let d = Decimal::from;
    let pct = |n: i64| Decimal::new(n, 2);
    let rate = |part: i64, whole: i64| {
        if whole == 0 {
            Decimal::ONE
        } else {
            d(part) / d(whole)
        }
    };
    let answer_rate = rate(a.answered, a.offered);
    let answer = if answer_rate >= pct(95) {
        d(100)
    } else if answer_rate >= pct(90) {
        d(80)
    } else if answer_rate >= pct(85) {
        d(60)
    } else {
        d(0)
    };
    let pass_rate = rate(a.tests_passed, a.tests_total);
    let pass = ((pass_rate - pct(80)) / pct(20) * d(100)).clamp(d(0), d(100));
    let resolution_rate = rate(a.resolved, a.complaints);
    let resolution = if resolution_rate >= pct(90) {
        d(100)
    } else if resolution_rate >= pct(75) {
        d(70)
    } else {
        d(30)
    };
    let mut total = answer * pct(40) + pass * pct(30) + resolution * pct(30);
    if Decimal::new(a.qa, 2) < d(60) {
        total = d(0);
    }
    let (grade, coefficient) = if total >= d(90) {
        (b'S', Decimal::new(12, 1))
    } else if total >= d(75) {
        (b'A', d(1))
    } else if total >= d(60) {
        (b'B', Decimal::new(8, 1))
    } else {
        (b'C', d(0))
    };
    let praise = (d(50) * d(a.praise)).min(d(300));
    let grievance = d(20) * d(a.grievance);
    let round = |x: Decimal| x.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let cents = |x: Decimal| -> i64 { (x * d(100)).try_into().expect("fits") };
    Pay {
        score: cents(round(total)),
        grade,
        payout: cents(round(
            Decimal::new(a.base, 2) * coefficient + praise + grievance,
        )),
    }
}
