//! "What it would take": the smallest change of one input that moves a tier table or
//! grade into its next better row, or, when no single input can, of two together.
//!
//! The rule itself answers: each candidate value is scored by the compiled program,
//! and a search keeps one value that reaches the row and one a step short of it, so
//! the move reported reaches the row and one less of it does not.

use crate::Ruleset;
use crate::check::model::{Body, Ref, TExpr, TExprKind};
use crate::check::types::Type;
use crate::eval::{self, Detail, Texts, Trace, Tracer, Value};
use crate::input::{InputValue, Record};
use crate::number::{Rational, shown, shown_percent};
use crate::syntax::ast::{CmpOp, InputType};

use super::model::{Move, Pair, Reach};
use super::show::value;

/// The largest change tried for an input without a declared range.
const SEARCH_SPAN: i128 = 1 << 32;

/// What it would take for item `item` of `record` to reach its next better row;
/// `None` for items that are not tier tables or grades. `slots` and `trace` are the
/// traced run of `record`.
pub fn next(
    ruleset: &Ruleset,
    record: &Record,
    item: usize,
    slots: &[Value],
    trace: &Trace,
) -> Option<Reach> {
    let model = &ruleset.program().model;
    let this = model.items.get(item)?;
    let (subject, tests): (&TExpr, Vec<Option<(CmpOp, Rational)>>) = match &this.body {
        Body::Tiers(t) => (
            &t.subject,
            t.rows
                .iter()
                .map(|r| Some((r.op, r.threshold.clone())))
                .collect(),
        ),
        Body::Grade(g) => (&g.subject, g.bands.iter().map(|b| b.test.clone()).collect()),
        _ => return None,
    };
    let step = trace.steps.get(item)?;
    let matched = match step.detail? {
        Detail::Row(Some(row)) => row,
        Detail::Row(None) => tests.len(),
        _ => return None,
    };
    let levers = Levers::of(ruleset, item);
    if let Some((vetoed, reason)) = levers.items.iter().find_map(|&i| {
        let fired = trace.steps.get(i)?.vetoes.first()?;
        Some((i, model.items[i].vetoes.get(fired.0)?.reason.clone()))
    }) {
        return Some(Reach::Vetoed {
            reason,
            item: model.items[vetoed].name.clone(),
        });
    }
    if matched == 0 {
        return Some(Reach::Top);
    }
    let target = matched - 1;
    let (op, threshold) = tests.get(target).cloned().flatten()?;
    let now = step.subject.as_ref()?;
    let at = |r: &Rational| {
        value(
            model,
            Texts::new(ruleset.program(), record),
            &Value::Num(r.clone()),
            subject.ty,
        )
    };
    let (row, gives) = match &this.body {
        Body::Tiers(t) => {
            let r = t.rows.get(target)?;
            (
                super::show::written(ruleset.source(), r.span),
                super::show::written(ruleset.source(), r.value.span),
            )
        }
        Body::Grade(g) => {
            let b = g.bands.get(target)?;
            (
                super::show::written(ruleset.source(), b.span),
                b.label.clone(),
            )
        }
        _ => return None,
    };
    let search = Search {
        ruleset,
        record,
        item,
        target,
        ratios_within_one: within_one(ruleset, slots),
        watched: (0..model.items.len())
            .map(|i| levers.items.contains(&i))
            .collect(),
    };
    // A value computed from other records moves with theirs too: one record's inputs
    // alone say nothing certain.
    let shared = levers.items.iter().any(|&i| {
        matches!(
            model.items[i].body,
            Body::Aggregate(_) | Body::Rank(_) | Body::Distribution(_) | Body::Share(_)
        )
    });
    let rolled = record.rows.is_some();
    let unmarked = !model.inputs.iter().any(|i| i.better.is_some());
    let mut moves: Vec<Move> = Vec::new();
    if !shared && !rolled {
        moves.extend(
            levers
                .inputs
                .iter()
                .filter_map(|&input| search.smallest_move(input)),
        );
        moves.extend(direct_move(ruleset, record, subject, op, &threshold));
    }
    let mut pairs: Vec<Pair> = Vec::new();
    if moves.is_empty() && !shared && !rolled && !unmarked {
        // Each lever in declaration order is pushed with each declared after it.
        for (i, &first) in levers.inputs.iter().enumerate() {
            let Some(way) = search.way(first) else {
                continue;
            };
            let furthest = search.furthest(&way);
            if furthest == way.now {
                continue;
            }
            pairs.extend(
                levers.inputs[i + 1..]
                    .iter()
                    .filter_map(|&second| search.pair(&way, furthest, second)),
            );
        }
    }
    Some(Reach::Next {
        row,
        gives,
        subject: at(now),
        needs: format!("{} {}", op.symbol(), at(&threshold)),
        gap: at(&threshold.checked_sub(now).ok()?.abs()),
        moves,
        pairs,
        shared,
        rolled,
        unmarked,
    })
}

