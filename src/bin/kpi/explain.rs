//! `kpi explain` and `kpi verify`: explanations for agents, appeals and audits.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use kpi::explain::{
    Appeal, Format, Lang, OtherChange, render_doc, verify as recompute, verify_in as recompute_in,
};
use kpi::{Explanation, Outcome, Record, Ruleset, ScoreError};

use crate::index::{self, Listed};
use crate::output::{self, Inputs, note, say_json};
use crate::period::PeriodArgs;
use crate::{FAILED, Failure, data, load, say};

/// Arguments of `kpi explain`.
#[derive(clap::Args)]
pub struct Args {
    /// The rule file.
    ruleset: PathBuf,
    /// Records: .csv, .json or .jsonl.
    data: PathBuf,
    /// The key of the record to explain.
    #[arg(long, required_unless_present = "all", conflicts_with = "all")]
    key: Option<String>,
    /// Explain every record, one file each in the directory given by -o.
    #[arg(long, requires = "output")]
    all: bool,
    /// The language of the wording (labels come from the rule file).
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    lang: LangArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    format: FormatArg,
    /// Write to this file (with --all, into this directory) instead of standard output.
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Re-score with a corrected input and compare, as in --set calls_answered=912.
    #[arg(long = "set", value_name = "INPUT=VALUE", conflicts_with = "all")]
    set: Vec<String>,
    /// For a ruleset that scores records together: list each member's part in every
    /// aggregate of the record's groups.
    #[arg(long)]
    members: bool,
    /// With --all --format html: an index page per value of this input column (such
    /// as `team`); by default the column the rule file groups records over.
    #[arg(long, value_name = "COLUMN", requires = "all")]
    by: Option<String>,
    #[command(flatten)]
    period: PeriodArgs,
    #[command(flatten)]
    pub source: crate::source::SourceArgs,
}

/// Languages of `--lang`.
#[derive(Clone, Copy, ValueEnum)]
pub enum LangArg {
    /// Chinese.
    Zh,
    /// English.
    En,
}

impl From<LangArg> for Lang {
    fn from(lang: LangArg) -> Lang {
        match lang {
            LangArg::Zh => Lang::Zh,
            LangArg::En => Lang::En,
        }
    }
}

/// Formats of `kpi explain`.
#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    /// Plain text.
    Text,
    /// Markdown.
    Markdown,
    /// JSON (docs/explanation.md).
    Json,
    /// A self-contained HTML statement.
    Html,
}

impl FormatArg {
    fn format(self) -> Format {
        match self {
            FormatArg::Text => Format::Text,
            FormatArg::Markdown => Format::Markdown,
            FormatArg::Json => Format::Json,
            FormatArg::Html => Format::Html,
        }
    }

    fn extension(self) -> &'static str {
        match self {
            FormatArg::Text => "txt",
            FormatArg::Markdown => "md",
            FormatArg::Json => "json",
            FormatArg::Html => "html",
        }
    }
}

/// Runs `kpi explain`.
pub fn explain(args: &Args) -> Result<u8, Failure> {
    let Some(ruleset) = load(&args.ruleset)? else {
        return Ok(FAILED);
    };
    let lang = args.lang.into();
    if args.members && !ruleset.reads_population() {
        return Err(Failure::usage(format!(
            "--members: ruleset `{}` scores each record alone, so it has no group members to list",
            ruleset.name()
        )));
    }
    match (&args.key, &args.output) {
        (Some(key), output) => {
            if let Some(file) = output {
                args.inputs().refuse(file)?;
            }
            // Keys are read trimmed, in every format.
            one(args, &ruleset, key.trim(), lang)
        }
        (None, Some(dir)) => all(args, &ruleset, dir, lang),
        (None, None) => Err(Failure::usage("give --key ID, or --all with -o DIR".into())),
    }
}

