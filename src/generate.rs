//! Realistic records for any ruleset, from a seed: the data for benchmarks and
//! what-if runs that anyone can reproduce.
//!
//! Values follow each input's declaration (type and range). Counts that a ratio
//! divides are drawn as a whole and a part: calls offered first, then calls answered
//! as a share of them, mostly between 70% and 100% and often exactly on a round
//! share, so tier boundaries are hit as they are in real months.

use crate::check::model::{Body, Ref, TExprKind};
use crate::check::types::Type;
use crate::number::Rational;
use crate::ruleset::Ruleset;
use crate::syntax::ast::InputType;

/// SplitMix64: a small generator whose output is fixed by its definition, so a seed
/// gives the same records on every machine and in every version.
#[derive(Debug, Clone)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number from 0 to `n - 1` (`n` > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// How one input's values are drawn.
#[derive(Debug, Clone, Copy)]
enum Draw {
    /// The record's key: a running number, with a letter in front for text keys.
    Key { text: bool },
    /// A count that a ratio divides by; zero only where the ratio has a value for it.
    Whole {
        /// Whether zero may be drawn.
        zero: bool,
        /// The declared range.
        range: Option<(u64, u64)>,
    },
    /// A count that is a part of the count at this input index.
    Part(usize),
    /// Any other count, within bounds if declared.
    Count(Option<(u64, u64)>),
    /// A decimal between bounds given in hundredths.
    Hundredths(i128, i128),
    /// A percentage between bounds given in tenths of a percent.
    Tenths(i128, i128),
    /// An amount of money between bounds given in cents.
    Money(i128, i128),
    /// Free text.
    Text,
    /// true or false.
    Bool,
    /// A day of November 2026.
    Date,
    /// November 2026.
    Month,
}

/// Makes records for one ruleset.
#[derive(Debug, Clone)]
pub struct Generator {
    draws: Vec<Draw>,
    rng: SplitMix64,
    next_key: u64,
}

impl Generator {
    /// A generator for `ruleset`'s inputs, seeded.
    pub fn new(ruleset: &Ruleset, seed: u64) -> Generator {
        let model = &ruleset.program().model;
        let inputs = &model.inputs;
        let mut draws: Vec<Option<Draw>> = vec![None; inputs.len()];
        for &key in &model.keys {
            if inputs[key].ty != Type::Month {
                draws[key] = Some(Draw::Key {
                    text: inputs[key].ty == Type::Text,
                });
            }
        }
        // Every count a ratio divides by is a whole, zero only where every ratio over it
        // has a value for zero; a count input over a whole (not itself one) is a part.
        let mut zero_ok = vec![true; inputs.len()];
        for item in &model.items {
            let Body::Ratio {
                denominator,
                when_zero,
                ..
            } = &item.body
            else {
                continue;
            };
            if let TExprKind::Ref(Ref::Input(d)) = denominator.kind
                && inputs[d].ty == Type::Count
                && !model.keys.contains(&d)
            {
                zero_ok[d] &= when_zero.is_some();
                draws[d] = Some(Draw::Whole {
                    zero: false,
                    range: None,
                });
            }
        }
        let count_range = |i: usize| {
            inputs[i].range.as_ref().map(|(l, h)| {
                let whole = |v: i128| u64::try_from(v.max(0)).unwrap_or(u64::MAX);
                (whole(l.ceil_i128()), whole(h.floor_i128()))
            })
        };
        for (i, draw) in draws.iter_mut().enumerate() {
            if let Some(Draw::Whole { zero, range }) = draw {
                *zero = zero_ok[i];
                *range = count_range(i);
            }
        }
        for item in &model.items {
            if let Body::Ratio {
                numerator,
                denominator,
                ..
            } = &item.body
                && let (TExprKind::Ref(Ref::Input(n)), TExprKind::Ref(Ref::Input(d))) =
                    (&numerator.kind, &denominator.kind)
                && inputs[*n].ty == Type::Count
                && inputs[*n].range.is_none()
                && draws[*n].is_none()
                && matches!(draws[*d], Some(Draw::Whole { .. }))
            {
                draws[*n] = Some(Draw::Part(*d));
            }
        }
        // Bounds at the precision drawn, rounded inwards so every value is in range.
        let within = |range: &Option<(Rational, Rational)>, scale: i64, low: i128, high: i128| {
            let scale = Rational::from_int(scale);
            range.as_ref().map_or((low, high), |(l, h)| {
                let scaled = |r: &Rational| r.checked_mul(&scale).unwrap_or_else(|_| r.clone());
                (scaled(l).ceil_i128(), scaled(h).floor_i128())
            })
        };
        let draws = draws
            .into_iter()
            .zip(inputs)
            .enumerate()
            .map(|(i, (draw, input))| {
                draw.unwrap_or(match input.input_type {
                    InputType::Count => Draw::Count(count_range(i)),
                    InputType::Number => {
                        let (l, h) = within(&input.range, 100, 0, 10_000);
                        Draw::Hundredths(l, h)
                    }
                    InputType::Percent => {
                        let (l, h) = within(&input.range, 1000, 0, 1000);
                        Draw::Tenths(l, h)
                    }
                    InputType::Money => {
                        let (l, h) = within(&input.range, 100, 80_000, 300_000);
                        Draw::Money(l, h)
                    }
                    InputType::Points => Draw::Count(None),
                    InputType::Text => Draw::Text,
                    InputType::Bool => Draw::Bool,
                    InputType::Date => Draw::Date,
                    InputType::Month => Draw::Month,
                })
            })
            .collect();
        Generator {
            draws,
            rng: SplitMix64(seed),
            next_key: 1,
        }
    }

