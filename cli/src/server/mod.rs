//! `stockade server`: a language server (LSP 3.17 over stdio, on `lsp-server` and
//! `lsp-types`) for Dockerfiles and Kubernetes YAML/JSON.
//!
//! - Diagnostics on open and change, pushed (`textDocument/publishDiagnostics`)
//!   to clients without pull support and answered to pull requests
//!   (`textDocument/diagnostic`): UTF-16 ranges, severity, the rule id as
//!   `code`, its documentation as `codeDescription`, origins as
//!   `relatedInformation`.
//! - The reader loop never scans: it hands each document's latest text to one
//!   worker thread and goes on reading. The worker takes every job queued
//!   before it starts, keeps only the newest text of each document (a newer
//!   edit supersedes an older scan not yet started), waits `debounceMs`
//!   (initialization option, 0 by default) for more, and scans; a result for a
//!   version that is no longer the document's is dropped.
//! - Workspace context ([`workspace`]): the nearest `stockade.yaml`, and every
//!   Kubernetes file of the workspace folders as part of the scan; reloaded on
//!   `workspace/didChangeWatchedFiles` and `workspace/didChangeWorkspaceFolders`.
//! - Code actions: apply a finding's fix, ignore the rule on the line or in the
//!   file, disable it in `stockade.yaml`. Hover: the rule's documentation.
//!   `workspace/executeCommand` `stockade.scanWorkspace`: scan every file of the
//!   workspace and publish their diagnostics.

mod charts;
mod convert;
mod kustomizations;
mod workspace;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use crossbeam_channel::{select, unbounded, Receiver, Sender};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::{
    CodeActionParams, CodeActionProviderCapability, DiagnosticOptions,
    DiagnosticServerCapabilities, DidChangeTextDocumentParams, DidChangeWorkspaceFoldersParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DocumentDiagnosticParams,
    ExecuteCommandOptions, ExecuteCommandParams, HoverParams, HoverProviderCapability,
    InitializeParams, PublishDiagnosticsParams, ServerCapabilities, ServerInfo,
    TextDocumentSyncCapability, TextDocumentSyncKind, Url, WorkspaceFoldersServerCapabilities,
    WorkspaceServerCapabilities,
};
use stockade::{Finding, Source};

use workspace::Workspace;

/// The command that scans the whole workspace.
pub const SCAN_WORKSPACE: &str = "stockade.scanWorkspace";

/// Run the server on stdin/stdout until the client says `exit`.
pub fn run() -> ExitCode {
    let (connection, io_threads) = Connection::stdio();
    let status = match serve(&connection) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("stockade server: {e}");
            ExitCode::from(1)
        }
    };
    drop(connection);
    if let Err(e) = io_threads.join() {
        eprintln!("stockade server: {e}");
    }
    status
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(
            TextDocumentSyncKind::INCREMENTAL,
        )),
        diagnostic_provider: Some(DiagnosticServerCapabilities::Options(DiagnosticOptions {
            identifier: Some("stockade".to_string()),
            inter_file_dependencies: true,
            workspace_diagnostics: false,
            ..DiagnosticOptions::default()
        })),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![SCAN_WORKSPACE.to_string()],
            ..ExecuteCommandOptions::default()
        }),
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(lsp_types::OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        ..ServerCapabilities::default()
    }
}

