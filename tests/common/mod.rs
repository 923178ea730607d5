//! Running the command line from the test suites.

use std::process::{Command, Output};

/// `kpi` with `args`, run to the end.
pub fn kpi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kpi"))
        .args(args)
        .output()
        .expect("kpi runs")
}

/// Bytes kpi wrote, as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}
