//! The Dockerfile rule pack: one rule per file, each a `declare_rule!` static
//! (`META`) and a `check` function over [`Facts`].
//!
//! [`Facts`] is what every rule reads: the parsed file, its stages (with the base
//! image resolved through `ARG`s), the scripts of every `RUN` (as
//! [`crate::dockerfile::command::Script`]), and helpers to report a finding with its
//! stage and instruction.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};

use crate::config::Config;
use crate::dockerfile::ast::{Args, Dockerfile, Instruction, Keyword, Word};
use crate::dockerfile::command::Script;
use crate::finding::Diagnostic;
use crate::rule::RuleMeta;
use crate::source::Span;

pub mod image;

use image::ImageRef;

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
        /// Every rule's metadata.
        pub static METAS: &[&RuleMeta] = &[$(&$m::META),*];
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
}

/// Collects a rule's findings.
pub struct Out<'c> {
    pub config: &'c Config,
    pub diagnostics: Vec<Diagnostic>,
}

impl Out<'_> {
    /// Report a finding about instruction `ins` (in `stage`, when it belongs to one).
    pub fn report(
        &mut self,
        meta: &'static RuleMeta,
        facts: &Facts<'_>,
        ins: &Instruction,
        span: Span,
        message: impl Into<String>,
    ) {
        let mut d = Diagnostic::new(meta, span, message);
        if let Some(stage) = facts.stage_of(ins) {
            d = d.with_object(stage.label());
        }
        d = d.with_pointer(facts.pointer(ins));
        self.diagnostics.push(d);
    }

    /// The rule's typed options.
    pub fn options<T: 'static>(&self, meta: &RuleMeta) -> Option<&T> {
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

    /// The parsed base image (`None` for `scratch` and stage references).
    pub fn image(&self) -> Option<ImageRef> {
        if self.base_stage.is_some() || self.image_text.eq_ignore_ascii_case("scratch") {
            return None;
        }
        ImageRef::parse(&self.image_text)
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
    pub fn with<'s>(&'s self, keyword: Keyword) -> impl Iterator<Item = &'s Instruction> + 's {
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
    /// The `SHELL` in effect (exec-form words), if one was set in the stage.
    pub shell: Option<Vec<String>>,
}

/// Everything the rules read.
pub struct Facts<'a> {
    pub text: &'a str,
    pub file: &'a Dockerfile,
    pub stages: Vec<Stage<'a>>,
    pub runs: Vec<Run<'a>>,
    /// Global `ARG`s (before the first FROM): name → default (None when declared without one).
    pub global_args: Vec<(&'a Word, String, Option<String>)>,
    /// Per instruction: `(stage, ordinal of its keyword in the file)`.
    positions: HashMap<usize, (Option<usize>, usize)>,
    /// Global ARG name → index of its last declaration in `global_args`.
    global_index: HashMap<String, usize>,
    /// Lower-cased stage name → indices of the stages with that name, in order.
    stage_index: HashMap<String, Vec<usize>>,
    /// Per stage: every ARG/ENV assignment, by name, in order.
    stage_vars: Vec<StageVars>,
    /// What variable substitution may still copy (see [`EXPANSION_BUDGET`]).
    budget: Budget,
    /// Where the budget ran out, first.
    budget_hit: Cell<Option<Span>>,
    /// Where a substitution nested too deep was met, first.
    depth_hit: Cell<Option<Span>>,
    /// Per stage: the ENV names its base stages (transitively) set, and whether
    /// the chain starts from `scratch`; `None` past [`INHERIT_BUDGET`].
    inherited: Vec<Option<(std::rc::Rc<HashSet<String>>, bool)>>,
    /// The FROM of the first stage whose inheritance was not computed.
    inherit_hit: Option<Span>,
}

/// ENV names copied into the inherited sets of stages ([`Facts::inherited_env`])
/// over one file: a chain of thousands of stages each adding an ENV would
/// otherwise need quadratic memory.
pub const INHERIT_BUDGET: usize = 1_000_000;

