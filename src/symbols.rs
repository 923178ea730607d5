//! The names a rule file declares and every place each is written: what an editor
//! needs for hover, go to definition, find references and completion. Read from the
//! syntax alone, so that a file with errors still has its symbols.

use unicode_ident::{is_xid_continue, is_xid_start};

use crate::diagnostic::{SourceFile, Span};
use crate::syntax::ast::{InputType, ItemKind, Statement, Text};

/// What a declared name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymbolKind {
    /// `input`, with its type.
    Input(InputType),
    /// `let`, `score`, `bonus`, `deduction` or `warning`.
    Item(ItemKind),
    /// `grade`.
    Grade,
    /// `output`.
    Output,
    /// A named `veto`.
    Veto,
    /// `fixture`.
    Fixture,
    /// `test`.
    Test,
}

impl SymbolKind {
    /// The keyword that declares it, with an input's type: `input percent`, `score`.
    pub fn keyword(self) -> String {
        let word = match self {
            SymbolKind::Input(ty) => return format!("input {}", ty.keyword()),
            SymbolKind::Item(ItemKind::Let) => "let",
            SymbolKind::Item(ItemKind::Score) => "score",
            SymbolKind::Item(ItemKind::Bonus) => "bonus",
            SymbolKind::Item(ItemKind::Deduction) => "deduction",
            SymbolKind::Item(ItemKind::Warning) => "warning",
            SymbolKind::Grade => "grade",
            SymbolKind::Output => "output",
            SymbolKind::Veto => "veto",
            SymbolKind::Fixture => "fixture",
            SymbolKind::Test => "test",
        };
        word.to_string()
    }
}

/// One declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    /// The name declared.
    pub name: String,
    /// What it is.
    pub kind: SymbolKind,
    /// Its label, often bilingual.
    pub label: Option<String>,
    /// Where the name is written in its declaration.
    pub span: Span,
    /// The whole declaring statement.
    pub statement: Span,
}

/// A name written somewhere in the file: a use, or the declaration itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// The name.
    pub name: String,
    /// Where.
    pub span: Span,
}

/// The symbols of one rule file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbols {
    /// Every declaration, in the order of the file (a later version may declare a
    /// name again).
    pub definitions: Vec<Definition>,
    /// Every place a declared name is written, declarations included, in order.
    pub occurrences: Vec<Occurrence>,
}

impl Symbols {
    /// The symbols of `source`, as far as its statements can be read.
    ///
    /// ```
    /// let source = kpi::SourceFile::new("t.kpi", "ruleset t\nkey id\ninput id text\ninput n count\nlet twice = n * 2\noutput o = twice\n");
    /// let symbols = kpi::symbols::Symbols::of(&source);
    /// let at = source.text().find("twice\n").unwrap();
    /// assert_eq!(symbols.name_at(at), Some("twice"));
    /// assert_eq!(symbols.definitions_of("twice")[0].kind.keyword(), "let");
    /// assert_eq!(symbols.occurrences_of("n").count(), 2);
    /// ```
    pub fn of(source: &SourceFile) -> Symbols {
        let (file, _) = crate::syntax::parse(source);
        let definitions: Vec<Definition> = file.statements.iter().filter_map(definition).collect();
        let declared: std::collections::HashSet<&str> =
            definitions.iter().map(|d| d.name.as_str()).collect();
        let occurrences = names(source.text())
            .filter(|(name, _)| declared.contains(name))
            .map(|(name, span)| Occurrence {
                name: name.to_string(),
                span,
            })
            .collect();
        Symbols {
            definitions,
            occurrences,
        }
    }

    /// The declared name written at byte `offset` (or just before it, as a cursor at
    /// the end of a word is).
    pub fn name_at(&self, offset: usize) -> Option<&str> {
        self.occurrences
            .iter()
            .find(|o| o.span.start <= offset && offset <= o.span.end)
            .map(|o| o.name.as_str())
    }

    /// The declarations of `name`.
    pub fn definitions_of(&self, name: &str) -> Vec<&Definition> {
        self.definitions.iter().filter(|d| d.name == name).collect()
    }

    /// Every place `name` is written.
    pub fn occurrences_of<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Occurrence> {
        self.occurrences.iter().filter(move |o| o.name == name)
    }
}

/// Every keyword of the language, in the order the grammar lists them.
pub fn keywords() -> impl Iterator<Item = &'static str> {
    crate::syntax::keywords::KEYWORDS.iter().map(|k| k.word)
}

/// Every function a formula may call.
pub fn functions() -> &'static [&'static str] {
    &crate::check::exprs::FUNCTIONS
}

fn definition(statement: &Statement) -> Option<Definition> {
    let label = |t: &Option<Text>| t.as_ref().map(|t| t.text.clone());
    let (name, kind, label, statement) = match statement {
        Statement::Input(i) => (&i.name, SymbolKind::Input(i.ty), label(&i.label), i.span),
        Statement::Item(i) => (&i.name, SymbolKind::Item(i.kind), label(&i.label), i.span),
        Statement::Grade(g) => (&g.name, SymbolKind::Grade, label(&g.label), g.span),
        Statement::Output(o) => (&o.name, SymbolKind::Output, label(&o.label), o.span),
        Statement::Veto(v) => (v.name.as_ref()?, SymbolKind::Veto, None, v.span),
        Statement::Fixture(f) => (&f.name, SymbolKind::Fixture, label(&f.label), f.span),
        Statement::Test(t) => (&t.name, SymbolKind::Test, label(&t.label), t.span),
        _ => return None,
    };
    Some(Definition {
        name: name.name.clone(),
        kind,
        label,
        span: name.span,
        statement,
    })
}

/// Every word of `text` outside comments and quoted strings, with its span; a word
/// after `.` (`level.coefficient`) is a member, not a name, and is left out.
fn names(text: &str) -> impl Iterator<Item = (&str, Span)> {
    let mut chars = text.char_indices().peekable();
    let mut after_dot = false;
    std::iter::from_fn(move || {
        while let Some((at, c)) = chars.next() {
            match c {
                '#' => while chars.next_if(|&(_, c)| c != '\n').is_some() {},
                '"' => {
                    for (_, c) in chars.by_ref() {
                        if c == '"' || c == '\n' {
                            break;
                        }
                    }
                    after_dot = false;
                }
                '.' => after_dot = true,
                c if is_xid_start(c) || c == '_' => {
                    let mut end = at + c.len_utf8();
                    while let Some((i, c)) = chars.next_if(|&(_, c)| is_xid_continue(c)) {
                        end = i + c.len_utf8();
                    }
                    let member = std::mem::take(&mut after_dot);
                    if !member {
                        return Some((&text[at..end], Span::new(at, end)));
                    }
                }
                c if c.is_ascii_digit() => {
                    // A number such as 1.5 or 95%: its dot is not a member's.
                    while chars
                        .next_if(|&(_, c)| c.is_ascii_alphanumeric() || c == '.' || c == '_')
                        .is_some()
                    {}
                    after_dot = false;
                }
                c if c.is_whitespace() => {}
                _ => after_dot = false,
            }
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_skip_comments_strings_members_and_numbers() {
        let text = "let a \"b c\" = d.e + f # g h\n  + 1.5 * level.coefficient, cap 95%";
        let found: Vec<&str> = names(text).map(|(n, _)| n).collect();
        assert_eq!(found, ["let", "a", "d", "f", "level", "cap"]);
    }
}
