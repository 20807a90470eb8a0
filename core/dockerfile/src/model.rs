//! The semantic model of a Dockerfile, built from the syntax tree: stages, base
//! images, which stage each instruction belongs to, and ARG/ENV scoping as
//! BuildKit's `dockerfile2llb` applies it.
//!
//! Scoping, as BuildKit does it:
//! - ARGs before the first FROM ("global" or meta ARGs) are visible in FROM lines
//!   (base name and `--platform`) only; a stage sees one after redeclaring it with
//!   `ARG NAME` (which takes the global value).
//! - The built-in platform ARGs (`TARGETPLATFORM`, `TARGETOS`, `TARGETARCH`,
//!   `TARGETVARIANT`, `BUILDPLATFORM`, …) are global ARGs with values.
//! - A stage ARG is visible from its declaration to the end of its stage; with a
//!   value (default or global) it also becomes part of the environment.
//! - ENV values are visible from the next instruction to the end of the stage, and
//!   in every stage built `FROM` this one (which inherits the whole environment and
//!   the declared ARGs).
//! - Words of an instruction are expanded with the environment *before* it (so
//!   `ENV A=1 B=$A` does not see the new `A`).
#![allow(clippy::doc_markdown)]

use std::ops::Range;

use crate::ast::{Args, Dockerfile, Flag, Instruction, KeyValue, Keyword, Word};
use crate::expand::{Env, ExpandError, Expanded, Lexer};
use crate::to_u32;
use stockade_source::source::Span;

pub use stockade_source::image::ImageRef;

/// ARGs BuildKit never puts in the environment and never reports as undefined.
pub const NON_ENV_ARGS: &[&str] = &["BUILDKIT_SBOM_SCAN_CONTEXT", "BUILDKIT_SBOM_SCAN_STAGE"];

/// `PATH` of BuildKit's empty image (the environment of a `FROM scratch` stage).
pub const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// How to evaluate the file.
#[derive(Debug, Clone)]
pub struct ModelOptions {
    /// Windows semantics: variable names are case-insensitive.
    pub windows: bool,
    /// Value of TARGETPLATFORM (`os/arch[/variant]`).
    pub target_platform: String,
    /// Value of BUILDPLATFORM.
    pub build_platform: String,
    /// `--build-arg` values.
    pub build_args: Vec<(String, String)>,
    /// The target stage name (TARGETSTAGE); the last stage when `None`.
    pub target: Option<String>,
}

impl Default for ModelOptions {
    fn default() -> Self {
        Self {
            windows: false,
            target_platform: "linux/amd64".to_string(),
            build_platform: "linux/amd64".to_string(),
            build_args: Vec::new(),
            target: None,
        }
    }
}

/// Where a variable got its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarSource {
    /// Built-in platform ARG or `--build-arg`.
    Builtin,
    /// `ARG` (the instruction index).
    Arg(usize),
    /// `ENV` (the instruction index).
    Env(usize),
}

/// A variable in scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Var {
    pub name: String,
    pub value: String,
    pub source: VarSource,
}

/// A global (meta) ARG: declared before the first FROM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetaArg {
    pub name: String,
    /// The default as written (`None` for `ARG NAME`).
    pub default: Option<String>,
    /// The value after expansion (`None` when there is no default and no build arg).
    pub value: Option<String>,
    pub instruction: usize,
    pub span: Span,
}

/// What a stage is built on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base {
    /// `FROM scratch`.
    Scratch,
    /// `FROM <earlier stage name>` (the stage index).
    Stage(usize),
    /// An image.
    Image(ImageRef),
    /// The resolved name is not a valid image reference (the message says why).
    Invalid(String),
}

/// `FROM [--platform=…] image [AS name]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    pub index: usize,
    /// The FROM instruction's index.
    pub from: usize,
    /// Instruction indices of the stage, FROM included.
    pub instructions: Range<usize>,
    /// The name as written after `AS` (`None` when unnamed).
    pub name: Option<String>,
    pub name_span: Option<Span>,
    /// The base as written (`node:${TAG}`).
    pub base_written: String,
    pub base_span: Span,
    /// The base after global-ARG substitution (`node:latest`); equal to
    /// `base_written` when expansion failed.
    pub base_resolved: String,
    pub base: Base,
    /// Span of the tag in the source (`latest` in `FROM node:latest`), when the tag is
    /// written literally; the whole base word when it came from a variable.
    pub tag_span: Option<Span>,
    /// Span of the digest (`sha256:…`), same rules as `tag_span`.
    pub digest_span: Option<Span>,
    /// `--platform` as written and resolved.
    pub platform: Option<(String, String)>,
    pub platform_span: Option<Span>,
}

impl Stage {
    /// `stage NAME` or `stage #N`, for messages.
    pub fn label(&self) -> String {
        match &self.name {
            Some(n) => n.clone(),
            None => format!("stage-{}", self.index),
        }
    }

    /// The image reference of an image base.
    pub fn image(&self) -> Option<&ImageRef> {
        match &self.base {
            Base::Image(r) => Some(r),
            _ => None,
        }
    }
}

/// A variable used where it is not defined (BuildKit's `UndefinedVar` and
/// `UndefinedArgInFrom` checks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndefinedVar {
    pub name: String,
    /// The instruction index.
    pub instruction: usize,
    /// Used in a FROM line (`UndefinedArgInFrom`) rather than in a stage (`UndefinedVar`).
    pub in_from: bool,
    /// Where the use is (the `$NAME` / `${NAME…}` text when found, else the word).
    pub span: Span,
    /// The stage's environment is fully known (it descends from `scratch`); when
    /// false the base image may define the variable.
    pub env_known: bool,
}

/// An error BuildKit raises when it evaluates the file (an expansion it rejects:
/// `${x:?msg}`, bad substitution; `COPY --from` with a variable or an invalid stage
/// index), with its place. (A base name that expands to nothing is not here: it
/// depends on build args; see [`Base::Invalid`].)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpansionError {
    pub instruction: usize,
    pub span: Span,
    pub message: String,
}