/// Bytes that variable substitution may copy out of variable values over one whole
/// file (ARG/ENV values and the words rules expand). Doubling a variable on each
/// line (`ENV A=$A$A`) would otherwise need exponential memory; once the budget is
/// spent, variables substitute as empty and the file gets one `limit` error
/// ([`Facts::expansion_limit`]).
pub const EXPANSION_BUDGET: usize = 32 << 20;

/// A budget of bytes, shared by the expansions of one file.
#[derive(Debug)]
pub struct Budget {
    left: Cell<usize>,
    exhausted: Cell<bool>,
    /// A substitution nested deeper than [`MAX_SUBSTITUTION_DEPTH`] was met.
    too_deep: Cell<bool>,
}

impl Budget {
    pub fn new(bytes: usize) -> Self {
        Self {
            left: Cell::new(bytes),
            exhausted: Cell::new(false),
            too_deep: Cell::new(false),
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

    pub fn exhausted(&self) -> bool {
        self.exhausted.get()
    }

    /// Whether a substitution nested too deep to expand was met.
    pub fn too_deep(&self) -> bool {
        self.too_deep.get()
    }
}

/// The ARG and ENV assignments of one stage: for each name, `(position, value)` in
/// order, where position is the byte offset of the instruction that assigns it.
#[derive(Debug, Default)]
struct StageVars {
    by_name: HashMap<String, Vec<(u32, Option<String>)>>,
}

impl StageVars {
    /// The value assigned last (any position): while building, in order.
    fn latest(&self, name: &str) -> Option<&Option<String>> {
        self.by_name.get(name)?.last().map(|(_, v)| v)
    }

    /// The value assigned last before byte offset `before`.
    fn before(&self, name: &str, before: u32) -> Option<&Option<String>> {
        let entries = self.by_name.get(name)?;
        let n = entries.partition_point(|(at, _)| *at < before);
        entries.get(n.checked_sub(1)?).map(|(_, v)| v)
    }

    fn set(&mut self, name: String, at: u32, value: Option<String>) {
        self.by_name.entry(name).or_default().push((at, value));
    }
}

/// The variables known at an instruction ([`Facts::vars_before`]).
pub struct Vars<'f> {
    scope: VarScope<'f>,
}

enum VarScope<'f> {
    /// Before the first FROM: the global ARGs.
    Global(&'f Facts<'f>),
    /// In a stage, before byte offset `before`.
    Stage(&'f StageVars, u32),
    None,
}

impl Vars<'_> {
    /// Whether `name` is declared (with or without a value).
    pub fn contains_key(&self, name: &str) -> bool {
        self.entry(name).is_some()
    }

    /// The value of `name`, when declared with one.
    pub fn value(&self, name: &str) -> Option<String> {
        self.entry(name).cloned().flatten()
    }

