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

use crate::dockerfile::ast::{Args, Dockerfile, Flag, Instruction, KeyValue, Keyword, Word};
use crate::dockerfile::expand::{Env, ExpandError, Expanded, Lexer};
use crate::source::Span;

/// ARGs BuildKit never puts in the environment and never reports as undefined.
pub const NON_ENV_ARGS: &[&str] = &["BUILDKIT_SBOM_SCAN_CONTEXT", "BUILDKIT_SBOM_SCAN_STAGE"];

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

/// An expansion BuildKit would reject (`${x:?msg}`, bad substitution) with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpansionError {
    pub instruction: usize,
    pub span: Span,
    pub message: String,
}

/// Variables visible at one instruction: a prefix of its stage's logs.
#[derive(Debug, Clone, Copy, Default)]
struct Scope {
    stage: Option<usize>,
    env_len: usize,
    args_len: usize,
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
    /// Per stage: environment log (later entries win) and declared ARG names.
    stage_env: Vec<Vec<Var>>,
    stage_args: Vec<Vec<String>>,
    /// Global ARG names declared (with or without value).
    meta_declared: Vec<String>,
    scopes: Vec<Scope>,
}

struct ScopeEnv<'a> {
    vars: &'a [Var],
    windows: bool,
}

impl Env for ScopeEnv<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .iter()
            .rev()
            .find(|v| {
                if self.windows {
                    v.name.eq_ignore_ascii_case(name)
                } else {
                    v.name == name
                }
            })
            .map(|v| v.value.as_str())
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
            options,
        };
        let windows = m.options.windows;
        for (idx, ins) in df.instructions.iter().enumerate() {
            if ins.keyword == Keyword::From {
                m.add_stage(idx, ins, text, &lex);
            }
            let cur = m.stages.len().checked_sub(1);
            m.instruction_stage.push(cur);
            let scope = match cur {
                None => Scope {
                    stage: None,
                    env_len: m.global_env.len(),
                    args_len: 0,
                },
                Some(s) => Scope {
                    stage: Some(s),
                    env_len: m.stage_env.get(s).map_or(0, Vec::len),
                    args_len: m.stage_args.get(s).map_or(0, Vec::len),
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
            m.check_words(idx, ins, s, text, &lex);
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
        let n = df.instructions.len();
        let count = m.stages.len();
        for (i, st) in m.stages.iter_mut().enumerate() {
            let end = if i + 1 < count {
                m.instruction_stage
                    .iter()
                    .position(|s| *s == Some(i + 1))
                    .unwrap_or(n)
            } else {
                n
            };
            st.instructions = st.from..end;
        }
        m
    }

    fn env_at_scope(&self, scope: Scope) -> ScopeEnv<'_> {
        let vars: &[Var] = match scope.stage {
            None => self
                .global_env
                .get(..scope.env_len)
                .unwrap_or(&self.global_env),
            Some(s) => self
                .stage_env
                .get(s)
                .and_then(|l| l.get(..scope.env_len))
                .unwrap_or(&[]),
        };
        ScopeEnv {
            vars,
            windows: self.options.windows,
        }
    }

    fn add_stage(&mut self, idx: usize, ins: &Instruction, text: &str, lex: &Lexer) {
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
        };
        let mut undefined = Vec::new();
        let mut errors = Vec::new();
        let mut resolve = |word: &str, span: Span| -> String {
            match lex.process_word(word, &env) {
                Ok(r) => {
                    for u in r.unmatched {
                        if !self.meta_declared.iter().any(|d| *d == u) {
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
        let parent = self.stages.iter().position(|s| {
            s.name.as_deref().map(str::to_lowercase).as_deref() == Some(&*base_resolved)
        });
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
        let literal = base_resolved == base_written;
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
            Some(p) => (
                self.stage_env.get(p).cloned().unwrap_or_default(),
                self.stage_args.get(p).cloned().unwrap_or_default(),
            ),
            None => (Vec::new(), Vec::new()),
        };
        self.stage_env.push(env);
        self.stage_args.push(args);
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

    /// The root of a stage's FROM chain: true when it is `scratch` (environment known).
    fn env_known(&self, stage: usize) -> bool {
        let mut s = stage;
        for _ in 0..=self.stages.len() {
            match self.stages.get(s).map(|st| &st.base) {
                Some(Base::Stage(p)) => s = *p,
                Some(Base::Scratch) => return true,
                _ => return false,
            }
        }
        false
    }

    /// Report unset variables in the words BuildKit expands for this instruction.
    fn check_words(
        &mut self,
        idx: usize,
        ins: &Instruction,
        stage: usize,
        text: &str,
        lex: &Lexer,
    ) {
        let mut words: Vec<(&str, Span)> = Vec::new();
        match ins.keyword {
            Keyword::Env | Keyword::Label => {
                if let Args::KeyValues(kvs) = &ins.args {
                    for KeyValue { key, value, .. } in kvs {
                        words.push((&key.value, key.span));
                        words.push((&value.value, value.span));
                    }
                }
            }
            Keyword::Add | Keyword::Copy => {
                for w in ins.words() {
                    words.push((&w.value, w.span));
                }
                for f in &ins.flags {
                    if matches!(f.name.as_str(), "chown" | "chmod" | "checksum") {
                        if let Some(v) = &f.value {
                            words.push((v, f.span));
                        }
                    }
                }
            }
            Keyword::Workdir | Keyword::User | Keyword::Stopsignal => {
                if let Args::Text(w) = &ins.args {
                    words.push((&w.value, w.span));
                }
            }
            Keyword::Volume => {
                for w in ins.words() {
                    words.push((&w.value, w.span));
                }
            }
            Keyword::Arg => {
                for (_, default, w) in arg_pairs(ins) {
                    if let Some(d) = default {
                        words.push((d, w.span));
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
                .and_then(|a| a.get(..scope.args_len))
                .unwrap_or(&[]);
            for (w, span) in words {
                match lex.process_word(w, &env) {
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
        let is_from = self.stages.iter().any(|s| s.from == idx);
        if is_from {
            return &self.global_env;
        }
        match scope.stage {
            None => self
                .global_env
                .get(..scope.env_len)
                .unwrap_or(&self.global_env),
            Some(s) => self
                .stage_env
                .get(s)
                .and_then(|l| l.get(..scope.env_len))
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
        };
        Lexer::new(self.escape).process_word(word, &env)
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
// Image references (distribution/reference, as Docker normalises them).

/// A parsed image reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// Registry host (`docker.io` when none is given).
    pub registry: String,
    /// The registry was written explicitly.
    pub registry_explicit: bool,
    /// Repository path (`library/node` for `node`).
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
    /// Byte ranges in the parsed string.
    pub name_range: Range<usize>,
    pub tag_range: Option<Range<usize>>,
    pub digest_range: Option<Range<usize>>,
}

fn is_domain_component(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        && b.first().is_some_and(u8::is_ascii_alphanumeric)
        && b.last().is_some_and(u8::is_ascii_alphanumeric)
}

fn is_domain(s: &str) -> bool {
    if let Some(rest) = s.strip_prefix('[') {
        // IPv6 literal, optional port.
        let Some((addr, after)) = rest.split_once(']') else {
            return false;
        };
        let port_ok = after.is_empty()
            || after
                .strip_prefix(':')
                .is_some_and(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()));
        return !addr.is_empty()
            && addr
                .bytes()
                .all(|c| c.is_ascii_hexdigit() || c == b':' || c == b'.')
            && port_ok;
    }
    let (host, port) = match s.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (s, None),
    };
    if let Some(p) = port {
        if p.is_empty() || !p.bytes().all(|c| c.is_ascii_digit()) {
            return false;
        }
    }
    !host.is_empty() && host.split('.').all(is_domain_component)
}

/// `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`
fn is_path_component(s: &str) -> bool {
    let b = s.as_bytes();
    if b.is_empty() {
        return false;
    }
    let alnum = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    let mut i = 0;
    let mut need_alnum = true;
    while i < b.len() {
        let Some(c) = b.get(i) else { break };
        if alnum(c) {
            need_alnum = false;
            i += 1;
            continue;
        }
        if need_alnum {
            return false;
        }
        // separator
        let sep_len = match c {
            b'.' => 1,
            b'_' => {
                if b.get(i + 1) == Some(&b'_') {
                    2
                } else {
                    1
                }
            }
            b'-' => {
                let mut j = i;
                while b.get(j) == Some(&b'-') {
                    j += 1;
                }
                j - i
            }
            _ => return false,
        };
        i += sep_len;
        need_alnum = true;
    }
    !need_alnum
}

fn is_tag(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 128
        && b.first()
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
}

fn is_digest(s: &str) -> bool {
    let Some((alg, hex)) = s.split_once(':') else {
        return false;
    };
    let alg_ok = alg.split(['-', '_', '+', '.']).all(|p| {
        p.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
            && p.bytes().all(|c| c.is_ascii_alphanumeric())
    });
    alg_ok && hex.len() >= 32 && hex.bytes().all(|c| c.is_ascii_hexdigit())
}

impl ImageRef {
    /// Parse and normalise a reference (`ParseNormalizedNamed`).
    pub fn parse(s: &str) -> Result<ImageRef, String> {
        const BAD: &str = "invalid reference format";
        if s.is_empty() {
            return Err(BAD.to_string());
        }
        let (name_tag, digest_range) = match s.find('@') {
            Some(at) => {
                let d = s.get(at + 1..).unwrap_or("");
                if !is_digest(d) {
                    return Err(BAD.to_string());
                }
                (s.get(..at).unwrap_or(""), Some(at + 1..s.len()))
            }
            None => (s, None),
        };
        let last_slash = name_tag.rfind('/').map_or(0, |i| i + 1);
        let (name, tag_range) = match name_tag.get(last_slash..).and_then(|t| t.rfind(':')) {
            Some(c) => {
                let colon = last_slash + c;
                let tag = name_tag.get(colon + 1..).unwrap_or("");
                if !is_tag(tag) {
                    return Err(BAD.to_string());
                }
                (
                    name_tag.get(..colon).unwrap_or(""),
                    Some(colon + 1..name_tag.len()),
                )
            }
            None => (name_tag, None),
        };
        if name.is_empty() || name.len() > 255 {
            return Err(BAD.to_string());
        }
        let (domain, path, explicit) = match name.split_once('/') {
            Some((first, rest))
                if first.contains(['.', ':'])
                    || first == "localhost"
                    || first.to_lowercase() != first =>
            {
                (first.to_string(), rest.to_string(), true)
            }
            _ => ("docker.io".to_string(), name.to_string(), false),
        };
        if explicit && !is_domain(&domain) {
            return Err(BAD.to_string());
        }
        if path.to_lowercase() != path {
            return Err(format!(
                "invalid reference format: repository name ({path}) must be lowercase"
            ));
        }
        if !path.split('/').all(is_path_component) {
            return Err(BAD.to_string());
        }
        let domain = if domain == "index.docker.io" {
            "docker.io".to_string()
        } else {
            domain
        };
        let repository = if domain == "docker.io" && !path.contains('/') {
            format!("library/{path}")
        } else {
            path
        };
        Ok(ImageRef {
            registry: domain,
            registry_explicit: explicit,
            repository,
            tag: tag_range.clone().and_then(|r| s.get(r)).map(str::to_string),
            digest: digest_range
                .clone()
                .and_then(|r| s.get(r))
                .map(str::to_string),
            name_range: 0..name.len(),
            tag_range,
            digest_range,
        })
    }

    /// `docker.io/library/node`.
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.registry, self.repository)
    }

    /// `node`, `bitnami/redis`, `ghcr.io/a/b` (Docker's familiar form).
    pub fn familiar_name(&self) -> String {
        if self.registry == "docker.io" {
            self.repository
                .strip_prefix("library/")
                .unwrap_or(&self.repository)
                .to_string()
        } else {
            self.full_name()
        }
    }

    /// The tag that will be pulled: the written tag, or `latest` when neither a tag
    /// nor a digest is given.
    pub fn effective_tag(&self) -> Option<&str> {
        match (&self.tag, &self.digest) {
            (Some(t), _) => Some(t),
            (None, None) => Some("latest"),
            (None, Some(_)) => None,
        }
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
    use crate::dockerfile::parser::parse;

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
    }
}
