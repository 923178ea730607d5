//! A report as one web page: no script, nothing fetched, charts drawn inline as SVG,
//! every figure exact as kpi prints it. It reads on a phone (only the results table
//! scrolls sideways, inside its own box), on a desktop and printed on A4.

use std::fmt::Write;

use kpi::OutputValue;
pub use kpi::explain::escape_html as escape;

use super::model::{Grouping, Report, money};
use super::svg::bar_chart;
use super::words::{self, Words};
use crate::amounts::{Amount, Exact};

/// The page's style: nothing fetched, the same fonts as the HTML statements.
const STYLE: &str = "\
*,*::before,*::after{box-sizing:border-box}\
body{font-family:system-ui,-apple-system,\"PingFang SC\",\"Microsoft YaHei\",sans-serif;\
margin:0 auto;max-width:72rem;padding:1rem;color:#1a1a1a;line-height:1.5}\
h1{font-size:1.4rem;margin:.5rem 0}.meta{color:#555;margin:0;overflow-wrap:anywhere}\
nav{margin:.8rem 0;display:flex;flex-wrap:wrap;gap:.3rem 1rem}nav a{color:#1d4f8a}\
h2{font-size:1.15rem;border-bottom:2px solid #333;margin:1.8rem 0 .6rem}\
h3{font-size:1rem;margin:1.2rem 0 .4rem}\
dl{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,9rem),1fr));\
gap:.5rem;margin:.4rem 0}dl div{border:1px solid #ccc;border-radius:6px;padding:.3rem .7rem}\
dt{color:#555;font-size:.85rem;overflow-wrap:anywhere}\
dd{margin:0;font-size:1.2rem;font-variant-numeric:tabular-nums;overflow-wrap:anywhere}\
.pair{display:flex;flex-wrap:wrap;gap:.5rem 3rem;align-items:flex-start}\
.pair>*{min-width:0;max-width:100%}\
figure{margin:.3rem 0}figcaption{color:#555;font-size:.85rem}\
svg.chart{display:block;max-width:100%;height:auto}svg .bar{fill:#3b6ea8}\
svg .axis{stroke:#777}svg text{fill:#1a1a1a}\
.scroll{overflow-x:auto;max-width:100%}\
table{border-collapse:collapse;margin:.3rem 0}\
td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left;vertical-align:top}\
thead th{background:#f2f2f2}.n{text-align:right;font-variant-numeric:tabular-nums}\
td.n,tbody th{white-space:nowrap}.results td,.results th{white-space:nowrap}\
.failed{width:100%}.failed td:first-child{white-space:nowrap}\
.failed td{overflow-wrap:anywhere}\
@media print{@page{size:A4;margin:12mm}body{max-width:none;padding:0;font-size:10pt}\
nav{display:none}.scroll{overflow:visible}figure,tr,dl div{break-inside:avoid}\
h2,h3{break-after:avoid}}";

