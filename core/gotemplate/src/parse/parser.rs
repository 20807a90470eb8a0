//! The parser: Go's `text/template/parse` grammar, checks and error messages.

use std::sync::Arc;

use super::lex::{Item, Lexer, Token};
use super::node::{
    BranchKind, BranchNode, ChainNode, CommandNode, Name, Node, NumberNode, PipeNode, TemplateNode,
    TextRef, Tree, VariableNode,
};
use crate::error::ParseError;

/// Parser settings.
pub struct Options<'a> {
    /// Left delimiter; empty means `{{`.
    pub left: &'a str,
    /// Right delimiter; empty means `}}`.
    pub right: &'a str,
    /// Whether a function name is defined (Go: `function %q not defined`).
    pub is_func: &'a dyn Fn(&str) -> bool,
    /// Maximum nesting of parenthesised pipelines (Go's `maxStackDepth`; error
    /// `max expression depth exceeded`). Control structures (`if`, `range`, ...)
    /// nest up to the same number, separately counted (Go has no such limit; it
    /// bounds the parser's recursion).
    pub max_depth: usize,
}

/// Parses `text` as the template `name`: returns its tree first (when it is
/// not replaced by a `define` of the same name), then one tree per
/// `define`/`block` (Go's `parse.Parse`).
pub fn parse(name: &str, text: &str, opts: &Options<'_>) -> Result<Vec<Tree>, ParseError> {
    let (mut p, tree) = parse_body(name, text, opts)?;
    p.add(tree)?;
    Ok(p.trees)
}

/// Parses `text` as the template `name`: returns its own tree (Go's `Tree`
/// returned by `Tree.Parse`, even when an empty body is not added to the set)
/// and the set of trees to add (Go's `treeSet`).
pub fn parse_tree(
    name: &str,
    text: &str,
    opts: &Options<'_>,
) -> Result<(Tree, Vec<Tree>), ParseError> {
    let (mut p, tree) = parse_body(name, text, opts)?;
    p.add(tree.clone())?;
    Ok((tree, p.trees))
}

/// The parser after the whole text, and the tree of the text's own body.
fn parse_body<'a, 'o>(
    name: &str,
    text: &'a str,
    opts: &'o Options<'o>,
) -> Result<(Parser<'a, 'o>, Tree), ParseError> {
    let mut lex = Lexer::new(text, opts.left, opts.right);
    lex.break_ok = !(opts.is_func)("break");
    lex.continue_ok = !(opts.is_func)("continue");
    let mut p = Parser {
        lex,
        token: [eof_token(), eof_token(), eof_token()],
        peek_count: 0,
        vars: vec![Name::new_static("$")],
        range_depth: 0,
        stack_depth: 0,
        block_depth: 0,
        action_line: 0,
        parse_name: name.to_owned(),
        text: Arc::from(text),
        left: if opts.left.is_empty() {
            "{{".to_owned()
        } else {
            opts.left.to_owned()
        },
        right: if opts.right.is_empty() {
            "}}".to_owned()
        } else {
            opts.right.to_owned()
        },
        opts,
        pending: Vec::new(),
        pending_cmds: Vec::new(),
        trees: Vec::new(),
        line_starts: std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
            .collect(),
    };
    let root = p.parse_top()?;
    let tree = p.make_tree(name.to_owned(), root);
    Ok((p, tree))
}

/// Control structures may always nest this deep, whatever `max_depth` says.
const MIN_BLOCK_DEPTH: usize = 100;

fn eof_token<'a>() -> Token<'a> {
    Token {
        typ: Item::Eof,
        pos: 0,
        val: std::borrow::Cow::Borrowed(""),
        line: 1,
    }
}

