//! The pest parser generated from `grammar/kpi.pest`.

#![allow(missing_docs)]

use pest_derive::Parser;

/// The parser for the kpi rule language.
#[derive(Parser)]
#[grammar = "../grammar/kpi.pest"]
pub(crate) struct KpiParser;