/// A section of the page: its anchor, its heading and what writes the rest of it.
type Section = (&'static str, Words, fn(&mut String, &Report));

/// `report` as a page, of the records read from the file called `data`.
pub fn page(report: &Report, data: &str) -> String {
    let mut out = String::new();
    let title = escape(report.title);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"zh\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <title>{title} · {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n",
        words::REPORT.label()
    );
    let mut meta = vec![words::REPORT.label()];
    if let Some(version) = report.version {
        meta.push(format!("{} {}", words::VERSION.label(), escape(version)));
    }
    meta.push(format!("{} {}", words::DATA.label(), escape(data)));
    let _ = writeln!(out, "<p class=\"meta\">{}</p>", meta.join(" · "));
    let sections: [Section; 4] = [
        ("summary", words::SUMMARY, summary),
        ("distribution", words::DISTRIBUTION, distribution),
        ("not-scored", words::NOT_SCORED, not_scored),
        ("results", words::RESULTS, results),
    ];
    out.push_str("<nav>");
    for (id, heading, _) in &sections {
        let _ = write!(out, "<a href=\"#{id}\">{}</a>", heading.label());
    }
    out.push_str("</nav>\n");
    for (id, heading, write_section) in &sections {
        let _ = writeln!(out, "<section id=\"{id}\">\n<h2>{}</h2>", heading.label());
        write_section(&mut out, report);
        out.push_str("</section>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// Head count and totals, then the same by grade (with a chart) and by the column.
fn summary(out: &mut String, report: &Report) {
    out.push_str("<dl>\n");
    card(
        out,
        &words::RECORDS_SCORED.label(),
        &report.total.records.to_string(),
    );
    card(
        out,
        &words::NOT_SCORED.label(),
        &report.not_scored.to_string(),
    );
    out.push_str("</dl>\n");
    let _ = writeln!(out, "<h3>{}</h3>", words::TOTAL.label());
    let totals: Vec<(&str, String)> = report
        .outputs
        .iter()
        .enumerate()
        .filter_map(|(o, name)| {
            let sum = report.total.sums.get(o)?.as_ref()?;
            Some((*name, show_sum(report, o, sum)))
        })
        .collect();
    if totals.is_empty() {
        let _ = writeln!(out, "<p>{}</p>", words::NONE.label());
    } else {
        out.push_str("<dl>\n");
        for (name, total) in &totals {
            card(out, name, total);
        }
        out.push_str("</dl>\n");
    }
    for grouping in &report.by_grade {
        let bars: Vec<(String, usize)> = grouping
            .groups
            .iter()
            .map(|(label, totals)| (label.clone(), totals.records))
            .collect();
        let heading = words::by(&grouping.name);
        let _ = writeln!(out, "<h3>{}</h3>\n<div class=\"pair\">", escape(&heading));
        let caption = format!("{} · {}", words::GRADE_DISTRIBUTION.label(), grouping.name);
        figure(out, &caption, &bars);
        group_table(out, report, grouping);
        out.push_str("</div>\n");
    }
    if let Some(grouping) = &report.by_column {
        let _ = writeln!(out, "<h3>{}</h3>", escape(&words::by(&grouping.name)));
        group_table(out, report, grouping);
    }
}

/// One figure of the summary: what it is, and its value.
fn card(out: &mut String, term: &str, value: &str) {
    let _ = writeln!(
        out,
        "<div><dt>{}</dt><dd>{}</dd></div>",
        escape(term),
        escape(value)
    );
}

/// A chart of `bars` with its caption.
fn figure(out: &mut String, caption: &str, bars: &[(String, usize)]) {
    let _ = writeln!(
        out,
        "<figure>\n{}<figcaption>{}</figcaption>\n</figure>",
        bar_chart(caption, bars),
        escape(caption)
    );
}

/// Each group's records and the totals of the numeric outputs.
fn group_table(out: &mut String, report: &Report, grouping: &Grouping) {
    let _ = write!(
        out,
        "<div class=\"scroll\"><table>\n<thead><tr><th>{}</th><th class=\"n\">{}</th>",
        escape(&grouping.name),
        words::RECORDS.label()
    );
    for &o in &grouping.numeric {
        let _ = write!(out, "<th class=\"n\">{}</th>", escape(report.outputs[o]));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for (label, totals) in &grouping.groups {
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}</th><td class=\"n\">{}</td>",
            escape(label),
            totals.records
        );
        for &o in &grouping.numeric {
            let sum = show_sum(report, o, &totals.sum(o));
            let _ = write!(out, "<td class=\"n\">{}</td>", escape(&sum));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table></div>\n");
}

/// The payout's histogram: its chart and each bar's range and records.
fn distribution(out: &mut String, report: &Report) {
    let Some(histogram) = &report.histogram else {
        let _ = writeln!(out, "<p>{}</p>", words::NO_HISTOGRAM);
        return;
    };
    let bars: Vec<(String, usize)> = histogram
        .bars
        .iter()
        .map(|bar| (bar.range(), bar.records))
        .collect();
    let caption = words::histogram(&histogram.output);
    out.push_str("<div class=\"pair\">\n");
    figure(out, &caption, &bars);
    let _ = writeln!(
        out,
        "<div class=\"scroll\"><table>\n<thead><tr><th>{}</th><th class=\"n\">{}</th></tr></thead>\n<tbody>",
        words::RANGE.label(),
        words::HEAD_COUNT.label()
    );
    for (range, records) in &bars {
        let _ = writeln!(
            out,
            "<tr><td class=\"n\">{}</td><td class=\"n\">{records}</td></tr>",
            escape(range)
        );
    }
    out.push_str("</tbody>\n</table></div>\n</div>\n");
}

/// The records that could not be read or scored, and why.
fn not_scored(out: &mut String, report: &Report) {
    if report.failed.is_empty() {
        let _ = writeln!(out, "<p>{}</p>", words::NONE.label());
        return;
    }
    let _ = writeln!(
        out,
        "<div class=\"scroll\"><table class=\"failed\">\n\
         <thead><tr><th>{}</th><th>{}</th></tr></thead>\n<tbody>",
        words::RECORD.label(),
        words::WHY.label()
    );
    for failed in &report.failed {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td></tr>",
            escape(failed.key),
            escape(failed.why)
        );
    }
    out.push_str("</tbody>\n</table></div>\n");
}

/// Every record scored: its key, then every output.
fn results(out: &mut String, report: &Report) {
    let _ = write!(
        out,
        "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"{}\">\
         <table class=\"results\">\n<thead><tr>",
        words::RESULTS.label()
    );
    for name in &report.keys {
        let _ = write!(out, "<th>{}</th>", escape(name));
    }
    for (name, kind) in report.outputs.iter().zip(&report.kinds) {
        let class = if kind.is_some() { " class=\"n\"" } else { "" };
        let _ = write!(out, "<th{class}>{}</th>", escape(name));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &report.rows {
        out.push_str("<tr>");
        for part in &row.key {
            let _ = write!(out, "<td>{}</td>", escape(part));
        }
        for value in row.values {
            let (class, text) = match value {
                OutputValue::Money(d) => (" class=\"n\"", money(&d.to_string())),
                v if Amount::of(v).is_some() => (" class=\"n\"", v.to_string()),
                v => ("", v.to_string()),
            };
            let _ = write!(out, "<td{class}>{}</td>", escape(&text));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table></div>\n");
}

/// A total of the output at `output`, written as its values are: money to at least
/// two places, a percentage with its `%`.
fn show_sum(report: &Report, output: usize, sum: &Exact) -> String {
    match report.kinds.get(output).copied().flatten() {
        Some(Amount::Money) => money(&sum.to_string()),
        Some(kind) => kind.show(sum),
        None => sum.to_string(),
    }
}
