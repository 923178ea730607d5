//! Checking items: tier tables, interpolation, weighted sums, grade bands, clauses
//! and vetoes.

use super::model::{
    Band, Body, GradeScale, Item, Kind, TExpr, TExprKind, TierRow, Tiers, Veto, WeightedPart,
};
use super::names::Symbol;
use super::types::{Type, mismatch_hint};
use super::{Checker, Decl};
use crate::diagnostic::{Diagnostic, Span, codes};
use crate::number::Rational;
use crate::syntax::ast::{BinOp, Clause, CmpOp, ExprKind, GradeDecl, ItemBody, ItemDecl, Literal};

/// A row of a tier table or grade band, for the order check.
struct RowTest {
    op: CmpOp,
    threshold: Rational,
    span: Span,
}

impl Checker<'_> {
    /// Checks the declaration `decl` and appends it to the evaluation order.
    pub(super) fn check_item(&mut self, decl: usize) {
        let item = match self.decls[decl] {
            Decl::Item(item) => self.plain_item(item),
            Decl::Grade(grade) => self.grade(grade),
        };
        let pos = self.items.len();
        self.items.push(item);
        self.positions[decl] = Some(pos);
        for veto in self.vetoes.clone() {
            if self.symbols.get(veto.target.name.as_str()) == Some(&Symbol::Item(decl)) {
                let veto = self.veto(veto, pos);
                self.items[pos].vetoes.push(veto);
            }
        }
    }

    /// Reports vetoes aimed at something that is not an item.
    pub(super) fn check_veto_targets(&mut self) {
        for veto in self.vetoes.clone() {
            let target = &veto.target;
            match self.symbols.get(target.name.as_str()) {
                Some(Symbol::Item(_)) => {}
                Some(Symbol::Input(_)) => self.error(
                    Diagnostic::error(
                        codes::VETO_TARGET,
                        format!("a veto cannot override the input `{}`", target.name),
                        target.span,
                    )
                    .with_label("an input")
                    .with_hint("veto an item computed from it, such as the total score"),
                ),
                None if self.output_names.contains_key(target.name.as_str()) => self.error(
                    Diagnostic::error(
                        codes::VETO_TARGET,
                        format!("a veto cannot override the output `{}`", target.name),
                        target.span,
                    )
                    .with_label("an output")
                    .with_hint("veto the item the output is computed from"),
                ),
                None if self.unread("", Some(&target.name)) => {}
                None => {
                    let d = self.unknown_name(&target.name, target.span);
                    self.error(d);
                }
            }
        }
    }

    fn plain_item(&mut self, decl: &ItemDecl) -> Item {
        let mut when_zero = None;
        let mut cap = None;
        let mut floor = None;
        for clause in &decl.clauses {
            match clause {
                Clause::WhenZero(value, span) => {
                    if when_zero.replace((value.clone(), *span)).is_some() {
                        self.error(twice("when zero", *span));
                    }
                }
                Clause::Cap(e) => {
                    if cap.replace(e).is_some() {
                        self.error(twice("cap", e.span));
                    }
                }
                Clause::Floor(e) => {
                    if floor.replace(e).is_some() {
                        self.error(twice("floor", e.span));
                    }
                }
            }
        }
        let (body, ty, formula) = match &decl.body {
            ItemBody::Expr(expr) => {
                let typed = self.expr(expr);
                let ty = typed.ty;
                let body = match (typed.kind, when_zero) {
                    (TExprKind::Binary(BinOp::Div, numerator, denominator), zero) => {
                        let zero_error_written = zero.as_ref().is_some_and(|(v, _)| v.is_none());
                        let when_zero = zero
                            .and_then(|(value, span)| self.zero_value(value.as_ref(), span, ty));
                        Body::Ratio {
                            numerator: *numerator,
                            denominator: *denominator,
                            when_zero,
                            zero_error_written,
                        }
                    }
                    (kind, zero) => {
                        if let Some((_, span)) = zero {
                            self.error(
                                Diagnostic::error(codes::ZERO_POLICY, "`when zero` applies to a division, and this formula is not one", span)
                                    .with_label("no division to guard")
                                    .with_hint("write the item as a division such as `answered / offered, when zero 100%`, or remove the clause"),
                            );
                        }
                        Body::Expr(TExpr {
                            kind,
                            ty,
                            span: expr.span,
                        })
                    }
                };
                (body, ty, expr.span)
            }
            other => {
                if let Some((_, span)) = when_zero {
                    self.error(
                        Diagnostic::error(
                            codes::ZERO_POLICY,
                            "`when zero` applies to a division, and this formula is not one",
                            span,
                        )
                        .with_label("no division to guard")
                        .with_hint("compute the ratio in its own `let` item with `when zero`"),
                    );
                }
                self.table_body(other, decl.span)
            }
        };
        let cap = cap.map(|e| self.limit(e, ty, "cap"));
        let floor = floor.map(|e| self.limit(e, ty, "floor"));
        Item {
            name: decl.name.name.clone(),
            label: decl.label.as_ref().map(|l| l.text.clone()),
            kind: Kind::Item(decl.kind),
            ty,
            body,
            cap,
            floor,
            vetoes: Vec::new(),
            formula,
            span: decl.span,
        }
    }

    fn zero_value(&mut self, value: Option<&Literal>, span: Span, ty: Type) -> Option<Rational> {
        let literal = value?;
        let (v, lit_ty) = self.literal_value(literal)?;
        if !lit_ty.compatible(ty) {
            let mut d = Diagnostic::error(
                codes::TYPE_MISMATCH,
                format!(
                    "the ratio is {} but its `when zero` value is {}",
                    ty.described(),
                    lit_ty.described()
                ),
                span,
            )
            .with_label(format!("this is {}", lit_ty.described()));
            if let Some(h) = mismatch_hint(ty, lit_ty) {
                d = d.with_hint(h);
            }
            self.error(d);
        }
        Some(v)
    }

    fn limit(&mut self, expr: &crate::syntax::ast::Expr, ty: Type, what: &str) -> TExpr {
        let typed = self.expr(expr);
        if !typed.ty.compatible(ty) || !typed.ty.is_numeric() {
            let mut d = Diagnostic::error(
                codes::TYPE_MISMATCH,
                format!(
                    "the item is {} but its {what} is {}",
                    ty.described(),
                    typed.ty.described()
                ),
                typed.span,
            )
            .with_label(format!("this is {}", typed.ty.described()));
            if let Some(h) = mismatch_hint(ty, typed.ty) {
                d = d.with_hint(h);
            }
            self.error(d);
        }
        typed
    }

    /// Tier tables, interpolation, weighted sums and `per`: the body, its type and
    /// the span of the formula as written.
    fn table_body(&mut self, body: &ItemBody, statement: Span) -> (Body, Type, Span) {
        match body {
            ItemBody::Expr(_) => unreachable_body(statement),
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
                            threshold,
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
                    if previous.is_some_and(|p| px <= p) {
                        self.error(
                            Diagnostic::error(codes::LINEAR_POINTS, "the points of a linear scale must go up from left to right", x.span)
                                .with_label("not above the point before")
                                .with_hint("list the points from the lowest value to the highest, as in `from 80% : 0 to 100% : 100`"),
                        );
                    }
                    previous = Some(px);
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
                    total = total.checked_add(weight).unwrap_or(total);
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
                    let shown = crate::number::exact_decimal(
                        total.checked_mul(Rational::from_int(100)).unwrap_or(total),
                    )
                    .map_or_else(|| total.to_string(), |d| format!("{}%", d.normalize()));
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
    fn subject(&mut self, expr: &crate::syntax::ast::Expr) -> TExpr {
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
    fn threshold(&mut self, literal: &Literal, subject: &TExpr) -> Option<Rational> {
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

    fn missing_else(&mut self, span: Span, what: &str, example: &str) {
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
    fn check_row_order(&mut self, rows: &[RowTest], what: &str) {
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

    fn grade(&mut self, decl: &GradeDecl) -> Item {
        let subject = self.subject(&decl.subject);
        let pos = self.items.len();
        let mut bands = Vec::new();
        let mut tests = Vec::new();
        let all_rows: Vec<_> = decl.rows.iter().chain(decl.otherwise.iter()).collect();
        let with_coefficient = all_rows.iter().filter(|r| r.coefficient.is_some()).count();
        let has_coefficients = with_coefficient > 0;
        if has_coefficients && with_coefficient < all_rows.len() {
            for row in all_rows.iter().filter(|r| r.coefficient.is_none()) {
                self.error(
                    Diagnostic::error(
                        codes::GRADE_ROWS,
                        format!(
                            "the grade {} has no coefficient, but other grades do",
                            row.grade.name
                        ),
                        row.span,
                    )
                    .with_label("no coefficient")
                    .with_hint("give every grade row a coefficient, such as `coefficient 0`"),
                );
            }
        }
        let mut labels: Vec<(&str, Span)> = Vec::new();
        for row in &all_rows {
            if let Some((_, first)) = labels.iter().find(|(l, _)| *l == row.grade.name) {
                let first = *first;
                self.error(
                    Diagnostic::error(
                        codes::GRADE_ROWS,
                        format!("the grade {} appears twice", row.grade.name),
                        row.grade.span,
                    )
                    .with_label("again")
                    .with_secondary(first, "first here")
                    .with_hint("give each row its own grade"),
                );
            }
            labels.push((&row.grade.name, row.grade.span));
            let coefficient = match &row.coefficient {
                Some(c) => match self.literal_value(c) {
                    Some((v, ty)) => {
                        if !ty.compatible(Type::Number) {
                            self.error(
                                Diagnostic::error(
                                    codes::TYPE_MISMATCH,
                                    format!(
                                        "a coefficient is a plain number, not {}",
                                        ty.described()
                                    ),
                                    c.span,
                                )
                                .with_label(format!("this is {}", ty.described()))
                                .with_hint("write it as a number such as 1.2"),
                            );
                        }
                        v
                    }
                    None => Rational::ZERO,
                },
                None => Rational::ZERO,
            };
            let test = match &row.test {
                Some((op, literal)) => match self.threshold(literal, &subject) {
                    Some(t) => {
                        tests.push(RowTest {
                            op: *op,
                            threshold: t,
                            span: row.span,
                        });
                        Some((*op, t))
                    }
                    None => continue,
                },
                None => None,
            };
            bands.push(Band {
                test,
                label: row.grade.name.clone(),
                coefficient,
                span: row.span,
            });
        }
        self.check_row_order(&tests, "grade");
        if decl.otherwise.is_none() {
            self.missing_else(decl.name.span, "grade band", "else : D coefficient 0");
        }
        let end = all_rows.last().map_or(decl.subject.span, |r| r.span);
        Item {
            name: decl.name.name.clone(),
            label: decl.label.as_ref().map(|l| l.text.clone()),
            kind: Kind::Grade,
            ty: Type::Grade(pos),
            body: Body::Grade(GradeScale {
                subject,
                bands,
                has_coefficients,
            }),
            cap: None,
            floor: None,
            vetoes: Vec::new(),
            formula: decl.subject.span.to(end),
            span: decl.span,
        }
    }

    fn veto(&mut self, decl: &crate::syntax::ast::VetoDecl, target: usize) -> Veto {
        let condition = self.condition(&decl.condition, "a veto");
        let target_ty = self.items[target].ty;
        let value = match (target_ty, &decl.value.kind) {
            (Type::Grade(_), ExprKind::Name(label)) => {
                let band = match &self.items[target].body {
                    Body::Grade(scale) => scale.bands.iter().position(|b| b.label == label.name),
                    _ => None,
                };
                match band {
                    Some(b) => TExpr {
                        kind: TExprKind::GradeBand(b),
                        ty: target_ty,
                        span: decl.value.span,
                    },
                    None => {
                        let grades = match &self.items[target].body {
                            Body::Grade(scale) => scale
                                .bands
                                .iter()
                                .map(|b| b.label.as_str())
                                .collect::<Vec<_>>()
                                .join(", "),
                            _ => String::new(),
                        };
                        self.error(
                            Diagnostic::error(
                                codes::VETO_TARGET,
                                format!(
                                    "`{}` is not one of the grades of `{}`",
                                    label.name, decl.target.name
                                ),
                                label.span,
                            )
                            .with_label("not a grade of this band")
                            .with_hint(format!("name one of its grades: {grades}")),
                        );
                        TExpr {
                            kind: TExprKind::Bool(false),
                            ty: Type::Unknown,
                            span: decl.value.span,
                        }
                    }
                }
            }
            _ => {
                let value = self.expr(&decl.value);
                if !value.ty.compatible(target_ty) {
                    let mut d = Diagnostic::error(
                        codes::TYPE_MISMATCH,
                        format!(
                            "`{}` is {} but the veto sets it to {}",
                            decl.target.name,
                            target_ty.described(),
                            value.ty.described()
                        ),
                        value.span,
                    )
                    .with_label(format!("this is {}", value.ty.described()));
                    if matches!(target_ty, Type::Grade(_)) {
                        d = d.with_hint("set a grade by naming it, as in `: level = D`");
                    } else if let Some(h) = mismatch_hint(target_ty, value.ty) {
                        d = d.with_hint(h);
                    }
                    self.error(d);
                }
                value
            }
        };
        Veto {
            name: decl.name.as_ref().map(|n| n.name.clone()),
            reason: decl.reason.text.clone(),
            condition,
            value,
            span: decl.span,
        }
    }
}

fn twice(what: &str, span: Span) -> Diagnostic {
    Diagnostic::error(
        codes::SYNTAX,
        format!("`{what}` is given twice for this item"),
        span,
    )
    .with_label("second time")
    .with_hint(format!("keep one `{what}` clause"))
}

fn unreachable_body(span: Span) -> (Body, Type, Span) {
    // Plain formulas are handled by the caller; kept total so no input can panic.
    (Body::Weighted(Vec::new()), Type::Unknown, span)
}
