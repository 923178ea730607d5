// Starts `kpi lsp` for every .kpi file; the server does the rest.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("kpi").get("path") || "kpi";
  const server = { command, args: ["lsp"] };
  client = new LanguageClient(
    "kpi",
    "kpi",
    { run: server, debug: server },
    { documentSelector: [{ scheme: "file", language: "kpi" }] }
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
