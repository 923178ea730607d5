//! The syntax tree of a rule file, as written, with a span on every node.

use rust_decimal::Decimal;

use crate::diagnostic::Span;

/// A whole rule file.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleFile {
    /// Statements in the order written.
    pub statements: Vec<Statement>,
    /// Statements that could not be read, so that later stages do not report what
    /// they would have declared as missing.
    pub unread: Vec<UnreadStatement>,
}

/// The first two words of a statement with a syntax error: its keyword and,
/// probably, the name it declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadStatement {
    /// The first word, such as `let` or `ruleset`.
    pub keyword: String,
    /// The second word, if it looks like a name.
    pub name: Option<String>,
}

impl UnreadStatement {
    /// The words at the start of `text`.
    pub fn from_text(text: &str) -> UnreadStatement {
        let line = text.trim_start().lines().next().unwrap_or("");
        let mut words = line
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty());
        UnreadStatement {
            keyword: words.next().unwrap_or("").to_string(),
            name: words.next().map(str::to_string),
        }
    }
}

/// A name as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    /// The name.
    pub name: String,
    /// Where it is written.
    pub span: Span,
}

/// A quoted string (a label, a reason, a title).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// The text between the quotes.
    pub text: String,
    /// Where it is written, quotes included.
    pub span: Span,
}

/// One top-level statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Statement {
    /// `ruleset name "title"`
    Ruleset {
        /// The ruleset's name.
        name: Ident,
        /// Its title.
        title: Option<Text>,
        /// The whole statement.
        span: Span,
    },
    /// `version "2026.11"`, or `version "2026.12" from 2026-12-01`: the statements
    /// after a dated version change the earlier one from that date.
    Version(Text, Option<Literal>, Span),
    /// `currency CNY`
    Currency(Ident, Span),
    /// `unit PTS "积分 / Points"`: a unit of amounts other than money.
    Unit(Ident, Option<Text>, Span),
    /// `key agent_id`, or `key agent_id, month`.
    Key(Vec<Ident>, Span),
    /// `period month from date`: the column that places each row in a month.
    Period(Ident, Span),
    /// `input name type range "label"`
    Input(InputDecl),
    /// `let`, `score`, `bonus` or `deduction`.
    Item(ItemDecl),
    /// `veto "reason" when condition : target = value`
    Veto(VetoDecl),
    /// `grade name by subject` with its rows.
    Grade(GradeDecl),
    /// `output name = value`
    Output(OutputDecl),
    /// `fixture name "label"` with rows `input = value`.
    Fixture(FixtureDecl),
    /// `test name "label" from fixture` with rows `input = value` and
    /// `expect name = value`.
    Test(TestDecl),
}

impl Statement {
    /// Every expression written directly in the statement (not their sub-expressions).
    pub fn exprs(&self) -> Vec<&Expr> {
        match self {
            Statement::Item(item) => item.exprs(),
            Statement::Veto(v) => vec![&v.condition, &v.value],
            Statement::Grade(g) => g.exprs(),
            Statement::Output(o) => vec![&o.value],
            _ => vec![],
        }
    }
}

impl ItemDecl {
    /// Every expression written directly in the item (not their sub-expressions).
    pub fn exprs(&self) -> Vec<&Expr> {
        let mut exprs = match &self.body {
            ItemBody::Expr(e) => vec![e],
            ItemBody::Tiers(t) => {
                let mut v = vec![&t.subject];
                v.extend(t.rows.iter().map(|r| &r.value));
                v.extend(t.otherwise.iter().map(|(e, _)| e));
                v
            }
            ItemBody::Linear(l) => vec![&l.subject],
            ItemBody::Weighted(_) => vec![],
            ItemBody::Per { amount, count } => vec![amount, count],
            ItemBody::Rank(rank) => rank
                .keys
                .iter()
                .map(|k| &k.value)
                .chain(&rank.filter)
                .collect(),
            ItemBody::Share(share) => [&share.amount]
                .into_iter()
                .chain(&share.weight)
                .chain(&share.filter)
                .collect(),
            ItemBody::Pace(pace) => vec![&pace.ratio],
        };
        for clause in &self.clauses {
            match clause {
                Clause::Cap(e) | Clause::Floor(e) => exprs.push(e),
                Clause::Remainder(keys, _) => exprs.extend(keys.iter().map(|k| &k.value)),
                _ => {}
            }
        }
        exprs
    }
}

