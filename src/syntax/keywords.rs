//! Every keyword of the language, listed once. The grammar spells each as a `kw_*`
//! rule; everything else that needs to know the keywords (recovery after a syntax
//! error, the words of an error message, the reserved names, the tree builder) reads
//! this table, and the tests below fail if the grammar and the table drift apart.

use super::grammar::Rule;

/// What part a keyword plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// Starts a statement at the beginning of a line.
    Statement,
    /// Marks a part of a statement and carries nothing of its own.
    Clause,
    /// An operator or a choice: where it stands says what to compute.
    Operator,
    /// A value (`true`, `false`).
    Literal,
    /// An input type.
    Type,
}

/// One keyword.
#[derive(Debug)]
pub(crate) struct Keyword {
    /// Its grammar rule.
    pub rule: Rule,
    /// The word.
    pub word: &'static str,
    /// The word in backticks, as an error message names it.
    pub quoted: &'static str,
    /// Its part.
    pub role: Role,
    /// Whether it cannot be used as a name.
    pub reserved: bool,
}

macro_rules! keywords {
    ($($rule:ident $word:literal $role:ident $reserved:literal),* $(,)?) => {
        /// The keywords, in the order an error message lists statements.
        pub(crate) const KEYWORDS: &[Keyword] = &[$(Keyword {
            rule: Rule::$rule,
            word: $word,
            quoted: concat!("`", $word, "`"),
            role: Role::$role,
            reserved: $reserved,
        }),*];
    };
}

// Statement keywords are reserved, except those that make natural output names.
keywords! {
    kw_ruleset     "ruleset"     Statement true,
    kw_version     "version"     Statement false,
    kw_currency    "currency"    Statement true,
    kw_unit        "unit"        Statement false,
    kw_key         "key"         Statement true,
    kw_period      "period"      Statement true,
    kw_input       "input"       Statement true,
    kw_let         "let"         Statement true,
    kw_score       "score"       Statement false,
    kw_bonus       "bonus"       Statement false,
    kw_deduction   "deduction"   Statement false,
    kw_warning     "warning"     Statement false,
    kw_veto        "veto"        Statement true,
    kw_grade       "grade"       Statement false,
    kw_output      "output"      Statement true,
    kw_fixture     "fixture"     Statement false,
    kw_test        "test"        Statement false,
    kw_tiers       "tiers"       Clause    true,
    kw_else        "else"        Clause    true,
    kw_linear      "linear"      Clause    true,
    kw_from        "from"        Clause    true,
    kw_to          "to"          Clause    true,
    kw_weighted    "weighted"    Clause    true,
    kw_per         "per"         Clause    true,
    kw_when        "when"        Clause    true,
    kw_zero        "zero"        Clause    false,
    kw_error       "error"       Clause    false,
    kw_cap         "cap"         Clause    false,
    kw_floor       "floor"       Clause    false,
    kw_by          "by"          Clause    true,
    kw_coefficient "coefficient" Clause    false,
    kw_if          "if"          Clause    true,
    kw_then        "then"        Clause    true,
    kw_expect      "expect"      Clause    false,
    kw_over        "over"        Clause    false,
    kw_first       "first"       Clause    false,
    kw_within      "within"      Clause    false,
    kw_where       "where"       Clause    false,
    kw_ties        "ties"        Clause    false,
    kw_excluded    "excluded"    Clause    false,
    kw_empty       "empty"       Clause    false,
    kw_distribute  "distribute"  Clause    false,
    kw_slots       "slots"       Clause    false,
    kw_under       "under"       Clause    false,
    kw_members     "members"     Clause    false,
    kw_share       "share"       Clause    false,
    kw_remainder   "remainder"   Clause    false,
    kw_rank        "rank"        Operator  false,
    kw_percentile  "percentile"  Operator  false,
    kw_highest     "highest"     Operator  false,
    kw_lowest      "lowest"      Operator  false,
    kw_shared      "shared"      Operator  false,
    kw_dense       "dense"       Operator  false,
    kw_strict      "strict"      Operator  false,
    kw_and         "and"         Operator  true,
    kw_or          "or"          Operator  true,
    kw_not         "not"         Operator  true,
    kw_true        "true"        Literal   true,
    kw_false       "false"       Literal   true,
    kw_none        "none"        Literal   true,
    kw_optional    "optional"    Clause    false,
    kw_better      "better"      Clause    false,
    kw_higher      "higher"      Clause    false,
    kw_lower       "lower"       Clause    false,
    kw_week        "week"        Clause    false,
    kw_day         "day"         Clause    false,
    kw_end         "end"         Clause    false,
    kw_count       "count"       Type      false,
    kw_number      "number"      Type      false,
    kw_percent     "percent"     Type      false,
    kw_money       "money"       Type      false,
    kw_points      "points"      Type      false,
    kw_text        "text"        Type      false,
    kw_bool        "bool"        Type      false,
    kw_date        "date"        Type      false,
    kw_month       "month"       Type      false,
}

