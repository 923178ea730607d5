//! Checking tables: tier tables, linear interpolation, weighted sums and `per`,
//! and the order of tier and grade rows.

use super::Checker;
use super::model::{Body, TExpr, TExprKind, TierRow, Tiers, WeightedPart};
use super::types::{Type, mismatch_hint};
use crate::diagnostic::{Diagnostic, Span, codes};
use crate::number::Rational;
use crate::syntax::ast::{BinOp, CmpOp, ExprKind, ItemBody, Literal};

/// A row of a tier table or grade band, for the order check.
pub(super) struct RowTest {
    pub op: CmpOp,
    pub threshold: Rational,
    pub span: Span,
}

impl Checker<'_> {
    /// Tier tables, interpolation, weighted sums and `per`: the body, its type and
    /// the span of the formula as written.
    pub(super) fn table_body(&mut self, body: &ItemBody, statement: Span) -> (Body, Type, Span) {
        match body {
            ItemBody::Expr(_) | ItemBody::Rank(_) | ItemBody::Share(_) | ItemBody::Pace(_) => {
                unreachable_body(statement)
            }
            ItemBody::Tiers(table) => {
                let subject = self.subject(&table.subject);
                let mut tests = Vec::new();
                let mut rows = Vec::new();
                let mut ty = Type::Unknown;
                for row in &table.rows {
                    let threshold = self.threshold(&row.threshold, &subject);
                    let value = self.expr(&row.value);
                    ty = self.row_type(ty, &value);
                    if let Some(threshold) = threshold {
                        tests.push(RowTest {
                            op: row.op,
                            threshold: threshold.clone(),
                            span: row.span,
                        });
                        rows.push(TierRow {
                            op: row.op,
                            threshold,
                            value,
                            span: row.span,
                        });
                    }
                }
                self.check_row_order(&tests, "tier");
                let otherwise = match &table.otherwise {
                    Some((value, _)) => {
                        let value = self.expr(value);
                        ty = self.row_type(ty, &value);
                        value
                    }
                    None => {
                        self.missing_else(table.keyword_span, "tier table", "else : 0");
                        TExpr {
                            kind: TExprKind::Bool(false),
                            ty: Type::Unknown,
                            span: table.keyword_span,
                        }
                    }
                };
                let end = table
                    .otherwise
                    .as_ref()
                    .map_or(table.keyword_span, |(_, s)| *s);
                let formula = table
                    .keyword_span
                    .to(end)
                    .to(table.rows.last().map_or(end, |r| r.span));
                (
                    Body::Tiers(Tiers {
                        subject,
                        rows,
                        otherwise,
                    }),
                    ty,
                    formula,
                )
            }
            ItemBody::Linear(linear) => {
                let subject = self.subject(&linear.subject);
                let mut points = Vec::new();
                let mut ty = Type::Unknown;
                let mut previous: Option<Rational> = None;
                for (x, y) in &linear.points {
                    let Some(px) = self.threshold(x, &subject) else {
                        continue;
                    };
                    let Some((py, y_ty)) = self.literal_value(y) else {
                        continue;
                    };
                    match ty.unify(y_ty) {
                        Some(t) => ty = t,
                        None => self.error(
                            Diagnostic::error(
                                codes::TYPE_MISMATCH,
                                format!(
                                    "the points give {} and {}",
                                    ty.described(),
                                    y_ty.described()
                                ),
                                y.span,
                            )
                            .with_label(format!("this is {}", y_ty.described())),
                        ),
                    }
                    if previous.as_ref().is_some_and(|p| px <= *p) {
                        self.error(
                            Diagnostic::error(codes::LINEAR_POINTS, "the points of a linear scale must go up from left to right", x.span)
                                .with_label("not above the point before")
                                .with_hint("list the points from the lowest value to the highest, as in `from 80% : 0 to 100% : 100`"),
                        );
                    }
                    previous = Some(px.clone());
                    points.push((px, py));
                }
                let formula = linear.keyword_span.to(linear
                    .points
                    .last()
                    .map_or(linear.subject.span, |(_, y)| y.span));
                (Body::Linear { subject, points }, ty, formula)
            }
            ItemBody::Weighted(weighted) => {
                let mut parts = Vec::new();
                let mut total = Rational::ZERO;
                let mut ty = Type::Unknown;
                for row in &weighted.rows {
                    let source = self.expr(&crate::syntax::ast::Expr {
                        kind: ExprKind::Name(row.item.clone()),
                        span: row.item.span,
                    });
                    if !source.ty.is_numeric() {
                        self.error(
                            Diagnostic::error(
                                codes::TYPE_MISMATCH,
                                format!(
                                    "a weighted sum needs numbers, and `{}` is {}",
                                    row.item.name,
                                    source.ty.described()
                                ),
                                row.item.span,
                            )
                            .with_label(format!("this is {}", source.ty.described())),
                        );
                    }
                    ty = self.row_type(ty, &source);
                    let weight = self
                        .literal_value(&row.weight)
                        .map(|(w, _)| w)
                        .unwrap_or(Rational::ZERO);
                    if let Ok(sum) = total.checked_add(&weight) {
                        total = sum;
                    }
                    if let TExprKind::Ref(r) = source.kind {
                        parts.push(WeightedPart {
                            source: r,
                            weight,
                            span: row.item.span.to(row.weight.span),
                        });
                    }
                }
                let span = weighted.keyword_span.to(weighted
                    .rows
                    .last()
                    .map_or(weighted.keyword_span, |r| r.weight.span));
                if total != Rational::ONE {
                    let shown = crate::number::shown_percent(&total);
                    self.error(
                        Diagnostic::error(
                            codes::WEIGHTS,
                            format!("the weights add up to {shown}, not 100%"),
                            span,
                        )
                        .with_label(format!("total {shown}"))
                        .with_hint("change the weights so that they add up to exactly 100%"),
                    );
                }
                (Body::Weighted(parts), ty, span)
            }
            ItemBody::Per { amount, count } => {
                let amount_t = self.expr(amount);
                let count_t = self.expr(count);
                let span = amount.span.to(count.span);
                let ty = match Type::arithmetic(BinOp::Mul, amount_t.ty, count_t.ty) {
                    Ok(t) => t,
                    Err(message) => {
                        self.mismatch(&message, span, &amount_t, &count_t);
                        Type::Unknown
                    }
                };
                (
                    Body::Per {
                        amount: amount_t,
                        count: count_t,
                    },
                    ty,
                    span,
                )
            }
        }
    }

    /// Types the value a table looks up, which must be a number.
    pub(super) fn subject(&mut self, expr: &crate::syntax::ast::Expr) -> TExpr {
        let subject = self.expr(expr);
        if !subject.ty.is_numeric() {
            self.error(
                Diagnostic::error(
                    codes::TYPE_MISMATCH,
                    format!(
                        "a table looks up a number, and this is {}",
                        subject.ty.described()
                    ),
                    subject.span,
                )
                .with_label(format!("this is {}", subject.ty.described())),
            );
        }
        subject
    }

    /// A row threshold's exact value, which must be comparable with the subject.
    pub(super) fn threshold(&mut self, literal: &Literal, subject: &TExpr) -> Option<Rational> {
        let (value, ty) = self.literal_value(literal)?;
        if !ty.compatible(subject.ty) {
            let mut d = Diagnostic::error(
                codes::TYPE_MISMATCH,
                format!(
                    "this threshold is {} but the value looked up is {}",
                    ty.described(),
                    subject.ty.described()
                ),
                literal.span,
            )
            .with_label(format!("this is {}", ty.described()))
            .with_secondary(subject.span, format!("this is {}", subject.ty.described()));
            if let Some(h) = mismatch_hint(subject.ty, ty) {
                d = d.with_hint(h);
            }
            self.error(d);
        }
        Some(value)
    }

    /// The common type of a table's values so far and one more.
    fn row_type(&mut self, so_far: Type, value: &TExpr) -> Type {
        match so_far.unify(value.ty) {
            Some(t) => t,
            None => {
                self.error(
                    Diagnostic::error(
                        codes::TYPE_MISMATCH,
                        format!(
                            "the rows give {} and {}",
                            so_far.described(),
                            value.ty.described()
                        ),
                        value.span,
                    )
                    .with_label(format!("this is {}", value.ty.described()))
                    .with_hint("every row must give the same kind of value"),
                );
                so_far
            }
        }
    }

    pub(super) fn missing_else(&mut self, span: Span, what: &str, example: &str) {
        self.error(
            Diagnostic::error(
                codes::MISSING_ELSE,
                format!("this {what} has no `else` row"),
                span,
            )
            .with_label("no row for values below the last threshold")
            .with_hint(format!(
                "add a last row such as `{example}` so every value lands somewhere"
            )),
        );
    }

    /// Rows must run one way (all `>=`/`>` from high to low, or all `<=`/`<` from low
    /// to high) so that every row can match.
    pub(super) fn check_row_order(&mut self, rows: &[RowTest], what: &str) {
        let Some(first) = rows.first() else { return };
        let descending = matches!(first.op, CmpOp::Ge | CmpOp::Gt);
        for row in rows {
            let fits = match row.op {
                CmpOp::Ge | CmpOp::Gt => descending,
                CmpOp::Le | CmpOp::Lt => !descending,
                CmpOp::Eq | CmpOp::Ne => {
                    self.error(
                        Diagnostic::error(
                            codes::ROW_ORDER,
                            format!("{what} rows compare with >=, >, <= or <"),
                            row.span,
                        )
                        .with_label("not a range")
                        .with_hint("write `>= 90 : ...` rows from the highest threshold down"),
                    );
                    return;
                }
            };
            if !fits {
                self.error(
                    Diagnostic::error(codes::ROW_ORDER, format!("the {what} rows mix `>=`/`>` with `<=`/`<`"), row.span)
                        .with_label("compares the other way")
                        .with_hint("use >= and > from the highest threshold down, or <= and < from the lowest up"),
                );
                return;
            }
        }
        for pair in rows.windows(2) {
            let (above, row) = (&pair[0], &pair[1]);
            let ok = if descending {
                above.threshold > row.threshold
                    || above.threshold == row.threshold
                        && above.op == CmpOp::Gt
                        && row.op == CmpOp::Ge
            } else {
                above.threshold < row.threshold
                    || above.threshold == row.threshold
                        && above.op == CmpOp::Lt
                        && row.op == CmpOp::Le
            };
            if !ok {
                let order = if descending {
                    "from the highest threshold down"
                } else {
                    "from the lowest threshold up"
                };
                self.error(
                    Diagnostic::error(codes::ROW_ORDER, format!("this {what} row can never match: the row above already takes every value it would"), row.span)
                        .with_label("never matches")
                        .with_secondary(above.span, "takes those values first")
                        .with_hint(format!("the first matching row wins, so order the rows {order}")),
                );
            }
        }
    }
}

fn unreachable_body(span: Span) -> (Body, Type, Span) {
    // Plain formulas are handled by the caller; kept total so no input can panic.
    (Body::Weighted(Vec::new()), Type::Unknown, span)
}
