//! Arbitrary text through the parser, the checker and the formatter: diagnostics,
//! never a panic. A file that parses formats to text that formats to itself, and the
//! formatted file compiles exactly when the original does, with the same test-case
//! results.

#![no_main]

use kpi::explain::Lang;
use kpi::{Ruleset, SourceFile};
use libfuzzer_sys::fuzz_target;

fn compile(text: &str) -> Result<Ruleset, String> {
    Ruleset::compile(text).map_err(|diagnostics| diagnostics.render())
}

fuzz_target!(|data: &[u8]| {
    // Bytes as a rule file is read: UTF-8 (past a byte order mark), or a message.
    let source = match SourceFile::from_bytes("fuzz.kpi", data.to_vec()) {
        Ok(source) => source,
        Err(message) => {
            assert!(message.starts_with("fuzz.kpi:"), "{message}");
            return;
        }
    };
    let text = source.text();
    let compiled = compile(text);
    let results = match &compiled {
        Ok(ruleset) => {
            let _ = ruleset.warnings().render();
            Some(ruleset.run_tests(Lang::En))
        }
        Err(_) => None,
    };
    let Ok(formatted) = kpi::format::format(&SourceFile::new("fuzz.kpi", text)) else {
        return;
    };
    let again = kpi::format::format(&SourceFile::new("fuzz.kpi", formatted.as_str()))
        .unwrap_or_else(|d| panic!("formatted text does not parse:\n{formatted}\n{d}"));
    assert_eq!(again, formatted, "formatting is not idempotent");
    let reformatted = compile(&formatted);
    assert_eq!(
        reformatted.is_ok(),
        compiled.is_ok(),
        "formatting changed whether the file compiles:\n{formatted}"
    );
    if let (Ok(ruleset), Some(before)) = (reformatted, results) {
        let after: Vec<_> = ruleset
            .run_tests(Lang::En)
            .into_iter()
            .map(|r| (r.passed(), r.name))
            .collect();
        let before: Vec<_> = before.into_iter().map(|r| (r.passed(), r.name)).collect();
        assert_eq!(after, before, "formatting changed the test results");
    }
});