/// Variables visible at one instruction: a prefix of its stage's logs. One per
/// instruction, so kept small (16 bytes).
#[derive(Debug, Clone, Copy, Default)]
struct Scope {
    stage: Option<u32>,
    is_from: bool,
    env_len: u32,
    args_len: u32,
}

/// The semantic model.
#[derive(Debug, Clone)]
pub struct Model {
    pub options: ModelOptions,
    pub escape: char,
    pub meta_args: Vec<MetaArg>,
    /// Global scope as seen by FROM lines: built-ins, build args and meta ARG values.
    pub global_env: Vec<Var>,
    pub stages: Vec<Stage>,
    /// For each instruction, its stage (`None` before the first FROM).
    pub instruction_stage: Vec<Option<usize>>,
    pub undefined: Vec<UndefinedVar>,
    pub expansion_errors: Vec<ExpansionError>,
    /// Work limits were hit on hostile input (an enormous chain of stages each
    /// inheriting a growing environment): later stages do not inherit variables.
    pub truncated: bool,
    /// Per stage: environment log (later entries win) and declared ARG names.
    stage_env: Vec<Vec<Var>>,
    stage_args: Vec<Vec<String>>,
    /// Global ARG names declared (with or without value).
    meta_declared: Vec<String>,
    scopes: Vec<Scope>,
    /// Lower-cased stage name → index (the last stage of that name).
    stage_names: std::collections::HashMap<String, usize>,
    /// Per stage: its FROM chain ends in `scratch`.
    stage_env_known: Vec<bool>,
    /// Variables copied into stages by inheritance so far.
    inherited: usize,
    /// The FROM instruction of the first stage that did not inherit (past
    /// [`INHERIT_BUDGET`]).
    pub truncated_at: Option<usize>,
    /// What variable substitution may still copy over this file.
    budget: Budget,
    /// The instruction where [`EXPANSION_BUDGET`] ran out, first.
    budget_at: std::cell::Cell<Option<usize>>,
    /// The instruction where a substitution nested deeper than the lexer's limit
    /// was met, first.
    depth_at: std::cell::Cell<Option<usize>>,
}

/// Bytes that variable substitution may copy out of variable values over one
/// whole file (ARG/ENV values, FROM lines and the words rules expand). Doubling a
/// variable on each line (`ENV A=$A$A`) would otherwise need exponential memory
/// and time; once the budget is spent, variables substitute as empty and the
/// file gets one `limit` error ([`Model::expansion_limit`]).
pub const EXPANSION_BUDGET: usize = 32 << 20;

/// A budget of bytes shared by the expansions of one file.
#[derive(Debug, Clone)]
struct Budget {
    left: std::cell::Cell<usize>,
    exhausted: std::cell::Cell<bool>,
}

impl Budget {
    fn new(bytes: usize) -> Self {
        Self {
            left: std::cell::Cell::new(bytes),
            exhausted: std::cell::Cell::new(false),
        }
    }

    /// Take `n` bytes; `false` (and exhausted from now on) when they do not fit.
    fn take(&self, n: usize) -> bool {
        if self.exhausted.get() {
            return false;
        }
        if let Some(left) = self.left.get().checked_sub(n) {
            self.left.set(left);
            true
        } else {
            self.left.set(0);
            self.exhausted.set(true);
            false
        }
    }
}

/// Upper bound on variables copied by `FROM <stage>` inheritance over a whole file.
pub const INHERIT_BUDGET: usize = 1_000_000;

struct ScopeEnv<'a> {
    vars: &'a [Var],
    windows: bool,
    budget: &'a Budget,
}

impl Env for ScopeEnv<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        let value = self
            .vars
            .iter()
            .rev()
            .find(|v| {
                if self.windows {
                    v.name.eq_ignore_ascii_case(name)
                } else {
                    v.name == name
                }
            })
            .map(|v| v.value.as_str())?;
        // Every lookup copies the value: charge it; past the budget, empty.
        Some(if self.budget.take(value.len()) {
            value
        } else {
            ""
        })
    }
}

fn set_var(vars: &mut Vec<Var>, name: &str, value: String, source: VarSource) {
    vars.push(Var {
        name: name.to_string(),
        value,
        source,
    });
}

fn builtin_vars(o: &ModelOptions, target: &str) -> Vec<Var> {
    fn split(p: &str) -> (String, String, String) {
        let mut it = p.split('/');
        (
            it.next().unwrap_or("").to_string(),
            it.next().unwrap_or("").to_string(),
            it.next().unwrap_or("").to_string(),
        )
    }
    let (bos, barch, bvar) = split(&o.build_platform);
    let (tos, tarch, tvar) = split(&o.target_platform);
    let list = [
        ("BUILDPLATFORM", o.build_platform.clone()),
        ("BUILDOS", bos),
        ("BUILDOSVERSION", String::new()),
        ("BUILDARCH", barch),
        ("BUILDVARIANT", bvar),
        ("TARGETPLATFORM", o.target_platform.clone()),
        ("TARGETOS", tos),
        ("TARGETOSVERSION", String::new()),
        ("TARGETARCH", tarch),
        ("TARGETVARIANT", tvar),
        ("TARGETSTAGE", target.to_string()),
    ];
    let mut vars = Vec::new();
    for (k, v) in list {
        let v = o
            .build_args
            .iter()
            .rev()
            .find(|(n, _)| n == k)
            .map_or(v, |(_, v)| v.clone());
        set_var(&mut vars, k, v, VarSource::Builtin);
    }
    vars
}

/// `ARG` words: name and optional default (`NAME=value`).
fn arg_pairs(ins: &Instruction) -> Vec<(&str, Option<&str>, &Word)> {
    ins.words()
        .iter()
        .map(|w| match w.value.split_once('=') {
            Some((k, v)) => (k, Some(v), w),
            None => (w.value.as_str(), None, w),
        })
        .collect()
}