fn serve(connection: &Connection) -> Result<(), String> {
    let (id, params) = connection.initialize_start().map_err(|e| e.to_string())?;
    let init: InitializeParams = serde_json::from_value(params).map_err(|e| e.to_string())?;
    let result = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": ServerInfo { name: "stockade".to_string(), version: Some(stockade::VERSION.to_string()) },
    });
    connection
        .initialize_finish(id, result)
        .map_err(|e| e.to_string())?;
    let options = init.initialization_options.clone().unwrap_or_default();
    let debounce = Duration::from_millis(
        options
            .get("debounceMs")
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(0),
    );
    let pull = init
        .capabilities
        .text_document
        .as_ref()
        .and_then(|t| t.diagnostic.as_ref())
        .is_some();
    let push = options
        .get("push")
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(!pull);
    let watch = init
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|d| d.dynamic_registration)
        .unwrap_or(false);
    let folders = folders_of(&init);
    let (jobs, job_rx) = unbounded();
    let (done_tx, done) = unbounded();
    let worker = std::thread::Builder::new()
        .name("stockade-scan".to_string())
        .spawn(move || worker(folders, &job_rx, &done_tx, debounce))
        .map_err(|e| e.to_string())?;
    let mut server = Server {
        sender: connection.sender.clone(),
        jobs,
        docs: HashMap::new(),
        results: HashMap::new(),
        pending_pulls: Vec::new(),
        push,
        next_request: 0,
    };
    if watch {
        server.register_watchers();
    }
    let outcome = server.main_loop(connection, &done);
    drop(server);
    let _ = worker.join();
    outcome
}

fn folders_of(init: &InitializeParams) -> Vec<PathBuf> {
    let mut folders: Vec<PathBuf> = init
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|f| f.uri.to_file_path().ok())
        .collect();
    #[allow(deprecated)]
    if folders.is_empty() {
        if let Some(root) = init.root_uri.as_ref().and_then(|u| u.to_file_path().ok()) {
            folders.push(root);
        }
    }
    folders
}

/// An open document.
struct Doc {
    path: PathBuf,
    text: String,
    version: i32,
    /// When the newest edit arrived (for the latency log).
    edited: Instant,
}

/// The scan of one version of a document.
struct Scanned {
    version: i32,
    source: Source,
    findings: Vec<Finding>,
    diagnostics: Vec<lsp_types::Diagnostic>,
    config: Option<PathBuf>,
}

enum Job {
    Scan {
        uri: Url,
        path: PathBuf,
        text: String,
        version: i32,
    },
    /// Files changed on disk: read the workspace again.
    Reload,
    Folders {
        added: Vec<PathBuf>,
        removed: Vec<PathBuf>,
    },
    ScanWorkspace {
        id: RequestId,
        open: BTreeMap<PathBuf, String>,
    },
}

enum Done {
    Scanned {
        uri: Url,
        result: Box<Scanned>,
        took: Duration,
    },
    Workspace {
        id: RequestId,
        files: Vec<(Url, i32, Vec<lsp_types::Diagnostic>, usize)>,
    },
    Reloaded,
}

struct Server {
    sender: Sender<Message>,
    jobs: Sender<Job>,
    docs: HashMap<Url, Doc>,
    results: HashMap<Url, Scanned>,
    pending_pulls: Vec<(RequestId, Url)>,
    push: bool,
    next_request: i32,
}

impl Server {
    fn send(&self, message: Message) {
        // The client is gone when this fails: the reader loop ends on its own.
        let _ = self.sender.send(message);
    }

    fn notify(&self, method: &str, params: impl Into<serde_json::Value>) {
        self.send(Message::Notification(Notification::new(
            method.to_string(),
            params.into(),
        )));
    }

    fn log(&self, message: &str) {
        self.notify(
            "window/logMessage",
            serde_json::json!({ "type": 4, "message": message }),
        );
    }

    fn register_watchers(&mut self) {
        self.next_request += 1;
        let params = serde_json::json!({
            "registrations": [{
                "id": "stockade-watch",
                "method": "workspace/didChangeWatchedFiles",
                "registerOptions": { "watchers": [
                    { "globPattern": "**/*.{yaml,yml,json}" },
                    { "globPattern": "**/{stockade.yaml,.stockade.yaml}" },
                    { "globPattern": "**/*Dockerfile*" },
                ]},
            }],
        });
        self.send(Message::Request(Request::new(
            RequestId::from(format!("stockade-{}", self.next_request)),
            "client/registerCapability".to_string(),
            params,
        )));
    }

