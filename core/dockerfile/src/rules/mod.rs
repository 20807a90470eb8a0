//! The Dockerfile rule pack: one rule per file, each a `declare_rule!` static
//! (`META`) and a `check` function over [`Facts`].
//!
//! [`Facts`] is what every rule reads: the parsed file, its stages (with the base
//! image resolved through `ARG`s), the scripts of every `RUN` (as
//! [`crate::command::Script`]), and helpers to report a finding with its
//! stage and instruction.

#![allow(clippy::doc_markdown)] // BuildKit, DockerHub … in rule docs

use std::collections::HashMap;
use std::sync::Arc;

use crate::ast::{Args, Dockerfile, Instruction, Keyword, Word};
use crate::command::{Command, CommandBudget, Script};
use crate::model::{Base, ImageRef, Model};
use stockade_source::context::Findings;
use stockade_source::finding::Diagnostic;
use stockade_source::rule::RuleMeta;
use stockade_source::settings::Settings;
use stockade_source::source::Span;

/// A rule: its metadata and its check.
#[derive(Clone, Copy)]
pub struct Rule {
    pub meta: &'static RuleMeta,
    pub check: fn(&Facts<'_>, &mut Out<'_>),
}

macro_rules! rules {
    ($($m:ident),* $(,)?) => {
        $(pub mod $m;)*
        /// Every rule with its check.
        pub static ALL: &[Rule] = &[$(Rule { meta: &$m::META, check: $m::check }),*];
        stockade_source::register_rules! {
            /// Every Dockerfile rule: the pack's registration list.
            pub static RULES = [$($m),*];
        }
    };
}

rules! {
    latest_tag,
    unpinned_digest,
    allowed_registries,
    allowed_images,
    root_user,
    sudo,
    port_22,
    port_range,
    add_instead_of_copy,
    add_url_checksum,
    curl_pipe_shell,
    missing_healthcheck,
    multiple_instructions,
    maintainer,
    workdir_relative,
    run_cd,
    copy_from_self,
    copy_from_unknown,
    duplicate_stage,
    copy_dest_slash,
    apt_get_yes,
    apt_get_no_recommends,
    apt_get_pin,
    apt_lists,
    package_upgrade,
    apt_command,
    apk_no_cache,
    apk_pin,
    rpm_clean,
    rpm_yes,
    rpm_pin,
    pip_no_cache,
    pip_pin,
    npm_pin,
    gem_pin,
    wget_and_curl,
    pipefail,
    shell_form,
    secret_env,
    secret_files,
    platform_const,
    chmod_777,
    tls_verify_off,
    unsigned_packages,
    chpasswd,
    workdir_system,
    undefined_var,
    undefined_arg_in_from,
    stage_name_casing,
    reserved_stage_name,
    legacy_key_value,
    expose_proto_casing,
    from_as_casing,
    instruction_casing,
    invalid_default_arg_in_from,
    redundant_target_platform,
    update_alone,
    empty_continuation,
    expose_invalid_format,
    invalid_from_image,
}

/// Collects a rule's findings (bounded by `limits.max_findings`, see
/// [`Findings`]).
pub struct Out<'c> {
    pub config: &'c Settings,
    pub diagnostics: Findings,
}

impl<'c> Out<'c> {
    /// Report a finding about instruction `ins` (in `stage`, when it belongs to one).
    pub fn report(
        &mut self,
        meta: &'static RuleMeta,
        facts: &Facts<'_>,
        ins: &Instruction,
        span: Span,
        message: impl Into<String>,
    ) {
        if self.config.is_enabled(meta) {
            let d = Self::diagnostic(meta, facts, ins, span, message);
            self.diagnostics.push(d);
        }
    }

    /// [`Out::report`] with a remediation written for this finding (naming its
    /// package, its image …) instead of the rule's generic one.
    pub fn report_with_remediation(
        &mut self,
        meta: &'static RuleMeta,
        facts: &Facts<'_>,
        ins: &Instruction,
        span: Span,
        message: impl Into<String>,
        remediation: impl Into<String>,
    ) {
        if self.config.is_enabled(meta) {
            let d = Self::diagnostic(meta, facts, ins, span, message).with_remediation(remediation);
            self.diagnostics.push(d);
        }
    }

