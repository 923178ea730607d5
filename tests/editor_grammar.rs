//! The editor support in `editors/vscode` stays the language's own: the TextMate
//! grammar names every keyword and function kpi knows and nothing else, and the
//! extension's manifest points at the grammar and the `.kpi` files.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

fn read(relative: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{relative}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

/// The words of an alternation written `\b(?:a|b|c)\b`, with what follows it.
fn words(pattern: &str) -> BTreeSet<String> {
    let inner = pattern
        .strip_prefix("\\b(?:")
        .and_then(|p| p.split_once(")\\b"))
        .map(|(words, _)| words)
        .unwrap_or_else(|| panic!("not an alternation of words: {pattern}"));
    inner.split('|').map(str::to_string).collect()
}

#[test]
fn the_grammar_names_every_keyword_and_function_of_the_language() {
    let grammar = read("editors/vscode/syntaxes/kpi.tmLanguage.json");
    assert_eq!(grammar["scopeName"], "source.kpi");
    let repository = &grammar["repository"];
    let mut keywords = BTreeSet::new();
    for pattern in repository["keyword"]["patterns"].as_array().unwrap() {
        keywords.extend(words(pattern["match"].as_str().unwrap()));
    }
    let language: BTreeSet<String> = kpi::symbols::keywords().map(str::to_string).collect();
    assert_eq!(keywords, language);
    let functions = words(repository["function"]["match"].as_str().unwrap());
    let known: BTreeSet<String> = kpi::symbols::functions()
        .iter()
        .map(|f| f.to_string())
        .collect();
    assert_eq!(functions, known);
    // Every include names a rule of the repository.
    for include in grammar["patterns"].as_array().unwrap() {
        let name = include["include"].as_str().unwrap().trim_start_matches('#');
        assert!(repository.get(name).is_some(), "{name}");
    }
}

#[test]
fn the_extension_starts_the_server_for_kpi_files_with_the_grammar() {
    let manifest = read("editors/vscode/package.json");
    let contributes = &manifest["contributes"];
    assert_eq!(contributes["languages"][0]["id"], "kpi");
    assert_eq!(contributes["languages"][0]["extensions"][0], ".kpi");
    let grammar = &contributes["grammars"][0];
    assert_eq!(grammar["scopeName"], "source.kpi");
    let path = grammar["path"].as_str().unwrap();
    assert!(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("editors/vscode")
            .join(path)
            .is_file()
    );
    assert_eq!(manifest["activationEvents"][0], "onLanguage:kpi");
    let extension = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/vscode/extension.js"),
    )
    .unwrap();
    assert!(extension.contains("args: [\"lsp\"]"));
}