/// When a table looks up a number, percentage or amount input directly, the move is
/// to its threshold (for `>=` and `<=`; a strict bound has no nearest value).
fn direct_move(
    ruleset: &Ruleset,
    record: &Record,
    subject: &TExpr,
    op: CmpOp,
    threshold: &Rational,
) -> Option<Move> {
    let TExprKind::Ref(Ref::Input(j)) = subject.kind else {
        return None;
    };
    let input = ruleset.program().model.inputs.get(j)?;
    let Some(InputValue::Number(now)) = record.values.get(j) else {
        return None;
    };
    let within = input
        .range
        .as_ref()
        .is_none_or(|(low, high)| low <= threshold && threshold <= high);
    if input.input_type == InputType::Count || !within || !matches!(op, CmpOp::Ge | CmpOp::Le) {
        return None;
    }
    // Only a move the agent can make, the way that is better for them.
    if input.better != Some(threshold > now) {
        return None;
    }
    let show = |r: &Rational| match input.ty {
        Type::Percent => shown_percent(r),
        _ => shown(r),
    };
    let by = threshold.checked_sub(now).ok()?;
    Some(Move {
        input: input.name.clone(),
        label: input.label.clone(),
        from: show(now),
        to: show(threshold),
        by: show(&by),
    })
}

/// What an item's value depends on: the items (itself included) and the count inputs
/// the agent controls (declared `better higher` or `better lower`) that can be moved
/// to change it. An input that appears only as a denominator is not a lever: fewer
/// calls offered is not an achievement.
struct Levers {
    items: Vec<usize>,
    inputs: Vec<usize>,
}

impl Levers {
    fn of(ruleset: &Ruleset, item: usize) -> Levers {
        let model = &ruleset.program().model;
        let mut items = vec![item];
        let mut seen = vec![false; model.items.len()];
        let mut levers = vec![false; model.inputs.len()];
        seen[item] = true;
        let mut next = 0;
        while let Some(&i) = items.get(next) {
            next += 1;
            let mut refs = Vec::new();
            model.items[i].body.refs(&mut refs);
            for (r, denominator) in refs {
                match r {
                    Ref::Item(j) if !seen[j] => {
                        seen[j] = true;
                        items.push(j);
                    }
                    Ref::Input(j) if !denominator => levers[j] = true,
                    _ => {}
                }
            }
        }
        let inputs = (0..model.inputs.len())
            .filter(|&j| {
                levers[j]
                    && model.inputs[j].input_type == InputType::Count
                    && model.inputs[j].better.is_some()
            })
            .collect();
        Levers { items, inputs }
    }
}

/// Which percentage ratios are at most 100% in `slots`, the record as it is. A move
/// that pushes one of them past 100% (more calls answered than offered) is not real.
fn within_one(ruleset: &Ruleset, slots: &[Value]) -> Vec<usize> {
    let model = &ruleset.program().model;
    (0..model.items.len())
        .filter(|&i| {
            let item = &model.items[i];
            item.ty == Type::Percent
                && matches!(item.body, Body::Ratio { .. })
                && at_most_one(ruleset, slots, i)
        })
        .collect()
}

/// Whether item `i` has a numeric value of at most 1 (100%) in `slots`.
fn at_most_one(ruleset: &Ruleset, slots: &[Value], i: usize) -> bool {
    let slot = ruleset.program().model.inputs.len() + i;
    matches!(slots.get(slot), Some(Value::Num(r)) if *r <= Rational::ONE)
}

/// Watches the row one step matched, and whether a veto fired on it or on anything
/// it depends on: a move that sets off a veto does not reach the row.
struct RowWatch<'w> {
    step: usize,
    row: Option<usize>,
    rows: usize,
    watched: &'w [bool],
    vetoed: bool,
}

