//! Snapshot tests of the diagnostics for broken rule files.
//!
//! Each file in `tests/fixtures/check_errors/` holds one deliberate mistake (its first
//! line says which); its rendered diagnostics are kept as an insta snapshot. Files in
//! `tests/fixtures/check_warnings/` are valid but hold a likely mistake, warned about. Update
//! them with `INSTA_UPDATE=always cargo test --test check_errors` and read the diff.

use std::path::Path;

fn file_name(path: &Path) -> String {
    path.file_name()
        .expect("a file name")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn broken_rule_files_are_reported() {
    insta::glob!("fixtures/check_errors/*.kpi", |path| {
        let text = std::fs::read_to_string(path).expect("readable fixture");
        let name = file_name(path);
        let source = kpi::SourceFile::new(name.as_str(), text);
        let diagnostics = match kpi::Ruleset::compile_source(source) {
            Ok(_) => panic!("{name} compiled, but it holds a deliberate mistake"),
            Err(diagnostics) => diagnostics,
        };
        assert!(
            diagnostics.has_errors(),
            "{name} failed to compile without reporting an error"
        );
        insta::assert_snapshot!(diagnostics.render());
    });
}

#[test]
fn likely_mistakes_are_warned_about() {
    insta::glob!("fixtures/check_warnings/*.kpi", |path| {
        let text = std::fs::read_to_string(path).expect("readable fixture");
        let name = file_name(path);
        let source = kpi::SourceFile::new(name.as_str(), text);
        let warnings = match kpi::Ruleset::compile_source(source) {
            Ok(ruleset) => ruleset.warnings(),
            Err(diagnostics) => panic!("{name} does not compile:\n{diagnostics}"),
        };
        assert!(!warnings.list.is_empty(), "{name} gave no warning");
        insta::assert_snapshot!(warnings.render());
    });
}

#[test]
fn shipped_rulesets_compile_cleanly() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rulesets");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("the rulesets folder")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "kpi"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no rule files in {}", dir.display());
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("readable rule file");
        let name = file_name(&path);
        match kpi::Ruleset::compile_source(kpi::SourceFile::new(name.as_str(), text)) {
            Ok(ruleset) => assert!(
                ruleset.warnings().list.is_empty(),
                "{name} compiled but with warnings:\n{}",
                ruleset.warnings().render()
            ),
            Err(diagnostics) => panic!("{name} does not compile:\n{}", diagnostics.render()),
        }
    }
}
