//! `kpi lsp`: a language server over standard input and output, for editors. It keeps
//! the open rule files in memory and answers from the library: diagnostics as the
//! text changes, hover, go to definition, find references, completion, formatting and
//! a quick fix for each "did you mean".

mod answers;
mod text;

use std::collections::HashMap;

use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Notification as _,
    PublishDiagnostics,
};
use lsp_types::request::{
    CodeActionRequest, Completion, Formatting, GotoDefinition, HoverRequest, References,
    Request as _,
};
use lsp_types::{
    CodeActionProviderCapability, CompletionOptions, GotoDefinitionResponse,
    HoverProviderCapability, OneOf, PublishDiagnosticsParams, ServerCapabilities, ServerInfo,
    TextDocumentSyncCapability, TextDocumentSyncKind, Uri,
};
use serde_json::Value;
use text::Document;

use crate::Failure;

/// Serves one editor until it says `exit`.
pub fn serve() -> Result<u8, Failure> {
    let (connection, threads) = Connection::stdio();
    let capabilities = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions::default()),
        document_formatting_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        ..Default::default()
    };
    let initialized = serde_json::json!({
        "capabilities": capabilities,
        "serverInfo": ServerInfo { name: "kpi".into(), version: Some(env!("CARGO_PKG_VERSION").into()) },
    });
    let protocol = |e: lsp_server::ProtocolError| Failure::usage(format!("kpi lsp: {e}"));
    let (id, _) = connection.initialize_start().map_err(protocol)?;
    connection
        .initialize_finish(id, initialized)
        .map_err(protocol)?;
    let mut server = Server {
        connection: &connection,
        documents: HashMap::new(),
    };
    let ended = server.run();
    drop(connection);
    threads
        .join()
        .map_err(|e| Failure::usage(format!("kpi lsp: {e}")))?;
    ended
}

struct Server<'c> {
    connection: &'c Connection,
    /// Open documents by URI.
    documents: HashMap<String, (Uri, Document)>,
}

impl Server<'_> {
    fn run(&mut self) -> Result<u8, Failure> {
        for message in &self.connection.receiver {
            match message {
                Message::Request(request) => {
                    let shutdown = self
                        .connection
                        .handle_shutdown(&request)
                        .map_err(|e| Failure::usage(format!("kpi lsp: {e}")))?;
                    if shutdown {
                        return Ok(0);
                    }
                    let response = self.answer(request);
                    self.send(Message::Response(response));
                }
                Message::Notification(notification) => self.note(notification),
                Message::Response(_) => {}
            }
        }
        Ok(0)
    }

    fn send(&self, message: Message) {
        // The editor went away: nothing left to tell it.
        let _ = self.connection.sender.send(message);
    }

    /// Keeps the documents as the editor edits them, and republishes diagnostics.
    fn note(&mut self, notification: Notification) {
        let uri = match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Ok(params) = serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(
                    notification.params,
                ) else {
                    return;
                };
                let doc = params.text_document;
                self.open(doc.uri, doc.text)
            }
            DidChangeTextDocument::METHOD => {
                let Ok(params) = serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(
                    notification.params,
                ) else {
                    return;
                };
                // Full sync: the last change holds the whole text.
                let Some(change) = params.content_changes.into_iter().last() else {
                    return;
                };
                self.open(params.text_document.uri, change.text)
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(params) = serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(
                    notification.params,
                ) {
                    let uri = params.text_document.uri;
                    self.documents.remove(uri.as_str());
                    self.publish(&uri, Vec::new());
                }
                return;
            }
            _ => return,
        };
        if let Some((uri, doc)) = self.documents.get(&uri) {
            let found = answers::diagnostics(doc, uri);
            self.publish(&uri.clone(), found);
        }
    }

    fn open(&mut self, uri: Uri, text: String) -> String {
        let key = uri.as_str().to_string();
        let name = key.rsplit('/').next().unwrap_or(&key).to_string();
        self.documents
            .insert(key.clone(), (uri, Document::new(name, text)));
        key
    }

    fn publish(&self, uri: &Uri, diagnostics: Vec<lsp_types::Diagnostic>) {
        let params = PublishDiagnosticsParams::new(uri.clone(), diagnostics, None);
        self.send(Message::Notification(Notification::new(
            PublishDiagnostics::METHOD.into(),
            params,
        )));
    }

    /// The answer to one request.
    fn answer(&self, request: Request) -> Response {
        let id = request.id.clone();
        let answered = match request.method.as_str() {
            HoverRequest::METHOD => self.with::<HoverRequest>(request, |doc, _, p| {
                json(answers::hover(
                    doc,
                    p.text_document_position_params.position,
                ))
            }),
            GotoDefinition::METHOD => self.with::<GotoDefinition>(request, |doc, uri, p| {
                let found = answers::definition(doc, uri, p.text_document_position_params.position);
                json(GotoDefinitionResponse::Array(found))
            }),
            References::METHOD => self.with::<References>(request, |doc, uri, p| {
                json(answers::references(
                    doc,
                    uri,
                    p.text_document_position.position,
                    p.context.include_declaration,
                ))
            }),
            Completion::METHOD => {
                self.with::<Completion>(request, |doc, _, _| json(answers::completion(doc)))
            }
            Formatting::METHOD => {
                self.with::<Formatting>(request, |doc, _, _| json(answers::formatting(doc)))
            }
            CodeActionRequest::METHOD => self.with::<CodeActionRequest>(request, |doc, uri, p| {
                json(answers::code_actions(doc, uri, p.range))
            }),
            method => Err(format!("kpi lsp does not answer {method}")),
        };
        match answered {
            Ok(result) => Response::new_ok(id, result),
            Err(message) => refused(id, message),
        }
    }

    /// Reads the parameters of a request about one document and answers it with `f`.
    fn with<R: lsp_types::request::Request>(
        &self,
        request: Request,
        f: impl FnOnce(&Document, &Uri, R::Params) -> Value,
    ) -> Result<Value, String>
    where
        R::Params: DocumentParams,
    {
        let params: R::Params = serde_json::from_value(request.params)
            .map_err(|e| format!("bad parameters for {}: {e}", R::METHOD))?;
        let key = params.uri().as_str().to_string();
        match self.documents.get(&key) {
            Some((uri, doc)) => Ok(f(doc, uri, params)),
            None => Ok(Value::Null),
        }
    }
}

fn json(value: impl serde::Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

fn refused(id: RequestId, message: String) -> Response {
    Response::new_err(id, lsp_server::ErrorCode::InvalidParams as i32, message)
}

/// The parameters of a request about one document.
trait DocumentParams {
    fn uri(&self) -> &Uri;
}

impl DocumentParams for lsp_types::HoverParams {
    fn uri(&self) -> &Uri {
        &self.text_document_position_params.text_document.uri
    }
}

impl DocumentParams for lsp_types::GotoDefinitionParams {
    fn uri(&self) -> &Uri {
        &self.text_document_position_params.text_document.uri
    }
}

impl DocumentParams for lsp_types::ReferenceParams {
    fn uri(&self) -> &Uri {
        &self.text_document_position.text_document.uri
    }
}

impl DocumentParams for lsp_types::CompletionParams {
    fn uri(&self) -> &Uri {
        &self.text_document_position.text_document.uri
    }
}

impl DocumentParams for lsp_types::DocumentFormattingParams {
    fn uri(&self) -> &Uri {
        &self.text_document.uri
    }
}

impl DocumentParams for lsp_types::CodeActionParams {
    fn uri(&self) -> &Uri {
        &self.text_document.uri
    }
}