    /// [`Out::report`] with the edits that resolve the finding, when the rule
    /// could write them (see [`crate::fixes`]).
    pub fn report_fix(
        &mut self,
        meta: &'static RuleMeta,
        facts: &Facts<'_>,
        ins: &Instruction,
        span: Span,
        message: impl Into<String>,
        fix: Option<stockade_source::fix::Fix>,
    ) {
        if self.config.is_enabled(meta) {
            let mut d = Self::diagnostic(meta, facts, ins, span, message);
            d.fix = fix;
            self.diagnostics.push(d);
        }
    }

    fn diagnostic(
        meta: &'static RuleMeta,
        facts: &Facts<'_>,
        ins: &Instruction,
        span: Span,
        message: impl Into<String>,
    ) -> Diagnostic {
        let mut d = Diagnostic::new(meta, span, message);
        if let Some(stage) = facts.stage_of(ins) {
            d = d.with_object(stage.label());
        }
        d.with_pointer(facts.pointer(ins))
    }

    /// The rule's typed options (borrowed from the settings, not from `self`, so a
    /// rule can keep them while it reports).
    pub fn options<T: 'static>(&self, meta: &RuleMeta) -> Option<&'c T> {
        self.config.options::<T>(meta)
    }
}

/// A build stage.
#[derive(Debug)]
pub struct Stage<'a> {
    pub index: usize,
    /// The `AS name` word, as written.
    pub name: Option<&'a Word>,
    pub from: &'a Instruction,
    /// The base image argument (first non-flag word of FROM).
    pub image_word: Option<&'a Word>,
    /// The base image after `ARG` substitution.
    pub image_text: String,
    /// The argument contained a variable reference.
    pub image_dynamic: bool,
    /// The argument is written in the source exactly as its value (no quotes,
    /// escapes or line continuations inside), so byte ranges of the value map 1:1.
    pub image_verbatim: bool,
    /// A variable could not be resolved.
    pub image_unresolved: bool,
    /// The base is an earlier stage (by name or index).
    pub base_stage: Option<usize>,
    /// The model's view of the base (image, stage, scratch or invalid).
    pub base: Base,
    /// Instructions after FROM, up to the next FROM.
    pub instructions: Vec<&'a Instruction>,
}

impl Stage<'_> {
    /// `stage <name>` or `stage <index>`.
    pub fn label(&self) -> String {
        match self.name {
            Some(n) => format!("stage {}", n.value),
            None => format!("stage {}", self.index),
        }
    }

    /// The stage name, lower-cased as BuildKit compares it.
    pub fn name_lower(&self) -> Option<String> {
        self.name.map(|n| n.value.to_ascii_lowercase())
    }

    /// The parsed base image (`None` for `scratch`, stage references and invalid names).
    pub fn image(&self) -> Option<&ImageRef> {
        match &self.base {
            Base::Image(r) => Some(r),
            _ => None,
        }
    }

    /// Span of the base image text, and whether it maps 1:1 to [`Stage::image_text`].
    pub fn image_span(&self) -> (Span, bool) {
        match self.image_word {
            Some(w) => (
                w.span,
                self.image_verbatim && !self.image_dynamic && w.value == self.image_text,
            ),
            None => (self.from.keyword_span, false),
        }
    }

    /// Span of a byte range of the resolved image text: exact when the argument is
    /// written without variables, else the whole argument.
    pub fn image_sub_span(&self, range: Option<std::ops::Range<usize>>) -> Span {
        let (span, exact) = self.image_span();
        match range {
            Some(r) if exact => Span::new(span.start + r.start as u32, span.start + r.end as u32),
            _ => span,
        }
    }

    /// The image as resolved, for messages: `node:${TAG}` (resolved `node:latest`).
    pub fn image_display(&self) -> String {
        match self.image_word {
            Some(w) if self.image_dynamic => {
                format!("`{}` (resolved `{}`)", w.value, self.image_text)
            }
            _ => format!("`{}`", self.image_text),
        }
    }

    /// The instructions of this stage with `keyword`.
    pub fn with(&self, keyword: Keyword) -> impl Iterator<Item = &Instruction> + '_ {
        self.instructions
            .iter()
            .copied()
            .filter(move |i| i.keyword == keyword)
    }
}

/// The script of one `RUN`.
#[derive(Debug)]
pub struct Run<'a> {
    pub ins: &'a Instruction,
    pub stage: Option<usize>,
    pub script: Script,
    /// The `SHELL` in effect (exec-form words), if one was set in the stage
    /// (shared by the stage's `RUN`s).
    pub shell: Option<Arc<[String]>>,
}