/// The keyword a grammar rule spells, if it is one.
pub(crate) fn keyword(rule: Rule) -> Option<&'static Keyword> {
    KEYWORDS.iter().find(|k| k.rule == rule)
}

/// The keywords that start a statement.
pub(crate) fn statement_keywords() -> impl Iterator<Item = &'static Keyword> {
    KEYWORDS.iter().filter(|k| k.role == Role::Statement)
}

/// Whether `word` is reserved: not usable as a name.
pub(crate) fn is_reserved(word: &str) -> bool {
    KEYWORDS.iter().any(|k| k.reserved && k.word == word)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    const GRAMMAR: &str = include_str!("../../grammar/kpi.pest");

    /// The words of the grammar's rule `name`, with the rules it names expanded.
    fn words_of(name: &str) -> BTreeSet<String> {
        let start = GRAMMAR
            .lines()
            .position(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("the grammar has no rule `{name}`"));
        let mut body = String::new();
        for line in GRAMMAR.lines().skip(start) {
            body.push_str(line);
            body.push(' ');
            if line.trim_end().ends_with('}') {
                break;
            }
        }
        let body = &body[body.find('{').unwrap() + 1..body.rfind('}').unwrap()];
        let mut words = BTreeSet::new();
        for token in body.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '"')) {
            if let Some(word) = token.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
                words.insert(word.to_string());
            } else if let Some(word) = token.strip_prefix("kw_") {
                words.insert(word.to_string());
            } else if token == "item_kind" {
                words.extend(words_of("item_kind"));
            }
        }
        words
    }

    #[test]
    fn every_keyword_rule_of_the_grammar_is_in_the_table_once() {
        let rules: Vec<String> = Rule::all_rules()
            .iter()
            .map(|r| format!("{r:?}"))
            .filter(|r| r.starts_with("kw_"))
            .collect();
        let table: Vec<String> = KEYWORDS.iter().map(|k| format!("{:?}", k.rule)).collect();
        for rule in &rules {
            let found = table.iter().filter(|t| *t == rule).count();
            assert_eq!(
                found, 1,
                "grammar rule {rule} is listed {found} times in KEYWORDS"
            );
        }
        assert_eq!(
            rules.len(),
            table.len(),
            "KEYWORDS lists a rule the grammar lacks"
        );
        for k in KEYWORDS {
            assert_eq!(format!("{:?}", k.rule), format!("kw_{}", k.word));
        }
    }

    #[test]
    fn the_grammar_reserves_and_starts_statements_with_the_words_of_the_table() {
        let reserved: BTreeSet<String> = KEYWORDS
            .iter()
            .filter(|k| k.reserved)
            .map(|k| k.word.to_string())
            .collect();
        assert_eq!(words_of("keyword"), reserved);
        let statements: BTreeSet<String> =
            statement_keywords().map(|k| k.word.to_string()).collect();
        assert_eq!(words_of("statement_start"), statements);
    }
}
