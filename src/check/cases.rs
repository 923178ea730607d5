//! Test cases and fixtures written in the rule file: names resolved, inputs filled in
//! from the fixture a case starts from, every value read as its input's data would
//! be, and every expectation typed against the item or output it expects.

use std::collections::HashMap;

use super::model::{Expectation, Expected, Output, Target, TestCase};
use super::names::{Symbol, closest};
use super::types::Type;
use super::{Checker, duplicate};
use crate::diagnostic::{Diagnostic, Span, codes};
use crate::input::parse_value;
use crate::number::Rational;
use crate::syntax::ast::{
    CaseRow, CaseValue, FixtureDecl, Ident, InputType, Literal, LiteralKind, RuleFile, Statement,
    TestDecl,
};

/// Each input's value as text and where it was written, by declaration index.
type Given = Vec<Option<(String, Span)>>;

impl<'a> Checker<'a> {
    /// Checks every fixture and test case; returns the cases that are sound.
    pub(super) fn check_cases(
        &mut self,
        file: &'a RuleFile,
        keys: &[usize],
        outputs: &[Output],
    ) -> Vec<TestCase> {
        let mut fixtures: HashMap<&str, (&FixtureDecl, Option<Given>)> = HashMap::new();
        let mut order = Vec::new();
        for statement in &file.statements {
            if let Statement::Fixture(fixture) = statement {
                if let Some((first, _)) = fixtures.get(fixture.name.name.as_str()) {
                    let first = first.name.span;
                    self.error(duplicate(&fixture.name, first, "fixture"));
                    continue;
                }
                let given = self.given(&fixture.rows);
                fixtures.insert(&fixture.name.name, (fixture, given));
                order.push(fixture.name.name.as_str());
            }
        }
        let mut names: HashMap<&str, Span> = HashMap::new();
        let mut cases = Vec::new();
        for statement in &file.statements {
            let Statement::Test(test) = statement else {
                continue;
            };
            if let Some(first) = names.get(test.name.name.as_str()) {
                let first = *first;
                self.error(duplicate(&test.name, first, "test"));
                continue;
            }
            names.insert(&test.name.name, test.name.span);
            let base = match &test.from {
                None => Some(vec![None; self.inputs.len()]),
                Some(from) => match fixtures.get(from.name.as_str()) {
                    Some((_, given)) => given.clone(),
                    None => {
                        let d = self.unknown_fixture(from, &order);
                        self.error(d);
                        None
                    }
                },
            };
            if let Some(case) = self.case(test, base, keys, outputs) {
                cases.push(case);
            }
        }
        cases
    }

    fn unknown_fixture(&self, from: &Ident, fixtures: &[&str]) -> Diagnostic {
        let d = Diagnostic::error(
            codes::UNKNOWN_NAME,
            format!("unknown fixture `{}`", from.name),
            from.span,
        )
        .with_label("no fixture of this name");
        match closest(&from.name, fixtures.iter().copied()) {
            Some(s) => d
                .with_hint(format!("did you mean `{s}`?"))
                .with_suggestion(s),
            None => d.with_hint(format!(
                "declare it with `fixture {} \"...\"` and its inputs, or remove `from {}`",
                from.name, from.name
            )),
        }
    }

