//! A document as one self-contained HTML page, the statement an agent opens on a
//! phone: the payout and results first, where each tier table stands against its next
//! row, the items table, then the full working, and what reproduces it at the end.

use std::fmt::Write;

use super::doc::{Block, Doc, Section, Standing, StandingState, Summary};
use super::words::Word;

use escape_html as h;

/// Text made safe to put in an HTML element or a quoted attribute.
pub fn escape_html(s: &str) -> String {
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

/// The page's style: one column that fits a 360-pixel phone without sideways
/// scrolling (long names and fingerprints wrap; a wide table scrolls inside its own
/// box), and prints on A4 with its bars.
const STYLE: &str = "\
*{box-sizing:border-box}\
body{font-family:system-ui,-apple-system,\"PingFang SC\",\"Microsoft YaHei\",sans-serif;\
margin:0 auto;max-width:46rem;padding:1rem;color:#1a1a1a;line-height:1.5;\
overflow-wrap:break-word}dd,h1,h3{overflow-wrap:anywhere}\
h1{font-size:1.3rem;margin:.2rem 0}.kicker{color:#555;margin:0;font-size:.9rem}\
h2{font-size:1.1rem;border-bottom:2px solid #333;margin-top:1.5rem}\
section{border:1px solid #ccc;border-radius:6px;padding:.5rem .8rem;margin:.8rem 0;\
break-inside:avoid}section.marked{border-color:#b35900;background:#fff8f0}\
h3{font-size:1rem;margin:.2rem 0}.aside{color:#666;font-weight:normal;font-size:.85rem}\
dl{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.1rem .8rem;margin:.3rem 0}\
dt{color:#555}dd{margin:0;min-width:0}\
.wide{overflow-x:auto;max-width:100%}\
table{border-collapse:collapse;width:100%;margin:.3rem 0}\
td,th{border:1px solid #ddd;padding:.2rem .4rem;text-align:left;vertical-align:top}\
tr.marked{background:#e8f4e8;font-weight:bold}ul{margin:.3rem 0;padding-left:1.2rem}\
.references dd{font-family:ui-monospace,monospace;font-size:.8rem}\
.headline{border:2px solid #1d5fa8;border-radius:8px;padding:.8rem 1rem;margin:.8rem 0;\
background:#f3f7fc}\
.payout .term{display:block;color:#333}\
.payout .amount{display:block;font-size:2.2rem;font-weight:bold;line-height:1.2;\
color:#1d5fa8}\
.results{display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;list-style:none;padding:0;\
margin:.6rem 0 0}.results b{font-size:1.25rem;margin-left:.3rem}\
.standing{border:1px solid #ccc;border-radius:6px;padding:.5rem .8rem;margin:.6rem 0;\
break-inside:avoid}\
.standing .head{display:flex;justify-content:space-between;gap:.5rem;flex-wrap:wrap}\
.standing .now{font-weight:bold}\
.bar{height:.7rem;background:#e3e3e3;border-radius:.35rem;margin:.35rem 0;overflow:hidden}\
.bar span{display:block;height:100%;background:#1d5fa8}\
.top .bar span{background:#2e8b3d}.held .bar{background:#f3d3d3}\
.items td:nth-child(n+2),.items th:nth-child(n+2){text-align:right}\
.items td:nth-child(n+2){white-space:nowrap}.items small{color:#555}\
.items{font-size:.85rem}.items td,.items th{padding:.2rem .3rem}\
@media (max-width:400px){body{padding:.6rem}}\
@page{size:A4;margin:14mm}\
@media print{body{max-width:none;padding:0}section,.standing{border-color:#999}\
.wide{overflow:visible}.bar,.bar span,.headline{-webkit-print-color-adjust:exact;\
print-color-adjust:exact}}";

/// A self-contained HTML page: one file, no scripts, nothing fetched.
pub fn page(doc: &Doc) -> String {
    let lang = doc.lang;
    let mut out = String::new();
    let key = doc.facts.first().map_or("", |(_, v)| v.as_str());
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <title>{} {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        lang.code(),
        h(&doc.title),
        h(key),
    );
    let _ = writeln!(out, "<p class=\"kicker\">{}</p>", h(&doc.title));
    let result = lang.word(Word::Result);
    match &doc.summary {
        Some(summary) => {
            let _ = writeln!(out, "<h1>{}</h1>", h(key));
            // The key is the heading and the results are in the summary.
            let facts: Vec<&(String, String)> = doc
                .facts
                .iter()
                .skip(1)
                .filter(|(term, _)| term != result)
                .collect();
            fields(&mut out, "facts", facts);
            headline(&mut out, summary);
        }
        None => {
            let _ = writeln!(out, "<h1>{}</h1>", h(&doc.title));
            fields(&mut out, "facts", doc.facts.iter().collect());
        }
    }
    let mut summarised = doc.summary.is_none();
    for section in &doc.sections {
        // The warnings come first, then where the record stands, then the working.
        let warnings = section.group && section.marked;
        if !summarised && !warnings {
            if let Some(summary) = &doc.summary {
                standings(&mut out, doc, summary);
            }
            summarised = true;
        }
        section_html(&mut out, section);
    }
    if !doc.references.is_empty() {
        let _ = writeln!(out, "<h2>{}</h2>", h(lang.word(Word::References)));
        fields(&mut out, "references", doc.references.iter().collect());
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// Terms and values as a definition list of class `class`.
fn fields(out: &mut String, class: &str, pairs: Vec<&(String, String)>) {
    if pairs.is_empty() {
        return;
    }
    let _ = writeln!(out, "<dl class=\"{class}\">");
    for (term, value) in pairs {
        let _ = writeln!(out, "<dt>{}</dt><dd>{}</dd>", h(term), h(value));
    }
    out.push_str("</dl>\n");
}

/// The payout large, then the other results.
fn headline(out: &mut String, summary: &Summary) {
    out.push_str("<div class=\"headline\">\n");
    if let Some((term, amount)) = &summary.headline {
        let _ = writeln!(
            out,
            "<div class=\"payout\"><span class=\"term\">{}</span><span class=\"amount\">{}</span></div>",
            h(term),
            h(amount)
        );
    }
    if !summary.results.is_empty() {
        out.push_str("<ul class=\"results\">\n");
        for (term, value) in &summary.results {
            let _ = writeln!(out, "<li>{}<b>{}</b></li>", h(term), h(value));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</div>\n");
}

/// Where each tier table and grade stands, then the items table.
fn standings(out: &mut String, doc: &Doc, summary: &Summary) {
    let lang = doc.lang;
    if !summary.standings.is_empty() {
        let _ = writeln!(out, "<h2>{}</h2>", h(lang.word(Word::Standings)));
        for standing in &summary.standings {
            bar(out, standing);
        }
    }
    if let Some(items) = &summary.items {
        let _ = writeln!(out, "<h2>{}</h2>", h(lang.word(Word::Items)));
        items_table(out, items);
    }
}

/// The items table, narrow enough for a phone: each item's value is written under
/// its name rather than in a column of its own.
fn items_table(out: &mut String, items: &Block) {
    let Block::Table {
        header,
        rows,
        marked,
    } = items
    else {
        return blocks(out, std::slice::from_ref(items));
    };
    table(out, "wide items", header, rows, marked, |cells, tag| {
        let mut html = match cells {
            [name, value, ..] if !value.is_empty() => {
                format!("<{tag}>{}<br><small>{}</small></{tag}>", h(name), h(value))
            }
            [name, ..] => format!("<{tag}>{}</{tag}>", h(name)),
            [] => String::new(),
        };
        html.extend(
            cells
                .iter()
                .skip(2)
                .map(|c| format!("<{tag}>{}</{tag}>", h(c))),
        );
        html
    });
}

/// A table in a box of class `class`; `cells` writes a row's cells in `tag` (`th`
/// for the header, `td` for the rows).
fn table(
    out: &mut String,
    class: &str,
    header: &[String],
    rows: &[Vec<String>],
    marked: &[bool],
    cells: impl Fn(&[String], &str) -> String,
) {
    let _ = write!(
        out,
        "<div class=\"{class}\"><table>\n<tr>{}</tr>\n",
        cells(header, "th")
    );
    for (row, marked) in rows.iter().zip(marked) {
        let class = if *marked { " class=\"marked\"" } else { "" };
        let _ = writeln!(out, "<tr{class}>{}</tr>", cells(row, "td"));
    }
    out.push_str("</table></div>\n");
}

/// One item's bar: how far from its row towards the next, and what that takes.
fn bar(out: &mut String, s: &Standing) {
    let class = match s.state {
        StandingState::Top => "top",
        StandingState::Next => "next",
        StandingState::Held => "held",
    };
    let _ = writeln!(
        out,
        "<div class=\"standing {class}\">\n<div class=\"head\"><span>{}</span>\
         <span class=\"now\">{} → {}</span></div>\n\
         <div class=\"bar\" role=\"img\" aria-label=\"{}%\"><span style=\"width:{}%\"></span></div>",
        h(&s.item),
        h(&s.now),
        h(&s.gives),
        s.progress,
        s.progress
    );
    blocks(out, &[Block::List(s.lines.clone())]);
    out.push_str("</div>\n");
}

/// One section of the working.
fn section_html(out: &mut String, section: &Section) {
    if section.group {
        let _ = writeln!(out, "<h2>{}</h2>", h(&section.heading));
        blocks(out, &section.blocks);
        return;
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
    blocks(out, &section.blocks);
    out.push_str("</section>\n");
}

fn blocks(out: &mut String, blocks: &[Block]) {
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
            } => table(out, "wide", header, rows, marked, |cells, tag| {
                cells
                    .iter()
                    .map(|c| format!("<{tag}>{}</{tag}>", h(c)))
                    .collect()
            }),
        }
    }
    if in_fields {
        out.push_str("</dl>\n");
    }
}
