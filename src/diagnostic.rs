//! Problems found in a rule file, with the place they point at and a hint.
//!
//! The core returns plain data; rendering (file:line:col, the source line, a caret)
//! happens only when asked, so a caller can show diagnostics its own way.

use std::fmt;
use std::sync::Arc;

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term;

/// The name closest to a misspelt one, for a "did you mean" hint; the command line
/// uses it for the columns of its own files too.
pub use crate::check::names::closest;

/// A byte range in the rule file's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// The range `start..end`.
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// A rule file's name and text, shared by every diagnostic that points into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    name: String,
    text: Arc<str>,
    /// Where each line starts, so finding an offset's line is a binary search.
    line_starts: Arc<[usize]>,
}

impl SourceFile {
    /// A source file named `name` holding `text`, less a byte order mark at its start
    /// (which Notepad writes): the text the rules are read from, fingerprinted and
    /// formatted.
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> SourceFile {
        let mut text: Arc<str> = text.into();
        if let Some(rest) = text.strip_prefix('\u{feff}') {
            text = rest.into();
        }
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            name: name.into(),
            text,
            line_starts,
        }
    }

    /// A source file named `name` read from `bytes`, which must be UTF-8 text (a byte
    /// order mark at the start is dropped); otherwise the message says on which line
    /// and column it stops being so, and how to fix it.
    pub fn from_bytes(name: impl Into<String>, bytes: Vec<u8>) -> Result<SourceFile, String> {
        let name = name.into();
        match String::from_utf8(bytes) {
            Ok(text) => Ok(SourceFile::new(name, text)),
            Err(e) => {
                let bytes = e.as_bytes();
                let valid = &bytes[..e.utf8_error().valid_up_to()];
                // Valid by construction: the bytes before the first fault.
                let before = std::str::from_utf8(valid).unwrap_or_default();
                let line = before.matches('\n').count() + 1;
                let start = before.rfind('\n').map_or(0, |i| i + 1);
                let column = before[start..].chars().count() + 1;
                let gbk = encoding_rs::GB18030
                    .decode_without_bom_handling_and_without_replacement(bytes)
                    .is_some();
                Err(format!(
                    "{name}:{line}:{column}: the rule file is not UTF-8 text (byte 0x{:02X}){}; save it as UTF-8 (in Notepad: Save As, Encoding UTF-8)",
                    bytes[valid.len()],
                    if gbk {
                        ", but reads as GB18030 (GBK), as a Chinese editor may save it"
                    } else {
                        ""
                    }
                ))
            }
        }
    }

    /// The name shown in diagnostics, usually the path.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The full text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let line_start = self.line_starts[line - 1];
        let col = self.text[line_start..offset].chars().count() + 1;
        (line, col)
    }

    /// The text a span covers.
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub enum Severity {
    /// The rule file cannot be used.
    Error,
    /// Valid, but probably not what was meant.
    Warning,
}

/// A span with a short note on what is there.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What is there, in a few words.
    pub text: String,
}

/// One problem in a rule file. Serialised with byte spans; [`Diagnostics::problems`]
/// gives lines and columns.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// A stable code such as `E0201`.
    pub code: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The place it is wrong.
    pub primary: Label,
    /// Other places that explain it (the first definition of a duplicate, say).
    pub secondary: Vec<Label>,
    /// How to fix it.
    pub hint: Option<String>,
    /// The text that would fix it in place of the primary span, for a "did you mean"
    /// an editor can apply.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