impl GradeDecl {
    /// Every expression written directly in the grade.
    pub fn exprs(&self) -> Vec<&Expr> {
        let mut exprs: Vec<&Expr> = self.subject.iter().collect();
        if let Some(d) = &self.distribution {
            exprs.extend(d.keys.iter().map(|k| &k.value));
            exprs.extend(d.small_group.as_ref().map(|s| &s.subject));
        }
        exprs
    }
}

/// The type of an input column; serialised as the rule file writes it (`percent`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InputType {
    /// A whole number of things, zero or more.
    Count,
    /// Any decimal number.
    Number,
    /// A percentage (`95%` or `0.95`).
    Percent,
    /// An amount in the ruleset's currency.
    Money,
    /// An amount in the ruleset's other unit (`unit PTS`), such as points.
    Points,
    /// Free text.
    Text,
    /// true or false.
    Bool,
    /// A day, `YYYY-MM-DD`.
    Date,
    /// A calendar month, `YYYY-MM`.
    Month,
}

impl InputType {
    /// The type as the rule file writes it: `percent`, `money`.
    pub fn keyword(self) -> &'static str {
        match self {
            InputType::Count => "count",
            InputType::Number => "number",
            InputType::Percent => "percent",
            InputType::Money => "money",
            InputType::Points => "points",
            InputType::Text => "text",
            InputType::Bool => "bool",
            InputType::Date => "date",
            InputType::Month => "month",
        }
    }
}

/// `input name type range "label"`
#[derive(Debug, Clone, PartialEq)]
pub struct InputDecl {
    /// Column name.
    pub name: Ident,
    /// Declared type.
    pub ty: InputType,
    /// Where the type is written.
    pub ty_span: Span,
    /// `optional`: an empty cell is a missing value rather than an error.
    pub optional: bool,
    /// `better higher` (true) or `better lower` (false): an input the agent controls,
    /// and which way is better for them.
    pub better: Option<bool>,
    /// Inclusive lower and upper bounds.
    pub range: Option<(Literal, Literal)>,
    /// Bilingual label.
    pub label: Option<Text>,
    /// The whole statement.
    pub span: Span,
}

/// `by week` or `by day`: an item computed for each slice of the record's month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slicing {
    /// Each ISO week, clipped to the month.
    Week,
    /// Each day.
    Day,
}

/// What kind of item a definition introduces; it changes only how it is explained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// A derived value (`let`).
    Let,
    /// A scored item (`score`).
    Score,
    /// An amount added (`bonus`, 加分项).
    Bonus,
    /// An amount taken off (`deduction`, 扣分项).
    Deduction,
    /// A month-to-date warning (`warning`, 绩效预警).
    Warning,
}

/// `kind name "label" = body, clauses`
#[derive(Debug, Clone, PartialEq)]
pub struct ItemDecl {
    /// let, score, bonus or deduction.
    pub kind: ItemKind,
    /// The item's name.
    pub name: Ident,
    /// Bilingual label.
    pub label: Option<Text>,
    /// `over team`: the column whose groups the item is computed for.
    pub over: Option<Ident>,
    /// `by week`: computed for each week (or day) of the month, with its span.
    pub slicing: Option<(Slicing, Span)>,
    /// How it is computed.
    pub body: ItemBody,
    /// `when zero`, `cap`, `floor`.
    pub clauses: Vec<Clause>,
    /// The whole statement.
    pub span: Span,
}

/// How an item is computed.
#[derive(Debug, Clone, PartialEq)]
pub enum ItemBody {
    /// A plain expression.
    Expr(Expr),
    /// A tier table.
    Tiers(TierTable),
    /// Linear interpolation between points.
    Linear(Linear),
    /// A weighted sum.
    Weighted(Weighted),
    /// `amount per count`.
    Per {
        /// The amount for one.
        amount: Expr,
        /// How many.
        count: Expr,
    },
    /// `rank x highest first within team` or `percentile ...`.
    Rank(RankBody),
    /// `share amount within team by weight`.
    Share(ShareBody),
    /// `answered / offered >= 90% by month end`.
    Pace(PaceBody),
}