    /// The next record's values as text, in input declaration order, as a data file
    /// would hold them.
    pub fn record(&mut self) -> Vec<String> {
        let mut wholes: Vec<Option<u64>> = vec![None; self.draws.len()];
        let mut values = Vec::with_capacity(self.draws.len());
        for i in 0..self.draws.len() {
            let value = match self.draws[i] {
                Draw::Key { text } => {
                    self.next_key += 1;
                    match text {
                        true => format!("G{:08}", self.next_key - 1),
                        false => (self.next_key - 1).to_string(),
                    }
                }
                Draw::Whole { .. } => self.whole_at(&mut wholes, i).to_string(),
                Draw::Part(of) => {
                    // The whole may be declared after the part: it is drawn first.
                    let whole = self.whole_at(&mut wholes, of);
                    self.part(whole).to_string()
                }
                Draw::Count(None) => self.small_count().to_string(),
                Draw::Count(Some((low, high))) => {
                    (low + self.rng.below((high - low).saturating_add(1))).to_string()
                }
                Draw::Hundredths(low, high) => hundredths_text(self.between(low, high)),
                Draw::Tenths(low, high) => format!("{}%", tenths_text(self.between(low, high))),
                Draw::Money(low, high) => hundredths_text(self.between(low, high)),
                Draw::Text => format!("T{}", self.rng.below(10)),
                Draw::Bool => self.rng.chance(50).to_string(),
                Draw::Date => format!("2026-11-{:02}", 1 + self.rng.below(30)),
                Draw::Month => "2026-11".to_string(),
            };
            values.push(value);
        }
        values
    }

    /// The whole at input `i`, drawn once per record.
    fn whole_at(&mut self, wholes: &mut [Option<u64>], i: usize) -> u64 {
        if let Some(n) = wholes[i] {
            return n;
        }
        let n = match self.draws[i] {
            Draw::Whole {
                zero,
                range: Some((low, high)),
            } => {
                let low = if zero { low } else { low.max(1) };
                low + self.rng.below(high.saturating_sub(low).saturating_add(1))
            }
            Draw::Whole { zero, range: None } => self.whole(zero),
            _ => 0,
        };
        wholes[i] = Some(n);
        n
    }