impl Tracer for RowWatch<'_> {
    fn detail(&mut self, step: usize, detail: Detail) {
        if step == self.step
            && let Detail::Row(row) = detail
        {
            self.row = Some(row.unwrap_or(self.rows));
        }
    }

    fn vetoed(&mut self, step: usize, _veto: usize, _before: &Value, _after: &Value) {
        if self.watched.get(step).copied().unwrap_or(false) {
            self.vetoed = true;
        }
    }
}

struct Search<'r> {
    ruleset: &'r Ruleset,
    record: &'r Record,
    item: usize,
    target: usize,
    ratios_within_one: Vec<usize>,
    /// The item and the items it depends on, by position.
    watched: Vec<bool>,
}

impl Search<'_> {
    /// Whether `record` reaches the target row (or a better one), and whether it is
    /// real: no percentage ratio pushed past 100%.
    fn try_record(&self, record: &Record) -> Tried {
        let program = self.ruleset.program();
        let mut watch = RowWatch {
            step: self.item,
            row: None,
            rows: usize::MAX,
            watched: &self.watched,
            vetoed: false,
        };
        let mut slots = Vec::new();
        if eval::run(program, record, &mut slots, &mut watch).is_err() {
            return Tried::Unreal;
        }
        let real = self
            .ratios_within_one
            .iter()
            .all(|&i| at_most_one(self.ruleset, &slots, i));
        match (real, watch.row) {
            (false, _) => Tried::Unreal,
            (true, Some(row)) if row <= self.target && !watch.vetoed => Tried::Reached,
            _ => Tried::Short,
        }
    }

    /// `base` with input `input` set to `n`, scored.
    fn tried(&self, base: &Record, input: usize, n: i128) -> Tried {
        match with(base, input, n) {
            Some(record) => self.try_record(&record),
            None => Tried::Unreal,
        }
    }

    /// How count input `input` may move in the record as it is: from its value now
    /// towards the end of its range the agent is better for, and only that way.
    fn way(&self, input: usize) -> Option<Way> {
        let declared = &self.ruleset.program().model.inputs[input];
        let now = match self.record.values.get(input)? {
            InputValue::Number(r) => r.to_i128()?,
            _ => return None,
        };
        let (low, high) = match &declared.range {
            Some((lo, hi)) => (lo.ceil_i128().max(0), hi.floor_i128()),
            None => (0, now.saturating_add(SEARCH_SPAN)),
        };
        Some(match declared.better? {
            true => Way {
                input,
                now,
                bound: high,
                direction: 1,
            },
            false => Way {
                input,
                now,
                bound: low,
                direction: -1,
            },
        })
    }

    /// The move of `way`'s input from its value now to `to`.
    fn shift(&self, way: &Way, to: i128) -> Move {
        let declared = &self.ruleset.program().model.inputs[way.input];
        Move {
            input: declared.name.clone(),
            label: declared.label.clone(),
            from: way.now.to_string(),
            to: to.to_string(),
            by: shown(&Rational::from_i128(to - way.now)),
        }
    }

    /// The smallest change of count input `input` alone that reaches the target row.
    fn smallest_move(&self, input: usize) -> Option<Move> {
        let way = self.way(input)?;
        let to = self.search(self.record, &way, way.bound)?;
        Some(self.shift(&way, to))
    }

    /// Two inputs moved together, when neither alone reaches the row: `first` pushed as
    /// far as it really goes, the smallest move of `second` that then reaches the row,
    /// and `first` brought back to the smallest move that still does.
    fn pair(&self, first: &Way, furthest: i128, second: usize) -> Option<Pair> {
        let second = self.way(second)?;
        let pushed = with(self.record, first.input, furthest)?;
        let to = self.search(&pushed, &second, second.bound)?;
        let moved = with(self.record, second.input, to)?;
        let back = self.search(&moved, first, furthest)?;
        // The search takes the value now to fall short; with the second input moved
        // that is unproven, and a pair whose first move is not needed is no pair.
        if back == first.now + first.direction && self.try_record(&moved) == Tried::Reached {
            return None;
        }
        Some(Pair {
            moves: [self.shift(first, back), self.shift(&second, to)],
        })
    }

    /// The furthest value `way`'s input can be moved to in the record as it is before
    /// a percentage ratio passes 100% (or the record cannot be scored); its value now
    /// when no move is real.
    fn furthest(&self, way: &Way) -> i128 {
        let distance = (way.bound - way.now) * way.direction;
        // A value already at or past its bound has no room the better way.
        if distance < 1 {
            return way.now;
        }
        // The nearest unreal value, searched the way the nearest reaching one is.
        let unreal = nearest(distance, |k| {
            match self.tried(self.record, way.input, way.now + way.direction * k) {
                Tried::Unreal => Tried::Reached,
                _ => Tried::Short,
            }
        });
        match unreal {
            Some(k) => way.now + way.direction * (k - 1),
            None => way.bound,
        }
    }

    /// The value nearest `way.now`, towards `bound`, that reaches the row with every
    /// other input as in `base`.
    fn search(&self, base: &Record, way: &Way, bound: i128) -> Option<i128> {
        let distance = (bound - way.now) * way.direction;
        let k = nearest(distance, |k| {
            self.tried(base, way.input, way.now + way.direction * k)
        })?;
        Some(way.now + way.direction * k)
    }
}

