//! Checking what reads a record's days or other months: aggregates over the rows a
//! record is rolled up from, items computed for each week or day, reductions over
//! those, and the value of the month before.

use super::model::{
    Body, Item, Kind, Level, PacePart, PaceSpec, PreviousSpec, Ref, RowsSpec, Slice, SlicesSpec,
    TExpr, TExprKind,
};
use super::names::Symbol;
use super::population::Scope;
use super::types::Type;
use super::{Checker, unknown_expr};
use crate::diagnostic::{Diagnostic, Span, codes};
use crate::number::Rational;
use crate::syntax::ast::{Aggregate, AggregateFn, Expr, ExprKind, Slicing};
use crate::syntax::ast::{CmpOp, PaceBody};

impl Checker<'_> {
    /// An aggregate in a record's item, where records are rolled up from rows: a
    /// reduction over the record's rows (in the week or day being checked, for an item
    /// computed for each), or over the weeks of an item computed for each week.
    pub(super) fn rows_aggregate(&mut self, aggregate: &Aggregate, span: Span) -> TExpr {
        if let Some(first) = self.sliced_name(aggregate.value.as_deref()) {
            return self.slices_reduction(aggregate, first, span);
        }
        let Some(parts) = self.aggregate_parts(aggregate, Scope::Rows, span) else {
            return unknown_expr(span);
        };
        let ty = parts.ty;
        self.hidden_item(
            parts.func.name(),
            Level::Member,
            ty,
            Body::Rows(RowsSpec {
                func: parts.func,
                value: parts.value,
                filter: parts.filter,
                when_empty: parts.when_empty,
                slice: self.slice,
            }),
            span,
        )
    }

    /// The first position of the item computed for each week or day that `value`
    /// names, when it names one with other slices than the item being checked.
    fn sliced_name(&self, value: Option<&Expr>) -> Option<usize> {
        let ExprKind::Name(ident) = &value?.kind else {
            return None;
        };
        let Some(Symbol::Item(d)) = self.symbols.get(ident.name.as_str()) else {
            return None;
        };
        let pos = self.positions[*d]?;
        let slice = self.items[pos].slice?;
        match self.slice {
            Some(current) if current.by == slice.by => None,
            _ => Some(pos),
        }
    }

    /// `min(feel_week)`: the reduction over an item's value for each week or day, left
    /// out where it has none.
    fn slices_reduction(&mut self, aggregate: &Aggregate, first: usize, span: Span) -> TExpr {
        let ty = self.items[first].ty;
        let func = aggregate.func;
        let refused = match (func, &aggregate.filter) {
            (AggregateFn::Count, _) => {
                Some("`count` counts rows; reduce the weeks with sum, mean, min or max")
            }
            (_, Some(_)) => Some("a reduction over the weeks takes no `where`"),
            _ if !ty.is_numeric() => Some("only numbers can be reduced"),
            _ => None,
        };
        if let Some(message) = refused {
            self.error(
                Diagnostic::error(codes::AGGREGATE, message, span)
                    .with_label("over the weeks")
                    .with_hint(
                        "write it as `min(feel_week)`, `max(...)`, `sum(...)` or `mean(...)`",
                    ),
            );
            return unknown_expr(span);
        }
        let when_empty = aggregate
            .when_empty
            .as_ref()
            .and_then(|literal| self.empty_value(literal, ty));
        let ty = if func == AggregateFn::Mean && ty == Type::Count {
            Type::Number
        } else {
            ty
        };
        let parts = self.slices.get(&first).cloned().unwrap_or_default();
        self.hidden_item(
            func.name(),
            Level::Member,
            ty,
            Body::Slices(SlicesSpec {
                func,
                parts,
                when_empty,
            }),
            span,
        )
    }

    /// `previous(x)`: the value of item `x` in the month before the record's, for the
    /// same record (by key) or, for a group item, the same group.
    pub(super) fn previous(&mut self, args: &[Expr], span: Span) -> TExpr {
        let named = match args {
            [
                Expr {
                    kind: ExprKind::Name(ident),
                    ..
                },
            ] => self.symbols.get(ident.name.as_str()).copied(),
            _ => None,
        };
        let hint = "write the name of an item, as in `previous(team_feel)`";
        let Some(Symbol::Item(d)) = named else {
            self.error(
                Diagnostic::error(
                    codes::BAD_ARGUMENTS,
                    "`previous` reads an item's value in the month before",
                    span,
                )
                .with_label("not the name of an item")
                .with_hint(hint),
            );
            return unknown_expr(span);
        };
        if self.period.is_none() {
            self.error(
                Diagnostic::error(
                    codes::PERIOD,
                    "`previous` reads the month before the record's, and this ruleset scores no period",
                    span,
                )
                .with_label("no period")
                .with_hint("say which column places each record in a month, as in `period month from date`"),
            );
            return unknown_expr(span);
        }
        let Some(pos) = self.positions[d] else {
            return unknown_expr(span);
        };
        let item = &self.items[pos];
        if item.slice.is_some() {
            self.error(
                Diagnostic::error(codes::LEVEL, "`previous` reads a value of the whole month, and this item has one for each week or day", span)
                    .with_label("computed for each week or day")
                    .with_hint("reduce it in an item of its own, as in `let lowest = min(feel_week)`, and read that"),
            );
            return unknown_expr(span);
        }
        let (ty, level) = (item.ty, item.level);
        let column = match level {
            Level::Group(g) => {
                self.check_level("previous", level, span);
                Some(g)
            }
            Level::Member => None,
        };
        let body = Body::Previous(PreviousSpec { item: pos, column });
        self.hidden_item("previous", level, ty, body, span)
    }

    /// A warning's body: the ratio split into its parts, the target checked, and the
    /// item for what it would take a day added before it.
    pub(super) fn pace(&mut self, pace: &PaceBody, when_zero: Option<Rational>) -> Body {
        let ratio = self.expr(&pace.ratio);
        let division = matches!(
            ratio.kind,
            TExprKind::Binary(crate::syntax::ast::BinOp::Div, _, _)
        );
        let target = self.literal_value(&pace.target).map(|(value, ty)| {
            if division && !ty.compatible(ratio.ty) {
                self.error(
                    Diagnostic::error(
                        codes::TYPE_MISMATCH,
                        format!(
                            "the ratio is {} but its target is {}",
                            ratio.ty.described(),
                            ty.described()
                        ),
                        pace.target.span,
                    )
                    .with_label(format!("this is {}", ty.described()))
                    .with_hint("write the target as the ratio is, such as 90% for a rate"),
                );
            }
            value
        });
        let problem = if self.period.is_none() {
            Some((
                "a warning projects the month from the days so far, and this ruleset scores no period",
                "say which column places each record in a month, as in `period month from date`",
            ))
        } else if !matches!(pace.op, CmpOp::Ge | CmpOp::Gt) {
            Some((
                "a warning's target is one to reach: write `>=` or `>`",
                "for a rate that must stay low, warn on its complement, as in `resolved / complaints >= 98%`",
            ))
        } else {
            None
        };
        if let Some((message, hint)) = problem {
            self.error(
                Diagnostic::error(codes::PERIOD, message, pace.span)
                    .with_label("a warning")
                    .with_hint(hint),
            );
        }
        let (numerator, denominator) = match ratio.kind {
            TExprKind::Binary(crate::syntax::ast::BinOp::Div, n, d) => (*n, *d),
            _ => {
                if ratio.ty != Type::Unknown {
                    self.error(
                        Diagnostic::error(codes::PERIOD, "a warning watches a ratio of two sums, and this is not a division", ratio.span)
                            .with_label("not a division")
                            .with_hint("write it as `answered / offered >= 90% by month end`, each a sum of the month so far"),
                    );
                }
                let none = unknown_expr(ratio.span);
                (none.clone(), none)
            }
        };
        let spec = |part| PaceSpec {
            numerator: numerator.clone(),
            denominator: denominator.clone(),
            op: pace.op,
            target: target.clone().unwrap_or(Rational::ZERO),
            when_zero: when_zero.clone(),
            part,
        };
        let needed = self.hidden_item(
            "needed",
            Level::Member,
            Type::Number,
            Body::Pace(spec(PacePart::Needed)),
            pace.span,
        );
        let TExprKind::Ref(Ref::Item(needed)) = needed.kind else {
            return Body::Pace(spec(PacePart::Needed));
        };
        Body::Pace(spec(PacePart::Status(needed)))
    }

    /// `warning` is the kind of an item with a warning's body, and of no other.
    pub(super) fn check_warning_kind(&mut self, decl: &crate::syntax::ast::ItemDecl) {
        use crate::syntax::ast::{ItemBody, ItemKind};
        let (message, hint) = match (decl.kind, &decl.body) {
            (ItemKind::Warning, ItemBody::Pace(_)) => return,
            (_, ItemBody::Pace(_)) => (
                "`... by month end` is a warning's body",
                "declare it with `warning`, as in `warning answer_pace = answered / offered >= 90% by month end`",
            ),
            (ItemKind::Warning, _) => (
                "a warning watches a ratio against a target by the month's end",
                "write it as `warning answer_pace = answered / offered >= 90% by month end`",
            ),
            _ => return,
        };
        self.error(
            Diagnostic::error(codes::PERIOD, message, decl.span)
                .with_label("a warning")
                .with_hint(hint),
        );
    }

    /// Adds a computed part of an item as an item of its own, computed before it; the
    /// expression refers to that item.
    pub(super) fn hidden_item(
        &mut self,
        name: &str,
        level: Level,
        ty: Type,
        body: Body,
        span: Span,
    ) -> TExpr {
        let position = self.items.len();
        self.items.push(Item {
            name: name.to_string(),
            label: None,
            kind: Kind::Aggregate,
            level,
            ty,
            body,
            // A part of an item computed for each week or day is of that week or day.
            slice: self.slice,
            cap: None,
            floor: None,
            vetoes: Vec::new(),
            formula: span,
            span,
        });
        TExpr {
            kind: TExprKind::Ref(Ref::Item(position)),
            ty,
            span,
        }
    }

    /// Whether an item may be computed `by week` or `by day` here, reporting why not:
    /// only where records are rolled up from daily rows.
    pub(super) fn check_slicing(&mut self, by: Slicing, span: Span) -> bool {
        if self.rows {
            return true;
        }
        let what = match by {
            Slicing::Week => "by week",
            Slicing::Day => "by day",
        };
        self.error(
            Diagnostic::error(
                codes::PERIOD,
                "an item is computed for each week or day from daily rows, and this ruleset's records are not rolled up from them",
                span,
            )
            .with_label(what)
            .with_hint("say which date column places each row in a month, as in `period month from date`"),
        );
        false
    }
}

/// The slices of an item computed for each week or day: as many as a month can hold.
pub(super) fn each_slice(by: Slicing) -> impl Iterator<Item = Slice> {
    let count = match by {
        Slicing::Week => crate::time::MAX_WEEKS,
        Slicing::Day => 31,
    };
    (0..count).map(move |index| Slice { by, index })
}