impl Diagnostic {
    /// An error with `code` at `span`.
    pub fn error(code: &'static str, message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            primary: Label {
                span,
                text: String::new(),
            },
            secondary: Vec::new(),
            hint: None,
            suggestion: None,
        }
    }

    /// A warning with `code` at `span`: valid, but probably not what was meant.
    pub fn warning(code: &'static str, message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message, span)
        }
    }

    /// The same diagnostic with a note under the caret.
    pub fn with_label(mut self, text: impl Into<String>) -> Diagnostic {
        self.primary.text = text.into();
        self
    }

    /// The same diagnostic with another place pointed at.
    pub fn with_secondary(mut self, span: Span, text: impl Into<String>) -> Diagnostic {
        self.secondary.push(Label {
            span,
            text: text.into(),
        });
        self
    }

    /// The same diagnostic with a hint on how to fix it.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    /// The same diagnostic with the text that would replace its primary span.
    pub fn with_suggestion(mut self, replacement: impl Into<String>) -> Diagnostic {
        self.suggestion = Some(replacement.into());
        self
    }

    /// Renders the diagnostic as plain text: `file:line:col`, the source line, a caret
    /// under the place, and the hint.
    pub fn render(&self, source: &SourceFile) -> String {
        let file = SimpleFile::new(source.name.as_str(), &*source.text);
        self.render_in(source, &file)
    }

    /// Renders against a file whose line index is already built, so that many
    /// diagnostics cost one pass over the text, not one each.
    fn render_in(&self, source: &SourceFile, file: &SimpleFile<&str, &str>) -> String {
        let severity = match self.severity {
            Severity::Error => cs::Severity::Error,
            Severity::Warning => cs::Severity::Warning,
        };
        let clamp = |span: Span| {
            let end = floor_char_boundary(&source.text, span.end.min(source.text.len()));
            let start = floor_char_boundary(&source.text, span.start.min(end));
            start..end
        };
        let mut labels =
            vec![cs::Label::primary((), clamp(self.primary.span)).with_message(&self.primary.text)];
        labels.extend(
            self.secondary
                .iter()
                .map(|l| cs::Label::secondary((), clamp(l.span)).with_message(&l.text)),
        );
        let notes = self.hint.iter().map(|h| format!("hint: {h}")).collect();
        let diagnostic = cs::Diagnostic::new(severity)
            .with_code(self.code)
            .with_message(&self.message)
            .with_labels(labels)
            .with_notes(notes);
        let config = term::Config::default();
        term::emit_into_string(&config, file, &diagnostic)
            .unwrap_or_else(|_| format!("{}[{}]: {}\n", "error", self.code, self.message))
    }
}