/// How an input may move: from `now` towards `bound`, `direction` ±1.
struct Way {
    input: usize,
    now: i128,
    bound: i128,
    direction: i128,
}

/// `base` with input `input` set to `n`.
fn with(base: &Record, input: usize, n: i128) -> Option<Record> {
    let mut record = base.clone();
    *record.values.get_mut(input)? = InputValue::Number(Rational::from_i128(n));
    Some(record)
}

/// The smallest step `k` in `1..=distance` for which `at(k)` reaches, taking step 0 to
/// fall short: doubling steps until one reaches, then halving the last gap, so that
/// `k` reaches and `k - 1` does not. A step into unreal values is halved back towards
/// real ones.
fn nearest(distance: i128, mut at: impl FnMut(i128) -> Tried) -> Option<i128> {
    // `short` never reaches the row; `enough` does.
    let (mut short, mut step) = (0, 1);
    let mut enough = 'found: loop {
        if step > distance {
            return None;
        }
        match at(step) {
            Tried::Reached => break step,
            Tried::Short => {
                short = step;
                step = if step == distance {
                    distance + 1
                } else {
                    (step * 2).min(distance)
                };
            }
            // Past a real value: halve the way back until one reaches or falls
            // short, rather than stepping back one at a time.
            Tried::Unreal => {
                let mut unreal = step;
                while unreal - short > 1 {
                    let middle = short + (unreal - short) / 2;
                    match at(middle) {
                        Tried::Reached => break 'found middle,
                        Tried::Short => short = middle,
                        Tried::Unreal => unreal = middle,
                    }
                }
                return None;
            }
        }
    };
    while enough - short > 1 {
        let middle = short + (enough - short) / 2;
        if at(middle) == Tried::Reached {
            enough = middle;
        } else {
            short = middle;
        }
    }
    Some(enough)
}

/// What a candidate value did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tried {
    /// It reached the row.
    Reached,
    /// It fell short.
    Short,
    /// It made the record unreal (a ratio past 100%) or unscorable.
    Unreal,
}

#[cfg(test)]
mod tests {
    use crate::Ruleset;
    use crate::explain::{Lang, Move, Pair, Reach, doc};

    fn next(source: &str, fields: &[(&str, &str)], item: &str) -> Option<Reach> {
        let ruleset = Ruleset::compile(source).unwrap_or_else(|d| panic!("{d}"));
        let record = ruleset.record(fields).unwrap();
        let (_, e) = ruleset.explain(&record).unwrap();
        e.items.into_iter().find(|s| s.name == item).unwrap().next
    }

    fn moves(reach: Option<Reach>) -> Vec<(String, String, String)> {
        match reach {
            Some(Reach::Next { moves, .. }) => moves
                .into_iter()
                .map(|Move { input, to, by, .. }| (input, to, by))
                .collect(),
            other => panic!("no next row: {other:?}"),
        }
    }

    /// Each pair as its two moves' (input, to, by).
    fn pairs(reach: &Option<Reach>) -> Vec<[(String, String, String); 2]> {
        match reach {
            Some(Reach::Next { pairs, .. }) => pairs
                .iter()
                .map(|Pair { moves: [a, b] }| {
                    [a, b].map(|m| (m.input.clone(), m.to.clone(), m.by.clone()))
                })
                .collect(),
            other => panic!("no next row: {other:?}"),
        }
    }

    fn triple(input: &str, to: &str, by: &str) -> (String, String, String) {
        (input.into(), to.into(), by.into())
    }