    fn case(
        &mut self,
        test: &TestDecl,
        base: Option<Given>,
        keys: &[usize],
        outputs: &[Output],
    ) -> Option<TestCase> {
        let own = self.given(&test.rows);
        let mut expects = Vec::new();
        let mut sound = true;
        for row in test.rows.iter().filter(|r| r.expect) {
            match self.expectation(row, outputs) {
                Some(e) => expects.push(e),
                None => sound = false,
            }
        }
        if test.rows.iter().all(|r| !r.expect) {
            self.error(
                Diagnostic::error(
                    codes::TEST_EXPECTS_NOTHING,
                    format!("the test `{}` expects nothing", test.name.name),
                    test.name.span,
                )
                .with_label("no `expect` row")
                .with_hint("add a row such as `expect payout = 620.03`, so the case can fail"),
            );
            sound = false;
        }
        let (mut given, own) = (base?, own?);
        for (slot, value) in given.iter_mut().zip(own) {
            if value.is_some() {
                *slot = value;
            }
        }
        // A text key defaults to the case's name, so cases need not invent IDs.
        if let [key] = *keys
            && given[key].is_none()
            && self.inputs[key].input_type == InputType::Text
        {
            given[key] = Some((test.name.name.clone(), test.name.span));
        }
        let missing: Vec<&str> = given
            .iter()
            .zip(&self.inputs)
            .filter(|(g, _)| g.is_none())
            .map(|(_, i)| i.name.as_str())
            .collect();
        if !missing.is_empty() {
            let list = missing.join(", ");
            self.error(
                Diagnostic::error(
                    codes::TEST_MISSING_INPUTS,
                    format!("the test `{}` gives no value for {list}", test.name.name),
                    test.name.span,
                )
                .with_label(match missing.len() {
                    1 => "1 input missing".to_string(),
                    n => format!("{n} inputs missing"),
                })
                .with_hint(format!(
                    "add a row such as `{} = ...` for each, or start the case from a fixture that gives them: `test {} from FIXTURE`",
                    missing[0], test.name.name
                )),
            );
            return None;
        }
        if !sound {
            return None;
        }
        Some(TestCase {
            name: test.name.name.clone(),
            label: test.label.as_ref().map(|l| l.text.clone()),
            inputs: given.into_iter().flatten().collect(),
            expects,
            span: test.span,
        })
    }

    /// The inputs given in `rows`, each checked against its declaration; `None` if
    /// any is wrong (each problem is reported).
    fn given(&mut self, rows: &[CaseRow]) -> Option<Given> {
        let mut given: Given = vec![None; self.inputs.len()];
        let mut firsts: Vec<Option<Span>> = vec![None; self.inputs.len()];
        let mut sound = true;
        for row in rows.iter().filter(|r| !r.expect) {
            let input = match self.symbols.get(row.name.name.as_str()) {
                Some(Symbol::Input(i)) => *i,
                _ => {
                    let d = self.not_an_input(&row.name);
                    self.error(d);
                    sound = false;
                    continue;
                }
            };
            if let Some(first) = firsts[input] {
                self.error(
                    Diagnostic::error(
                        codes::DUPLICATE_NAME,
                        format!("the input `{}` is given twice", row.name.name),
                        row.name.span,
                    )
                    .with_label("given again here")
                    .with_secondary(first, "first given here")
                    .with_hint("keep one of the two rows"),
                );
                sound = false;
                continue;
            }
            firsts[input] = Some(row.name.span);
            match self.input_text(input, &row.value) {
                Some(text) => given[input] = Some((text, row.value.span())),
                None => sound = false,
            }
        }
        sound.then_some(given)
    }

    fn not_an_input(&self, name: &Ident) -> Diagnostic {
        let inputs = self.inputs.iter().map(|i| i.name.as_str());
        let d = Diagnostic::error(
            codes::UNKNOWN_NAME,
            format!("`{}` is not an input", name.name),
            name.span,
        )
        .with_label("not declared with `input`");
        if let Some(s) = closest(&name.name, inputs) {
            return d
                .with_hint(format!("did you mean `{s}`?"))
                .with_suggestion(s);
        }
        if self.symbols.contains_key(name.name.as_str())
            || self.output_names.contains_key(name.name.as_str())
        {
            return d.with_hint(format!(
                "a case gives inputs only; to check a computed value write `expect {} = ...`",
                name.name
            ));
        }
        d.with_hint("a case gives values to the inputs declared with `input`")
    }