    /// A whole: small (3 to 30, where shares land on thirds and fifths) or a
    /// month's volume; now and then none at all, where that is allowed.
    fn whole(&mut self, zero: bool) -> u64 {
        match self.rng.below(10) {
            0 if zero => 0,
            0 => 1 + self.rng.below(5),
            1..=4 => 3 * (1 + self.rng.below(10)),
            _ => 100 + self.rng.below(3000),
        }
    }

    /// A part of `whole`: mostly 70% to 100% of it, often exactly a round share.
    fn part(&mut self, whole: u64) -> u64 {
        if whole == 0 {
            return 0;
        }
        if self.rng.chance(30) {
            let share = [75, 80, 85, 90, 95, 100][self.rng.below(6) as usize];
            return whole * share / 100;
        }
        let low = whole * 70 / 100;
        low + self.rng.below(whole - low + 1)
    }

    fn small_count(&mut self) -> u64 {
        match self.rng.below(10) {
            0..=5 => 0,
            6..=8 => 1 + self.rng.below(3),
            _ => 4 + self.rng.below(8),
        }
    }

    fn between(&mut self, low: i128, high: i128) -> i128 {
        let span = u64::try_from((high - low).max(0)).unwrap_or(u64::MAX - 1);
        low + i128::from(self.rng.below(span.saturating_add(1)))
    }
}

fn hundredths_text(n: i128) -> String {
    let sign = if n < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", n.abs() / 100, n.abs() % 100)
}

fn tenths_text(n: i128) -> String {
    let sign = if n < 0 { "-" } else { "" };
    format!("{sign}{}.{}", n.abs() / 10, n.abs() % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ruleset(name: &str) -> Ruleset {
        let text = std::fs::read_to_string(format!("rulesets/{name}.kpi")).unwrap();
        Ruleset::compile(&text).unwrap()
    }

    #[test]
    fn records_are_valid_reproducible_and_parts_fit_their_wholes() {
        for name in ["agent_monthly", "thresholds", "team_leader_quarterly"] {
            let ruleset = ruleset(name);
            let names: Vec<&str> = ruleset
                .input_decls()
                .iter()
                .map(|i| i.name.as_str())
                .collect();
            let mut a = Generator::new(&ruleset, 7);
            let mut b = Generator::new(&ruleset, 7);
            for _ in 0..2000 {
                let values = a.record();
                assert_eq!(values, b.record());
                let record = ruleset
                    .record_in_order(&values)
                    .unwrap_or_else(|e| panic!("{e:?}"));
                ruleset
                    .evaluate(&record)
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                if name != "team_leader_quarterly" {
                    let get = |n: &str| {
                        let at = names.iter().position(|x| *x == n).unwrap();
                        values[at].parse::<u64>().unwrap()
                    };
                    assert!(get("calls_answered") <= get("calls_offered"));
                }
            }
            assert_ne!(
                Generator::new(&ruleset, 8).record(),
                Generator::new(&ruleset, 7).record()
            );
        }
    }

    #[test]
    fn declared_ranges_count_keys_and_strict_ratios_are_respected() {
        let ruleset = Ruleset::compile(
            "ruleset r\ncurrency CNY\nkey id\ninput id count\n\
             input size count 5..20\ninput left count\ninput base money 0 CNY..500 CNY\n\
             input discount percent 2.5%..10%\ninput factor number 0.125..1\n\
             let rate = left / size, when zero error\n\
             output o = round(rate * base * discount * factor, 2, half_up)",
        )
        .unwrap();
        let mut generator = Generator::new(&ruleset, 1);
        for _ in 0..2000 {
            let values = generator.record();
            let record = ruleset
                .record_in_order(&values)
                .unwrap_or_else(|e| panic!("{values:?}: {e:?}"));
            ruleset
                .evaluate(&record)
                .unwrap_or_else(|e| panic!("{values:?}: {e}"));
        }
    }
}