/// `answered / offered >= 90% by month end`: a ratio of month-to-date sums and the
/// target it should reach by the end of the month.
#[derive(Debug, Clone, PartialEq)]
pub struct PaceBody {
    /// The ratio.
    pub ratio: Expr,
    /// `>=` or `>`.
    pub op: CmpOp,
    /// The target.
    pub target: Literal,
    /// The body as written.
    pub span: Span,
}

/// An amount shared among a group's members to the fen.
#[derive(Debug, Clone, PartialEq)]
pub struct ShareBody {
    /// The amount shared, the same for every member of a group.
    pub amount: Expr,
    /// The column whose groups share.
    pub within: Ident,
    /// Each member's weight; equal shares without one.
    pub weight: Option<Expr>,
    /// Which members share.
    pub filter: Option<Expr>,
    /// The body as written.
    pub span: Span,
}

/// A rank or percentile among the members of a group or of every record.
#[derive(Debug, Clone, PartialEq)]
pub struct RankBody {
    /// `percentile` rather than `rank`.
    pub percentile: bool,
    /// The order, best first.
    pub keys: Vec<SortKey>,
    /// The column whose groups are ranked apart; `None` ranks every record together.
    pub within: Option<Ident>,
    /// Which members take part.
    pub filter: Option<Expr>,
    /// The body as written.
    pub span: Span,
}

/// `total_score highest first`
#[derive(Debug, Clone, PartialEq)]
pub struct SortKey {
    /// The value ordered by.
    pub value: Expr,
    /// Highest first, rather than lowest first.
    pub highest_first: bool,
}

/// How a rank treats members that tie on every sort key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TiePolicy {
    /// Competition ranks: 1, 2, 2, 4.
    Shared,
    /// Dense ranks: 1, 2, 2, 3.
    Dense,
    /// No ties allowed: a tie left after every key is an error.
    Strict,
}

impl TiePolicy {
    /// The word it is written with.
    pub fn word(self) -> &'static str {
        match self {
            TiePolicy::Shared => "shared",
            TiePolicy::Dense => "dense",
            TiePolicy::Strict => "strict",
        }
    }
}

/// The reductions over a group's members.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggregateFn {
    /// `sum(x)`
    Sum,
    /// `count()`, `count(where c)`
    Count,
    /// `mean(x)`
    Mean,
    /// `min(x)`
    Min,
    /// `max(x)`
    Max,
}

impl AggregateFn {
    /// The name it is written with.
    pub fn name(self) -> &'static str {
        match self {
            AggregateFn::Sum => "sum",
            AggregateFn::Count => "count",
            AggregateFn::Mean => "mean",
            AggregateFn::Min => "min",
            AggregateFn::Max => "max",
        }
    }
}

/// `sum(x where c, when empty v)`
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregate {
    /// The reduction.
    pub func: AggregateFn,
    /// The member value reduced; `None` for `count`.
    pub value: Option<Box<Expr>>,
    /// Which members count.
    pub filter: Option<Box<Expr>>,
    /// The value when no member counts.
    pub when_empty: Option<Literal>,
}

/// `distribute keys within team, slots half_up` with share rows and a small-group rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Distribution {
    /// The order, best first.
    pub keys: Vec<SortKey>,
    /// The column whose groups are distributed.
    pub within: Ident,
    /// The rounding mode of the slots.
    pub slots: Ident,
    /// `20% : A coefficient 1.2`, best grade first.
    pub shares: Vec<ShareRow>,
    /// Fixed bands for groups under a size.
    pub small_group: Option<SmallGroup>,
    /// From `distribute` to the slots' mode.
    pub span: Span,
}

/// `20% : A coefficient 1.2`
#[derive(Debug, Clone, PartialEq)]
pub struct ShareRow {
    /// The share of the group, a percentage.
    pub share: Literal,
    /// The grade's label.
    pub grade: Ident,
    /// Its coefficient.
    pub coefficient: Option<Literal>,
    /// The whole row.
    pub span: Span,
}

