//! Checking what reads more than one record: levels (member or group values),
//! aggregates over a group's members, ranks and forced distributions.

use super::model::{
    AggregateSpec, Band, Body, DistributionSpec, Item, Kind, Level, RankSpec, ShareSpec,
    SmallGroupSpec, SortKey, TExpr,
};
use super::names::Symbol;
use super::types::Type;
use super::{Checker, unknown_expr};
use crate::diagnostic::{Diagnostic, Span, codes};
use crate::number::Rational;
use crate::syntax::ast::{
    Aggregate, AggregateFn, Clause, Distribution, GradeDecl, GradeRow, Ident, Literal, RankBody,
    ShareBody, TiePolicy,
};

/// What an aggregate reduces, checked.
pub(super) struct AggregateParts {
    pub func: AggregateFn,
    pub value: Option<TExpr>,
    pub filter: Option<TExpr>,
    pub ty: Type,
    pub when_empty: Option<Option<Rational>>,
}

/// Where an expression is being checked, for its level.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Scope {
    /// A record's own item, a veto or an output: any value, group values included.
    #[default]
    Member,
    /// A group item of the groups of this input: group values, and member values
    /// only through an aggregate.
    Group(usize),
    /// Inside an aggregate of the groups of this input: member values.
    Aggregate(usize),
    /// A group item whose column is not usable, already reported: nothing more is.
    Unknown,
    /// Inside an aggregate over a record's rows: the row's own columns.
    Rows,
}