/// Everything the rules read.
pub struct Facts<'a> {
    pub text: &'a str,
    pub file: &'a Dockerfile,
    pub stages: Vec<Stage<'a>>,
    pub runs: Vec<Run<'a>>,
    /// Global `ARG`s (before the first FROM): span, name, value (None when declared
    /// without a default).
    pub global_args: Vec<(Span, String, Option<String>)>,
    /// The semantic model (ARG/ENV scoping, base images, undefined variables).
    pub model: Model,
    /// Per instruction (by index): its stage plus one (0 before the first
    /// FROM) and the ordinal of its keyword in the file.
    positions: Vec<(u32, u32)>,
    /// The `RUN` whose scripts went past [`crate::command::MAX_COMMANDS`]: the
    /// commands of the rest of the file are not read.
    pub commands_limit: Option<Span>,
    /// Lower-cased stage name → indices of the stages with that name, in order
    /// (lookups stay linear in files with thousands of stages).
    stage_index: HashMap<String, Vec<usize>>,
}

/// BuildKit's automatic platform args, usable in FROM without declaring them.
pub const AUTOMATIC_ARGS: &[&str] = &[
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
];

/// Predefined proxy args and other names BuildKit allows without a declaration.
pub const PREDEFINED_ARGS: &[&str] = &[
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "FTP_PROXY",
    "ftp_proxy",
    "NO_PROXY",
    "no_proxy",
    "ALL_PROXY",
    "all_proxy",
];

impl<'a> Facts<'a> {
    pub fn new(text: &'a str, file: &'a Dockerfile) -> Self {
        let model = Model::build(file, text);
        // FROM instructions with an undefined variable (one pass, not one per stage).
        let unresolved: std::collections::HashSet<usize> = model
            .undefined
            .iter()
            .filter(|u| u.in_from)
            .map(|u| u.instruction)
            .collect();
        let mut stages: Vec<Stage<'a>> = Vec::new();
        let mut positions = Vec::with_capacity(file.instructions.len());
        let mut counts: HashMap<String, usize> = HashMap::new();
        for (idx, ins) in file.instructions.iter().enumerate() {
            let n = counts
                .entry(ins.keyword_text.to_ascii_uppercase())
                .or_insert(0);
            *n += 1;
            if ins.keyword == Keyword::From {
                // The model has one stage per FROM, in order: the next one (a lookup
                // by position keeps files with thousands of stages linear).
                let ms = model
                    .stages
                    .get(stages.len())
                    .filter(|s| s.from == idx)
                    .or_else(|| model.stages.iter().find(|s| s.from == idx));
                if let Some(ms) = ms {
                    stages.push(build_stage(stages.len(), ins, ms, &unresolved, text));
                }
            } else if let Some(stage) = stages.last_mut() {
                stage.instructions.push(ins);
            }
            positions.push((crate::to_u32(stages.len()), crate::to_u32(*n)));
        }
        let global_args = model
            .meta_args
            .iter()
            .map(|a| (a.span, a.name.clone(), a.value.clone()))
            .collect();
        let mut runs = Vec::new();
        let mut budget = CommandBudget::default();
        let mut commands_limit = None;
        for (si, stage) in stages.iter().enumerate() {
            let mut shell: Option<Arc<[String]>> = None;
            for ins in &stage.instructions {
                match ins.keyword {
                    Keyword::Shell => {
                        shell = Some(ins.words().iter().map(|w| w.value.clone()).collect());
                    }
                    Keyword::Run => {
                        let script = if budget.exceeded {
                            Script::default()
                        } else {
                            let script = script_of(ins, shell.as_deref(), &mut budget);
                            if budget.exceeded {
                                commands_limit = Some(ins.span);
                            }
                            script
                        };
                        runs.push(Run {
                            ins,
                            stage: Some(si),
                            script,
                            shell: shell.clone(),
                        });
                    }
                    _ => {}
                }
            }
        }
        runs.shrink_to_fit();
        let mut stage_index: HashMap<String, Vec<usize>> = HashMap::new();
        for s in &stages {
            if let Some(n) = s.name_lower() {
                stage_index.entry(n).or_default().push(s.index);
            }
        }
        Facts {
            text,
            file,
            stages,
            runs,
            global_args,
            model,
            positions,
            commands_limit,
            stage_index,
        }
    }