/// `under 5 members by total_score` with grade rows.
#[derive(Debug, Clone, PartialEq)]
pub struct SmallGroup {
    /// Groups with fewer members than this take the bands.
    pub under: Literal,
    /// The score graded.
    pub subject: Expr,
    /// Bands in order.
    pub rows: Vec<GradeRow>,
    /// The `else` band.
    pub otherwise: Option<GradeRow>,
    /// The `under ... by ...` line.
    pub span: Span,
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `>=`
    Ge,
    /// `>`
    Gt,
    /// `<=`
    Le,
    /// `<`
    Lt,
    /// `==`
    Eq,
    /// `!=`
    Ne,
}

impl CmpOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Ge => ">=",
            CmpOp::Gt => ">",
            CmpOp::Le => "<=",
            CmpOp::Lt => "<",
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
        }
    }
}

/// `tiers subject` with rows `>= 95% : 100` and `else : 0`.
#[derive(Debug, Clone, PartialEq)]
pub struct TierTable {
    /// The value looked up.
    pub subject: Expr,
    /// Rows in the order written; the first that matches wins.
    pub rows: Vec<TierRow>,
    /// The `else` row's value and span.
    pub otherwise: Option<(Expr, Span)>,
    /// Where `tiers` is written.
    pub keyword_span: Span,
}

/// `>= 95% : 100`
#[derive(Debug, Clone, PartialEq)]
pub struct TierRow {
    /// The comparison.
    pub op: CmpOp,
    /// The threshold.
    pub threshold: Literal,
    /// The value when the row matches.
    pub value: Expr,
    /// The whole row.
    pub span: Span,
}

/// `linear subject from 80% : 0 to 100% : 100`
#[derive(Debug, Clone, PartialEq)]
pub struct Linear {
    /// The value interpolated.
    pub subject: Expr,
    /// `(x, y)` points, at least two.
    pub points: Vec<(Literal, Literal)>,
    /// Where `linear` is written.
    pub keyword_span: Span,
}

/// `weighted` with rows `name 35%`.
#[derive(Debug, Clone, PartialEq)]
pub struct Weighted {
    /// The parts and their weights.
    pub rows: Vec<WeightRow>,
    /// Where `weighted` is written.
    pub keyword_span: Span,
}

/// `answer_score 35%`
#[derive(Debug, Clone, PartialEq)]
pub struct WeightRow {
    /// The part.
    pub item: Ident,
    /// Its weight, a percentage.
    pub weight: Literal,
}

/// A clause after an item's body.
#[derive(Debug, Clone, PartialEq)]
pub enum Clause {
    /// `when zero 100%` or `when zero error`: what a division by zero gives.
    WhenZero(Option<Literal>, Span),
    /// `cap 300 CNY`: the most the item may be.
    Cap(Expr),
    /// `floor 0`: the least the item may be.
    Floor(Expr),
    /// `ties shared`: how a rank treats ties.
    Ties(TiePolicy, Span),
    /// `when excluded 0`: what a rank gives a record its filter leaves out.
    WhenExcluded(Literal, Span),
    /// `remainder agent_id lowest first`: who gets the fens left over, one each.
    Remainder(Vec<SortKey>, Span),
}

/// `veto name "reason" when condition : target = value`
#[derive(Debug, Clone, PartialEq)]
pub struct VetoDecl {
    /// Optional name.
    pub name: Option<Ident>,
    /// The reason shown in the explanation.
    pub reason: Text,
    /// When it fires.
    pub condition: Expr,
    /// The item it overrides.
    pub target: Ident,
    /// The value the target takes.
    pub value: Expr,
    /// The whole statement.
    pub span: Span,
}

/// `grade name "label" by subject` with rows `>= 90 : S coefficient 1.2`.
#[derive(Debug, Clone, PartialEq)]
pub struct GradeDecl {
    /// The grade's name.
    pub name: Ident,
    /// Bilingual label.
    pub label: Option<Text>,
    /// The score graded; `None` for a distribution.
    pub subject: Option<Expr>,
    /// Bands in order; the first that matches wins.
    pub rows: Vec<GradeRow>,
    /// The `else` band.
    pub otherwise: Option<GradeRow>,
    /// Grades by share of a group, instead of bands.
    pub distribution: Option<Box<Distribution>>,
    /// The whole statement.
    pub span: Span,
}

