//! Bar charts as inline SVG: drawn as text, so a page needs nothing else to show them.
//!
//! The bars run across, each with its label on the left and its count at its end: a
//! label as long as a payout's range stays readable on a phone, where it would have
//! to be turned on its side under a column.

use std::fmt::Write;

use unicode_width::UnicodeWidthStr;

use super::html::escape;

/// The height of a line of text, in the chart's units (CSS pixels at full size).
const FONT: usize = 13;
/// The width of one column of text (a CJK character takes two), rounded up.
const COLUMN: usize = 8;
/// The height of one bar's row.
const ROW: usize = 24;
/// The height of a bar.
const BAR: usize = 16;
/// The length of the longest bar.
const LONGEST: usize = 220;
/// The space between a label and its bar.
const GAP: usize = 6;

/// A chart of `bars` (label, count), in order, titled `title` for screen readers.
/// Each bar has the class `bar`.
pub fn bar_chart(title: &str, bars: &[(String, usize)]) -> String {
    let columns = |text: &str| text.width() * COLUMN;
    // One column to spare: a wide letter is wider than a column.
    let label_width = bars.iter().map(|(l, _)| columns(l)).max().unwrap_or(0) + COLUMN + GAP;
    let most = bars.iter().map(|&(_, n)| n).max().unwrap_or(0);
    let count_width = columns(&most.to_string()) + GAP;
    let width = label_width + LONGEST + count_width;
    let height = bars.len() * ROW;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" \
         height=\"{height}\" font-size=\"{FONT}\">\n<title>{}</title>",
        escape(title)
    );
    let _ = writeln!(
        out,
        "<line class=\"axis\" x1=\"{label_width}\" y1=\"0\" x2=\"{label_width}\" y2=\"{height}\"/>"
    );
    for (i, (label, count)) in bars.iter().enumerate() {
        let top = i * ROW;
        let middle = top + ROW / 2;
        // Scaled in whole units: a bar of one record is still visible.
        let length = (count * LONGEST).div_ceil(most.max(1));
        let _ = writeln!(
            out,
            "<g><title>{label}: {count}</title>\
             <text x=\"{}\" y=\"{middle}\" dy=\".35em\" text-anchor=\"end\">{label}</text>\
             <rect class=\"bar\" x=\"{label_width}\" y=\"{}\" width=\"{length}\" height=\"{BAR}\"/>\
             <text x=\"{}\" y=\"{middle}\" dy=\".35em\">{count}</text></g>",
            label_width - GAP,
            top + (ROW - BAR) / 2,
            label_width + length + GAP / 2,
            label = escape(label),
        );
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::bar_chart;

    #[test]
    fn bars_are_as_long_as_their_counts_and_labels_are_escaped() {
        let chart = bar_chart(
            "a <chart>",
            &[
                ("S&A".to_string(), 4),
                ("B".to_string(), 2),
                ("C".into(), 0),
            ],
        );
        assert_eq!(chart.matches("class=\"bar\"").count(), 3);
        assert!(chart.contains("<title>a &lt;chart&gt;</title>"), "{chart}");
        assert!(chart.contains(">S&amp;A</text>"), "{chart}");
        assert!(chart.contains("width=\"220\" height=\"16\""), "{chart}");
        assert!(chart.contains("width=\"110\" height=\"16\""), "{chart}");
        assert!(chart.contains("width=\"0\" height=\"16\""), "{chart}");
    }
}
