//! Names: what a name refers to, what an expression refers to, and "did you mean".

use super::Checker;
use crate::diagnostic::{Diagnostic, Span, codes};
use crate::syntax::ast::{Expr, ExprKind};

/// What a name refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Symbol {
    /// An input, by declaration index.
    Input(usize),
    /// An item or grade, by declaration index.
    Item(usize),
}

/// Collects the names an expression refers to (not function or field names).
pub fn referenced<'e>(expr: &'e Expr, out: &mut Vec<&'e str>) {
    match &expr.kind {
        ExprKind::Literal(_) => {}
        ExprKind::Name(ident) => out.push(&ident.name),
        ExprKind::Field(base, _) => referenced(base, out),
        ExprKind::Call(_, args) => args.iter().for_each(|a| referenced(a, out)),
        ExprKind::Aggregate(a) => {
            for e in a.value.iter().chain(&a.filter) {
                referenced(e, out);
            }
        }
        ExprKind::Neg(e) | ExprKind::Not(e) => referenced(e, out),
        ExprKind::Binary(_, l, r) => {
            referenced(l, out);
            referenced(r, out);
        }
        ExprKind::If(c, t, e) => {
            referenced(c, out);
            referenced(t, out);
            referenced(e, out);
        }
    }
}

/// The candidate closest to `name`, if it is close enough to be a likely misspelling.
pub fn closest<'c>(name: &str, candidates: impl Iterator<Item = &'c str>) -> Option<&'c str> {
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates {
        let score = strsim::normalized_damerau_levenshtein(name, candidate);
        if score >= 0.6 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c)
}

impl Checker<'_> {
    /// The error for a name that is not declared, with a suggestion.
    pub fn unknown_name(&self, name: &str, span: Span) -> Diagnostic {
        let mut candidates: Vec<&str> = self.symbols.keys().copied().collect();
        candidates.sort_unstable();
        let diagnostic =
            Diagnostic::error(codes::UNKNOWN_NAME, format!("unknown name `{name}`"), span)
                .with_label("not declared");
        if let Some(suggestion) = closest(name, candidates.into_iter()) {
            return diagnostic
                .with_hint(format!("did you mean `{suggestion}`?"))
                .with_suggestion(suggestion);
        }
        if self.output_names.contains_key(name) {
            return diagnostic.with_hint(
                "outputs cannot be used in formulas; use the item the output is computed from",
            );
        }
        diagnostic.with_hint("declare it with `input` or `let`, or check the spelling")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_a_close_name_and_nothing_for_a_far_one() {
        let names = ["calls_answered", "calls_offered", "qa_score"];
        assert_eq!(
            closest("calls_answred", names.iter().copied()),
            Some("calls_answered")
        );
        assert_eq!(closest("qa_scor", names.iter().copied()), Some("qa_score"));
        assert_eq!(closest("payout", names.iter().copied()), None);
    }
}