    /// A grade over two tiered ratios, each capped at 100%: the better grade needs
    /// both tiers.
    const TWO_RATIOS: &str = "ruleset t\nkey id\ninput id text\n\
        input asked count\ninput done count better higher\n\
        input tests count\ninput passed count better higher\n\
        let answered = done / asked, when zero 100%\n\
        let pass = passed / tests, when zero 100%\n\
        score sa = tiers answered\n  >= 90% : 100\n  else : 0\n\
        score sb = tiers pass\n  >= 90% : 100\n  else : 0\n\
        score total = weighted\n  sa 50%\n  sb 50%\n\
        grade g by total\n  >= 100 : A\n  else : B\noutput o = g";

    const SHORT_OF_BOTH: [(&str, &str); 5] = [
        ("id", "A"),
        ("asked", "100"),
        ("done", "80"),
        ("tests", "10"),
        ("passed", "5"),
    ];

    #[test]
    fn two_inputs_together_reach_a_row_neither_reaches_alone() {
        let reach = next(TWO_RATIOS, &SHORT_OF_BOTH, "g");
        assert_eq!(moves(reach.clone()), vec![]);
        // `done` is pushed to 100 of 100, `passed` then needs 9 of 10, and `done` comes
        // back to the 90 that still reaches A with 9 passed (89 does not).
        assert_eq!(
            pairs(&reach),
            vec![[triple("done", "90", "10"), triple("passed", "9", "4")]]
        );
        let found = reach.unwrap();
        let (_, zh) = doc::next_lines(Lang::Zh, &found);
        assert_eq!(
            zh,
            vec!["done 再多 10（80 → 90），同时 passed 再多 4（5 → 9），其余不变".to_string()]
        );
        let json = serde_json::to_value(&found).unwrap();
        assert_eq!(json["pairs"][0]["moves"][1]["to"], "9");
        let (_, en) = doc::next_lines(Lang::En, &found);
        assert_eq!(
            en,
            vec![
                "10 more done (80 → 90) together with 4 more passed (5 → 9), all else unchanged"
                    .to_string()
            ]
        );
    }

    #[test]
    fn a_pair_moves_each_input_the_way_that_is_better() {
        // Fewer complaints is the better way for the second input.
        let source = TWO_RATIOS
            .replace(
                "input passed count better higher",
                "input complaints count better lower",
            )
            .replace("let pass = passed / tests, when zero 100%\n", "")
            .replace(
                "tiers pass\n  >= 90% : 100",
                "tiers complaints\n  <= 2 : 100",
            );
        let fields = [
            ("id", "A"),
            ("asked", "100"),
            ("done", "80"),
            ("tests", "10"),
            ("complaints", "5"),
        ];
        assert_eq!(
            pairs(&next(&source, &fields, "g")),
            vec![[triple("done", "90", "10"), triple("complaints", "2", "-3")]]
        );
    }

    #[test]
    fn no_pair_when_even_two_inputs_cannot_reach_the_row() {
        // A range keeps `done` below 90.
        let source =
            TWO_RATIOS.replace("done count better higher", "done count better higher 0..85");
        let reach = next(&source, &SHORT_OF_BOTH, "g");
        assert_eq!(moves(reach.clone()), vec![]);
        assert!(pairs(&reach).is_empty());
        let found = reach.unwrap();
        let (_, en) = doc::next_lines(Lang::En, &found);
        assert_eq!(
            en,
            vec!["no change of one count input, or of two together, reaches this row".to_string()]
        );
        // The JSON has no `pairs` then.
        let json = serde_json::to_value(&found).unwrap();
        assert_eq!(json.get("pairs"), None);
    }

    #[test]
    fn no_pair_is_worked_out_when_one_input_reaches_the_row() {
        let source = TWO_RATIOS.replace(">= 100 : A", ">= 50 : A");
        let reach = next(&source, &SHORT_OF_BOTH, "g");
        assert_eq!(
            moves(reach.clone()),
            vec![triple("done", "90", "10"), triple("passed", "9", "4")]
        );
        assert!(pairs(&reach).is_empty());
    }

    const LOWER_IS_BETTER: &str = "ruleset t\nkey id\ninput id text\ninput complaints count better lower\n\
        score s = tiers complaints\n  <= 0 : 100\n  <= 2 : 80\n  else : 0\noutput o = s";

    #[test]
    fn fewer_is_the_move_when_lower_is_better() {
        let reach = next(LOWER_IS_BETTER, &[("id", "A"), ("complaints", "5")], "s");
        assert_eq!(
            moves(reach),
            vec![("complaints".into(), "2".into(), "-3".into())]
        );
        let top = next(LOWER_IS_BETTER, &[("id", "A"), ("complaints", "0")], "s");
        assert_eq!(top, Some(Reach::Top));
    }

