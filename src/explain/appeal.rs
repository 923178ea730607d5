//! Appeals (申诉): a record scored again with corrected inputs, set beside the
//! original so that every changed value and the payout difference can be seen.

use serde::{Deserialize, Serialize};

use super::doc::{self, Block, Doc, Section, named};
use super::model::{Explanation, Step};
use super::words::{Lang, Word};
use crate::number::{Rational, shown};

/// Two explanations of one record, before and after corrected inputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Appeal {
    /// As first scored.
    pub before: Explanation,
    /// With the corrected inputs.
    pub after: Explanation,
    /// Every input, item and output whose value changed, in that order.
    pub changes: Vec<Change>,
    /// Other records whose outputs changed because of the correction: a record scored
    /// together with others (a group item, a rank) can move theirs too.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub others: Vec<OtherChange>,
}

/// Another record's outputs changed by a correction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct OtherChange {
    /// The record's key.
    pub key: String,
    /// Its outputs that changed, with their values before and after.
    pub changes: Vec<Change>,
}

impl OtherChange {
    /// The outputs that differ between `before` and `after` of the record `key`;
    /// `None` when none does.
    pub fn between(
        key: &str,
        before: &crate::Outcome,
        after: &crate::Outcome,
    ) -> Option<OtherChange> {
        let changes: Vec<Change> = before
            .names
            .iter()
            .zip(before.values.iter().zip(&after.values))
            .filter(|(_, (b, a))| b != a)
            .map(|(name, (b, a))| change("output", name, None, &b.to_string(), &a.to_string()))
            .collect();
        (!changes.is_empty()).then(|| OtherChange {
            key: key.to_string(),
            changes,
        })
    }
}

/// One changed value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Change {
    /// `input`, `item` or `output`.
    pub part: String,
    /// Its name.
    pub name: String,
    /// Its label.
    pub label: Option<String>,
    /// The value before.
    pub before: String,
    /// The value after.
    pub after: String,
    /// After minus before, for numbers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub difference: Option<String>,
}

impl Appeal {
    /// Sets `after` beside `before` and lists what changed.
    pub fn new(before: Explanation, after: Explanation) -> Appeal {
        let mut changes = Vec::new();
        for (b, a) in before.record.inputs.iter().zip(&after.record.inputs) {
            if b.value != a.value {
                changes.push(change(
                    "input",
                    &b.name,
                    b.label.as_ref(),
                    &b.value,
                    &a.value,
                ));
            }
        }
        for (part, old, new) in [
            ("item", &before.items, &after.items),
            ("output", &before.outputs, &after.outputs),
        ] {
            for (b, a) in old.iter().zip(new.iter()) {
                if b.value != a.value {
                    changes.push(change(part, &b.name, b.label.as_ref(), &b.value, &a.value));
                }
            }
        }
        Appeal {
            before,
            after,
            changes,
            others: Vec::new(),
        }
    }

    /// The appeal with the other records whose outputs the correction changed.
    pub fn with_others(mut self, others: Vec<OtherChange>) -> Appeal {
        self.others = others;
        self
    }

    /// The JSON form, pretty-printed, ending in a newline.
    pub fn to_json(&self) -> String {
        super::pretty_json(self)
    }

