//! The JSON Schemas in `schemas/` are generated from the types that write the JSON,
//! so they cannot drift from it: this test fails when a type changes and the committed
//! schema was not regenerated (`KPI_UPDATE_SCHEMAS=1 cargo test --lib schemas`).
//! `tests/schemas.rs` then checks real output against the committed files.

use std::path::Path;

use schemars::{JsonSchema, generate::SchemaSettings};

use crate::Problem;
use crate::explain::{Appeal, Explanation};

/// The schema of `T` as committed: draft 2020-12, under `title`.
fn schema_of<T: JsonSchema>(title: &str) -> String {
    let mut schema = SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<T>();
    schema.insert("title".into(), title.into());
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema is JSON");
    text.push('\n');
    text
}

/// Compares with the committed file, or writes it when asked to.
fn committed(file: &str, generated: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schemas")
        .join(file);
    if std::env::var_os("KPI_UPDATE_SCHEMAS").is_some() {
        std::fs::write(&path, generated).expect("the schemas folder is writable");
        return;
    }
    let found = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        found == generated,
        "schemas/{file} is not what the types give; run KPI_UPDATE_SCHEMAS=1 cargo test --lib schemas and review the change"
    );
}

#[test]
fn the_committed_schemas_are_the_types_own() {
    committed(
        "explanation.schema.json",
        &schema_of::<Explanation>("kpi explanation"),
    );
    committed("appeal.schema.json", &schema_of::<Appeal>("kpi appeal"));
    committed("problem.schema.json", &schema_of::<Problem>("kpi problem"));
}
