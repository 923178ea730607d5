//! What the server answers about one document: each function takes the document as
//! the editor last sent it and returns LSP values, so the loop only routes.

use std::collections::{HashMap, HashSet};

use kpi::symbols::{Definition, SymbolKind, Symbols};
use kpi::{Diagnostic, Diagnostics, ItemKind, Ruleset, Severity, SourceFile};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CompletionItem, CompletionItemKind,
    DiagnosticRelatedInformation, DiagnosticSeverity, Hover, HoverContents, Location,
    MarkupContent, MarkupKind, NumberOrString, Position, Range, TextEdit, Uri, WorkspaceEdit,
};

use super::text::Document;

fn source(doc: &Document) -> SourceFile {
    SourceFile::new(doc.name.clone(), doc.text.clone())
}

/// Every problem the checker finds, errors and warnings.
fn problems(doc: &Document) -> Vec<Diagnostic> {
    match Ruleset::compile_source(source(doc)) {
        Ok(ruleset) => ruleset.warnings().list,
        Err(Diagnostics { list, .. }) => list,
    }
}

/// The diagnostics to publish for `doc`.
pub fn diagnostics(doc: &Document, uri: &Uri) -> Vec<lsp_types::Diagnostic> {
    problems(doc)
        .into_iter()
        .map(|d| {
            let related = d
                .secondary
                .iter()
                .map(|label| DiagnosticRelatedInformation {
                    location: Location::new(uri.clone(), doc.range(label.span)),
                    message: label.text.clone(),
                })
                .collect::<Vec<_>>();
            let mut message = d.message.clone();
            if let Some(hint) = &d.hint {
                message.push_str("\nhint: ");
                message.push_str(hint);
            }
            lsp_types::Diagnostic {
                range: doc.range(d.primary.span),
                severity: Some(match d.severity {
                    Severity::Error => DiagnosticSeverity::ERROR,
                    Severity::Warning => DiagnosticSeverity::WARNING,
                }),
                code: Some(NumberOrString::String(d.code.to_string())),
                source: Some("kpi".into()),
                message,
                related_information: (!related.is_empty()).then_some(related),
                ..Default::default()
            }
        })
        .collect()
}

/// The declaration of the name under `position`: its label, kind and statement.
pub fn hover(doc: &Document, position: Position) -> Option<Hover> {
    let symbols = Symbols::of(&source(doc));
    let name = symbols.name_at(doc.offset(position))?;
    let text: Vec<String> = symbols
        .definitions_of(name)
        .into_iter()
        .map(|d| described(doc, d))
        .collect();
    (!text.is_empty()).then(|| Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: text.join("\n\n---\n\n"),
        }),
        range: None,
    })
}

/// `**name** — label`, the keyword and line, then the statement as written.
fn described(doc: &Document, d: &Definition) -> String {
    let mut text = format!("**{}**", d.name);
    if let Some(label) = &d.label {
        text.push_str(&format!(" — {label}"));
    }
    let line = doc.position(d.span.start).line + 1;
    let statement = doc
        .text
        .get(d.statement.start..d.statement.end)
        .unwrap_or("")
        .trim_end();
    text.push_str(&format!(
        "\n\n`{}` · line {line}\n\n```kpi\n{statement}\n```",
        d.kind.keyword()
    ));
    text
}

/// Where the name under `position` is declared.
pub fn definition(doc: &Document, uri: &Uri, position: Position) -> Vec<Location> {
    let symbols = Symbols::of(&source(doc));
    let Some(name) = symbols.name_at(doc.offset(position)) else {
        return Vec::new();
    };
    symbols
        .definitions_of(name)
        .into_iter()
        .map(|d| Location::new(uri.clone(), doc.range(d.span)))
        .collect()
}

/// Every place the name under `position` is written, its declarations included or
/// not.
pub fn references(
    doc: &Document,
    uri: &Uri,
    position: Position,
    with_declarations: bool,
) -> Vec<Location> {
    let symbols = Symbols::of(&source(doc));
    let Some(name) = symbols.name_at(doc.offset(position)) else {
        return Vec::new();
    };
    let declared: Vec<_> = symbols
        .definitions_of(name)
        .iter()
        .map(|d| d.span)
        .collect();
    symbols
        .occurrences_of(name)
        .filter(|o| with_declarations || !declared.contains(&o.span))
        .map(|o| Location::new(uri.clone(), doc.range(o.span)))
        .collect()
}

/// The names declared in `doc`, then the functions and keywords.
pub fn completion(doc: &Document) -> Vec<CompletionItem> {
    let symbols = Symbols::of(&source(doc));
    let mut seen = HashSet::new();
    let mut items: Vec<CompletionItem> = Vec::new();
    for d in &symbols.definitions {
        if !seen.insert(d.name.as_str()) {
            continue;
        }
        items.push(CompletionItem {
            label: d.name.clone(),
            kind: Some(match d.kind {
                SymbolKind::Input(_) => CompletionItemKind::FIELD,
                SymbolKind::Item(ItemKind::Let) => CompletionItemKind::VARIABLE,
                SymbolKind::Item(_) | SymbolKind::Veto => CompletionItemKind::VALUE,
                SymbolKind::Grade => CompletionItemKind::ENUM,
                SymbolKind::Output => CompletionItemKind::PROPERTY,
                SymbolKind::Fixture | SymbolKind::Test => CompletionItemKind::REFERENCE,
            }),
            detail: Some(match &d.label {
                Some(label) => format!("{} · {label}", d.kind.keyword()),
                None => d.kind.keyword(),
            }),
            ..Default::default()
        });
    }
    items.extend(kpi::symbols::functions().iter().map(|f| CompletionItem {
        label: (*f).to_string(),
        kind: Some(CompletionItemKind::FUNCTION),
        ..Default::default()
    }));
    items.extend(kpi::symbols::keywords().map(|k| CompletionItem {
        label: k.to_string(),
        kind: Some(CompletionItemKind::KEYWORD),
        ..Default::default()
    }));
    items
}

/// The document in canonical layout, as `kpi fmt` writes it: one edit replacing the
/// whole text, none if it is formatted already; `None` while it has syntax errors.
pub fn formatting(doc: &Document) -> Option<Vec<TextEdit>> {
    let formatted = kpi::format::format(&source(doc)).ok()?;
    Some(match formatted == doc.text {
        true => Vec::new(),
        false => vec![TextEdit::new(doc.whole(), formatted)],
    })
}

/// A quick fix for every "did you mean" whose place touches `range`.
pub fn code_actions(doc: &Document, uri: &Uri, range: Range) -> Vec<CodeActionOrCommand> {
    problems(doc)
        .into_iter()
        .filter_map(|d| {
            let suggestion = d.suggestion.clone()?;
            let place = doc.range(d.primary.span);
            if place.end < range.start || range.end < place.start {
                return None;
            }
            let edit = WorkspaceEdit {
                changes: Some(HashMap::from([(
                    uri.clone(),
                    vec![TextEdit::new(place, suggestion.clone())],
                )])),
                ..Default::default()
            };
            Some(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("Change to `{suggestion}`"),
                kind: Some(CodeActionKind::QUICKFIX),
                edit: Some(edit),
                is_preferred: Some(true),
                ..Default::default()
            }))
        })
        .collect()
}
