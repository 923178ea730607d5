//! Property tests of evaluator invariants, through the public API only.
//!
//! Rule files are generated as text, records as `(input, value text)` pairs; every
//! expected value is computed here independently, with integers or `Decimal`s, and
//! compared exactly with what kpi returns.

use kpi::{Explanation, Outcome, OutputValue, Ruleset};
use proptest::prelude::*;
use rust_decimal::Decimal;

// ---------------------------------------------------------------- helpers

const HEADER: &str = "ruleset t\ncurrency CNY\nkey id\ninput id text\n";

/// Compiles generated rule text, showing the text and the diagnostics on failure.
fn compile(text: &str) -> Ruleset {
    match Ruleset::compile(text) {
        Ok(ruleset) => ruleset,
        Err(diagnostics) => panic!("rule file did not compile:\n{text}\n{diagnostics:?}"),
    }
}

/// Scores one record, which must be valid and must score.
fn evaluate<S: AsRef<str>>(ruleset: &Ruleset, fields: &[(S, String)]) -> Outcome {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_str()))
        .collect();
    let record = ruleset
        .record(&pairs)
        .unwrap_or_else(|e| panic!("bad record {pairs:?}: {e:?}"));
    ruleset
        .evaluate(&record)
        .unwrap_or_else(|e| panic!("record {pairs:?} did not score: {e}"))
}

/// The numeric output `name` (a number, percentage figure or amount).
fn number(outcome: &Outcome, name: &str) -> Decimal {
    match outcome.get(name) {
        Some(OutputValue::Number(d) | OutputValue::Money(d) | OutputValue::Percent(d)) => *d,
        other => panic!("output {name} is not a number: {other:?}"),
    }
}

/// The output `name` as an amount of money.
fn money(outcome: &Outcome, name: &str) -> Decimal {
    match outcome.get(name) {
        Some(OutputValue::Money(d)) => *d,
        other => panic!("output {name} is not money: {other:?}"),
    }
}

/// The boolean output `name`.
fn boolean(outcome: &Outcome, name: &str) -> bool {
    match outcome.get(name) {
        Some(OutputValue::Bool(b)) => *b,
        other => panic!("output {name} is not true or false: {other:?}"),
    }
}

/// An integer count of hundredths written as a decimal: `-525` is `-5.25`.
fn hundredths(h: i64) -> String {
    Decimal::new(h, 2).to_string()
}

/// A value in ten-thousandths near `points` (given in hundredths): one of them, a
/// hundredth or a ten-thousandth either side, or anywhere in a wide range.
fn near(points: Vec<i64>) -> impl Strategy<Value = i64> {
    let pick = points.clone();
    prop_oneof![
        2 => proptest::sample::select(pick).prop_map(|t| t * 100),
        2 => (proptest::sample::select(points), prop_oneof![Just(-100i64), Just(-1), Just(1), Just(100)])
            .prop_map(|(t, d)| t * 100 + d),
        2 => -6_000_000i64..=6_000_000,
    ]
}

// ---------------------------------------------------------------- 1. determinism

/// A record of the agent_monthly inputs. Mostly realistic (the part never above the
/// whole), sometimes any counts at all, including parts above their whole and counts
/// far beyond a month's work.
fn agent_record() -> impl Strategy<Value = Vec<(&'static str, String)>> {
    let part_of = |max: u64| (0..=max).prop_flat_map(|whole| (Just(whole), 0..=whole));
    let any_pair = |max: u64| (0..=max, 0..=max);
    let pair = move |max: u64| {
        prop_oneof![
            3 => part_of(max),
            1 => any_pair(max),
            1 => any_pair(u64::from(u32::MAX)),
        ]
    };
    (
        pair(20_000),
        pair(200),
        pair(100),
        (0u64..=20_000, 0u64..=20_000),
        (0u32..=10_000, 0u32..=10_000),
        0u64..=100_000_000,
    )
        .prop_map(
            |(
                (offered, answered),
                (tests, passed),
                (complaints, resolved),
                (praise, grievance),
                (qa, experience),
                cents,
            )| {
                vec![
                    ("agent_id", format!("E{offered}")),
                    ("calls_offered", offered.to_string()),
                    ("calls_answered", answered.to_string()),
                    ("spot_tests_total", tests.to_string()),
                    ("spot_tests_passed", passed.to_string()),
                    ("complaints", complaints.to_string()),
                    ("complaints_resolved", resolved.to_string()),
                    ("praise_cases", praise.to_string()),
                    ("grievance_cases", grievance.to_string()),
                    ("qa_score", hundredths(i64::from(qa))),
                    ("experience_score", hundredths(i64::from(experience))),
                    ("base_bonus", hundredths(cents as i64)),
                ]
            },
        )
}

