//! Showing values and formulas with a record's real numbers in them.

use crate::check::model::{Model, TExpr, TExprKind};
use crate::check::types::Type;
use crate::diagnostic::SourceFile;
use crate::eval::{Texts, Value};
use crate::number::{shown, shown_percent_with_places, shown_with_places};
use crate::syntax::ast::BinOp;

/// A value of type `ty`: percentages and amounts with at least two places (`90.00%`,
/// `100.00`), grades by label.
pub fn value(model: &Model, texts: Texts<'_>, v: &Value, ty: Type) -> String {
    match (v, ty) {
        (Value::Num(r), Type::Percent) => shown_percent_with_places(r),
        (Value::Num(r), Type::Money) => shown_with_places(r, 2),
        // Points carry their unit, so they are never read as money.
        (Value::Num(r), Type::Points) => match &model.unit {
            Some((unit, _)) => format!("{} {unit}", shown(r)),
            None => shown(r),
        },
        (Value::Num(r), Type::Date | Type::Month) => {
            match r.to_i128().and_then(|n| i32::try_from(n).ok()) {
                Some(n) if ty == Type::Date => crate::time::show_date(n),
                Some(n) => crate::time::show_month(n),
                None => shown(r),
            }
        }
        (Value::Num(r), _) => shown(r),
        (Value::Missing, _) => "—".to_string(),
        (Value::Text(t), _) => texts.get(*t).to_string(),
        (Value::Bool(b), _) => b.to_string(),
        (Value::Grade(band), Type::Grade(pos)) => grade_label(model, pos, *band as usize),
        (Value::Grade(band), _) => band.to_string(),
    }
}

/// The label of band `band` of the grade at item position `pos`.
pub fn grade_label(model: &Model, pos: usize, band: usize) -> String {
    model
        .items
        .get(pos)
        .and_then(|i| i.bands())
        .and_then(|bands| bands.get(band))
        .map(|b| b.label.clone())
        .unwrap_or_default()
}

/// Source text with runs of whitespace collapsed to one space.
pub fn written(source: &SourceFile, span: crate::diagnostic::Span) -> String {
    source
        .slice(span)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn precedence(op: BinOp) -> u8 {
    match op {
        BinOp::Or => 1,
        BinOp::And => 2,
        BinOp::Cmp(_) => 3,
        BinOp::Add | BinOp::Sub => 4,
        BinOp::Mul | BinOp::Div => 5,
    }
}

fn symbol(op: BinOp) -> &'static str {
    match op {
        BinOp::Mul => "×",
        other => other.symbol(),
    }
}

/// Renders a typed expression with every name replaced by its value in `slots`.
pub struct Substitute<'s> {
    /// The model, for types and grade labels.
    pub model: &'s Model,
    /// The rule file, for literals as written.
    pub source: &'s SourceFile,
    /// Every slot's final value.
    pub slots: &'s [Value],
    /// The record's and the program's texts, for text values.
    pub texts: Texts<'s>,
}

impl Substitute<'_> {
    fn slot(&self, r: crate::check::model::Ref) -> Option<&Value> {
        let index = match r {
            crate::check::model::Ref::Input(i) => i,
            crate::check::model::Ref::Item(i) => self.model.inputs.len() + i,
        };
        self.slots.get(index)
    }

    /// The expression with values in place of names.
    pub fn expr(&self, e: &TExpr) -> String {
        match &e.kind {
            TExprKind::Number(_) => written(self.source, e.span),
            TExprKind::Text(t) => format!("\"{t}\""),
            TExprKind::Bool(b) => b.to_string(),
            TExprKind::Builtin(crate::check::model::Builtin::RulesVersion) => {
                self.model.version.clone().unwrap_or_default()
            }
            TExprKind::Builtin(b) => match self.texts.builtin(*b) {
                Ok(v) => value(self.model, self.texts, &v, e.ty),
                Err(_) => written(self.source, e.span),
            },
            TExprKind::Missing => written(self.source, e.span),
            TExprKind::GradeBand(band) => match e.ty {
                Type::Grade(pos) => grade_label(self.model, pos, *band),
                _ => band.to_string(),
            },
            TExprKind::Ref(r) => match self.slot(*r) {
                Some(v) => value(self.model, self.texts, v, e.ty),
                None => "?".into(),
            },
            TExprKind::Coefficient(pos) => {
                let r = crate::check::model::Ref::Item(*pos);
                match (self.slot(r), self.model.items[*pos].bands()) {
                    (Some(Value::Grade(band)), Some(bands)) => bands
                        .get(*band as usize)
                        .map_or("?".into(), |b| shown(&b.coefficient)),
                    (Some(Value::Missing), _) => "—".into(),
                    _ => "?".into(),
                }
            }
            TExprKind::Neg(x) => format!("-{}", self.operand(x, 6)),
            TExprKind::Not(x) => format!("not {}", self.operand(x, 3)),
            TExprKind::Binary(op, l, r) => {
                let p = precedence(*op);
                // Left-associative: the right operand needs parentheses at equal
                // precedence, as in a - (b - c).
                format!(
                    "{} {} {}",
                    self.operand(l, p),
                    symbol(*op),
                    self.operand(r, p + 1)
                )
            }
            TExprKind::If(c, t, f) => format!(
                "if {} then {} else {}",
                self.expr(c),
                self.expr(t),
                self.expr(f)
            ),
            TExprKind::Call(func, args) => {
                let args: Vec<String> = args.iter().map(|a| self.expr(a)).collect();
                format!("{}({})", func.name(), args.join(", "))
            }
            TExprKind::Round(x, places, mode) => {
                format!("round({}, {places}, {})", self.expr(x), mode.name())
            }
        }
    }

    /// An operand, parenthesised when it binds less tightly than `min_precedence`.
    /// A division with the record's numbers, parenthesised as the arithmetic is
    /// done: `3000000.00 / (10 × 30 × 10)`.
    pub fn ratio(&self, numerator: &TExpr, denominator: &TExpr) -> String {
        let p = precedence(BinOp::Div);
        format!(
            "{} / {}",
            self.operand(numerator, p),
            self.operand(denominator, p + 1)
        )
    }

    fn operand(&self, e: &TExpr, min_precedence: u8) -> String {
        match &e.kind {
            TExprKind::Binary(op, _, _) if precedence(*op) < min_precedence => {
                format!("({})", self.expr(e))
            }
            _ => self.expr(e),
        }
    }
}
