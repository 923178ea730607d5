//! Finding the comments of a rule file, with what the formatter needs to put each
//! back in its place.

/// A `#` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The byte offset of its `#`.
    pub start: usize,
    /// The comment from `#` to the end of its line, trailing spaces removed.
    pub text: String,
    /// Whether only whitespace precedes it on its line.
    pub own_line: bool,
    /// Whether a blank line follows it.
    pub blank_after: bool,
}

/// Every comment in `text`, in order. A `#` inside a quoted string is not one.
pub fn comments(text: &str) -> Vec<Comment> {
    let mut found = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let mut in_string = false;
        for (i, c) in line.char_indices() {
            match c {
                '"' => in_string = !in_string,
                '#' if !in_string => {
                    let start = line_start + i;
                    let next_line = line_start + line.len();
                    found.push(Comment {
                        start,
                        text: line[i..].trim_end().to_string(),
                        own_line: line[..i].trim().is_empty(),
                        blank_after: blank_line_follows(&text[next_line..]),
                    });
                    break;
                }
                _ => {}
            }
        }
        line_start += line.len();
    }
    found
}

/// Whether `rest` starts with a line holding only whitespace (and more follows it).
fn blank_line_follows(rest: &str) -> bool {
    match rest.find('\n') {
        Some(end) => rest[..end].trim().is_empty() && !rest[end..].trim().is_empty(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_outside_strings_with_their_place() {
        let text = "# head\n\nlet a = \"#1\" # tail\n  # inner\nlet b = 2\n";
        let found = comments(text);
        let summary: Vec<(&str, bool, bool)> = found
            .iter()
            .map(|c| (c.text.as_str(), c.own_line, c.blank_after))
            .collect();
        assert_eq!(
            summary,
            [
                ("# head", true, true),
                ("# tail", false, false),
                ("# inner", true, false)
            ]
        );
        assert_eq!(found[1].start, text.find("# tail").unwrap());
    }
}
