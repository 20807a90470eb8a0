//! A set of named templates: Go's `*template.Template` and its associated templates.

use std::collections::HashMap;
use std::sync::Arc;

use crate::error::{ExecError, ExecErrorKind, ParseError};
use crate::func::{Func, FuncMap};
use crate::parse::{self, Tree};
use crate::trace::Tracer;
use crate::value::Value;

/// What a missing map key evaluates to (Go's `missingkey=` option).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MissingKey {
    /// `missingkey=default` / `invalid`: no value, printed `<no value>`.
    #[default]
    Default,
    /// `missingkey=zero`: the zero value of the map's element type.
    Zero,
    /// `missingkey=error`: execution stops with `map has no entry for key "k"`.
    Error,
}

/// An option string Go's `Template.Option` would panic on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct OptionError(pub String);

/// Budgets of one execution (including nested `include`/`tpl` executions).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Maximum nesting of `{{template}}`, `include` and `tpl` calls. Go's is 100000;
    /// ours is lower so the Rust stack (each level costs a few kilobytes of native
    /// recursion) cannot overflow in a 2 MiB thread. The error text is Go's with
    /// this number: `exceeded maximum template depth (N)`.
    pub max_depth: usize,
    /// Maximum output bytes of the whole execution (nested ones included).
    pub max_output: usize,
    /// Maximum evaluation steps (nodes walked, range iterations, and what
    /// functions [`crate::CallCtx::charge`]).
    pub max_steps: u64,
    /// Maximum native stack, in bytes, nested template calls may use (measured
    /// from the outermost `execute`); beyond it execution stops with the same
    /// depth error. Keep it below the stack of the thread that executes (Rust's
    /// default for spawned threads is 2 MiB).
    pub max_stack: usize,
    /// Maximum nesting of a template's syntax (parentheses, control blocks) the
    /// parser accepts (Go: `max expression depth exceeded`).
    pub max_parse_depth: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_depth: 200,
            max_output: 256 << 20,
            max_steps: 50_000_000,
            max_stack: 1 << 20,
            max_parse_depth: 200,
        }
    }
}

/// The templates of a set by name. A copy of a set (Helm's `tpl` executes
/// its text in one, with whatever the text defines) shares the trees it was
/// made with and holds only those added since, which shadow them: a copy
/// costs nothing, however many templates the set has.
#[derive(Clone, Default)]
pub(crate) struct Trees {
    /// Shared by the copies of the set.
    base: Arc<HashMap<String, Arc<Tree>>>,
    /// Added to this copy while `base` was shared with another.
    added: HashMap<String, Arc<Tree>>,
}

impl Trees {
    pub(crate) fn get(&self, name: &str) -> Option<&Arc<Tree>> {
        self.added.get(name).or_else(|| self.base.get(name))
    }

    pub(crate) fn insert(&mut self, name: String, tree: Arc<Tree>) {
        if self.added.is_empty() {
            if let Some(base) = Arc::get_mut(&mut self.base) {
                base.insert(name, tree);
                return;
            }
        }
        self.added.insert(name, tree);
    }

    /// Every name once, in no order.
    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        let added = &self.added;
        self.added.keys().map(String::as_str).chain(
            self.base
                .keys()
                .filter(move |k| !added.contains_key(*k))
                .map(String::as_str),
        )
    }
}

/// A set of templates sharing functions and options (Go's `*template.Template`
/// together with its associated templates). Cloning is cheap (trees are shared).
#[derive(Clone)]
pub struct Template {
    pub(crate) name: String,
    pub(crate) trees: Trees,
    pub(crate) funcs: Arc<FuncMap>,
    pub(crate) missing_key: MissingKey,
    pub(crate) left: String,
    pub(crate) right: String,
    pub(crate) limits: Limits,
}

impl Template {
    /// An empty set whose main template is named `name` (Go's `template.New(name)`).
    pub fn new(name: &str) -> Template {
        Template {
            name: name.to_owned(),
            trees: Trees::default(),
            funcs: Arc::new(FuncMap::new()),
            missing_key: MissingKey::Default,
            left: String::new(),
            right: String::new(),
            limits: Limits::default(),
        }
    }

    /// The main template's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Adds functions (Go's `Funcs`); later ones replace earlier ones of the same name.
    pub fn funcs(&mut self, funcs: FuncMap) -> &mut Template {
        let m = Arc::make_mut(&mut self.funcs);
        m.extend(funcs);
        self
    }

    /// Adds one function.
    pub fn func(&mut self, name: &str, f: Func) -> &mut Template {
        let m = Arc::make_mut(&mut self.funcs);
        m.insert(name.to_owned(), f);
        self
    }

    /// Go's `Option`: `missingkey=default|invalid|zero|error`.
    pub fn option(&mut self, opt: &str) -> Result<&mut Template, OptionError> {
        let Some((k, v)) = opt.split_once('=') else {
            return Err(OptionError(format!("unrecognized option: {opt}")));
        };
        if k != "missingkey" {
            return Err(OptionError(format!("unrecognized option: {opt}")));
        }
        self.missing_key = match v {
            "invalid" | "default" => MissingKey::Default,
            "zero" => MissingKey::Zero,
            "error" => MissingKey::Error,
            _ => return Err(OptionError(format!("unrecognized option: {opt}"))),
        };
        Ok(self)
    }