const AGENT_MONTHLY: &str = include_str!("../rulesets/agent_monthly.kpi");

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Scoring is a function of the rule text and the record alone: the same record
    /// scored twice, on a ruleset compiled twice from the same text, and on another
    /// thread, gives the same outcome; the traced path gives the outcome of the fast
    /// path; and the explanation's JSON is byte-identical every time and reads back as
    /// the same explanation.
    #[test]
    fn shipped_ruleset_scores_deterministically(fields in agent_record()) {
        let first = compile(AGENT_MONTHLY);
        let second = compile(AGENT_MONTHLY);
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let record = first.record(&pairs).expect("a valid record");
        let again = second.record(&pairs).expect("a valid record");

        let outcome = first.evaluate(&record).expect("the record scores");
        prop_assert_eq!(outcome.names.to_vec(), vec!["score", "grade", "payout"]);
        prop_assert_eq!(&first.evaluate(&record).unwrap(), &outcome);
        prop_assert_eq!(&first.evaluate(&again).unwrap(), &outcome);
        prop_assert_eq!(&second.evaluate(&record).unwrap(), &outcome);
        prop_assert_eq!(&second.evaluate(&again).unwrap(), &outcome);
        let elsewhere = std::thread::scope(|s| s.spawn(|| first.evaluate(&record)).join())
            .expect("the thread finishes")
            .unwrap();
        prop_assert_eq!(&elsewhere, &outcome);

        let (traced, explanation) = first.explain(&record).expect("the record explains");
        prop_assert_eq!(&traced, &outcome);
        let (traced_again, explanation_again) = second.explain(&again).unwrap();
        prop_assert_eq!(&traced_again, &outcome);
        prop_assert_eq!(&explanation_again, &explanation);
        let json = explanation.to_json();
        prop_assert_eq!(&explanation.to_json(), &json);
        prop_assert_eq!(&explanation_again.to_json(), &json);
        prop_assert_eq!(&first.explain(&record).unwrap().1.to_json(), &json);
        let read_back = Explanation::from_json(&json).expect("the JSON reads back");
        prop_assert_eq!(&read_back, &explanation);
        prop_assert_eq!(&read_back.to_json(), &json);
    }
}

// ---------------------------------------------------------------- 2. monotone tables

/// A tier table that never pays less for a higher value: row thresholds and row
/// comparisons, the row values and the else value, all in hundredths.
#[derive(Debug, Clone)]
struct Tiers {
    /// `>=`/`>` rows from the highest threshold down, or `<=`/`<` from the lowest up.
    descending: bool,
    /// Each row's comparison and threshold.
    rows: Vec<(&'static str, i64)>,
    /// One value per row, then the else value.
    values: Vec<i64>,
}

impl Tiers {
    fn text(&self, subject: &str) -> String {
        let mut text = format!("tiers {subject}\n");
        for ((op, t), v) in self.rows.iter().zip(&self.values) {
            text.push_str(&format!("  {op} {} : {}\n", hundredths(*t), hundredths(*v)));
        }
        let otherwise = self.values.last().expect("an else value");
        text.push_str(&format!("  else : {}\n", hundredths(*otherwise)));
        text
    }

    /// The value the first matching row gives `x`, in ten-thousandths (thresholds
    /// and values in hundredths).
    fn value(&self, x: i64) -> i64 {
        for ((op, t), v) in self.rows.iter().zip(&self.values) {
            let t = t * 100;
            let hit = match *op {
                ">=" => x >= t,
                ">" => x > t,
                "<=" => x <= t,
                "<" => x < t,
                _ => unreachable!(),
            };
            if hit {
                return *v;
            }
        }
        *self.values.last().expect("an else value")
    }