/// Explains (or appeals) the record with `key`.
fn one(args: &Args, ruleset: &Ruleset, key: &str, lang: Lang) -> Result<u8, Failure> {
    let corrections = corrections(ruleset, &args.set)?;
    let period = args.period.resolve(ruleset)?;
    if ruleset.rolls_up_rows() && !corrections.is_empty() {
        return Err(Failure::usage(format!(
            "--set: ruleset `{}` adds up daily rows, so a correction belongs in the rows of the data file",
            ruleset.name()
        )));
    }
    if ruleset.reads_population() {
        return one_of_population(args, ruleset, key, lang, &corrections, period);
    }
    if ruleset.rolls_up_rows() || period.is_some() {
        let Some(selected) = data::read_selected(ruleset, &args.data, period, None, None)? else {
            return Ok(FAILED);
        };
        let Some(record) = selected.records[..selected.scored]
            .iter()
            .find(|r| r.key() == key)
        else {
            note!(
                "{}: no record of the month has the key {key:?}",
                args.data.display()
            );
            return Ok(FAILED);
        };
        return match ruleset.explain(record) {
            Ok((_, e)) => write_out(args, &e.render(args.format.format(), lang)),
            Err(e) => {
                crate::problems::score(&args.data, &e, record.location());
                Ok(FAILED)
            }
        };
    }
    let Some(record) = find(ruleset, &args.data, key)? else {
        return Ok(FAILED);
    };
    let explained = match ruleset.explain(&record) {
        Ok((_, e)) => e,
        Err(e) => {
            crate::problems::score(&args.data, &e, record.location());
            return Ok(FAILED);
        }
    };
    let text = if corrections.is_empty() {
        explained.render(args.format.format(), lang)
    } else {
        let Some(record) = corrected(ruleset, &explained, &corrections) else {
            return Ok(FAILED);
        };
        let corrected = match ruleset.explain(&record) {
            Ok((_, e)) => e,
            Err(e) => {
                note!("--set: {e}");
                return Ok(FAILED);
            }
        };
        appeal_text(args, lang, Appeal::new(explained, corrected))
    };
    write_out(args, &text)
}

/// An appeal in the format asked for.
fn appeal_text(args: &Args, lang: Lang, appeal: Appeal) -> String {
    match args.format {
        FormatArg::Json => appeal.to_json(),
        other => render_doc(&appeal.doc(lang), other.format()),
    }
}

/// Explains (or appeals) the record with `key` of a ruleset that scores records
/// together: every record is read and scored with it, and an appeal scores them
/// again with the correction and lists the others whose outputs it changed.
fn one_of_population(
    args: &Args,
    ruleset: &Ruleset,
    key: &str,
    lang: Lang,
    corrections: &[(String, String)],
    period: Option<kpi::Period>,
) -> Result<u8, Failure> {
    let Some(selected) = data::read_selected(ruleset, &args.data, period, None, None)? else {
        return Ok(FAILED);
    };
    let scored = selected.scored;
    let mut records = selected.records;
    let Some(index) = records[..scored].iter().position(|r| r.key() == key) else {
        note!("{}: no record has the key {key:?}", args.data.display());
        return Ok(FAILED);
    };
    let before = ruleset.score_together(&records);
    let explained = if args.members {
        before.explain_with_members(index)
    } else {
        before.explain(index)
    };
    let explained = match explained {
        Ok((_, e)) => e,
        Err(e) => {
            crate::problems::score(&args.data, &e, records[index].location());
            return Ok(FAILED);
        }
    };
    if corrections.is_empty() {
        return write_out(args, &explained.render(args.format.format(), lang));
    }
    let Some(record) = corrected(ruleset, &explained, corrections) else {
        return Ok(FAILED);
    };
    let outcomes: Vec<_> = (0..scored).map(|i| before.outcome(i)).collect();
    records[index] = record;
    let after = ruleset.score_together(&records);
    let corrected = match after.explain(index) {
        Ok((_, e)) => e,
        Err(e) => {
            note!("--set: {e}");
            return Ok(FAILED);
        }
    };
    let others = outcomes
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != index)
        .filter_map(|(i, old)| {
            let (Ok(old), Ok(new)) = (old, after.outcome(i)) else {
                return None;
            };
            OtherChange::between(records[i].key(), old, &new)
        })
        .collect();
    let appeal = Appeal::new(explained, corrected).with_others(others);
    write_out(args, &appeal_text(args, lang, appeal))
}

/// Writes `text` to the file of `-o`, or to standard output.
fn write_out(args: &Args, text: &str) -> Result<u8, Failure> {
    match (&args.output, args.format) {
        (Some(path), _) => output::write_file(path, text.as_bytes())?,
        (None, FormatArg::Json) => say_json(text)?,
        (None, _) => say(text)?,
    }
    Ok(0)
}

impl Args {
    /// The files `explain` reads, which it must not write over.
    fn inputs(&self) -> Inputs<'_> {
        Inputs::new(&[
            ("the rule file", &self.ruleset),
            ("the data file", &self.data),
        ])
    }
}

/// The `--set INPUT=VALUE` pairs, each naming a declared input.
fn corrections(ruleset: &Ruleset, set: &[String]) -> Result<Vec<(String, String)>, Failure> {
    set.iter()
        .map(|pair| {
            let Some((name, value)) = pair.split_once('=') else {
                return Err(Failure::usage(format!(
                    "--set {pair}: write INPUT=VALUE, as in --set calls_answered=912"
                )));
            };
            let name = name.trim();
            if !ruleset.inputs().any(|i| i.name() == name) {
                let names: Vec<&str> = ruleset.inputs().map(|i| i.name()).collect();
                return Err(Failure::usage(format!(
                    "--set {pair}: there is no input `{name}`; the inputs are {}",
                    names.join(", ")
                )));
            }
            if ruleset.key_names().contains(&name) {
                return Err(Failure::usage(format!(
                    "--set {pair}: `{name}` is the record's key and cannot be corrected"
                )));
            }
            Ok((name.to_string(), value.to_string()))
        })
        .collect()
}