    /// The indices of the stages named `lower` (lower-cased), in order.
    pub fn stages_named(&self, lower: &str) -> &[usize] {
        self.stage_index.get(lower).map_or(&[], Vec::as_slice)
    }

    /// `word` expanded as BuildKit expands it at `ins`: the shell lexer of
    /// [`crate::expand`] with the file's escape character and the ARG/ENV in scope
    /// there (within the file's substitution budget, see
    /// [`crate::model::EXPANSION_BUDGET`]), and whether some variable was not set.
    /// A word the lexer rejects is returned as written.
    pub fn expand_at(&self, ins: &Instruction, word: &str) -> (String, bool) {
        let Some(idx) = self.index_of(ins) else {
            return (word.to_string(), true);
        };
        self.model.expand(idx, word).map_or_else(
            |_| (word.to_string(), true),
            |e| (e.value, !e.unmatched.is_empty()),
        )
    }

    /// The index of an instruction in the file.
    pub fn index_of(&self, ins: &Instruction) -> Option<usize> {
        // Instructions are in source order: their starts increase.
        self.file
            .instructions
            .binary_search_by_key(&ins.span.start, |i| i.span.start)
            .ok()
    }

    /// Every command of every RUN, with its RUN.
    pub fn commands(&self) -> impl Iterator<Item = (&Run<'a>, &Command)> {
        self.runs
            .iter()
            .flat_map(|r| r.script.iter().map(move |c| (r, c)))
    }

    /// Every `package` command (`apt-get install`, `apk add`, …) of every RUN: the
    /// RUN, the command and its subcommand word.
    pub fn package_commands<'s>(
        &'s self,
        package: &'s PackageCommand,
    ) -> impl Iterator<Item = (&'s Run<'a>, &'s Command, &'s crate::command::Word)> + 's {
        self.commands().filter_map(move |(run, cmd)| {
            if !cmd.is(package.programs) {
                return None;
            }
            let sub = sub_is(cmd, package.value_options, package.subcommands)?;
            Some((run, cmd, sub))
        })
    }

    /// The stage an instruction belongs to (the FROM's own stage for FROM).
    pub fn stage_of(&self, ins: &Instruction) -> Option<&Stage<'a>> {
        let (stage, _) = self.positions.get(self.index_of(ins)?)?;
        self.stages
            .get(usize::try_from(stage.checked_sub(1)?).ok()?)
    }

    /// `KEYWORD#n`: the n-th instruction with this keyword in the file (1-based).
    pub fn pointer(&self, ins: &Instruction) -> String {
        let n = self
            .index_of(ins)
            .and_then(|i| self.positions.get(i))
            .map_or(1, |(_, n)| *n);
        format!("{}#{n}", ins.keyword_text.to_ascii_uppercase())
    }

    /// The last stage: the image the build produces by default.
    pub fn final_stage(&self) -> Option<&Stage<'a>> {
        self.stages.last()
    }

    /// Whether a stage is the final one.
    pub fn is_final(&self, stage: Option<usize>) -> bool {
        stage.is_some() && stage == self.stages.len().checked_sub(1)
    }

    /// Every instruction, in order.
    pub fn instructions(&self) -> impl Iterator<Item = &'a Instruction> {
        self.file.instructions.iter()
    }

    /// Variables visible at `ins` (before it runs), as BuildKit scopes them: global
    /// ARGs for FROM, the stage's ARGs with values and ENV (inherited from parent
    /// stages) otherwise.
    pub fn vars_before(&self, ins: &Instruction) -> HashMap<String, Option<String>> {
        let Some(idx) = self.index_of(ins) else {
            return HashMap::new();
        };
        self.model
            .vars_at(idx)
            .iter()
            .map(|v| (v.name.clone(), Some(v.value.clone())))
            .collect()
    }

    /// The text of an instruction's [`Args::Text`] argument, expanded as BuildKit
    /// expands it at that instruction, and its span.
    pub fn text_arg(&self, ins: &Instruction) -> Option<(String, Span)> {
        let Args::Text(w) = &ins.args else {
            return None;
        };
        let idx = self.index_of(ins)?;
        let value = self
            .model
            .expand(idx, &w.value)
            .map_or_else(|_| w.value.clone(), |e| e.value);
        Some((value, w.span))
    }
}

