//! The executor (Go's `text/template/exec.go`).

use crate::error::ExecError;
use crate::set::{Limits, Template};
use crate::trace::{DataPath, Tracer};
use crate::value::Value;

/// The state of one execution (shared by nested `include`/`tpl` executions).
pub struct State<'e> {
    set: &'e Template,
    template: String,
    depth: usize,
    steps: u64,
}

impl State<'_> {
    pub(crate) fn template_name(&self) -> &str {
        &self.template
    }
    pub(crate) fn limits(&self) -> &Limits {
        &self.set.limits
    }
    pub(crate) fn depth(&self) -> usize {
        self.depth
    }
    pub(crate) fn charge(&mut self, units: u64) -> Result<(), ExecError> {
        self.steps += units;
        Ok(())
    }
    pub(crate) fn execute_nested(
        &mut self,
        name: &str,
        data: &Value,
        path: Option<DataPath>,
    ) -> Result<String, ExecError> {
        let _ = (data, path);
        Err(self.set.no_template(name))
    }
    pub(crate) fn execute_text(
        &mut self,
        name: &str,
        text: &str,
        data: &Value,
        path: Option<DataPath>,
    ) -> Result<String, ExecError> {
        let _ = (text, data, path);
        Err(self.set.no_template(name))
    }
    pub(crate) fn path_of_arg(&self, data: &Value, paths: &[Option<DataPath>]) -> Option<DataPath> {
        let _ = data;
        paths.first().cloned().flatten()
    }
}

pub(crate) fn execute(
    set: &Template,
    name: &str,
    data: &Value,
    out: &mut String,
    tracer: Option<&mut dyn Tracer>,
) -> Result<(), ExecError> {
    let _ = (data, out, tracer);
    let st = State {
        set,
        template: name.to_owned(),
        depth: 0,
        steps: 0,
    };
    Err(st.set.no_template(name))
}
