//! The executor: Go's `text/template/exec.go` semantics over [`Value`]s.
//!
//! Go aborts execution by panicking; here every evaluation returns
//! `Result<_, ExecError>`. `break`/`continue` travel up as [`Flow`]. Data paths
//! for origin tracing are computed beside the values (only when a tracer is
//! attached) and never change what is evaluated.

use std::sync::Arc;

use crate::builtins::{self, Builtin};
use crate::error::{ExecError, ExecErrorKind, ParseError};
use crate::func::{CallCtx, Func, FuncError, Param};
use crate::parse::{
    BranchKind, BranchNode, CommandNode, Name, Node, NumberNode, PipeNode, TemplateNode, Tree,
};
use crate::set::{Limits, MissingKey, Template};
use crate::trace::{DataPath, PathSeg, Piece, PieceKind, Tracer};
use crate::value::{zero_of, Kind, Value, ANY};

/// A value with the data path it was reached by (when tracing).
type PV = (Value, Option<DataPath>);

/// How a walk ended.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Flow {
    Normal,
    Break,
    Continue,
}

/// The node being evaluated, for error positions (Go's `s.at(node)`).
#[derive(Clone, Copy)]
enum At<'e> {
    None,
    Node(&'e Node),
    Pipe(&'e PipeNode),
    Cmd(&'e CommandNode),
}

/// Budgets shared by an execution and the executions nested in it.
pub(crate) struct Budget {
    steps: u64,
    output: usize,
}

/// The error of a nested execution that parses text first (Helm's `tpl`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NestedError {
    #[error("{0}")]
    Parse(ParseError),
    #[error("{0}")]
    Exec(ExecError),
}

impl From<NestedError> for FuncError {
    fn from(e: NestedError) -> FuncError {
        match e {
            NestedError::Parse(p) => FuncError::Message(p.to_string()),
            NestedError::Exec(x) => x.into(),
        }
    }
}

/// The state of one execution of one template (Go's `state`).
pub struct State<'e> {
    set: &'e Template,
    tree: &'e Tree,
    name: String,
    at: At<'e>,
    vars: Vec<(Name, PV, bool)>,
    /// Dot's static Go type is `interface {}` (a range element of an interface container).
    dot_boxed: bool,
    depth: usize,
    budget: &'e mut Budget,
    out: &'e mut String,
    tracer: Option<&'e mut dyn Tracer>,
    /// Compute data paths (a tracer is attached somewhere up the chain).
    paths_on: bool,
    /// Paths read by the current action (or, nested, by the whole execution).
    reads: Vec<DataPath>,
    /// Nested execution: keep every read instead of clearing per action.
    keep_reads: bool,
    /// Address of a local of the outermost `execute` (stack depth guard).
    stack_base: usize,
}

/// The address of a local: how deep the native stack is here.
#[inline(never)]
fn stack_addr() -> usize {
    let marker = 0u8;
    std::ptr::from_ref(std::hint::black_box(&marker)) as usize
}

fn nil_iface() -> Value {
    Value::TypedNil(Arc::from(ANY))
}

fn is_nil_iface(v: &Value) -> bool {
    matches!(v, Value::TypedNil(t) if &**t == ANY)
}

/// Go's `indirectInterface`: a nil interface becomes no value.
fn indirect_iface(v: Value) -> Value {
    if is_nil_iface(&v) {
        Value::Nil
    } else {
        v
    }
}

pub(crate) fn execute(
    set: &Template,
    name: &str,
    data: &Value,
    out: &mut String,
    tracer: Option<&mut dyn Tracer>,
) -> Result<(), ExecError> {
    let Some(tree) = set.trees.get(name) else {
        if name == set.name {
            return Err(ExecError {
                kind: ExecErrorKind::NoTemplate,
                parse_name: String::new(),
                template: name.to_owned(),
                pos: None,
                context: String::new(),
                message: format!(
                    "{}: {} is an incomplete or empty template",
                    name,
                    crate::gofmt::quote(name)
                ),
            });
        }
        return Err(set.no_template(name));
    };
    let mut budget = Budget {
        steps: 0,
        output: 0,
    };
    let paths_on = tracer.is_some();
    let tracer: Option<&mut dyn Tracer> = match tracer {
        Some(t) => Some(&mut *t),
        None => None,
    };
    let mut st = State {
        set,
        tree,
        name: name.to_owned(),
        at: At::None,
        vars: vec![(
            Name::new_static("$"),
            (data.clone(), paths_on.then(DataPath::default)),
            false,
        )],
        dot_boxed: false,
        depth: 0,
        budget: &mut budget,
        out,
        tracer,
        paths_on,
        reads: Vec::new(),
        keep_reads: false,
        stack_base: stack_addr(),
    };
    let dot = (data.clone(), paths_on.then(DataPath::default));
    st.walk_list(&dot, &tree.root).map(|_| ())
}

impl<'e> State<'e> {
    // ------------------------------------------------------------ CallCtx support

    pub(crate) fn template_name(&self) -> &str {
        &self.name
    }

    pub(crate) fn set_name(&self) -> &str {
        self.set.name()
    }

    pub(crate) fn limits(&self) -> &Limits {
        &self.set.limits
    }

    pub(crate) fn depth(&self) -> usize {
        self.depth
    }

    pub(crate) fn charge(&mut self, units: u64) -> Result<(), ExecError> {
        self.budget.steps = self.budget.steps.saturating_add(units);
        if self.budget.steps > self.set.limits.max_steps {
            return Err(self.limit_error(format!(
                "execution exceeded the step budget ({} steps)",
                self.set.limits.max_steps
            )));
        }
        Ok(())
    }

    /// Go's depth limit, and a guard on the native stack used so far.
    fn check_depth(&self) -> Result<(), ExecError> {
        if self.depth + 1 >= self.set.limits.max_depth {
            return Err(self.limit_error(format!(
                "exceeded maximum template depth ({})",
                self.set.limits.max_depth
            )));
        }
        self.check_stack()
    }

    /// The native stack guard (nested templates and control structures).
    fn check_stack(&self) -> Result<(), ExecError> {
        let used = self.stack_base.abs_diff(stack_addr());
        if used > self.set.limits.max_stack {
            return Err(self.limit_error(format!(
                "exceeded maximum template depth (stack limit of {} bytes reached at depth {})",
                self.set.limits.max_stack, self.depth
            )));
        }
        Ok(())
    }