    #[test]
    fn a_denominator_is_not_a_lever_and_a_ratio_stays_within_100_percent() {
        let source = "ruleset t\nkey id\ninput id text\ninput done count better higher\ninput asked count\n\
            let rate = done / asked, when zero 100%\n\
            score s = tiers rate\n  >= 95% : 100\n  >= 50% : 50\n  else : 0\noutput o = s";
        let reach = next(
            source,
            &[("id", "A"), ("done", "60"), ("asked", "100")],
            "s",
        );
        assert_eq!(
            moves(reach),
            vec![("done".into(), "95".into(), "35".into())]
        );
        // 150% would need more done than asked.
        let beyond = source.replace(">= 95%", ">= 150%");
        let reach = next(
            &beyond,
            &[("id", "A"), ("done", "60"), ("asked", "100")],
            "s",
        );
        assert_eq!(moves(reach), vec![]);
    }

    #[test]
    fn a_declared_range_bounds_the_search() {
        let source = "ruleset t\nkey id\ninput id text\ninput n count better higher 0..10\n\
            score s = tiers n\n  >= 20 : 100\n  >= 5 : 50\n  else : 0\noutput o = s";
        assert_eq!(moves(next(source, &[("id", "A"), ("n", "7")], "s")), vec![]);
        assert_eq!(
            moves(next(source, &[("id", "A"), ("n", "1")], "s")),
            vec![("n".into(), "5".into(), "4".into())]
        );
    }

    #[test]
    fn a_percentage_looked_up_directly_moves_to_the_threshold() {
        let source = "ruleset t\nkey id\ninput id text\ninput fcr percent better higher\n\
            score s = tiers fcr\n  >= 90% : 100\n  > 80% : 50\n  else : 0\noutput o = s";
        let reach = next(source, &[("id", "A"), ("fcr", "85.5%")], "s");
        assert_eq!(
            moves(reach),
            vec![("fcr".into(), "90%".into(), "4.5%".into())]
        );
        // A strict bound has no nearest value to name.
        assert_eq!(
            moves(next(source, &[("id", "A"), ("fcr", "70%")], "s")),
            vec![]
        );
    }

    #[test]
    fn only_the_inputs_an_agent_controls_are_moved_and_only_the_better_way() {
        // Days worked raise the target: working fewer is no advice to give.
        let source = "ruleset t\nkey id\ninput id text\ninput sold count better higher\ninput days number\n\
            let per_day = sold / days, when zero 0\n\
            score s = tiers per_day\n  >= 10 : 100\n  else : 0\noutput o = s";
        let fields = [("id", "A"), ("sold", "80"), ("days", "10")];
        assert_eq!(
            moves(next(source, &fields, "s")),
            vec![("sold".into(), "100".into(), "20".into())]
        );
        // Fewer complaints would help, but the rule says more is better: no move.
        let wrong_way = LOWER_IS_BETTER.replace("count better lower", "count better higher");
        assert_eq!(
            moves(next(&wrong_way, &[("id", "A"), ("complaints", "5")], "s")),
            vec![]
        );
        // A rule file that names no such input suggests nothing, and says why.
        let unmarked = LOWER_IS_BETTER.replace(" better lower", "");
        let reach = next(&unmarked, &[("id", "A"), ("complaints", "5")], "s");
        assert!(
            matches!(reach, Some(Reach::Next { ref moves, unmarked: true, .. }) if moves.is_empty())
        );
    }

    #[test]
    fn a_veto_upstream_holds_the_grade() {
        let source = "ruleset t\nkey id\ninput id text\ninput n count better higher\ninput qa number\n\
            score s = n * 10\nveto \"QA below 60\" when qa < 60 : s = 0\n\
            grade g by s\n  >= 50 : A\n  else : B\noutput o = g";
        let reach = next(source, &[("id", "A"), ("n", "1"), ("qa", "50")], "g");
        assert_eq!(
            reach,
            Some(Reach::Vetoed {
                reason: "QA below 60".into(),
                item: "s".into()
            })
        );
        let reach = next(source, &[("id", "A"), ("n", "1"), ("qa", "70")], "g");
        assert_eq!(moves(reach), vec![("n".into(), "5".into(), "4".into())]);
    }
}
