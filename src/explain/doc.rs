//! An explanation laid out as a document in one language: headings, fields, tables
//! and lists. The text, Markdown and HTML renderers each print the same document, so
//! what an agent reads does not depend on the format.

use super::model::{Decision, Explanation, Move, Reach, RowResult, Step};
pub use super::summary::{Standing, StandingState, Summary};
use super::words::{Lang, Word};

/// A document: a title, a few facts, a summary, sections, then what reproduces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc {
    /// The language it is written in.
    pub lang: Lang,
    /// The title.
    pub title: String,
    /// Facts under the title: which record, its result, its month.
    pub facts: Vec<(String, String)>,
    /// What an agent wants to know first, for a page that leads with it.
    pub summary: Option<Summary>,
    /// Sections in order.
    pub sections: Vec<Section>,
    /// What reproduces it exactly: engine, ruleset, fingerprints.
    pub references: Vec<(String, String)>,
}

/// One section: a heading, an aside (such as the line number), and blocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The heading.
    pub heading: String,
    /// A short note beside the heading.
    pub aside: Option<String>,
    /// Whether the section is a group heading rather than one step.
    pub group: bool,
    /// Its content.
    pub blocks: Vec<Block>,
    /// Whether it is to stand out (a changed item, the payout).
    pub marked: bool,
}

/// A block of content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A named value: `Formula  calls_answered / calls_offered`.
    Field(String, String),
    /// A table: header and rows; `marked` rows stand out.
    Table {
        /// Column headings.
        header: Vec<String>,
        /// Rows of cells.
        rows: Vec<Vec<String>>,
        /// Which rows stand out.
        marked: Vec<bool>,
    },
    /// A list of sentences.
    List(Vec<String>),
}

impl Section {
    fn group(heading: &str) -> Section {
        Section {
            heading: heading.to_string(),
            aside: None,
            group: true,
            blocks: Vec::new(),
            marked: false,
        }
    }
}

/// The name with its label in `lang`: `接通率 answer_rate`.
pub fn named(lang: Lang, name: &str, label: Option<&str>) -> String {
    match label {
        Some(label) => format!("{} {name}", lang.label(label)),
        None => name.to_string(),
    }
}

/// The title line: the ruleset's title in `lang`, else its name.
pub fn title(lang: Lang, e: &Explanation) -> String {
    e.ruleset
        .title
        .as_deref()
        .map_or_else(|| e.ruleset.name.clone(), |t| lang.label(t))
}

/// What an explanation is of, and where it stands in its month: the record, its
/// result, its month and its daily rows.
pub fn identity(lang: Lang, e: &Explanation) -> Vec<(String, String)> {
    let mut facts = vec![
        (lang.word(Word::Record).into(), e.record.key.clone()),
        (
            lang.word(Word::Result).into(),
            e.outputs
                .iter()
                .map(|o| {
                    let value = lang.yes_no(&o.value);
                    format!("{} {value}", named(lang, &o.name, o.label.as_deref()))
                })
                .collect::<Vec<_>>()
                .join(lang.word(Word::Comma)),
        ),
    ];
    if let Some(p) = &e.record.period {
        facts.push((
            lang.word(Word::Month).into(),
            lang.month(&p.month, &p.as_of, p.elapsed, p.days, p.remaining),
        ));
    }
    if let Some(rows) = &e.record.rows {
        facts.push((
            lang.word(Word::Rows).into(),
            lang.rows(rows.count, &rows.from, &rows.to),
        ));
    }
    facts
}

/// What reproduces an explanation exactly: the engine, the ruleset and its version,
/// and the fingerprints of the rule file, the record and the records scored with it.
pub fn references(lang: Lang, e: &Explanation) -> Vec<(String, String)> {
    let mut ruleset = e.ruleset.name.clone();
    if let Some(version) = &e.ruleset.version {
        ruleset.push_str(&format!(" {} {version}", lang.word(Word::Version)));
    }
    let mut references = vec![
        (lang.word(Word::Engine).into(), e.engine.clone()),
        (lang.word(Word::Ruleset).into(), ruleset),
        (
            lang.word(Word::RulesetPrint).into(),
            e.ruleset.fingerprint.clone(),
        ),
        (
            lang.word(Word::RecordPrint).into(),
            e.record.fingerprint.clone(),
        ),
    ];
    if let Some(population) = &e.population {
        references.push((
            lang.word(Word::PopulationPrint).into(),
            lang.population_print(population.records, &population.fingerprint),
        ));
    }
    references
}

/// The document for one explanation.
pub fn explanation(lang: Lang, e: &Explanation) -> Doc {
    let mut sections = warnings(lang, e);
    sections.extend([inputs(lang, e), Section::group(lang.word(Word::Steps))]);
    sections.extend(e.items.iter().map(|s| step(lang, s)));
    sections.push(Section::group(lang.word(Word::Outputs)));
    sections.extend(e.outputs.iter().map(|s| step(lang, s)));
    Doc {
        lang,
        title: title(lang, e),
        facts: identity(lang, e),
        summary: Some(super::summary::summary(lang, e)),
        sections,
        references: references(lang, e),
    }
}