/// `NAME=default` of an ARG word.
pub fn split_arg(s: &str) -> (&str, Option<&str>) {
    match s.split_once('=') {
        Some((n, d)) => (n, Some(d)),
        None => (s, None),
    }
}

fn build_stage<'a>(
    index: usize,
    ins: &'a Instruction,
    ms: &crate::model::Stage,
    unresolved: &std::collections::HashSet<usize>,
    text: &str,
) -> Stage<'a> {
    let words = ins.words();
    let name = match (words.get(1), words.get(2)) {
        (Some(a), Some(n)) if a.value.eq_ignore_ascii_case("as") => Some(n),
        _ => None,
    };
    let base_stage = match ms.base {
        Base::Stage(p) => Some(p),
        _ => None,
    };
    Stage {
        index,
        name,
        from: ins,
        image_word: words.first(),
        image_verbatim: words.first().is_some_and(|w| w.span.text(text) == w.value),
        image_dynamic: ms.base_written.contains('$'),
        image_text: ms.base_resolved.clone(),
        image_unresolved: unresolved.contains(&ms.from),
        base_stage,
        base: ms.base.clone(),
        instructions: Vec::new(),
    }
}

/// The script a RUN runs: shell form parsed as sh (unless SHELL is not a POSIX
/// shell), exec form as one command, and heredoc bodies that are scripts;
/// `budget` is charged for the commands kept (the commands of all of a file's
/// `RUN`s together are bounded).
pub fn script_of(
    ins: &Instruction,
    shell: Option<&[String]>,
    budget: &mut CommandBudget,
) -> Script {
    let posix = shell.is_none_or(|s| {
        s.first().is_some_and(|p| {
            matches!(
                crate::command::basename(p),
                "sh" | "bash" | "dash" | "ash" | "zsh" | "ksh"
            )
        })
    });
    let mut script = match &ins.args {
        Args::Json(words) => {
            let args: Vec<(String, Span)> =
                words.iter().map(|w| (w.value.clone(), w.span)).collect();
            Script::from_exec_within(&args, budget)
        }
        _ if !posix => Script::default(),
        _ => parse_logical(&ins.text, budget),
    };
    if !posix {
        return script;
    }
    // `RUN <<EOF` (no command, or a shell reading stdin): each body is a script.
    let command_is_shell_stdin = {
        let named: Vec<_> = script.iter().filter(|c| c.depth == 0).collect();
        named.is_empty()
            || (named.len() == 1
                && named.first().is_some_and(|c| {
                    c.is(&["sh", "bash", "dash", "ash"])
                        && !c.args().iter().any(|w| w.value.starts_with("-c"))
                }))
    };
    if command_is_shell_stdin {
        for h in &ins.heredocs {
            let body = &h.body;
            let interp_ok = body.lines().next().is_none_or(|first| {
                !first.starts_with("#!")
                    || ["sh", "bash", "dash", "ash"].iter().any(|s| {
                        first.trim_end().ends_with(&format!("/{s}"))
                            || first.contains(&format!("env {s}"))
                    })
            });
            if interp_ok {
                script.extend(Script::parse_within(body, h.body_span.start, budget));
            }
        }
    }
    script
}

/// Parse an instruction's logical text and map every span back to the source.
pub fn parse_logical(text: &crate::ast::LogicalText, budget: &mut CommandBudget) -> Script {
    let mut script = Script::parse_within(&text.value, 0, budget);
    let map = |s: Span| text.span(s.start as usize..s.end as usize);
    for c in &mut script.commands {
        c.span = map(c.span);
        for w in c.words.iter_mut().chain(c.assignments.iter_mut()) {
            w.span = map(w.span);
        }
    }
    script
}