struct Parser<'a, 'o> {
    lex: Lexer<'a>,
    token: [Token<'a>; 3],
    peek_count: usize,
    vars: Vec<Name>,
    range_depth: usize,
    stack_depth: usize,
    block_depth: usize,
    action_line: usize,
    parse_name: String,
    text: Arc<str>,
    left: String,
    right: String,
    opts: &'o Options<'o>,
    trees: Vec<Tree>,
    line_starts: Arc<[usize]>,
    /// The nodes of the lists and commands being read, innermost last: each
    /// takes its own off the top when it ends, into a vector of exactly its
    /// length (most commands have one or two arguments; a vector grown by
    /// pushes would hold four).
    pending: Vec<Node>,
    /// The commands of the pipelines being read, innermost last (as `pending`).
    pending_cmds: Vec<CommandNode>,
}

/// The items pushed onto `stack` since it was `base` long, in a vector of
/// exactly their number, moved in one copy; the stack keeps its buffer
/// (`parsed_lists_and_commands_are_exactly_sized` holds `split_off` to that).
fn take_exact<T>(stack: &mut Vec<T>, base: usize) -> Vec<T> {
    stack.split_off(base.min(stack.len()))
}

type PResult<T> = Result<T, ParseError>;

/// What ended an item list.
enum End {
    End,
    Else,
}

impl<'a> Parser<'a, '_> {
    fn make_tree(&self, name: String, root: Vec<Node>) -> Tree {
        Tree {
            name,
            parse_name: self.parse_name.clone(),
            root,
            text: Arc::clone(&self.text),
            left: self.left.clone(),
            right: self.right.clone(),
            line_starts: Arc::clone(&self.line_starts),
        }
    }