    fn entry(&self, name: &str) -> Option<&Option<String>> {
        match &self.scope {
            VarScope::Global(facts) => facts.global_arg(name),
            VarScope::Stage(vars, before) => vars.before(name, *before),
            VarScope::None => None,
        }
    }
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

fn key(ins: &Instruction) -> usize {
    ins.span.start as usize
}

impl<'a> Facts<'a> {
    pub fn new(text: &'a str, file: &'a Dockerfile) -> Self {
        let mut stages: Vec<Stage<'a>> = Vec::new();
        let mut global_args: Vec<(&'a Word, String, Option<String>)> = Vec::new();
        let mut global_index: HashMap<String, usize> = HashMap::new();
        let mut stage_index: HashMap<String, Vec<usize>> = HashMap::new();
        let mut positions = HashMap::new();
        let mut counts: HashMap<String, usize> = HashMap::new();
        let budget = Budget::new(EXPANSION_BUDGET);
        let budget_hit = Cell::new(None);
        let depth_hit = Cell::new(None);
        for ins in &file.instructions {
            let n = counts
                .entry(ins.keyword_text.to_ascii_uppercase())
                .or_insert(0);
            *n += 1;
            if ins.keyword == Keyword::From {
                let lookup = |n: &str| {
                    global_index
                        .get(n)
                        .and_then(|i| global_args.get(*i))
                        .and_then(|(_, _, d)| d.clone())
                };
                let stage = build_stage(stages.len(), ins, text, &lookup, &stage_index, &budget);
                if let Some(lower) = stage.name_lower() {
                    stage_index.entry(lower).or_default().push(stage.index);
                }
                stages.push(stage);
            } else if let Some(stage) = stages.last_mut() {
                stage.instructions.push(ins);
            } else if ins.keyword == Keyword::Arg {
                for w in ins.words() {
                    let (name, default) = split_arg(&w.value);
                    let default = default.map(|d| {
                        let lookup = |n: &str| {
                            global_index
                                .get(n)
                                .and_then(|i| global_args.get(*i))
                                .and_then(|(_, _, d)| d.clone())
                        };
                        expand_budgeted(d, &lookup, &budget).0
                    });
                    global_index.insert(name.to_string(), global_args.len());
                    global_args.push((w, name.to_string(), default));
                }
            }
            if budget.exhausted() && budget_hit.get().is_none() {
                budget_hit.set(Some(ins.span));
            }
            if budget.too_deep() && depth_hit.get().is_none() {
                depth_hit.set(Some(ins.span));
            }
            positions.insert(key(ins), (stages.len().checked_sub(1), *n));
        }
        let mut runs = Vec::new();
        for (si, stage) in stages.iter().enumerate() {
            let mut shell: Option<Vec<String>> = None;
            for ins in &stage.instructions {
                match ins.keyword {
                    Keyword::Shell => {
                        shell = Some(ins.words().iter().map(|w| w.value.clone()).collect());
                    }
                    Keyword::Run => {
                        runs.push(Run {
                            ins,
                            stage: Some(si),
                            script: script_of(ins, shell.as_deref()),
                            shell: shell.clone(),
                        });
                    }
                    _ => {}
                }
            }
        }
        let mut facts = Facts {
            text,
            file,
            stages,
            runs,
            global_args,
            positions,
            global_index,
            stage_index,
            stage_vars: Vec::new(),
            budget,
            budget_hit,
            depth_hit,
            inherited: Vec::new(),
            inherit_hit: None,
        };
        facts.stage_vars = facts.stages.iter().map(|s| facts.build_vars(s)).collect();
        facts.build_inherited();
        facts
    }

    fn build_inherited(&mut self) {
        let mut work = 0usize;
        let mut out: Vec<Option<(std::rc::Rc<HashSet<String>>, bool)>> =
            Vec::with_capacity(self.stages.len());
        for stage in &self.stages {
            let scratch = stage.image_text.eq_ignore_ascii_case("scratch");
            let entry = match stage.base_stage {
                None => Some((std::rc::Rc::default(), scratch)),
                Some(b) => match (out.get(b), self.stages.get(b)) {
                    (Some(Some((names, root_scratch))), Some(base)) => {
                        let own: Vec<String> = base
                            .with(Keyword::Env)
                            .filter_map(|i| match &i.args {
                                Args::KeyValues(kvs) => Some(kvs),
                                _ => None,
                            })
                            .flatten()
                            .map(|kv| expand(&kv.key.value, &|_| None).0)
                            .filter(|k| !names.contains(k))
                            .collect();
                        if own.is_empty() {
                            Some((std::rc::Rc::clone(names), *root_scratch))
                        } else {
                            work += names.len() + own.len();
                            if work > INHERIT_BUDGET {
                                None
                            } else {
                                let mut all = HashSet::clone(names);
                                all.extend(own);
                                Some((std::rc::Rc::new(all), *root_scratch))
                            }
                        }
                    }
                    _ => None,
                },
            };
            if entry.is_none() && self.inherit_hit.is_none() {
                self.inherit_hit = Some(stage.from.span);
            }
            out.push(entry);
        }
        self.inherited = out;
    }

    /// The ENV names stage `index` inherits from the stages it is built on, and
    /// whether its chain of bases starts from `scratch`. `None` when the file's
    /// [`INHERIT_BUDGET`] ran out before this stage ([`Facts::inheritance_limit`]).
    pub fn inherited_env(&self, index: usize) -> Option<(&HashSet<String>, bool)> {
        self.inherited
            .get(index)?
            .as_ref()
            .map(|(names, scratch)| (names.as_ref(), *scratch))
    }

    /// The FROM of the first stage whose inherited variables were not computed.
    pub fn inheritance_limit(&self) -> Option<Span> {
        self.inherit_hit
    }

    /// Every ARG and ENV assignment of a stage, values expanded in order.
    fn build_vars(&self, stage: &Stage<'_>) -> StageVars {
        let mut vars = StageVars::default();
        for i in &stage.instructions {
            match &i.args {
                Args::Words(words) if i.keyword == Keyword::Arg => {
                    for w in words {
                        let (name, default) = split_arg(&w.value);
                        let value = match default {
                            Some(d) => Some(
                                self.expand_at(i.span, d, &|n| vars.latest(n).cloned().flatten())
                                    .0,
                            ),
                            None => self.global_arg(name).cloned().flatten(),
                        };
                        vars.set(name.to_string(), i.span.start, value);
                    }
                }
                Args::KeyValues(kvs) if i.keyword == Keyword::Env => {
                    for kv in kvs {
                        let (k, _) = expand(&kv.key.value, &|_| None);
                        let v = self
                            .expand_at(i.span, &kv.value.value, &|n| {
                                vars.latest(n).cloned().flatten()
                            })
                            .0;
                        vars.set(k, i.span.start, Some(v));
                    }
                }
                _ => {}
            }
        }
        vars
    }

    /// [`expand`] within the file's substitution budget; `at` is where a spent
    /// budget is reported.
    pub fn expand_at(
        &self,
        at: Span,
        s: &str,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> (String, bool) {
        let out = expand_budgeted(s, lookup, &self.budget);
        if self.budget.exhausted() && self.budget_hit.get().is_none() {
            self.budget_hit.set(Some(at));
        }
        if self.budget.too_deep() && self.depth_hit.get().is_none() {
            self.depth_hit.set(Some(at));
        }
        out
    }

    /// Where variable substitution ran out of its budget ([`EXPANSION_BUDGET`]):
    /// the instruction whose expansion spent it. Values substituted from there on
    /// are incomplete.
    pub fn expansion_limit(&self) -> Option<Span> {
        self.budget_hit.get()
    }

    /// Where a `${NAME:-…}` nested deeper than [`MAX_SUBSTITUTION_DEPTH`] was
    /// first met (its deeper part is kept as written).
    pub fn substitution_depth_limit(&self) -> Option<Span> {
        self.depth_hit.get()
    }

    /// The default of the last declaration of global ARG `name` (`Some(None)` when
    /// declared without one).
    pub fn global_arg(&self, name: &str) -> Option<&Option<String>> {
        self.global_index
            .get(name)
            .and_then(|i| self.global_args.get(*i))
            .map(|(_, _, d)| d)
    }

    /// Indices of the stages named `lower` (lower-cased), in order.
    pub fn stages_named(&self, lower: &str) -> &[usize] {
        self.stage_index.get(lower).map_or(&[], Vec::as_slice)
    }

    /// Every command of every RUN, with its RUN.
    pub fn commands(
        &self,
    ) -> impl Iterator<Item = (&Run<'a>, &crate::dockerfile::command::Command)> {
        self.runs
            .iter()
            .flat_map(|r| r.script.iter().map(move |c| (r, c)))
    }

    /// The stage an instruction belongs to (the FROM's own stage for FROM).
    pub fn stage_of(&self, ins: &Instruction) -> Option<&Stage<'a>> {
        let (stage, _) = self.positions.get(&key(ins))?;
        self.stages.get((*stage)?)
    }

    /// `KEYWORD#n`: the n-th instruction with this keyword in the file (1-based).
    pub fn pointer(&self, ins: &Instruction) -> String {
        let n = self.positions.get(&key(ins)).map_or(1, |(_, n)| *n);
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

    /// Variables known at `ins` in its stage: ARG (with defaults, or the global
    /// default for a redeclared global) and ENV before it; the global ARGs before
    /// the first FROM.
    pub fn vars_before(&self, ins: &Instruction) -> Vars<'_> {
        let scope = match self.positions.get(&key(ins)) {
            Some((Some(stage), _)) => match self.stage_vars.get(*stage) {
                Some(vars) => VarScope::Stage(vars, ins.span.start),
                None => VarScope::None,
            },
            Some((None, _)) => VarScope::Global(self),
            None => VarScope::None,
        };
        Vars { scope }
    }

    /// The text of an instruction's [`Args::Text`] argument, expanded with the
    /// variables known before it, and its span.
    pub fn text_arg(&self, ins: &Instruction) -> Option<(String, Span)> {
        let Args::Text(w) = &ins.args else {
            return None;
        };
        let vars = self.vars_before(ins);
        let (v, _) = self.expand_at(ins.span, &w.value, &|n| vars.value(n));
        Some((v, w.span))
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
    text: &str,
    globals: &dyn Fn(&str) -> Option<String>,
    earlier: &HashMap<String, Vec<usize>>,
    budget: &Budget,
) -> Stage<'a> {
    let words = ins.words();
    let image_word = words.first();
    let name = match (words.get(1), words.get(2)) {
        (Some(a), Some(n)) if a.value.eq_ignore_ascii_case("as") => Some(n),
        _ => None,
    };
    let raw = image_word.map_or("", |w| w.value.as_str());
    let (image_text, unresolved) = expand_budgeted(
        raw,
        &|n| globals(n).or_else(|| automatic_default(n)),
        budget,
    );
    let lower = image_text.to_ascii_lowercase();
    let base_stage = earlier
        .get(&lower)
        .and_then(|first| first.first().copied())
        .or_else(|| {
            lower
                .parse::<usize>()
                .ok()
                .filter(|i| *i < index && raw.bytes().all(|b| b.is_ascii_digit()))
        });
    Stage {
        index,
        name,
        from: ins,
        image_word,
        image_dynamic: raw.contains('$'),
        image_verbatim: image_word.is_some_and(|w| w.span.text(text) == w.value),
        image_text,
        image_unresolved: unresolved,
        base_stage,
        instructions: Vec::new(),
    }
}

fn automatic_default(name: &str) -> Option<String> {
    match name {
        "TARGETPLATFORM" | "BUILDPLATFORM" => Some("linux/amd64".into()),
        "TARGETOS" | "BUILDOS" => Some("linux".into()),
        "TARGETARCH" | "BUILDARCH" => Some("amd64".into()),
        "TARGETVARIANT" | "BUILDVARIANT" => Some(String::new()),
        _ => None,
    }
}

/// The script a RUN runs: shell form parsed as sh (unless SHELL is not a POSIX
/// shell), exec form as one command, and heredoc bodies that are scripts.
pub fn script_of(ins: &Instruction, shell: Option<&[String]>) -> Script {
    let posix = shell.is_none_or(|s| {
        s.first().is_some_and(|p| {
            matches!(
                crate::dockerfile::command::basename(p),
                "sh" | "bash" | "dash" | "ash" | "zsh" | "ksh"
            )
        })
    });
    let mut script = match &ins.args {
        Args::Json(words) => {
            let args: Vec<(String, Span)> =
                words.iter().map(|w| (w.value.clone(), w.span)).collect();
            Script::from_exec(&args)
        }
        _ if !posix => Script::default(),
        _ => parse_logical(&ins.text),
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
                script.extend(Script::parse(body, h.body_span.start));
            }
        }
    }
    script
}

