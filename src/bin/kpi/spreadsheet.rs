//! What the workbooks `kpi` writes have in common.

/// A decimal as the binary float a spreadsheet holds; exact values stay in the text
/// outputs, and a spreadsheet shows this one to the places it keeps.
pub(crate) fn number(decimal: &str) -> f64 {
    decimal.parse().unwrap_or(0.0)
}
