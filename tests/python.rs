//! The Python bindings' pytest suite (bindings/python/tests), run against the `kpi`
//! module installed in a Python interpreter: the scenarios scored through pandas,
//! Polars and pyarrow to the cent, errors, explanations and the Spark recipe.
//! `bindings/python/ci.sh` installs such an interpreter.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The interpreter: `KPI_PYTHON`, else `python3` on the PATH.
fn python() -> PathBuf {
    std::env::var_os("KPI_PYTHON").map_or_else(|| PathBuf::from("python3"), PathBuf::from)
}

/// What the suite needs of the interpreter, imported in one go.
const NEEDS: &str = "import kpi, pandas, polars, pyarrow, pytest";

/// Whether `python` runs and has everything the suite imports.
fn ready(python: &Path) -> bool {
    Command::new(python)
        .args(["-c", NEEDS])
        .current_dir(std::env::temp_dir())
        .output()
        .is_ok_and(|out| out.status.success())
}

/// A suite that needs something the machine lacks is skipped with one line on stderr,
/// unless `KPI_REQUIRE_ALL_SUITES` is set (as CI sets it): then the skip is a failure, so
/// a run can never pass without the suite.
fn skip_unless_required(suite: &str, how_to_enable: &str) {
    let line = format!("skipped {suite}: {how_to_enable} to run it");
    if std::env::var_os("KPI_REQUIRE_ALL_SUITES").is_some_and(|v| !v.is_empty() && v != "0") {
        panic!("{line} (KPI_REQUIRE_ALL_SUITES is set, so no suite may be skipped)");
    }
    // Written to stderr itself: the test harness captures `eprintln!` of a passing test.
    let _ = writeln!(std::io::stderr(), "{line}");
}

#[test]
fn the_python_bindings_pass_their_pytest_suite() {
    let python = python();
    if !ready(&python) {
        skip_unless_required(
            "tests/python.rs (Python bindings suite)",
            "install the bindings with pandas, polars, pyarrow and pytest \
             (KPI_PYTHON_VENV=DIR bash bindings/python/ci.sh) and point KPI_PYTHON at DIR/bin/python",
        );
        return;
    }
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("bindings/python/tests");
    // Run from the tests' folder, so that `import kpi` is the installed module.
    let out = Command::new(&python)
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider", "."])
        .current_dir(&tests)
        .output()
        .expect("the interpreter starts");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "pytest failed:\n{stdout}\n{stderr}");
    let summary = stdout.lines().last().unwrap_or_default();
    assert!(
        summary.contains(" passed") && !summary.contains("failed") && !summary.contains("error"),
        "unexpected pytest summary: {summary}"
    );
}
