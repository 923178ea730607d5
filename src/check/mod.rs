//! Checking: resolves names, checks types and units, orders items by dependency, and
//! reports every problem at once.

mod cases;
pub(crate) mod exprs;
mod items;
mod lints;
pub mod model;
pub(crate) mod names;
mod order;
mod periods;
mod population;
mod tables;
pub mod types;
pub(crate) mod versions;

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Span, codes};
use crate::number::Rational;
use crate::syntax::ast::{
    GradeDecl, InputDecl, InputType, ItemDecl, OutputDecl, RuleFile, Statement, VetoDecl,
};
pub(super) use exprs::unknown as unknown_expr;
use model::{Input, Item, Model, Output};
use names::Symbol;
use types::Type;

/// Checks a parsed rule file. Returns the model when there are no errors, and every
/// diagnostic found either way.
pub fn check(file: &RuleFile) -> (Option<Model>, Vec<Diagnostic>) {
    let mut checker = Checker {
        unread: &file.unread,
        ..Checker::default()
    };
    let header = checker.header(file);
    checker.declare(file);
    checker.check_inputs();
    let keys = checker.check_keys(&header);
    checker.period = checker.check_period(&header);
    checker.rows = checker
        .period
        .is_some_and(|p| checker.inputs[p].ty == Type::Date);
    checker.check_veto_targets();
    let order = checker.order_items();
    for decl in order {
        checker.check_item(decl);
    }
    // Items caught in or behind a cycle are still checked, so their other
    // problems are reported in the same run; the model is not built.
    let unplaced: Vec<usize> = (0..checker.decls.len())
        .filter(|&d| checker.positions[d].is_none())
        .collect();
    for decl in unplaced {
        checker.check_item(decl);
    }
    let outputs: Vec<Output> = checker
        .outputs
        .clone()
        .into_iter()
        .map(|o| checker.check_output(o))
        .collect();
    let tests = checker.check_cases(file, &keys, &outputs);
    let diagnostics = std::mem::take(&mut checker.diagnostics);
    if diagnostics
        .iter()
        .any(|d| d.severity == crate::diagnostic::Severity::Error)
    {
        return (None, diagnostics);
    }
    let model = Model {
        name: header.name.map(|(n, _)| n).unwrap_or_default(),
        title: header.title,
        version: header.version,
        currency: header.currency.map(|(c, _)| c),
        unit: header.unit.map(|(u, label, _)| (u, label)),
        keys,
        period: checker.period,
        effective_from: header.effective_from,
        inputs: checker.inputs,
        items: checker.items,
        outputs,
        tests,
    };
    let input_spans: Vec<Span> = checker.input_decls.iter().map(|d| d.name.span).collect();
    let mut diagnostics = diagnostics;
    // A file with statements that could not be read would warn of what they use.
    if file.unread.is_empty() {
        diagnostics.extend(lints::lints(&model, &input_spans));
    }
    (Some(model), diagnostics)
}

/// An item definition before checking: a plain item or a grade band.
#[derive(Clone, Copy)]
pub(crate) enum Decl<'a> {
    Item(&'a ItemDecl),
    Grade(&'a GradeDecl),
}

impl Decl<'_> {
    fn name(&self) -> &crate::syntax::ast::Ident {
        match self {
            Decl::Item(i) => &i.name,
            Decl::Grade(g) => &g.name,
        }
    }
}

#[derive(Default)]
struct Header {
    name: Option<(String, Span)>,
    title: Option<String>,
    version: Option<String>,
    currency: Option<(String, Span)>,
    unit: Option<(String, Option<String>, Span)>,
    keys: Vec<(String, Span)>,
    key_span: Option<Span>,
    period: Option<(String, Span)>,
    effective_from: Option<crate::time::Day>,
    ruleset_span: Option<Span>,
}