/// Every problem found in one rule file, ready to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics {
    /// The rule file they point into.
    pub source: SourceFile,
    /// Errors and warnings in the order of the file.
    pub list: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Whether any of them is an error.
    pub fn has_errors(&self) -> bool {
        self.list.iter().any(|d| d.severity == Severity::Error)
    }

    /// The errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.list.iter().filter(|d| d.severity == Severity::Error)
    }

    /// All diagnostics rendered one after another.
    pub fn render(&self) -> String {
        let file = SimpleFile::new(self.source.name.as_str(), &*self.source.text);
        self.list
            .iter()
            .map(|d| d.render_in(&self.source, &file))
            .collect()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

impl std::error::Error for Diagnostics {}

/// The stable diagnostic codes. Each is documented with an example and its fix.
pub mod codes {
    /// A statement does not follow the grammar.
    pub const SYNTAX: &str = "E0101";
    /// Parentheses, `if`s or an expression nest deeper than the limit.
    pub const TOO_DEEP: &str = "E0102";
    /// A number has too many digits to be exact.
    pub const NUMBER_TOO_LONG: &str = "E0103";
    /// A name is used but never declared.
    pub const UNKNOWN_NAME: &str = "E0201";
    /// A name is declared twice.
    pub const DUPLICATE_NAME: &str = "E0202";
    /// A function that does not exist.
    pub const UNKNOWN_FUNCTION: &str = "E0203";
    /// A function called with the wrong arguments.
    pub const BAD_ARGUMENTS: &str = "E0204";
    /// A required header line (ruleset, key, currency) is missing or repeated.
    pub const HEADER: &str = "E0205";
    /// `.coefficient` on something that has none.
    pub const UNKNOWN_FIELD: &str = "E0206";
    /// Operands whose types or units do not go together.
    pub const TYPE_MISMATCH: &str = "E0301";
    /// A money amount in a currency other than the ruleset's.
    pub const CURRENCY: &str = "E0302";
    /// A condition that is not true or false.
    pub const NOT_A_CONDITION: &str = "E0303";
    /// A division whose denominator is written as 0.
    pub const DIVISION_BY_ZERO: &str = "E0304";
    /// Items that depend on each other in a circle.
    pub const CYCLE: &str = "E0401";
    /// Weights that do not add up to 100%.
    pub const WEIGHTS: &str = "E0501";
    /// Tier or grade rows out of order, so that a row can never match.
    pub const ROW_ORDER: &str = "E0502";
    /// A tier table or grade band without an `else` row.
    pub const MISSING_ELSE: &str = "E0503";
    /// Linear interpolation points that are not increasing.
    pub const LINEAR_POINTS: &str = "E0504";
    /// Grade rows where some have a coefficient and some do not, or labels repeat.
    pub const GRADE_ROWS: &str = "E0505";
    /// A veto aimed at something it cannot override.
    pub const VETO_TARGET: &str = "E0506";
    /// A `when zero` policy on something that is not a division.
    pub const ZERO_POLICY: &str = "E0507";
    /// An input's range or key is not usable.
    pub const INPUT_DECL: &str = "E0508";
    /// A test case or fixture gives an input a value it cannot have.
    pub const TEST_VALUE: &str = "E0601";
    /// A test case leaves inputs without a value.
    pub const TEST_MISSING_INPUTS: &str = "E0602";
    /// A test case expects something that is not computed, or a value of the wrong
    /// kind.
    pub const TEST_EXPECT: &str = "E0603";
    /// A test case has no `expect` row, so it could never fail.
    pub const TEST_EXPECTS_NOTHING: &str = "E0604";
    /// A value used at the wrong level: a member's value in a group item without an
    /// aggregate, an aggregate outside a group item, or another group's value.
    pub const LEVEL: &str = "E0701";
    /// `over` or `within` names something other than a text or count input.
    pub const GROUP_COLUMN: &str = "E0702";
    /// An aggregate written wrongly: `count` of a value, a sum of text, an empty
    /// value of the wrong kind.
    pub const AGGREGATE: &str = "E0703";
    /// A rank without a tie policy, or a filter without a value for those it leaves
    /// out, or a sort key that cannot be ordered.
    pub const RANK: &str = "E0704";
    /// A forced distribution whose shares do not add up to 100%, or whose small-group
    /// bands name grades it does not hand out.
    pub const SHARES: &str = "E0705";
    /// A share whose amount is not money, differs between the members of a group, or
    /// whose remainder order is not given.
    pub const SHARE: &str = "E0706";
    /// A period, a version by date or a value of the record's month written wrongly.
    pub const PERIOD: &str = "E0801";
    /// A later version that does not only change what the earlier one has.
    pub const VERSION: &str = "E0802";
    /// Warning: an input that no item, veto or output reads.
    pub const UNUSED_INPUT: &str = "W0201";
    /// Warning: a tier or grade row that no value can reach.
    pub const ROW_NEVER_MATCHES: &str = "W0501";
    /// Warning: a cap below the amount for a single case.
    pub const CAP_BELOW_ONE: &str = "W0502";
    /// Warning: a percentage threshold above 100%.
    pub const PERCENT_OVER_100: &str = "W0503";
    /// Warning: a floor above the cap of the same item.
    pub const FLOOR_ABOVE_CAP: &str = "W0504";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_text() {
        let source = SourceFile::new("t.kpi", "\u{feff}ruleset t\n");
        assert_eq!(source.text(), "ruleset t\n");
        assert_eq!(source.line_col(0), (1, 1));
    }

    #[test]
    fn a_rule_file_that_is_not_utf8_names_its_line_and_column() {
        let latin1 = b"ruleset t\n# caf\xe9\n".to_vec();
        assert_eq!(
            SourceFile::from_bytes("t.kpi", latin1).unwrap_err(),
            "t.kpi:2:6: the rule file is not UTF-8 text (byte 0xE9); save it as UTF-8 \
             (in Notepad: Save As, Encoding UTF-8)"
        );
        let (gbk, _, _) = encoding_rs::GBK.encode("ruleset t \"绩效\"\n");
        assert_eq!(
            SourceFile::from_bytes("t.kpi", gbk.into_owned()).unwrap_err(),
            "t.kpi:1:12: the rule file is not UTF-8 text (byte 0xBC), but reads as GB18030 (GBK), \
             as a Chinese editor may save it; save it as UTF-8 (in Notepad: Save As, Encoding UTF-8)"
        );
        let utf8 = "\u{feff}ruleset t \"绩效\"\n".as_bytes().to_vec();
        let source = SourceFile::from_bytes("t.kpi", utf8).unwrap();
        assert_eq!(source.text(), "ruleset t \"绩效\"\n");
    }

    #[test]
    fn line_and_column_count_characters_from_one() {
        let source = SourceFile::new("t.kpi", "let a = 1\nlet 接通率 = x\n");
        assert_eq!(source.line_col(0), (1, 1));
        assert_eq!(source.line_col(10), (2, 1));
        let x = source.text().find('x').unwrap();
        assert_eq!(source.line_col(x), (2, 11));
        assert_eq!(source.line_col(source.text().len() + 5), (3, 1));
    }
}
