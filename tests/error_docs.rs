//! Keeps `docs/errors.md` honest.
//!
//! Every diagnostic code declared in `src/diagnostic.rs` (`pub mod codes`) must have a
//! section `## CODE: title` in the document, listed in its contents table, and every
//! such section must name a real code. Each section's example rule file (its first
//! ```` ```kpi ```` block) must give that code and no other, and the ```` ```text ````
//! block under "What kpi says:" must be exactly what kpi renders for it. When a message
//! changes, the failure shows the new rendering to paste into the document.

use std::collections::BTreeSet;
use std::path::Path;

fn read(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `(NAME, CODE)` for every `pub const NAME: &str = "CODE";` in `pub mod codes`, read
/// from the source text so that a new code is caught without editing this test.
fn code_constants() -> Vec<(String, String)> {
    let text = read("src/diagnostic.rs");
    let start = text
        .find("pub mod codes {")
        .expect("`pub mod codes` in src/diagnostic.rs");
    let module = &text[start..];
    let module = &module[..module.find("\n}").expect("the end of `pub mod codes`")];
    let declared = module
        .lines()
        .filter(|line| line.trim_start().starts_with("pub const "))
        .count();
    let constants: Vec<(String, String)> = module
        .lines()
        .filter_map(|line| {
            let rest = line.trim().strip_prefix("pub const ")?;
            let (name, rest) = rest.split_once(':')?;
            let code = rest
                .trim()
                .strip_prefix("&str")?
                .trim()
                .strip_prefix('=')?
                .trim()
                .strip_prefix('"')?
                .strip_suffix("\";")?;
            Some((name.trim().to_string(), code.to_string()))
        })
        .collect();
    assert_eq!(
        constants.len(),
        declared,
        "a `pub const` in `pub mod codes` is not written as `pub const NAME: &str = \"CODE\";`"
    );
    constants
}

/// A fenced block: its info string, its text and the index of its opening line.
struct Block {
    info: String,
    text: String,
    line: usize,
}

/// One `## CODE: title` section of the document.
struct Section {
    code: String,
    title: String,
    /// The section's lines, heading excluded.
    lines: Vec<String>,
}

impl Section {
    fn blocks(&self) -> Vec<Block> {
        let mut blocks = Vec::new();
        let mut open: Option<(String, usize, Vec<&str>)> = None;
        for (i, line) in self.lines.iter().enumerate() {
            match &mut open {
                None => {
                    if let Some(info) = line.strip_prefix("```") {
                        open = Some((info.trim().to_string(), i, Vec::new()));
                    }
                }
                Some((_, _, body)) if line.as_str() != "```" => body.push(line),
                Some(_) => {
                    let (info, line, body) = open.take().expect("an open block");
                    let mut text = body.join("\n");
                    text.push('\n');
                    blocks.push(Block { info, text, line });
                }
            }
        }
        assert!(open.is_none(), "{}: a code block is not closed", self.code);
        blocks
    }

    /// The index of the first line starting with `prefix`.
    fn line_starting(&self, prefix: &str) -> Option<usize> {
        self.lines.iter().position(|l| l.starts_with(prefix))
    }
}

fn looks_like_code(word: &str) -> bool {
    let mut chars = word.chars();
    matches!(chars.next(), Some('E' | 'W')) && word.len() == 5 && chars.all(|c| c.is_ascii_digit())
}

/// The document's `## CODE: title` sections, in order; other `##` headings (the
/// introduction) are skipped.
fn sections(doc: &str) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    let mut in_section = false;
    let mut in_block = false;
    for line in doc.lines() {
        if in_block {
            in_block = line != "```";
        } else if line.starts_with("```") {
            in_block = true;
        } else if let Some(heading) = line.strip_prefix("## ") {
            let code = heading.split([':', ' ']).next().unwrap_or_default();
            in_section = looks_like_code(code);
            if in_section {
                let title = heading[code.len()..]
                    .strip_prefix(": ")
                    .unwrap_or_else(|| panic!("`{line}` must read `## {code}: title`"));
                sections.push(Section {
                    code: code.to_string(),
                    title: title.trim().to_string(),
                    lines: Vec::new(),
                });
            }
            continue;
        }
        if in_section && let Some(section) = sections.last_mut() {
            section.lines.push(line.to_string());
        }
    }
    sections
}