    fn next(&mut self) -> Token<'a> {
        if self.peek_count > 0 {
            self.peek_count -= 1;
        } else if let Some(t) = self.token.first_mut() {
            *t = self.lex.next_item();
        }
        self.token
            .get(self.peek_count)
            .cloned()
            .unwrap_or_else(eof_token)
    }

    fn backup(&mut self) {
        self.peek_count += 1;
    }

    fn backup2(&mut self, t1: Token<'a>) {
        if let Some(t) = self.token.get_mut(1) {
            *t = t1;
        }
        self.peek_count = 2;
    }

    fn backup3(&mut self, t2: Token<'a>, t1: Token<'a>) {
        let [_, a, b] = &mut self.token;
        *a = t1;
        *b = t2;
        self.peek_count = 3;
    }

    fn peek(&mut self) -> Token<'a> {
        if self.peek_count > 0 {
            return self
                .token
                .get(self.peek_count - 1)
                .cloned()
                .unwrap_or_else(eof_token);
        }
        self.peek_count = 1;
        if let Some(t) = self.token.first_mut() {
            *t = self.lex.next_item();
        }
        self.token.first().cloned().unwrap_or_else(eof_token)
    }

    fn peek_typ(&mut self) -> Item {
        if self.peek_count == 0 {
            self.peek_count = 1;
            if let Some(t) = self.token.first_mut() {
                *t = self.lex.next_item();
            }
        }
        self.token
            .get(self.peek_count - 1)
            .map_or(Item::Eof, |t| t.typ)
    }

    fn peek_non_space_typ(&mut self) -> Item {
        loop {
            let t = self.peek_typ();
            if t != Item::Space {
                return t;
            }
            self.peek_count -= 1;
        }
    }

    fn next_non_space(&mut self) -> Token<'a> {
        loop {
            let t = self.next();
            if t.typ != Item::Space {
                return t;
            }
        }
    }

    fn peek_non_space(&mut self) -> Token<'a> {
        let t = self.next_non_space();
        self.backup();
        t
    }

    fn errorf(&self, msg: String) -> ParseError {
        ParseError {
            name: self.parse_name.clone(),
            line: self.token.first().map_or(1, |t| t.line),
            offset: self.token.first().map_or(0, |t| t.pos),
            message: msg,
        }
    }

    fn unexpected(&self, token: &Token, context: &str) -> ParseError {
        if token.typ == Item::Error {
            let mut extra = String::new();
            if self.action_line != 0 && self.action_line != token.line {
                extra = format!(
                    " in action started at {}:{}",
                    self.parse_name, self.action_line
                );
                if token.val.ends_with(" action") {
                    extra = extra[" in action".len()..].to_owned();
                }
            }
            return self.errorf(format!("{}{}", token.describe(), extra));
        }
        self.errorf(format!("unexpected {} in {}", token.describe(), context))
    }

    fn expect(&mut self, expected: Item, context: &str) -> PResult<Token<'a>> {
        let t = self.next_non_space();
        if t.typ != expected {
            return Err(self.unexpected(&t, context));
        }
        Ok(t)
    }

    fn add(&mut self, tree: Tree) -> PResult<()> {
        if let Some(old) = self.trees.iter_mut().find(|t| t.name == tree.name) {
            if old.is_empty() {
                *old = tree;
                return Ok(());
            }
            if !tree.is_empty() {
                return Err(self.errorf(format!(
                    "template: multiple definition of template {}",
                    crate::gofmt::quote(&tree.name)
                )));
            }
            return Ok(());
        }
        self.trees.push(tree);
        Ok(())
    }

    fn parse_top(&mut self) -> PResult<Vec<Node>> {
        let mut root = Vec::new();
        while self.peek_typ() != Item::Eof {
            if self.peek_typ() == Item::LeftDelim {
                let delim = self.next();
                if self.next_non_space().typ == Item::Define {
                    self.parse_definition()?;
                    continue;
                }
                self.backup2(delim);
            }
            match self.text_or_action()? {
                Parsed::Node(n) => root.push(n),
                Parsed::End => return Err(self.errorf("unexpected {{end}}".to_owned())),
                Parsed::Else => return Err(self.errorf("unexpected {{else}}".to_owned())),
            }
        }
        Ok(root)
    }

    fn parse_definition(&mut self) -> PResult<()> {
        const CONTEXT: &str = "define clause";
        let t = self.next_non_space();
        if t.typ != Item::String && t.typ != Item::RawString {
            return Err(self.unexpected(&t, CONTEXT));
        }
        let name = self.unquote(&t.val)?;
        self.expect(Item::RightDelim, CONTEXT)?;
        let saved_vars = std::mem::replace(&mut self.vars, vec![Name::new_static("$")]);
        let saved_range = std::mem::replace(&mut self.range_depth, 0);
        let (list, end) = self.item_list()?;
        self.vars = saved_vars;
        self.range_depth = saved_range;
        if let End::Else = end {
            return Err(self.errorf(format!("unexpected {} in {}", "{{else}}", CONTEXT)));
        }
        let tree = self.make_tree(name, list);
        self.add(tree)
    }

    fn item_list(&mut self) -> PResult<(Vec<Node>, End)> {
        let base = self.pending.len();
        let end = self.item_list_pending();
        let list = take_exact(&mut self.pending, base);
        Ok((list, end?))
    }

    /// [`Parser::item_list`]'s nodes, onto `pending`.
    fn item_list_pending(&mut self) -> PResult<End> {
        while self.peek_non_space_typ() != Item::Eof {
            match self.text_or_action()? {
                Parsed::Node(n) => self.pending.push(n),
                Parsed::End => return Ok(End::End),
                Parsed::Else => return Ok(End::Else),
            }
        }
        Err(self.errorf("unexpected EOF".to_owned()))
    }

    fn text_or_action(&mut self) -> PResult<Parsed> {
        let t = self.next_non_space();
        match t.typ {
            Item::Text => Ok(Parsed::Node(Node::Text {
                pos: t.pos,
                text: TextRef::new(Arc::clone(&self.text), t.pos..t.pos + t.val.len()),
            })),
            Item::LeftDelim => {
                self.action_line = t.line;
                let r = self.action();
                self.action_line = 0;
                r
            }
            Item::Comment => Ok(Parsed::Node(Node::Comment {
                pos: t.pos,
                text: t.val.to_string(),
            })),
            _ => Err(self.unexpected(&t, "input")),
        }
    }

    fn action(&mut self) -> PResult<Parsed> {
        let t = self.next_non_space();
        match t.typ {
            Item::Block => return self.block_control().map(Parsed::Node),
            Item::Break => return self.break_control(&t, true).map(Parsed::Node),
            Item::Continue => return self.break_control(&t, false).map(Parsed::Node),
            Item::Else => return self.else_control(),
            Item::End => {
                self.expect(Item::RightDelim, "end")?;
                return Ok(Parsed::End);
            }
            Item::If => return self.control(BranchKind::If).map(Parsed::Node),
            Item::Range => return self.control(BranchKind::Range).map(Parsed::Node),
            Item::Template => return self.template_control().map(Parsed::Node),
            Item::With => return self.control(BranchKind::With).map(Parsed::Node),
            _ => {}
        }
        self.backup();
        let t = self.peek();
        let pipe = self.pipeline("command", Item::RightDelim)?;
        Ok(Parsed::Node(Node::Action {
            pos: t.pos,
            line: t.line,
            pipe: Box::new(pipe),
        }))
    }

    fn break_control(&mut self, kw: &Token, is_break: bool) -> PResult<Node> {
        let name = if is_break {
            "{{break}}"
        } else {
            "{{continue}}"
        };
        let t = self.next_non_space();
        if t.typ != Item::RightDelim {
            return Err(self.unexpected(&t, name));
        }
        if self.range_depth == 0 {
            return Err(self.errorf(format!("{name} outside {{{{range}}}}")));
        }
        Ok(if is_break {
            Node::Break {
                pos: kw.pos,
                line: kw.line,
            }
        } else {
            Node::Continue {
                pos: kw.pos,
                line: kw.line,
            }
        })
    }

    fn else_control(&mut self) -> PResult<Parsed> {
        let p = self.peek_non_space();
        if p.typ == Item::If || p.typ == Item::With {
            return Ok(Parsed::Else);
        }
        self.expect(Item::RightDelim, "else").map(|_| Parsed::Else)
    }

    fn control(&mut self, kind: BranchKind) -> PResult<Node> {
        if self.block_depth >= self.opts.max_depth.max(MIN_BLOCK_DEPTH) {
            return Err(self.errorf("max expression depth exceeded".to_owned()));
        }
        self.block_depth += 1;
        let mark = self.vars.len();
        let r = self.control_inner(kind);
        self.vars.truncate(mark);
        self.block_depth -= 1;
        r
    }

    fn control_inner(&mut self, kind: BranchKind) -> PResult<Node> {
        let context = match kind {
            BranchKind::If => "if",
            BranchKind::Range => "range",
            BranchKind::With => "with",
        };
        let pipe = self.pipeline(context, Item::RightDelim)?;
        if kind == BranchKind::Range {
            self.range_depth += 1;
        }
        let r = self.item_list();
        if kind == BranchKind::Range {
            self.range_depth -= 1;
        }
        let (list, end) = r?;
        let mut else_list = None;
        if let End::Else = end {
            if kind == BranchKind::If && self.peek_typ() == Item::If {
                self.next();
                else_list = Some(vec![self.control(BranchKind::If)?]);
            } else if kind == BranchKind::With && self.peek_typ() == Item::With {
                self.next();
                else_list = Some(vec![self.control(BranchKind::With)?]);
            } else {
                let (l, e) = self.item_list()?;
                if let End::Else = e {
                    return Err(self.errorf("expected end; found {{else}}".to_owned()));
                }
                else_list = Some(l);
            }
        }
        Ok(Node::Branch(Box::new(BranchNode {
            kind,
            pos: pipe.pos,
            line: pipe.line,
            pipe,
            list,
            else_list,
        })))
    }

    fn block_control(&mut self) -> PResult<Node> {
        const CONTEXT: &str = "block clause";
        let t = self.next_non_space();
        let name = self.template_name(&t, CONTEXT)?;
        let pipe = self.pipeline(CONTEXT, Item::RightDelim)?;
        let saved_vars = std::mem::replace(&mut self.vars, vec![Name::new_static("$")]);
        let saved_range = std::mem::replace(&mut self.range_depth, 0);
        let r = self.item_list();
        self.vars = saved_vars;
        self.range_depth = saved_range;
        let (list, end) = r?;
        if let End::Else = end {
            return Err(self.errorf(format!("unexpected {} in {}", "{{else}}", CONTEXT)));
        }
        let tree = self.make_tree(name.clone(), list);
        self.add(tree)?;
        Ok(Node::Template(Box::new(TemplateNode {
            pos: t.pos,
            line: t.line,
            name,
            pipe: Some(pipe),
        })))
    }

    fn template_control(&mut self) -> PResult<Node> {
        const CONTEXT: &str = "template clause";
        let t = self.next_non_space();
        let name = self.template_name(&t, CONTEXT)?;
        let mut pipe = None;
        if self.next_non_space().typ != Item::RightDelim {
            self.backup();
            pipe = Some(self.pipeline(CONTEXT, Item::RightDelim)?);
        }
        Ok(Node::Template(Box::new(TemplateNode {
            pos: t.pos,
            line: t.line,
            name,
            pipe,
        })))
    }

    fn template_name(&self, t: &Token, context: &str) -> PResult<String> {
        match t.typ {
            Item::String | Item::RawString => self.unquote(&t.val),
            _ => Err(self.unexpected(t, context)),
        }
    }

    fn unquote(&self, s: &str) -> PResult<String> {
        crate::gofmt::unquote(s).ok_or_else(|| self.errorf("invalid syntax".to_owned()))
    }

    fn pipeline(&mut self, context: &str, end: Item) -> PResult<PipeNode> {
        let t = self.peek_non_space();
        let mut pipe = PipeNode {
            pos: t.pos,
            line: t.line,
            is_assign: false,
            decl: Vec::new(),
            cmds: Vec::new(),
        };
        'decls: loop {
            let v = self.peek_non_space();
            if v.typ != Item::Variable {
                break;
            }
            self.next();
            let after = self.peek();
            let next = self.peek_non_space();
            if next.typ == Item::Assign || next.typ == Item::Declare {
                pipe.is_assign = next.typ == Item::Assign;
                self.next_non_space();
                pipe.decl.push(new_variable(v.pos, &v.val));
                self.vars.push(Name::new(&*v.val));
            } else if next.typ == Item::Char && &*next.val == "," {
                self.next_non_space();
                pipe.decl.push(new_variable(v.pos, &v.val));
                self.vars.push(Name::new(&*v.val));
                if context == "range" && pipe.decl.len() < 2 {
                    match self.peek_non_space_typ() {
                        Item::Variable | Item::RightDelim | Item::RightParen => continue 'decls,
                        _ => {
                            return Err(
                                self.errorf("range can only initialize variables".to_owned())
                            )
                        }
                    }
                }
                return Err(self.errorf(format!("too many declarations in {context}")));
            } else if after.typ == Item::Space {
                self.backup3(v, after);
            } else {
                self.backup2(v);
            }
            break;
        }
        let base = self.pending_cmds.len();
        let read = self.pipeline_commands(context, end);
        pipe.cmds = take_exact(&mut self.pending_cmds, base);
        read?;
        self.check_pipeline(&pipe, context)?;
        Ok(pipe)
    }

    /// A pipeline's commands up to `end`, onto `pending_cmds`.
    fn pipeline_commands(&mut self, context: &str, end: Item) -> PResult<()> {
        loop {
            let t = self.next_non_space();
            if t.typ == end {
                return Ok(());
            }
            match t.typ {
                Item::Bool
                | Item::CharConstant
                | Item::Complex
                | Item::Dot
                | Item::Field
                | Item::Identifier
                | Item::Number
                | Item::Nil
                | Item::RawString
                | Item::String
                | Item::Variable
                | Item::LeftParen => {
                    self.backup();
                    let c = self.command()?;
                    self.pending_cmds.push(c);
                }
                _ => return Err(self.unexpected(&t, context)),
            }
        }
    }

    fn check_pipeline(&self, pipe: &PipeNode, context: &str) -> PResult<()> {
        if pipe.cmds.is_empty() {
            return Err(self.errorf(format!("missing value for {context}")));
        }
        for (i, c) in pipe.cmds.iter().enumerate().skip(1) {
            if let Some(
                Node::Bool { .. }
                | Node::Dot { .. }
                | Node::Nil { .. }
                | Node::Number(_)
                | Node::String { .. },
            ) = c.args.first()
            {
                return Err(self.errorf(format!(
                    "non executable command in pipeline stage {}",
                    i + 1
                )));
            }
        }
        Ok(())
    }

    fn command(&mut self) -> PResult<CommandNode> {
        let pos = self.peek_non_space().pos;
        let base = self.pending.len();
        let read = self.command_args();
        let args = take_exact(&mut self.pending, base);
        read?;
        if args.is_empty() {
            return Err(self.errorf("empty command".to_owned()));
        }
        Ok(CommandNode { pos, args })
    }

    /// [`Parser::command`]'s arguments, onto `pending`.
    fn command_args(&mut self) -> PResult<()> {
        loop {
            self.peek_non_space();
            if let Some(op) = self.operand()? {
                self.pending.push(op);
            }
            let t = self.next();
            match t.typ {
                Item::Space => continue,
                Item::RightDelim | Item::RightParen => self.backup(),
                Item::Pipe => {}
                _ => return Err(self.unexpected(&t, "operand")),
            }
            return Ok(());
        }
    }

    fn operand(&mut self) -> PResult<Option<Node>> {
        let Some(node) = self.term()? else {
            return Ok(None);
        };
        if self.peek_typ() != Item::Field {
            return Ok(Some(node));
        }
        let chain_pos = self.peek().pos;
        let mut fields = Vec::new();
        while self.peek_typ() == Item::Field {
            let f = self.next().val;
            fields.push(Name::new(f.get(1..).unwrap_or("")));
        }
        Ok(Some(match node {
            Node::Field { mut ident, .. } => {
                ident.extend(fields);
                Node::Field {
                    pos: chain_pos,
                    ident,
                }
            }
            Node::Variable(mut v) => {
                v.ident.extend(fields);
                v.pos = chain_pos;
                Node::Variable(v)
            }
            Node::Bool { .. }
            | Node::String { .. }
            | Node::Number(_)
            | Node::Nil { .. }
            | Node::Dot { .. } => {
                return Err(self.errorf(format!(
                    "unexpected . after term {}",
                    crate::gofmt::quote(&node.to_string())
                )));
            }
            other => Node::Chain(ChainNode {
                pos: chain_pos,
                node: Box::new(other),
                field: fields,
            }),
        }))
    }

    fn term(&mut self) -> PResult<Option<Node>> {
        let t = self.next_non_space();
        Ok(Some(match t.typ {
            Item::Identifier => {
                if !(self.opts.is_func)(&t.val) {
                    return Err(self.errorf(format!(
                        "function {} not defined",
                        crate::gofmt::quote(&t.val)
                    )));
                }
                Node::Identifier {
                    pos: t.pos,
                    name: Name::new(&*t.val),
                }
            }
            Item::Dot => Node::Dot { pos: t.pos },
            Item::Nil => Node::Nil { pos: t.pos },
            Item::Variable => {
                let v = new_variable(t.pos, &t.val);
                let first = v.ident.first().cloned().unwrap_or_default();
                if !self.vars.contains(&first) {
                    return Err(self.errorf(format!(
                        "undefined variable {}",
                        crate::gofmt::quote(&first)
                    )));
                }
                Node::Variable(v)
            }
            Item::Field => Node::Field {
                pos: t.pos,
                ident: t
                    .val
                    .get(1..)
                    .unwrap_or("")
                    .split('.')
                    .map(Name::new)
                    .collect(),
            },
            Item::Bool => Node::Bool {
                pos: t.pos,
                value: &*t.val == "true",
            },
            Item::CharConstant | Item::Complex | Item::Number => {
                let n = new_number(t.pos, &t.val, t.typ).map_err(|m| self.errorf(m))?;
                Node::Number(Box::new(n))
            }
            Item::LeftParen => {
                if self.stack_depth >= self.opts.max_depth {
                    return Err(self.errorf("max expression depth exceeded".to_owned()));
                }
                self.stack_depth += 1;
                let r = self.pipeline("parenthesized pipeline", Item::RightParen);
                self.stack_depth -= 1;
                Node::Pipe(Box::new(r?))
            }
            Item::String | Item::RawString => {
                let s = self.unquote(&t.val)?;
                Node::String {
                    pos: t.pos,
                    quoted: Name::new(&*t.val),
                    text: Arc::from(s),
                }
            }
            _ => {
                self.backup();
                return Ok(None);
            }
        }))
    }
}