    pub(crate) fn limit_error(&self, message: String) -> ExecError {
        let mut e = self.errorf(message);
        e.kind = ExecErrorKind::Limit;
        e
    }

    fn nested_state<'n>(
        &'n mut self,
        set: &'n Template,
        tree: &'n Tree,
        name: &str,
        data: &Value,
        path: Option<DataPath>,
        out: &'n mut String,
    ) -> Result<State<'n>, ExecError> {
        self.check_depth()?;
        let root = if self.paths_on {
            Some(path.unwrap_or_default())
        } else {
            None
        };
        Ok(State {
            set,
            tree,
            name: name.to_owned(),
            at: At::None,
            vars: vec![(Name::new_static("$"), (data.clone(), root), false)],
            dot_boxed: false,
            depth: self.depth + 1,
            budget: &mut *self.budget,
            out,
            tracer: None,
            paths_on: self.paths_on,
            reads: Vec::new(),
            keep_reads: true,
            stack_base: self.stack_base,
        })
    }

    pub(crate) fn execute_nested(
        &mut self,
        name: &str,
        data: &Value,
        path: Option<DataPath>,
    ) -> Result<String, ExecError> {
        let set = self.set;
        let Some(tree) = set.trees.get(name) else {
            return Err(set.no_template(name));
        };
        let mut out = String::new();
        let reads = {
            let mut st = self.nested_state(set, tree, name, data, path, &mut out)?;
            let dot = st.vars.first().map(|v| v.1.clone()).unwrap_or_default();
            st.walk_list(&dot, &tree.root)?;
            std::mem::take(&mut st.reads)
        };
        self.reads
            .extend(reads.into_iter().filter(|p| !p.is_empty()));
        Ok(out)
    }

    pub(crate) fn execute_text(
        &mut self,
        name: &str,
        text: &str,
        data: &Value,
        path: Option<DataPath>,
    ) -> Result<String, NestedError> {
        let mut set = self.set.clone();
        set.parse(name, text).map_err(NestedError::Parse)?;
        let Some(tree) = set.trees.get(name).cloned() else {
            return Err(NestedError::Exec(set.no_template(name)));
        };
        let mut out = String::new();
        let reads = {
            let mut st = self
                .nested_state(&set, &tree, name, data, path, &mut out)
                .map_err(NestedError::Exec)?;
            let dot = st.vars.first().map(|v| v.1.clone()).unwrap_or_default();
            st.walk_list(&dot, &tree.root).map_err(NestedError::Exec)?;
            std::mem::take(&mut st.reads)
        };
        self.reads
            .extend(reads.into_iter().filter(|p| !p.is_empty()));
        Ok(out)
    }

    pub(crate) fn path_of_arg(
        &self,
        data: &Value,
        args: &[(Value, Option<DataPath>)],
    ) -> Option<DataPath> {
        if !self.paths_on {
            return None;
        }
        args.iter()
            .find(|(v, _)| same_value(v, data))
            .and_then(|(_, p)| p.clone())
    }

    // ------------------------------------------------------------ errors

    fn at_pos_context(&self) -> Option<(usize, String)> {
        let f = self.tree.fmt(false);
        let mut s = String::new();
        let pos = match self.at {
            At::None => return None,
            At::Node(n) => {
                n.write_to(&mut s, &f);
                n.pos()
            }
            At::Pipe(p) => {
                p.write_to(&mut s, &f);
                p.pos
            }
            At::Cmd(c) => {
                c.write_to(&mut s, &f);
                c.pos
            }
        };
        Some((pos, s))
    }

    fn errorf(&self, message: impl Into<String>) -> ExecError {
        let message = message.into();
        match self.at_pos_context() {
            Some((pos, context)) => ExecError {
                kind: ExecErrorKind::Exec,
                parse_name: self.tree.parse_name.clone(),
                template: self.name.clone(),
                pos: Some(self.tree.pos_of(pos)),
                context,
                message,
            },
            None => ExecError {
                kind: ExecErrorKind::Exec,
                parse_name: self.tree.parse_name.clone(),
                template: self.name.clone(),
                pos: None,
                context: String::new(),
                message,
            },
        }
    }

    // ------------------------------------------------------------ variables

    fn var_value(&self, name: &str) -> Result<(PV, bool), ExecError> {
        for (n, v, boxed) in self.vars.iter().rev() {
            if n == name {
                return Ok((v.clone(), *boxed));
            }
        }
        Err(self.errorf(format!("undefined variable: {name}")))
    }

    fn set_var(&mut self, name: &str, value: PV, boxed: bool) -> Result<(), ExecError> {
        for (n, v, b) in self.vars.iter_mut().rev() {
            if n == name {
                *v = value;
                *b = boxed;
                return Ok(());
            }
        }
        Err(self.errorf(format!("undefined variable: {name}")))
    }

    fn set_top_var(&mut self, n: usize, value: PV, boxed: bool) {
        let len = self.vars.len();
        if let Some(slot) = len.checked_sub(n).and_then(|i| self.vars.get_mut(i)) {
            slot.1 = value;
            slot.2 = boxed;
        }
    }

    fn record(&mut self, path: Option<&DataPath>) {
        if let Some(p) = path {
            if !p.is_empty() && !self.reads.contains(p) {
                self.reads.push(p.clone());
            }
        }
    }

    // ------------------------------------------------------------ output

    fn write(&mut self, s: &str) -> Result<(), ExecError> {
        self.budget.output = self.budget.output.saturating_add(s.len());
        if self.budget.output > self.set.limits.max_output {
            return Err(self.limit_error(format!(
                "output exceeds the limit of {} bytes",
                self.set.limits.max_output
            )));
        }
        self.out.push_str(s);
        Ok(())
    }

    fn trace(&mut self, start: usize, pos: usize, kind: PieceKind) {
        let end = self.out.len();
        if end == start {
            return;
        }
        if let Some(t) = self.tracer.as_deref_mut() {
            let paths: &[DataPath] = if kind == PieceKind::Action {
                &self.reads
            } else {
                &[]
            };
            t.piece(&Piece {
                output: start..end,
                template: &self.name,
                parse_name: &self.tree.parse_name,
                pos: self.tree.pos_of(pos),
                kind,
                paths,
            });
        }
    }

    // ------------------------------------------------------------ walking

    fn walk_list(&mut self, dot: &PV, list: &'e [Node]) -> Result<Flow, ExecError> {
        for n in list {
            let f = self.walk(dot, n)?;
            if f != Flow::Normal {
                return Ok(f);
            }
        }
        Ok(Flow::Normal)
    }

    fn walk(&mut self, dot: &PV, node: &'e Node) -> Result<Flow, ExecError> {
        self.at = At::Node(node);
        self.charge(1)?;
        match node {
            Node::Action { pipe, pos, .. } => {
                if !self.keep_reads {
                    self.reads.clear();
                }
                let val = self.eval_pipeline(dot, Some(pipe))?;
                if pipe.decl.is_empty() {
                    self.at = At::Node(node);
                    let s = self.printable(node, &val.0)?;
                    let start = self.out.len();
                    self.write(&s)?;
                    self.trace(start, *pos, PieceKind::Action);
                }
                Ok(Flow::Normal)
            }
            Node::Break { .. } => Ok(Flow::Break),
            Node::Continue { .. } => Ok(Flow::Continue),
            Node::Comment { .. } => Ok(Flow::Normal),
            Node::Text { text, pos } => {
                let start = self.out.len();
                self.write(text)?;
                self.trace(start, *pos, PieceKind::Text);
                Ok(Flow::Normal)
            }
            Node::Branch(b) => match b.kind {
                _ if self.check_stack().is_err() => self.check_stack().map(|()| Flow::Normal),
                BranchKind::Range => self.walk_range(dot, node, b),
                _ => self.walk_if_or_with(dot, b),
            },
            Node::Template(t) => self.walk_template(dot, node, t),
            _ => Err(self.errorf(format!("unknown node: {node}"))),
        }
    }

    fn walk_if_or_with(&mut self, dot: &PV, b: &'e BranchNode) -> Result<Flow, ExecError> {
        let mark = self.vars.len();
        let r = (|| {
            let val = self.eval_pipeline(dot, Some(&b.pipe))?;
            let truth = indirect_iface(val.0.clone()).truth();
            if truth {
                if b.kind == BranchKind::With {
                    let saved = std::mem::replace(&mut self.dot_boxed, false);
                    let r = self.walk_list(&val, &b.list);
                    self.dot_boxed = saved;
                    r
                } else {
                    self.walk_list(dot, &b.list)
                }
            } else if let Some(e) = &b.else_list {
                self.walk_list(dot, e)
            } else {
                Ok(Flow::Normal)
            }
        })();
        self.vars.truncate(mark);
        r
    }

    #[allow(clippy::needless_pass_by_value)]
    fn one_iteration(
        &mut self,
        b: &'e BranchNode,
        mark: usize,
        index: PV,
        elem: PV,
        boxed: bool,
    ) -> Result<Flow, ExecError> {
        let decl = &b.pipe.decl;
        if let Some(d0) = decl.first() {
            if b.pipe.is_assign {
                let name = d0.ident.first().map_or("", Name::as_str);
                if decl.len() > 1 {
                    self.set_var(name, index.clone(), false)?;
                } else {
                    self.set_var(name, elem.clone(), boxed)?;
                }
            } else {
                self.set_top_var(1, elem.clone(), boxed);
            }
        }
        if let Some(d1) = decl.get(1) {
            if b.pipe.is_assign {
                let name = d1.ident.first().map_or("", Name::as_str);
                self.set_var(name, elem.clone(), boxed)?;
            } else {
                self.set_top_var(2, index, false);
            }
        }
        self.charge(1)?;
        let saved = std::mem::replace(&mut self.dot_boxed, boxed);
        let r = self.walk_list(&elem, &b.list);
        self.dot_boxed = saved;
        self.vars.truncate(mark);
        match r? {
            Flow::Break => Ok(Flow::Break),
            _ => Ok(Flow::Normal),
        }
    }

    #[allow(clippy::cast_possible_wrap, clippy::too_many_lines)]
    fn walk_range(
        &mut self,
        dot: &PV,
        node: &'e Node,
        b: &'e BranchNode,
    ) -> Result<Flow, ExecError> {
        self.at = At::Node(node);
        let outer_mark = self.vars.len();
        let r = (|| {
            let (val, vpath) = self.eval_pipeline(dot, Some(&b.pipe))?;
            let mark = self.vars.len();
            let child = |seg: PathSeg| vpath.as_ref().map(|p| p.child(seg));
            let mut ran = false;
            match &val {
                Value::Int(..) | Value::Uint(..) => {
                    if b.pipe.decl.len() > 1 {
                        return Err(self.errorf(format!(
                            "can't use {} to iterate over more than one variable",
                            crate::gofmt::sprint(std::slice::from_ref(&val))
                        )));
                    }
                    // `range N`: 0 … N-1 in N's own type (none when N <= 0).
                    let (count, item): (u64, Box<dyn Fn(u64) -> Value>) = match &val {
                        Value::Int(n, t) => {
                            let t = *t;
                            (
                                u64::try_from(*n).unwrap_or(0),
                                Box::new(move |i| {
                                    Value::Int(i64::try_from(i).unwrap_or(i64::MAX), t)
                                }),
                            )
                        }
                        Value::Uint(n, t) => {
                            let t = *t;
                            (*n, Box::new(move |i| Value::Uint(i, t)))
                        }
                        _ => (0, Box::new(|_| Value::Nil)),
                    };
                    let mut i = 0;
                    while i < count {
                        ran = true;
                        if self.one_iteration(
                            b,
                            mark,
                            (Value::Nil, None),
                            (item(i), None),
                            false,
                        )? == Flow::Break
                        {
                            break;
                        }
                        i += 1;
                    }
                }
                Value::List(l) => {
                    let boxed = &*l.elem == ANY;
                    for (i, e) in l.items.iter().enumerate() {
                        ran = true;
                        let idx = (Value::int(i as i64), None);
                        let e = if boxed && e.is_nil() {
                            nil_iface()
                        } else {
                            e.clone()
                        };
                        if self.one_iteration(b, mark, idx, (e, child(PathSeg::Index(i))), boxed)?
                            == Flow::Break
                        {
                            break;
                        }
                    }
                }
                Value::Bytes(bs) => {
                    for (i, e) in bs.iter().enumerate() {
                        ran = true;
                        let idx = (Value::int(i as i64), None);
                        let el = (Value::Uint(u64::from(*e), crate::UintType::Uint8), None);
                        if self.one_iteration(b, mark, idx, el, false)? == Flow::Break {
                            break;
                        }
                    }
                }
                Value::Map(m) => {
                    let boxed = &*m.elem == ANY;
                    for (k, e) in &m.entries {
                        ran = true;
                        let idx = (Value::string(k.as_str()), None);
                        let e = if boxed && e.is_nil() {
                            nil_iface()
                        } else {
                            e.clone()
                        };
                        let el = (e, child(PathSeg::Key(Name::new(k.as_str()))));
                        if self.one_iteration(b, mark, idx, el, boxed)? == Flow::Break {
                            break;
                        }
                    }
                }
                Value::Nil => {}
                Value::TypedNil(_) if matches!(val.kind(), Kind::Map | Kind::Slice) => {}
                Value::Object(o) if o.range_entries().is_some() => {
                    for (k, e) in o.range_entries().unwrap_or_default() {
                        ran = true;
                        if self.one_iteration(b, mark, (k, None), (e, None), false)? == Flow::Break
                        {
                            break;
                        }
                    }
                }
                _ => {
                    return Err(self.errorf(format!(
                        "range can't iterate over {}",
                        crate::gofmt::sprint(std::slice::from_ref(&val))
                    )));
                }
            }
            if ran {
                return Ok(Flow::Normal);
            }
            if let Some(e) = &b.else_list {
                return self.walk_list(dot, e);
            }
            Ok(Flow::Normal)
        })();
        self.vars.truncate(outer_mark);
        r
    }

    fn walk_template(
        &mut self,
        dot: &PV,
        node: &'e Node,
        t: &'e TemplateNode,
    ) -> Result<Flow, ExecError> {
        self.at = At::Node(node);
        let set = self.set;
        let Some(tree) = set.trees.get(&t.name) else {
            return Err(self.errorf(format!(
                "template {} not defined",
                crate::gofmt::quote(&t.name)
            )));
        };
        self.check_depth()?;
        let newdot = self.eval_pipeline(dot, t.pipe.as_ref())?;
        let saved_vars = std::mem::replace(
            &mut self.vars,
            vec![(Name::new_static("$"), newdot.clone(), false)],
        );
        let saved_boxed = std::mem::replace(&mut self.dot_boxed, false);
        let saved_tree = std::mem::replace(&mut self.tree, tree);
        let saved_name = std::mem::replace(&mut self.name, t.name.clone());
        self.depth += 1;
        let r = self.walk_list(&newdot, &tree.root);
        self.depth -= 1;
        self.vars = saved_vars;
        self.dot_boxed = saved_boxed;
        self.tree = saved_tree;
        self.name = saved_name;
        r.map(|_| Flow::Normal)
    }

    // ------------------------------------------------------------ evaluation

    fn eval_pipeline(&mut self, dot: &PV, pipe: Option<&'e PipeNode>) -> Result<PV, ExecError> {
        let Some(pipe) = pipe else {
            return Ok((Value::Nil, None));
        };
        self.at = At::Pipe(pipe);
        let mut value: Option<PV> = None;
        for cmd in &pipe.cmds {
            let mut v = self.eval_command(dot, cmd, value.take())?;
            if is_nil_iface(&v.0) {
                v.0 = Value::Nil;
            }
            value = Some(v);
        }
        let value = value.unwrap_or_default();
        for var in &pipe.decl {
            let name = var.ident.first().cloned().unwrap_or_default();
            if pipe.is_assign {
                self.set_var(&name, value.clone(), false)?;
            } else {
                self.vars.push((name, value.clone(), false));
            }
        }
        Ok(value)
    }

    fn not_a_function(&self, args: &[Node], fin: Option<&PV>) -> Result<(), ExecError> {
        if args.len() > 1 || fin.is_some() {
            let first = args.first().map(ToString::to_string).unwrap_or_default();
            return Err(self.errorf(format!("can't give argument to non-function {first}")));
        }
        Ok(())
    }

    fn eval_command(
        &mut self,
        dot: &PV,
        cmd: &'e CommandNode,
        fin: Option<PV>,
    ) -> Result<PV, ExecError> {
        self.charge(1)?;
        let Some(first) = cmd.args.first() else {
            return Err(self.errorf("empty command"));
        };
        match first {
            Node::Field { ident, .. } => {
                return self.eval_field_node(dot, first, ident, &cmd.args, fin)
            }
            Node::Chain(c) => return self.eval_chain_node(dot, first, c, &cmd.args, fin),
            Node::Identifier { name, .. } => {
                return self.eval_function(dot, first, name, At::Cmd(cmd), &cmd.args, fin)
            }
            Node::Pipe(p) => {
                self.not_a_function(&cmd.args, fin.as_ref())?;
                return self.eval_pipeline(dot, Some(p));
            }
            Node::Variable(v) => {
                return self.eval_variable_node(dot, first, &v.ident, &cmd.args, fin)
            }
            _ => {}
        }
        self.at = At::Node(first);
        self.not_a_function(&cmd.args, fin.as_ref())?;
        match first {
            Node::Bool { value, .. } => Ok((Value::Bool(*value), None)),
            Node::Dot { .. } => {
                self.record(dot.1.as_ref());
                Ok(dot.clone())
            }
            Node::Nil { .. } => Err(self.errorf("nil is not a command")),
            Node::Number(n) => Ok((self.ideal_constant(first, n)?, None)),
            Node::String { text, .. } => Ok((Value::String(Arc::clone(text)), None)),
            _ => Err(self.errorf(format!(
                "can't evaluate command {}",
                crate::gofmt::quote(&first.to_string())
            ))),
        }
    }

    #[allow(clippy::float_cmp)]
    fn ideal_constant(&mut self, node: &'e Node, n: &NumberNode) -> Result<Value, ExecError> {
        self.at = At::Node(node);
        let text = &n.text;
        let is_hex_int = text.len() > 2
            && text.starts_with('0')
            && matches!(text.as_bytes().get(1), Some(b'x' | b'X'))
            && !text.contains(['p', 'P']);
        let is_rune = text.starts_with('\'');
        if n.is_complex {
            return Ok(Value::Complex(n.complex.0, n.complex.1));
        }
        if n.is_float && !is_hex_int && !is_rune && text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Ok(Value::float(n.float64));
        }
        if n.is_int {
            return Ok(Value::int(n.int64));
        }
        if n.is_uint {
            return Err(self.errorf(format!("{text} overflows int")));
        }
        Ok(Value::Nil)
    }

    fn eval_field_node(
        &mut self,
        dot: &PV,
        node: &'e Node,
        ident: &'e [Name],
        args: &'e [Node],
        fin: Option<PV>,
    ) -> Result<PV, ExecError> {
        self.at = At::Node(node);
        let boxed = self.dot_boxed;
        self.eval_field_chain(dot, (dot.clone(), boxed), node, ident, args, fin)
    }

    fn eval_chain_node(
        &mut self,
        dot: &PV,
        node: &'e Node,
        chain: &'e crate::parse::ChainNode,
        args: &'e [Node],
        fin: Option<PV>,
    ) -> Result<PV, ExecError> {
        self.at = At::Node(node);
        if chain.field.is_empty() {
            return Err(self.errorf("internal error: no fields in evalChainNode"));
        }
        if let Node::Nil { .. } = chain.node.as_ref() {
            return Err(self.errorf(format!("indirection through explicit nil in {node}")));
        }
        let pipe = self.eval_arg(dot, &PType::Go(Param::Any), &chain.node)?;
        self.eval_field_chain(dot, (pipe, false), node, &chain.field, args, fin)
    }

    fn eval_variable_node(
        &mut self,
        dot: &PV,
        node: &'e Node,
        ident: &'e [Name],
        args: &'e [Node],
        fin: Option<PV>,
    ) -> Result<PV, ExecError> {
        self.at = At::Node(node);
        let (value, boxed) = self.var_value(ident.first().map_or("", Name::as_str))?;
        if ident.len() == 1 {
            self.not_a_function(args, fin.as_ref())?;
            self.record(value.1.as_ref());
            return Ok(value);
        }
        self.eval_field_chain(
            dot,
            (value, boxed),
            node,
            ident.get(1..).unwrap_or(&[]),
            args,
            fin,
        )
    }

    fn eval_field_chain(
        &mut self,
        dot: &PV,
        mut receiver: (PV, bool),
        node: &'e Node,
        ident: &'e [Name],
        args: &'e [Node],
        fin: Option<PV>,
    ) -> Result<PV, ExecError> {
        let n = ident.len();
        for name in ident.iter().take(n.saturating_sub(1)) {
            receiver = self.eval_field(dot, name, node, &[], None, receiver)?;
        }
        let last = ident.last().map_or("", Name::as_str);
        let (r, _) = self.eval_field(dot, last, node, args, fin, receiver)?;
        self.record(r.1.as_ref());
        Ok(r)
    }

    fn eval_field(
        &mut self,
        dot: &PV,
        field: &str,
        node: &'e Node,
        args: &'e [Node],
        fin: Option<PV>,
        receiver: (PV, bool),
    ) -> Result<(PV, bool), ExecError> {
        let ((recv, rpath), boxed) = receiver;
        if recv.is_nil() {
            if self.set.missing_key == MissingKey::Error {
                return Err(self.errorf(format!(
                    "nil data; no entry for key {}",
                    crate::gofmt::quote(field)
                )));
            }
            return Ok(((Value::Nil, None), false));
        }
        // The receiver's type is named only in errors: found when one is made.
        let typ = || {
            if boxed {
                ANY.to_owned()
            } else {
                recv.type_name()
            }
        };
        let has_args = args.len() > 1 || fin.is_some();
        let child =
            |p: &Option<DataPath>| p.as_ref().map(|p| p.child(PathSeg::Key(Name::new(field))));
        match &recv {
            Value::TypedNil(_) if recv.kind() == Kind::Interface => {
                Err(self.errorf(format!("nil pointer evaluating {}.{field}", typ())))
            }
            Value::Object(o) => match o.member(field) {
                Some(crate::value::Member::Method(f)) => {
                    let v =
                        self.eval_call(dot, &Callee::Func(f), At::Node(node), field, args, fin)?;
                    Ok(((v, None), false))
                }
                Some(crate::value::Member::Field(v)) => {
                    if has_args {
                        return Err(self.errorf(format!(
                            "{field} has arguments but cannot be invoked as function"
                        )));
                    }
                    Ok(((v, child(&rpath)), false))
                }
                None => Err(self.errorf(format!("can't evaluate field {field} in type {}", typ()))),
            },
            Value::Map(m) => {
                if has_args {
                    return Err(self.errorf(format!("{field} is not a method but has arguments")));
                }
                match m.entries.get(field) {
                    // A nil stored in a map of interfaces is a nil interface.
                    Some(Value::Nil) if &*m.elem == ANY => Ok(((nil_iface(), child(&rpath)), true)),
                    Some(v) => Ok(((v.clone(), child(&rpath)), &*m.elem == ANY)),
                    None => match self.set.missing_key {
                        MissingKey::Default => Ok(((Value::Nil, child(&rpath)), false)),
                        MissingKey::Zero => {
                            let z = if &*m.elem == ANY {
                                nil_iface()
                            } else {
                                zero_of(&m.elem)
                            };
                            Ok(((z, child(&rpath)), &*m.elem == ANY))
                        }
                        MissingKey::Error => Err(self.errorf(format!(
                            "map has no entry for key {}",
                            crate::gofmt::quote(field)
                        ))),
                    },
                }
            }
            Value::TypedNil(_) if recv.kind() == Kind::Ptr => {
                Err(self.errorf(format!("nil pointer evaluating {}.{field}", typ())))
            }
            Value::TypedNil(_) if recv.kind() == Kind::Map => {
                if has_args {
                    return Err(self.errorf(format!("{field} is not a method but has arguments")));
                }
                Ok(((Value::Nil, None), false))
            }
            _ => Err(self.errorf(format!("can't evaluate field {field} in type {}", typ()))),
        }
    }

    fn eval_function(
        &mut self,
        dot: &PV,
        node: &'e Node,
        name: &'e str,
        call_node: At<'e>,
        args: &'e [Node],
        fin: Option<PV>,
    ) -> Result<PV, ExecError> {
        self.at = At::Node(node);
        let callee = if let Some(f) = self.set.funcs.get(name) {
            Callee::Func(f.clone())
        } else if let Some(b) = Builtin::from_name(name) {
            Callee::Builtin(b)
        } else {
            return Err(self.errorf(format!(
                "{} is not a defined function",
                crate::gofmt::quote(name)
            )));
        };
        let is_index = matches!(callee, Callee::Builtin(Builtin::Index));
        if is_index && self.paths_on {
            return self.eval_index_traced(dot, call_node, args, fin);
        }
        let v = self.eval_call(dot, &callee, call_node, name, args, fin)?;
        Ok((v, None))
    }

    /// `index` keeping the data path of the item it reaches.
    fn eval_index_traced(
        &mut self,
        dot: &PV,
        call_node: At<'e>,
        args: &'e [Node],
        fin: Option<PV>,
    ) -> Result<PV, ExecError> {
        let mark = self.reads.len();
        let mut pvs: Vec<PV> = Vec::new();
        for a in args.iter().skip(1) {
            pvs.push(self.eval_arg(dot, &PType::Reflect, a)?);
        }
        if let Some(f) = fin {
            pvs.push(f);
        }
        let Some((item, ipath)) = pvs.first().cloned() else {
            return Err(self.errorf("wrong number of args for index: want at least 1 got 0"));
        };
        let idx: Vec<Value> = pvs.iter().skip(1).map(|p| p.0.clone()).collect();
        match builtins::index(&item, &idx) {
            Ok(v) => {
                let mut path = ipath;
                for k in &idx {
                    path = path.and_then(|p| match k {
                        Value::String(s) => Some(p.child(PathSeg::Key(Name::new(&**s)))),
                        Value::Int(i, _) => {
                            usize::try_from(*i).ok().map(|i| p.child(PathSeg::Index(i)))
                        }
                        Value::Uint(u, _) => {
                            usize::try_from(*u).ok().map(|i| p.child(PathSeg::Index(i)))
                        }
                        _ => None,
                    });
                }
                if let Some(p) = &path {
                    // The container is read only to reach the item: keep the item.
                    let mut i = mark;
                    while i < self.reads.len() {
                        if self.reads.get(i).is_some_and(|r| r.is_ancestor_of(p)) {
                            self.reads.remove(i);
                        } else {
                            i += 1;
                        }
                    }
                }
                self.record(path.as_ref());
                Ok((v, path))
            }
            Err(e) => {
                self.at = call_node;
                Err(self.errorf(format!("error calling index: {e}")))
            }
        }
    }

    #[allow(clippy::too_many_lines)]
    fn eval_call(
        &mut self,
        dot: &PV,
        callee: &Callee,
        node: At<'e>,
        name: &str,
        args: &'e [Node],
        fin: Option<PV>,
    ) -> Result<Value, ExecError> {
        let args = args.get(1..).unwrap_or(&[]);
        let (params, variadic) = callee.signature();
        let num_in = args.len() + usize::from(fin.is_some());
        let num_fixed = if variadic.is_some() {
            if num_in < params.len() {
                return Err(self.errorf(format!(
                    "wrong number of args for {name}: want at least {} got {}",
                    params.len(),
                    args.len()
                )));
            }
            params.len()
        } else {
            if num_in != params.len() {
                return Err(self.errorf(format!(
                    "wrong number of args for {name}: want {} got {num_in}",
                    params.len()
                )));
            }
            args.len()
        };

        if let Callee::Builtin(b @ (Builtin::And | Builtin::Or)) = callee {
            let is_or = *b == Builtin::Or;
            let mut v: PV = (Value::Nil, None);
            for a in args {
                v = self.eval_arg(dot, &PType::Reflect, a)?;
                if indirect_iface(v.0.clone()).truth() == is_or {
                    return Ok(v.0);
                }
            }
            if let Some(f) = fin {
                v = f;
            }
            return Ok(v.0);
        }

        let mut argv: Vec<PV> = Vec::with_capacity(num_in);
        let mut i = 0;
        while i < num_fixed && i < args.len() {
            let p = params.get(i).cloned().unwrap_or(PType::Go(Param::Any));
            let a = args
                .get(i)
                .map_or(Ok((Value::Nil, None)), |a| self.eval_arg(dot, &p, a))?;
            argv.push(a);
            i += 1;
        }
        if let Some(vp) = &variadic {
            while i < args.len() {
                let a = args
                    .get(i)
                    .map_or(Ok((Value::Nil, None)), |a| self.eval_arg(dot, vp, a))?;
                argv.push(a);
                i += 1;
            }
        }
        if let Some(f) = fin {
            let t = if variadic.is_some() && num_in > num_fixed {
                variadic.clone().unwrap_or(PType::Go(Param::Any))
            } else {
                params
                    .get(num_in - 1)
                    .cloned()
                    .unwrap_or(PType::Go(Param::Any))
            };
            let v = self.validate_type(f.0, &t)?;
            argv.push((v, f.1));
        }

        let result = match callee {
            Callee::Builtin(Builtin::Call) => {
                let callee_name = match args.first() {
                    Some(a) => a.to_string(),
                    // Go prints the reflect.Value: the string itself, else `<T Value>`.
                    None => match argv.first().map(|v| &v.0) {
                        Some(Value::String(s)) => s.to_string(),
                        Some(v) => format!("<{} Value>", v.type_name()),
                        None => String::new(),
                    },
                };
                self.builtin_call(&callee_name, argv)
            }
            Callee::Builtin(b) => {
                let vals: Vec<Value> = argv.into_iter().map(|p| p.0).collect();
                let r = builtins::call_builtin(*b, &vals).map_err(FuncError::Message);
                // Work proportional to what a builtin built (`printf "%1000000d"`,
                // `slice` of a long list) counts against the step budget.
                let built = match &r {
                    Ok(Value::String(s)) => s.len(),
                    Ok(Value::List(l)) => l.items.len(),
                    _ => 0,
                };
                self.charge((built / 16) as u64)?;
                r
            }
            Callee::Func(f) => {
                // Errors raised by nested executions (depth, budgets) point at the call.
                self.at = node;
                self.call_func(f, name, argv)
            }
        };
        match result {
            Ok(v) => Ok(v),
            Err(FuncError::Abort(e)) => Err(*e),
            Err(FuncError::Message(m)) => {
                self.at = node;
                Err(self.errorf(format!("error calling {name}: {m}")))
            }
        }
    }

    fn call_func(&mut self, f: &Func, name: &str, argv: Vec<PV>) -> Result<Value, FuncError> {
        let paths_on = self.paths_on;
        let arg_paths: Vec<(Value, Option<DataPath>)> =
            if paths_on { argv.clone() } else { Vec::new() };
        let vals: Vec<Value> = argv.into_iter().map(|p| p.0).collect();
        let mut ctx = CallCtx {
            state: self,
            name,
            arg_paths,
        };
        f.call(&mut ctx, vals)
    }

    /// The `call` builtin: `call fn args...`.
    fn builtin_call(&mut self, callee_name: &str, argv: Vec<PV>) -> Result<Value, FuncError> {
        let mut it = argv.into_iter();
        let fnv = it.next().map(|p| indirect_iface(p.0)).unwrap_or_default();
        let rest: Vec<PV> = it.collect();
        let f = match &fnv {
            Value::Nil => return Err(FuncError::msg("call of nil")),
            Value::Func(f) => f.clone(),
            other => {
                return Err(FuncError::msg(format!(
                    "non-function {callee_name} of type {}",
                    other.type_name()
                )))
            }
        };
        let params = f.params().to_vec();
        let variadic = f.variadic_param().cloned();
        let n = params.len();
        if variadic.is_some() {
            if rest.len() < n {
                return Err(FuncError::msg(format!(
                    "wrong number of args for {callee_name}: got {} want at least {n}",
                    rest.len()
                )));
            }
        } else if rest.len() != n {
            return Err(FuncError::msg(format!(
                "wrong number of args for {callee_name}: got {} want {n}",
                rest.len()
            )));
        }
        let mut argv = Vec::with_capacity(rest.len());
        for (i, (v, p)) in rest.into_iter().enumerate() {
            let v = indirect_iface(v);
            let t = params
                .get(i)
                .or(variadic.as_ref())
                .cloned()
                .unwrap_or(Param::Any);
            let v = prepare_arg(v, &t).map_err(|e| FuncError::msg(format!("arg {i}: {e}")))?;
            argv.push((v, p));
        }
        self.call_func(&f, callee_name, argv)
    }

    fn validate_type(&self, value: Value, t: &PType) -> Result<Value, ExecError> {
        let p = match t {
            PType::Reflect => return Ok(value),
            PType::Go(p) => p,
        };
        if value.is_nil() {
            return match p {
                Param::Any => Ok(Value::Nil),
                Param::Slice(e) => Ok(Value::typed_list(e, Vec::new())),
                Param::Map(e) => Ok(Value::typed_map(e, std::collections::BTreeMap::new())),
                Param::Named(n) | Param::Interface(n, _) if can_be_nil_name(n) => {
                    Ok(Value::TypedNil(Arc::clone(n)))
                }
                _ => Err(self.errorf(format!("invalid value; expected {}", p.go_name()))),
            };
        }
        if let Param::Any = p {
            return Ok(indirect_iface(value));
        }
        if assignable(&value, p) {
            return Ok(value);
        }
        Err(self.errorf(format!(
            "wrong type for value; expected {}; got {}",
            p.go_name(),
            value.type_name()
        )))
    }

    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_possible_wrap,
        clippy::many_single_char_names
    )]
    fn eval_arg(&mut self, dot: &PV, t: &PType, n: &'e Node) -> Result<PV, ExecError> {
        self.at = At::Node(n);
        match n {
            Node::Dot { .. } => {
                self.record(dot.1.as_ref());
                let v = self.validate_type(dot.0.clone(), t)?;
                return Ok((v, dot.1.clone()));
            }
            Node::Nil { .. } => {
                return match t {
                    PType::Reflect | PType::Go(Param::Any) => Ok((Value::Nil, None)),
                    PType::Go(p) => match p {
                        Param::Slice(e) => Ok((Value::typed_list(e, Vec::new()), None)),
                        Param::Map(e) => {
                            Ok((Value::typed_map(e, std::collections::BTreeMap::new()), None))
                        }
                        Param::Named(nm) | Param::Interface(nm, _) if can_be_nil_name(nm) => {
                            Ok((Value::TypedNil(Arc::clone(nm)), None))
                        }
                        _ => Err(self.errorf(format!("cannot assign nil to {}", p.go_name()))),
                    },
                };
            }
            Node::Field { ident, .. } => {
                let v = self.eval_field_node(dot, n, ident, std::slice::from_ref(n), None)?;
                let x = self.validate_type(v.0, t)?;
                return Ok((x, v.1));
            }
            Node::Variable(var) => {
                let v = self.eval_variable_node(dot, n, &var.ident, &[], None)?;
                let x = self.validate_type(v.0, t)?;
                return Ok((x, v.1));
            }
            Node::Pipe(p) => {
                let v = self.eval_pipeline(dot, Some(p))?;
                let x = self.validate_type(v.0, t)?;
                return Ok((x, v.1));
            }
            Node::Identifier { name, .. } => {
                let v =
                    self.eval_function(dot, n, name, At::Node(n), std::slice::from_ref(n), None)?;
                let x = self.validate_type(v.0, t)?;
                return Ok((x, v.1));
            }
            Node::Chain(c) => {
                let v = self.eval_chain_node(dot, n, c, &[], None)?;
                let x = self.validate_type(v.0, t)?;
                return Ok((x, v.1));
            }
            _ => {}
        }
        let p = match t {
            PType::Reflect | PType::Go(Param::Any) => {
                return Ok((self.eval_empty_interface(dot, n)?, None))
            }
            PType::Go(p) => p,
        };
        let v = match (p, n) {
            (Param::Bool, Node::Bool { value, .. }) => Value::Bool(*value),
            (Param::Bool, _) => return Err(self.errorf(format!("expected bool; found {n}"))),
            (Param::String, Node::String { text, .. }) => Value::String(Arc::clone(text)),
            (Param::String, _) => return Err(self.errorf(format!("expected string; found {n}"))),
            (Param::Int(it), Node::Number(num)) if num.is_int => {
                Value::Int(wrap_int(num.int64, *it), *it)
            }
            (Param::Int(_), _) => return Err(self.errorf(format!("expected integer; found {n}"))),
            (Param::Uint(ut), Node::Number(num)) if num.is_uint => {
                Value::Uint(wrap_uint(num.uint64, *ut), *ut)
            }
            (Param::Uint(_), _) => {
                return Err(self.errorf(format!("expected unsigned integer; found {n}")))
            }
            (Param::Float(ft), Node::Number(num)) if num.is_float => {
                let f = if *ft == crate::FloatType::F32 {
                    f64::from(num.float64 as f32)
                } else {
                    num.float64
                };
                Value::Float(f, *ft)
            }
            (Param::Float(_), _) => return Err(self.errorf(format!("expected float; found {n}"))),
            (Param::Complex, Node::Number(num)) if num.is_complex => {
                Value::Complex(num.complex.0, num.complex.1)
            }
            (Param::Complex, _) => return Err(self.errorf(format!("expected complex; found {n}"))),
            _ => {
                return Err(
                    self.errorf(format!("can't handle {n} for arg of type {}", p.go_name()))
                );
            }
        };
        Ok((v, None))
    }

    fn eval_empty_interface(&mut self, dot: &PV, n: &'e Node) -> Result<Value, ExecError> {
        self.at = At::Node(n);
        match n {
            Node::Bool { value, .. } => Ok(Value::Bool(*value)),
            Node::Dot { .. } => Ok(dot.0.clone()),
            Node::Number(num) => self.ideal_constant(n, num),
            Node::String { text, .. } => Ok(Value::String(Arc::clone(text))),
            Node::Nil { .. } => Err(self.errorf("evalEmptyInterface: nil (can't happen)")),
            _ => Err(self.errorf(format!(
                "can't handle assignment of {n} to empty interface argument"
            ))),
        }
    }

    /// What an action prints for a value (Go's `printableValue` + `fmt.Fprint`).
    fn printable(&self, node: &Node, v: &Value) -> Result<String, ExecError> {
        match v {
            Value::Nil => Ok("<no value>".to_owned()),
            Value::Func(_) => {
                Err(self.errorf(format!("can't print {node} of type {}", v.type_name())))
            }
            _ => Ok(crate::gofmt::sprint_action(v)),
        }
    }
}