/// Find where `$name` / `${name` is used inside `span` of `text`.
fn locate_use(text: &str, span: Span, name: &str) -> Span {
    let hay = span.text(text);
    let mut from = 0;
    while let Some(i) = hay.get(from..).and_then(|s| s.find('$')) {
        let at = from + i;
        let rest = hay.get(at + 1..).unwrap_or("");
        let (braced, body) = match rest.strip_prefix('{') {
            Some(b) => (true, b),
            None => (false, rest),
        };
        if let Some(after) = body.strip_prefix(name) {
            let boundary = after
                .chars()
                .next()
                .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
            if boundary {
                let mut end = at + 1 + usize::from(braced) + name.len();
                if braced {
                    if let Some(close) = hay.get(end..).and_then(|s| s.find('}')) {
                        end += close + 1;
                    }
                }
                return Span::new(span.start + at as u32, span.start + end as u32);
            }
        }
        from = at + 1;
    }
    span
}

impl Model {
    /// Build the model with default options (Linux, linux/amd64, no build args).
    pub fn build(df: &Dockerfile, text: &str) -> Model {
        Model::build_with(df, text, ModelOptions::default())
    }

    /// Build the model. `text` is the source the tree was parsed from (for spans).
    #[allow(clippy::too_many_lines)]
    pub fn build_with(df: &Dockerfile, text: &str, options: ModelOptions) -> Model {
        let lex = Lexer::new(df.escape);
        let target = options.target.clone().unwrap_or_else(|| {
            df.instructions
                .iter()
                .rev()
                .find(|i| i.keyword == Keyword::From)
                .and_then(|i| {
                    let w = i.words();
                    (w.len() == 3).then(|| w.get(2).map(|w| w.value.to_lowercase()))?
                })
                .unwrap_or_else(|| "default".to_string())
        });
        let mut m = Model {
            escape: df.escape,
            meta_args: Vec::new(),
            global_env: builtin_vars(&options, &target),
            stages: Vec::new(),
            instruction_stage: Vec::with_capacity(df.instructions.len()),
            undefined: Vec::new(),
            expansion_errors: Vec::new(),
            stage_env: Vec::new(),
            stage_args: Vec::new(),
            meta_declared: Vec::new(),
            scopes: Vec::with_capacity(df.instructions.len()),
            truncated: false,
            stage_names: std::collections::HashMap::new(),
            stage_env_known: Vec::new(),
            inherited: 0,
            truncated_at: None,
            budget: Budget::new(EXPANSION_BUDGET),
            budget_at: std::cell::Cell::new(None),
            depth_at: std::cell::Cell::new(None),
            options,
        };
        let windows = m.options.windows;
        for (idx, ins) in df.instructions.iter().enumerate() {
            // The budget spent by the previous instruction.
            if let Some(prev) = idx.checked_sub(1) {
                m.note_limits(prev, None);
            }
            if ins.keyword == Keyword::From {
                m.add_stage(idx, ins, text, lex);
            }
            let cur = m.stages.len().checked_sub(1);
            m.instruction_stage.push(cur);
            let scope = match cur {
                None => Scope {
                    stage: None,
                    is_from: false,
                    env_len: to_u32(m.global_env.len()),
                    args_len: 0,
                },
                Some(s) => Scope {
                    stage: Some(to_u32(s)),
                    is_from: ins.keyword == Keyword::From,
                    env_len: to_u32(m.stage_env.get(s).map_or(0, Vec::len)),
                    args_len: to_u32(m.stage_args.get(s).map_or(0, Vec::len)),
                },
            };
            m.scopes.push(scope);
            let Some(s) = cur else {
                // Before the first FROM: meta ARGs.
                if ins.keyword == Keyword::Arg {
                    for (name, default, w) in arg_pairs(ins) {
                        let build = m
                            .options
                            .build_args
                            .iter()
                            .rev()
                            .find(|(n, _)| n == name)
                            .map(|(_, v)| v.clone());
                        let value = match (build, default) {
                            (Some(v), _) => Some(v),
                            (None, Some(d)) => {
                                let env = ScopeEnv {
                                    vars: &m.global_env,
                                    windows,
                                    budget: &m.budget,
                                };
                                match lex.process_word(d, &env) {
                                    Ok(r) => Some(r.value),
                                    Err(e) => {
                                        m.expansion_errors.push(ExpansionError {
                                            instruction: idx,
                                            span: w.span,
                                            message: e.message,
                                        });
                                        Some(d.to_string())
                                    }
                                }
                            }
                            (None, None) => None,
                        };
                        if let Some(v) = &value {
                            set_var(&mut m.global_env, name, v.clone(), VarSource::Arg(idx));
                        }
                        m.meta_declared.push(name.to_string());
                        m.meta_args.push(MetaArg {
                            name: name.to_string(),
                            default: default.map(str::to_string),
                            value,
                            instruction: idx,
                            span: w.span,
                        });
                    }
                }
                continue;
            };
            if ins.keyword == Keyword::From {
                continue;
            }
            // Undefined variable uses in the words BuildKit expands.
            m.check_words(idx, ins, s, text, lex);
            // Scope updates.
            match ins.keyword {
                Keyword::Env => {
                    if let Args::KeyValues(kvs) = &ins.args {
                        let mut new = Vec::new();
                        {
                            let env = m.env_at_scope(scope);
                            for kv in kvs {
                                let k = lex
                                    .process_word(&kv.key.value, &env)
                                    .map_or_else(|_| kv.key.value.clone(), |r| r.value);
                                let v = lex
                                    .process_word(&kv.value.value, &env)
                                    .map_or_else(|_| kv.value.value.clone(), |r| r.value);
                                new.push((k, v));
                            }
                        }
                        if let Some(log) = m.stage_env.get_mut(s) {
                            for (k, v) in new {
                                set_var(log, &k, v, VarSource::Env(idx));
                            }
                        }
                    }
                }
                Keyword::Arg => {
                    for (name, default, _) in arg_pairs(ins) {
                        let build = m
                            .options
                            .build_args
                            .iter()
                            .rev()
                            .find(|(n, _)| n == name)
                            .map(|(_, v)| v.clone());
                        let value = match (build, default) {
                            (Some(v), _) => Some(v),
                            (None, Some(d)) => {
                                let env = m.env_at_scope(scope);
                                Some(
                                    lex.process_word(d, &env)
                                        .map_or_else(|_| d.to_string(), |r| r.value),
                                )
                            }
                            (None, None) => m
                                .global_env
                                .iter()
                                .rev()
                                .find(|v| v.name == name)
                                .map(|v| v.value.clone()),
                        };
                        if let Some(args) = m.stage_args.get_mut(s) {
                            args.push(name.to_string());
                        }
                        if let Some(v) = value {
                            if !NON_ENV_ARGS.contains(&name) {
                                if let Some(log) = m.stage_env.get_mut(s) {
                                    set_var(log, name, v, VarSource::Arg(idx));
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        if let Some(last) = df.instructions.len().checked_sub(1) {
            m.note_limits(last, None);
        }
        m.check_copy_from(df, lex);
        let deep = m
            .expansion_errors
            .iter()
            .filter(|e| crate::expand::is_too_deep(&e.message))
            .map(|e| e.instruction)
            .min();
        m.depth_at.set(deep);
        let n = df.instructions.len();
        let starts: Vec<usize> = m.stages.iter().map(|s| s.from).skip(1).chain([n]).collect();
        for (st, end) in m.stages.iter_mut().zip(starts) {
            st.instructions = st.from..end;
        }
        m
    }

    /// BuildKit's `toCommand` for `COPY --from`: no variables, and a numeric value
    /// must be a stage index.
    fn check_copy_from(&mut self, df: &Dockerfile, lex: Lexer) {
        for (idx, ins) in df.instructions.iter().enumerate() {
            if ins.keyword != Keyword::Copy
                || self.instruction_stage.get(idx).copied().flatten().is_none()
            {
                continue;
            }
            let Some(f) = ins.flag("from") else { continue };
            let Some(v) = f.value.as_deref().filter(|v| !v.is_empty()) else {
                continue;
            };
            let same = lex
                .process_word(v, &crate::expand::NoEnv)
                .is_ok_and(|r| r.value == v);
            if !same {
                self.expansion_errors.push(ExpansionError {
                    instruction: idx,
                    span: f.span,
                    message: "variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround".to_string(),
                });
                continue;
            }
            let digits = v.strip_prefix(['+', '-']).unwrap_or(v);
            if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                let index = v.parse::<i64>().unwrap_or(i64::MAX);
                let in_range = usize::try_from(index).is_ok_and(|i| i < self.stages.len());
                if !in_range {
                    self.expansion_errors.push(ExpansionError {
                        instruction: idx,
                        span: f.span,
                        message: format!("invalid stage index {v}"),
                    });
                }
            }
        }
    }

    fn env_at_scope(&self, scope: Scope) -> ScopeEnv<'_> {
        let vars: &[Var] = match scope.stage {
            None => self
                .global_env
                .get(..scope.env_len as usize)
                .unwrap_or(&self.global_env),
            Some(s) => self
                .stage_env
                .get(s as usize)
                .and_then(|l| l.get(..scope.env_len as usize))
                .unwrap_or(&[]),
        };
        ScopeEnv {
            vars,
            windows: self.options.windows,
            budget: &self.budget,
        }
    }

    #[allow(clippy::too_many_lines)]
    fn add_stage(&mut self, idx: usize, ins: &Instruction, text: &str, lex: Lexer) {
        let words = ins.words();
        let index = self.stages.len();
        let (base_written, base_span) = words
            .first()
            .map_or((String::new(), ins.span), |w| (w.value.clone(), w.span));
        let (name, name_span) = match words {
            [_, a, n] if a.value.eq_ignore_ascii_case("as") => {
                (Some(n.value.clone()), Some(n.span))
            }
            _ => (None, None),
        };
        let env = ScopeEnv {
            vars: &self.global_env,
            windows: self.options.windows,
            budget: &self.budget,
        };
        let mut undefined = Vec::new();
        let mut errors = Vec::new();
        let mut resolve = |word: &str, span: Span| -> String {
            match lex.process_word(word, &env) {
                Ok(r) => {
                    for u in r.unmatched {
                        if !self.meta_declared.contains(&u) {
                            undefined.push((u, span));
                        }
                    }
                    r.value
                }
                Err(e) => {
                    errors.push((e.message, span));
                    word.to_string()
                }
            }
        };
        let base_resolved = resolve(&base_written, base_span);
        let platform_flag = ins.flag("platform");
        let platform = platform_flag.map(|f| {
            let w = f.value.clone().unwrap_or_default();
            let r = resolve(&w, f.span);
            (w, r)
        });
        let platform_span = platform_flag.map(|f: &Flag| f.span);

        for (u, span) in undefined {
            self.undefined.push(UndefinedVar {
                span: locate_use(text, span, &u),
                name: u,
                instruction: idx,
                in_from: true,
                env_known: true,
            });
        }
        for (message, span) in errors {
            self.expansion_errors.push(ExpansionError {
                instruction: idx,
                span,
                message,
            });
        }
        let parent = self.stage_names.get(&base_resolved).copied();
        let base = if let Some(p) = parent {
            Base::Stage(p)
        } else if base_resolved == "scratch" {
            Base::Scratch
        } else {
            match ImageRef::parse(&base_resolved) {
                Ok(r) => Base::Image(r),
                Err(e) => Base::Invalid(e),
            }
        };
        // Sub-spans only when the word is written verbatim (no quotes, escapes or
        // line continuations inside): else a range could end inside a character.
        let literal = base_resolved == base_written && base_span.text(text) == base_written;
        let sub_span = |r: &Option<Range<usize>>| -> Option<Span> {
            let r = r.as_ref()?;
            if literal {
                Some(Span::new(
                    base_span.start + r.start as u32,
                    base_span.start + r.end as u32,
                ))
            } else {
                Some(base_span)
            }
        };
        let (tag_span, digest_span) = match &base {
            Base::Image(r) => (sub_span(&r.tag_range), sub_span(&r.digest_range)),
            _ => (None, None),
        };
        // Inherit environment and declared ARGs from a parent stage.
        let (env, args) = match parent {
            Some(p) => {
                let size = self.stage_env.get(p).map_or(0, Vec::len)
                    + self.stage_args.get(p).map_or(0, Vec::len);
                if self.inherited + size > INHERIT_BUDGET {
                    self.truncated = true;
                    if self.truncated_at.is_none() {
                        self.truncated_at = Some(idx);
                    }
                    (Vec::new(), Vec::new())
                } else {
                    self.inherited += size;
                    (
                        self.stage_env.get(p).cloned().unwrap_or_default(),
                        self.stage_args.get(p).cloned().unwrap_or_default(),
                    )
                }
            }
            // BuildKit's empty image for `scratch` has a default PATH (not on Windows).
            None if base == Base::Scratch && !self.options.windows => (
                vec![Var {
                    name: "PATH".to_string(),
                    value: DEFAULT_PATH.to_string(),
                    source: VarSource::Builtin,
                }],
                Vec::new(),
            ),
            None => (Vec::new(), Vec::new()),
        };
        self.stage_env.push(env);
        self.stage_args.push(args);
        let known = match &base {
            Base::Scratch => true,
            Base::Stage(p) => self.stage_env_known.get(*p).copied().unwrap_or(false),
            _ => false,
        };
        self.stage_env_known.push(known);
        if let Some(n) = &name {
            self.stage_names.insert(n.to_lowercase(), index);
        }
        self.stages.push(Stage {
            index,
            from: idx,
            instructions: idx..idx + 1,
            name,
            name_span,
            base_written,
            base_span,
            base_resolved,
            base,
            tag_span,
            digest_span,
            platform,
            platform_span,
        });
    }

    /// The root of a stage's FROM chain is `scratch` (environment known).
    fn env_known(&self, stage: usize) -> bool {
        self.stage_env_known.get(stage).copied().unwrap_or(false)
    }

    /// Report unset variables in the words BuildKit expands for this instruction.
    fn check_words(&mut self, idx: usize, ins: &Instruction, stage: usize, text: &str, lex: Lexer) {
        // (word, span, raw): raw words are heredoc bodies, expanded with quotes kept.
        let mut words: Vec<(&str, Span, bool)> = Vec::new();
        match ins.keyword {
            Keyword::Env | Keyword::Label => {
                if let Args::KeyValues(kvs) = &ins.args {
                    for KeyValue { key, value, .. } in kvs {
                        words.push((&key.value, key.span, false));
                        words.push((&value.value, value.span, false));
                    }
                }
            }
            Keyword::Add | Keyword::Copy => {
                for w in ins.words() {
                    words.push((&w.value, w.span, false));
                }
                for f in &ins.flags {
                    if matches!(f.name.as_str(), "chown" | "chmod" | "checksum") {
                        if let Some(v) = &f.value {
                            words.push((v, f.span, false));
                        }
                    }
                }
                // Unquoted heredoc sources are expanded (BuildKit's ExpandRaw).
                for h in &ins.heredocs {
                    if !h.quoted {
                        words.push((&h.body, h.body_span, true));
                    }
                }
            }
            Keyword::Run => {
                // `--mount` options are expanded (BuildKit's setMountState).
                for f in &ins.flags {
                    if f.name == "mount" {
                        if let Some(v) = &f.value {
                            words.push((v, f.span, false));
                        }
                    }
                }
            }
            Keyword::Workdir | Keyword::User | Keyword::Stopsignal => {
                if let Args::Text(w) = &ins.args {
                    words.push((&w.value, w.span, false));
                }
            }
            Keyword::Volume => {
                for w in ins.words() {
                    words.push((&w.value, w.span, false));
                }
            }
            Keyword::Arg => {
                for (_, default, w) in arg_pairs(ins) {
                    if let Some(d) = default {
                        words.push((d, w.span, false));
                    }
                }
            }
            _ => {}
        }
        if words.is_empty() {
            return;
        }
        let scope = self.scopes.get(idx).copied().unwrap_or_default();
        let env_known = self.env_known(stage);
        let mut found = Vec::new();
        let mut errors = Vec::new();
        {
            let env = self.env_at_scope(scope);
            let declared = self
                .stage_args
                .get(stage)
                .and_then(|a| a.get(..scope.args_len as usize))
                .unwrap_or(&[]);
            let mut raw_lex = Lexer::new('\\');
            raw_lex.skip_process_quotes = true;
            for (w, span, raw) in words {
                let l = if raw { raw_lex } else { lex };
                match l.process_word(w, &env) {
                    Ok(r) => {
                        for u in r.unmatched {
                            if declared.contains(&u) || NON_ENV_ARGS.contains(&u.as_str()) {
                                continue;
                            }
                            found.push((u, span));
                        }
                    }
                    Err(e) => errors.push(ExpansionError {
                        instruction: idx,
                        span,
                        message: e.message,
                    }),
                }
            }
        }
        self.expansion_errors.extend(errors);
        for (u, span) in found {
            self.undefined.push(UndefinedVar {
                span: locate_use(text, span, &u),
                name: u,
                instruction: idx,
                in_from: false,
                env_known,
            });
        }
    }

    /// The variables visible at instruction `idx` (before it runs), later entries
    /// win. For a FROM line or an instruction before the first FROM: the global scope.
    pub fn vars_at(&self, idx: usize) -> &[Var] {
        let Some(scope) = self.scopes.get(idx).copied() else {
            return &[];
        };
        if scope.is_from {
            return &self.global_env;
        }
        match scope.stage {
            None => self
                .global_env
                .get(..scope.env_len as usize)
                .unwrap_or(&self.global_env),
            Some(s) => self
                .stage_env
                .get(s as usize)
                .and_then(|l| l.get(..scope.env_len as usize))
                .unwrap_or(&[]),
        }
    }

    /// The value of variable `name` at instruction `idx`.
    pub fn var_at(&self, idx: usize, name: &str) -> Option<&str> {
        let windows = self.options.windows;
        self.vars_at(idx)
            .iter()
            .rev()
            .find(|v| {
                if windows {
                    v.name.eq_ignore_ascii_case(name)
                } else {
                    v.name == name
                }
            })
            .map(|v| v.value.as_str())
    }

    /// Expand `word` (quotes removed, variables substituted) with what is visible at
    /// instruction `idx`.
    pub fn expand(&self, idx: usize, word: &str) -> Result<Expanded, ExpandError> {
        let env = ScopeEnv {
            vars: self.vars_at(idx),
            windows: self.options.windows,
            budget: &self.budget,
        };
        let r = Lexer::new(self.escape).process_word(word, &env);
        self.note_limits(idx, r.as_ref().err());
        r
    }

    /// Record where the expansion budget ran out or a substitution nested too
    /// deep, first (after an expansion at instruction `idx`).
    fn note_limits(&self, idx: usize, error: Option<&ExpandError>) {
        if self.budget.exhausted.get() && self.budget_at.get().is_none() {
            self.budget_at.set(Some(idx));
        }
        if error.is_some_and(ExpandError::too_deep) && self.depth_at.get().is_none() {
            self.depth_at.set(Some(idx));
        }
    }

    /// The instruction where variable substitution ran out of
    /// [`EXPANSION_BUDGET`] (values substituted from there on are incomplete).
    pub fn expansion_limit(&self) -> Option<usize> {
        self.budget_at.get()
    }

    /// The instruction where a `${…}` substitution nested deeper than the
    /// lexer's limit (that word is not expanded).
    pub fn depth_limit(&self) -> Option<usize> {
        self.depth_at.get()
    }

    /// The stage of instruction `idx`.
    pub fn stage_of(&self, idx: usize) -> Option<&Stage> {
        self.instruction_stage
            .get(idx)
            .copied()
            .flatten()
            .and_then(|s| self.stages.get(s))
    }

    /// A stage by name (case-insensitive, as `COPY --from` looks it up) or index.
    pub fn find_stage(&self, name_or_index: &str) -> Option<&Stage> {
        if let Ok(i) = name_or_index.parse::<usize>() {
            return self.stages.get(i);
        }
        self.stages.iter().find(|s| {
            s.name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(name_or_index))
        })
    }
}

// ---------------------------------------------------------------------------
// Typed views of common instructions.

/// `USER user[:group]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSpec<'a> {
    pub user: &'a str,
    pub group: Option<&'a str>,
    pub span: Span,
}

/// `USER` as user and group (as written; expand with [`Model::expand`]).
pub fn user_spec(ins: &Instruction) -> Option<UserSpec<'_>> {
    if ins.keyword != Keyword::User {
        return None;
    }
    let Args::Text(w) = &ins.args else {
        return None;
    };
    let (user, group) = match w.value.split_once(':') {
        Some((u, g)) => (u, Some(g)),
        None => (w.value.as_str(), None),
    };
    Some(UserSpec {
        user,
        group,
        span: w.span,
    })
}

/// The numeric id a runtime reads from a `USER` user or group: runc and moby
/// (`moby/sys/user.GetExecUser`) parse it with Go's `strconv.Atoi`, so an optional
/// sign and leading zeros are accepted (`00`, `+0`, `-0` and `000000` are all 0);
/// blanks, `_` and other bases are not. `None` for a name.
pub fn numeric_id(text: &str) -> Option<i64> {
    // Rust's `i64::from_str` accepts exactly what `strconv.Atoi` does on 64-bit Go:
    // `[+-]?[0-9]+` within the range of an `int`.
    text.parse::<i64>().ok()
}

/// Whether a `USER` value (`user[:group]`, expanded) runs as root: the user is
/// `root` or a numeric id equal to 0 as the runtime parses it ([`numeric_id`]).
/// The group does not matter.
pub fn is_root_user(value: &str) -> bool {
    let name = value.split(':').next().unwrap_or("").trim();
    name == "root" || numeric_id(name) == Some(0)
}

/// One `EXPOSE` entry: `80`, `80/tcp`, `8000-8010/udp`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortSpec<'a> {
    pub port: &'a str,
    pub protocol: Option<&'a str>,
    pub span: Span,
}

/// `EXPOSE` entries.
pub fn expose_ports(ins: &Instruction) -> Vec<PortSpec<'_>> {
    if ins.keyword != Keyword::Expose {
        return Vec::new();
    }
    ins.words()
        .iter()
        .map(|w| {
            let (port, protocol) = match w.value.split_once('/') {
                Some((p, proto)) => (p, Some(proto)),
                None => (w.value.as_str(), None),
            };
            PortSpec {
                port,
                protocol,
                span: w.span,
            }
        })
        .collect()
}

