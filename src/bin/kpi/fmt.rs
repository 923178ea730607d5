//! `kpi fmt`: rewrites rule files in the canonical layout, or with `--check` shows
//! how they differ from it.

use std::path::{Path, PathBuf};

use similar::TextDiff;

use crate::output::{self, note};
use crate::{FAILED, Failure, say};

/// Formats each file in place; with `check`, changes nothing and prints a diff for
/// each file that is not formatted. Exit 1 if any is not (or cannot be parsed).
pub fn fmt(paths: &[PathBuf], check: bool) -> Result<u8, Failure> {
    let mut status = 0;
    for path in paths {
        if !fmt_one(path, check)? {
            status = FAILED;
        }
    }
    Ok(status)
}

/// Whether the file is (now) formatted.
fn fmt_one(path: &Path, check: bool) -> Result<bool, Failure> {
    let name = path.display().to_string();
    let source = crate::read_rule_file(path)?;
    // The text without a byte order mark: one at the start is not a difference.
    let text = source.text();
    let formatted = match kpi::format::format(&source) {
        Ok(formatted) => formatted,
        Err(diagnostics) => {
            crate::problems::diagnostics(&diagnostics);
            note!("{name}: not formatted: fix the syntax errors first");
            return Ok(false);
        }
    };
    if formatted == text {
        return Ok(true);
    }
    if check {
        let diff = TextDiff::from_lines(text, &formatted);
        say(&diff
            .unified_diff()
            .context_radius(2)
            .header(&name, &format!("{name} (formatted)"))
            .to_string())?;
        return Ok(false);
    }
    // The file a link names is the rule file to rewrite; the link stays.
    let linked = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_symlink());
    let target = match linked {
        true => std::fs::canonicalize(path)
            .map_err(|e| Failure::usage(format!("cannot write {name}: {e}")))?,
        false => path.to_path_buf(),
    };
    output::write_file(&target, formatted.as_bytes())?;
    Ok(true)
}