/// The record of an explanation with its inputs corrected; `None` after reporting a
/// corrected value that is not valid.
fn corrected(
    ruleset: &Ruleset,
    explained: &Explanation,
    corrections: &[(String, String)],
) -> Option<Record> {
    let fields: Vec<(&str, &str)> = explained
        .record
        .inputs
        .iter()
        .map(|i| {
            let corrected = corrections.iter().rev().find(|(name, _)| *name == i.name);
            (
                i.name.as_str(),
                corrected.map_or(i.value.as_str(), |(_, v)| v.as_str()),
            )
        })
        .collect();
    match ruleset.record(&fields) {
        Ok(record) => Some(record),
        Err(errors) => {
            for e in errors {
                note!("--set: {e}");
            }
            None
        }
    }
}

/// The first record with `key`; `None` after reporting that it is missing or bad.
fn find(ruleset: &Ruleset, data: &Path, key: &str) -> Result<Option<Record>, Failure> {
    let mut found = None;
    let mut bad = false;
    data::for_each_record(ruleset, data, |loaded| {
        if found.is_some() || bad {
            return Ok(());
        }
        match loaded {
            Ok(record) if record.key() == key => found = Some(record),
            Err(errors) if errors.iter().any(|e| e.key.as_deref() == Some(key)) => {
                bad = true;
                for e in errors {
                    crate::problems::data(data, &e);
                }
            }
            _ => {}
        }
        Ok(())
    })?;
    if found.is_none() && !bad {
        note!("{}: no record has the key {key:?}", data.display());
    }
    Ok(found)
}

/// Writes one statement per record into `dir`, named by key; for HTML, index pages
/// too.
fn all(args: &Args, ruleset: &Ruleset, dir: &Path, lang: Lang) -> Result<u8, Failure> {
    crate::scoring::check_by(ruleset, &args.ruleset, args.by.as_deref())?;
    std::fs::create_dir_all(dir)
        .map_err(|e| Failure::usage(format!("cannot create {}: {e}", dir.display())))?;
    let html = matches!(args.format, FormatArg::Html);
    let team = args
        .by
        .as_deref()
        .or_else(|| ruleset.group_names().first().copied());
    let inputs = args.inputs();
    let mut names = HashSet::new();
    let mut listed = Vec::new();
    let mut labels: Vec<String> = Vec::new();
    let mut failed = false;
    // Writes one record's explanation; false if it could not be scored or written.
    let mut write = |record: &Record, explained: Result<(Outcome, Explanation), ScoreError>| {
        let (outcome, explained) = match explained {
            Ok(e) => e,
            Err(e) => {
                crate::problems::score(&args.data, &e, record.location());
                return false;
            }
        };
        let key = record.key();
        let file = file_name(key, args.format.extension(), &mut names);
        let text = explained.render(args.format.format(), lang);
        if let Err(failure) = write_into(&inputs, &dir.join(&file), &text) {
            note!("record {key}: {}", failure.message);
            return false;
        }
        if labels.is_empty() {
            labels = (explained.outputs.iter())
                .map(|o| {
                    o.label
                        .as_deref()
                        .map_or_else(|| o.name.clone(), |l| lang.label(l))
                })
                .collect();
        }
        listed.push(Listed {
            key: key.to_string(),
            file,
            team: team.and_then(|column| ruleset.input_value(record, column)),
            values: outcome.values,
        });
        true
    };
    let period = args.period.resolve(ruleset)?;
    if ruleset.reads_population() || ruleset.rolls_up_rows() || period.is_some() {
        let Some(selected) = data::read_selected(ruleset, &args.data, period, None, None)? else {
            return Ok(FAILED);
        };
        let records = &selected.records;
        let population = ruleset
            .reads_population()
            .then(|| ruleset.score_together(records));
        for (i, record) in records.iter().enumerate().take(selected.scored) {
            let explained = match &population {
                Some(population) if args.members => population.explain_with_members(i),
                Some(population) => population.explain(i),
                None => ruleset.explain(record),
            };
            failed |= !write(record, explained);
        }
    } else {
        let mut keys = data::key_ledger(&args.data);
        let earlier = |feed: kpi::Earlier<'_>| data::given_again(ruleset, &args.data, Some, feed);
        data::for_each_record(ruleset, &args.data, |loaded| {
            match loaded.and_then(|record| {
                match keys.repeated_among(record.key(), record.location(), earlier) {
                    Some(e) => Err(vec![e]),
                    None => Ok(record),
                }
            }) {
                Ok(record) => failed |= !write(&record, ruleset.explain(&record)),
                Err(errors) => {
                    failed = true;
                    for e in errors {
                        crate::problems::data(&args.data, &e);
                    }
                }
            }
            Ok(())
        })?;
    }
    let written = listed.len();
    if html {
        let title = ruleset
            .title()
            .map_or_else(|| ruleset.name().to_string(), |t| lang.label(t));
        // Team pages are named like statements, so no team's page takes a key's name.
        let team_file = |team: &str| file_name(&format!("_{team}"), "html", &mut names);
        for (file, page) in index::pages(lang, &title, &labels, &listed, team_file) {
            if let Err(failure) = write_into(&inputs, &dir.join(file), &page) {
                note!("{}", failure.message);
                failed = true;
            }
        }
    }
    say(&format!(
        "{}: {written} explanations written\n",
        dir.display()
    ))?;
    Ok(if failed { FAILED } else { 0 })
}

