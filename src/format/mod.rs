//! `kpi fmt`: one canonical layout for rule files.
//!
//! Formatting works on the syntax tree and the text: each statement is laid out from
//! its parts (`layout`), formulas keep their tokens and get canonical spacing
//! (`tokens`), and every comment goes back beside the line it was written on or
//! before the line it preceded (`comments`). Blank lines are the layout's, except
//! that a blank line after a comment is kept. A file with syntax errors is not
//! formatted.

mod comments;
mod layout;
mod tokens;

use unicode_width::UnicodeWidthStr;

use crate::diagnostic::{Diagnostic, Diagnostics, Severity, SourceFile, Span, codes};
use comments::Comment;
use layout::{Block, Group, Layout, Line, pad};

/// The rule file in canonical layout, or its syntax errors.
pub fn format(source: &SourceFile) -> Result<String, Diagnostics> {
    let (file, diagnostics) = crate::syntax::parse(source);
    let errors: Vec<_> = diagnostics
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    if !errors.is_empty() {
        return Err(Diagnostics {
            source: source.clone(),
            list: errors,
        });
    }
    let layout = Layout { source };
    let mut blocks: Vec<Block> = file
        .statements
        .iter()
        .map(|s| layout.statement(s))
        .collect();
    let (placed, at_end) = place(&blocks, comments::comments(source.text()), source.text());
    let together = together(&blocks, &placed);
    align(&mut blocks, &together);
    let formatted = emit(&blocks, &together, &placed, &at_end);
    // A layout that would not read back as the same statements is never written.
    let (again, problems) =
        crate::syntax::parse(&SourceFile::new(source.name(), formatted.as_str()));
    if !problems.is_empty() || again.statements.len() != file.statements.len() {
        return Err(Diagnostics {
            source: source.clone(),
            list: vec![
                Diagnostic::error(
                    codes::SYNTAX,
                    "this file cannot be formatted: its formatted text would read differently",
                    Span::new(0, 0),
                )
                .with_hint("please report this rule file to the kpi maintainers; the file is left as it is"),
            ],
        });
    }
    Ok(formatted)
}

/// For each block, whether it sits right under the one before, without a blank line
/// and aligned with it: one-line statements of one group, with no comment placed
/// between them (a comment line starts a new section).
fn together(blocks: &[Block], placed: &[Placed]) -> Vec<bool> {
    let mut together = vec![false; blocks.len()];
    let mut first_line = 0;
    for b in 0..blocks.len() {
        if b > 0 {
            let (a, c) = (&blocks[b - 1], &blocks[b]);
            together[b] = a.group == c.group
                && a.group != Group::Alone
                && a.lines.len() == 1
                && c.lines.len() == 1
                && placed[first_line].before.is_empty();
        }
        first_line += blocks[b].lines.len();
    }
    together
}

/// Pads the columns of each run of one-line statements to the widest, and joins them.
fn align(blocks: &mut [Block], together: &[bool]) {
    let mut start = 0;
    while start < blocks.len() {
        let mut end = start + 1;
        while end < blocks.len() && together[end] {
            end += 1;
        }
        let run = &mut blocks[start..end];
        let columns = run
            .iter()
            .filter_map(|b| b.cells.as_ref().map(Vec::len))
            .max()
            .unwrap_or(0);
        let widths: Vec<usize> = (0..columns)
            .map(|c| {
                run.iter()
                    .filter_map(|b| b.cells.as_ref()?.get(c))
                    .map(|s| s.width())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for block in run.iter_mut() {
            if let Some(cells) = block.cells.take() {
                let last = cells.len().saturating_sub(1);
                let text = cells
                    .iter()
                    .enumerate()
                    .filter(|&(c, _)| widths[c] > 0)
                    .map(|(c, cell)| {
                        if c == last {
                            cell.clone()
                        } else {
                            pad(cell, widths[c])
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" ");
                block.lines[0].text = text.trim_end().to_string();
            }
        }
        start = end;
    }
}

/// Comments placed on a line: before it, and at its end.
#[derive(Default)]
struct Placed {
    before: Vec<Comment>,
    trailing: Option<Comment>,
}

/// Places each comment by its offset: a comment at the end of a line stays at the end
/// of that line; any other goes before the first line that starts after it. Comments written inside what becomes
/// one line (a formula broken over lines) all go above it, in order, unless the only
/// one ends the line's first source line. Returns the comments of each output line,
/// and those after the last.
fn place(blocks: &[Block], comments: Vec<Comment>, text: &str) -> (Vec<Placed>, Vec<Comment>) {
    let lines: Vec<&Line> = blocks.iter().flat_map(|b| &b.lines).collect();
    let mut placed: Vec<Placed> = lines.iter().map(|_| Placed::default()).collect();
    let mut inside: Vec<Vec<Comment>> = lines.iter().map(|_| Vec::new()).collect();
    let mut joined = vec![false; lines.len()];
    let mut at_end = Vec::new();
    for comment in comments {
        let after = lines.partition_point(|l| l.anchor <= comment.start);
        if after > 0 && comment.start < lines[after - 1].end {
            let line = lines[after - 1];
            let first_line = text
                .get(line.anchor..comment.start)
                .is_some_and(|s| !s.contains('\n'));
            joined[after - 1] |= comment.own_line || !first_line;
            inside[after - 1].push(comment);
        } else if !comment.own_line
            && after > 0
            && text
                .get(lines[after - 1].end..comment.start)
                .is_some_and(|s| !s.contains('\n'))
        {
            let slot = &mut placed[after - 1];
            if slot.trailing.is_none() {
                slot.trailing = Some(comment);
            } else {
                slot.before.push(Comment {
                    blank_after: false,
                    ..comment
                });
            }
        } else if after < lines.len() {
            placed[after].before.push(comment);
        } else {
            at_end.push(comment);
        }
    }
    for ((slot, comments), joined) in placed.iter_mut().zip(inside).zip(joined) {
        // A comment after the line's end already ends it: those inside go above.
        if joined || slot.trailing.is_some() {
            slot.before.extend(comments.into_iter().map(|c| Comment {
                blank_after: false,
                ..c
            }));
        } else if let Some(comment) = comments.into_iter().next() {
            slot.trailing = Some(comment);
        }
    }
    (placed, at_end)
}

/// The formatted text: blocks with their comments, a blank line between groups.
fn emit(blocks: &[Block], together: &[bool], placed: &[Placed], at_end: &[Comment]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut index = 0;
    for (b, block) in blocks.iter().enumerate() {
        if b > 0 && !together[b] {
            out.push(String::new());
        }
        for (l, line) in block.lines.iter().enumerate() {
            let indent = " ".repeat(line.indent);
            let slot = &placed[index];
            for comment in &slot.before {
                out.push(format!("{indent}{}", comment.text));
                // Blank lines are kept between comments and before a statement, not
                // inside one.
                if comment.blank_after && l == 0 {
                    out.push(String::new());
                }
            }
            let mut text = format!("{indent}{}", line.text);
            if let Some(comment) = &slot.trailing {
                text = format!("{text}  {}", comment.text);
            }
            out.push(text);
            index += 1;
        }
    }
    if !at_end.is_empty() && !blocks.is_empty() {
        out.push(String::new());
    }
    let last = at_end.len().saturating_sub(1);
    for (i, comment) in at_end.iter().enumerate() {
        out.push(comment.text.clone());
        if comment.blank_after && i < last {
            out.push(String::new());
        }
    }
    // Two blank lines never follow each other.
    out.dedup_by(|a, b| a.is_empty() && b.is_empty());
    let mut text = out.join("\n");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests;