/// `>= 90 : S coefficient 1.2`; the `else` band has no comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct GradeRow {
    /// The comparison and threshold; `None` for `else`.
    pub test: Option<(CmpOp, Literal)>,
    /// The grade's label.
    pub grade: Ident,
    /// Its coefficient.
    pub coefficient: Option<Literal>,
    /// The whole row.
    pub span: Span,
}

/// `output name "label" = value`
#[derive(Debug, Clone, PartialEq)]
pub struct OutputDecl {
    /// The output column's name.
    pub name: Ident,
    /// Bilingual label.
    pub label: Option<Text>,
    /// Its value.
    pub value: Expr,
    /// The whole statement.
    pub span: Span,
}

/// A literal value.
#[derive(Debug, Clone, PartialEq)]
pub struct Literal {
    /// What it is.
    pub kind: LiteralKind,
    /// Where it is written.
    pub span: Span,
}

/// The kinds of literal.
#[derive(Debug, Clone, PartialEq)]
pub enum LiteralKind {
    /// `12`, `0.5`
    Number(Decimal),
    /// `95%`, holding 95.
    Percent(Decimal),
    /// `50 CNY` or `¥50`.
    Money(Decimal, String),
    /// `"T1"`
    Text(String),
    /// `true`, `false`
    Bool(bool),
    /// `2026-11-15`, as written (read against the calendar by the checker).
    Date(String),
    /// `none`: no value.
    None,
}

/// An expression with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it is written.
    pub span: Span,
}

/// Arithmetic and logic operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `and`
    And,
    /// `or`
    Or,
    /// A comparison.
    Cmp(CmpOp),
}

impl BinOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::And => "and",
            BinOp::Or => "or",
            BinOp::Cmp(op) => op.symbol(),
        }
    }
}

/// The kinds of expression.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A literal.
    Literal(Literal),
    /// A name.
    Name(Ident),
    /// `level.coefficient`
    Field(Box<Expr>, Ident),
    /// `round(x, 2, half_up)`, `min(a, b)`.
    Call(Ident, Vec<Expr>),
    /// `sum(x where c)`: a reduction over a group's members.
    Aggregate(Aggregate),
    /// `-x`
    Neg(Box<Expr>),
    /// `not x`
    Not(Box<Expr>),
    /// `a op b`
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `if c then a else b`
    If(Box<Expr>, Box<Expr>, Box<Expr>),
}

/// `fixture name "label"`: a named record that test cases start from.
#[derive(Debug, Clone, PartialEq)]
pub struct FixtureDecl {
    /// The fixture's name.
    pub name: Ident,
    /// What it stands for.
    pub label: Option<Text>,
    /// Its inputs, `input = value`; never expectations.
    pub rows: Vec<CaseRow>,
    /// The whole statement.
    pub span: Span,
}

/// `test name "label" from fixture`: one case, with its inputs and expectations.
#[derive(Debug, Clone, PartialEq)]
pub struct TestDecl {
    /// The case's name.
    pub name: Ident,
    /// What it tests.
    pub label: Option<Text>,
    /// The fixture whose inputs it starts from.
    pub from: Option<Ident>,
    /// Inputs given and values expected, in the order written.
    pub rows: Vec<CaseRow>,
    /// The whole statement.
    pub span: Span,
}

/// `calls_answered = 900` or `expect payout = 620.03`.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseRow {
    /// Whether the row expects a value (`expect`) rather than gives an input.
    pub expect: bool,
    /// The input, item or output named.
    pub name: Ident,
    /// The value given or expected.
    pub value: CaseValue,
    /// The whole row.
    pub span: Span,
}

/// A value in a test row.
#[derive(Debug, Clone, PartialEq)]
pub enum CaseValue {
    /// A number, percentage, amount, text or true/false.
    Literal(Literal),
    /// A grade's label, such as `A`.
    Name(Ident),
}

impl CaseValue {
    /// Where the value is written.
    pub fn span(&self) -> Span {
        match self {
            CaseValue::Literal(l) => l.span,
            CaseValue::Name(i) => i.span,
        }
    }
}