    fn main_loop(&mut self, connection: &Connection, done: &Receiver<Done>) -> Result<(), String> {
        loop {
            select! {
                recv(connection.receiver) -> message => {
                    let Ok(message) = message else { return Ok(()) };
                    match message {
                        Message::Request(req) => {
                            if connection.handle_shutdown(&req).map_err(|e| e.to_string())? {
                                return Ok(());
                            }
                            self.request(req);
                        }
                        Message::Notification(n) => self.notification(n),
                        Message::Response(_) => {}
                    }
                }
                recv(done) -> result => {
                    if let Ok(result) = result {
                        self.finished(result);
                    }
                }
            }
        }
    }

    fn schedule(&self, uri: &Url) {
        if let Some(doc) = self.docs.get(uri) {
            let _ = self.jobs.send(Job::Scan {
                uri: uri.clone(),
                path: doc.path.clone(),
                text: doc.text.clone(),
                version: doc.version,
            });
        }
    }

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            "textDocument/didOpen" => {
                let Ok(p) = serde_json::from_value::<DidOpenTextDocumentParams>(n.params) else {
                    return;
                };
                let Ok(path) = p.text_document.uri.to_file_path() else {
                    return;
                };
                let uri = p.text_document.uri;
                self.docs.insert(
                    uri.clone(),
                    Doc {
                        path,
                        text: p.text_document.text,
                        version: p.text_document.version,
                        edited: Instant::now(),
                    },
                );
                self.schedule(&uri);
            }
            "textDocument/didChange" => {
                let Ok(p) = serde_json::from_value::<DidChangeTextDocumentParams>(n.params) else {
                    return;
                };
                let uri = p.text_document.uri;
                let Some(doc) = self.docs.get_mut(&uri) else {
                    return;
                };
                for change in p.content_changes {
                    match change.range {
                        None => doc.text = change.text,
                        Some(range) => {
                            let index = stockade::LineIndex::new(&doc.text);
                            let start = convert::offset(&index, &doc.text, range.start) as usize;
                            let end = convert::offset(&index, &doc.text, range.end) as usize;
                            if start <= end && end <= doc.text.len() {
                                doc.text.replace_range(start..end, &change.text);
                            }
                        }
                    }
                }
                doc.version = p.text_document.version;
                doc.edited = Instant::now();
                self.schedule(&uri);
            }
            "textDocument/didClose" => {
                let Ok(p) = serde_json::from_value::<DidCloseTextDocumentParams>(n.params) else {
                    return;
                };
                let uri = p.text_document.uri;
                self.docs.remove(&uri);
                self.results.remove(&uri);
                if self.push {
                    self.publish(uri, None, Vec::new());
                }
            }
            "workspace/didChangeWatchedFiles" => {
                // Which files changed does not matter: the index is read again.
                let _ = self.jobs.send(Job::Reload);
            }
            "workspace/didChangeWorkspaceFolders" => {
                let Ok(p) = serde_json::from_value::<DidChangeWorkspaceFoldersParams>(n.params)
                else {
                    return;
                };
                let _ = self.jobs.send(Job::Folders {
                    added: p_folders(&p.event.added),
                    removed: p_folders(&p.event.removed),
                });
            }
            _ => {}
        }
    }

    fn request(&mut self, req: Request) {
        match req.method.as_str() {
            "textDocument/diagnostic" => {
                let Ok(p) = serde_json::from_value::<DocumentDiagnosticParams>(req.params) else {
                    return self.invalid(req.id);
                };
                let uri = p.text_document.uri;
                let current = self.docs.get(&uri).map(|d| d.version);
                match (self.results.get(&uri), current) {
                    (Some(r), Some(v)) if r.version == v => {
                        let report = full_report(r);
                        self.send(Message::Response(Response::new_ok(req.id, report)));
                    }
                    (_, Some(_)) => self.pending_pulls.push((req.id, uri)),
                    (_, None) => {
                        let empty = serde_json::json!({ "kind": "full", "items": [] });
                        self.send(Message::Response(Response::new_ok(req.id, empty)));
                    }
                }
            }
            "textDocument/codeAction" => {
                let Ok(p) = serde_json::from_value::<CodeActionParams>(req.params) else {
                    return self.invalid(req.id);
                };
                let uri = p.text_document.uri;
                let actions = match self.results.get(&uri) {
                    Some(r) => {
                        let root = self
                            .docs
                            .get(&uri)
                            .map(|d| d.path.clone())
                            .unwrap_or_default();
                        let new_config = root
                            .parent()
                            .map_or_else(PathBuf::new, |p| p.join("stockade.yaml"));
                        let doc = convert::Doc {
                            uri: &uri,
                            source: &r.source,
                            findings: &r.findings,
                            config: r.config.as_deref(),
                            new_config,
                        };
                        convert::code_actions(&doc, p.range)
                    }
                    None => Vec::new(),
                };
                self.send(Message::Response(Response::new_ok(req.id, actions)));
            }
            "textDocument/hover" => {
                let Ok(p) = serde_json::from_value::<HoverParams>(req.params) else {
                    return self.invalid(req.id);
                };
                let at = p.text_document_position_params;
                let hover = self
                    .results
                    .get(&at.text_document.uri)
                    .and_then(|r| convert::hover(&r.source, &r.findings, at.position));
                self.send(Message::Response(Response::new_ok(req.id, hover)));
            }
            "workspace/executeCommand" => {
                let Ok(p) = serde_json::from_value::<ExecuteCommandParams>(req.params) else {
                    return self.invalid(req.id);
                };
                if p.command == SCAN_WORKSPACE {
                    let open = self
                        .docs
                        .values()
                        .map(|d| (d.path.clone(), d.text.clone()))
                        .collect();
                    let _ = self.jobs.send(Job::ScanWorkspace { id: req.id, open });
                } else {
                    self.send(Message::Response(Response::new_err(
                        req.id,
                        ErrorCode::InvalidParams as i32,
                        format!("unknown command `{}`", p.command),
                    )));
                }
            }
            _ => self.send(Message::Response(Response::new_err(
                req.id,
                ErrorCode::MethodNotFound as i32,
                format!("stockade server does not handle `{}`", req.method),
            ))),
        }
    }

    fn invalid(&self, id: RequestId) {
        self.send(Message::Response(Response::new_err(
            id,
            ErrorCode::InvalidParams as i32,
            "invalid parameters".to_string(),
        )));
    }

    fn publish(&self, uri: Url, version: Option<i32>, diagnostics: Vec<lsp_types::Diagnostic>) {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.notify(
            "textDocument/publishDiagnostics",
            serde_json::to_value(params).unwrap_or_default(),
        );
    }

    fn finished(&mut self, done: Done) {
        match done {
            Done::Scanned { uri, result, took } => {
                let Some(doc) = self.docs.get(&uri) else {
                    return;
                };
                if doc.version != result.version {
                    return; // superseded by a newer edit
                }
                let since_edit = doc.edited.elapsed();
                self.log(&format!(
                    "scanned {} v{} ({} findings) in {:.1} ms; {:.1} ms after the edit",
                    doc.path.display(),
                    result.version,
                    result.findings.len(),
                    took.as_secs_f64() * 1e3,
                    since_edit.as_secs_f64() * 1e3
                ));
                if self.push {
                    self.publish(
                        uri.clone(),
                        Some(result.version),
                        result.diagnostics.clone(),
                    );
                }
                let (ready, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut self.pending_pulls)
                    .into_iter()
                    .partition(|(_, u)| *u == uri);
                self.pending_pulls = waiting;
                for (id, _) in ready {
                    self.send(Message::Response(Response::new_ok(
                        id,
                        full_report(&result),
                    )));
                }
                self.results.insert(uri, *result);
            }
            Done::Workspace { id, files } => {
                let mut total = 0;
                let count = files.len();
                for (uri, _, diagnostics, findings) in files {
                    total += findings;
                    if !self.docs.contains_key(&uri) {
                        self.publish(uri, None, diagnostics);
                    }
                }
                self.send(Message::Response(Response::new_ok(
                    id,
                    serde_json::json!({ "files": count, "findings": total }),
                )));
            }
            Done::Reloaded => {
                let uris: Vec<Url> = self.docs.keys().cloned().collect();
                for uri in &uris {
                    self.schedule(uri);
                }
                if !self.push {
                    self.send(Message::Request(Request::new(
                        RequestId::from(format!("stockade-refresh-{}", self.next_request)),
                        "workspace/diagnostic/refresh".to_string(),
                        serde_json::Value::Null,
                    )));
                    self.next_request += 1;
                }
            }
        }
    }
}

