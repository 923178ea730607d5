//! What a ruleset reads and writes, as data: for a service's `GET /ruleset`, a
//! binding's properties, a form built from the declarations.

use serde::Serialize;

use crate::Ruleset;
use crate::syntax::ast::InputType;

/// A ruleset's declarations and identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Description {
    /// Its name.
    pub name: String,
    /// Its title, often bilingual.
    pub title: Option<String>,
    /// Its version.
    pub version: Option<String>,
    /// Its currency code.
    pub currency: Option<String>,
    /// `sha256:` and the digest of the rule file's text, as explanations give it.
    pub fingerprint: String,
    /// The inputs that identify a record, in order.
    pub keys: Vec<String>,
    /// The inputs records are grouped by, for a ruleset that scores groups.
    pub groups: Vec<String>,
    /// Whether records must be scored together (groups, ranks, distributions).
    pub scores_together: bool,
    /// Every input, in declaration order.
    pub inputs: Vec<InputDescription>,
    /// Every output, in declaration order.
    pub outputs: Vec<OutputDescription>,
}

/// One declared input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputDescription {
    /// The column name.
    pub name: String,
    /// Its type, as the rule file writes it (`percent`, `money`).
    #[serde(rename = "type")]
    pub input_type: InputType,
    /// Its label, often bilingual.
    pub label: Option<String>,
    /// Whether it may be left empty.
    pub optional: bool,
}

/// One output column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutputDescription {
    /// The column name.
    pub name: String,
    /// Its label, often bilingual.
    pub label: Option<String>,
    /// What its values are: `count`, `number`, `percent`, `money`, `points`, `text`,
    /// `bool`, `grade`, `date` or `month`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// For an output that gives a grade: its labels, best first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grades: Option<Vec<String>>,
}

impl Ruleset {
    /// The ruleset's declarations and identity.
    pub fn describe(&self) -> Description {
        let model = &self.program.model;
        Description {
            name: model.name.clone(),
            title: model.title.clone(),
            version: model.version.clone(),
            currency: model.currency.clone(),
            fingerprint: self.fingerprint(),
            keys: self.key_names().into_iter().map(String::from).collect(),
            groups: self.group_names().into_iter().map(String::from).collect(),
            scores_together: self.reads_population(),
            inputs: model
                .inputs
                .iter()
                .map(|i| InputDescription {
                    name: i.name.clone(),
                    input_type: i.input_type,
                    label: i.label.clone(),
                    optional: i.optional,
                })
                .collect(),
            outputs: model
                .outputs
                .iter()
                .zip(self.program.output_types.iter())
                .map(|(o, ty)| OutputDescription {
                    name: o.name.clone(),
                    label: o.label.clone(),
                    kind: ty.name(),
                    grades: self.grade_labels(&o.name).map(<[String]>::to_vec),
                })
                .collect(),
        }
    }

    /// `sha256:` and the digest of the rule file's text, byte for byte: the
    /// fingerprint every explanation of this ruleset carries.
    pub fn fingerprint(&self) -> String {
        crate::explain::fingerprint::of_ruleset(self.source().text())
    }
}