/// `COPY`/`ADD` parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopySpec<'a> {
    /// `--from` (COPY only).
    pub from: Option<&'a Flag>,
    pub chown: Option<&'a Flag>,
    pub chmod: Option<&'a Flag>,
    pub link: Option<&'a Flag>,
    /// Sources as written (heredoc words included, e.g. `<<EOF`).
    pub sources: &'a [Word],
    pub dest: Option<&'a Word>,
}

/// `COPY`/`ADD` as flags, sources and destination.
pub fn copy_spec(ins: &Instruction) -> Option<CopySpec<'_>> {
    if !matches!(ins.keyword, Keyword::Copy | Keyword::Add) {
        return None;
    }
    let words = ins.words();
    let (sources, dest) = match words.split_last() {
        Some((d, s)) => (s, Some(d)),
        None => (words, None),
    };
    Some(CopySpec {
        from: ins.flag("from"),
        chown: ins.flag("chown"),
        chmod: ins.flag("chmod"),
        link: ins.flag("link"),
        sources,
        dest,
    })
}

/// `ENV`/`LABEL` pairs (both `k=v` and legacy `k v`).
pub fn key_values(ins: &Instruction) -> &[KeyValue] {
    match &ins.args {
        Args::KeyValues(kvs) => kvs,
        _ => &[],
    }
}

