//! Printing a document as plain text or Markdown (HTML is in `html.rs`).

use std::fmt::Write;

use unicode_width::UnicodeWidthStr;

use super::doc::{Block, Doc, Section};

/// Pads `s` with spaces to `width` columns, counting a Chinese character as two.
fn pad(s: &str, width: usize) -> String {
    let mut out = s.to_string();
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(s.width())));
    out
}

/// Plain text for a terminal or a message: aligned fields and tables.
pub fn text(doc: &Doc) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", doc.title);
    let facts: Vec<(String, String)> = doc.facts.iter().chain(&doc.references).cloned().collect();
    fields(&mut out, "  ", &facts);
    for section in &doc.sections {
        let _ = writeln!(out);
        out.push_str(&section_text(section));
    }
    out
}

/// One section as plain text: its heading, then its blocks.
pub fn section_text(section: &Section) -> String {
    let mut out = String::new();
    if section.group {
        let _ = writeln!(out, "== {} ==", section.heading);
    } else {
        let mark = if section.marked { "* " } else { "" };
        let aside = section
            .aside
            .as_ref()
            .map(|a| format!("  ({a})"))
            .unwrap_or_default();
        let _ = writeln!(out, "{mark}{}{aside}", section.heading);
    }
    text_blocks(&mut out, section);
    out
}

fn fields(out: &mut String, indent: &str, pairs: &[(String, String)]) {
    let width = pairs.iter().map(|(t, _)| t.width()).max().unwrap_or(0);
    for (term, value) in pairs {
        let _ = writeln!(out, "{indent}{}  {value}", pad(term, width));
    }
}

fn text_blocks(out: &mut String, section: &Section) {
    let width = section
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Field(term, _) => Some(term.width()),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    for block in &section.blocks {
        match block {
            Block::Field(term, value) => {
                let _ = writeln!(out, "  {}  {value}", pad(term, width));
            }
            Block::List(items) => {
                for item in items {
                    let _ = writeln!(out, "    - {item}");
                }
            }
            Block::Table {
                header,
                rows,
                marked,
            } => {
                let columns = header.len();
                let widths: Vec<usize> = (0..columns)
                    .map(|c| {
                        rows.iter()
                            .chain([header])
                            .filter_map(|r| r.get(c))
                            .map(|s| s.width())
                            .max()
                            .unwrap_or(0)
                    })
                    .collect();
                let line = |cells: &[String]| {
                    let padded: Vec<String> = cells
                        .iter()
                        .zip(&widths)
                        .map(|(cell, w)| pad(cell, *w))
                        .collect();
                    padded.join("  ").trim_end().to_string()
                };
                // Group tables carry their own header; a step's rows read without one.
                if section.group {
                    let _ = writeln!(out, "    {}", line(header));
                }
                for (row, marked) in rows.iter().zip(marked) {
                    let mark = if *marked { "  > " } else { "    " };
                    let _ = writeln!(out, "{mark}{}", line(row));
                }
            }
        }
    }
}

/// Escapes the characters Markdown would read as markup, and a start that would
/// begin a list or heading (`- `, `+ `, `# `, `1. `); a line break becomes a space.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let numbered = digits > 0
        && matches!(s.as_bytes().get(digits), Some(b'.' | b')'))
        && matches!(s.as_bytes().get(digits + 1), None | Some(b' '));
    for (i, c) in s.chars().enumerate() {
        match c {
            '\n' | '\r' => out.push(' '),
            '\\' | '*' | '_' | '`' | '|' | '<' | '>' | '[' | ']' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '-' | '+' | '#' if i == 0 => {
                out.push('\\');
                out.push(c);
            }
            '.' | ')' if numbered && i == digits => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Markdown, for a wiki page or a message that renders it.
pub fn markdown(doc: &Doc) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", md(&doc.title));
    for (term, value) in doc.facts.iter().chain(&doc.references) {
        let _ = writeln!(out, "- **{}**: {}", md(term), md(value));
    }
    for section in &doc.sections {
        if section.group {
            let _ = writeln!(out, "\n## {}", md(&section.heading));
        } else {
            let _ = writeln!(out, "\n### {}", md(&section.heading));
            if let Some(aside) = &section.aside {
                let _ = writeln!(out, "\n*{}*", md(aside));
            }
        }
        for block in &section.blocks {
            match block {
                Block::Field(term, value) => {
                    let _ = writeln!(out, "\n**{}**: {}", md(term), md(value));
                }
                Block::List(items) => {
                    let _ = writeln!(out);
                    for item in items {
                        let _ = writeln!(out, "- {}", md(item));
                    }
                }
                Block::Table {
                    header,
                    rows,
                    marked,
                } => {
                    let _ = writeln!(out);
                    let cells = |r: &[String], strong: bool| {
                        let cells: Vec<String> = r
                            .iter()
                            .map(|c| {
                                if strong {
                                    format!("**{}**", md(c))
                                } else {
                                    md(c)
                                }
                            })
                            .collect();
                        format!("| {} |", cells.join(" | "))
                    };
                    let _ = writeln!(out, "{}", cells(header, false));
                    let _ = writeln!(out, "|{}", "---|".repeat(header.len()));
                    for (row, marked) in rows.iter().zip(marked) {
                        let _ = writeln!(out, "{}", cells(row, *marked));
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::md;

    #[test]
    fn markdown_escapes_markup_and_line_breaks() {
        assert_eq!(md("a*b_c|d"), "a\\*b\\_c\\|d");
        assert_eq!(md("E1\n\n- x"), "E1  - x");
        assert_eq!(md("- x"), "\\- x");
        assert_eq!(md("12. x"), "12\\. x");
        assert_eq!(md("620.03"), "620.03");
        assert_eq!(md("<b>&amp;"), "\\<b\\>\\&amp;");
    }
}