/// Variable names referenced in `s` (`$X`, `${X…}`), outside single quotes, each
/// with its byte range in `s`.
pub fn var_refs(s: &str) -> Vec<(String, std::ops::Range<usize>)> {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0usize;
    let mut in_double = false;
    while let Some(&c) = bytes.get(i) {
        match c {
            b'\'' if !in_double => {
                i += 1;
                while bytes.get(i).is_some_and(|c| *c != b'\'') {
                    i += 1;
                }
                i += 1;
            }
            b'"' => {
                in_double = !in_double;
                i += 1;
            }
            b'\\' => i += 2,
            b'$' => {
                let start = i;
                i += 1;
                let braced = bytes.get(i) == Some(&b'{');
                if braced {
                    i += 1;
                }
                let ns = i;
                while bytes
                    .get(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
                {
                    i += 1;
                }
                if i > ns {
                    let has_default =
                        braced && matches!(bytes.get(i), Some(b':' | b'-' | b'+' | b'?'));
                    // Look for the closing brace only when the reference is kept:
                    // `${a:-${a:-…` nested thousands of times stays linear.
                    if !has_default {
                        let name = s.get(ns..i).unwrap_or("").to_string();
                        let mut end = i;
                        if braced {
                            while bytes.get(end).is_some_and(|c| *c != b'}') {
                                end += 1;
                            }
                            end = (end + 1).min(s.len());
                        }
                        out.push((name, start..end));
                    }
                }
            }
            _ => i += 1,
        }
    }
    out
}

/// Sub-span of a word, when the word's value is written as-is in the source
/// (no quotes or escapes): `range` is a byte range of the value. Otherwise the
/// whole word.
pub fn sub_span(
    word_span: Span,
    value: &str,
    written: &str,
    range: std::ops::Range<usize>,
) -> Span {
    if value == written {
        let start = word_span.start + range.start as u32;
        let end = word_span.start + range.end as u32;
        if end <= word_span.end {
            return Span::new(start, end);
        }
    }
    word_span
}

/// Arguments of a package install: positionals after the subcommand, skipping
/// option values, and excluding local files, URLs and variables.
pub fn packages<'c>(
    cmd: &'c crate::command::Command,
    value_options: &[&str],
) -> Vec<&'c crate::command::Word> {
    cmd.positionals(value_options)
        .into_iter()
        .skip(1)
        .filter(|w| {
            let v = w.value.as_str();
            !(v.is_empty()
                || v.starts_with('/')
                || v.starts_with("./")
                || v.starts_with("../")
                || v.contains("://")
                || v.starts_with('$'))
        })
        .collect()
}

/// For `pip install …` / `pip3 install …` / `python -m pip install …`: the
/// `install` word and the words after it.
pub fn pip_install(
    cmd: &crate::command::Command,
) -> Option<(&crate::command::Word, &[crate::command::Word])> {
    let name = cmd.name()?;
    let args = cmd.args();
    let rest = if name.starts_with("pip") {
        args
    } else if name.starts_with("python") {
        let i = args.iter().position(|w| w.value == "-m")?;
        if !args.get(i + 1)?.value.starts_with("pip") {
            return None;
        }
        args.get(i + 2..)?
    } else {
        return None;
    };
    let i = rest.iter().position(|w| !w.is_option())?;
    let install = rest.get(i)?;
    if install.value != "install" {
        return None;
    }
    Some((install, rest.get(i + 1..).unwrap_or(&[])))
}

/// Span from the program word to the subcommand word (`apt-get install`).
pub fn cmd_span(cmd: &crate::command::Command, sub: Option<&crate::command::Word>) -> Span {
    match sub {
        Some(s) if s.span.start >= cmd.name_span().start => cmd.name_span().cover(s.span),
        _ => cmd.name_span(),
    }
}

/// The command's subcommand, if it is one of `subs`.
pub fn sub_is<'c>(
    cmd: &'c crate::command::Command,
    value_options: &[&str],
    subs: &[&str],
) -> Option<&'c crate::command::Word> {
    cmd.subcommand(value_options)
        .filter(|w| subs.contains(&w.value.as_str()))
}

/// `80`, `80/tcp`, `8000-8010/udp`: (low, high, protocol). `None` when not numeric.
pub fn parse_port(s: &str) -> Option<(u64, u64, Option<&str>)> {
    let (ports, proto) = s
        .split_once('/')
        .map_or((s, None), |(p, proto)| (p, Some(proto)));
    let (lo, hi) = if let Some((a, b)) = ports.split_once('-') {
        (a.parse().ok()?, b.parse().ok()?)
    } else {
        let p = ports.parse().ok()?;
        (p, p)
    };
    Some((lo, hi, proto))
}

/// The sources of a COPY/ADD (heredoc markers excluded).
pub fn copy_sources(ins: &Instruction) -> Vec<&Word> {
    let words = ins.words();
    let Some((_, sources)) = words.split_last() else {
        return Vec::new();
    };
    sources
        .iter()
        .filter(|w| !w.value.starts_with("<<"))
        .collect()
}

