//! An embedder builds the library without the command line: none of the command
//! line's own dependencies may reach it.

use std::process::Command;

#[test]
fn the_library_without_default_features_pulls_no_command_line_crate() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "tree",
            "--no-default-features",
            "--edges",
            "normal",
            "--prefix",
            "none",
            "--format",
            "{p}",
        ])
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tree = String::from_utf8_lossy(&out.stdout);
    let crates: Vec<&str> = tree
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    assert!(crates.contains(&"rust_decimal"), "{tree}");
    for cli_only in [
        "clap",
        "indicatif",
        "similar",
        "calamine",
        "rust_xlsxwriter",
        "tempfile",
        "termcolor",
        "axum",
        "tokio",
        "hyper",
    ] {
        assert!(
            !crates.contains(&cli_only),
            "{cli_only} reaches the library:\n{tree}"
        );
    }
}