/// The month-to-date warnings first, where an agent sees them before anything else.
fn warnings(lang: Lang, e: &Explanation) -> Vec<Section> {
    let lines: Vec<String> = e
        .items
        .iter()
        .filter(|s| s.kind == super::model::StepKind::Warning)
        .filter_map(|s| {
            let sentence = warning_sentence(lang, s.decision.as_ref()?)?;
            let colon = match lang {
                Lang::Zh => "：",
                Lang::En => ": ",
            };
            Some(format!(
                "{}{colon}{sentence}",
                named(lang, &s.name, s.label.as_deref())
            ))
        })
        .collect();
    if lines.is_empty() {
        return Vec::new();
    }
    let mut section = Section::group(lang.word(Word::Warnings));
    section.marked = true;
    section.blocks.push(Block::List(lines));
    vec![section]
}

/// A warning's decision in words.
fn warning_sentence(lang: Lang, decision: &Decision) -> Option<String> {
    let Decision::Warning {
        status,
        rate,
        target,
        daily,
        projected,
        remaining,
        needed,
    } = decision
    else {
        return None;
    };
    Some(lang.warning(
        status,
        rate,
        target,
        daily,
        projected,
        *remaining,
        needed.as_deref(),
    ))
}

fn inputs(lang: Lang, e: &Explanation) -> Section {
    let rows: Vec<Vec<String>> = e
        .record
        .inputs
        .iter()
        .map(|i| {
            vec![
                named(lang, &i.name, i.label.as_deref()),
                lang.yes_no(&i.value).to_string(),
            ]
        })
        .collect();
    let mut section = Section::group(lang.word(Word::Inputs));
    section.blocks.push(Block::Table {
        header: vec![lang.word(Word::Name).into(), lang.word(Word::Given).into()],
        marked: vec![false; rows.len()],
        rows,
    });
    section
}

/// One step's section.
pub fn step(lang: Lang, s: &Step) -> Section {
    let mut blocks = vec![Block::Field(
        lang.word(Word::Formula).into(),
        s.formula.clone(),
    )];
    if let Some(working) = &s.working {
        let zero = matches!(s.decision, Some(Decision::ZeroDenominator { .. }));
        let shown = match &s.computed {
            Some(computed) if computed != working && !zero => {
                format!("{working} = {}", lang.yes_no(computed))
            }
            _ => working.clone(),
        };
        blocks.push(Block::Field(lang.word(Word::Working).into(), shown));
    }
    if let Some(decision) = &s.decision {
        blocks.extend(decision_blocks(lang, decision, s));
    }
    let mut notes: Vec<String> = s
        .limits
        .iter()
        .map(|l| lang.limit(l.limit, &l.before, &l.after, &l.amount))
        .collect();
    notes.extend(s.vetoes.iter().map(|v| {
        let condition = format!("{} ({})", v.condition, v.working);
        let fired = match (&v.before, &v.after) {
            (Some(b), Some(a)) if v.fired => Some((b.as_str(), a.as_str())),
            _ => None,
        };
        lang.veto(&lang.label(&v.reason), &condition, fired)
    }));
    notes.extend(
        s.roundings
            .iter()
            .map(|r| lang.rounding(&r.mode, r.places, &r.before, &r.after)),
    );
    if !notes.is_empty() {
        blocks.push(Block::List(notes));
    }
    blocks.push(Block::Field(
        lang.word(Word::Value).into(),
        lang.yes_no(&s.value).to_string(),
    ));
    if let Some(next) = &s.next {
        blocks.extend(next_blocks(lang, next));
    }
    Section {
        heading: named(lang, &s.name, s.label.as_deref()),
        aside: Some(format!(
            "{}{}{}",
            lang.kind(s.kind),
            lang.word(Word::Comma),
            lang.line(s.line)
        )),
        group: false,
        blocks,
        marked: false,
    }
}

