//! Maps pest pairs to the syntax tree: one `build_*` function per grammar rule.
//! No later stage sees a pest type.

use pest::iterators::Pair;
use rust_decimal::Decimal;

use super::ast::*;
use super::grammar::Rule;
use super::keywords::Role;
use super::limits::{MAX_CHAIN, too_deep};
use crate::diagnostic::{Diagnostic, Span, codes};

type Result<T> = std::result::Result<T, Box<Diagnostic>>;

/// Builds syntax nodes from pairs of one statement whose text starts at `offset` in
/// the file.
pub(super) struct Builder {
    pub offset: usize,
}

impl Builder {
    /// The pair's span without the whitespace and comments pest lets a rule end with,
    /// so carets stop at the last token.
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        let len = content_len(pair.as_str());
        Span::new(self.offset + s.start(), self.offset + s.start() + len)
    }

    fn ident(&self, pair: Pair<'_, Rule>) -> Ident {
        Ident {
            name: pair.as_str().to_string(),
            span: self.span(&pair),
        }
    }

    fn text(&self, pair: Pair<'_, Rule>) -> Text {
        let span = self.span(&pair);
        let inner = pair.into_inner().next().map_or("", |p| p.as_str());
        Text {
            text: inner.to_string(),
            span,
        }
    }

    pub fn statement(&self, pair: Pair<'_, Rule>) -> Result<Statement> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut inner = pair.into_inner().filter(|p| !is_keyword(p.as_rule()));
        let mut next = || inner.next().ok_or_else(|| internal(span));
        Ok(match rule {
            Rule::ruleset_decl => {
                let name = self.ident(next()?);
                let title = next().ok().map(|p| self.text(p));
                Statement::Ruleset { name, title, span }
            }
            Rule::version_decl => {
                let name = self.text(next()?);
                let from = next().ok().map(|p| self.literal(p)).transpose()?;
                Statement::Version(name, from, span)
            }
            Rule::currency_decl => Statement::Currency(self.ident(next()?), span),
            Rule::unit_decl => {
                let code = self.ident(next()?);
                let label = next().ok().map(|p| self.text(p));
                Statement::Unit(code, label, span)
            }
            Rule::key_decl => Statement::Key(inner.map(|p| self.ident(p)).collect(), span),
            Rule::period_decl => {
                let column = inner
                    .find(|p| p.as_rule() == Rule::ident)
                    .ok_or_else(|| internal(span))?;
                Statement::Period(self.ident(column), span)
            }
            Rule::input_decl => {
                let name = self.ident(next()?);
                let ty_pair = next()?;
                let ty_span = self.span(&ty_pair);
                let ty = input_type(ty_pair.as_str());
                let mut range = None;
                let mut label = None;
                let mut optional = false;
                let mut better = None;
                for part in inner {
                    match part.as_rule() {
                        Rule::optional => optional = true,
                        Rule::better => better = Some(part.as_str().ends_with("higher")),
                        Rule::range => {
                            let mut bounds = part.into_inner();
                            let low =
                                self.signed_literal(bounds.next().ok_or_else(|| internal(span))?)?;
                            let high =
                                self.signed_literal(bounds.next().ok_or_else(|| internal(span))?)?;
                            range = Some((low, high));
                        }
                        _ => label = Some(self.text(part)),
                    }
                }
                Statement::Input(InputDecl {
                    name,
                    ty,
                    ty_span,
                    optional,
                    better,
                    range,
                    label,
                    span,
                })
            }
            Rule::item_decl => Statement::Item(self.item(span, next()?, inner)?),
            Rule::veto_decl => {
                let mut parts: Vec<_> = inner.collect();
                let name = if parts.first().map(|p| p.as_rule()) == Some(Rule::ident) {
                    Some(self.ident(parts.remove(0)))
                } else {
                    None
                };
                let [reason, condition, target, value] =
                    <[_; 4]>::try_from(parts).map_err(|_| internal(span))?;
                Statement::Veto(VetoDecl {
                    name,
                    reason: self.text(reason),
                    condition: self.expr(condition)?,
                    target: self.ident(target),
                    value: self.expr(value)?,
                    span,
                })
            }
            Rule::grade_decl => {
                let name = self.ident(next()?);
                let mut label = None;
                let mut subject = None;
                let mut rows = Vec::new();
                let mut otherwise = None;
                let mut distribution = None;
                for part in inner {
                    match part.as_rule() {
                        Rule::string => label = Some(self.text(part)),
                        Rule::grade_row => rows.push(self.grade_row(part)?),
                        Rule::grade_else => otherwise = Some(self.grade_row(part)?),
                        Rule::distribution => {
                            distribution = Some(Box::new(self.distribution(part)?))
                        }
                        _ => subject = Some(self.expr(part)?),
                    }
                }
                if subject.is_none() && distribution.is_none() {
                    return Err(internal(span));
                }
                Statement::Grade(GradeDecl {
                    name,
                    label,
                    subject,
                    rows,
                    otherwise,
                    distribution,
                    span,
                })
            }
            Rule::output_decl => {
                let name = self.ident(next()?);
                let mut label = None;
                let mut value = None;
                for part in inner {
                    match part.as_rule() {
                        Rule::string => label = Some(self.text(part)),
                        _ => value = Some(self.expr(part)?),
                    }
                }
                Statement::Output(OutputDecl {
                    name,
                    label,
                    value: value.ok_or_else(|| internal(span))?,
                    span,
                })
            }
            Rule::fixture_decl => {
                let name = self.ident(next()?);
                let (label, _, rows) = self.case_parts(inner, span)?;
                Statement::Fixture(FixtureDecl {
                    name,
                    label,
                    rows,
                    span,
                })
            }
            Rule::test_decl => {
                let name = self.ident(next()?);
                let (label, from, rows) = self.case_parts(inner, span)?;
                Statement::Test(TestDecl {
                    name,
                    label,
                    from,
                    rows,
                    span,
                })
            }
            _ => return Err(internal(span)),
        })
    }

    /// The label, `from` fixture and rows of a fixture or test case.
    fn case_parts<'a>(
        &self,
        parts: impl Iterator<Item = Pair<'a, Rule>>,
        span: Span,
    ) -> Result<(Option<Text>, Option<Ident>, Vec<CaseRow>)> {
        let mut label = None;
        let mut from = None;
        let mut rows = Vec::new();
        for part in parts {
            match part.as_rule() {
                Rule::string => label = Some(self.text(part)),
                Rule::from_fixture => from = Some(self.ident(last_inner(part, span)?)),
                rule => {
                    let row_span = self.span(&part);
                    let mut it = part.into_inner().filter(|p| !is_keyword(p.as_rule()));
                    let name = self.ident(it.next().ok_or_else(|| internal(span))?);
                    let value = it.next().ok_or_else(|| internal(span))?;
                    let value = last_inner(value, span)?;
                    let value = match value.as_rule() {
                        Rule::ident => CaseValue::Name(self.ident(value)),
                        Rule::signed_literal | Rule::none_value => {
                            CaseValue::Literal(self.given_value(value)?)
                        }
                        Rule::boolean => CaseValue::Literal(Literal {
                            span: self.span(&value),
                            kind: LiteralKind::Bool(value.as_str() == "true"),
                        }),
                        _ => CaseValue::Literal(self.literal(value)?),
                    };
                    rows.push(CaseRow {
                        expect: rule == Rule::expect_row,
                        name,
                        value,
                        span: row_span,
                    });
                }
            }
        }
        Ok((label, from, rows))
    }

    fn item<'a>(
        &self,
        span: Span,
        kind: Pair<'a, Rule>,
        rest: impl Iterator<Item = Pair<'a, Rule>>,
    ) -> Result<ItemDecl> {
        let kind = match kind.as_str() {
            "let" => ItemKind::Let,
            "score" => ItemKind::Score,
            "bonus" => ItemKind::Bonus,
            "warning" => ItemKind::Warning,
            _ => ItemKind::Deduction,
        };
        let mut name = None;
        let mut label = None;
        let mut over = None;
        let mut slicing = None;
        let mut body = None;
        let mut clauses = Vec::new();
        for part in rest {
            match part.as_rule() {
                Rule::ident if name.is_none() => name = Some(self.ident(part)),
                Rule::string if body.is_none() => label = Some(self.text(part)),
                Rule::over_group => over = Some(self.ident(last_inner(part, span)?)),
                Rule::slice_by => {
                    let by = if part.as_str().ends_with("day") {
                        Slicing::Day
                    } else {
                        Slicing::Week
                    };
                    slicing = Some((by, self.span(&part)));
                }
                Rule::ties_clause => {
                    let clause_span = self.span(&part);
                    let policy = match last_inner(part, span)?.as_str() {
                        "shared" => TiePolicy::Shared,
                        "dense" => TiePolicy::Dense,
                        _ => TiePolicy::Strict,
                    };
                    clauses.push(Clause::Ties(policy, clause_span));
                }
                Rule::remainder_clause => {
                    let clause_span = self.span(&part);
                    let keys = self.sort_keys(last_inner(part, span)?)?;
                    clauses.push(Clause::Remainder(keys, clause_span));
                }
                Rule::when_excluded => {
                    let clause_span = self.span(&part);
                    let value = self.given_value(last_inner(part, span)?)?;
                    clauses.push(Clause::WhenExcluded(value, clause_span));
                }
                Rule::when_zero => {
                    let clause_span = self.span(&part);
                    let value = part
                        .into_inner()
                        .find(|p| matches!(p.as_rule(), Rule::signed_literal | Rule::none_value))
                        .map(|p| self.given_value(p))
                        .transpose()?;
                    clauses.push(Clause::WhenZero(value, clause_span));
                }
                Rule::cap_clause => clauses.push(Clause::Cap(self.expr(last_inner(part, span)?)?)),
                Rule::floor_clause => {
                    clauses.push(Clause::Floor(self.expr(last_inner(part, span)?)?))
                }
                _ => body = Some(self.item_body(part)?),
            }
        }
        Ok(ItemDecl {
            kind,
            name: name.ok_or_else(|| internal(span))?,
            label,
            over,
            slicing,
            body: body.ok_or_else(|| internal(span))?,
            clauses,
            span,
        })
    }

    fn item_body(&self, pair: Pair<'_, Rule>) -> Result<ItemBody> {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::tiers_body => {
                let mut keyword_span = span;
                let mut subject = None;
                let mut rows = Vec::new();
                let mut otherwise = None;
                for part in pair.into_inner() {
                    match part.as_rule() {
                        Rule::kw_tiers => keyword_span = self.span(&part),
                        Rule::tier_row => {
                            let row_span = self.span(&part);
                            let mut it = part.into_inner().filter(|p| !is_keyword(p.as_rule()));
                            let op = cmp_op(it.next().ok_or_else(|| internal(span))?.as_str());
                            let threshold =
                                self.signed_literal(it.next().ok_or_else(|| internal(span))?)?;
                            let value = self.expr(it.next().ok_or_else(|| internal(span))?)?;
                            rows.push(TierRow {
                                op,
                                threshold,
                                value,
                                span: row_span,
                            });
                        }
                        Rule::else_row => {
                            let row_span = self.span(&part);
                            otherwise = Some((self.expr(last_inner(part, span)?)?, row_span));
                        }
                        _ => subject = Some(self.expr(part)?),
                    }
                }
                Ok(ItemBody::Tiers(TierTable {
                    subject: subject.ok_or_else(|| internal(span))?,
                    rows,
                    otherwise,
                    keyword_span,
                }))
            }
            Rule::linear_body => {
                let mut subject = None;
                let mut points = Vec::new();
                let mut keyword_span = span;
                for part in pair.into_inner() {
                    match part.as_rule() {
                        Rule::kw_linear => keyword_span = self.span(&part),
                        rule if is_keyword(rule) => {}
                        Rule::linear_point => {
                            let mut it = part.into_inner().filter(|p| !is_keyword(p.as_rule()));
                            let x =
                                self.signed_literal(it.next().ok_or_else(|| internal(span))?)?;
                            let y =
                                self.signed_literal(it.next().ok_or_else(|| internal(span))?)?;
                            points.push((x, y));
                        }
                        _ => subject = Some(self.expr(part)?),
                    }
                }
                Ok(ItemBody::Linear(Linear {
                    subject: subject.ok_or_else(|| internal(span))?,
                    points,
                    keyword_span,
                }))
            }
            Rule::weighted_body => {
                let mut keyword_span = span;
                let mut rows = Vec::new();
                for part in pair.into_inner() {
                    match part.as_rule() {
                        Rule::kw_weighted => keyword_span = self.span(&part),
                        _ => {
                            let mut it = part.into_inner();
                            let item = self.ident(it.next().ok_or_else(|| internal(span))?);
                            let weight = self.literal(it.next().ok_or_else(|| internal(span))?)?;
                            rows.push(WeightRow { item, weight });
                        }
                    }
                }
                Ok(ItemBody::Weighted(Weighted { rows, keyword_span }))
            }
            Rule::per_body => {
                let mut it = pair.into_inner().filter(|p| !is_keyword(p.as_rule()));
                let amount = self.expr(it.next().ok_or_else(|| internal(span))?)?;
                let count = self.expr(it.next().ok_or_else(|| internal(span))?)?;
                Ok(ItemBody::Per { amount, count })
            }
            Rule::pace_body => {
                let mut parts = pair.into_inner().filter(|p| !is_keyword(p.as_rule()));
                let mut next = || parts.next().ok_or_else(|| internal(span));
                let ratio = self.expr(next()?)?;
                let op = cmp_op(next()?.as_str());
                let target = self.signed_literal(next()?)?;
                Ok(ItemBody::Pace(PaceBody {
                    ratio,
                    op,
                    target,
                    span,
                }))
            }
            Rule::rank_body => {
                let mut percentile = false;
                let mut keys = Vec::new();
                let mut within = None;
                let mut filter = None;
                for part in pair.into_inner() {
                    match part.as_rule() {
                        Rule::kw_percentile => percentile = true,
                        Rule::sort_keys => keys = self.sort_keys(part)?,
                        Rule::within => within = Some(self.ident(last_inner(part, span)?)),
                        Rule::member_filter => filter = Some(self.expr(last_inner(part, span)?)?),
                        _ => {}
                    }
                }
                Ok(ItemBody::Rank(RankBody {
                    percentile,
                    keys,
                    within,
                    filter,
                    span,
                }))
            }
            Rule::share_body => {
                let mut parts = pair.into_inner().filter(|p| !is_keyword(p.as_rule()));
                let amount = self.expr(parts.next().ok_or_else(|| internal(span))?)?;
                let mut within = None;
                let mut weight = None;
                let mut filter = None;
                for part in parts {
                    match part.as_rule() {
                        Rule::within => within = Some(self.ident(last_inner(part, span)?)),
                        Rule::member_filter => filter = Some(self.expr(last_inner(part, span)?)?),
                        _ => weight = Some(self.expr(part)?),
                    }
                }
                Ok(ItemBody::Share(ShareBody {
                    amount,
                    within: within.ok_or_else(|| internal(span))?,
                    weight,
                    filter,
                    span,
                }))
            }
            _ => Ok(ItemBody::Expr(self.expr(pair)?)),
        }
    }

    fn sort_keys(&self, pair: Pair<'_, Rule>) -> Result<Vec<SortKey>> {
        let span = self.span(&pair);
        let mut keys = Vec::new();
        for key in pair.into_inner().filter(|p| p.as_rule() == Rule::sort_key) {
            let mut parts = key.into_inner();
            let value = self.expr(parts.next().ok_or_else(|| internal(span))?)?;
            let direction = parts.next().ok_or_else(|| internal(span))?;
            let highest_first = direction.as_str().starts_with("highest");
            keys.push(SortKey {
                value,
                highest_first,
            });
        }
        Ok(keys)
    }

    fn distribution(&self, pair: Pair<'_, Rule>) -> Result<Distribution> {
        let span = self.span(&pair);
        let mut keys = Vec::new();
        let mut within = None;
        let mut slots = None;
        let mut shares = Vec::new();
        let mut small_group = None;
        let mut header_end = span.end;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::sort_keys => keys = self.sort_keys(part)?,
                Rule::within => within = Some(self.ident(last_inner(part, span)?)),
                Rule::ident => {
                    header_end = self.span(&part).end;
                    slots = Some(self.ident(part));
                }
                Rule::share_row => {
                    let row_span = self.span(&part);
                    let mut share = None;
                    let mut grade = None;
                    let mut coefficient = None;
                    for p in part.into_inner() {
                        match p.as_rule() {
                            Rule::percent => share = Some(self.literal(p)?),
                            Rule::ident => grade = Some(self.ident(p)),
                            Rule::coefficient => {
                                coefficient = Some(self.signed_literal(last_inner(p, span)?)?)
                            }
                            _ => {}
                        }
                    }
                    shares.push(ShareRow {
                        share: share.ok_or_else(|| internal(span))?,
                        grade: grade.ok_or_else(|| internal(span))?,
                        coefficient,
                        span: row_span,
                    });
                }
                Rule::small_group => {
                    let mut under = None;
                    let mut subject = None;
                    let mut rows = Vec::new();
                    let mut otherwise = None;
                    let mut line_end = span.end;
                    let line_start = self.span(&part).start;
                    for p in part.into_inner() {
                        match p.as_rule() {
                            Rule::number => under = Some(self.literal(p)?),
                            Rule::grade_row => rows.push(self.grade_row(p)?),
                            Rule::grade_else => otherwise = Some(self.grade_row(p)?),
                            rule if is_keyword(rule) => {}
                            _ => {
                                let e = self.expr(p)?;
                                line_end = e.span.end;
                                subject = Some(e);
                            }
                        }
                    }
                    small_group = Some(SmallGroup {
                        under: under.ok_or_else(|| internal(span))?,
                        subject: subject.ok_or_else(|| internal(span))?,
                        rows,
                        otherwise,
                        span: Span::new(line_start, line_end),
                    });
                }
                _ => {}
            }
        }
        Ok(Distribution {
            keys,
            within: within.ok_or_else(|| internal(span))?,
            slots: slots.ok_or_else(|| internal(span))?,
            shares,
            small_group,
            span: Span::new(span.start, header_end),
        })
    }

    fn grade_row(&self, pair: Pair<'_, Rule>) -> Result<GradeRow> {
        let span = self.span(&pair);
        let mut op = None;
        let mut threshold = None;
        let mut grade = None;
        let mut coefficient = None;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::cmp_op => op = Some(cmp_op(part.as_str())),
                Rule::signed_literal => threshold = Some(self.signed_literal(part)?),
                Rule::ident => grade = Some(self.ident(part)),
                Rule::coefficient => {
                    coefficient = Some(self.signed_literal(last_inner(part, span)?)?)
                }
                _ => {}
            }
        }
        let test = match (op, threshold) {
            (Some(op), Some(t)) => Some((op, t)),
            _ => None,
        };
        Ok(GradeRow {
            test,
            grade: grade.ok_or_else(|| internal(span))?,
            coefficient,
            span,
        })
    }

    // ------------------------------------------------------------ expressions

    /// Builds any expression-level rule. Every stage after this one recurses once per
    /// node, so this one keeps to one small frame per node as well: the grammar's
    /// layers are passed through in a loop ([`Builder::through_layers`]), each kind
    /// of node is built by a function of its own, and chains of operators fold
    /// iteratively, so a long flat expression costs no stack.
    pub fn expr(&self, pair: Pair<'_, Rule>) -> Result<Expr> {
        let (pair, group) = self.through_layers(pair);
        let built = match pair.as_rule() {
            Rule::or_expr | Rule::and_expr | Rule::arith | Rule::term | Rule::comparison => {
                self.chain(pair)
            }
            Rule::not_expr | Rule::unary => self.prefixed(pair),
            Rule::postfix => self.field(pair),
            Rule::call => self.call(pair),
            Rule::aggregate => self.aggregate(pair),
            Rule::if_expr => self.if_expr(pair),
            _ => self.leaf(pair),
        }?;
        // A parenthesised group spans its parentheses, so that a formula that starts
        // or ends with one is shown (and formatted) whole.
        Ok(match group {
            Some(span) => Expr { span, ..built },
            None => built,
        })
    }

    /// Walks down the layers of the expression grammar (`expr`, `or_expr`, ...,
    /// `postfix`) while each holds a single part, as it does wherever no operator is
    /// written: `(x)` is ten layers deep. Returns the first pair that is more than a
    /// layer, and the span of the outermost parenthesised group passed, if any.
    fn through_layers<'i>(&self, mut pair: Pair<'i, Rule>) -> (Pair<'i, Rule>, Option<Span>) {
        let mut group = None;
        loop {
            let layer = matches!(
                pair.as_rule(),
                Rule::expr
                    | Rule::or_expr
                    | Rule::and_expr
                    | Rule::not_expr
                    | Rule::comparison
                    | Rule::arith
                    | Rule::term
                    | Rule::unary
                    | Rule::postfix
            );
            if !layer {
                return (pair, group);
            }
            let mut parts = pair.clone().into_inner();
            let (Some(only), None) = (parts.next(), parts.next()) else {
                return (pair, group);
            };
            if pair.as_rule() == Rule::postfix && group.is_none() {
                group = Some(self.span(&pair));
            }
            pair = only;
        }
    }

    /// `a + b - c`, `x and y`: a chain of operators of one precedence, folded to the
    /// left.
    fn chain(&self, pair: Pair<'_, Rule>) -> Result<Expr> {
        let span = self.span(&pair);
        let mut parts = pair.into_inner();
        let mut left = self.expr(parts.next().ok_or_else(|| internal(span))?)?;
        let mut chain = 0;
        while let Some(op_pair) = parts.next() {
            chain += 1;
            if chain > MAX_CHAIN {
                let message = format!("this formula chains more than {MAX_CHAIN} operators");
                return Err(too_deep(self.span(&op_pair), message));
            }
            let op = match op_pair.as_rule() {
                Rule::kw_or => BinOp::Or,
                Rule::kw_and => BinOp::And,
                Rule::cmp_op => BinOp::Cmp(cmp_op(op_pair.as_str())),
                _ => match op_pair.as_str() {
                    "+" => BinOp::Add,
                    "-" => BinOp::Sub,
                    "*" => BinOp::Mul,
                    _ => BinOp::Div,
                },
            };
            let right = self.expr(parts.next().ok_or_else(|| internal(span))?)?;
            let span = left.span.to(right.span);
            left = Expr {
                kind: ExprKind::Binary(op, Box::new(left), Box::new(right)),
                span,
            };
        }
        Ok(left)
    }

    /// `-x`, `not x`, `- - x`: prefix operators, applied from the innermost out.
    fn prefixed(&self, pair: Pair<'_, Rule>) -> Result<Expr> {
        let span = self.span(&pair);
        let parts: Vec<_> = pair.into_inner().collect();
        let (ops, operand) = parts.split_at(parts.len().saturating_sub(1));
        if ops.len() > MAX_CHAIN {
            let message = format!("more than {MAX_CHAIN} `-` or `not` in a row");
            return Err(too_deep(span, message));
        }
        let mut value = self.expr(operand.first().cloned().ok_or_else(|| internal(span))?)?;
        for op in ops.iter().rev() {
            let op_span = self.span(op);
            let span = op_span.to(value.span);
            let kind = if op.as_rule() == Rule::not_op {
                ExprKind::Not(Box::new(value))
            } else {
                ExprKind::Neg(Box::new(value))
            };
            value = Expr { kind, span };
        }
        Ok(value)
    }

    /// `level.coefficient`: a field of a value.
    fn field(&self, pair: Pair<'_, Rule>) -> Result<Expr> {
        let span = self.span(&pair);
        let mut parts = pair.into_inner();
        let base = self.expr(parts.next().ok_or_else(|| internal(span))?)?;
        let field = self.ident(last_inner(
            parts.next().ok_or_else(|| internal(span))?,
            span,
        )?);
        Ok(Expr {
            kind: ExprKind::Field(Box::new(base), field),
            span,
        })
    }

    /// `round(x, 2, half_up)`: a call of a function.
    fn call(&self, pair: Pair<'_, Rule>) -> Result<Expr> {
        let span = self.span(&pair);
        let mut parts = pair.into_inner();
        let name = self.ident(parts.next().ok_or_else(|| internal(span))?);
        let args = parts.map(|p| self.expr(p)).collect::<Result<Vec<_>>>()?;
        Ok(Expr {
            kind: ExprKind::Call(name, args),
            span,
        })
    }

    /// `min(a, b)`, read by the `aggregate` rule: a call of the function of that
    /// name, with the first argument and the rest.
    fn call_of_aggregate_name(&self, pair: Pair<'_, Rule>) -> Result<Expr> {
        let span = self.span(&pair);
        let mut name = None;
        let mut args = Vec::new();
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::aggregate_fn => name = Some(self.ident(part)),
                Rule::call_rest => {
                    for arg in part.into_inner() {
                        args.push(self.expr(arg)?);
                    }
                }
                _ => args.push(self.expr(part)?),
            }
        }
        Ok(Expr {
            kind: ExprKind::Call(name.ok_or_else(|| internal(span))?, args),
            span,
        })
    }

    /// `sum(x where ..., when empty 0)`: a reduction over a group's members.
    fn aggregate(&self, pair: Pair<'_, Rule>) -> Result<Expr> {
        let span = self.span(&pair);
        if pair
            .clone()
            .into_inner()
            .any(|p| p.as_rule() == Rule::call_rest)
        {
            return self.call_of_aggregate_name(pair);
        }
        let mut func = AggregateFn::Sum;
        let mut value = None;
        let mut filter = None;
        let mut when_empty = None;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::aggregate_fn => {
                    func = match part.as_str() {
                        "sum" => AggregateFn::Sum,
                        "count" => AggregateFn::Count,
                        "mean" => AggregateFn::Mean,
                        "min" => AggregateFn::Min,
                        _ => AggregateFn::Max,
                    }
                }
                Rule::member_filter => filter = Some(Box::new(self.expr(last_inner(part, span)?)?)),
                Rule::when_empty => when_empty = Some(self.given_value(last_inner(part, span)?)?),
                _ => value = Some(Box::new(self.expr(part)?)),
            }
        }
        Ok(Expr {
            kind: ExprKind::Aggregate(Aggregate {
                func,
                value,
                filter,
                when_empty,
            }),
            span,
        })
    }

    /// `if c then a else b`.
    fn if_expr(&self, pair: Pair<'_, Rule>) -> Result<Expr> {
        let span = self.span(&pair);
        let mut parts = pair.into_inner().filter(|p| !is_keyword(p.as_rule()));
        let mut next = || parts.next().ok_or_else(|| internal(span));
        let c = self.expr(next()?)?;
        let t = self.expr(next()?)?;
        let e = self.expr(next()?)?;
        Ok(Expr {
            kind: ExprKind::If(Box::new(c), Box::new(t), Box::new(e)),
            span,
        })
    }

    /// A name, `true` or `false`, or a literal.
    fn leaf(&self, pair: Pair<'_, Rule>) -> Result<Expr> {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::ident => Ok(Expr {
                kind: ExprKind::Name(self.ident(pair)),
                span,
            }),
            Rule::boolean => {
                let value = pair.as_str() == "true";
                Ok(Expr {
                    kind: ExprKind::Literal(Literal {
                        kind: LiteralKind::Bool(value),
                        span,
                    }),
                    span,
                })
            }
            _ => Ok(Expr {
                kind: ExprKind::Literal(self.literal(pair)?),
                span,
            }),
        }
    }

    // ------------------------------------------------------------ literals

    /// A signed literal, or `none`.
    fn given_value(&self, pair: Pair<'_, Rule>) -> Result<Literal> {
        match pair.as_rule() {
            Rule::signed_literal => self.signed_literal(pair),
            _ => self.literal(pair),
        }
    }

    fn signed_literal(&self, pair: Pair<'_, Rule>) -> Result<Literal> {
        let span = self.span(&pair);
        let mut parts = pair.into_inner();
        let first = parts.next().ok_or_else(|| internal(span))?;
        if first.as_rule() != Rule::neg_op {
            return self.literal(first);
        }
        let mut literal = self.literal(parts.next().ok_or_else(|| internal(span))?)?;
        literal.span = span;
        match &mut literal.kind {
            LiteralKind::Number(d) | LiteralKind::Percent(d) | LiteralKind::Money(d, _) => {
                d.set_sign_negative(true)
            }
            _ => {}
        }
        Ok(literal)
    }

    fn literal(&self, pair: Pair<'_, Rule>) -> Result<Literal> {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::number => LiteralKind::Number(self.decimal(&pair)?),
            Rule::percent => LiteralKind::Percent(self.decimal(&last_inner(pair, span)?)?),
            Rule::money => {
                let mut amount = None;
                let mut currency = String::from("CNY");
                for part in pair.into_inner() {
                    match part.as_rule() {
                        Rule::number => amount = Some(self.decimal(&part)?),
                        Rule::currency_code => currency = part.as_str().to_string(),
                        _ => {}
                    }
                }
                LiteralKind::Money(amount.ok_or_else(|| internal(span))?, currency)
            }
            Rule::string => LiteralKind::Text(self.text(pair).text),
            Rule::date => LiteralKind::Date(pair.as_str().to_string()),
            Rule::none_value => LiteralKind::None,
            _ => return Err(internal(span)),
        };
        Ok(Literal { kind, span })
    }

    fn decimal(&self, pair: &Pair<'_, Rule>) -> Result<Decimal> {
        Decimal::from_str_exact(pair.as_str()).map_err(|_| {
            Box::new(
                Diagnostic::error(
                    codes::NUMBER_TOO_LONG,
                    format!("the number {} has too many digits", pair.as_str()),
                    self.span(pair),
                )
                .with_label("more digits than can be read exactly")
                .with_hint("write at most 28 digits in all; kpi keeps every number exact"),
            )
        })
    }
}

