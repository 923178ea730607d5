//! The canonical layout of each statement: one line for a declaration, a header line
//! and indented rows for tables, with the columns of rows aligned.

use unicode_width::UnicodeWidthStr;

use super::tokens::respace;
use crate::diagnostic::{SourceFile, Span};
use crate::syntax::ast::{
    CaseRow, CaseValue, Clause, Distribution, GradeDecl, GradeRow, ItemBody, ItemDecl, ItemKind,
    Literal, Statement,
};

/// Statements that sit together without blank lines, and whose columns align.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// `ruleset`, `version`, `currency`, `key`.
    Header,
    /// `input` lines.
    Input,
    /// One-line items of one kind.
    Item(ItemKind),
    /// `veto` lines.
    Veto,
    /// `output` lines.
    Output,
    /// Tables, grades, fixtures and tests: a blank line on either side.
    Alone,
}

/// One line of output and the place in the source it stands for.
#[derive(Debug, Clone)]
pub struct Line {
    /// Spaces before the text.
    pub indent: usize,
    /// The text.
    pub text: String,
    /// The source offset of what the line starts with; comments are placed by it.
    pub anchor: usize,
    /// The source offset just past what the line holds.
    pub end: usize,
}

/// A statement laid out.
#[derive(Debug, Clone)]
pub struct Block {
    /// How it groups with its neighbours.
    pub group: Group,
    /// Columns to align with the neighbours of its group, for one-line statements;
    /// joined into `lines[0]` once the widths are known.
    pub cells: Option<Vec<String>>,
    /// Its lines.
    pub lines: Vec<Line>,
}

impl Block {
    fn single(group: Group, span: Span, cells: Vec<String>) -> Block {
        Block {
            group,
            cells: Some(cells),
            lines: vec![Line {
                indent: 0,
                text: String::new(),
                anchor: span.start,
                end: span.end,
            }],
        }
    }
}

/// Lays out statements, reading formulas and literals from `source`.
pub struct Layout<'a> {
    /// The rule file.
    pub source: &'a SourceFile,
}

