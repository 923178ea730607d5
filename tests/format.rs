//! The formatter, `kpi fmt`: the shipped rulesets are in its layout, scrambled copies
//! of them format back to exactly the original, and formatting random rule files keeps
//! what they mean and every comment, in order, and is idempotent.

use kpi::explain::Lang;
use kpi::{Ruleset, SourceFile};
use proptest::prelude::*;
use proptest::sample::select;

// ---------------------------------------------------------------- helpers

/// `text` formatted; a refusal fails the test with the diagnostics and the text.
fn format_text(text: &str) -> String {
    kpi::format::format(&SourceFile::new("t.kpi", text))
        .unwrap_or_else(|d| panic!("the formatter refused the file:\n{d}\n--- file ---\n{text}"))
}

/// A unified diff from `expected` to `actual`, for failure messages.
fn diff(expected: &str, actual: &str) -> String {
    similar::TextDiff::from_lines(expected, actual)
        .unified_diff()
        .header("expected", "formatted")
        .to_string()
}

/// Every `rulesets/*.kpi`, as (path, text), in name order.
fn shipped() -> Vec<(String, String)> {
    let mut paths: Vec<_> = std::fs::read_dir("rulesets")
        .expect("rulesets/ is readable")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "kpi"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no rulesets/*.kpi found");
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("a readable ruleset");
            (path.display().to_string(), text)
        })
        .collect()
}

/// A small deterministic generator (a 64-bit LCG), so that no crate is needed and a
/// seed always gives the same choices.
struct Lcg(u64);

impl Lcg {
    fn new(seed: u64) -> Lcg {
        let mut rng = Lcg(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x2545_F491_4F6C_DD1D);
        rng.step();
        rng
    }

    fn step(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    /// A number in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (self.step() % n as u64) as usize
    }

    /// True `percent` times in a hundred.
    fn chance(&mut self, percent: u64) -> bool {
        self.step() % 100 < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

// ---------------------------------------------------------------- shipped rulesets

#[test]
fn shipped_rulesets_are_formatted() {
    for (path, text) in shipped() {
        let formatted = format_text(&text);
        assert!(
            formatted == text,
            "{path} is not in the formatter's layout:\n{}",
            diff(&text, &formatted)
        );
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineKind {
    Blank,
    Comment,
    Code,
}

fn line_kind(line: &str) -> LineKind {
    let trimmed = line.trim();
    if trimmed.is_empty() {
        LineKind::Blank
    } else if trimmed.starts_with('#') {
        LineKind::Comment
    } else {
        LineKind::Code
    }
}

/// Whitespace that holds only spaces and tabs and is not a line: blank-line filler
/// and trailing spaces.
fn filler(rng: &mut Lcg) -> &'static str {
    rng.pick(&["", "", " ", "  ", "\t", " \t "])
}

/// A copy of a formatted rule file with its whitespace scrambled, never inside a
/// quoted string or a comment, and never so as to change what the formatter keeps:
/// the blank line after a comment stays (one to three of them), and none is added
/// right after a comment.
fn scramble(text: &str, rng: &mut Lcg) -> String {
    use LineKind::{Blank, Code, Comment};
    let lines: Vec<&str> = text.lines().collect();
    let kinds: Vec<LineKind> = lines.iter().map(|l| line_kind(l)).collect();
    let mut out: Vec<String> = Vec::new();
    for _ in 0..rng.below(3) {
        out.push(filler(rng).to_string());
    }
    let mut i = 0;
    while i < lines.len() {
        match kinds[i] {
            Blank => {
                let end = i + kinds[i..].iter().take_while(|&&k| k == Blank).count();
                let previous = i.checked_sub(1).map(|p| kinds[p]);
                let between_code = previous == Some(Code) && kinds.get(end) == Some(&Code);
                let count = if between_code { 0 } else { 1 + rng.below(3) };
                for _ in 0..count {
                    out.push(filler(rng).to_string());
                }
                i = end;
                continue;
            }
            Comment => {
                let indent = " ".repeat(rng.below(4));
                let trailing = if rng.chance(30) { filler(rng) } else { "" };
                out.push(format!("{indent}{}{trailing}", lines[i].trim()));
            }
            Code => {
                out.push(scramble_code(lines[i], rng));
                // A blank line where there was none, between two code lines.
                if kinds.get(i + 1) == Some(&Code) && rng.chance(15) {
                    for _ in 0..=rng.below(2) {
                        out.push(filler(rng).to_string());
                    }
                }
            }
        }
        i += 1;
    }
    for _ in 0..rng.below(3) {
        out.push(filler(rng).to_string());
    }
    let mut scrambled = out.join("\n");
    if !rng.chance(10) {
        scrambled.push('\n');
    }
    scrambled
}

/// Whether `rest` starts with a currency code such as `CNY` (which may follow an
/// amount after spaces, but not after a tab).
fn currency_code_at(rest: &[char]) -> bool {
    rest.len() >= 3
        && rest[..3].iter().all(char::is_ascii_uppercase)
        && !rest
            .get(3)
            .is_some_and(|c| c.is_alphanumeric() || *c == '_')
}

/// One code line with new indentation, each run of spaces replaced by one to three
/// spaces or a tab, spaces added around `= : , ( )` where there were none (never
/// inside `>=`, `<=`, `==`, `!=`), and sometimes trailing whitespace.
fn scramble_code(line: &str, rng: &mut Lcg) -> String {
    let chars: Vec<char> = line.trim().chars().collect();
    let mut out = " ".repeat(rng.below(5));
    let mut in_string = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if in_string {
            out.push(c);
            in_string = c != '"';
            i += 1;
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '#' => {
                out.extend(&chars[i..]);
                break;
            }
            ' ' => {
                let end = i + chars[i..].iter().take_while(|&&c| c == ' ').count();
                let amount =
                    i > 0 && chars[i - 1].is_ascii_digit() && currency_code_at(&chars[end..]);
                if !amount && rng.chance(25) {
                    out.push('\t');
                } else {
                    out.push_str(&" ".repeat(1 + rng.below(3)));
                }
                i = end;
                continue;
            }
            '=' | ':' | ',' | '(' | ')' => {
                let before = i.checked_sub(1).map(|p| chars[p]);
                let after = chars.get(i + 1).copied();
                let compound = c == '='
                    && (matches!(before, Some('<' | '>' | '=' | '!')) || after == Some('='));
                if !compound && before.is_some_and(|b| b != ' ') && rng.chance(50) {
                    out.push(' ');
                }
                out.push(c);
                if !compound && after.is_some_and(|a| a != ' ') && rng.chance(50) {
                    out.push(' ');
                }
            }
            _ => out.push(c),
        }
        i += 1;
    }
    if rng.chance(25) {
        out.push_str(rng.pick(&[" ", "  ", "\t", " \t"]));
    }
    out
}

#[test]
fn scrambled_shipped_rulesets_format_back() {
    for (path, text) in shipped() {
        for seed in 1..=6 {
            let scrambled = scramble(&text, &mut Lcg::new(seed));
            assert_ne!(
                scrambled, text,
                "{path}, seed {seed}: nothing was scrambled"
            );
            let ruleset = Ruleset::compile(&scrambled).unwrap_or_else(|d| {
                panic!(
                    "{path}, seed {seed}: the scrambled copy does not compile:\n{d}\n{scrambled}"
                )
            });
            // The scrambled copy still means the same: its own test cases pass.
            for report in ruleset.run_tests(Lang::En) {
                assert!(report.passed(), "{path}, seed {seed}: {report:?}");
            }
            let formatted = format_text(&scrambled);
            assert!(
                formatted == text,
                "{path}, seed {seed}: the scrambled copy does not format back:\n{}\n--- scrambled ---\n{scrambled}",
                diff(&text, &formatted)
            );
        }
    }
}

// ---------------------------------------------------------------- random rule files

/// A formula over plain numbers and counts. `Var(i)` names the `i`th (modulo) of the
/// values in scope where it is written.
#[derive(Debug, Clone)]
enum Expr {
    Var(usize),
    Num(&'static str),
    Neg(Box<Expr>),
    Bin(&'static str, Box<Expr>, Box<Expr>),
    /// Division by a literal that is not zero.
    Div(Box<Expr>, &'static str),
    /// `a / (b + 0.5)`.
    DivShifted(Box<Expr>, Box<Expr>),
    /// Parentheses that the precedence does not need.
    Paren(Box<Expr>),
    Call(&'static str, Vec<Expr>),
    If(Box<Cond>, Box<Expr>, Box<Expr>),
}

/// A condition.
#[derive(Debug, Clone)]
enum Cond {
    Cmp(Expr, &'static str, Expr),
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
    Not(Box<Cond>),
}

const NUMBERS: &[&str] = &["0", "1", "2", "3", "0.5", "3.25", "10", "100"];
const DIVISORS: &[&str] = &["2", "4", "0.5", "3", "10"];
const COMPARISONS: &[&str] = &[">=", ">", "<=", "<", "==", "!="];

fn cond_from(expr: BoxedStrategy<Expr>) -> BoxedStrategy<Cond> {
    let compare =
        (expr.clone(), select(COMPARISONS), expr).prop_map(|(a, op, b)| Cond::Cmp(a, op, b));
    compare
        .prop_recursive(2, 6, 2, |inner| {
            prop_oneof![
                (inner.clone(), inner.clone())
                    .prop_map(|(a, b)| Cond::And(Box::new(a), Box::new(b))),
                (inner.clone(), inner.clone())
                    .prop_map(|(a, b)| Cond::Or(Box::new(a), Box::new(b))),
                inner.prop_map(|a| Cond::Not(Box::new(a))),
            ]
        })
        .boxed()
}

fn expr() -> BoxedStrategy<Expr> {
    let leaf = prop_oneof![
        3 => (0usize..16).prop_map(Expr::Var),
        1 => select(NUMBERS).prop_map(Expr::Num),
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            4 => (select(&["+", "-", "*"][..]), inner.clone(), inner.clone())
                .prop_map(|(op, a, b)| Expr::Bin(op, Box::new(a), Box::new(b))),
            1 => (inner.clone(), select(DIVISORS)).prop_map(|(a, d)| Expr::Div(Box::new(a), d)),
            1 => (inner.clone(), inner.clone())
                .prop_map(|(a, b)| Expr::DivShifted(Box::new(a), Box::new(b))),
            1 => inner.clone().prop_map(|a| Expr::Neg(Box::new(a))),
            1 => inner.clone().prop_map(|a| Expr::Paren(Box::new(a))),
            1 => (select(&["min", "max"][..]), prop::collection::vec(inner.clone(), 2..=3))
                .prop_map(|(f, args)| Expr::Call(f, args)),
            1 => inner.clone().prop_map(|a| Expr::Call("abs", vec![a])),
            1 => inner
                .clone()
                .prop_map(|a| Expr::Call("clamp", vec![a, Expr::Num("0"), Expr::Num("100")])),
            1 => (cond_from(inner.clone()), inner.clone(), inner)
                .prop_map(|(c, a, b)| Expr::If(Box::new(c), Box::new(a), Box::new(b))),
        ]
    })
    .boxed()
}

/// A formula that is mostly a name or a number.
fn simple_expr() -> BoxedStrategy<Expr> {
    prop_oneof![
        4 => (0usize..16).prop_map(Expr::Var),
        2 => select(NUMBERS).prop_map(Expr::Num),
        1 => expr(),
    ]
    .boxed()
}

/// How tightly a formula binds: an operand written where `min` is needed gets
/// parentheses when it binds less tightly.
fn precedence(e: &Expr) -> u8 {
    match e {
        Expr::If(..) => 0,
        Expr::Bin("+" | "-", ..) => 1,
        Expr::Bin(..) | Expr::Div(..) | Expr::DivShifted(..) => 2,
        Expr::Neg(_) => 3,
        Expr::Var(_) | Expr::Num(_) | Expr::Paren(_) | Expr::Call(..) => 4,
    }
}

fn push(out: &mut Vec<String>, token: &str) {
    out.push(token.to_string());
}

/// The tokens of `e`, parenthesized where it binds less tightly than `min`; the right
/// operand of an operator gets parentheses at the same level, so `a - (b - c)` and
/// `-(a + b)` keep theirs.
fn expr_tokens(e: &Expr, names: &[String], min: u8, out: &mut Vec<String>) {
    let wrap = precedence(e) < min;
    if wrap {
        push(out, "(");
    }
    match e {
        Expr::Var(i) => out.push(names[i % names.len()].clone()),
        Expr::Num(n) => push(out, n),
        Expr::Neg(a) => {
            push(out, "-");
            expr_tokens(a, names, 3, out);
        }
        Expr::Bin(op, a, b) => {
            let level = precedence(e);
            expr_tokens(a, names, level, out);
            push(out, op);
            expr_tokens(b, names, level + 1, out);
        }
        Expr::Div(a, d) => {
            expr_tokens(a, names, 2, out);
            push(out, "/");
            push(out, d);
        }
        Expr::DivShifted(a, b) => {
            expr_tokens(a, names, 2, out);
            push(out, "/");
            push(out, "(");
            expr_tokens(b, names, 1, out);
            push(out, "+");
            push(out, "0.5");
            push(out, ")");
        }
        Expr::Paren(a) => {
            push(out, "(");
            expr_tokens(a, names, 0, out);
            push(out, ")");
        }
        Expr::Call(f, args) => {
            push(out, f);
            push(out, "(");
            for (i, arg) in args.iter().enumerate() {
                if i > 0 {
                    push(out, ",");
                }
                expr_tokens(arg, names, 0, out);
            }
            push(out, ")");
        }
        Expr::If(c, a, b) => {
            push(out, "if");
            cond_tokens(c, names, 0, out);
            push(out, "then");
            expr_tokens(a, names, 1, out);
            push(out, "else");
            expr_tokens(b, names, 1, out);
        }
    }
    if wrap {
        push(out, ")");
    }
}

fn cond_tokens(c: &Cond, names: &[String], min: u8, out: &mut Vec<String>) {
    let level = match c {
        Cond::Or(..) => 1,
        Cond::And(..) => 2,
        Cond::Not(_) => 3,
        Cond::Cmp(..) => 4,
    };
    let wrap = level < min;
    if wrap {
        push(out, "(");
    }
    match c {
        Cond::Cmp(a, op, b) => {
            expr_tokens(a, names, 1, out);
            push(out, op);
            expr_tokens(b, names, 1, out);
        }
        Cond::And(a, b) | Cond::Or(a, b) => {
            cond_tokens(a, names, level, out);
            push(out, if level == 1 { "or" } else { "and" });
            cond_tokens(b, names, level + 1, out);
        }
        Cond::Not(a) => {
            push(out, "not");
            cond_tokens(a, names, 3, out);
        }
    }
    if wrap {
        push(out, ")");
    }
}

/// A number written as tokens: a negative one with its minus apart, so that spacing
/// can come between them.
fn number_tokens(value: i64, out: &mut Vec<String>) {
    if value < 0 {
        push(out, "-");
    }
    out.push(value.unsigned_abs().to_string());
}

/// Whether the parenthesis `tokens[close]` closes a call such as `min(a, b)`
/// rather than a group.
fn closes_call(tokens: &[String], close: usize) -> bool {
    let mut depth = 0;
    for open in (0..=close).rev() {
        match tokens[open].as_str() {
            ")" => depth += 1,
            "(" => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            return open > 0 && CALLS.contains(&tokens[open - 1].as_str());
        }
    }
    false
}

const CALLS: [&str; 5] = ["min", "max", "abs", "clamp", "round"];

/// Whether a formula starts or ends with a parenthesized group: the case the
/// formatter gets wrong (see `parentheses_at_either_end_of_a_formula_are_kept`).
fn has_group_at_an_end(tokens: &[String]) -> bool {
    let last = tokens.len() - 1;
    tokens[0] == "(" || tokens[last] == ")" && !closes_call(tokens, last)
}

/// A formula's tokens, with `0 +` before and `+ 0` after (`0 < 1 and`, `and 0 < 1` for
/// a condition) where it would otherwise start or end with a parenthesized group,
/// unless `edge_parens` allows that.
fn guarded(mut tokens: Vec<String>, edge_parens: bool, condition: bool) -> Vec<String> {
    if edge_parens || !has_group_at_an_end(&tokens) {
        return tokens;
    }
    let (before, after): (&[&str], &[&str]) = if condition {
        (&["0", "<", "1", "and"], &["and", "0", "<", "1"])
    } else {
        (&["0", "+"], &["+", "0"])
    };
    if tokens[0] == "(" {
        tokens.splice(0..0, self::tokens(before));
    }
    if has_group_at_an_end(&tokens) {
        tokens.extend(self::tokens(after));
    }
    tokens
}

fn formula(e: &Expr, names: &[String], min: u8, edge_parens: bool) -> Vec<String> {
    let mut out = Vec::new();
    expr_tokens(e, names, min, &mut out);
    guarded(out, edge_parens, false)
}

#[derive(Debug, Clone, Copy)]
enum InputKind {
    Count,
    Number(Option<(i64, i64)>),
    Money,
}

#[derive(Debug, Clone)]
struct TiersSpec {
    subject: Expr,
    descending: bool,
    thresholds: Vec<i64>,
    values: Vec<Expr>,
    cap: Option<i64>,
}

#[derive(Debug, Clone)]
struct LinearSpec {
    subject: Expr,
    xs: Vec<i64>,
    ys: Vec<i64>,
    rows: bool,
}

#[derive(Debug, Clone)]
struct VetoSpec {
    condition: Cond,
    target: usize,
    value: Expr,
}

/// How the file is written: `ws` 0 is one space between tokens and no extra blank
/// lines, more is messier; `comments` 0 is none, more is more; `breaks` breaks
/// formulas across lines.
#[derive(Debug, Clone, Copy)]
struct Layout {
    ws: u8,
    comments: u8,
    breaks: bool,
    seed: u64,
}

/// A random but valid rule file, before it is written out.
#[derive(Debug, Clone)]
struct Spec {
    inputs: Vec<InputKind>,
    lets: Vec<Expr>,
    ratio: Option<(usize, usize, usize)>,
    tiers: TiersSpec,
    linear: LinearSpec,
    /// (candidate, weight in half percents).
    weights: Vec<(usize, u32)>,
    grade: Vec<i64>,
    veto: VetoSpec,
    cases: bool,
    quirks: Quirks,
    layout: Layout,
}

/// Ways of writing a rule file that the formatter must take apart and join (each has
/// a test of its own below); the generator can leave them out.
#[derive(Debug, Clone, Copy)]
struct Quirks {
    /// A formula may start or end with a parenthesized group.
    edge_parens: bool,
    /// A linear score of two points may be written with a row per point.
    two_point_rows: bool,
    /// Formulas may be broken across lines.
    breaks: bool,
}

fn input_kind() -> impl Strategy<Value = InputKind> {
    prop_oneof![
        Just(InputKind::Count),
        proptest::option::of(select(&[(0i64, 100i64), (0, 1000), (-50, 50)][..]))
            .prop_map(InputKind::Number),
        Just(InputKind::Money),
    ]
}

fn spec(quirks: Quirks) -> impl Strategy<Value = Spec> {
    let inputs = (
        prop_oneof![
            Just(InputKind::Count),
            proptest::option::of(select(&[(0i64, 100i64), (0, 1000)][..]))
                .prop_map(InputKind::Number),
        ],
        prop::collection::vec(input_kind(), 0..=3),
    )
        .prop_map(|(second, rest)| {
            let mut inputs = vec![InputKind::Count, second];
            inputs.extend(rest);
            inputs
        });
    let tiers = (
        simple_expr(),
        any::<bool>(),
        prop::collection::btree_set(-20i64..=150, 1..=4),
        prop::collection::vec(simple_expr(), 5),
        proptest::option::of(50i64..=200),
    )
        .prop_map(|(subject, descending, set, values, cap)| {
            let mut thresholds: Vec<i64> = set.into_iter().collect();
            if descending {
                thresholds.reverse();
            }
            TiersSpec {
                subject,
                descending,
                thresholds,
                values,
                cap,
            }
        });
    let linear = (
        simple_expr(),
        prop::collection::btree_set(-50i64..=150, 2..=4),
        prop::collection::vec(-100i64..=100, 4),
        any::<bool>(),
    )
        .prop_map(|(subject, xs, ys, rows)| LinearSpec {
            subject,
            xs: xs.into_iter().collect(),
            ys,
            rows,
        });
    let weights = proptest::sample::subsequence((0..5).collect::<Vec<usize>>(), 2..=4)
        .prop_flat_map(|parts| {
            let most = 200 / parts.len() as u32;
            let shares = prop::collection::vec(1..=most, parts.len() - 1);
            (Just(parts), shares)
        })
        .prop_map(|(parts, mut shares)| {
            shares.push(200 - shares.iter().sum::<u32>());
            parts.into_iter().zip(shares).collect::<Vec<_>>()
        });
    let grade = prop::collection::btree_set(0i64..=100, 1..=4)
        .prop_map(|set| set.into_iter().rev().collect::<Vec<_>>());
    let veto =
        (cond_from(simple_expr()), 0usize..4, expr()).prop_map(|(condition, target, value)| {
            VetoSpec {
                condition,
                target,
                value,
            }
        });
    let layout = (0u8..4, 0u8..4, any::<u64>()).prop_map(move |(ws, comments, seed)| Layout {
        ws,
        comments,
        breaks: quirks.breaks,
        seed,
    });
    (
        inputs,
        prop::collection::vec(expr(), 0..=2),
        proptest::option::of((0usize..5, 0usize..5, 0usize..3)),
        tiers,
        linear,
        weights,
        grade,
        veto,
        any::<bool>(),
        layout,
    )
        .prop_map(
            move |(inputs, lets, ratio, tiers, linear, weights, grade, veto, cases, layout)| Spec {
                inputs,
                lets,
                ratio,
                tiers,
                linear,
                weights,
                grade,
                veto,
                cases,
                quirks,
                layout,
            },
        )
}

const INPUT_NAMES: [&str; 5] = ["calls", "接通量", "qa", "hours", "cases"];
const LABELS: &[&str] = &[
    "\"接通率 / Answer rate\"",
    "\"Score: with a colon\"",
    "\"has # a hash\"",
    "\"等级 / Grade\"",
    "\"\"",
    "\"two  spaces\"",
];
const COMMENT_TEXTS: &[&str] = &[
    "note",
    "中文注释 / a remark",
    "has \"quotes\" and a # inside",
    "x = 1 : y, (z)",
    "",
    "ends with a colon:",
];
const MODES: &[&str] = &["half_up", "half_even", "half_down", "down", "up"];
const GRADE_LABELS: [&str; 5] = ["S", "A", "B", "C", "D"];

/// Writes statements as text with the whitespace and comments of a [`Layout`].
struct Writer {
    rng: Lcg,
    layout: Layout,
    text: String,
    /// The comments written, in order, as the formatter must keep them.
    comments: Vec<String>,
}

impl Writer {
    fn comment_here(&mut self) -> bool {
        let percent = [0, 8, 25, 50][usize::from(self.layout.comments)];
        self.rng.chance(percent)
    }

    fn comment(&mut self) -> String {
        let gap = self.rng.pick(&["", " ", "  "]);
        let filler = self.rng.pick(COMMENT_TEXTS);
        let text = format!("#{gap}[{}] {filler}", self.comments.len());
        let text = text.trim_end().to_string();
        self.comments.push(text.clone());
        text
    }

    fn gap(&mut self, needed: bool) -> &'static str {
        match (self.layout.ws, needed) {
            (0, _) => " ",
            (_, true) => self.rng.pick(&[" ", " ", "  ", "\t", " \t"]),
            (_, false) => self.rng.pick(&["", "", " ", "  ", "\t"]),
        }
    }

    fn indent(&mut self, min: usize) -> String {
        if self.layout.ws == 0 {
            return "  ".to_string();
        }
        let mut indent: String = (0..min).map(|_| self.rng.pick(&[' ', '\t'])).collect();
        for _ in 0..self.rng.below(4) {
            indent.push(self.rng.pick(&[' ', ' ', '\t']));
        }
        indent
    }

    fn blank_lines(&mut self, most: usize) {
        if self.layout.ws == 0 {
            return;
        }
        for _ in 0..self.rng.below(most + 1) {
            let filler = filler(&mut self.rng);
            self.text.push_str(filler);
            self.text.push('\n');
        }
    }

    fn own_line_comments(&mut self) {
        while self.comment_here() {
            let indent = self.indent(0);
            let comment = self.comment();
            self.text.push_str(&format!("{indent}{comment}\n"));
            if self.layout.ws > 0 && self.rng.chance(30) {
                self.text.push('\n');
            }
        }
    }

    fn end_of_line(&mut self) {
        if self.comment_here() {
            let gap = self.gap(false);
            let comment = self.comment();
            self.text.push_str(gap);
            self.text.push_str(&comment);
        }
        if self.layout.ws > 0 && self.rng.chance(20) {
            let filler = filler(&mut self.rng);
            self.text.push_str(filler);
        }
        self.text.push('\n');
    }

    /// One line of tokens, with `indent` before it; with `breaks`, some gaps become
    /// line breaks (the next part indented, so it never starts a statement).
    fn line(&mut self, indent: &str, tokens: &[String]) {
        self.text.push_str(indent);
        for (i, token) in tokens.iter().enumerate() {
            if i > 0 {
                let needed = needs_space(&tokens[i - 1], token);
                if self.layout.breaks && self.rng.chance(8) {
                    self.end_of_line();
                    self.own_line_comments();
                    let indent = self.indent(1);
                    self.text.push_str(&indent);
                } else {
                    let gap = self.gap(needed);
                    self.text.push_str(gap);
                }
            }
            self.text.push_str(token);
        }
        self.end_of_line();
    }

    /// A statement: its first line, then its rows.
    fn statement(&mut self, mut lines: Vec<Vec<String>>) {
        self.blank_lines(2);
        self.own_line_comments();
        if self.layout.ws > 0 {
            if self.rng.chance(20) {
                self.text.push('\n');
            }
            // Rows may follow their header on one line.
            if lines.len() > 1 && self.layout.ws >= 2 && self.rng.chance(15) {
                let rows: Vec<String> = lines.drain(1..).flatten().collect();
                lines[0].extend(rows);
            }
        }
        let indent = if self.layout.ws > 0 && self.rng.chance(20) {
            self.indent(1)
        } else {
            String::new()
        };
        self.line(&indent, &lines[0]);
        for row in &lines[1..] {
            if self.layout.ws >= 2 && self.rng.chance(10) {
                self.blank_lines(1);
            }
            self.own_line_comments();
            let indent = self.indent(0);
            self.line(&indent, row);
        }
    }
}

/// Whether two tokens would run together without a space between them.
fn needs_space(before: &str, after: &str) -> bool {
    let word = |c: char| c.is_alphanumeric() || matches!(c, '_' | '%' | '"' | '¥' | '￥');
    before.chars().last().is_some_and(word) && after.chars().next().is_some_and(word)
}

fn tokens(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.to_string()).collect()
}

/// `kind name [label] =`.
fn item_head(kind: &str, name: &str, rng: &mut Lcg) -> Vec<String> {
    let mut head = tokens(&[kind, name]);
    if rng.chance(50) {
        push(&mut head, rng.pick(LABELS));
    }
    push(&mut head, "=");
    head
}

/// `round(name, places, mode)`.
fn round_tokens(inner: &[String], places: usize, mode: &str) -> Vec<String> {
    let mut out = tokens(&["round", "("]);
    out.extend(inner.iter().cloned());
    out.extend(tokens(&[",", &places.to_string(), ",", mode, ")"]));
    out
}

/// A value for an input, as a data file holds it.
fn value_for(kind: InputKind, rng: &mut Lcg) -> String {
    match kind {
        InputKind::Count => rng
            .pick(&[0u32, 0, 1, 2, 3, 5, 10, 37, 120, 499])
            .to_string(),
        InputKind::Number(range) => {
            let (low, high) = range.unwrap_or((0, 200));
            let span = usize::try_from((high - low) * 100).expect("a positive range");
            let cents = low * 100 + rng.below(span + 1) as i64;
            let sign = if cents < 0 { "-" } else { "" };
            let cents = cents.unsigned_abs();
            format!("{sign}{}.{:02}", cents / 100, cents % 100)
        }
        InputKind::Money => {
            let cents = rng.below(500_001);
            format!("{}.{:02}", cents / 100, cents % 100)
        }
    }
}

/// A generated rule file: its text, its comments in order, and records to score.
struct Generated {
    text: String,
    comments: Vec<String>,
    records: Vec<Vec<(String, String)>>,
}

fn generate(spec: &Spec) -> Generated {
    let edge = spec.quirks.edge_parens;
    let mut rng = Lcg::new(spec.layout.seed ^ 0x5151);
    let mut statements: Vec<Vec<Vec<String>>> = Vec::new();
    let mut header = tokens(&["ruleset", "generated"]);
    if rng.chance(50) {
        push(&mut header, rng.pick(LABELS));
    }
    statements.push(vec![header]);
    if rng.chance(50) {
        statements.push(vec![tokens(&["version", "\"1.0\""])]);
    }
    statements.push(vec![tokens(&["currency", "CNY"])]);
    statements.push(vec![tokens(&["key", "emp_id"])]);
    let mut key = tokens(&["input", "emp_id", "text"]);
    if rng.chance(50) {
        push(&mut key, rng.pick(LABELS));
    }
    statements.push(vec![key]);

    // Inputs, and the names plain formulas may use.
    let names: Vec<&str> = INPUT_NAMES[..spec.inputs.len()].to_vec();
    let mut plain: Vec<String> = Vec::new();
    let mut money: Vec<String> = Vec::new();
    let mut counts: Vec<String> = Vec::new();
    for (name, kind) in names.iter().zip(&spec.inputs) {
        let mut line = tokens(&["input", name]);
        match kind {
            InputKind::Count => {
                push(&mut line, "count");
                counts.push(name.to_string());
                plain.push(name.to_string());
            }
            InputKind::Number(range) => {
                push(&mut line, "number");
                if let Some((low, high)) = range {
                    number_tokens(*low, &mut line);
                    push(&mut line, "..");
                    number_tokens(*high, &mut line);
                }
                plain.push(name.to_string());
            }
            InputKind::Money => {
                push(&mut line, "money");
                money.push(name.to_string());
            }
        }
        if rng.chance(60) {
            push(&mut line, rng.pick(LABELS));
        }
        statements.push(vec![line]);
    }
    let inputs_end = statements.len();

    // Items: statements that may come in any order.
    let mut items: Vec<Vec<Vec<String>>> = Vec::new();
    let mut outputs: Vec<Vec<String>> = Vec::new();
    if let Some((a, b, zero)) = spec.ratio {
        let (a, b) = (a % plain.len(), b % plain.len());
        let both_counts = counts.contains(&plain[a]) && counts.contains(&plain[b]);
        let mut line = item_head("let", "rate", &mut rng);
        line.extend([plain[a].clone(), "/".into(), plain[b].clone()]);
        line.extend(tokens(&[",", "when", "zero"]));
        match (zero, both_counts) {
            (0, _) => push(&mut line, "error"),
            (1, true) => push(&mut line, "100%"),
            (_, true) => push(&mut line, "0%"),
            (1, false) => push(&mut line, "0"),
            (_, false) => line.extend(tokens(&["-", "1"])),
        }
        items.push(vec![line]);
        let mode = rng.pick(MODES);
        let mut out = tokens(&["output", "rate_out", "="]);
        out.extend(round_tokens(&tokens(&["rate"]), 2, mode));
        outputs.push(out);
    }
    // Parentheses that matter, then the random formulas.
    let mut lets: Vec<Expr> = vec![
        Expr::Bin(
            "-",
            Box::new(Expr::Var(0)),
            Box::new(Expr::Bin(
                "-",
                Box::new(Expr::Var(1)),
                Box::new(Expr::Var(2)),
            )),
        ),
        Expr::Bin(
            "*",
            Box::new(Expr::Neg(Box::new(Expr::Bin(
                "+",
                Box::new(Expr::Var(1)),
                Box::new(Expr::Var(0)),
            )))),
            Box::new(Expr::Num("2")),
        ),
    ];
    lets.extend(spec.lets.iter().cloned());
    let mut scope = plain.clone();
    let mut let_names = Vec::new();
    for (i, formula) in lets.iter().enumerate() {
        let name = format!("l{i}");
        let mut line = item_head("let", &name, &mut rng);
        line.extend(self::formula(formula, &scope, 0, edge));
        items.push(vec![line]);
        let places = rng.below(4);
        let mode = rng.pick(MODES);
        let mut out = tokens(&["output", &format!("out_{name}"), "="]);
        out.extend(round_tokens(std::slice::from_ref(&name), places, mode));
        outputs.push(out);
        scope.push(name.clone());
        let_names.push(name);
    }

    // A tier table.
    let tiers = &spec.tiers;
    let mut head = item_head("score", "tier_s", &mut rng);
    push(&mut head, "tiers");
    head.extend(formula(&tiers.subject, &scope, 1, edge));
    let mut table = vec![head];
    for (i, threshold) in tiers.thresholds.iter().enumerate() {
        let op = match (tiers.descending, rng.chance(50)) {
            (true, true) => ">=",
            (true, false) => ">",
            (false, true) => "<=",
            (false, false) => "<",
        };
        let mut row = tokens(&[op]);
        number_tokens(*threshold, &mut row);
        push(&mut row, ":");
        row.extend(formula(&tiers.values[i], &scope, 1, edge));
        table.push(row);
    }
    let mut otherwise = tokens(&["else", ":"]);
    otherwise.extend(formula(&tiers.values[4], &scope, 1, edge));
    if let Some(cap) = tiers.cap {
        otherwise.extend(tokens(&[",", "cap"]));
        number_tokens(cap, &mut otherwise);
    }
    table.push(otherwise);
    items.push(table);

    // A linear score, on one line or with a row per point.
    let linear = &spec.linear;
    let mut head = item_head("score", "lin_s", &mut rng);
    push(&mut head, "linear");
    head.extend(formula(&linear.subject, &scope, 1, edge));
    let mut table = vec![head];
    for (i, (x, y)) in linear.xs.iter().zip(&linear.ys).enumerate() {
        let mut point = tokens(&[if i == 0 { "from" } else { "to" }]);
        number_tokens(*x, &mut point);
        push(&mut point, ":");
        number_tokens(*y, &mut point);
        if linear.rows && (linear.xs.len() > 2 || spec.quirks.two_point_rows) {
            table.push(point);
        } else {
            table[0].extend(point);
        }
    }
    items.push(table);

    // A deduction per case with a cap, and a score with a floor.
    let count = counts[rng.below(counts.len())].clone();
    let mut line = item_head("deduction", "ded", &mut rng);
    line.extend(tokens(&[rng.pick(&["2", "2.5", "10"]), "per", &count]));
    if rng.chance(60) {
        line.extend(tokens(&[",", "cap", rng.pick(&["10", "40"])]));
    }
    items.push(vec![line]);
    let mut line = item_head("score", "conduct", &mut rng);
    line.extend(tokens(&["100", "-", "ded"]));
    let cap_first = rng.chance(30);
    if cap_first {
        line.extend(tokens(&[",", "cap", "95"]));
    }
    line.extend(tokens(&[",", "floor", "0"]));
    items.push(vec![line]);

    // A bonus per case, in money.
    let count = counts[rng.below(counts.len())].clone();
    let mut line = item_head("bonus", "praise_b", &mut rng);
    let amount = rng.pick(&["50 CNY", "50CNY", "20.5  CNY", "¥50", "￥30"]);
    line.extend(tokens(&[amount, "per", &count]));
    if rng.chance(60) {
        line.extend(tokens(&[",", "cap", rng.pick(&["300 CNY", "¥300"])]));
    }
    items.push(vec![line]);

    // A weighted total.
    let candidates = [
        "tier_s".to_string(),
        "lin_s".to_string(),
        "conduct".to_string(),
        let_names[0].clone(),
        plain[0].clone(),
    ];
    let mut table = vec![item_head("score", "total", &mut rng)];
    push(&mut table[0], "weighted");
    for (part, halves) in &spec.weights {
        let weight = if halves % 2 == 0 {
            format!("{}%", halves / 2)
        } else {
            format!("{}.5%", halves / 2)
        };
        table.push(vec![candidates[*part].clone(), weight]);
    }
    items.push(table);

    // A grade with coefficients.
    let mut head = tokens(&["grade", "level"]);
    if rng.chance(50) {
        push(&mut head, rng.pick(LABELS));
    }
    push(&mut head, "by");
    let subject = tokens(match rng.below(3) {
        0 => &["total"][..],
        1 => &["total", "+", "conduct", "/", "10"][..],
        _ => &["(", "total", "+", "conduct", ")", "/", "2"][..],
    });
    head.extend(guarded(subject, edge, false));
    let mut table = vec![head];
    let labels = &GRADE_LABELS[..spec.grade.len()];
    for (threshold, label) in spec.grade.iter().zip(labels) {
        let op = rng.pick(&[">=", ">"]);
        let coefficient = rng.pick(&["1.5", "1.2", "1.0", "1", "0.8", "0.5"]);
        table.push(tokens(&[
            op,
            &threshold.to_string(),
            ":",
            label,
            "coefficient",
            coefficient,
        ]));
    }
    table.push(tokens(&["else", ":", "D", "coefficient", "0"]));
    items.push(table);

    // A veto.
    let veto = &spec.veto;
    let mut line = tokens(&["veto"]);
    if rng.chance(50) {
        push(&mut line, "v1");
    }
    line.extend(tokens(&[rng.pick(LABELS), "when"]));
    let mut condition = Vec::new();
    cond_tokens(&veto.condition, &scope, 0, &mut condition);
    line.extend(guarded(condition, edge, true));
    push(&mut line, ":");
    match veto.target {
        0 => line.extend(tokens(&["total", "=", "0"])),
        1 => {
            line.extend(tokens(&["total", "="]));
            line.extend(formula(&veto.value, &scope, 1, edge));
        }
        2 => {
            let label = if rng.chance(30) {
                "D"
            } else {
                rng.pick(labels)
            };
            line.extend(tokens(&["level", "=", label]));
        }
        _ => line.extend(tokens(&["praise_b", "=", "praise_b", "*", "50%"])),
    }
    items.push(vec![line]);

    // Items may come in any order.
    if spec.layout.ws >= 2 {
        for i in (1..items.len()).rev() {
            items.swap(i, rng.below(i + 1));
        }
    }

    // Outputs.
    let mut score = tokens(&["output", "score"]);
    if rng.chance(50) {
        push(&mut score, rng.pick(LABELS));
    }
    push(&mut score, "=");
    score.extend(round_tokens(&tokens(&["total"]), 2, rng.pick(MODES)));
    let mut grade = tokens(&["output", "grade"]);
    if rng.chance(50) {
        push(&mut grade, rng.pick(LABELS));
    }
    grade.extend(tokens(&["=", "level"]));
    let base = match money.first() {
        Some(name) => vec![name.clone()],
        None => tokens(&[rng.pick(&["1000 CNY", "¥1000"])]),
    };
    let mut pay = base;
    pay.extend(tokens(&["*", "level", ".", "coefficient", "+", "praise_b"]));
    let mut payout = tokens(&["output", "payout"]);
    if rng.chance(50) {
        push(&mut payout, rng.pick(LABELS));
    }
    push(&mut payout, "=");
    payout.extend(round_tokens(&pay, 2, rng.pick(MODES)));
    let mut all_outputs = vec![score, grade, payout];
    all_outputs.extend(outputs);
    all_outputs.push(tokens(&["output", "conduct_out", "=", "conduct"]));

    // Test cases: a fixture and a case from it, and a case on its own.
    let mut cases: Vec<Vec<Vec<String>>> = Vec::new();
    if spec.cases {
        let mut fixture = vec![tokens(&["fixture", "base"])];
        if rng.chance(50) {
            push(&mut fixture[0], rng.pick(LABELS));
        }
        fixture.push(tokens(&["emp_id", "=", "\"F1\""]));
        let mut alone = vec![tokens(&["test", "t_alone"])];
        for (name, kind) in names.iter().zip(&spec.inputs) {
            fixture.push(tokens(&[name, "=", &value_for(*kind, &mut rng)]));
            alone.push(tokens(&[name, "=", &value_for(*kind, &mut rng)]));
        }
        alone.push(tokens(&["expect", "conduct_out", "=", "100"]));
        let mut from = vec![tokens(&["test", "t_from"])];
        if rng.chance(50) {
            push(&mut from[0], rng.pick(LABELS));
        }
        from[0].extend(tokens(&["from", "base"]));
        from.push(tokens(&["expect", "grade", "=", "D"]));
        from.push(tokens(&[names[0], "=", "3"]));
        from.push(tokens(&["expect", "score", "=", "50.00"]));
        cases.push(fixture);
        cases.push(from);
        cases.push(alone);
    }

    // Written out.
    let mut writer = Writer {
        rng: Lcg::new(spec.layout.seed),
        layout: spec.layout,
        text: String::new(),
        comments: Vec::new(),
    };
    let all = statements[..inputs_end]
        .iter()
        .cloned()
        .chain(items)
        .chain(all_outputs.into_iter().map(|o| vec![o]))
        .chain(cases);
    for statement in all {
        writer.statement(statement);
    }
    writer.blank_lines(2);
    writer.own_line_comments();

    // Records to score.
    let records = (0..6)
        .map(|r| {
            let mut record = vec![("emp_id".to_string(), format!("E{r}"))];
            for (name, kind) in names.iter().zip(&spec.inputs) {
                record.push((name.to_string(), value_for(*kind, &mut rng)));
            }
            record
        })
        .collect();
    Generated {
        text: writer.text,
        comments: writer.comments,
        records,
    }
}

/// What a rule file means, apart from where things are written.
fn meaning(text: &str) -> String {
    Ruleset::compile_source(SourceFile::new("t.kpi", text))
        .unwrap_or_else(|d| panic!("does not check: {d:?}"))
        .meaning()
}

/// What scoring gives, without the parts that quote the rule file's text.
fn scored(ruleset: &Ruleset, record: &[(String, String)]) -> String {
    let pairs: Vec<(&str, &str)> = record
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let record = ruleset
        .record(&pairs)
        .unwrap_or_else(|e| panic!("a bad generated record: {e:?}"));
    match ruleset.evaluate(&record) {
        Ok(outcome) => format!("{outcome:?}"),
        Err(error) => format!("error {} {} {:?}", error.key, error.name, error.fault),
    }
}

/// What the rule file's own test cases give, without lines and workings.
fn case_results(ruleset: &Ruleset) -> Vec<String> {
    ruleset
        .run_tests(Lang::En)
        .into_iter()
        .map(|report| match report.result {
            kpi::CaseResult::Passed => format!("{} passed", report.name),
            kpi::CaseResult::Failed(mismatches) => {
                let found: Vec<String> = mismatches
                    .iter()
                    .map(|m| format!("{} {} {}", m.name, m.expected, m.actual))
                    .collect();
                format!("{} failed {found:?}", report.name)
            }
            kpi::CaseResult::NotScored(_) => format!("{} not scored", report.name),
        })
        .collect()
}

/// Everything formatting must keep, for one generated file.
fn formatting_keeps(generated: &Generated) -> Result<(), TestCaseError> {
    let text = &generated.text;
    let original = Ruleset::compile(text)
        .unwrap_or_else(|d| panic!("the generated file does not compile:\n{d}\n{text}"));
    let formatted = kpi::format::format(&SourceFile::new("t.kpi", text.as_str()));
    prop_assert!(formatted.is_ok(), "not formatted:\n{text}");
    let formatted = formatted.unwrap_or_default();
    let context = format!("--- input ---\n{text}--- formatted ---\n{formatted}");
    let again = format_text(&formatted);
    prop_assert!(
        again == formatted,
        "not idempotent:\n{}\n{context}",
        diff(&formatted, &again)
    );
    let reformatted = Ruleset::compile(&formatted);
    prop_assert!(
        reformatted.is_ok(),
        "the formatted file does not compile:\n{}\n{context}",
        reformatted
            .as_ref()
            .err()
            .map(ToString::to_string)
            .unwrap_or_default()
    );
    let reformatted = reformatted.unwrap_or_else(|_| unreachable!());
    prop_assert!(
        meaning(text) == meaning(&formatted),
        "the model changed:\n{}\n{context}",
        diff(&meaning(text), &meaning(&formatted))
    );
    let mut from = 0;
    for comment in &generated.comments {
        let found = formatted[from..].find(comment.as_str());
        prop_assert!(
            found.is_some(),
            "comment `{comment}` is lost or out of order:\n{context}"
        );
        from += found.unwrap_or_default() + comment.len();
    }
    for record in &generated.records {
        prop_assert_eq!(
            scored(&original, record),
            scored(&reformatted, record),
            "{}",
            context
        );
    }
    prop_assert_eq!(
        case_results(&original),
        case_results(&reformatted),
        "{}",
        context
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(80))]

    #[test]
    fn formatting_keeps_the_meaning(spec in spec(Quirks {
        edge_parens: true,
        two_point_rows: true,
        breaks: true,
    })) {
        formatting_keeps(&generate(&spec))?;
    }
}

/// A formula that starts or ends with a parenthesized group keeps its parentheses
/// (the formatter prints formulas from their spans, which must cover them).
#[test]
fn parentheses_at_either_end_of_a_formula_are_kept() {
    let text = "ruleset r\ncurrency CNY\nkey id\ninput id text\ninput a count\ninput b count\n\
                let d = a - (b - a)\nlet n = -(a + b)\nlet g = (a + b) / 2\n\
                output o = (d + n + g)\n";
    let expected = "ruleset r\ncurrency CNY\nkey id\n\ninput id text\ninput a  count\ninput b  count\n\n\
                    let d = a - (b - a)\nlet n = -(a + b)\nlet g = (a + b) / 2\n\n\
                    output o = (d + n + g)\n";
    assert!(Ruleset::compile(text).is_ok());
    let formatted = format_text(text);
    assert!(
        formatted == expected,
        "{}\n--- formatted ---\n{formatted}",
        diff(expected, &formatted)
    );
}

/// Where the formatter joins the lines of one statement (a linear score of two points
/// written with a row per point, a formula broken across lines), the comments among
/// them keep their order.
#[test]
fn comments_in_lines_the_formatter_joins_keep_their_order() {
    let text = "ruleset r\ncurrency CNY\nkey id\ninput id text\ninput x number\n\
                score s = linear x\n  # above the first point\n  from 0 : 0  # on the first point\n  to 1 : 1    # on the last point\n\
                let t = x +  # after the plus\n  1          # after the one\n\
                output o = round(s + t, 2, half_up)\n";
    assert!(Ruleset::compile(text).is_ok());
    let formatted = format_text(text);
    let mut from = 0;
    for comment in [
        "# above the first point",
        "# on the first point",
        "# on the last point",
        "# after the plus",
        "# after the one",
    ] {
        let found = formatted[from..].find(comment);
        assert!(
            found.is_some(),
            "`{comment}` is lost or out of order:\n{formatted}"
        );
        from += found.unwrap_or_default() + comment.len();
    }
}