    /// The value as a data file would hold it, once it reads as the input's type.
    fn input_text(&mut self, index: usize, value: &CaseValue) -> Option<String> {
        let input = &self.inputs[index];
        // A yes or no is written as a data file may hold it: 是, yes, 1.
        if input.input_type == InputType::Bool
            && let Some(word) = yes_no_word(value)
        {
            return Some(word);
        }
        let literal = match value {
            CaseValue::Literal(l) => l,
            CaseValue::Name(name) => {
                let hint = match input.input_type {
                    InputType::Text => format!("write text in quotes: \"{}\"", name.name),
                    InputType::Bool => format!("give `{}` the value true or false", input.name),
                    InputType::Percent => {
                        format!("give `{}` a percentage, such as 95%", input.name)
                    }
                    _ => format!("give `{}` a value, such as 0", input.name),
                };
                let d = Diagnostic::error(
                    codes::TEST_VALUE,
                    format!(
                        "`{}` is not a value for the input `{}`",
                        name.name, input.name
                    ),
                    name.span,
                )
                .with_label("a name, not a value")
                .with_hint(hint);
                self.error(d);
                return None;
            }
        };
        let text = match (&literal.kind, input.input_type) {
            (LiteralKind::Text(t), InputType::Text) => t.clone(),
            (LiteralKind::Bool(b), InputType::Bool) => b.to_string(),
            (LiteralKind::Date(t), InputType::Date) | (LiteralKind::Text(t), InputType::Month) => {
                t.clone()
            }
            (LiteralKind::None, _) if input.optional => String::new(),
            // A percentage needs its `%` here, as everywhere in a rule file.
            (LiteralKind::Number(d), ty)
                if !matches!(ty, InputType::Text | InputType::Bool | InputType::Percent) =>
            {
                d.to_string()
            }
            (LiteralKind::Percent(d), InputType::Percent) => format!("{d}%"),
            (LiteralKind::Money(d, _), InputType::Money | InputType::Points) => {
                // Checks the currency.
                self.literal_value(literal)?;
                d.to_string()
            }
            (_, ty) => {
                let wanted = match ty {
                    InputType::Text => "text in quotes, such as \"E04\"",
                    InputType::Bool => "true or false",
                    InputType::Count => "a whole number such as 12",
                    InputType::Number => "a number such as 87.5",
                    InputType::Percent => "a percentage such as 95%",
                    InputType::Money => "an amount such as 1000.00",
                    InputType::Points => "points such as 120 PTS",
                    InputType::Date => "a date such as 2026-11-15",
                    InputType::Month => "a month in quotes, such as \"2026-11\"",
                };
                let d = Diagnostic::error(
                    codes::TEST_VALUE,
                    format!("the input `{}` needs {wanted}", self.inputs[index].name),
                    literal.span,
                )
                .with_label("not this kind of value")
                .with_hint(format!("write {wanted}"));
                self.error(d);
                return None;
            }
        };
        match parse_value(&self.inputs[index], &text) {
            Ok(_) => Some(text),
            Err((_, message)) => {
                let name = self.inputs[index].name.clone();
                self.error(
                    Diagnostic::error(
                        codes::TEST_VALUE,
                        format!("this value does not fit the input `{name}`: {message}"),
                        literal.span,
                    )
                    .with_label("does not fit")
                    .with_hint(format!("check the declaration of `{name}` and the value")),
                );
                None
            }
        }
    }

    fn expectation(&mut self, row: &CaseRow, outputs: &[Output]) -> Option<Expectation> {
        let name = row.name.name.as_str();
        let output = outputs.iter().position(|o| o.name == name);
        let (target, ty) = match (output, self.symbols.get(name)) {
            (Some(o), _) => (Target::Output(o), outputs[o].value.ty),
            (None, Some(Symbol::Item(d))) => {
                let position = self.positions[*d]?;
                (Target::Item(position), self.items[position].ty)
            }
            (None, found) => {
                let mut d = Diagnostic::error(
                    codes::TEST_EXPECT,
                    format!("`{name}` is neither an item nor an output"),
                    row.name.span,
                )
                .with_label("nothing computed has this name");
                let candidates = self
                    .items
                    .iter()
                    .map(|i| i.name.as_str())
                    .chain(outputs.iter().map(|o| o.name.as_str()));
                d = match (found, closest(name, candidates)) {
                    (Some(Symbol::Input(_)), _) => d.with_hint(format!(
                        "`{name}` is an input: give it as `{name} = ...` without `expect`"
                    )),
                    (_, Some(s)) => d
                        .with_hint(format!("did you mean `{s}`?"))
                        .with_suggestion(s),
                    _ => d.with_hint("expect the value of an item (let, score, bonus, deduction, grade) or an output"),
                };
                self.error(d);
                return None;
            }
        };
        let value = self.expected(name, ty, &row.value)?;
        Some(Expectation {
            target,
            value,
            value_span: row.value.span(),
            span: row.span,
        })
    }

