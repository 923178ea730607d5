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
    /// The record's key: a running number.
    Key,
    /// A count that a ratio divides by; zero only where the ratio has a value for it.
    Whole { zero: bool },
    /// A count that is a part of the count at this input index.
    Part(usize),
    /// Any other count.
    Count,
    /// A decimal between bounds given in hundredths.
    Hundredths(i128, i128),
    /// A percentage between bounds given in tenths of a percent.
    Tenths(i128, i128),
    /// An amount of money.
    Money,
    /// Free text.
    Text,
    /// true or false.
    Bool,
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
        let mut draws: Vec<Option<Draw>> = vec![None; model.inputs.len()];
        draws[model.key] = Some(Draw::Key);
        // Ratios of two count inputs: the denominator is a whole, the numerator a part.
        for item in &model.items {
            if let Body::Ratio {
                numerator,
                denominator,
                when_zero,
                ..
            } = &item.body
                && let (TExprKind::Ref(Ref::Input(n)), TExprKind::Ref(Ref::Input(d))) =
                    (&numerator.kind, &denominator.kind)
                && model.inputs[*n].ty == Type::Count
                && model.inputs[*d].ty == Type::Count
                && draws[*n].is_none()
            {
                draws[*d].get_or_insert(Draw::Whole {
                    zero: when_zero.is_some(),
                });
                draws[*n] = Some(Draw::Part(*d));
            }
        }
        let hundredths = |r: Rational| r.numer() * 100 / r.denom();
        let draws = draws
            .into_iter()
            .zip(&model.inputs)
            .map(|(draw, input)| {
                draw.unwrap_or(match (input.input_type, input.range) {
                    (InputType::Count, _) => Draw::Count,
                    (InputType::Number, Some((low, high))) => {
                        Draw::Hundredths(hundredths(low), hundredths(high))
                    }
                    (InputType::Number, None) => Draw::Hundredths(0, 10_000),
                    (InputType::Percent, Some((low, high))) => {
                        Draw::Tenths(hundredths(low) * 10, hundredths(high) * 10)
                    }
                    (InputType::Percent, None) => Draw::Tenths(0, 1000),
                    (InputType::Money, _) => Draw::Money,
                    (InputType::Text, _) => Draw::Text,
                    (InputType::Bool, _) => Draw::Bool,
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
                Draw::Key => {
                    self.next_key += 1;
                    format!("G{:08}", self.next_key - 1)
                }
                Draw::Whole { zero } => self.whole_at(&mut wholes, i, zero).to_string(),
                Draw::Part(of) => {
                    // The whole may be declared after the part: it is drawn first.
                    let zero = matches!(self.draws[of], Draw::Whole { zero: true });
                    let whole = self.whole_at(&mut wholes, of, zero);
                    self.part(whole).to_string()
                }
                Draw::Count => self.small_count().to_string(),
                Draw::Hundredths(low, high) => hundredths_text(self.between(low, high)),
                Draw::Tenths(low, high) => format!("{}%", tenths_text(self.between(low, high))),
                Draw::Money => hundredths_text(80_000 + i128::from(self.rng.below(220_001))),
                Draw::Text => format!("T{}", self.rng.below(10)),
                Draw::Bool => self.rng.chance(50).to_string(),
            };
            values.push(value);
        }
        values
    }

    /// The whole at input `i`, drawn once per record.
    fn whole_at(&mut self, wholes: &mut [Option<u64>], i: usize, zero: bool) -> u64 {
        if let Some(n) = wholes[i] {
            return n;
        }
        let n = self.whole(zero);
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
            let names: Vec<&str> = ruleset.inputs().iter().map(|i| i.name.as_str()).collect();
            let mut a = Generator::new(&ruleset, 7);
            let mut b = Generator::new(&ruleset, 7);
            for _ in 0..2000 {
                let values = a.record();
                assert_eq!(values, b.record());
                let fields: Vec<(&str, &str)> = names
                    .iter()
                    .copied()
                    .zip(values.iter().map(String::as_str))
                    .collect();
                let record = ruleset.record(&fields).unwrap_or_else(|e| panic!("{e:?}"));
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
}