impl Checker<'_> {
    /// Reports a reference to a value of `level` where the scope does not allow it.
    pub(super) fn check_level(&mut self, name: &str, level: Level, span: Span) {
        let group = match (self.scope, level) {
            (Scope::Member | Scope::Unknown | Scope::Rows, _) => return,
            (Scope::Group(g) | Scope::Aggregate(g), Level::Group(h)) if g == h => return,
            (Scope::Aggregate(_), Level::Member) => return,
            (Scope::Group(g) | Scope::Aggregate(g), _) => g,
        };
        let column = self.inputs[group].name.clone();
        // The group's own column is the same for every member.
        if self.symbols.get(name) == Some(&Symbol::Input(group)) {
            return;
        }
        let diagnostic = match level {
            Level::Member => Diagnostic::error(
                codes::LEVEL,
                format!(
                    "`{name}` is each member's own value, and this item is one value per `{column}`"
                ),
                span,
            )
            .with_label("a member's value")
            .with_hint(format!(
                "reduce it over the members, as in `sum({name})`, `mean({name})` or `max({name})`"
            )),
            Level::Group(other) => Diagnostic::error(
                codes::LEVEL,
                format!(
                    "`{name}` is one value per `{}`, and this item is one value per `{column}`",
                    self.inputs[other].name
                ),
                span,
            )
            .with_label("another grouping's value")
            .with_hint("compute it over the same column, or use it in a member's item"),
        };
        self.error(diagnostic);
    }

    /// The input a group is formed by (`over team`, `within team`).
    pub(super) fn group_column(&mut self, ident: &Ident) -> Option<usize> {
        match self.symbols.get(ident.name.as_str()).copied() {
            Some(Symbol::Input(i)) if matches!(self.inputs[i].ty, Type::Text | Type::Count) => {
                Some(i)
            }
            Some(_) => {
                self.error(
                    Diagnostic::error(
                        codes::GROUP_COLUMN,
                        format!(
                            "records are grouped by a text or count input, and `{}` is not one",
                            ident.name
                        ),
                        ident.span,
                    )
                    .with_label("not a text or count input")
                    .with_hint("name the column that holds the group, such as `over team`"),
                );
                None
            }
            None => {
                if !self.unread("", Some(&ident.name)) {
                    let d = self.unknown_name(&ident.name, ident.span);
                    self.error(d);
                }
                None
            }
        }
    }

    /// Checks an aggregate and adds it as an item of its own, computed before the
    /// item it is written in; the expression refers to that item.
    pub(super) fn aggregate(&mut self, aggregate: &Aggregate, span: Span) -> TExpr {
        if self.scope == Scope::Member && self.rows && !self.checking_veto {
            return self.rows_aggregate(aggregate, span);
        }
        let group = match self.scope {
            Scope::Group(g) if !self.checking_veto => g,
            Scope::Unknown => return unknown_expr(span),
            scope => {
                let message = match scope {
                    Scope::Aggregate(_) => "an aggregate cannot be written inside another",
                    _ if self.checking_veto => "a veto cannot compute an aggregate",
                    _ => "an aggregate is computed for a group, and this is a member's item",
                };
                let hint = match scope {
                    Scope::Aggregate(_) => {
                        "compute the inner one in a group item of its own and refer to it"
                    }
                    _ => {
                        "compute it in a group item, as in `let team_calls over team = sum(calls_offered)`, and use that name"
                    }
                };
                self.error(
                    Diagnostic::error(codes::LEVEL, message, span)
                        .with_label("aggregate")
                        .with_hint(hint),
                );
                return unknown_expr(span);
            }
        };
        let Some(parts) = self.aggregate_parts(aggregate, Scope::Aggregate(group), span) else {
            return unknown_expr(span);
        };
        let body = Body::Aggregate(AggregateSpec {
            func: parts.func,
            value: parts.value,
            filter: parts.filter,
            group,
            when_empty: parts.when_empty,
        });
        self.hidden_item(parts.func.name(), Level::Group(group), parts.ty, body, span)
    }

    /// The reduction, value, filter, type and `when empty` value of an aggregate, its
    /// value and filter checked in scope `inner`; `None` after reporting why there is
    /// none.
    pub(super) fn aggregate_parts(
        &mut self,
        aggregate: &Aggregate,
        inner: Scope,
        span: Span,
    ) -> Option<AggregateParts> {
        let func = aggregate.func;
        let outer = self.scope;
        self.scope = inner;
        let value = aggregate.value.as_ref().map(|v| self.expr(v));
        let filter = aggregate
            .filter
            .as_ref()
            .map(|f| self.condition(f, "`where`"));
        self.scope = outer;
        let ty = match (func, &value) {
            (AggregateFn::Count, None) => Type::Count,
            (AggregateFn::Count, Some(v)) => {
                self.error(
                    Diagnostic::error(
                        codes::AGGREGATE,
                        "`count` counts members and takes no value",
                        v.span,
                    )
                    .with_label("a value")
                    .with_hint("write `count()` for every member, or `count(where condition)`"),
                );
                Type::Count
            }
            (_, None) => {
                self.error(
                    Diagnostic::error(
                        codes::AGGREGATE,
                        format!("`{}` needs the member value it reduces", func.name()),
                        span,
                    )
                    .with_label("no value")
                    .with_hint(format!("write it as `{}(calls_answered)`", func.name())),
                );
                return None;
            }
            (_, Some(v)) if !v.ty.is_numeric() => {
                if v.ty != Type::Unknown {
                    self.error(
                        Diagnostic::error(
                            codes::AGGREGATE,
                            format!("`{}` needs numbers, not {}", func.name(), v.ty.described()),
                            v.span,
                        )
                        .with_label(format!("this is {}", v.ty.described()))
                        .with_hint("reduce a count, number, percentage or amount"),
                    );
                }
                return None;
            }
            // The mean of whole numbers need not be whole.
            (AggregateFn::Mean, Some(v)) if v.ty == Type::Count => Type::Number,
            (_, Some(v)) => v.ty,
        };
        let when_empty = aggregate
            .when_empty
            .as_ref()
            .and_then(|literal| self.empty_value(literal, ty));
        Some(AggregateParts {
            func,
            value,
            filter,
            ty,
            when_empty,
        })
    }

    pub(super) fn empty_value(&mut self, literal: &Literal, ty: Type) -> Option<Option<Rational>> {
        if literal.kind == crate::syntax::ast::LiteralKind::None {
            return Some(None);
        }
        let (value, literal_ty) = self.literal_value(literal)?;
        if !literal_ty.compatible(ty) {
            self.error(
                Diagnostic::error(
                    codes::AGGREGATE,
                    format!(
                        "the aggregate is {} but its `when empty` value is {}",
                        ty.described(),
                        literal_ty.described()
                    ),
                    literal.span,
                )
                .with_label(format!("this is {}", literal_ty.described())),
            );
        }
        Some(Some(value))
    }

    /// Checks the keys of an order: each a member value that can be ordered.
    fn sort_keys(&mut self, keys: &[crate::syntax::ast::SortKey]) -> Vec<SortKey> {
        keys.iter()
            .map(|key| {
                let value = self.expr(&key.value);
                if !(value.ty.is_numeric() || matches!(value.ty, Type::Text | Type::Unknown)) {
                    self.error(
                        Diagnostic::error(
                            codes::RANK,
                            format!(
                                "members are ordered by numbers or text, not by {}",
                                value.ty.described()
                            ),
                            value.span,
                        )
                        .with_label(format!("this is {}", value.ty.described()))
                        .with_hint(
                            "order by a score, a rate, an amount or a text such as the agent's ID",
                        ),
                    );
                }
                SortKey {
                    value,
                    highest_first: key.highest_first,
                }
            })
            .collect()
    }

    /// A rank or percentile item's body and type, with its `ties` and `when excluded`
    /// clauses.
    pub(super) fn rank(&mut self, rank: &RankBody, clauses: &[Clause]) -> (Body, Type) {
        // A rank `over` a group ranks the groups, by their values.
        let per_group = match self.scope {
            Scope::Group(g) => Some(g),
            _ => None,
        };
        let keys = self.sort_keys(&rank.keys);
        let within = rank.within.as_ref().and_then(|w| self.group_column(w));
        let filter = rank.filter.as_ref().map(|f| self.condition(f, "`where`"));
        let ty = if rank.percentile {
            Type::Percent
        } else {
            Type::Count
        };
        let mut ties = None;
        let mut when_excluded = None;
        for clause in clauses {
            match clause {
                Clause::Ties(policy, span) => {
                    if rank.percentile {
                        self.error(
                            Diagnostic::error(codes::RANK, "a percentile gives tied members the same value, so it takes no `ties`", *span)
                                .with_label("not for a percentile")
                                .with_hint("remove the clause"),
                        );
                    }
                    ties = Some(*policy);
                }
                Clause::WhenExcluded(literal, span) => {
                    if rank.filter.is_none() {
                        self.error(
                            Diagnostic::error(codes::RANK, "`when excluded` is for a rank with `where`, and this one ranks every member", *span)
                                .with_label("nothing is excluded")
                                .with_hint("remove the clause, or add `where` and a condition"),
                        );
                    }
                    if literal.kind == crate::syntax::ast::LiteralKind::None {
                        when_excluded = Some(None);
                    } else if let Some((value, literal_ty)) = self.literal_value(literal) {
                        if !literal_ty.compatible(ty) {
                            self.error(
                                Diagnostic::error(
                                    codes::RANK,
                                    format!(
                                        "the rank is {} but its `when excluded` value is {}",
                                        ty.described(),
                                        literal_ty.described()
                                    ),
                                    literal.span,
                                )
                                .with_label(format!("this is {}", literal_ty.described())),
                            );
                        }
                        when_excluded = Some(Some(value));
                    }
                }
                _ => {}
            }
        }
        if ties.is_none() && !rank.percentile {
            self.error(
                Diagnostic::error(codes::RANK, "a rank must say how tied members are ranked", rank.span)
                    .with_label("no tie policy")
                    .with_hint("add `, ties shared` (1, 2, 2, 4), `, ties dense` (1, 2, 2, 3) or `, ties strict` (a tie is an error; list tie-breaks with `then`)"),
            );
        }
        if rank.filter.is_some() && when_excluded.is_none() {
            self.error(
                Diagnostic::error(
                    codes::RANK,
                    "this rank leaves some records out, and does not say what they get",
                    rank.span,
                )
                .with_label("no value for the records left out")
                .with_hint("add `, when excluded 0`"),
            );
        }
        let body = Body::Rank(RankSpec {
            percentile: rank.percentile,
            keys,
            within,
            filter,
            ties: ties.unwrap_or(TiePolicy::Strict),
            when_excluded,
            per_group,
        });
        (body, ty)
    }

    /// A share's body, with its `remainder` clause.
    pub(super) fn share(&mut self, share: &ShareBody, clauses: &[Clause]) -> Body {
        let within = self.group_column(&share.within);
        // The amount is one per group: checked as a group item's formula is.
        self.scope = within.map_or(Scope::Unknown, Scope::Group);
        let amount = self.expr(&share.amount);
        self.scope = Scope::Member;
        if amount.ty != Type::Money && amount.ty != Type::Unknown {
            self.error(
                Diagnostic::error(
                    codes::SHARE,
                    format!(
                        "a share divides an amount of money, not {}",
                        amount.ty.described()
                    ),
                    amount.span,
                )
                .with_label(format!("this is {}", amount.ty.described()))
                .with_hint("share an amount, such as a team reward of 3000 CNY"),
            );
        }
        let weight = share.weight.as_ref().map(|w| {
            let weight = self.expr(w);
            if !weight.ty.is_numeric() && weight.ty != Type::Unknown {
                self.error(
                    Diagnostic::error(
                        codes::SHARE,
                        format!("a weight is a number, not {}", weight.ty.described()),
                        weight.span,
                    )
                    .with_label(format!("this is {}", weight.ty.described()))
                    .with_hint("weigh by a score, a count or an amount, or leave `by` out for equal shares"),
                );
            }
            weight
        });
        let filter = share.filter.as_ref().map(|f| self.condition(f, "`where`"));
        let remainder = clauses.iter().find_map(|c| match c {
            Clause::Remainder(keys, _) => Some(keys),
            _ => None,
        });
        let remainder = match remainder {
            Some(keys) => self.sort_keys(keys),
            None => {
                self.error(
                    Diagnostic::error(codes::SHARE, "a share must say who gets the fens that do not divide evenly", share.span)
                        .with_label("no remainder order")
                        .with_hint("add `, remainder agent_id lowest first` (or another order): they go one fen each in that order"),
                );
                Vec::new()
            }
        };
        match within {
            Some(within) => Body::Share(ShareSpec {
                amount,
                within,
                weight,
                filter,
                remainder,
            }),
            None => Body::Expr(unknown_expr(share.span)),
        }
    }

    /// A grade handed out by share of a group.
    pub(super) fn distributed_grade(&mut self, decl: &GradeDecl, d: &Distribution) -> Item {
        let position = self.items.len();
        let keys = self.sort_keys(&d.keys);
        let within = self.group_column(&d.within);
        let slots = self.rounding_mode(&d.slots);
        let rows: Vec<GradeRow> = d
            .shares
            .iter()
            .map(|s| GradeRow {
                test: None,
                grade: s.grade.clone(),
                coefficient: s.coefficient.clone(),
                span: s.span,
            })
            .collect();
        let rows: Vec<&GradeRow> = rows.iter().collect();
        let (bands, has_coefficients) = self.bands(&rows, None);
        let mut shares = Vec::new();
        let mut total = Rational::ZERO;
        for row in &d.shares {
            let share = match self.literal_value(&row.share) {
                Some((v, Type::Percent)) if !v.is_negative() => v,
                Some(_) => {
                    self.error(
                        Diagnostic::error(
                            codes::SHARES,
                            "a share is a percentage of the group, zero or more",
                            row.share.span,
                        )
                        .with_label("not a share")
                        .with_hint("write it as `20% : A`"),
                    );
                    Rational::ZERO
                }
                None => Rational::ZERO,
            };
            total = total.checked_add(&share).unwrap_or(total);
            shares.push(share);
        }
        if total != Rational::ONE && !d.shares.is_empty() {
            let written: Vec<String> = shares.iter().map(crate::number::shown_percent).collect();
            let first = d.shares[0].span;
            let last = d.shares[d.shares.len() - 1].span;
            self.error(
                Diagnostic::error(
                    codes::SHARES,
                    format!(
                        "the shares add up to {}, not 100%",
                        crate::number::shown_percent(&total)
                    ),
                    first.to(last),
                )
                .with_label(written.join(" + "))
                .with_hint("every member gets a grade, so the shares must add up to exactly 100%"),
            );
        }
        if d.shares.len() < 2 {
            self.error(
                Diagnostic::error(
                    codes::SHARES,
                    "a distribution hands out at least two grades",
                    d.span,
                )
                .with_label("fewer than two share rows")
                .with_hint("add rows such as `20% : A`, `70% : B`, `10% : C`"),
            );
        }
        // The largest share takes what rounding the others leaves; the first such.
        let remainder_band = shares
            .iter()
            .enumerate()
            .fold(0, |best, (i, s)| if *s > shares[best] { i } else { best });
        let small_group = d
            .small_group
            .as_ref()
            .and_then(|small| self.small_group(small, &bands, decl));
        let formula_end = d
            .small_group
            .as_ref()
            .map(|s| {
                s.otherwise
                    .as_ref()
                    .or(s.rows.last())
                    .map_or(s.span, |r| r.span)
            })
            .or(d.shares.last().map(|r| r.span))
            .unwrap_or(d.span);
        let body = match (within, slots) {
            (Some(within), Some(slots)) => Body::Distribution(DistributionSpec {
                keys,
                within,
                shares,
                slots,
                remainder_band,
                small_group,
                bands,
                has_coefficients,
            }),
            _ => Body::Expr(unknown_expr(d.span)),
        };
        Item {
            name: decl.name.name.clone(),
            label: decl.label.as_ref().map(|l| l.text.clone()),
            kind: Kind::Grade,
            level: Level::Member,
            ty: Type::Grade(position),
            body,
            cap: None,
            floor: None,
            slice: None,
            vetoes: Vec::new(),
            formula: d.span.to(formula_end),
            span: decl.span,
        }
    }

    fn small_group(
        &mut self,
        small: &crate::syntax::ast::SmallGroup,
        bands: &[Band],
        decl: &GradeDecl,
    ) -> Option<SmallGroupSpec> {
        let under = match self.literal_value(&small.under) {
            Some((v, Type::Count | Type::Number)) if v.is_integer() && !v.is_negative() => {
                usize::try_from(v.numer()).ok()
            }
            _ => None,
        };
        let Some(under) = under else {
            self.error(
                Diagnostic::error(
                    codes::SHARES,
                    "a group size is a whole number",
                    small.under.span,
                )
                .with_label("not a whole number")
                .with_hint("write it as `under 5 members`"),
            );
            return None;
        };
        let subject = self.subject(&small.subject);
        let mut tests = Vec::new();
        let mut otherwise = None;
        let mut row_tests = Vec::new();
        for row in small.rows.iter().chain(&small.otherwise) {
            let band = bands.iter().position(|b| b.label == row.grade.name);
            let Some(band) = band else {
                let labels: Vec<&str> = bands.iter().map(|b| b.label.as_str()).collect();
                self.error(
                    Diagnostic::error(
                        codes::SHARES,
                        format!(
                            "the grade {} is not one the distribution hands out",
                            row.grade.name
                        ),
                        row.grade.span,
                    )
                    .with_label("not a share row's grade")
                    .with_hint(format!("use one of {}", labels.join(", "))),
                );
                continue;
            };
            if row.coefficient.is_some() {
                self.error(
                    Diagnostic::error(
                        codes::SHARES,
                        "a small group's band takes the coefficient of its share row",
                        row.span,
                    )
                    .with_label("coefficient given again")
                    .with_hint("remove the coefficient here; it is written on the share row"),
                );
            }
            match &row.test {
                Some((op, literal)) => {
                    if let Some(t) = self.threshold(literal, &subject) {
                        tests.push(((*op, t.clone()), band));
                        row_tests.push(super::tables::RowTest {
                            op: *op,
                            threshold: t,
                            span: row.span,
                        });
                    }
                }
                None => otherwise = Some(band),
            }
        }
        self.check_row_order(&row_tests, "grade");
        let Some(otherwise) = otherwise else {
            self.missing_else(decl.name.span, "grade band", "else : C");
            return None;
        };
        Some(SmallGroupSpec {
            under,
            subject,
            tests,
            otherwise,
        })
    }
}