    fn thresholds(&self) -> Vec<i64> {
        self.rows.iter().map(|(_, t)| *t).collect()
    }
}

/// A valid tier table whose values never go down as the subject goes up. Each
/// threshold gets one row, or two (`> t` then `>= t`, or `< t` then `<= t`), which
/// the checker accepts because both can match.
fn monotone_tiers(descending: bool) -> impl Strategy<Value = Tiers> {
    proptest::collection::btree_set(-50_000i64..=50_000, 1..=6)
        .prop_flat_map(move |thresholds| {
            let n = thresholds.len();
            (
                Just(thresholds),
                proptest::collection::vec(0u8..3, n),
                proptest::collection::vec(-10_000i64..=10_000, 2 * n + 1),
            )
        })
        .prop_map(move |(thresholds, kinds, mut values)| {
            let (strict, loose) = if descending { (">", ">=") } else { ("<", "<=") };
            let ordered: Vec<i64> = if descending {
                thresholds.into_iter().rev().collect()
            } else {
                thresholds.into_iter().collect()
            };
            let mut rows = Vec::new();
            for (t, kind) in ordered.into_iter().zip(kinds) {
                match kind {
                    0 => rows.push((loose, t)),
                    1 => rows.push((strict, t)),
                    _ => {
                        rows.push((strict, t));
                        rows.push((loose, t));
                    }
                }
            }
            values.truncate(rows.len() + 1);
            // Descending rows meet high values first, so their values go down the
            // table; ascending rows meet low values first, so theirs go up.
            values.sort_unstable();
            if descending {
                values.reverse();
            }
            Tiers {
                descending,
                rows,
                values,
            }
        })
}

/// Two inputs `x1 <= x2` in ten-thousandths, near the table's thresholds.
fn ordered_pair(points: Vec<i64>) -> impl Strategy<Value = (i64, i64)> {
    (near(points.clone()), near(points)).prop_map(|(a, b)| (a.min(b), a.max(b)))
}

/// A ruleset scoring `x1` and `x2` with the same table body: the two scores, and
/// whether the first is at most the second, compared exactly by kpi itself.
fn two_scores(body: impl Fn(&str) -> String, output: &str) -> String {
    format!(
        "{HEADER}input x1 number\ninput x2 number\n\
         score s1 = {}\nscore s2 = {}\n\
         output o1 = {}\noutput o2 = {}\noutput le = s1 <= s2\n",
        body("x1"),
        body("x2"),
        output.replace('S', "s1"),
        output.replace('S', "s2"),
    )
}

fn xs(x1: i64, x2: i64) -> Vec<(&'static str, String)> {
    vec![
        ("id", "T".into()),
        ("x1", Decimal::new(x1, 4).to_string()),
        ("x2", Decimal::new(x2, 4).to_string()),
    ]
}

fn check_tiers(tiers: &Tiers, x1: i64, x2: i64) -> Result<(), TestCaseError> {
    let ruleset = compile(&two_scores(|x| tiers.text(x), "S"));
    let outcome = evaluate(&ruleset, &xs(x1, x2));
    let (s1, s2) = (number(&outcome, "o1"), number(&outcome, "o2"));
    prop_assert_eq!(
        s1,
        Decimal::new(tiers.value(x1), 2),
        "s(x1) for {:?}",
        tiers
    );
    prop_assert_eq!(
        s2,
        Decimal::new(tiers.value(x2), 2),
        "s(x2) for {:?}",
        tiers
    );
    prop_assert!(s1 <= s2, "s({x1}) = {s1} > s({x2}) = {s2} for {tiers:?}");
    prop_assert!(boolean(&outcome, "le"));
    Ok(())
}

/// Straight lines through points whose `x` strictly go up and whose `y` never go
/// down, in hundredths.
fn monotone_points() -> impl Strategy<Value = Vec<(i64, i64)>> {
    (2usize..=6)
        .prop_flat_map(|n| {
            (
                proptest::collection::btree_set(-50_000i64..=50_000, n),
                proptest::collection::vec(-10_000i64..=10_000, n),
            )
        })
        .prop_map(|(xs, mut ys)| {
            ys.truncate(xs.len());
            ys.sort_unstable();
            xs.into_iter().zip(ys).collect()
        })
}

fn linear_text(points: &[(i64, i64)], subject: &str) -> String {
    let mut text = format!("linear {subject}");
    for (i, (x, y)) in points.iter().enumerate() {
        let word = if i == 0 { "from" } else { "to" };
        text.push_str(&format!(" {word} {} : {}", hundredths(*x), hundredths(*y)));
    }
    text
}

/// The interpolated value at `x` (in ten-thousandths) truncated towards zero to 6
/// places, in millionths; the points in hundredths.
fn linear_millionths(points: &[(i64, i64)], x: i64) -> i128 {
    let points: Vec<(i64, i64)> = points.iter().map(|(px, py)| (px * 100, *py)).collect();
    let (first, last) = (points[0], points[points.len() - 1]);
    if x <= first.0 {
        return i128::from(first.1) * 10_000;
    }
    if x >= last.0 {
        return i128::from(last.1) * 10_000;
    }
    let segment = points
        .windows(2)
        .find(|w| x < w[1].0)
        .expect("x lies inside the points");
    let ((x0, y0), (x1, y1)) = (segment[0], segment[1]);
    let (dx, dy) = (i128::from(x1 - x0), i128::from(y1 - y0));
    // y = (y0 * dx + (x - x0) * dy) / (dx * 100), and Rust's division truncates.
    let numerator = i128::from(y0) * dx + i128::from(x - x0) * dy;
    numerator * 1_000_000 / (dx * 100)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    /// A `>=`/`>` tier table whose values do not go up down the table, over an
    /// `input x number`, gives s(x1) <= s(x2) whenever x1 <= x2, and each score is
    /// the value of the first matching row.
    #[test]
    fn descending_tiers_are_monotone(
        (tiers, (x1, x2)) in monotone_tiers(true)
            .prop_flat_map(|t| { let p = t.thresholds(); (Just(t), ordered_pair(p)) })
    ) {
        prop_assert!(tiers.descending);
        check_tiers(&tiers, x1, x2)?;
    }

    /// The same for a `<=`/`<` table whose thresholds and values go up down the table.
    #[test]
    fn ascending_tiers_are_monotone(
        (tiers, (x1, x2)) in monotone_tiers(false)
            .prop_flat_map(|t| { let p = t.thresholds(); (Just(t), ordered_pair(p)) })
    ) {
        prop_assert!(!tiers.descending);
        check_tiers(&tiers, x1, x2)?;
    }

    /// `linear` through points with increasing x and non-decreasing y gives
    /// s(x1) <= s(x2) whenever x1 <= x2 (compared exactly by kpi), stays within the
    /// first and last y, and equals the interpolation computed here.
    #[test]
    fn linear_is_monotone(
        (points, (x1, x2)) in monotone_points().prop_flat_map(|p| {
            let xs = p.iter().map(|(x, _)| *x).collect();
            (Just(p), ordered_pair(xs))
        })
    ) {
        let ruleset = compile(&two_scores(|x| linear_text(&points, x), "round(S, 6, down)"));
        let outcome = evaluate(&ruleset, &xs(x1, x2));
        prop_assert!(boolean(&outcome, "le"), "s({}) > s({}) for {:?}", x1, x2, points);
        let (s1, s2) = (number(&outcome, "o1"), number(&outcome, "o2"));
        prop_assert_eq!(s1, Decimal::from_i128_with_scale(linear_millionths(&points, x1), 6));
        prop_assert_eq!(s2, Decimal::from_i128_with_scale(linear_millionths(&points, x2), 6));
        prop_assert!(s1 <= s2);
        let (low, high) = (points[0].1, points[points.len() - 1].1);
        for s in [s1, s2] {
            prop_assert!(Decimal::new(low, 2) <= s && s <= Decimal::new(high, 2));
        }
    }
}

// ---------------------------------------------------------------- 3. caps and floors

/// The parameters of the caps-and-floors ruleset, in cents or hundredths.
#[derive(Debug, Clone)]
struct Limits {
    /// `bonus b = A CNY per n, cap C CNY`.
    per_case: i64,
    cap: i64,
    /// `deduction d = P per n, cap X`, then `score conduct = 100 - d, floor F`.
    points: i64,
    most_off: i64,
    conduct_floor: i64,
    /// `score s = x * K, cap H, floor L`, with L <= H.
    factor: i64,
    high: i64,
    low: i64,
}

fn limits() -> impl Strategy<Value = Limits> {
    (
        0i64..=100_000,
        0i64..=1_000_000,
        0i64..=5_000,
        0i64..=20_000,
        -10_000i64..=10_000,
        -1_000i64..=1_000,
        (-100_000i64..=100_000, -100_000i64..=100_000),
    )
        .prop_map(
            |(per_case, cap, points, most_off, conduct_floor, factor, (a, b))| Limits {
                per_case,
                cap,
                points,
                most_off,
                conduct_floor,
                factor,
                high: a.max(b),
                low: a.min(b),
            },
        )
}

impl Limits {
    fn text(&self) -> String {
        let h = |v: i64| hundredths(v);
        format!(
            "{HEADER}input n count\ninput x number\n\
             bonus b = {} CNY per n, cap {} CNY\n\
             deduction d = {} per n, cap {}\n\
             score conduct = 100 - d, floor {}\n\
             score s = x * {}, cap {}, floor {}\n\
             output ob = b\noutput od = d\noutput oc = conduct\noutput os = s\n",
            h(self.per_case),
            h(self.cap),
            h(self.points),
            h(self.most_off),
            h(self.conduct_floor),
            h(self.factor),
            h(self.high),
            h(self.low),
        )
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    /// A capped `per` bonus is min(A * n, C) exactly and never above C; a capped
    /// deduction is min(P * n, X); an item with a floor is never below it
    /// (max(100 - d, F)); an item with both is clamp(x * K, L, H).
    #[test]
    fn caps_are_never_exceeded_and_floors_hold(
        limits in limits(),
        n in prop_oneof![3 => 0u64..=50, 1 => 0u64..=1_000_000, 1 => Just(u64::from(u32::MAX))],
        x in -1_000_000i64..=1_000_000,
    ) {
        let ruleset = compile(&limits.text());
        let fields = vec![("id", "L".to_string()), ("n", n.to_string()), ("x", hundredths(x))];
        let outcome = evaluate(&ruleset, &fields);
        let d = |v: i64| Decimal::new(v, 2);
        let n = Decimal::from(n);

        let b = money(&outcome, "ob");
        prop_assert_eq!(b, (d(limits.per_case) * n).min(d(limits.cap)));
        prop_assert!(b <= d(limits.cap));

        let off = number(&outcome, "od");
        prop_assert_eq!(off, (d(limits.points) * n).min(d(limits.most_off)));
        prop_assert!(off <= d(limits.most_off));

        let conduct = number(&outcome, "oc");
        prop_assert_eq!(conduct, (Decimal::ONE_HUNDRED - off).max(d(limits.conduct_floor)));
        prop_assert!(conduct >= d(limits.conduct_floor));

        let s = number(&outcome, "os");
        prop_assert_eq!(s, (d(x) * d(limits.factor)).min(d(limits.high)).max(d(limits.low)));
        prop_assert!(d(limits.low) <= s && s <= d(limits.high));
    }
}

// ---------------------------------------------------------------- 4. weighted sums

/// One part of a weighted sum: an `input number 0..100`, or a tier score (in any
/// order of values) over such an input. Values in hundredths.
#[derive(Debug, Clone)]
enum Part {
    Input(i64),
    Tiers { table: Tiers, subject: i64 },
}

impl Part {
    fn value(&self) -> i64 {
        match self {
            Part::Input(v) => *v,
            Part::Tiers { table, subject } => table.value(*subject * 100),
        }
    }
}

fn part() -> impl Strategy<Value = Part> {
    let table = (
        proptest::collection::btree_set(0i64..=10_000, 1..=4),
        any::<bool>(),
        proptest::collection::vec(0i64..=10_000, 5),
    )
        .prop_map(|(thresholds, descending, mut values)| {
            let (rows, op): (Vec<i64>, _) = if descending {
                (thresholds.into_iter().rev().collect(), ">=")
            } else {
                (thresholds.into_iter().collect(), "<")
            };
            values.truncate(rows.len() + 1);
            Tiers {
                descending,
                rows: rows.into_iter().map(|t| (op, t)).collect(),
                values,
            }
        });
    prop_oneof![
        (0i64..=10_000).prop_map(Part::Input),
        (table, 0i64..=10_000).prop_map(|(table, subject)| Part::Tiers { table, subject }),
    ]
}

/// Weights in tenths of a percent adding up to exactly 100%: the gaps between sorted
/// cut points in 0..=1000, so some may be 0%.
fn weights(n: usize) -> impl Strategy<Value = Vec<i64>> {
    proptest::collection::vec(0i64..=1000, n - 1).prop_map(|mut cuts| {
        cuts.push(0);
        cuts.push(1000);
        cuts.sort_unstable();
        cuts.windows(2).map(|w| w[1] - w[0]).collect()
    })
}

fn weighted_case() -> impl Strategy<Value = (Vec<Part>, Vec<i64>)> {
    (2usize..=5).prop_flat_map(|n| (proptest::collection::vec(part(), n), weights(n)))
}

fn weighted_text(parts: &[Part], weights: &[i64]) -> String {
    let mut text = HEADER.to_string();
    for (i, part) in parts.iter().enumerate() {
        match part {
            Part::Input(_) => text.push_str(&format!("input p{i} number 0..100\n")),
            Part::Tiers { table, .. } => {
                text.push_str(&format!("input y{i} number 0..100\n"));
                text.push_str(&format!("score p{i} = {}", table.text(&format!("y{i}"))));
            }
        }
    }
    text.push_str("score total = weighted\n");
    for (i, w) in weights.iter().enumerate() {
        text.push_str(&format!("  p{i} {}%\n", Decimal::new(*w, 1)));
    }
    let names: Vec<String> = (0..parts.len()).map(|i| format!("p{i}")).collect();
    let names = names.join(", ");
    text.push_str(&format!(
        "output o = total\noutput low = min({names})\noutput high = max({names})\n\
         output within = total >= min({names}) and total <= max({names})\n"
    ));
    text
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    /// A weighted sum of 2-5 parts (number inputs 0..100 or tier scores) with weights
    /// adding up to exactly 100% is the exact sum of part times weight, and lies
    /// between the smallest and the largest part, inclusive.
    #[test]
    fn weighted_sum_lies_within_its_parts((parts, weights) in weighted_case()) {
        let ruleset = compile(&weighted_text(&parts, &weights));
        let mut fields = vec![("id".to_string(), "W".to_string())];
        for (i, part) in parts.iter().enumerate() {
            match part {
                Part::Input(v) => fields.push((format!("p{i}"), hundredths(*v))),
                Part::Tiers { subject, .. } => fields.push((format!("y{i}"), hundredths(*subject))),
            }
        }
        let outcome = evaluate(&ruleset, &fields);
        let values: Vec<Decimal> = parts.iter().map(|p| Decimal::new(p.value(), 2)).collect();
        let (low, high) = (
            *values.iter().min().expect("parts"),
            *values.iter().max().expect("parts"),
        );
        prop_assert_eq!(number(&outcome, "low"), low);
        prop_assert_eq!(number(&outcome, "high"), high);
        let expected: Decimal = values
            .iter()
            .zip(&weights)
            .map(|(v, w)| v * Decimal::new(*w, 3))
            .sum();
        let total = number(&outcome, "o");
        prop_assert_eq!(total, expected);
        prop_assert!(low <= total && total <= high, "{} outside {}..{}", total, low, high);
        prop_assert!(boolean(&outcome, "within"));
    }
}

// ---------------------------------------------------------------- 5. rounding

const MODES: [&str; 5] = ["half_up", "half_even", "half_down", "down", "up"];

/// `num / den` (den > 0) rounded to a whole number in `mode`, computed here.
fn round_ratio(num: i128, den: i128, mode: &str) -> i128 {
    let (q, r) = (num / den, (num % den).abs());
    let away = match mode {
        "down" => false,
        "up" => r != 0,
        "half_up" => 2 * r >= den,
        "half_down" => 2 * r > den,
        "half_even" => 2 * r > den || (2 * r == den && q % 2 != 0),
        _ => unreachable!(),
    };
    if away { q + num.signum() } else { q }
}

/// A payout's inputs: an amount in cents, a coefficient in ten-thousandths and a
/// share `a / b`. Often halves of a cent, so every mode meets its ties.
fn payout_inputs() -> impl Strategy<Value = (i64, i64, u32, u32)> {
    let coefficient = prop_oneof![
        2 => -100_000i64..=100_000,
        1 => proptest::sample::select(vec![5_000i64, 2_500, 1_250, 15_000, 50, -5_000, 10_000]),
    ];
    let share = prop_oneof![
        2 => (0u32..=1000, 1u32..=1000),
        1 => proptest::sample::select(vec![(1u32, 1u32), (1, 2), (1, 4), (3, 8), (5, 8), (2, 3)]),
    ];
    (
        prop_oneof![3 => 0i64..=100_000_000, 1 => -100_000_000i64..=100_000_000, 1 => -1_000i64..=1_000],
        coefficient,
        share,
    )
        .prop_map(|(cents, coefficient, (a, b))| (cents, coefficient, a, b))
}

fn rounding_text() -> String {
    let mut text = format!(
        "{HEADER}input base money\ninput coefficient number\ninput a count\ninput b count\n"
    );
    for mode in MODES {
        text.push_str(&format!(
            "output plain_{mode} = round(base * coefficient, 2, {mode})\n\
             output share_{mode} = round(base * coefficient * a / b, 2, {mode})\n"
        ));
    }
    text
}

/// Checks a payout rounded to 2 places in `mode` against the exact value
/// `num / den` yuan (den > 0).
fn check_rounded(paid: Decimal, num: i128, den: i128, mode: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        paid.normalize().scale() <= 2,
        "{} has more than 2 places",
        paid
    );
    prop_assert_eq!(paid, paid.round_dp(2));
    prop_assert_eq!(
        paid,
        Decimal::from_i128_with_scale(round_ratio(num * 100, den, mode), 2),
        "{} rounded {}",
        num,
        mode
    );
    // In cents: paid * 100 against the exact num * 100 / den, compared times den.
    let cents = paid.mantissa() * 10i128.pow(2 - paid.scale());
    let gap = cents * den - num * 100;
    prop_assert!(
        gap.abs() < den,
        "{} is a cent or more from {}/{}",
        paid,
        num,
        den
    );
    if mode.starts_with("half") {
        prop_assert!(
            2 * gap.abs() <= den,
            "{} is more than half a cent off",
            paid
        );
    }
    let towards_zero = if num >= 0 { gap <= 0 } else { gap >= 0 };
    let away_from_zero = if num >= 0 { gap >= 0 } else { gap <= 0 };
    match mode {
        "down" => prop_assert!(towards_zero, "{} rounded down away from zero", paid),
        "up" => prop_assert!(away_from_zero, "{} rounded up towards zero", paid),
        _ => {}
    }
    Ok(())
}

static ROUNDING: std::sync::LazyLock<Ruleset> =
    std::sync::LazyLock::new(|| compile(&rounding_text()));

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Money written `round(expr, 2, MODE)` has at most 2 decimal places in every
    /// mode, equals the exact value rounded here, is less than a cent from it (at most
    /// half a cent for the half modes), and `down` never moves away from zero, `up`
    /// never towards it.
    #[test]
    fn payouts_are_rounded_to_the_cent((cents, coefficient, a, b) in payout_inputs()) {
        let fields = vec![
            ("id", "R".to_string()),
            ("base", hundredths(cents)),
            ("coefficient", Decimal::new(coefficient, 4).to_string()),
            ("a", a.to_string()),
            ("b", b.to_string()),
        ];
        let outcome = evaluate(&ROUNDING, &fields);
        // base * coefficient = cents * coefficient / 10^6 yuan.
        let plain = i128::from(cents) * i128::from(coefficient);
        for mode in MODES {
            check_rounded(money(&outcome, &format!("plain_{mode}")), plain, 1_000_000, mode)?;
            check_rounded(
                money(&outcome, &format!("share_{mode}")),
                plain * i128::from(a),
                1_000_000 * i128::from(b),
                mode,
            )?;
        }
    }
}