/// The destination of a COPY/ADD.
pub fn copy_dest(ins: &Instruction) -> Option<&Word> {
    let words = ins.words();
    if words.len() < 2 {
        return None;
    }
    words.last()
}

/// A package argument after variable resolution.
#[derive(Debug, Clone)]
pub struct Package {
    /// The package as it will be installed (`curl=8.5`).
    pub name: String,
    /// The word it came from.
    pub span: Span,
    /// The variable it came from (`$DEPS`), when it did.
    pub via: Option<String>,
}

/// The packages of an install command, with `$VAR` / `${VAR}` words resolved: from a
/// shell assignment earlier in the same RUN (`deps='curl git'; apt-get install $deps`)
/// or from the ARG/ENV in scope. Words whose value is unknown (an unset variable, a
/// command substitution `$(…)` or `` `…` ``, in the word or in the variable's value)
/// are not packages: they are dropped.
pub fn resolved_packages(
    facts: &Facts<'_>,
    run: &Run<'_>,
    cmd: &crate::command::Command,
    value_options: &[&str],
) -> Vec<Package> {
    let mut out = Vec::new();
    let scope = facts.vars_before(run.ins);
    for w in cmd.positionals(value_options).into_iter().skip(1) {
        let v = w.value.as_str();
        let name = v
            .strip_prefix("${")
            .and_then(|r| r.strip_suffix('}'))
            .or_else(|| v.strip_prefix('$'))
            .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
        let value = name.and_then(|n| {
            shell_assignment_before(run, cmd, n).or_else(|| scope.get(n).cloned().flatten())
        });
        match (name, value) {
            (Some(n), Some(value)) => {
                for token in without_substitutions(&value).split_whitespace() {
                    out.push(Package {
                        name: token.to_string(),
                        span: w.span,
                        via: Some(format!("${n}")),
                    });
                }
            }
            _ => out.push(Package {
                name: w.value.clone(),
                span: w.span,
                via: None,
            }),
        }
    }
    out.retain(|p| {
        let v = p.name.as_str();
        !(v.is_empty()
            || v.starts_with('-')
            || v.starts_with('/')
            || v.starts_with("./")
            || v.starts_with("../")
            || v.contains("://")
            || v.contains('$'))
    });
    out
}

/// `value` with each command substitution (`$(…)`, `` `…` ``) replaced by a lone `$`:
/// its output is unknown, so no word of its text is a package, and the words it
/// touches are dropped as unresolved.
fn without_substitutions(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '$' if chars.peek() == Some(&'(') => {
                chars.next();
                let mut depth = 1usize;
                let mut quote: Option<char> = None;
                for c in chars.by_ref() {
                    match (quote, c) {
                        (Some(q), c) if c == q => quote = None,
                        (None, '\'' | '"') => quote = Some(c),
                        (None, '(') => depth += 1,
                        (None, ')') => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                out.push('$');
            }
            '`' => {
                for c in chars.by_ref() {
                    if c == '`' {
                        break;
                    }
                }
                out.push('$');
            }
            c => out.push(c),
        }
    }
    out
}

/// The value of the last `NAME=value` assignment (alone or exported) before `cmd` in
/// the RUN's script.
fn shell_assignment_before(
    run: &Run<'_>,
    cmd: &crate::command::Command,
    name: &str,
) -> Option<String> {
    let mut found = None;
    for c in &run.script {
        if std::ptr::eq(c, cmd) || c.span.start >= cmd.span.start {
            break;
        }
        let words: Vec<&crate::command::Word> = if c.words.is_empty() {
            c.assignments.iter().collect()
        } else if c.is(&["export", "readonly", "local", "declare"]) {
            c.args().iter().collect()
        } else {
            continue;
        };
        for w in words {
            if let Some((n, v)) = w.value.split_once('=') {
                if n == name {
                    found = Some(v.to_string());
                }
            }
        }
    }
    found
}

/// `` `curl` `` or `` `curl` (from `$DEPS`) `` for messages.
pub fn package_display(p: &Package) -> String {
    match &p.via {
        Some(v) => format!("`{}` (from `{v}`)", p.name),
        None => format!("`{}`", p.name),
    }
}

