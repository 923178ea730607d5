//! Re-spacing a formula: the tokens exactly as written, joined by the canonical
//! spacing (one space around operators and words, none inside parentheses, after a
//! function's name, around `.`, or after a unary minus). Comments and line breaks in
//! the text are dropped; the caller places comments itself.

use unicode_ident::{is_xid_continue, is_xid_start};

/// One token of a formula.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token<'a> {
    /// A name or keyword.
    Word(&'a str),
    /// A number, percentage or amount, with its currency written `50 CNY`.
    Number(String),
    /// A quoted string, quotes included.
    Text(&'a str),
    /// `+ - * / >= > <= < == != =`.
    Operator(&'a str),
    /// `(`
    Open,
    /// `)`
    Close,
    /// `,`
    Comma,
    /// `.`
    Dot,
    /// `:`
    Colon,
    /// `..` in a range.
    Range,
    /// Anything else, kept as written.
    Other(&'a str),
}

/// `text` with canonical spacing.
pub fn respace(text: &str) -> String {
    let tokens = tokenize(text);
    let mut out = String::with_capacity(text.len());
    let mut previous: Option<&Token> = None;
    for (i, token) in tokens.iter().enumerate() {
        if let Some(prev) = previous
            && space_between(prev, token, i.checked_sub(2).map(|j| &tokens[j]))
        {
            out.push(' ');
        }
        match token {
            Token::Word(s) | Token::Text(s) | Token::Operator(s) | Token::Other(s) => {
                out.push_str(s)
            }
            Token::Number(s) => out.push_str(s),
            Token::Open => out.push('('),
            Token::Close => out.push(')'),
            Token::Comma => out.push(','),
            Token::Dot => out.push('.'),
            Token::Colon => out.push(':'),
            Token::Range => out.push_str(".."),
        }
        previous = Some(token);
    }
    out
}

/// Whether a minus after `prev` is a sign rather than a subtraction.
fn starts_operand(prev: Option<&Token>) -> bool {
    match prev {
        None => true,
        Some(Token::Operator(_) | Token::Open | Token::Comma | Token::Colon | Token::Range) => true,
        Some(Token::Word(w)) => is_keyword(w),
        _ => false,
    }
}

fn space_between(prev: &Token, next: &Token, before_prev: Option<&Token>) -> bool {
    match (prev, next) {
        (_, Token::Close | Token::Comma | Token::Dot | Token::Range) => false,
        (Token::Open | Token::Dot | Token::Range, _) => false,
        (Token::Word(w), Token::Open) => is_keyword(w),
        (Token::Operator("-"), _) if starts_operand(before_prev) => false,
        (_, Token::Colon) => true,
        _ => true,
    }
}

/// Words that are keywords, after which `(` opens a group rather than a call and a
/// minus is a sign.
fn is_keyword(word: &str) -> bool {
    matches!(
        word,
        "and"
            | "or"
            | "not"
            | "if"
            | "then"
            | "else"
            | "when"
            | "zero"
            | "cap"
            | "floor"
            | "per"
            | "by"
            | "from"
            | "to"
            | "tiers"
            | "linear"
            | "coefficient"
    )
}

fn tokenize(text: &str) -> Vec<Token<'_>> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let c = text[i..].chars().next().unwrap_or(' ');
        let len = c.len_utf8();
        if c.is_whitespace() {
            i += len;
        } else if c == '#' {
            i = text[i..].find('\n').map_or(text.len(), |n| i + n);
        } else if c == '"' {
            let end = text[i + 1..]
                .find(['"', '\n'])
                .map_or(text.len(), |n| i + 1 + n + 1)
                .min(text.len());
            tokens.push(Token::Text(&text[i..end]));
            i = end;
        } else if c.is_ascii_digit() {
            let (figure, end) = number(text, i);
            tokens.push(Token::Number(figure));
            i = end;
        } else if c == '_' || is_xid_start(c) {
            // The grammar's names: XID start, then XID continue characters.
            let end = text[i..]
                .char_indices()
                .find(|&(n, c)| n > 0 && !is_xid_continue(c))
                .map_or(text.len(), |(n, _)| i + n);
            tokens.push(Token::Word(&text[i..end]));
            i = end;
        } else if text[i..].starts_with("..") {
            tokens.push(Token::Range);
            i += 2;
        } else {
            let two = text.get(i..i + 2).unwrap_or("");
            let (token, width) = match (c, two) {
                (_, ">=" | "<=" | "==" | "!=") => (Token::Operator(two), 2),
                ('(', _) => (Token::Open, 1),
                (')', _) => (Token::Close, 1),
                (',', _) => (Token::Comma, 1),
                ('.', _) => (Token::Dot, 1),
                (':', _) => (Token::Colon, 1),
                ('+' | '-' | '*' | '/' | '>' | '<' | '=', _) => {
                    (Token::Operator(&text[i..i + 1]), 1)
                }
                ('¥' | '￥', _) => {
                    // The sign and its amount are one token: `¥50`.
                    let start = i + len;
                    let (amount, end) = if bytes.get(start).is_some_and(u8::is_ascii_digit) {
                        number(text, start)
                    } else {
                        (String::new(), start)
                    };
                    tokens.push(Token::Number(format!("{c}{amount}")));
                    i = end;
                    continue;
                }
                _ => (Token::Other(&text[i..i + len]), len),
            };
            tokens.push(token);
            i += width;
        }
    }
    tokens
}

/// The number starting at `start`: digits, a fraction, then `%` or a currency code
/// (which the grammar lets follow after spaces).
fn number(text: &str, start: usize) -> (String, usize) {
    let bytes = text.as_bytes();
    // A date, `2026-11-15`, is one token, as the grammar reads it.
    let digits = |from: usize, n: usize| {
        bytes
            .get(from..from + n)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    };
    if digits(start, 4)
        && bytes.get(start + 4) == Some(&b'-')
        && digits(start + 5, 2)
        && bytes.get(start + 7) == Some(&b'-')
        && digits(start + 8, 2)
        && !bytes.get(start + 10).is_some_and(u8::is_ascii_digit)
    {
        return (text[start..start + 10].to_string(), start + 10);
    }
    let mut end = start;
    while end < bytes.len() && bytes[end].is_ascii_digit() {
        end += 1;
    }
    if bytes.get(end) == Some(&b'.') && bytes.get(end + 1).is_some_and(u8::is_ascii_digit) {
        end += 1;
        while end < bytes.len() && bytes[end].is_ascii_digit() {
            end += 1;
        }
    }
    let figure = &text[start..end];
    if bytes.get(end) == Some(&b'%') {
        return (format!("{figure}%"), end + 1);
    }
    let mut after = end;
    while bytes.get(after) == Some(&b' ') {
        after += 1;
    }
    let code = bytes.get(after..after + 3);
    let is_code = code.is_some_and(|c| c.iter().all(u8::is_ascii_uppercase))
        && !text[after + 3..]
            .chars()
            .next()
            .is_some_and(is_xid_continue);
    if is_code {
        let code = &text[after..after + 3];
        return (format!("{figure} {code}"), after + 3);
    }
    (figure.to_string(), end)
}

#[cfg(test)]
mod tests {
    use super::respace;

    #[test]
    fn operators_are_spaced_and_groups_are_tight() {
        assert_eq!(
            respace("round( base*level . coefficient+praise ,2,half_up )"),
            "round(base * level.coefficient + praise, 2, half_up)"
        );
        assert_eq!(respace("a-(-b)  -  -c"), "a - (-b) - -c");
        assert_eq!(
            respace("if not(x)then -1 else 2"),
            "if not (x) then -1 else 2"
        );
        assert_eq!(respace("50CNY+¥5 *95%"), "50 CNY + ¥5 * 95%");
        assert_eq!(respace("0..100"), "0..100");
        assert_eq!(respace("-5 ..  5"), "-5..5");
        assert_eq!(respace("x >=95%  # note\n  and y"), "x >= 95% and y");
        assert_eq!(respace("\"a  b\"  ,\"c\""), "\"a  b\", \"c\"");
        assert_eq!(respace("a·b+cafe\u{301}"), "a·b + cafe\u{301}");
    }
}