impl Layout<'_> {
    fn text(&self, span: Span) -> String {
        respace(self.source.slice(span))
    }

    fn label(&self, label: Option<&crate::syntax::ast::Text>) -> String {
        label.map_or_else(String::new, |l| self.source.slice(l.span).to_string())
    }

    fn literal(&self, literal: &Literal) -> String {
        self.text(literal.span)
    }

    /// The layout of one statement.
    pub fn statement(&self, statement: &Statement) -> Block {
        match statement {
            Statement::Ruleset { name, title, span } => one_line(
                Group::Header,
                *span,
                &["ruleset", &name.name, &self.label(title.as_ref())],
            ),
            Statement::Version(text, from, span) => {
                let mut words = vec!["version", self.source.slice(text.span)];
                if let Some(from) = from {
                    words.extend(["from", self.source.slice(from.span)]);
                }
                one_line(Group::Header, *span, &words)
            }
            Statement::Period(column, span) => one_line(
                Group::Header,
                *span,
                &["period", "month", "from", &column.name],
            ),
            Statement::Currency(code, span) => {
                one_line(Group::Header, *span, &["currency", &code.name])
            }
            Statement::Unit(code, label, span) => one_line(
                Group::Header,
                *span,
                &["unit", &code.name, &self.label(label.as_ref())],
            ),
            Statement::Key(names, span) => {
                let names: Vec<&str> = names.iter().map(|n| n.name.as_str()).collect();
                one_line(Group::Header, *span, &["key", &names.join(", ")])
            }
            Statement::Input(input) => {
                let mut ty = self.source.slice(input.ty_span).to_string();
                if input.optional {
                    ty.push_str(" optional");
                }
                match input.better {
                    Some(true) => ty.push_str(" better higher"),
                    Some(false) => ty.push_str(" better lower"),
                    None => {}
                }
                if let Some((low, high)) = &input.range {
                    ty = format!("{ty} {}..{}", self.literal(low), self.literal(high));
                }
                Block::single(
                    Group::Input,
                    input.span,
                    vec![
                        "input".into(),
                        input.name.name.clone(),
                        ty,
                        self.label(input.label.as_ref()),
                    ],
                )
            }
            Statement::Item(item) => self.item(item),
            Statement::Veto(veto) => {
                let name = veto.name.as_ref().map_or("", |n| n.name.as_str());
                one_line(
                    Group::Veto,
                    veto.span,
                    &[
                        "veto",
                        name,
                        self.source.slice(veto.reason.span),
                        "when",
                        &self.text(veto.condition.span),
                        ":",
                        &veto.target.name,
                        "=",
                        &self.text(veto.value.span),
                    ],
                )
            }
            Statement::Grade(grade) => match (&grade.distribution, &grade.subject) {
                (Some(distribution), _) => self.distribution(grade, distribution),
                (None, subject) => {
                    let subject_span = subject.as_ref().map_or(grade.span, |s| s.span);
                    let header = [
                        "grade",
                        &grade.name.name,
                        &self.label(grade.label.as_ref()),
                        "by",
                        &self.text(subject_span),
                    ];
                    let header_span = Span::new(grade.span.start, subject_span.end);
                    let mut block = one_line(Group::Alone, header_span, &header);
                    self.grade_rows(&mut block, &grade.rows, grade.otherwise.as_ref(), 2);
                    block
                }
            },
            Statement::Output(output) => Block::single(
                Group::Output,
                output.span,
                vec![
                    "output".into(),
                    output.name.name.clone(),
                    self.label(output.label.as_ref()),
                    format!("= {}", self.text(output.value.span)),
                ],
            ),
            Statement::Fixture(fixture) => {
                let header = [
                    "fixture",
                    &fixture.name.name,
                    &self.label(fixture.label.as_ref()),
                ];
                let end = [
                    Some(fixture.name.span),
                    fixture.label.as_ref().map(|l| l.span),
                ];
                let mut block = one_line(Group::Alone, header_span(fixture.span, &end), &header);
                self.case_rows(&mut block, &fixture.rows);
                block
            }
            Statement::Test(test) => {
                let from = test
                    .from
                    .as_ref()
                    .map_or(String::new(), |f| format!("from {}", f.name));
                let header = [
                    "test",
                    &test.name.name,
                    &self.label(test.label.as_ref()),
                    &from,
                ];
                let end = [
                    Some(test.name.span),
                    test.label.as_ref().map(|l| l.span),
                    test.from.as_ref().map(|f| f.span),
                ];
                let mut block = one_line(Group::Alone, header_span(test.span, &end), &header);
                self.case_rows(&mut block, &test.rows);
                block
            }
        }
    }

    /// Grade rows with their conditions and labels aligned, at `indent`.
    fn grade_rows(
        &self,
        block: &mut Block,
        rows: &[GradeRow],
        otherwise: Option<&GradeRow>,
        indent: usize,
    ) {
        let rows: Vec<&GradeRow> = rows.iter().chain(otherwise).collect();
        let tests: Vec<Option<(&str, String)>> = rows
            .iter()
            .map(|r| {
                r.test
                    .as_ref()
                    .map(|(op, t)| (op.symbol(), self.literal(t)))
            })
            .collect();
        let cells = condition_cells(&tests);
        let label_width = rows.iter().map(|r| r.grade.name.width()).max().unwrap_or(0);
        for (row, cell) in rows.iter().zip(cells) {
            let text = match &row.coefficient {
                Some(c) => format!(
                    "{cell} : {}  coefficient {}",
                    pad(&row.grade.name, label_width),
                    self.literal(c)
                ),
                None => format!("{cell} : {}", row.grade.name),
            };
            let mut line = row_line(text, row.span);
            line.indent = indent;
            block.lines.push(line);
        }
    }

    /// `grade level distribute ...` with its share rows and small-group bands.
    fn distribution(&self, grade: &GradeDecl, d: &Distribution) -> Block {
        let header = [
            "grade",
            &grade.name.name,
            &self.label(grade.label.as_ref()),
            &self.text(d.span),
        ];
        let mut block = one_line(
            Group::Alone,
            Span::new(grade.span.start, d.span.end),
            &header,
        );
        let shares: Vec<String> = d.shares.iter().map(|r| self.literal(&r.share)).collect();
        let share_width = shares.iter().map(|s| s.width()).max().unwrap_or(0);
        let label_width = d
            .shares
            .iter()
            .map(|r| r.grade.name.width())
            .max()
            .unwrap_or(0);
        for (row, share) in d.shares.iter().zip(&shares) {
            let text = match &row.coefficient {
                Some(c) => format!(
                    "{} : {}  coefficient {}",
                    pad(share, share_width),
                    pad(&row.grade.name, label_width),
                    self.literal(c)
                ),
                None => format!("{} : {}", pad(share, share_width), row.grade.name),
            };
            block.lines.push(row_line(text, row.span));
        }
        if let Some(small) = &d.small_group {
            let text = format!(
                "under {} members by {}",
                self.literal(&small.under),
                self.text(small.subject.span)
            );
            block.lines.push(row_line(text, small.span));
            self.grade_rows(&mut block, &small.rows, small.otherwise.as_ref(), 4);
        }
        block
    }

    fn case_rows(&self, block: &mut Block, rows: &[CaseRow]) {
        let width = |expect: bool| {
            rows.iter()
                .filter(|r| r.expect == expect)
                .map(|r| r.name.name.width())
                .max()
                .unwrap_or(0)
        };
        let (given_width, expect_width) = (width(false), width(true));
        for row in rows {
            let value = match &row.value {
                CaseValue::Literal(l) => self.literal(l),
                CaseValue::Name(n) => n.name.clone(),
            };
            let text = if row.expect {
                format!("expect {} = {value}", pad(&row.name.name, expect_width))
            } else {
                format!("{} = {value}", pad(&row.name.name, given_width))
            };
            block.lines.push(row_line(text, row.span));
        }
    }

    fn item(&self, item: &ItemDecl) -> Block {
        let kind = match item.kind {
            ItemKind::Let => "let",
            ItemKind::Score => "score",
            ItemKind::Bonus => "bonus",
            ItemKind::Deduction => "deduction",
            ItemKind::Warning => "warning",
        };
        let clauses: String = item
            .clauses
            .iter()
            .map(|c| match c {
                Clause::WhenZero(Some(value), _) => format!(", when zero {}", self.literal(value)),
                Clause::WhenZero(None, _) => ", when zero error".to_string(),
                Clause::Cap(e) => format!(", cap {}", self.text(e.span)),
                Clause::Floor(e) => format!(", floor {}", self.text(e.span)),
                Clause::Ties(policy, _) => format!(", ties {}", policy.word()),
                Clause::WhenExcluded(value, _) => {
                    format!(", when excluded {}", self.literal(value))
                }
                Clause::Remainder(_, span) => format!(", {}", self.text(*span)),
            })
            .collect();
        let label = self.label(item.label.as_ref());
        let over = item
            .over
            .as_ref()
            .map(|g| format!("over {}", g.name))
            .or(item.slicing.map(|(by, _)| match by {
                crate::syntax::ast::Slicing::Week => "by week".to_string(),
                crate::syntax::ast::Slicing::Day => "by day".to_string(),
            }))
            .unwrap_or_default();
        let single = |body: String| {
            Block::single(
                Group::Item(item.kind),
                item.span,
                vec![
                    kind.into(),
                    item.name.name.clone(),
                    label.clone(),
                    match over.as_str() {
                        "" => format!("= {body}{clauses}"),
                        over => format!("{over} = {body}{clauses}"),
                    },
                ],
            )
        };
        let header = |body: &str, end: usize| {
            let parts = [kind, &item.name.name, &label, &over, "=", body];
            one_line(Group::Alone, Span::new(item.span.start, end), &parts)
        };
        let mut block = match &item.body {
            ItemBody::Expr(e) => return single(self.text(e.span)),
            ItemBody::Rank(rank) => return single(self.text(rank.span)),
            ItemBody::Share(share) => return single(self.text(share.span)),
            ItemBody::Pace(pace) => return single(self.text(pace.span)),
            ItemBody::Per { amount, count } => {
                return single(format!(
                    "{} per {}",
                    self.text(amount.span),
                    self.text(count.span)
                ));
            }
            ItemBody::Linear(linear) if linear.points.len() <= 2 => {
                let points: Vec<String> = linear
                    .points
                    .iter()
                    .map(|(x, y)| format!("{} : {}", self.literal(x), self.literal(y)))
                    .collect();
                return single(format!(
                    "linear {} from {}",
                    self.text(linear.subject.span),
                    points.join(" to ")
                ));
            }
            ItemBody::Linear(linear) => {
                let mut block = header(
                    &format!("linear {}", self.text(linear.subject.span)),
                    linear.subject.span.end,
                );
                let xs: Vec<String> = linear.points.iter().map(|(x, _)| self.literal(x)).collect();
                let width = xs.iter().map(|x| x.width()).max().unwrap_or(0);
                for (i, ((x, y), shown)) in linear.points.iter().zip(&xs).enumerate() {
                    let word = if i == 0 { "from" } else { "to  " };
                    let text = format!("{word} {} : {}", pad(shown, width), self.literal(y));
                    block.lines.push(row_line(text, x.span.to(y.span)));
                }
                block
            }
            ItemBody::Tiers(table) => {
                let mut block = header(
                    &format!("tiers {}", self.text(table.subject.span)),
                    table.subject.span.end,
                );
                let mut tests: Vec<Option<(&str, String)>> = table
                    .rows
                    .iter()
                    .map(|r| Some((r.op.symbol(), self.literal(&r.threshold))))
                    .collect();
                let mut spans: Vec<Span> = table.rows.iter().map(|r| r.span).collect();
                let mut values: Vec<String> =
                    table.rows.iter().map(|r| self.text(r.value.span)).collect();
                if let Some((value, span)) = &table.otherwise {
                    tests.push(None);
                    spans.push(*span);
                    values.push(self.text(value.span));
                }
                let cells = condition_cells(&tests);
                for ((cell, value), span) in cells.iter().zip(&values).zip(spans) {
                    block
                        .lines
                        .push(row_line(format!("{cell} : {value}"), span));
                }
                block
            }
            ItemBody::Weighted(weighted) => {
                let mut block = header("weighted", weighted.keyword_span.end);
                let width = weighted
                    .rows
                    .iter()
                    .map(|r| r.item.name.width())
                    .max()
                    .unwrap_or(0);
                for row in &weighted.rows {
                    let text = format!(
                        "{}  {}",
                        pad(&row.item.name, width),
                        self.literal(&row.weight)
                    );
                    block
                        .lines
                        .push(row_line(text, row.item.span.to(row.weight.span)));
                }
                block
            }
        };
        if let Some(last) = block.lines.last_mut() {
            last.text.push_str(&clauses);
            last.end = item.span.end;
        }
        block
    }
}