/// Whether a file name has this extension (case-insensitive).
pub fn has_ext(name: &str, ext: &str) -> bool {
    std::path::Path::new(name)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

/// A URL or git source of ADD.
pub fn is_remote(v: &str) -> bool {
    let v = v.to_ascii_lowercase();
    v.contains("://") || v.starts_with("git@")
}

/// The options that make `apt-get` a dry run: it installs nothing.
pub const APT_DRY_RUN: &[&str] = &[
    "-s",
    "--simulate",
    "--dry-run",
    "--just-print",
    "--no-act",
    "--recon",
];

/// Whether an `apt-get` command is a dry run (`-s`, `--simulate`, …).
pub fn apt_dry_run(cmd: &crate::command::Command) -> bool {
    cmd.has_option(APT_DRY_RUN)
}

/// Value options of apt-get / apt.
pub const APT_VALUE_OPTS: &[&str] = &[
    "-o",
    "-c",
    "-t",
    "--option",
    "--config-file",
    "--target-release",
    "--default-release",
];

/// Value options of apk.
pub const APK_VALUE_OPTS: &[&str] = &[
    "-X",
    "--repository",
    "-t",
    "--virtual",
    "--root",
    "-p",
    "--arch",
    "--cache-dir",
    "--keys-dir",
    "--repositories-file",
];

/// The RPM-based package managers (and zypper).
pub const RPM_MANAGERS: &[&str] = &["yum", "dnf", "microdnf", "tdnf", "zypper"];

/// Value options of [`RPM_MANAGERS`].
pub const RPM_VALUE_OPTS: &[&str] = &[
    "-c",
    "--config",
    "--installroot",
    "--releasever",
    "--setopt",
    "--enablerepo",
    "--disablerepo",
    "-x",
    "--exclude",
    "--repo",
    "--repoid",
    "-R",
    "--root",
    "--repo-dir",
    "-r",
];

/// A package-manager command the rules look for (see [`Facts::package_commands`]).
#[derive(Debug, Clone, Copy)]
pub struct PackageCommand {
    /// The program names.
    pub programs: &'static [&'static str],
    /// Options that take a value (the subcommand is the first other positional).
    pub value_options: &'static [&'static str],
    /// The subcommands.
    pub subcommands: &'static [&'static str],
}

/// `apt-get install`.
pub const APT_GET_INSTALL: PackageCommand = PackageCommand {
    programs: &["apt-get"],
    value_options: APT_VALUE_OPTS,
    subcommands: &["install"],
};

/// `apk add`.
pub const APK_ADD: PackageCommand = PackageCommand {
    programs: &["apk"],
    value_options: APK_VALUE_OPTS,
    subcommands: &["add"],
};

/// `yum`/`dnf`/`microdnf`/`tdnf`/`zypper install`.
pub const RPM_INSTALL: PackageCommand = PackageCommand {
    programs: RPM_MANAGERS,
    value_options: RPM_VALUE_OPTS,
    subcommands: &["install", "in", "groupinstall", "localinstall"],
};

#[cfg(test)]
mod tests {
    use super::*;

    fn facts_of(src: &str, check: impl FnOnce(&Facts<'_>)) {
        let parsed = crate::parser::parse(src);
        check(&Facts::new(src, &parsed.dockerfile));
    }

    #[test]
    fn expands_with_scope_and_escape_directive() {
        facts_of(
            "ARG G=g\nFROM scratch\nARG A=1\nENV E=\"\" A=2\nENV X=$A\n",
            |f| {
                let ins = |n: usize| f.file.instructions.get(n).unwrap();
                // Before the ENV: the stage ARG; the global one is not redeclared.
                assert_eq!(f.expand_at(ins(3), "${A}-$G"), ("1-".into(), true));
                assert_eq!(f.expand_at(ins(4), "$A"), ("2".into(), false));
                assert_eq!(f.expand_at(ins(4), "${E:-d}${E-u}"), ("d".into(), false));
                assert_eq!(f.expand_at(ins(4), "'$A'\"$A\"$$"), ("$A2".into(), true));
                assert_eq!(f.expand_at(ins(4), "a\\ b"), ("a b".into(), false));
            },
        );
        facts_of("# escape=`\nFROM scratch\nENV A=1\nENV X=1\n", |f| {
            let ins = f.file.instructions.get(2).unwrap();
            assert_eq!(f.expand_at(ins, "C:\\x`$A$A"), ("C:\\x$A1".into(), false));
        });
    }

    #[test]
    fn finds_var_refs() {
        let r = var_refs("a $X ${Y} ${Z:-d} '$W'");
        let names: Vec<_> = r.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["X", "Y"]);
    }
}