    /// The expected value, if it is written as the kind of value `name` has.
    fn expected(&mut self, name: &str, ty: Type, value: &CaseValue) -> Option<Expected> {
        if ty == Type::Bool
            && let Some(word) = yes_no_word(value)
        {
            let yes = matches!(word.to_ascii_lowercase().as_str(), "yes" | "1" | "是");
            return Some(Expected::Bool(yes));
        }
        let found = match (value, ty) {
            (CaseValue::Name(label), Type::Grade(position)) => self.band(position, label),
            (CaseValue::Literal(l), Type::Grade(position)) => match &l.kind {
                LiteralKind::Text(t) => self.band(
                    position,
                    &Ident {
                        name: t.clone(),
                        span: l.span,
                    },
                ),
                _ => Err(self.grade_labels(position)),
            },
            (CaseValue::Literal(l), _) => match (&l.kind, ty) {
                (LiteralKind::Text(t), Type::Text) => Ok(Expected::Text(t.clone())),
                (LiteralKind::Bool(b), Type::Bool) => Ok(Expected::Bool(*b)),
                (LiteralKind::None, _) => Ok(Expected::Missing),
                (LiteralKind::Date(t), Type::Date) => crate::time::parse_date(t)
                    .map(|d| Expected::Number(Rational::from_int(d.into())))
                    .map_err(|_| String::new()),
                (LiteralKind::Text(t), Type::Month) => crate::time::parse_month(t)
                    .map(|m| Expected::Number(Rational::from_int(m.into())))
                    .map_err(|_| String::new()),
                (LiteralKind::Text(_) | LiteralKind::Bool(_), _) => Err(String::new()),
                (_, ty) if ty.is_numeric() => {
                    let (number, written) = self.literal_value(l)?;
                    let fits = written.compatible(ty)
                        || (matches!(ty, Type::Money | Type::Points)
                            && matches!(written, Type::Number | Type::Count));
                    if fits {
                        Ok(Expected::Number(number))
                    } else {
                        Err(String::new())
                    }
                }
                _ => Err(String::new()),
            },
            (CaseValue::Name(_), _) => Err(String::new()),
        };
        match found {
            Ok(expected) => Some(expected),
            Err(labels) => {
                let wanted = match ty {
                    Type::Grade(_) => format!("one of its grades: {labels}"),
                    Type::Percent => "a percentage such as 90%".into(),
                    Type::Money => "an amount such as 620.03".into(),
                    Type::Points => "points such as 120 PTS".into(),
                    Type::Count | Type::Number | Type::Unknown => "a number such as 80".into(),
                    Type::Text => "text in quotes".into(),
                    Type::Bool => "true or false".into(),
                    Type::Date => "a date such as 2026-11-15".into(),
                    Type::Month => "a month in quotes, such as \"2026-11\"".into(),
                };
                self.error(
                    Diagnostic::error(
                        codes::TEST_EXPECT,
                        format!(
                            "`{name}` is {}, so the value expected must be {wanted}",
                            ty.described()
                        ),
                        value.span(),
                    )
                    .with_label("not this kind of value")
                    .with_hint(format!("write {wanted}")),
                );
                None
            }
        }
    }

    /// The band of the grade item at `position` labelled `label`, or its labels.
    fn band(&self, position: usize, label: &Ident) -> Result<Expected, String> {
        match self.items[position].bands() {
            Some(bands) => bands
                .iter()
                .position(|b| b.label == label.name)
                .and_then(|i| u16::try_from(i).ok())
                .map(Expected::Grade)
                .ok_or_else(|| self.grade_labels(position)),
            None => Err(String::new()),
        }
    }
}

/// A yes or no written as a name (`是`, `yes`, `否`, `no`) or as `1` or `0`, as a data
/// file may hold it, in the form a data file gives it.
fn yes_no_word(value: &CaseValue) -> Option<String> {
    let word = match value {
        CaseValue::Name(name) => name.name.clone(),
        CaseValue::Literal(Literal {
            kind: LiteralKind::Number(d),
            ..
        }) => d.to_string(),
        _ => return None,
    };
    matches!(
        word.to_ascii_lowercase().as_str(),
        "yes" | "no" | "1" | "0" | "是" | "否"
    )
    .then_some(word)
}
