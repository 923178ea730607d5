//! Explanations: how every value of one record arose, built from a traced run, and
//! the renderers that print them for agents (text, Markdown, HTML in Chinese or
//! English) and for machines (JSON).

mod appeal;
mod build;
pub mod doc;
pub(crate) mod fingerprint;
mod group;
mod html;
mod model;
mod period;
mod reach;
mod render;
mod show;
mod summary;
mod verify;
mod words;

pub use appeal::{Appeal, Change, OtherChange};
pub use build::engine;
pub(crate) use build::explanation as build;
pub(crate) use build::record_fingerprint as fingerprint_of;
pub use fingerprint::{
    of_population as population_fingerprint, of_record as record_fingerprint,
    of_ruleset as ruleset_fingerprint,
};
pub(crate) use group::group_decision;
pub use html::escape_html;
pub use model::*;
pub use verify::{Verification, verify, verify_in};
pub use words::{Lang, Word};

/// The formats an explanation can be printed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text.
    Text,
    /// Markdown.
    Markdown,
    /// JSON, as documented in `docs/explanation.md`.
    Json,
    /// A self-contained HTML page.
    Html,
}

impl Explanation {
    /// The explanation printed in `format`; `lang` applies to all but JSON.
    pub fn render(&self, format: Format, lang: Lang) -> String {
        match format {
            Format::Json => self.to_json(),
            Format::Text => render::text(&doc::explanation(lang, self)),
            Format::Markdown => render::markdown(&doc::explanation(lang, self)),
            Format::Html => html::page(&doc::explanation(lang, self)),
        }
    }

    /// The JSON form, pretty-printed, ending in a newline. The same explanation always
    /// gives the same bytes.
    pub fn to_json(&self) -> String {
        pretty_json(self)
    }

    /// Reads the JSON form back.
    pub fn from_json(text: &str) -> Result<Explanation, serde_json::Error> {
        serde_json::from_str(text)
    }
}

/// A value's JSON, pretty-printed and ending in a newline. Explanations hold only
/// strings, numbers and lists, so serialising them cannot fail.
pub(crate) fn pretty_json<T: serde::Serialize>(value: &T) -> String {
    let mut json = serde_json::to_string_pretty(value).unwrap_or_default();
    json.push('\n');
    json
}

/// One step (an item or output) explained as plain text, as `kpi explain` prints it.
pub fn step_text(step: &Step, lang: Lang) -> String {
    render::section_text(&doc::step(lang, step))
}

/// Prints a document (such as an appeal's comparison) in a format other than JSON.
pub fn render_doc(doc: &doc::Doc, format: Format) -> String {
    match format {
        Format::Markdown => render::markdown(doc),
        Format::Html => html::page(doc),
        Format::Text | Format::Json => render::text(doc),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Ruleset;

    #[test]
    fn roundings_in_a_cap_and_a_veto_are_shown_on_their_item() {
        let ruleset = Ruleset::compile(
            "ruleset t\nkey id\ninput id text\ninput b number\n\
             bonus x = b / 3, cap round(b / 7, 2, half_up)\n\
             veto \"half\" when b > 0 : x = round(x * 50%, 2, down)\noutput o = x",
        )
        .unwrap();
        let record = ruleset.record(&[("id", "R"), ("b", "100")]).unwrap();
        let (outcome, explanation) = ruleset.explain(&record).unwrap();
        assert_eq!(outcome.values[0].to_string(), "7.14");
        let x = &explanation.items[0];
        assert_eq!(x.computed.as_deref(), Some("33.333333…"));
        assert_eq!(
            x.limits,
            vec![LimitApplied {
                limit: LimitKind::Cap,
                before: "33.333333…".into(),
                after: "14.29".into(),
                amount: "19.043333…".into(),
            }]
        );
        assert_eq!(x.vetoes[0].working, "100 > 0");
        assert!(x.vetoes[0].fired);
        let rounded: Vec<(&str, &str)> = x
            .roundings
            .iter()
            .map(|r| (r.before.as_str(), r.after.as_str()))
            .collect();
        assert_eq!(rounded, vec![("14.285714…", "14.29"), ("7.145", "7.14")]);
        assert_eq!(x.value, "7.14");
    }
}
