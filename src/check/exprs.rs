//! Typing expressions: names resolved, literals made exact, units checked.

use super::Checker;
use super::model::{Builtin, Func, Level, Ref, TExpr, TExprKind};
use super::names::{Symbol, closest};
use super::types::{Type, mismatch_hint};
use crate::diagnostic::{Diagnostic, Span, codes};
use crate::number::{MAX_ROUND_PLACES, Rational, RoundingMode, rational_from_decimal};
use crate::syntax::ast::{BinOp, Expr, ExprKind, Literal, LiteralKind};

pub(crate) const FUNCTIONS: [&str; 14] = [
    "round",
    "min",
    "max",
    "clamp",
    "abs",
    "days_between",
    "month_of",
    "week_of",
    "first_day",
    "last_day",
    "days_in_month",
    "period_days",
    "known",
    "previous",
];

/// The exact value and type of a numeric literal; reports text or true/false where a
/// number is needed, and money in another currency.
pub fn literal_number(checker: &mut Checker<'_>, literal: &Literal) -> Option<(Rational, Type)> {
    let (value, ty) = match &literal.kind {
        LiteralKind::Number(d) => (Ok(rational_from_decimal(*d)), Type::Number),
        LiteralKind::Percent(d) => (
            rational_from_decimal(*d).percent_figure_as_fraction(),
            Type::Percent,
        ),
        LiteralKind::Money(d, unit) if checker.unit.as_ref() == Some(unit) => {
            (Ok(rational_from_decimal(*d)), Type::Points)
        }
        LiteralKind::Money(d, currency) => {
            checker.require_currency(literal.span);
            if let Some(declared) = checker.currency.clone()
                && &declared != currency
            {
                checker.error(
                    Diagnostic::error(
                        codes::CURRENCY,
                        format!(
                            "this amount is in {currency} but the ruleset's currency is {declared}"
                        ),
                        literal.span,
                    )
                    .with_label(currency.to_string())
                    .with_hint(format!("write amounts in {declared}")),
                );
            }
            (Ok(rational_from_decimal(*d)), Type::Money)
        }
        LiteralKind::Text(_) | LiteralKind::Bool(_) | LiteralKind::Date(_) | LiteralKind::None => {
            checker.error(
                Diagnostic::error(codes::TYPE_MISMATCH, "expected a number here", literal.span)
                    .with_label("not a number"),
            );
            return None;
        }
    };
    // A literal has at most rust_decimal's 28 or 29 digits (more is refused as it is
    // read), so its exact value is always far within the limit.
    match value {
        Ok(v) => Some((v, ty)),
        Err(_) => {
            checker.error(Diagnostic::error(
                codes::NUMBER_TOO_LONG,
                "this number is too large to compute with exactly",
                literal.span,
            ));
            None
        }
    }
}

/// How calendar function `func` is written.
fn calendar_usage(func: Func) -> &'static str {
    match func {
        Func::DaysBetween => "days_between(first_date, last_date)",
        Func::PeriodDays => "period_days(hire_date, leave_date)",
        Func::Known => "known(value)",
        Func::FirstDay | Func::LastDay | Func::DaysInMonth => {
            "first_day(month), last_day(month), days_in_month(month)"
        }
        _ => "month_of(date), week_of(date)",
    }
}

pub(crate) fn unknown(span: Span) -> TExpr {
    TExpr {
        kind: TExprKind::Bool(false),
        ty: Type::Unknown,
        span,
    }
}