fn p_folders(list: &[lsp_types::WorkspaceFolder]) -> Vec<PathBuf> {
    list.iter()
        .filter_map(|f| f.uri.to_file_path().ok())
        .collect()
}

fn full_report(r: &Scanned) -> serde_json::Value {
    serde_json::json!({
        "kind": "full",
        "resultId": r.version.to_string(),
        "items": r.diagnostics,
    })
}

/// The scanning thread: takes every job queued, keeps the newest text of each
/// document, waits `debounce` for more, and works.
fn worker(folders: Vec<PathBuf>, jobs: &Receiver<Job>, done: &Sender<Done>, debounce: Duration) {
    let mut ws = Workspace::new(folders);
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        if !debounce.is_zero() {
            std::thread::sleep(debounce);
        }
        batch.extend(jobs.try_iter());
        // Newest scan per document; reloads first, then scans, then workspace scans.
        let mut scans: Vec<Job> = Vec::new();
        let mut others: Vec<Job> = Vec::new();
        let mut reload = false;
        for job in batch {
            match job {
                Job::Scan { ref uri, .. } => {
                    let uri = uri.clone();
                    scans.retain(|j| !matches!(j, Job::Scan { uri: u, .. } if *u == uri));
                    scans.push(job);
                }
                Job::Folders { added, removed } => {
                    let mut folders = ws.folders().to_vec();
                    folders.retain(|f| !removed.contains(f));
                    folders.extend(added);
                    ws.set_folders(folders);
                    let _ = done.send(Done::Reloaded);
                }
                Job::Reload => reload = true,
                other @ Job::ScanWorkspace { .. } => others.push(other),
            }
        }
        if reload {
            ws.reload();
            let _ = done.send(Done::Reloaded);
        }
        for job in scans {
            if let Job::Scan {
                uri,
                path,
                text,
                version,
            } = job
            {
                let started = Instant::now();
                let result = scan_document(&mut ws, &path, text, version);
                let _ = done.send(Done::Scanned {
                    uri,
                    result: Box::new(result),
                    took: started.elapsed(),
                });
            }
        }
        for job in others {
            if let Job::ScanWorkspace { id, open } = job {
                let files = ws
                    .scan_all(&open)
                    .into_iter()
                    .filter_map(|(path, text, report)| {
                        let uri = convert::uri_of(&path)?;
                        let source = Source::new(path.to_string_lossy(), text);
                        let base = path.parent().map(PathBuf::from).unwrap_or_default();
                        let diagnostics = convert::diagnostics(&source, &report, &base);
                        Some((uri, 0, diagnostics, report.findings.len()))
                    })
                    .collect();
                let _ = done.send(Done::Workspace { id, files });
            }
        }
    }
}

fn scan_document(
    ws: &mut Workspace,
    path: &std::path::Path,
    text: String,
    version: i32,
) -> Scanned {
    let config = ws.config_for(path).path;
    let source = Source::new(path.to_string_lossy(), text);
    let base = path.parent().map(PathBuf::from).unwrap_or_default();
    match ws.scan(path, source.text()) {
        Ok(report) => {
            let diagnostics = convert::diagnostics(&source, &report, &base);
            Scanned {
                version,
                source,
                findings: report.findings,
                diagnostics,
                config,
            }
        }
        Err(errors) => Scanned {
            version,
            diagnostics: errors
                .iter()
                .map(|e| convert::error_diagnostic(None, e))
                .collect(),
            source,
            findings: Vec::new(),
            config,
        },
    }
}