/// Parse an instruction's logical text and map every span back to the source.
pub fn parse_logical(text: &crate::dockerfile::ast::LogicalText) -> Script {
    let mut script = Script::parse(&text.value, 0);
    let map = |s: Span| text.span(s.start as usize..s.end as usize);
    for c in &mut script.commands {
        c.span = map(c.span);
        for w in c.words.iter_mut().chain(c.assignments.iter_mut()) {
            w.span = map(w.span);
        }
    }
    script
}

/// Expand `$NAME`, `${NAME}`, `${NAME:-default}`, `${NAME-default}`,
/// `${NAME:+alt}`, `${NAME+alt}` and remove quotes and backslash escapes, the
/// way BuildKit's shell lexer treats instruction arguments. Returns the text and
/// whether some variable was not set.
///
/// At most [`MAX_EXPANSION`] bytes are copied out of variable values (past that,
/// variables substitute as empty); [`Facts::expand_at`] shares one budget over a
/// whole file instead.
pub fn expand(s: &str, lookup: &dyn Fn(&str) -> Option<String>) -> (String, bool) {
    expand_budgeted(s, lookup, &Budget::new(MAX_EXPANSION))
}

/// Bytes one [`expand`] call copies out of variable values at most.
pub const MAX_EXPANSION: usize = 1 << 20;

