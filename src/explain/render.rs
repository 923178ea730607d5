//! Printing a document as plain text, Markdown or a self-contained HTML page.

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
    fields(&mut out, "  ", &doc.facts);
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
    for (term, value) in &doc.facts {
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

/// Escapes text for HTML.
fn h(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The statement's style: readable on a phone, printable, no external assets.
const STYLE: &str = "\
body{font-family:system-ui,-apple-system,\"PingFang SC\",\"Microsoft YaHei\",sans-serif;\
margin:0 auto;max-width:46rem;padding:1rem;color:#1a1a1a;line-height:1.5}\
h1{font-size:1.4rem;margin:.5rem 0}h2{font-size:1.15rem;border-bottom:2px solid #333;\
margin-top:1.5rem}section{border:1px solid #ccc;border-radius:6px;padding:.5rem .8rem;\
margin:.8rem 0;break-inside:avoid}section.marked{border-color:#b35900;background:#fff8f0}\
h3{font-size:1rem;margin:.2rem 0}.aside{color:#666;font-weight:normal;font-size:.85rem}\
dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem;margin:.3rem 0}\
dt{color:#555}dd{margin:0;overflow-wrap:anywhere}table{border-collapse:collapse;\
width:100%;margin:.3rem 0}td,th{border:1px solid #ddd;padding:.2rem .4rem;text-align:left}\
tr.marked{background:#e8f4e8;font-weight:bold}ul{margin:.3rem 0;padding-left:1.2rem}\
.facts dd{font-family:ui-monospace,monospace;font-size:.8rem}\
@media print{body{max-width:none}section{border-color:#999}}";

/// A self-contained HTML page: one file, no scripts, nothing fetched.
pub fn html(doc: &Doc) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <title>{} {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n<dl class=\"facts\">\n",
        doc.lang.code(),
        h(&doc.title),
        h(doc.facts.first().map_or("", |(_, v)| v.as_str())),
        h(&doc.title)
    );
    for (term, value) in &doc.facts {
        let _ = writeln!(out, "<dt>{}</dt><dd>{}</dd>", h(term), h(value));
    }
    out.push_str("</dl>\n");
    for section in &doc.sections {
        if section.group {
            let _ = writeln!(out, "<h2>{}</h2>", h(&section.heading));
            html_blocks(&mut out, &section.blocks);
            continue;
        }
        let class = if section.marked {
            " class=\"marked\""
        } else {
            ""
        };
        let aside = section
            .aside
            .as_ref()
            .map(|a| format!(" <span class=\"aside\">{}</span>", h(a)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "<section{class}>\n<h3>{}{aside}</h3>",
            h(&section.heading)
        );
        html_blocks(&mut out, &section.blocks);
        out.push_str("</section>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn html_blocks(out: &mut String, blocks: &[Block]) {
    let mut in_fields = false;
    for block in blocks {
        let field = matches!(block, Block::Field(..));
        if field && !in_fields {
            out.push_str("<dl>\n");
        } else if !field && in_fields {
            out.push_str("</dl>\n");
        }
        in_fields = field;
        match block {
            Block::Field(term, value) => {
                let _ = writeln!(out, "<dt>{}</dt><dd>{}</dd>", h(term), h(value));
            }
            Block::List(items) => {
                out.push_str("<ul>\n");
                for item in items {
                    let _ = writeln!(out, "<li>{}</li>", h(item));
                }
                out.push_str("</ul>\n");
            }
            Block::Table {
                header,
                rows,
                marked,
            } => {
                out.push_str("<table>\n<tr>");
                for cell in header {
                    let _ = write!(out, "<th>{}</th>", h(cell));
                }
                out.push_str("</tr>\n");
                for (row, marked) in rows.iter().zip(marked) {
                    out.push_str(if *marked {
                        "<tr class=\"marked\">"
                    } else {
                        "<tr>"
                    });
                    for cell in row {
                        let _ = write!(out, "<td>{}</td>", h(cell));
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</table>\n");
            }
        }
    }
    if in_fields {
        out.push_str("</dl>\n");
    }
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