impl Checker<'_> {
    /// Types an expression, reporting every problem in it. Later stages recurse once
    /// per node, and so does this: it only dispatches, and each kind of node is typed
    /// by a function of its own, so that the frame repeated at every level stays small.
    pub fn expr(&mut self, expr: &Expr) -> TExpr {
        let span = expr.span;
        match &expr.kind {
            ExprKind::Literal(literal) => self.literal(literal, span),
            ExprKind::Name(ident) => self.name(ident, span),
            ExprKind::Field(base, field) => self.field(base, field, span),
            ExprKind::Call(name, args) => self.call(name, args, span),
            ExprKind::Aggregate(aggregate) => self.aggregate(aggregate, span),
            ExprKind::Neg(inner) => self.neg(inner, span),
            ExprKind::Not(inner) => {
                let inner = self.condition(inner, "`not`");
                TExpr {
                    kind: TExprKind::Not(Box::new(inner)),
                    ty: Type::Bool,
                    span,
                }
            }
            ExprKind::Binary(op, left, right) => self.binary(*op, left, right, span),
            ExprKind::If(c, t, e) => self.if_expr(c, t, e, span),
        }
    }

    // Out of line, as every helper of `expr` that does not recurse: inlined, its
    // locals would be part of the frame repeated at every level.
    #[inline(never)]
    fn literal(&mut self, literal: &Literal, span: Span) -> TExpr {
        let typed = |kind, ty| TExpr { kind, ty, span };
        match &literal.kind {
            LiteralKind::Text(t) => typed(TExprKind::Text(t.clone()), Type::Text),
            LiteralKind::Bool(b) => typed(TExprKind::Bool(*b), Type::Bool),
            LiteralKind::Date(text) => match crate::time::parse_date(text) {
                Ok(day) => typed(
                    TExprKind::Number(Rational::from_int(day.into())),
                    Type::Date,
                ),
                Err(message) => {
                    self.error(
                        Diagnostic::error(codes::PERIOD, message, span).with_label("not a date"),
                    );
                    unknown(span)
                }
            },
            // No value, of whatever kind the other branch of its `if` is.
            LiteralKind::None => typed(TExprKind::Missing, Type::Unknown),
            _ => match literal_number(self, literal) {
                Some((value, ty)) => typed(TExprKind::Number(value), ty),
                None => unknown(span),
            },
        }
    }

    #[inline(never)]
    fn name(&mut self, ident: &crate::syntax::ast::Ident, span: Span) -> TExpr {
        let typed = |kind, ty| TExpr { kind, ty, span };
        match self.symbols.get(ident.name.as_str()).copied() {
            Some(Symbol::Input(i)) => {
                self.check_level(&ident.name, Level::Member, span);
                typed(TExprKind::Ref(Ref::Input(i)), self.inputs[i].ty)
            }
            Some(Symbol::Item(d)) => match self.positions[d] {
                Some(pos) => {
                    if self.scope == super::population::Scope::Rows {
                        self.error(
                            Diagnostic::error(
                                codes::LEVEL,
                                format!("`{}` is a value of the whole record, and this aggregate reads each row's own columns", ident.name),
                                span,
                            )
                            .with_label("not a column of the row")
                            .with_hint("reduce the rows' columns here, and combine the result with it outside the aggregate"),
                        );
                        return unknown(span);
                    }
                    let Some(pos) = self.slice_of(&ident.name, pos, span) else {
                        return unknown(span);
                    };
                    self.check_level(&ident.name, self.items[pos].level, span);
                    typed(TExprKind::Ref(Ref::Item(pos)), self.items[pos].ty)
                }
                // Caught in a cycle, already reported.
                None => unknown(span),
            },
            None if Builtin::ALL.iter().any(|(_, n, _)| *n == ident.name) => {
                self.builtin(&ident.name, span)
            }
            None => {
                // A name declared by a statement with a syntax error is not
                // reported again as unknown.
                if !self.unread("", Some(&ident.name)) {
                    let d = self.unknown_name(&ident.name, ident.span);
                    self.error(d);
                }
                unknown(span)
            }
        }
    }

    fn neg(&mut self, inner: &Expr, span: Span) -> TExpr {
        let inner = self.expr(inner);
        if !inner.ty.is_numeric() {
            self.not_a_number(&inner);
            return unknown(span);
        }
        let ty = inner.ty;
        TExpr {
            kind: TExprKind::Neg(Box::new(inner)),
            ty,
            span,
        }
    }

    // Kept out of the recursive path: a diagnostic is large.
    #[cold]
    #[inline(never)]
    fn not_a_number(&mut self, inner: &TExpr) {
        self.error(
            Diagnostic::error(
                codes::TYPE_MISMATCH,
                format!("`-` needs a number, not {}", inner.ty.described()),
                inner.span,
            )
            .with_label(format!("this is {}", inner.ty.described())),
        );
    }

    fn if_expr(&mut self, c: &Expr, t: &Expr, e: &Expr, span: Span) -> TExpr {
        let c = self.condition(c, "`if`");
        let t = self.expr(t);
        let e = self.expr(e);
        match t.ty.unify(e.ty) {
            Some(ty) => TExpr {
                kind: TExprKind::If(Box::new(c), Box::new(t), Box::new(e)),
                ty,
                span,
            },
            None => {
                self.mismatch(
                    "the two branches of this `if` give different kinds of value",
                    span,
                    &t,
                    &e,
                );
                unknown(span)
            }
        }
    }

    /// Types an expression that must be true or false.
    pub fn condition(&mut self, expr: &Expr, what: &str) -> TExpr {
        let typed = self.expr(expr);
        if typed.ty != Type::Bool && typed.ty != Type::Unknown {
            self.error(
                Diagnostic::error(
                    codes::NOT_A_CONDITION,
                    format!(
                        "{what} needs a true/false condition, not {}",
                        typed.ty.described()
                    ),
                    typed.span,
                )
                .with_label(format!("this is {}", typed.ty.described()))
                .with_hint("compare it, as in `qa_score < 60`"),
            );
        }
        typed
    }

    fn binary(&mut self, op: BinOp, left: &Expr, right: &Expr, span: Span) -> TExpr {
        let l = self.expr(left);
        let r = self.expr(right);
        let ty = self.binary_type(op, &l, &r, span);
        TExpr {
            kind: TExprKind::Binary(op, Box::new(l), Box::new(r)),
            ty,
            span,
        }
    }

    /// The type of `l op r`, reporting operands that do not go together. Kept out of
    /// [`Checker::binary`], which is on the recursive path.
    #[inline(never)]
    fn binary_type(&mut self, op: BinOp, l: &TExpr, r: &TExpr, span: Span) -> Type {
        match op {
            BinOp::And | BinOp::Or => {
                for side in [l, r] {
                    if side.ty != Type::Bool && side.ty != Type::Unknown {
                        self.error(
                            Diagnostic::error(
                                codes::NOT_A_CONDITION,
                                format!(
                                    "`{}` joins true/false conditions, not {}",
                                    op.symbol(),
                                    side.ty.described()
                                ),
                                side.span,
                            )
                            .with_label(format!("this is {}", side.ty.described()))
                            .with_hint("compare it, as in `qa_score < 60`"),
                        );
                    }
                }
                Type::Bool
            }
            BinOp::Cmp(cmp) => {
                let ordered = !matches!(
                    cmp,
                    crate::syntax::ast::CmpOp::Eq | crate::syntax::ast::CmpOp::Ne
                );
                let fits =
                    l.ty.compatible(r.ty) && (!ordered || l.ty.is_ordered() && r.ty.is_ordered());
                if !fits {
                    self.mismatch(
                        &format!(
                            "cannot compare {} with {}",
                            l.ty.described(),
                            r.ty.described()
                        ),
                        span,
                        l,
                        r,
                    );
                }
                Type::Bool
            }
            BinOp::Div if matches!(&r.kind, TExprKind::Number(n) if n.is_zero()) => {
                self.error(
                    Diagnostic::error(codes::DIVISION_BY_ZERO, "division by zero", r.span)
                        .with_label("always zero")
                        .with_hint("divide by a value that can be other than 0"),
                );
                Type::Unknown
            }
            _ => match Type::arithmetic(op, l.ty, r.ty) {
                Ok(ty) => ty,
                Err(message) => {
                    self.mismatch(&message, span, l, r);
                    Type::Unknown
                }
            },
        }
    }

    /// Reports two operands that do not go together, pointing at each with its type.
    pub fn mismatch(&mut self, message: &str, span: Span, l: &TExpr, r: &TExpr) {
        let mut d = Diagnostic::error(codes::TYPE_MISMATCH, message, span)
            .with_label("these do not go together")
            .with_secondary(l.span, format!("this is {}", l.ty.described()))
            .with_secondary(r.span, format!("this is {}", r.ty.described()));
        if let Some(hint) = mismatch_hint(l.ty, r.ty) {
            d = d.with_hint(hint);
        }
        self.error(d);
    }

    fn field(&mut self, base: &Expr, field: &crate::syntax::ast::Ident, span: Span) -> TExpr {
        let base = self.expr(base);
        self.field_of(base, field, span)
    }

    /// Field `field` of the typed `base`.
    #[inline(never)]
    fn field_of(&mut self, base: TExpr, field: &crate::syntax::ast::Ident, span: Span) -> TExpr {
        // A warning's `.needed`: what it would take each day left.
        if let TExprKind::Ref(Ref::Item(pos)) = base.kind
            && let super::model::Body::Pace(pace) = &self.items[pos].body
            && let super::model::PacePart::Status(needed) = pace.part
        {
            if field.name == "needed" {
                return TExpr {
                    kind: TExprKind::Ref(Ref::Item(needed)),
                    ty: Type::Number,
                    span,
                };
            }
            self.error(
                Diagnostic::error(
                    codes::UNKNOWN_FIELD,
                    format!("unknown field `.{}`", field.name),
                    field.span,
                )
                .with_label("not a field")
                .with_hint("a warning has one field, `.needed`: what it would take each day left"),
            );
            return unknown(span);
        }
        let grade_pos = match (base.ty, &base.kind) {
            (Type::Grade(pos), TExprKind::Ref(Ref::Item(_))) => Some(pos),
            (Type::Unknown, _) => return unknown(span),
            _ => None,
        };
        let has_coefficients = grade_pos.is_some_and(|pos| match &self.items[pos].body {
            super::model::Body::Distribution(d) => d.has_coefficients,
            super::model::Body::Grade(scale) => scale.has_coefficients,
            _ => false,
        });
        if field.name != "coefficient" {
            let mut d = Diagnostic::error(
                codes::UNKNOWN_FIELD,
                format!("unknown field `.{}`", field.name),
                field.span,
            )
            .with_label("not a field");
            if closest(&field.name, ["coefficient"].into_iter()).is_some() {
                d = d.with_hint("did you mean `.coefficient`?");
            } else {
                d = d.with_hint("the only field is `.coefficient`, on a grade");
            }
            self.error(d);
            return unknown(span);
        }
        match grade_pos {
            Some(pos) if has_coefficients => TExpr {
                kind: TExprKind::Coefficient(pos),
                ty: Type::Number,
                span,
            },
            Some(_) => {
                self.error(
                    Diagnostic::error(
                        codes::UNKNOWN_FIELD,
                        "this grade's rows have no coefficients",
                        span,
                    )
                    .with_label("no coefficient to read")
                    .with_hint("add `coefficient 1.0` (and so on) to each grade row"),
                );
                unknown(span)
            }
            None => {
                self.error(
                    Diagnostic::error(
                        codes::UNKNOWN_FIELD,
                        format!(
                            "`.coefficient` belongs to a grade, not to {}",
                            base.ty.described()
                        ),
                        span,
                    )
                    .with_label("not a grade")
                    .with_hint("write it after the name of a grade, as in `level.coefficient`"),
                );
                unknown(span)
            }
        }
    }

    fn call(&mut self, name: &crate::syntax::ast::Ident, args: &[Expr], span: Span) -> TExpr {
        match name.name.as_str() {
            "round" => self.round(args, span),
            "min" | "max" | "clamp" | "abs" => self.numeric_call(&name.name, args, span),
            "days_between" | "month_of" | "week_of" | "first_day" | "last_day"
            | "days_in_month" | "period_days" | "known" => self.calendar_call(name, args, span),
            "previous" => self.previous(args, span),
            other => {
                self.unknown_function(other, name.span);
                unknown(span)
            }
        }
    }

    /// `round(x, places, mode)`.
    fn round(&mut self, args: &[Expr], span: Span) -> TExpr {
        let [value, places, mode] = args else {
            self.bad_arguments(
                format!("`round` takes 3 arguments, not {}", args.len()),
                "say the places and the mode: round(x, 2, half_up); modes are half_up, half_even, half_down, down, up",
                span,
            );
            return unknown(span);
        };
        let value = self.expr(value);
        if !value.ty.is_numeric() {
            self.bad_arguments(
                format!("`round` needs a number, not {}", value.ty.described()),
                "round a number, percentage or amount",
                span,
            );
        }
        let places = self.places(places);
        let mode = self.mode(mode);
        let ty = value.ty;
        match (places, mode) {
            (Some(p), Some(m)) => TExpr {
                kind: TExprKind::Round(Box::new(value), p, m),
                ty,
                span,
            },
            _ => unknown(span),
        }
    }

    /// `min`, `max`, `clamp` and `abs`: numbers of one kind in, the same kind out.
    fn numeric_call(&mut self, name: &str, args: &[Expr], span: Span) -> TExpr {
        let (func, arity_ok, arity) = match name {
            "min" => (Func::Min, args.len() >= 2, "at least 2"),
            "max" => (Func::Max, args.len() >= 2, "at least 2"),
            "clamp" => (Func::Clamp, args.len() == 3, "3 (value, low, high)"),
            _ => (Func::Abs, args.len() == 1, "1"),
        };
        if !arity_ok {
            self.bad_arguments(
                format!("`{name}` takes {arity} arguments, not {}", args.len()),
                "min(a, b), max(a, b), clamp(x, low, high), abs(x)",
                span,
            );
            return unknown(span);
        }
        let typed: Vec<TExpr> = args.iter().map(|a| self.expr(a)).collect();
        match self.common_type(name, &typed, span) {
            Some(ty) => TExpr {
                kind: TExprKind::Call(func, typed),
                ty,
                span,
            },
            None => unknown(span),
        }
    }

    /// The one kind of number the arguments of `name` are, after reporting any
    /// argument that is not a number or not of the same kind as the first.
    #[inline(never)]
    fn common_type(&mut self, name: &str, typed: &[TExpr], span: Span) -> Option<Type> {
        let mut ty = Type::Unknown;
        for arg in typed {
            if !arg.ty.is_numeric() {
                self.bad_arguments(
                    format!("`{name}` needs numbers, not {}", arg.ty.described()),
                    "pass numbers, percentages or amounts",
                    span,
                );
                return None;
            }
            match ty.unify(arg.ty) {
                Some(t) => ty = t,
                None => {
                    self.mismatch(
                        &format!("the arguments of `{name}` are of different kinds"),
                        span,
                        &typed[0],
                        arg,
                    );
                    return None;
                }
            }
        }
        Some(ty)
    }

    #[cold]
    #[inline(never)]
    fn bad_arguments(&mut self, message: String, hint: &str, span: Span) {
        self.error(
            Diagnostic::error(codes::BAD_ARGUMENTS, message, span)
                .with_label("here")
                .with_hint(hint.to_string()),
        );
    }

    #[cold]
    #[inline(never)]
    fn unknown_function(&mut self, name: &str, span: Span) {
        let d = Diagnostic::error(
            codes::UNKNOWN_FUNCTION,
            format!("unknown function `{name}`"),
            span,
        )
        .with_label("no such function");
        let d = match closest(name, FUNCTIONS.into_iter()) {
            Some(s) => d
                .with_hint(format!("did you mean `{s}`?"))
                .with_suggestion(s),
            None => d.with_hint(format!("the functions are {}", FUNCTIONS.join(", "))),
        };
        self.error(d);
    }

    /// The position of the value an item name refers to here: for an item computed
    /// for each week or day, its value for the week or day being checked; `None` after
    /// reporting that such an item is read where no week or day is.
    fn slice_of(&mut self, name: &str, pos: usize, span: Span) -> Option<usize> {
        let Some(slice) = self.items[pos].slice else {
            return Some(pos);
        };
        match self.slice {
            Some(current) if current.by == slice.by => self
                .slices
                .get(&pos)
                .and_then(|all| all.get(current.index))
                .copied(),
            _ => {
                self.error(
                    Diagnostic::error(
                        codes::LEVEL,
                        format!("`{name}` has a value for each week (or day) of the month, and this is one value for the month"),
                        span,
                    )
                    .with_label("one value per week or day")
                    .with_hint(format!("reduce it over the weeks, as in `min({name})` or `max({name})`")),
                );
                None
            }
        }
    }

    /// A value of the run or the record's period, read by name.
    fn builtin(&mut self, name: &str, span: Span) -> TExpr {
        let Some(&(builtin, _, ty)) = Builtin::ALL.iter().find(|(_, n, _)| *n == name) else {
            return unknown(span);
        };
        if self.period.is_none() && builtin != Builtin::RulesVersion {
            self.error(
                Diagnostic::error(
                    codes::PERIOD,
                    format!("`{name}` is a value of the record's month, and this ruleset scores no period"),
                    span,
                )
                .with_label("no period")
                .with_hint("say which column places each record in a month, as in `period month from date`"),
            );
            return unknown(span);
        }
        TExpr {
            kind: TExprKind::Builtin(builtin),
            ty,
            span,
        }
    }

    /// The calendar functions: each argument a date or a month, as the function needs.
    fn calendar_call(
        &mut self,
        name: &crate::syntax::ast::Ident,
        args: &[Expr],
        span: Span,
    ) -> TExpr {
        let Some((func, wanted, result)) = self.calendar_signature(&name.name, args, span) else {
            return unknown(span);
        };
        let typed: Vec<TExpr> = args.iter().map(|a| self.expr(a)).collect();
        if !self.calendar_arguments(&name.name, func, wanted, &typed) {
            return unknown(span);
        }
        TExpr {
            kind: TExprKind::Call(func, typed),
            ty: result,
            span,
        }
    }

    /// The calendar function `name` is, the types of its arguments and of its value;
    /// `None` after reporting a call it cannot answer.
    #[inline(never)]
    fn calendar_signature(
        &mut self,
        name: &str,
        args: &[Expr],
        span: Span,
    ) -> Option<(Func, &'static [Type], Type)> {
        use Type::{Bool, Count, Date, Month, Number};
        let (func, wanted, result): (Func, &'static [Type], Type) = match name {
            "days_between" => (Func::DaysBetween, &[Date, Date], Number),
            "month_of" => (Func::MonthOf, &[Date], Month),
            "week_of" => (Func::WeekOf, &[Date], Count),
            "first_day" => (Func::FirstDay, &[Month], Date),
            "last_day" => (Func::LastDay, &[Month], Date),
            "days_in_month" => (Func::DaysInMonth, &[Month], Number),
            "period_days" => (Func::PeriodDays, &[Date, Date], Number),
            _ => (Func::Known, &[Type::Unknown], Bool),
        };
        if args.len() != wanted.len() {
            self.error(
                Diagnostic::error(
                    codes::BAD_ARGUMENTS,
                    format!(
                        "`{name}` takes {} argument{}, not {}",
                        wanted.len(),
                        if wanted.len() == 1 { "" } else { "s" },
                        args.len()
                    ),
                    span,
                )
                .with_label("here")
                .with_hint(format!("write it as {}", calendar_usage(func))),
            );
            return None;
        }
        if func == Func::PeriodDays && self.period.is_none() {
            self.error(
                Diagnostic::error(
                    codes::PERIOD,
                    "`period_days` counts days of the record's month, and this ruleset scores no period",
                    span,
                )
                .with_label("no period")
                .with_hint("say which column places each record in a month, as in `period month from month`"),
            );
            return None;
        }
        Some((func, wanted, result))
    }

    /// Whether the typed arguments of calendar function `name` are of the types it
    /// wants; reports the first that is not.
    #[inline(never)]
    fn calendar_arguments(
        &mut self,
        name: &str,
        func: Func,
        wanted: &[Type],
        typed: &[TExpr],
    ) -> bool {
        for (arg, want) in typed.iter().zip(wanted) {
            if *want != Type::Unknown && !arg.ty.compatible(*want) {
                self.error(
                    Diagnostic::error(
                        codes::BAD_ARGUMENTS,
                        format!(
                            "`{name}` needs {}, not {}",
                            want.described(),
                            arg.ty.described()
                        ),
                        arg.span,
                    )
                    .with_label(format!("this is {}", arg.ty.described()))
                    .with_hint(format!("write it as {}", calendar_usage(func))),
                );
                return false;
            }
        }
        true
    }

    /// The rounding mode `ident` names.
    pub(super) fn rounding_mode(
        &mut self,
        ident: &crate::syntax::ast::Ident,
    ) -> Option<RoundingMode> {
        if let Some(mode) = RoundingMode::from_name(&ident.name) {
            return Some(mode);
        }
        let names = RoundingMode::ALL.map(|(n, _)| n);
        let mut d = Diagnostic::error(
            codes::BAD_ARGUMENTS,
            format!("unknown rounding mode `{}`", ident.name),
            ident.span,
        )
        .with_label("not a rounding mode");
        d = match closest(&ident.name, names.into_iter()) {
            Some(s) => d
                .with_hint(format!(
                    "did you mean `{s}`? The modes are {}",
                    names.join(", ")
                ))
                .with_suggestion(s),
            None => d.with_hint(format!("the modes are {}", names.join(", "))),
        };
        self.error(d);
        None
    }

    fn places(&mut self, expr: &Expr) -> Option<u32> {
        if let ExprKind::Literal(Literal {
            kind: LiteralKind::Number(d),
            ..
        }) = &expr.kind
            && d.scale() == 0
            && !d.is_sign_negative()
            && let Ok(p) = u32::try_from(d.mantissa())
            && p <= MAX_ROUND_PLACES
        {
            return Some(p);
        }
        self.error(
            Diagnostic::error(
                codes::BAD_ARGUMENTS,
                format!("the number of places must be a whole number from 0 to {MAX_ROUND_PLACES}"),
                expr.span,
            )
            .with_label("not a number of places")
            .with_hint("for cents write round(x, 2, half_up)"),
        );
        None
    }

    fn mode(&mut self, expr: &Expr) -> Option<RoundingMode> {
        let names = RoundingMode::ALL.map(|(n, _)| n);
        if let ExprKind::Name(ident) = &expr.kind {
            return self.rounding_mode(ident);
        }
        self.error(
            Diagnostic::error(
                codes::BAD_ARGUMENTS,
                "the rounding mode must be named",
                expr.span,
            )
            .with_label("not a rounding mode")
            .with_hint(format!("the modes are {}", names.join(", "))),
        );
        None
    }
}