enum Parsed {
    Node(Node),
    End,
    Else,
}

fn new_variable(pos: usize, ident: &str) -> VariableNode {
    VariableNode {
        pos,
        ident: ident.split('.').map(Name::new).collect(),
    }
}

/// Go's `newNumber`: every interpretation of a number literal.
#[allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    clippy::float_cmp
)]
fn new_number(pos: usize, text: &str, typ: Item) -> Result<NumberNode, String> {
    let mut n = NumberNode {
        pos,
        is_int: false,
        is_uint: false,
        is_float: false,
        is_complex: false,
        int64: 0,
        uint64: 0,
        float64: 0.0,
        complex: (0.0, 0.0),
        text: Name::new(text),
    };
    match typ {
        Item::CharConstant => {
            let (r, tail) = crate::gofmt::unquote_char(text.get(1..).unwrap_or(""), '\'')
                .ok_or_else(|| "invalid syntax".to_owned())?;
            if tail != "'" {
                return Err(format!("malformed character constant: {text}"));
            }
            n.int64 = i64::from(r);
            n.is_int = true;
            n.uint64 = u64::from(r);
            n.is_uint = true;
            n.float64 = f64::from(r);
            n.is_float = true;
            return Ok(n);
        }
        Item::Complex => {
            let c = parse_complex(text).ok_or_else(|| "expected integer".to_owned())?;
            n.is_complex = true;
            n.complex = c;
            simplify_complex(&mut n);
            return Ok(n);
        }
        _ => {}
    }
    if let Some(body) = text.strip_suffix('i') {
        if let Some(f) = crate::gofmt::parse_float(body) {
            n.is_complex = true;
            n.complex = (0.0, f);
            simplify_complex(&mut n);
            return Ok(n);
        }
    }
    let u = crate::gofmt::parse_uint(text);
    if let Some(u) = u {
        n.is_uint = true;
        n.uint64 = u;
    }
    if let Some(i) = crate::gofmt::parse_int(text) {
        n.is_int = true;
        n.int64 = i;
        if i == 0 {
            n.is_uint = true;
            n.uint64 = u.unwrap_or(0);
        }
    }
    if n.is_int {
        n.is_float = true;
        n.float64 = n.int64 as f64;
    } else if n.is_uint {
        n.is_float = true;
        n.float64 = n.uint64 as f64;
    } else if let Some(f) = crate::gofmt::parse_float(text) {
        if !text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Err(format!("integer overflow: {}", crate::gofmt::quote(text)));
        }
        n.is_float = true;
        n.float64 = f;
        if !n.is_int && (f as i64) as f64 == f {
            n.is_int = true;
            n.int64 = f as i64;
        }
        if !n.is_uint && (f as u64) as f64 == f {
            n.is_uint = true;
            n.uint64 = f as u64;
        }
    }
    if !n.is_int && !n.is_uint && !n.is_float {
        return Err(format!(
            "illegal number syntax: {}",
            crate::gofmt::quote(text)
        ));
    }
    Ok(n)
}