    /// Go's `Delims` (empty strings mean `{{` and `}}`).
    pub fn delims(&mut self, left: &str, right: &str) -> &mut Template {
        left.clone_into(&mut self.left);
        right.clone_into(&mut self.right);
        self
    }

    /// Sets the execution budgets.
    pub fn limits(&mut self, limits: Limits) -> &mut Template {
        self.limits = limits;
        self
    }

    /// The budgets.
    pub fn get_limits(&self) -> &Limits {
        &self.limits
    }

    /// Go's `t.New(name).Parse(text)`: parses `text` as the template `name` and
    /// adds it and every `define`/`block` in it to the set. A template whose body
    /// is empty (only `define`s) does not replace an existing one of that name.
    pub fn parse(&mut self, name: &str, text: &str) -> Result<&mut Template, ParseError> {
        for t in self.parse_trees(name, text)? {
            self.add_parse_tree(t);
        }
        Ok(self)
    }

    /// The trees [`Template::parse`] would add for `text`, without adding
    /// them. Parsing reads nothing of the set but its functions, delimiters
    /// and limits, so texts can be parsed apart (on several threads) and
    /// their trees added in order after: the same set as parsing them in turn.
    pub fn parse_trees(&self, name: &str, text: &str) -> Result<Vec<Tree>, ParseError> {
        let is_func = |n: &str| self.funcs.contains_key(n) || crate::builtins::is_builtin(n);
        let opts = parse::Options {
            left: &self.left,
            right: &self.right,
            is_func: &is_func,
            max_depth: self.limits.max_parse_depth,
        };
        parse::parse(name, text, &opts)
    }

    /// Adds a parsed tree under its name (Go's `AddParseTree` with Go's rule that
    /// an empty tree does not replace a non-empty one).
    pub fn add_parse_tree(&mut self, tree: Tree) -> &mut Template {
        if let Some(old) = self.trees.get(&tree.name) {
            if tree.is_empty() && !old.is_empty() {
                return self;
            }
        }
        self.trees.insert(tree.name.clone(), Arc::new(tree));
        self
    }

    /// The tree of a template of the set.
    pub fn lookup(&self, name: &str) -> Option<&Tree> {
        self.trees.get(name).map(AsRef::as_ref)
    }

    /// The names of the templates in the set, sorted.
    pub fn template_names(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.trees.names().collect();
        v.sort_unstable();
        v
    }

    /// Go's `DefinedTemplates()`: `; defined templates are: "a", "b"` or "".
    pub fn defined_templates(&self) -> String {
        let names: Vec<String> = self
            .template_names()
            .iter()
            .map(|n| crate::gofmt::quote(n))
            .collect();
        if names.is_empty() {
            String::new()
        } else {
            format!("; defined templates are: {}", names.join(", "))
        }
    }

    /// Go's `ExecuteTemplate(out, name, data)`: runs the named template,
    /// appending to `out` (what was written before an error stays written).
    pub fn execute(&self, name: &str, data: &Value, out: &mut String) -> Result<(), ExecError> {
        crate::exec::execute(self, name, data, out, None)
    }

    /// [`Template::execute`] telling `tracer` where every piece of output came from.
    pub fn execute_traced(
        &self,
        name: &str,
        data: &Value,
        out: &mut String,
        tracer: &mut dyn Tracer,
    ) -> Result<(), ExecError> {
        crate::exec::execute(self, name, data, out, Some(tracer))
    }

    pub(crate) fn no_template(&self, name: &str) -> ExecError {
        ExecError {
            kind: ExecErrorKind::NoTemplate,
            parse_name: String::new(),
            template: name.to_owned(),
            pos: None,
            context: String::new(),
            message: format!(
                "no template {} associated with template {}",
                crate::gofmt::quote(name),
                crate::gofmt::quote(&self.name)
            ),
        }
    }
}

impl std::fmt::Debug for Template {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Template")
            .field("name", &self.name)
            .field("templates", &self.template_names())
            .field("missing_key", &self.missing_key)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::Template;

    /// A copy of a set sees the set's templates and what is added to it;
    /// the set does not see what was added to the copy; a name defined in
    /// the copy shadows the set's; each name is listed once.
    #[test]
    fn a_copy_shares_the_trees_and_keeps_its_own() {
        let mut set = Template::new("main");
        set.parse("main", r#"{{define "a"}}A{{end}}{{define "b"}}B{{end}}"#)
            .unwrap();
        let mut copy = set.clone();
        copy.parse("main", r#"{{define "b"}}B2{{end}}{{define "c"}}C{{end}}"#)
            .unwrap();
        assert_eq!(copy.lookup("a").unwrap().to_string(), "A");
        assert_eq!(copy.lookup("b").unwrap().to_string(), "B2");
        assert_eq!(copy.lookup("c").unwrap().to_string(), "C");
        assert_eq!(set.lookup("b").unwrap().to_string(), "B");
        assert!(set.lookup("c").is_none());
        assert_eq!(copy.template_names(), ["a", "b", "c", "main"]);
        assert_eq!(set.template_names(), ["a", "b", "main"]);
        // Once the copy is gone, the set adds to its own trees again.
        drop(copy);
        set.parse("main", r#"{{define "d"}}D{{end}}"#).unwrap();
        assert_eq!(set.template_names(), ["a", "b", "d", "main"]);
    }
}