/// `HEALTHCHECK`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HealthcheckSpec<'a> {
    /// `HEALTHCHECK NONE`.
    None,
    /// `HEALTHCHECK [opts] CMD …` with the command (`Args::Json` or `Args::Text`).
    Cmd(&'a Args),
    /// Something else BuildKit rejects.
    Other(&'a str),
}

pub fn healthcheck_spec(ins: &Instruction) -> Option<HealthcheckSpec<'_>> {
    let Args::Healthcheck { kind, cmd } = &ins.args else {
        return None;
    };
    Some(match kind.value.to_uppercase().as_str() {
        "NONE" => HealthcheckSpec::None,
        "CMD" => HealthcheckSpec::Cmd(cmd),
        _ => HealthcheckSpec::Other(&kind.value),
    })
}

/// One `RUN --mount=…`: its CSV fields as (lower-cased key, value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MountSpec<'a> {
    pub flag: &'a Flag,
    /// `key=value` fields (`value` is `None` for bare flags like `ro`, `required`).
    pub fields: Vec<(String, Option<String>)>,
}

impl MountSpec<'_> {
    /// The value of the first field named by any of `keys` (`["target", "dst", "destination"]`).
    pub fn get(&self, keys: &[&str]) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| keys.contains(&k.as_str()))
            .and_then(|(_, v)| v.as_deref())
    }

    /// The mount type (`bind` when not given), lower-cased.
    pub fn mount_type(&self) -> String {
        self.get(&["type"]).unwrap_or("bind").to_ascii_lowercase()
    }
}

