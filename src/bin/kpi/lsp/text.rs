//! An open document and the conversion between byte offsets, which the library's
//! spans use, and LSP positions, whose columns count UTF-16 code units.

use kpi::diagnostic::Span;
use lsp_types::{Position, Range};

/// The text of an open document, as the editor last sent it.
pub struct Document {
    /// The file name diagnostics give.
    pub name: String,
    /// The whole text.
    pub text: String,
    /// The byte offset where each line starts.
    line_starts: Vec<usize>,
}

impl Document {
    /// A document named `name` holding `text`.
    pub fn new(name: String, text: String) -> Document {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Document {
            name,
            text,
            line_starts,
        }
    }

    /// The position of byte `offset` (clamped to the text).
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let before = self.text.get(start..offset).unwrap_or("");
        Position::new(line as u32, before.encode_utf16().count() as u32)
    }

    /// The byte offset of `position` (clamped to its line).
    pub fn offset(&self, position: Position) -> usize {
        let Some(&start) = self.line_starts.get(position.line as usize) else {
            return self.text.len();
        };
        let end = self
            .line_starts
            .get(position.line as usize + 1)
            .map_or(self.text.len(), |&next| next - 1);
        let mut units = 0;
        for (i, c) in self.text[start..end].char_indices() {
            if units >= position.character {
                return start + i;
            }
            units += c.len_utf16() as u32;
        }
        end
    }

    /// The range of `span`.
    pub fn range(&self, span: Span) -> Range {
        Range::new(self.position(span.start), self.position(span.end))
    }

    /// The whole text's range.
    pub fn whole(&self) -> Range {
        self.range(Span::new(0, self.text.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_units_both_ways() {
        let doc = Document::new("t.kpi".into(), "a\n接通率 x 𝔸 y\n".into());
        let y = doc.text.find('y').unwrap();
        // 接通率 is 3 units, 𝔸 2 (a surrogate pair), and 4 spaces and x one each.
        assert_eq!(doc.position(y), Position::new(1, 9));
        assert_eq!(doc.offset(Position::new(1, 9)), y);
        assert_eq!(doc.offset(Position::new(1, 99)), doc.text.len() - 1);
        assert_eq!(doc.offset(Position::new(9, 0)), doc.text.len());
    }
}