#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss,
    clippy::float_cmp
)]
fn simplify_complex(n: &mut NumberNode) {
    n.is_float = n.complex.1 == 0.0;
    if n.is_float {
        n.float64 = n.complex.0;
        n.is_int = (n.float64 as i64) as f64 == n.float64;
        if n.is_int {
            n.int64 = n.float64 as i64;
        }
        n.is_uint = (n.float64 as u64) as f64 == n.float64;
        if n.is_uint {
            n.uint64 = n.float64 as u64;
        }
    }
}

/// `fmt.Sscan` of a complex128 as the lexer delivers it: `A+Bi` / `A-Bi`.
fn parse_complex(text: &str) -> Option<(f64, f64)> {
    let body = text.strip_suffix('i')?;
    // Split at the last sign that is not the first character and not after an exponent.
    let bytes = body.as_bytes();
    let mut split = None;
    for i in (1..bytes.len()).rev() {
        let c = *bytes.get(i)?;
        if (c == b'+' || c == b'-') && !matches!(bytes.get(i - 1), Some(b'e' | b'E' | b'p' | b'P'))
        {
            split = Some(i);
            break;
        }
    }
    let i = split?;
    let re = crate::gofmt::parse_float(body.get(..i)?)?;
    let im = crate::gofmt::parse_float(body.get(i..)?)?;
    Some((re, im))
}
