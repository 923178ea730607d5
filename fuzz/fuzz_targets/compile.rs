//! Arbitrary text through the parser and checker: diagnostics, never a panic.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        match kpi::Ruleset::compile(text) {
            Ok(ruleset) => {
                let _ = ruleset.warnings().render();
            }
            Err(diagnostics) => {
                let _ = diagnostics.render();
            }
        }
    }
});