/// A parameter type as the executor sees it: Go's, or `reflect.Value` (builtins).
#[derive(Clone, Debug)]
pub(crate) enum PType {
    Go(Param),
    Reflect,
}

pub(crate) enum Callee {
    Func(Func),
    Builtin(Builtin),
}

impl Callee {
    fn signature(&self) -> (Vec<PType>, Option<PType>) {
        match self {
            Callee::Func(f) => (
                f.params().iter().cloned().map(PType::Go).collect(),
                f.variadic_param().cloned().map(PType::Go),
            ),
            Callee::Builtin(b) => b.signature(),
        }
    }
}

fn can_be_nil_name(n: &str) -> bool {
    n.starts_with('*')
        || n.starts_with("[]")
        || n.starts_with("map[")
        || n.starts_with("func")
        || n.starts_with("chan")
        || n == "error"
        || n.contains('.') && !n.starts_with("time.") && !n.starts_with("chart.")
}

#[allow(clippy::cast_possible_truncation)]
fn wrap_int(v: i64, t: crate::IntType) -> i64 {
    match t {
        crate::IntType::Int8 => i64::from(v as i8),
        crate::IntType::Int16 => i64::from(v as i16),
        crate::IntType::Int32 => i64::from(v as i32),
        _ => v,
    }
}