/// A statement's first line: its words joined by single spaces, empty ones left out.
fn one_line(group: Group, span: Span, parts: &[&str]) -> Block {
    let text = parts
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    Block {
        group,
        cells: None,
        lines: vec![Line {
            indent: 0,
            text,
            anchor: span.start,
            end: span.end,
        }],
    }
}

fn row_line(text: String, span: Span) -> Line {
    Line {
        indent: 2,
        text,
        anchor: span.start,
        end: span.end,
    }
}

/// The span of a statement's first line: from its start to the last of `parts`.
fn header_span(statement: Span, parts: &[Option<Span>]) -> Span {
    let end = parts
        .iter()
        .flatten()
        .map(|s| s.end)
        .max()
        .unwrap_or(statement.end);
    Span::new(statement.start, end)
}

/// The left column of table rows: `>= 95%`, with operators and thresholds each
/// padded to the widest, and `else` across both.
fn condition_cells(tests: &[Option<(&str, String)>]) -> Vec<String> {
    let ops = tests
        .iter()
        .flatten()
        .map(|(op, _)| op.width())
        .max()
        .unwrap_or(0);
    let thresholds = tests
        .iter()
        .flatten()
        .map(|(_, t)| t.width())
        .max()
        .unwrap_or(0);
    let width = if ops == 0 {
        4
    } else {
        (ops + 1 + thresholds).max(4)
    };
    tests
        .iter()
        .map(|test| match test {
            Some((op, threshold)) => pad(&format!("{} {threshold}", pad(op, ops)), width),
            None => pad("else", width),
        })
        .collect()
}

/// `s` padded with spaces to `width` columns, a Chinese character counting two.
pub fn pad(s: &str, width: usize) -> String {
    let mut out = s.to_string();
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(s.width())));
    out
}