/// `RUN --mount` flags.
pub fn run_mounts(ins: &Instruction) -> Vec<MountSpec<'_>> {
    ins.flags
        .iter()
        .filter(|f| f.name == "mount")
        .map(|f| MountSpec {
            flag: f,
            fields: crate::parser::split_csv(f.value.as_deref().unwrap_or(""))
                .into_iter()
                .map(|field| match field.split_once('=') {
                    Some((k, v)) => (k.to_ascii_lowercase(), Some(v.to_string())),
                    None => (field.to_ascii_lowercase(), None),
                })
                .collect(),
        })
        .collect()
}

/// `SHELL [..]` as the list of strings.
pub fn shell_spec(ins: &Instruction) -> Option<Vec<&str>> {
    match (&ins.keyword, &ins.args) {
        (Keyword::Shell, Args::Json(ws)) => Some(ws.iter().map(|w| w.value.as_str()).collect()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parser::parse;

    fn model(src: &str) -> (Dockerfile, Model) {
        let p = parse(src);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        let m = Model::build(&p.dockerfile, src);
        (p.dockerfile, m)
    }

    #[test]
    fn arg_tag_resolves() {
        let src = "ARG TAG=latest\nFROM node:${TAG}\nRUN x\n";
        let (_, m) = model(src);
        let st = &m.stages[0];
        assert_eq!(st.base_resolved, "node:latest");
        let img = st.image().unwrap();
        assert_eq!(img.tag.as_deref(), Some("latest"));
        assert_eq!(img.repository, "library/node");
        assert_eq!(st.tag_span.unwrap().text(src), "node:${TAG}");
        assert!(m.undefined.is_empty());
    }

    #[test]
    fn literal_tag_span() {
        let src = "FROM ghcr.io/a/b:1.2@sha256:0123456789abcdef0123456789abcdef AS build\n";
        let (_, m) = model(src);
        let st = &m.stages[0];
        assert_eq!(st.tag_span.unwrap().text(src), "1.2");
        assert_eq!(
            st.digest_span.unwrap().text(src),
            "sha256:0123456789abcdef0123456789abcdef"
        );
        assert_eq!(st.image().unwrap().registry, "ghcr.io");
        assert_eq!(st.name.as_deref(), Some("build"));
    }

    #[test]
    fn global_args_only_in_from() {
        let src = "ARG V=1\nFROM alpine\nRUN echo\nWORKDIR /$V\nARG V\nWORKDIR /$V\n";
        let (_, m) = model(src);
        assert_eq!(m.undefined.len(), 1);
        assert_eq!(m.undefined[0].name, "V");
        assert_eq!(m.undefined[0].instruction, 3);
        assert!(!m.undefined[0].in_from);
        assert_eq!(m.var_at(5, "V"), Some("1"));
        assert_eq!(m.expand(5, "/$V").unwrap().value, "/1");
    }

    #[test]
    fn env_inherited_from_stage() {
        let src =
            "FROM scratch AS base\nENV A=1\nFROM base\nWORKDIR /$A\nFROM alpine\nWORKDIR /$A\n";
        let (_, m) = model(src);
        assert_eq!(m.stages[1].base, Base::Stage(0));
        assert_eq!(m.var_at(3, "A"), Some("1"));
        assert_eq!(m.undefined.len(), 1);
        assert_eq!(m.undefined[0].instruction, 5);
        assert!(!m.undefined[0].env_known);
        assert_eq!(m.stage_of(3).unwrap().index, 1);
        assert_eq!(m.stages[1].instructions, 2..4);
    }

    #[test]
    fn heredoc_and_mount_uses() {
        let src = "FROM scratch\nCOPY <<EOF /a\n$H1\nEOF\nCOPY <<'EOF' /b\n$H2\nEOF\nRUN --mount=type=cache,target=$M x $R\n";
        let (df, m) = model(src);
        let names: Vec<&str> = m.undefined.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(names, vec!["H1", "M"]);
        assert!(m.undefined.iter().all(|u| u.env_known));
        assert_eq!(m.undefined[0].span.text(src), "$H1");
        assert_eq!(
            (df.instructions[1].start_line, df.instructions[1].end_line),
            (1, 3)
        );
    }

    #[test]
    fn onbuild_inner_lines() {
        let (df, _) = model("FROM a\nONBUILD RUN x \\\n  y\n");
        let inner = df.instructions[1].onbuild().unwrap();
        assert_eq!((inner.start_line, inner.end_line), (1, 2));
        assert_eq!(inner.keyword, Keyword::Run);
    }

    #[test]
    fn undefined_arg_in_from() {
        let src = "ARG DECLARED\nFROM img:$DECLARED\nFROM img:$NOPE\nFROM --platform=$BUILDPLATFORM img\n";
        let (_, m) = model(src);
        assert_eq!(m.undefined.len(), 1);
        assert_eq!(m.undefined[0].name, "NOPE");
        assert!(m.undefined[0].in_from);
        assert_eq!(m.undefined[0].span.text(src), "$NOPE");
        assert_eq!(m.stages[2].platform.as_ref().unwrap().1, "linux/amd64");
    }

    #[test]
    fn env_same_instruction_not_visible() {
        let src = "FROM scratch\nENV A=1 B=$A\nENV C=$B\n";
        let (_, m) = model(src);
        assert_eq!(m.undefined.len(), 1);
        assert_eq!(m.undefined[0].name, "A");
        assert_eq!(m.var_at(2, "B"), Some(""));
    }

    #[test]
    fn long_stage_chains_are_bounded() {
        use std::fmt::Write;
        let mut src = String::from("FROM scratch AS s0\n");
        for i in 1..3000 {
            let _ = writeln!(src, "FROM s{} AS s{i}\nENV V{i}=x", i - 1);
        }
        let p = parse(&src);
        let m = Model::build(&p.dockerfile, &src);
        assert_eq!(m.stages.len(), 3000);
        assert!(m.truncated);
        assert_eq!(m.stages[5].base, Base::Stage(4));
    }

    #[test]
    fn scratch_has_default_path() {
        let (_, m) = model("FROM scratch\nENV PATH=/x:$PATH\nWORKDIR /$PATH\n");
        assert!(m.undefined.is_empty());
        assert_eq!(
            m.var_at(2, "PATH"),
            Some(format!("/x:{DEFAULT_PATH}").as_str())
        );
    }

    #[test]
    fn copy_from_errors() {
        let src = "ARG X=a\nFROM scratch AS a\nFROM scratch\nCOPY --from=$X x y\nCOPY --from=5 x y\nCOPY --from=1 x y\nCOPY --from=A x y\n";
        let (_, m) = model(src);
        let msgs: Vec<&str> = m
            .expansion_errors
            .iter()
            .map(|e| e.message.as_str())
            .collect();
        assert_eq!(msgs.len(), 2, "{msgs:?}");
        assert!(msgs[0].starts_with("variable expansion is not supported for --from"));
        assert_eq!(msgs[1], "invalid stage index 5");
        assert_eq!(m.find_stage("A").unwrap().index, 0);
        // A blank base depends on build args: an invalid base, not an error here.
        let (_, m) = model("ARG B\nFROM $B\n");
        assert!(m.expansion_errors.is_empty());
        assert!(matches!(m.stages[0].base, Base::Invalid(_)));
    }

    #[test]
    fn image_refs() {
        let r = ImageRef::parse("localhost:5000/foo/bar:v1").unwrap();
        assert_eq!(r.registry, "localhost:5000");
        assert_eq!(r.repository, "foo/bar");
        assert_eq!(r.tag.as_deref(), Some("v1"));
        let r = ImageRef::parse("bitnami/redis").unwrap();
        assert_eq!(r.full_name(), "docker.io/bitnami/redis");
        assert_eq!(r.effective_tag(), Some("latest"));
        assert!(ImageRef::parse("Foo").is_err());
        assert!(ImageRef::parse("foo:").is_err());
        assert!(ImageRef::parse("a//b").is_err());
    }

    #[test]
    fn views() {
        let src = "FROM a\nUSER app:grp\nEXPOSE 80/tcp 443\nCOPY --from=b x y /z/\nHEALTHCHECK NONE\nSHELL [\"sh\",\"-c\"]\nENV k v\n";
        let (df, _) = model(src);
        let u = user_spec(&df.instructions[1]).unwrap();
        assert_eq!((u.user, u.group), ("app", Some("grp")));
        let p = expose_ports(&df.instructions[2]);
        assert_eq!(p[0].protocol, Some("tcp"));
        let c = copy_spec(&df.instructions[3]).unwrap();
        assert_eq!(c.from.unwrap().value.as_deref(), Some("b"));
        assert_eq!(c.sources.len(), 2);
        assert_eq!(c.dest.unwrap().value, "/z/");
        assert_eq!(
            healthcheck_spec(&df.instructions[4]),
            Some(HealthcheckSpec::None)
        );
        assert_eq!(shell_spec(&df.instructions[5]).unwrap(), vec!["sh", "-c"]);
        assert!(!key_values(&df.instructions[6])[0].equals);
        let (df, _) = model(
            "FROM a\nRUN --mount=type=cache,target=/root/.cache,\\\"id=a,b\\\" --mount=ro x\n",
        );
        let m = run_mounts(&df.instructions[1]);
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].mount_type(), "cache");
        assert_eq!(m[0].get(&["target", "dst"]), Some("/root/.cache"));
        assert_eq!(m[0].get(&["id"]), Some("a,b"));
        assert_eq!(m[1].mount_type(), "bind");
        assert_eq!(m[1].fields, vec![("ro".to_string(), None)]);
    }
}