#[allow(clippy::cast_possible_truncation)]
fn wrap_uint(v: u64, t: crate::UintType) -> u64 {
    match t {
        crate::UintType::Uint8 => u64::from(v as u8),
        crate::UintType::Uint16 => u64::from(v as u16),
        crate::UintType::Uint32 => u64::from(v as u32),
        _ => v,
    }
}

/// Go's assignability of a value to a parameter type.
pub(crate) fn assignable(v: &Value, p: &Param) -> bool {
    match (p, v) {
        (Param::Any, _)
        | (Param::Bool, Value::Bool(_))
        | (Param::String, Value::String(_))
        | (Param::Complex, Value::Complex(..)) => true,
        (Param::Int(t), Value::Int(_, u)) => t == u,
        (Param::Uint(t), Value::Uint(_, u)) => t == u,
        (Param::Float(t), Value::Float(_, u)) => t == u,
        (Param::Slice(e), Value::List(l)) => *e == l.elem,
        (Param::Slice(e), Value::Bytes(_)) => &**e == "uint8",
        (Param::Map(e), Value::Map(m)) => *e == m.elem,
        (Param::Named(n), _) => v.has_type_name(n),
        (Param::Interface(_, pred), _) => pred(v),
        _ => false,
    }
}

/// Go's `prepareArg` for `call`: assignable, or an integer converted to another integer type.
#[allow(clippy::cast_sign_loss, clippy::cast_possible_wrap)]
fn prepare_arg(v: Value, p: &Param) -> Result<Value, String> {
    if v.is_nil() {
        return match p {
            Param::Any => Ok(Value::Nil),
            Param::Slice(e) => Ok(Value::typed_list(e, Vec::new())),
            Param::Map(e) => Ok(Value::typed_map(e, std::collections::BTreeMap::new())),
            Param::Named(n) | Param::Interface(n, _) if can_be_nil_name(n) => {
                Ok(Value::TypedNil(Arc::clone(n)))
            }
            _ => Err(format!("value is nil; should be of type {}", p.go_name())),
        };
    }
    if assignable(&v, p) {
        return Ok(v);
    }
    match (&v, p) {
        (Value::Int(i, _), Param::Int(t)) => Ok(Value::Int(wrap_int(*i, *t), *t)),
        (Value::Int(i, _), Param::Uint(t)) => Ok(Value::Uint(wrap_uint(*i as u64, *t), *t)),
        (Value::Uint(u, _), Param::Int(t)) => Ok(Value::Int(wrap_int(*u as i64, *t), *t)),
        (Value::Uint(u, _), Param::Uint(t)) => Ok(Value::Uint(wrap_uint(*u, *t), *t)),
        _ => Err(format!(
            "value has type {}; should be {}",
            v.type_name(),
            p.go_name()
        )),
    }
}

/// Identity for finding which argument a function passed on (`include "x" .`).
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Map(x), Value::Map(y)) => Arc::ptr_eq(x, y),
        (Value::List(x), Value::List(y)) => Arc::ptr_eq(x, y),
        (Value::Object(x), Value::Object(y)) => Arc::ptr_eq(x, y),
        (Value::String(x), Value::String(y)) => Arc::ptr_eq(x, y),
        _ => false,
    }
}