#[derive(Default)]
pub(crate) struct Checker<'a> {
    pub diagnostics: Vec<Diagnostic>,
    /// Names of inputs and items.
    pub symbols: HashMap<&'a str, Symbol>,
    pub output_names: HashMap<&'a str, Span>,
    pub currency: Option<String>,
    pub input_decls: Vec<&'a InputDecl>,
    pub inputs: Vec<Input>,
    pub decls: Vec<Decl<'a>>,
    pub vetoes: Vec<&'a VetoDecl>,
    pub outputs: Vec<&'a OutputDecl>,
    /// Evaluation position of each declared item once checked.
    pub positions: Vec<Option<usize>>,
    pub items: Vec<Item>,
    /// Whether a missing currency was already reported.
    pub currency_reported: bool,
    /// Statements with syntax errors; what they declare is not reported missing.
    pub unread: &'a [crate::syntax::ast::UnreadStatement],
    /// The level of the expression being checked.
    pub scope: population::Scope,
    /// Whether a veto's condition or value is being checked.
    pub checking_veto: bool,
    /// The input that places records in months, if the ruleset scores by period.
    pub period: Option<usize>,
    /// Whether records are rolled up from rows (the period column is a date).
    pub rows: bool,
    /// The code of the ruleset's unit other than money (`unit PTS`).
    pub unit: Option<String>,
    /// Whether a missing unit was already reported.
    pub unit_reported: bool,
    /// The week or day of the item being checked, for an item computed for each.
    pub slice: Option<model::Slice>,
    /// For an item computed for each week or day, by the position of its first, the
    /// positions of all (not next to each other: each has its own aggregates).
    pub slices: HashMap<usize, Vec<usize>>,
}

