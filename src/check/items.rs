//! Checking items: plain formulas with their clauses, grade bands and vetoes.

use super::model::{Band, Body, GradeScale, Item, Kind, Level, TExpr, TExprKind, Veto};
use super::names::Symbol;
use super::population::Scope;
use super::types::{Type, mismatch_hint};
use super::{Checker, Decl};
use crate::diagnostic::{Diagnostic, Span, codes};
use crate::number::Rational;
use crate::syntax::ast::{
    BinOp, Clause, ExprKind, GradeDecl, GradeRow, ItemBody, ItemDecl, Literal,
};

use super::tables::RowTest;

impl Checker<'_> {
    /// Checks the declaration `decl` and appends it to the evaluation order.
    pub(super) fn check_item(&mut self, decl: usize) {
        let sliced = match self.decls[decl] {
            Decl::Item(item) => item
                .slicing
                .filter(|(by, span)| self.check_slicing(*by, *span))
                .map(|(by, _)| by),
            Decl::Grade(_) => None,
        };
        let Some(by) = sliced else {
            self.checked_item(decl, None);
            return;
        };
        // One item for each week (or day) of the month, each reading its own rows;
        // the name refers to the first.
        let mut first = None;
        let mut all = Vec::new();
        for slice in super::periods::each_slice(by) {
            self.slice = Some(slice);
            let pos = self.checked_item(decl, first);
            self.items[pos].slice = Some(slice);
            first.get_or_insert(pos);
            all.push(pos);
        }
        self.slice = None;
        self.slices.insert(all[0], all);
    }

    /// Checks declaration `decl` with its vetoes and appends it to the evaluation
    /// order; returns its position. Its name refers to `first`, if given (the first
    /// week's item of one computed for each week), else to this item.
    fn checked_item(&mut self, decl: usize, first: Option<usize>) -> usize {
        let item = match self.decls[decl] {
            Decl::Item(item) => self.plain_item(item),
            Decl::Grade(grade) => self.grade(grade),
        };
        let pos = self.items.len();
        self.items.push(item);
        // A veto's condition sees the item it overrides.
        self.positions[decl] = Some(first.unwrap_or(pos));
        self.items[pos].slice = self.slice;
        for veto in self.vetoes.clone() {
            if self.symbols.get(veto.target.name.as_str()) == Some(&Symbol::Item(decl)) {
                let veto = self.veto(veto, pos);
                self.items[pos].vetoes.push(veto);
            }
        }
        pos
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
        let column = decl.over.as_ref().map(|column| self.group_column(column));
        let level = match column {
            Some(Some(g)) => Level::Group(g),
            _ => Level::Member,
        };
        // A share is each member's own value, worked out `within` a group. (A rank
        // `over` a group ranks the groups.)
        let member_body = match &decl.body {
            ItemBody::Share(share) => {
                Some(("share", "share `within` the group instead", share.span))
            }
            _ => None,
        };
        let rank_over_group = matches!(level, Level::Group(_)) && member_body.is_some();
        if let (Level::Group(_), Some((what, instead, span))) = (level, member_body) {
            self.error(
                Diagnostic::error(
                    codes::LEVEL,
                    format!(
                        "a {what} is each member's own value, so it is not computed `over` a group"
                    ),
                    span,
                )
                .with_label(format!("a member's {what}"))
                .with_hint(format!("remove `over ...` and {instead}")),
            );
        }
        self.scope = match column {
            // Reported above; its keys are not checked as group values.
            _ if rank_over_group => Scope::Unknown,
            Some(Some(g)) => Scope::Group(g),
            Some(None) => Scope::Unknown,
            None => Scope::Member,
        };
        let item = self.plain_item_body(decl, level);
        self.scope = Scope::Member;
        item
    }

    fn plain_item_body(&mut self, decl: &ItemDecl, level: Level) -> Item {
        self.check_warning_kind(decl);
        let mut when_zero = None;
        let mut cap = None;
        let mut floor = None;
        for clause in &decl.clauses {
            match clause {
                Clause::Ties(_, span) | Clause::WhenExcluded(_, span)
                    if !matches!(decl.body, ItemBody::Rank(_)) =>
                {
                    self.error(
                        Diagnostic::error(
                            codes::RANK,
                            "`ties` and `when excluded` are for a rank or percentile",
                            *span,
                        )
                        .with_label("not a rank")
                        .with_hint("remove the clause"),
                    );
                }
                Clause::Remainder(_, span) if !matches!(decl.body, ItemBody::Share(_)) => {
                    self.error(
                        Diagnostic::error(codes::SHARE, "`remainder` is for a share", *span)
                            .with_label("not a share")
                            .with_hint("remove the clause"),
                    );
                }
                Clause::Ties(..) | Clause::WhenExcluded(..) | Clause::Remainder(..) => {}
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
            ItemBody::Rank(rank) => {
                let (body, ty) = self.rank(rank, &decl.clauses);
                (body, ty, rank.span)
            }
            ItemBody::Share(share) => (self.share(share, &decl.clauses), Type::Money, share.span),
            ItemBody::Pace(pace) => {
                let when_zero = when_zero
                    .and_then(|(value, span)| self.zero_value(value.as_ref(), span, Type::Percent))
                    .flatten();
                (self.pace(pace, when_zero), Type::Text, pace.span)
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
            level,
            ty,
            body,
            cap,
            floor,
            slice: None,
            vetoes: Vec::new(),
            formula,
            span: decl.span,
        }
    }

    fn zero_value(
        &mut self,
        value: Option<&Literal>,
        span: Span,
        ty: Type,
    ) -> Option<Option<Rational>> {
        let literal = value?;
        if literal.kind == crate::syntax::ast::LiteralKind::None {
            return Some(None);
        }
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
        Some(Some(v))
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

    fn grade(&mut self, decl: &GradeDecl) -> Item {
        let subject = match (&decl.distribution, &decl.subject) {
            (Some(distribution), _) => return self.distributed_grade(decl, distribution),
            (None, Some(subject)) => subject,
            (None, None) => return self.distributed_grade_missing(decl),
        };
        let typed_subject = self.subject(subject);
        let pos = self.items.len();
        let all_rows: Vec<&GradeRow> = decl.rows.iter().chain(decl.otherwise.iter()).collect();
        let (bands, has_coefficients) = self.bands(&all_rows, Some(&typed_subject));
        if decl.otherwise.is_none() {
            self.missing_else(decl.name.span, "grade band", "else : D coefficient 0");
        }
        let end = all_rows.last().map_or(subject.span, |r| r.span);
        Item {
            name: decl.name.name.clone(),
            label: decl.label.as_ref().map(|l| l.text.clone()),
            kind: Kind::Grade,
            level: Level::Member,
            ty: Type::Grade(pos),
            body: Body::Grade(GradeScale {
                subject: typed_subject,
                bands,
                has_coefficients,
            }),
            cap: None,
            floor: None,
            slice: None,
            vetoes: Vec::new(),
            formula: subject.span.to(end),
            span: decl.span,
        }
    }

    /// A grade with neither a subject nor a distribution, which the parser rules out.
    fn distributed_grade_missing(&mut self, decl: &GradeDecl) -> Item {
        let pos = self.items.len();
        Item {
            name: decl.name.name.clone(),
            label: None,
            kind: Kind::Grade,
            level: Level::Member,
            ty: Type::Grade(pos),
            body: Body::Expr(super::unknown_expr(decl.span)),
            cap: None,
            floor: None,
            slice: None,
            vetoes: Vec::new(),
            formula: decl.span,
            span: decl.span,
        }
    }

    /// The bands of grade rows, best first, each with its coefficient and (when a
    /// subject is given) its test; whether they carry coefficients.
    pub(super) fn bands(
        &mut self,
        all_rows: &[&GradeRow],
        subject: Option<&TExpr>,
    ) -> (Vec<Band>, bool) {
        let mut bands = Vec::new();
        let mut tests = Vec::new();
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
        // By label, so that a scale of many rows is checked in linear time.
        let mut labels: std::collections::HashMap<&str, Span> = std::collections::HashMap::new();
        for row in all_rows {
            if let Some(&first) = labels.get(row.grade.name.as_str()) {
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
            labels.entry(&row.grade.name).or_insert(row.grade.span);
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
            let test = match (&row.test, subject) {
                (Some((op, literal)), Some(subject)) => match self.threshold(literal, subject) {
                    Some(t) => {
                        tests.push(RowTest {
                            op: *op,
                            threshold: t.clone(),
                            span: row.span,
                        });
                        Some((*op, t))
                    }
                    None => continue,
                },
                _ => None,
            };
            bands.push(Band {
                test,
                label: row.grade.name.clone(),
                coefficient,
                span: row.span,
            });
        }
        self.check_row_order(&tests, "grade");
        (bands, has_coefficients)
    }

    fn veto(&mut self, decl: &crate::syntax::ast::VetoDecl, target: usize) -> Veto {
        // A veto on a group item may read only what the item itself may.
        self.scope = match self.items[target].level {
            Level::Group(g) => Scope::Group(g),
            Level::Member => Scope::Member,
        };
        self.checking_veto = true;
        let veto = self.veto_parts(decl, target);
        self.checking_veto = false;
        self.scope = Scope::Member;
        veto
    }

    fn veto_parts(&mut self, decl: &crate::syntax::ast::VetoDecl, target: usize) -> Veto {
        let condition = self.condition(&decl.condition, "a veto");
        let target_ty = self.items[target].ty;
        let value = match (target_ty, &decl.value.kind) {
            (Type::Grade(_), ExprKind::Name(label)) => {
                let band = self.items[target]
                    .bands()
                    .and_then(|bands| bands.iter().position(|b| b.label == label.name));
                match band {
                    Some(b) => TExpr {
                        kind: TExprKind::GradeBand(b),
                        ty: target_ty,
                        span: decl.value.span,
                    },
                    None => {
                        let grades = self.grade_labels(target);
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
