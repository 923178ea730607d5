//! The index pages of a folder of HTML statements (`kpi explain --all --format html`):
//! one page per team listing its members, their results and a link to each
//! statement, and a first page listing the teams with their head count and total
//! payout. Without teams, the first page lists every record.

use std::collections::BTreeMap;
use std::fmt::Write;

use kpi::OutputValue;
use kpi::explain::{Lang, Word, escape_html as h};

use crate::amounts::{Amount, Exact};

/// One statement written: its record, its file, its team and its results.
pub struct Listed {
    /// The record's key.
    pub key: String,
    /// The statement's file name in the folder.
    pub file: String,
    /// The record's team (the value of the grouping column), if grouped.
    pub team: Option<String>,
    /// The record's outputs, in declaration order.
    pub values: Vec<OutputValue>,
}

/// The pages to write: file name and content, the first page (`index.html`) first.
/// `team_file` names a team's page; `labels` are the outputs' names in `lang`.
pub fn pages(
    lang: Lang,
    title: &str,
    labels: &[String],
    listed: &[Listed],
    mut team_file: impl FnMut(&str) -> String,
) -> Vec<(String, String)> {
    let payout = listed
        .iter()
        .flat_map(|l| l.values.iter().enumerate())
        .filter(|(_, v)| matches!(v, OutputValue::Money(_)))
        .map(|(o, _)| o)
        .max();
    let mut teams: BTreeMap<&str, Vec<&Listed>> = BTreeMap::new();
    for l in listed {
        if let Some(team) = &l.team {
            teams.entry(team.as_str()).or_default().push(l);
        }
    }
    let word = |w: Word| lang.word(w);
    if teams.is_empty() {
        let body = members(lang, labels, payout, listed.iter().collect());
        return vec![("index.html".into(), page(lang, title, &body))];
    }
    let mut out = Vec::new();
    let mut first = String::new();
    let payout_label = payout.and_then(|o| labels.get(o)).cloned();
    let _ = write!(
        first,
        "<div class=\"wide\"><table>\n<tr><th>{}</th><th>{}</th>",
        word(Word::Team),
        word(Word::HeadCount)
    );
    if let Some(label) = &payout_label {
        let _ = write!(
            first,
            "<th class=\"n\">{} {}</th>",
            h(label),
            word(Word::Total)
        );
    }
    first.push_str("</tr>\n");
    for (team, listed) in &teams {
        let file = team_file(team);
        let _ = write!(
            first,
            "<tr><td><a href=\"{}\">{}</a></td><td class=\"n\">{}</td>",
            h(&file),
            h(team),
            listed.len()
        );
        if let Some(o) = payout {
            let total = listed
                .iter()
                .filter_map(|l| l.values.get(o))
                .filter_map(|v| Amount::Money.value(v))
                .fold(Exact::default(), |sum, v| sum.plus(&v));
            let _ = write!(first, "<td class=\"n\">{total}</td>");
        }
        first.push_str("</tr>\n");
        let heading = format!("<p><a href=\"index.html\">{}</a></p>\n", h(title));
        let body = heading + &members(lang, labels, payout, listed.clone());
        out.push((file, page(lang, &format!("{title} · {team}"), &body)));
    }
    first.push_str("</table></div>\n");
    let unteamed: Vec<&Listed> = listed.iter().filter(|l| l.team.is_none()).collect();
    if !unteamed.is_empty() {
        let _ = writeln!(first, "<h2>{}</h2>", word(Word::NoTeam));
        first.push_str(&members(lang, labels, payout, unteamed));
    }
    out.insert(0, ("index.html".into(), page(lang, title, &first)));
    out
}

/// A table of records in key order, narrow enough for a phone: the key linking to
/// the statement, the payout (output `payout`), then the other results in words.
fn members(
    lang: Lang,
    labels: &[String],
    payout: Option<usize>,
    mut listed: Vec<&Listed>,
) -> String {
    listed.sort_by(|a, b| a.key.cmp(&b.key));
    let (record, others) = (lang.word(Word::Record), lang.word(Word::OtherResults));
    let mut out = format!("<div class=\"wide\"><table>\n<tr><th>{record}</th>");
    if let Some(label) = payout.and_then(|o| labels.get(o)) {
        let _ = write!(out, "<th class=\"n\">{}</th>", h(label));
    }
    let _ = writeln!(out, "<th>{others}</th></tr>");
    for l in listed {
        let _ = write!(
            out,
            "<tr><td><a href=\"{}\">{}</a></td>",
            h(&l.file),
            h(&l.key)
        );
        if let Some(value) = payout.and_then(|o| l.values.get(o)) {
            let _ = write!(out, "<td class=\"n\">{value}</td>");
        }
        let rest: Vec<String> = (l.values.iter().zip(labels).enumerate())
            .filter(|(o, _)| Some(*o) != payout)
            .map(|(_, (value, label))| format!("{label} {}", lang.yes_no(&value.to_string())))
            .collect();
        let _ = writeln!(out, "<td>{}</td></tr>", h(&rest.join(" · ")));
    }
    out.push_str("</table></div>\n");
    out
}

/// A self-contained page around `body`, styled as the statements are.
fn page(lang: Lang, title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n{body}</body>\n</html>\n",
        lang.code(),
        h(title),
        h(title)
    )
}

/// One column that fits a phone; a wide table scrolls inside its own box.
const STYLE: &str = "\
*{box-sizing:border-box}\
body{font-family:system-ui,-apple-system,\"PingFang SC\",\"Microsoft YaHei\",sans-serif;\
margin:0 auto;max-width:46rem;padding:1rem;color:#1a1a1a;line-height:1.5;\
overflow-wrap:break-word}h1{font-size:1.3rem;overflow-wrap:anywhere}\
h2{font-size:1.1rem;border-bottom:2px solid #333;margin-top:1.5rem}\
.wide{overflow-x:auto;max-width:100%}table{border-collapse:collapse;width:100%}\
td,th{border:1px solid #ddd;padding:.25rem .4rem;text-align:left}\
.n{text-align:right;white-space:nowrap}a{color:#1d5fa8}\
@media print{.wide{overflow:visible}}";