fn decision_blocks(lang: Lang, decision: &Decision, s: &Step) -> Vec<Block> {
    match decision {
        Decision::Warning { .. } => warning_sentence(lang, decision)
            .map(|w| vec![Block::List(vec![w])])
            .unwrap_or_default(),
        Decision::ZeroDenominator { used } => vec![Block::List(vec![lang.zero_denominator(used)])],
        Decision::Rows {
            subject,
            rows,
            coefficient,
        } => {
            let mut blocks = vec![Block::Field(
                lang.word(Word::LookedUp).into(),
                subject.clone(),
            )];
            let cells = rows
                .iter()
                .map(|r| {
                    let outcome = match (r.result, &r.missed_by) {
                        (RowResult::Matched, _) => lang.matched().to_string(),
                        (RowResult::Missed, _) if r.needs.is_some() => {
                            lang.needs(r.needs.as_deref().unwrap_or_default())
                        }
                        (RowResult::Missed, Some(by)) => lang.missed_by(by),
                        (RowResult::Missed, None) => lang.missed().to_string(),
                        (RowResult::NotTested, _) => lang.not_tested().to_string(),
                    };
                    vec![r.row.clone(), outcome]
                })
                .collect();
            blocks.push(Block::Table {
                header: vec![lang.word(Word::Row).into(), lang.word(Word::Outcome).into()],
                rows: cells,
                marked: rows
                    .iter()
                    .map(|r| r.result == RowResult::Matched)
                    .collect(),
            });
            if let Some(c) = coefficient {
                blocks.push(Block::List(vec![lang.coefficient(&s.value, c)]));
            }
            blocks
        }
        Decision::Interpolated { subject, from, to } => vec![Block::List(vec![lang.interpolated(
            subject,
            (&from.x, &from.y),
            (&to.x, &to.y),
        )])],
        Decision::Clamped { subject, at, high } => {
            vec![Block::List(vec![lang.clamped(
                subject,
                (&at.x, &at.y),
                *high,
            )])]
        }
        Decision::Weighted { .. } => Vec::new(),
        Decision::Aggregate {
            group,
            members,
            counted,
            contributions,
        } => {
            let mut blocks = vec![Block::List(vec![lang.aggregate(group, *members, *counted)])];
            if !contributions.is_empty() {
                blocks.push(Block::Table {
                    header: vec![
                        lang.word(Word::Record).into(),
                        lang.word(Word::Value).into(),
                        lang.word(Word::Counted).into(),
                    ],
                    rows: contributions
                        .iter()
                        .map(|c| {
                            vec![
                                c.key.clone(),
                                c.value.clone().unwrap_or_default(),
                                lang.counted(c.counted).into(),
                            ]
                        })
                        .collect(),
                    marked: contributions.iter().map(|c| c.counted).collect(),
                });
            }
            blocks
        }
        Decision::Ranked {
            group,
            place,
            ranked,
            keys,
            above,
            below,
            tied,
            ties,
        } => {
            let mut lines = vec![lang.ranked(group.as_deref(), *place, *ranked, keys)];
            for (is_above, n) in [(true, above), (false, below)] {
                if let Some(n) = n {
                    lines.push(lang.neighbour(is_above, &n.key, &n.keys));
                    if let Some(by) = &n.decided_by {
                        lines.push(lang.decided_by(&n.key, by));
                    }
                }
            }
            if !tied.is_empty() {
                lines.push(lang.tied(tied, ties.as_deref()));
            }
            vec![Block::List(lines)]
        }
        Decision::Excluded => vec![Block::List(vec![lang.excluded().to_string()])],
        Decision::Shared {
            group,
            amount,
            sharing,
            left_over,
            extra,
        } => vec![Block::List(vec![
            lang.shared(group, amount, *sharing, left_over, *extra),
        ])],
        Decision::Distributed {
            group,
            place,
            size,
            slots,
            slot_grade,
        } => {
            let mut lines = Vec::new();
            if slots.is_empty() {
                lines.push(lang.small_group(group, *size));
            } else {
                let slots: Vec<(String, usize)> =
                    slots.iter().map(|s| (s.grade.clone(), s.count)).collect();
                lines.push(lang.distributed(group, *place, *size, &slots));
            }
            if let Some(slot_grade) = slot_grade {
                lines.push(lang.boundary_tie(slot_grade, &s.value));
            }
            vec![Block::List(lines)]
        }
    }
}

fn next_blocks(lang: Lang, next: &Reach) -> Vec<Block> {
    let (row, moves) = next_lines(lang, next);
    let mut blocks = vec![Block::Field(lang.word(Word::Next).into(), row)];
    if !moves.is_empty() {
        blocks.push(Block::List(moves));
    }
    blocks
}

/// The next better row in words, and the moves that reach it, one input's or two
/// inputs' together (or why none is named).
pub(crate) fn next_lines(lang: Lang, next: &Reach) -> (String, Vec<String>) {
    match next {
        Reach::Top => (lang.top().into(), Vec::new()),
        Reach::Vetoed { reason, item } => (lang.vetoed(&lang.label(reason), item), Vec::new()),
        Reach::Next {
            row,
            subject,
            needs,
            gap,
            moves,
            pairs,
            shared,
            rolled,
            unmarked,
            ..
        } => {
            let input = |m: &Move| named(lang, &m.input, m.label.as_deref());
            let mut list: Vec<String> = moves
                .iter()
                .map(|m| lang.single_move(&input(m), &m.by, &m.from, &m.to))
                .collect();
            list.extend(pairs.iter().map(|p| {
                let [a, b] = &p.moves;
                lang.pair_move(
                    (&input(a), &a.by, &a.from, &a.to),
                    (&input(b), &b.by, &b.from, &b.to),
                )
            }));
            if *shared {
                list.push(lang.shared_move().into());
            } else if *rolled {
                list.push(lang.rolled_move().into());
            } else if *unmarked && list.is_empty() {
                list.push(lang.unmarked_move().into());
            } else if list.is_empty() {
                list.push(lang.no_move().into());
            }
            (lang.next_row(row, needs, subject, gap), list)
        }
    }
}