/// [`expand`], copying variable values only while `budget` lasts. A spent budget
/// makes every variable substitute as empty (set, so defaults are not taken).
fn expand_budgeted(
    s: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    budget: &Budget,
) -> (String, bool) {
    expand_nested(s, lookup, budget, 0)
}

/// Deepest `${NAME:-${…}}` nesting expanded (as the shell lexer of
/// [`crate::dockerfile::expand`]); deeper defaults are kept as written and the
/// budget records it ([`Facts::expansion_limit`]): recursion stays bounded.
pub const MAX_SUBSTITUTION_DEPTH: u32 = 64;

#[allow(clippy::too_many_lines, clippy::many_single_char_names)]
fn expand_nested(
    s: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    budget: &Budget,
    level: u32,
) -> (String, bool) {
    if level > MAX_SUBSTITUTION_DEPTH {
        budget.too_deep.set(true);
        return (s.to_string(), true);
    }
    let get = |name: &str| -> Option<String> {
        if budget.exhausted() {
            return Some(String::new());
        }
        let value = lookup(name)?;
        Some(if budget.take(value.len()) {
            value
        } else {
            String::new()
        })
    };
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut unresolved = false;
    let mut i = 0usize;
    let mut in_double = false;
    while let Some(&c) = chars.get(i) {
        match c {
            '\'' if !in_double => {
                i += 1;
                while let Some(&c) = chars.get(i) {
                    i += 1;
                    if c == '\'' {
                        break;
                    }
                    out.push(c);
                }
            }
            '"' => {
                in_double = !in_double;
                i += 1;
            }
            '\\' => {
                if let Some(&n) = chars.get(i + 1) {
                    out.push(n);
                }
                i += 2;
            }
            '$' => {
                i += 1;
                if chars.get(i) == Some(&'{') {
                    let start = i + 1;
                    let mut depth = 1;
                    let mut j = start;
                    while let Some(&c) = chars.get(j) {
                        if c == '{' {
                            depth += 1;
                        } else if c == '}' {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        j += 1;
                    }
                    let inner: String = chars.get(start..j).unwrap_or(&[]).iter().collect();
                    i = j + 1;
                    let name_len = inner
                        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                        .unwrap_or(inner.len());
                    let (name, rest) = inner.split_at(name_len);
                    let value = get(name);
                    let (op, word) = if let Some(w) = rest.strip_prefix(":-") {
                        ("-", Some((w, true)))
                    } else if let Some(w) = rest.strip_prefix('-') {
                        ("-", Some((w, false)))
                    } else if let Some(w) = rest.strip_prefix(":+") {
                        ("+", Some((w, true)))
                    } else if let Some(w) = rest.strip_prefix('+') {
                        ("+", Some((w, false)))
                    } else {
                        ("", None)
                    };
                    match (op, word) {
                        ("-", Some((w, colon))) => match value {
                            Some(v) if !(colon && v.is_empty()) => out.push_str(&v),
                            _ => {
                                let (e, u) = expand_nested(w, lookup, budget, level + 1);
                                unresolved |= u;
                                out.push_str(&e);
                            }
                        },
                        ("+", Some((w, colon))) => {
                            if value.as_ref().is_some_and(|v| !(colon && v.is_empty())) {
                                let (e, u) = expand_nested(w, lookup, budget, level + 1);
                                unresolved |= u;
                                out.push_str(&e);
                            }
                        }
                        _ => match value {
                            Some(v) => out.push_str(&v),
                            None => unresolved = true,
                        },
                    }
                } else {
                    let start = i;
                    while chars
                        .get(i)
                        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
                    {
                        i += 1;
                    }
                    if i == start {
                        out.push('$');
                        continue;
                    }
                    let name: String = chars.get(start..i).unwrap_or(&[]).iter().collect();
                    match get(&name) {
                        Some(v) => out.push_str(&v),
                        None => unresolved = true,
                    }
                }
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    (out, unresolved)
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
    cmd: &'c crate::dockerfile::command::Command,
    value_options: &[&str],
) -> Vec<&'c crate::dockerfile::command::Word> {
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
    cmd: &crate::dockerfile::command::Command,
) -> Option<(
    &crate::dockerfile::command::Word,
    &[crate::dockerfile::command::Word],
)> {
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
pub fn cmd_span(
    cmd: &crate::dockerfile::command::Command,
    sub: Option<&crate::dockerfile::command::Word>,
) -> Span {
    match sub {
        Some(s) if s.span.start >= cmd.name_span().start => cmd.name_span().cover(s.span),
        _ => cmd.name_span(),
    }
}

/// The command's subcommand, if it is one of `subs`.
pub fn sub_is<'c>(
    cmd: &'c crate::dockerfile::command::Command,
    value_options: &[&str],
    subs: &[&str],
) -> Option<&'c crate::dockerfile::command::Word> {
    cmd.subcommand(value_options)
        .filter(|w| subs.contains(&w.value.as_str()))
}

/// A glob set from patterns; `None` when there are none (or none compile).
pub fn glob_set(patterns: &[String]) -> Option<globset::GlobSet> {
    if patterns.is_empty() {
        return None;
    }
    let mut b = globset::GlobSetBuilder::new();
    for p in patterns {
        if let Ok(g) = globset::GlobBuilder::new(p)
            .literal_separator(false)
            .build()
        {
            b.add(g);
        }
    }
    b.build().ok()
}

/// `80`, `80/tcp`, `8000-8010/udp`: (low, high, protocol). `None` when not numeric.
pub fn parse_port(s: &str) -> Option<(u64, u64, Option<&str>)> {
    let (ports, proto) = match s.split_once('/') {
        Some((p, proto)) => (p, Some(proto)),
        None => (s, None),
    };
    let (lo, hi) = match ports.split_once('-') {
        Some((a, b)) => (a.parse().ok()?, b.parse().ok()?),
        None => {
            let p = ports.parse().ok()?;
            (p, p)
        }
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

/// A URL or git source of ADD.
pub fn is_remote(v: &str) -> bool {
    let v = v.to_ascii_lowercase();
    v.contains("://") || v.starts_with("git@")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_like_buildkit() {
        let look = |n: &str| match n {
            "A" => Some("1".to_string()),
            "E" => Some(String::new()),
            _ => None,
        };
        assert_eq!(expand("x$A", &look), ("x1".into(), false));
        assert_eq!(expand("${A}y", &look), ("1y".into(), false));
        assert_eq!(expand("${B:-d}", &look), ("d".into(), false));
        assert_eq!(expand("${E:-d}", &look), ("d".into(), false));
        assert_eq!(expand("${E-d}", &look), (String::new(), false));
        assert_eq!(expand("${A:+alt}", &look), ("alt".into(), false));
        assert_eq!(expand("$B", &look), (String::new(), true));
        assert_eq!(expand("\"root\"", &look), ("root".into(), false));
        assert_eq!(expand("'$A'", &look), ("$A".into(), false));
    }

    #[test]
    fn finds_var_refs() {
        let r = var_refs("a $X ${Y} ${Z:-d} '$W'");
        let names: Vec<_> = r.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["X", "Y"]);
    }
}