    /// The comparison as a document in `lang`: the corrected inputs, every item and
    /// output side by side, then each changed step before and after.
    pub fn doc(&self, lang: Lang) -> Doc {
        let mut facts = doc::identity(lang, &self.after);
        let mut references = doc::references(lang, &self.after);
        references.retain(|(term, _)| term != lang.word(Word::RecordPrint));
        references.push((
            format!(
                "{} ({})",
                lang.word(Word::RecordPrint),
                lang.word(Word::Before)
            ),
            self.before.record.fingerprint.clone(),
        ));
        references.push((
            format!(
                "{} ({})",
                lang.word(Word::RecordPrint),
                lang.word(Word::After)
            ),
            self.after.record.fingerprint.clone(),
        ));
        let differences: Vec<String> = self
            .changes
            .iter()
            .filter(|c| c.part == "output")
            .map(|c| {
                let by = c.difference.as_deref().unwrap_or("≠");
                format!("{} {by}", named(lang, &c.name, c.label.as_deref()))
            })
            .collect();
        facts.insert(
            2,
            (
                lang.word(Word::Difference).into(),
                if differences.is_empty() {
                    lang.word(Word::NoChange).into()
                } else {
                    differences.join(lang.word(Word::Comma))
                },
            ),
        );
        let mut sections = vec![table_section(
            lang,
            lang.word(Word::Corrected),
            self.changes.iter().filter(|c| c.part == "input"),
        )];
        let mut side_by_side = Section {
            heading: lang.word(Word::Comparison).into(),
            aside: None,
            group: true,
            blocks: Vec::new(),
            marked: false,
        };
        let (old, new) = (steps(&self.before), steps(&self.after));
        let rows: Vec<Vec<String>> = old
            .iter()
            .zip(&new)
            .map(|(b, a)| {
                let changed = if b.value == a.value {
                    lang.word(Word::NoChange).to_string()
                } else {
                    difference(&b.value, &a.value).unwrap_or_else(|| "≠".into())
                };
                vec![
                    named(lang, &b.name, b.label.as_deref()),
                    b.value.clone(),
                    a.value.clone(),
                    changed,
                ]
            })
            .collect();
        side_by_side.blocks.push(Block::Table {
            header: [Word::Name, Word::Before, Word::After, Word::Changed]
                .iter()
                .map(|w| lang.word(*w).to_string())
                .collect(),
            marked: old
                .iter()
                .zip(&new)
                .map(|(b, a)| b.value != a.value)
                .collect(),
            rows,
        });
        sections.push(side_by_side);
        if !self.others.is_empty() {
            let rows: Vec<Vec<String>> = self
                .others
                .iter()
                .flat_map(|o| {
                    o.changes.iter().map(|c| {
                        vec![
                            o.key.clone(),
                            c.name.clone(),
                            c.before.clone(),
                            c.after.clone(),
                            c.difference.clone().unwrap_or_else(|| "≠".into()),
                        ]
                    })
                })
                .collect();
            sections.push(Section {
                heading: lang.word(Word::OthersChanged).into(),
                aside: None,
                group: true,
                blocks: vec![Block::Table {
                    header: [
                        Word::Record,
                        Word::Name,
                        Word::Before,
                        Word::After,
                        Word::Changed,
                    ]
                    .iter()
                    .map(|w| lang.word(*w).to_string())
                    .collect(),
                    marked: vec![true; rows.len()],
                    rows,
                }],
                marked: true,
            });
        }
        for (b, a) in old.iter().zip(&new) {
            if b.value == a.value {
                continue;
            }
            let mut section = doc::step(lang, a);
            let mut before = doc::step(lang, b);
            let label = |w: Word| format!("{} — ", lang.word(w));
            prefix_fields(&mut before.blocks, &label(Word::Before));
            prefix_fields(&mut section.blocks, &label(Word::After));
            before.blocks.append(&mut section.blocks);
            before.marked = true;
            sections.push(before);
        }
        Doc {
            lang,
            title: format!(
                "{}: {}",
                lang.word(Word::Appeal),
                doc::title(lang, &self.after)
            ),
            facts,
            summary: None,
            sections,
            references,
        }
    }
}

/// Every item, then every output.
fn steps(e: &Explanation) -> Vec<&Step> {
    e.items.iter().chain(&e.outputs).collect()
}

fn prefix_fields(blocks: &mut [Block], prefix: &str) {
    for block in blocks {
        if let Block::Field(term, _) = block {
            *term = format!("{prefix}{term}");
        }
    }
}

fn table_section<'c>(
    lang: Lang,
    heading: &str,
    changes: impl Iterator<Item = &'c Change>,
) -> Section {
    let rows: Vec<Vec<String>> = changes
        .map(|c| {
            vec![
                named(lang, &c.name, c.label.as_deref()),
                c.before.clone(),
                c.after.clone(),
            ]
        })
        .collect();
    Section {
        heading: heading.into(),
        aside: None,
        group: true,
        blocks: vec![Block::Table {
            header: [Word::Name, Word::Before, Word::After]
                .iter()
                .map(|w| lang.word(*w).to_string())
                .collect(),
            marked: vec![false; rows.len()],
            rows,
        }],
        marked: false,
    }
}

fn change(part: &str, name: &str, label: Option<&String>, before: &str, after: &str) -> Change {
    Change {
        part: part.into(),
        name: name.into(),
        label: label.cloned(),
        before: before.into(),
        after: after.into(),
        difference: difference(before, after),
    }
}

/// `after - before` with a sign, when both are plain numbers or both percentages.
fn difference(before: &str, after: &str) -> Option<String> {
    let number = |s: &str| -> Option<(Rational, bool)> {
        let (figure, percent) = match s.strip_suffix('%') {
            Some(f) => (f, true),
            None => (s, false),
        };
        let d = rust_decimal::Decimal::from_str_exact(figure).ok()?;
        Some((crate::number::rational_from_decimal(d), percent))
    };
    let ((b, bp), (a, ap)) = (number(before)?, number(after)?);
    if bp != ap {
        return None;
    }
    let d = a.checked_sub(&b).ok()?;
    let sign = if d.is_negative() { "" } else { "+" };
    Some(format!("{sign}{}{}", shown(&d), if bp { "%" } else { "" }))
}

#[cfg(test)]
mod tests {
    use super::difference;

    #[test]
    fn differences_carry_a_sign_and_a_unit() {
        assert_eq!(difference("620.03", "1240.05").as_deref(), Some("+620.02"));
        assert_eq!(difference("90.00%", "91.20%").as_deref(), Some("+1.2%"));
        assert_eq!(difference("100", "80").as_deref(), Some("-20"));
        assert_eq!(difference("C", "B"), None);
    }
}