/// The length of `text` without trailing whitespace and end-of-line comments.
fn content_len(text: &str) -> usize {
    let mut end = text.trim_end().len();
    loop {
        let line_start = text[..end].rfind('\n').map_or(0, |i| i + 1);
        match comment_start(&text[line_start..end]) {
            Some(at) => end = text[..line_start + at].trim_end().len(),
            None => return end,
        }
    }
}

/// Where a `#` comment starts in one line, outside quotes.
fn comment_start(line: &str) -> Option<usize> {
    let mut in_string = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => in_string = !in_string,
            '#' if !in_string => return Some(i),
            _ => {}
        }
    }
    None
}

fn last_inner(pair: Pair<'_, Rule>, span: Span) -> Result<Pair<'_, Rule>> {
    pair.into_inner()
        .filter(|p| !is_keyword(p.as_rule()))
        .last()
        .ok_or_else(|| internal(span))
}

fn input_type(word: &str) -> InputType {
    match word {
        "count" => InputType::Count,
        "number" => InputType::Number,
        "percent" => InputType::Percent,
        "money" => InputType::Money,
        "points" => InputType::Points,
        "text" => InputType::Text,
        "date" => InputType::Date,
        "month" => InputType::Month,
        _ => InputType::Bool,
    }
}

fn cmp_op(symbol: &str) -> CmpOp {
    match symbol {
        ">=" => CmpOp::Ge,
        ">" => CmpOp::Gt,
        "<=" => CmpOp::Le,
        "<" => CmpOp::Lt,
        "==" => CmpOp::Eq,
        _ => CmpOp::Ne,
    }
}

/// Keywords and punctuation: pairs that carry no content of their own.
fn is_keyword(rule: Rule) -> bool {
    matches!(rule, Rule::colon | Rule::equals)
        || super::keywords::keyword(rule)
            .is_some_and(|k| matches!(k.role, Role::Statement | Role::Clause))
}

/// A pair shape the grammar rules out; reported rather than panicking.
fn internal(span: Span) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error(
            codes::SYNTAX,
            "this statement could not be read (internal parser mismatch)",
            span,
        )
        .with_hint("please report this rule file to the kpi maintainers"),
    )
}