impl<'a> Checker<'a> {
    pub fn error(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Whether a statement that could not be read starts with `keyword`, or
    /// declares `name` (any keyword when `keyword` is empty).
    pub fn unread(&self, keyword: &str, name: Option<&str>) -> bool {
        self.unread.iter().any(|u| {
            (keyword.is_empty() || u.keyword == keyword)
                && name.is_none_or(|n| u.name.as_deref() == Some(n))
        })
    }

    fn header(&mut self, file: &'a RuleFile) -> Header {
        let mut header = Header::default();
        let mut seen: HashMap<&'static str, Span> = HashMap::new();
        for statement in &file.statements {
            let (what, span) = match statement {
                Statement::Ruleset { name, title, span } => {
                    header.name = Some((name.name.clone(), name.span));
                    header.title = title.as_ref().map(|t| t.text.clone());
                    ("ruleset", *span)
                }
                Statement::Version(v, from, span) => {
                    header.version = Some(v.text.clone());
                    if let Some(from) = from {
                        header.effective_from = self.date_literal(from);
                    }
                    ("version", *span)
                }
                Statement::Period(column, span) => {
                    header.period = Some((column.name.clone(), column.span));
                    ("period", *span)
                }
                Statement::Currency(c, span) => {
                    header.currency = Some((c.name.clone(), c.span));
                    ("currency", *span)
                }
                Statement::Unit(code, label, span) => {
                    header.unit = Some((
                        code.name.clone(),
                        label.as_ref().map(|l| l.text.clone()),
                        code.span,
                    ));
                    ("unit", *span)
                }
                Statement::Key(keys, span) => {
                    header.keys = keys.iter().map(|k| (k.name.clone(), k.span)).collect();
                    header.key_span = Some(*span);
                    ("key", *span)
                }
                _ => continue,
            };
            if let Some(first) = seen.insert(what, span) {
                self.error(
                    Diagnostic::error(codes::HEADER, format!("`{what}` is given twice"), span)
                        .with_label("second time")
                        .with_secondary(first, "first given here")
                        .with_hint(format!("keep one `{what}` line")),
                );
            }
        }
        if header.name.is_none() && !self.unread("ruleset", None) {
            let first = file
                .statements
                .first()
                .map_or(Span::new(0, 0), statement_span);
            self.error(
                Diagnostic::error(codes::HEADER, "the rule file does not name its ruleset", first)
                    .with_label("the `ruleset` line belongs before this")
                    .with_hint("start the file with a line such as `ruleset agent_monthly \"客服代表月度绩效 / Agent monthly\"`"),
            );
        }
        header.ruleset_span = file.statements.iter().find_map(|s| match s {
            Statement::Ruleset { span, .. } => Some(*span),
            _ => None,
        });
        self.currency = header.currency.as_ref().map(|(c, _)| c.clone());
        self.unit = header.unit.as_ref().map(|(u, _, _)| u.clone());
        if let (Some((unit, _, span)), Some(currency)) = (&header.unit, &self.currency)
            && unit == currency
        {
            self.error(
                Diagnostic::error(
                    codes::CURRENCY,
                    format!("the unit {unit} is the ruleset's currency"),
                    *span,
                )
                .with_label("the currency")
                .with_hint("give points a code of their own, such as `unit PTS \"积分 / Points\"`"),
            );
        }
        header
    }

    fn declare(&mut self, file: &'a RuleFile) {
        for statement in &file.statements {
            match statement {
                Statement::Input(input)
                    if self.define(&input.name, Symbol::Input(self.input_decls.len())) =>
                {
                    self.input_decls.push(input);
                }
                Statement::Item(item)
                    if self.define(&item.name, Symbol::Item(self.decls.len())) =>
                {
                    self.decls.push(Decl::Item(item));
                }
                Statement::Grade(grade)
                    if self.define(&grade.name, Symbol::Item(self.decls.len())) =>
                {
                    self.decls.push(Decl::Grade(grade));
                }
                Statement::Veto(veto) => self.vetoes.push(veto),
                Statement::Output(output) => {
                    if let Some(first) = self.output_names.get(output.name.name.as_str()) {
                        let first = *first;
                        self.error(duplicate(&output.name, first, "output"));
                    } else {
                        self.output_names
                            .insert(&output.name.name, output.name.span);
                        self.outputs.push(output);
                    }
                }
                _ => {}
            }
        }
        self.positions = vec![None; self.decls.len()];
    }

    /// Adds a name; reports a duplicate and returns false if it is taken.
    fn define(&mut self, name: &'a crate::syntax::ast::Ident, symbol: Symbol) -> bool {
        if let Some(existing) = self.symbols.get(name.name.as_str()) {
            let first = match *existing {
                Symbol::Input(i) => self.input_decls[i].name.span,
                Symbol::Item(d) => self.decls[d].name().span,
            };
            self.error(duplicate(name, first, "name"));
            return false;
        }
        self.symbols.insert(&name.name, symbol);
        true
    }

    fn check_inputs(&mut self) {
        for decl in self.input_decls.clone() {
            let ty = match decl.ty {
                InputType::Count => Type::Count,
                InputType::Number => Type::Number,
                InputType::Percent => Type::Percent,
                InputType::Money => {
                    self.require_currency(decl.ty_span);
                    Type::Money
                }
                InputType::Points => {
                    self.require_unit(decl.ty_span);
                    Type::Points
                }
                InputType::Text => Type::Text,
                InputType::Bool => Type::Bool,
                InputType::Date => Type::Date,
                InputType::Month => Type::Month,
            };
            let range = decl.range.as_ref().and_then(|(low, high)| {
                if matches!(ty, Type::Text | Type::Bool | Type::Date | Type::Month) {
                    self.error(
                        Diagnostic::error(
                            codes::INPUT_DECL,
                            format!("a {} input cannot have a range", decl.type_word()),
                            low.span.to(high.span),
                        )
                        .with_label("range")
                        .with_hint("ranges are for count, number, percent and money inputs"),
                    );
                    return None;
                }
                let (lo, lo_ty) = self.literal_value(low)?;
                let (hi, hi_ty) = self.literal_value(high)?;
                for (t, lit) in [(lo_ty, low), (hi_ty, high)] {
                    if !t.compatible(ty) {
                        let mut d = Diagnostic::error(
                            codes::TYPE_MISMATCH,
                            format!("the range of a {ty} input is written as {}", t.described()),
                            lit.span,
                        )
                        .with_label(format!("this is {}", t.described()));
                        if let Some(h) = types::mismatch_hint(ty, t) {
                            d = d.with_hint(h);
                        }
                        self.error(d);
                        return None;
                    }
                }
                if lo > hi {
                    self.error(
                        Diagnostic::error(
                            codes::INPUT_DECL,
                            "the range's low end is above its high end",
                            low.span.to(high.span),
                        )
                        .with_label("empty range")
                        .with_hint("write the lower bound first, as in 0..100"),
                    );
                    return None;
                }
                Some((lo, hi))
            });
            if decl.better.is_some() && !ty.is_numeric() {
                self.error(
                    Diagnostic::error(
                        codes::INPUT_DECL,
                        format!("`better` marks an input with numbers to move, and `{}` is {}", decl.name.name, ty.described()),
                        decl.ty_span,
                    )
                    .with_label(ty.described())
                    .with_hint("mark a count, number, percent, money or points input, such as `input calls_answered count better higher`"),
                );
            }
            self.inputs.push(Input {
                name: decl.name.name.clone(),
                label: decl.label.as_ref().map(|l| l.text.clone()),
                input_type: decl.ty,
                ty,
                range,
                optional: decl.optional,
                better: decl.better,
            });
        }
    }

    /// Reports, once, points used in a ruleset that declares no unit for them.
    pub fn require_unit(&mut self, span: Span) {
        if self.unit.is_none() && !self.unit_reported {
            self.unit_reported = true;
            self.error(
                Diagnostic::error(
                    codes::CURRENCY,
                    "points are used but the ruleset declares no unit for them",
                    span,
                )
                .with_label("points")
                .with_hint(
                    "add a line such as `unit PTS \"积分 / Points\"` after the currency line",
                ),
            );
        }
    }

    /// Reports, once, money used in a ruleset that declares no currency.
    pub fn require_currency(&mut self, span: Span) {
        if self.currency.is_none() && !self.currency_reported {
            self.currency_reported = true;
            self.error(
                Diagnostic::error(
                    codes::CURRENCY,
                    "money is used but the ruleset declares no currency",
                    span,
                )
                .with_label("money")
                .with_hint("add a line such as `currency CNY` after the ruleset line"),
            );
        }
    }

    fn order_items(&mut self) -> Vec<usize> {
        let mut deps: Vec<Vec<usize>> = self.decls.iter().map(|d| self.dependencies(*d)).collect();
        for veto in self.vetoes.clone() {
            let Some(target) = self.veto_target(veto) else {
                continue;
            };
            let mut refs = Vec::new();
            names::referenced(&veto.condition, &mut refs);
            names::referenced(&veto.value, &mut refs);
            for name in refs {
                if let Some(Symbol::Item(d)) = self.symbols.get(name)
                    && *d != target
                    && !deps[target].contains(d)
                {
                    deps[target].push(*d);
                }
            }
        }
        let (ordered, cycles) = order::order(&deps);
        for cycle in cycles {
            let names: Vec<&str> = cycle
                .iter()
                .map(|&d| self.decls[d].name().name.as_str())
                .collect();
            let first = self.decls[cycle[0]].name();
            let path = format!("{} → {}", names.join(" → "), names[0]);
            let mut d = Diagnostic::error(
                codes::CYCLE,
                format!("these items depend on each other in a circle: {path}"),
                first.span,
            )
            .with_label("depends on itself through the others");
            for &other in &cycle[1..] {
                d = d.with_secondary(self.decls[other].name().span, "part of the circle");
            }
            self.error(
                d.with_hint("compute one of them without the others, so the chain has a start"),
            );
        }
        ordered
    }

    /// The items a declaration refers to.
    fn dependencies(&self, decl: Decl<'_>) -> Vec<usize> {
        let mut refs = Vec::new();
        match decl {
            Decl::Item(item) => {
                for e in item.exprs() {
                    names::referenced(e, &mut refs);
                }
                if let crate::syntax::ast::ItemBody::Weighted(w) = &item.body {
                    refs.extend(w.rows.iter().map(|r| r.item.name.as_str()));
                }
            }
            Decl::Grade(grade) => {
                for e in grade.exprs() {
                    names::referenced(e, &mut refs);
                }
            }
        }
        let mut deps: Vec<usize> = refs
            .iter()
            .filter_map(|name| match self.symbols.get(name) {
                Some(Symbol::Item(d)) => Some(*d),
                _ => None,
            })
            .collect();
        deps.sort_unstable();
        deps.dedup();
        deps
    }

    /// The declaration a veto overrides, if it names an item.
    fn veto_target(&self, veto: &VetoDecl) -> Option<usize> {
        match self.symbols.get(veto.target.name.as_str()) {
            Some(Symbol::Item(d)) => Some(*d),
            _ => None,
        }
    }

    /// The inputs the `key` line names, each a text, count or month input.
    fn check_keys(&mut self, header: &Header) -> Vec<usize> {
        if header.keys.is_empty() {
            if !self.unread("key", None) {
                let at = header.ruleset_span.unwrap_or_default();
                self.error(
                    Diagnostic::error(
                        codes::HEADER,
                        "the rule file does not say which input identifies a record",
                        at,
                    )
                    .with_label("the `key` line belongs after this")
                    .with_hint("add a line such as `key agent_id` naming a text or count input"),
                );
            }
            return Vec::new();
        }
        let mut keys = Vec::new();
        for (key, span) in &header.keys {
            if let Some(&output) = self.output_names.get(key.as_str()) {
                self.error(
                    Diagnostic::error(
                        codes::DUPLICATE_NAME,
                        format!("the output `{key}` has the name of a key column"),
                        output,
                    )
                    .with_label("same name as the key")
                    .with_secondary(*span, "the key")
                    .with_hint(
                        "every output row starts with the key, so give the output another name",
                    ),
                );
            }
            match self.symbols.get(key.as_str()).copied() {
                Some(Symbol::Input(i))
                    if matches!(self.inputs[i].ty, Type::Text | Type::Count | Type::Month)
                        && !self.inputs[i].optional =>
                {
                    if keys.contains(&i) {
                        self.error(
                            Diagnostic::error(
                                codes::HEADER,
                                format!("`{key}` is named twice in the key"),
                                *span,
                            )
                            .with_label("again")
                            .with_hint("name each column of the key once"),
                        );
                    }
                    keys.push(i);
                }
                Some(Symbol::Input(_)) | Some(Symbol::Item(_)) => {
                    self.error(
                        Diagnostic::error(
                            codes::INPUT_DECL,
                            format!("the key `{key}` must be a text, count or month input that is always given"),
                            *span,
                        )
                        .with_label("not a text, count or month input")
                        .with_hint("name the input that holds the record's ID, such as `key agent_id`"),
                    );
                }
                None => {
                    if !self.unread("", Some(key)) {
                        let d = self.unknown_name(key, *span);
                        self.error(d);
                    }
                }
            }
        }
        keys
    }

    /// The input the `period` line names: a date or month input, always given.
    fn check_period(&mut self, header: &Header) -> Option<usize> {
        let (column, span) = header.period.as_ref()?;
        match self.symbols.get(column.as_str()) {
            Some(Symbol::Input(i))
                if matches!(self.inputs[*i].ty, Type::Date | Type::Month)
                    && !self.inputs[*i].optional =>
            {
                Some(*i)
            }
            Some(_) => {
                self.error(
                    Diagnostic::error(
                        codes::INPUT_DECL,
                        format!("the period is read from `{column}`, which must be a date or month input that is always given"),
                        *span,
                    )
                    .with_label("not a date or month input")
                    .with_hint("declare it as `input date date` or `input month month`"),
                );
                None
            }
            None => {
                if !self.unread("", Some(column)) {
                    let d = self.unknown_name(column, *span);
                    self.error(d);
                }
                None
            }
        }
    }

    /// The day a date literal names, or a diagnostic saying why it names none.
    fn date_literal(&mut self, literal: &crate::syntax::ast::Literal) -> Option<crate::time::Day> {
        let crate::syntax::ast::LiteralKind::Date(text) = &literal.kind else {
            return None;
        };
        match crate::time::parse_date(text) {
            Ok(day) => Some(day),
            Err(message) => {
                self.error(
                    Diagnostic::error(codes::PERIOD, message, literal.span)
                        .with_label("not a date"),
                );
                None
            }
        }
    }

    fn check_output(&mut self, output: &OutputDecl) -> Output {
        let value = self.expr(&output.value);
        Output {
            name: output.name.name.clone(),
            label: output.label.as_ref().map(|l| l.text.clone()),
            value,
            span: output.span,
        }
    }

    /// The labels of the grade item at `position`, listed for a message: `S, A, B`.
    pub fn grade_labels(&self, position: usize) -> String {
        match self.items[position].bands() {
            Some(bands) => bands
                .iter()
                .map(|b| b.label.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            None => String::new(),
        }
    }

    /// The exact value and type of a literal number, percentage or amount.
    pub fn literal_value(
        &mut self,
        literal: &crate::syntax::ast::Literal,
    ) -> Option<(Rational, Type)> {
        exprs::literal_number(self, literal)
    }
}

impl InputDecl {
    /// The declared type in a word, for messages.
    fn type_word(&self) -> &'static str {
        match self.ty {
            InputType::Text => "text",
            InputType::Bool => "bool",
            InputType::Date => "date",
            InputType::Month => "month",
            _ => "numeric",
        }
    }
}

/// The span of a whole statement.
fn statement_span(statement: &Statement) -> Span {
    match statement {
        Statement::Ruleset { span, .. }
        | Statement::Version(_, _, span)
        | Statement::Currency(_, span)
        | Statement::Unit(_, _, span)
        | Statement::Key(_, span)
        | Statement::Period(_, span) => *span,
        Statement::Input(i) => i.span,
        Statement::Item(i) => i.span,
        Statement::Veto(v) => v.span,
        Statement::Grade(g) => g.span,
        Statement::Output(o) => o.span,
        Statement::Fixture(f) => f.span,
        Statement::Test(t) => t.span,
    }
}

fn duplicate(name: &crate::syntax::ast::Ident, first: Span, what: &str) -> Diagnostic {
    Diagnostic::error(
        codes::DUPLICATE_NAME,
        format!("the {what} `{}` is defined twice", name.name),
        name.span,
    )
    .with_label("defined again here")
    .with_secondary(first, "first defined here")
    .with_hint(format!(
        "rename one of them, or remove the second definition of `{}`",
        name.name
    ))
}

#[cfg(test)]
mod tests;