/// Writes a statement or index page into the folder of `--all`: never over an input,
/// and whole, in place of whatever has its name (a link planted there is replaced,
/// its target left alone).
fn write_into(inputs: &Inputs, path: &Path, text: &str) -> Result<(), Failure> {
    inputs.refuse(path)?;
    output::replace_file(path, text.as_bytes())
}

/// A file name for `key`, one to one: letters, digits, `-` and `_` are kept, every
/// other character is written `~` and its code point in hex (`a/b` is `a~2f~b`), so
/// no two keys share a name. A long key is cut and ends in a digest of the whole key;
/// keys that differ only in case (one file on some systems) get `~2`, `~3`.
fn file_name(key: &str, extension: &str, taken: &mut HashSet<String>) -> String {
    const LONGEST: usize = 120;
    let mut stem = String::new();
    for c in key.chars() {
        if c.is_alphanumeric() || c == '-' || c == '_' {
            stem.push(c);
        } else {
            stem.push_str(&format!("~{:x}~", u32::from(c)));
        }
    }
    if stem.is_empty() {
        stem.push('~');
    }
    if stem.len() > LONGEST {
        let mut cut = LONGEST;
        while !stem.is_char_boundary(cut) {
            cut -= 1;
        }
        let digest = kpi::explain::ruleset_fingerprint(key);
        stem = format!("{}~{}", &stem[..cut], &digest[7..23]);
    }
    let mut name = format!("{stem}.{extension}");
    let mut n = 2;
    while !taken.insert(name.to_lowercase()) {
        name = format!("{stem}~{n}.{extension}");
        n += 1;
    }
    name
}

/// Runs `kpi verify`; with `data`, against the population it holds.
pub fn verify(ruleset_path: &Path, saved: &Path, data: Option<&Path>) -> Result<u8, Failure> {
    let Some(ruleset) = load(ruleset_path)? else {
        return Ok(FAILED);
    };
    let text = std::fs::read_to_string(saved)
        .map_err(|e| Failure::usage(format!("cannot read {}: {e}", saved.display())))?;
    let explanation = Explanation::from_json(&text).map_err(|e| {
        Failure::data(format!(
            "{}: not a saved explanation (line {}, column {}): {e}",
            saved.display(),
            e.line(),
            e.column()
        ))
    })?;
    let verification = match data {
        Some(data) => {
            let Some(records) = data::read_population(&ruleset, data, None, None)? else {
                return Ok(FAILED);
            };
            recompute_in(&ruleset, &explanation, &records)
        }
        None => recompute(&ruleset, &explanation),
    };
    if verification.confirmed() {
        say(&format!(
            "{}: verified: the ruleset and record fingerprints match, and {} values recompute exactly\n",
            saved.display(),
            verification.values
        ))?;
        return Ok(0);
    }
    for problem in &verification.problems {
        note!("{}: {problem}", saved.display());
    }
    note!(
        "{}: not verified: {} difference{}",
        saved.display(),
        verification.problems.len(),
        if verification.problems.len() == 1 {
            ""
        } else {
            "s"
        }
    );
    Ok(FAILED)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_one_to_one_and_short() {
        let mut taken = HashSet::new();
        let mut name = |key: &str| file_name(key, "html", &mut taken);
        assert_eq!(name("E04"), "E04.html");
        assert_eq!(name("a/b"), "a~2f~b.html");
        assert_eq!(name("a_b"), "a_b.html");
        assert_eq!(name("../x"), "~2e~~2e~~2f~x.html");
        assert_eq!(name("e04"), "e04~2.html");
        assert_eq!(name(""), "~.html");
        assert_eq!(name("坐席01"), "坐席01.html");
        let long = name(&"k".repeat(300));
        assert!(long.len() < 150, "{long}");
        assert_ne!(long, name(&format!("{}j", "k".repeat(299))));
    }
}