/// The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as `-`.
fn anchor(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The text with trailing whitespace removed from every line and from the end.
fn normalised(text: &str) -> String {
    text.lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .trim_end()
        .to_string()
}

#[test]
fn every_code_has_a_section_and_every_section_a_code() {
    let constants = code_constants();
    assert!(
        constants
            .iter()
            .any(|(_, code)| code == kpi::diagnostic::codes::SYNTAX)
            && constants
                .iter()
                .any(|(_, code)| code == kpi::diagnostic::codes::PERCENT_OVER_100),
        "the codes read from src/diagnostic.rs miss some of kpi::diagnostic::codes"
    );
    let doc = read("docs/errors.md");
    let sections = sections(&doc);
    let documented: Vec<&str> = sections.iter().map(|s| s.code.as_str()).collect();
    let real: BTreeSet<&str> = constants.iter().map(|(_, code)| code.as_str()).collect();

    let mut problems = Vec::new();
    for (name, code) in &constants {
        if !documented.contains(&code.as_str()) {
            problems.push(format!(
                "codes::{name} ({code}) has no `## {code}: ...` section"
            ));
        }
    }
    let mut seen = BTreeSet::new();
    for section in &sections {
        let code = section.code.as_str();
        if !real.contains(code) {
            problems.push(format!(
                "`## {code}: {}` documents a code that src/diagnostic.rs does not declare",
                section.title
            ));
        }
        if !seen.insert(code) {
            problems.push(format!("{code} has more than one section"));
        }
        let row = format!(
            "| [{code}](#{}) | {} |",
            anchor(&format!("{code}: {}", section.title)),
            section.title
        );
        if !doc.lines().any(|line| line == row) {
            problems.push(format!("the contents table lacks the row `{row}`"));
        }
    }
    assert!(
        problems.is_empty(),
        "docs/errors.md:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_example_gives_its_code_and_the_message_shown() {
    let doc = read("docs/errors.md");
    let sections = sections(&doc);
    assert!(
        !sections.is_empty(),
        "docs/errors.md has no `## CODE:` sections"
    );
    let mut problems = Vec::new();
    for section in &sections {
        let code = section.code.as_str();
        let blocks = section.blocks();
        let Some(example) = blocks.iter().find(|b| b.info == "kpi") else {
            problems.push(format!("{code}: no ```kpi example"));
            continue;
        };
        let Some(says) = section.line_starting("What kpi says:") else {
            problems.push(format!("{code}: no \"What kpi says:\""));
            continue;
        };
        let Some(shown) = blocks.iter().find(|b| b.line > says) else {
            problems.push(format!("{code}: no block after \"What kpi says:\""));
            continue;
        };
        if shown.info != "text" {
            problems.push(format!(
                "{code}: the block after \"What kpi says:\" is not ```text"
            ));
        }
        if example.line > says {
            problems.push(format!(
                "{code}: the example comes after \"What kpi says:\""
            ));
        }
        match section.line_starting("Fix:") {
            Some(fix) if blocks.iter().any(|b| b.line > fix && b.info == "kpi") => {}
            _ => problems.push(format!("{code}: no \"Fix:\" with a ```kpi block after it")),
        }

        let source = kpi::SourceFile::new("example.kpi", example.text.as_str());
        let found = match kpi::Ruleset::compile_source(source) {
            Ok(ruleset) if code.starts_with('W') => ruleset.warnings(),
            Ok(_) => {
                problems.push(format!("{code}: the example compiles, but it should fail"));
                continue;
            }
            Err(diagnostics) if code.starts_with('E') => diagnostics,
            Err(diagnostics) => {
                problems.push(format!(
                    "{code}: the example does not compile:\n{}",
                    diagnostics.render()
                ));
                continue;
            }
        };
        let codes: Vec<&str> = found.list.iter().map(|d| d.code).collect();
        if codes.is_empty() || codes.iter().any(|c| *c != code) {
            problems.push(format!(
                "{code}: the example gives {codes:?}, not only {code}"
            ));
        }
        let rendered = normalised(&found.render());
        if normalised(&shown.text) != rendered {
            problems.push(format!(
                "{code}: \"What kpi says\" differs from what kpi renders, which is:\n{rendered}"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "docs/errors.md:\n{}",
        problems.join("\n\n")
    );
}

/// The codes a `code()` method maps to (`=> "D0302",`) in a source file.
fn mapped_codes(relative: &str, prefix: char) -> BTreeSet<String> {
    read(relative)
        .lines()
        .filter_map(|line| {
            let code = line.split("=> \"").nth(1)?.strip_suffix("\",")?;
            code.starts_with(prefix).then(|| code.to_string())
        })
        .collect()
}

/// Every `"U0001"`-like literal in the command line's source files.
fn usage_codes(dir: &Path) -> BTreeSet<String> {
    let mut codes = BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            codes.extend(usage_codes(&path));
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (at, _) in text.match_indices("\"U") {
            let code = &text[at + 1..(at + 6).min(text.len())];
            if code[1..].bytes().all(|b| b.is_ascii_digit()) && text[at + 6..].starts_with('"') {
                codes.insert(code.to_string());
            }
        }
    }
    codes
}

#[test]
fn every_data_scoring_and_usage_code_is_listed_in_problems_md() {
    let listed: BTreeSet<String> = read("docs/problems.md")
        .lines()
        .filter_map(|line| {
            let code = line.strip_prefix("| ")?.split(' ').next()?;
            let well_formed = code.len() == 5 && code[1..].bytes().all(|b| b.is_ascii_digit());
            (well_formed && code.starts_with(['D', 'S', 'U'])).then(|| code.to_string())
        })
        .collect();
    let mut declared = mapped_codes("src/input/error.rs", 'D');
    declared.extend(mapped_codes("src/eval/error.rs", 'S'));
    declared.extend(usage_codes(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/bin/kpi"),
    ));
    assert_eq!(declared.len(), 13 + 16 + 3, "{declared:?}");
    assert_eq!(listed, declared);
}
