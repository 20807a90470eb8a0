//! `helm template`/`helm install` command lines, read as Helm's flags read
//! them (cobra/pflag: `--flag value`, `--flag=value`, string slices split on
//! commas, string arrays not). Shared by the CLI's `render` and the
//! conformance tests; files named by `-f`/`--set-file` are read by the caller.

use crate::values::HelmOptions;

/// A parsed command line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HelmArgs {
    /// `template` or `install` (or empty when the caller gave only flags).
    pub command: String,
    /// Positional arguments (`[NAME] CHART`).
    pub positional: Vec<String>,
    /// `-f` files, in order (paths, to be read by the caller).
    pub values_files: Vec<String>,
    pub options: HelmOptions,
    pub name_template: Option<String>,
    pub generate_name: bool,
    pub dry_run: bool,
    pub hide_secret: bool,
}

impl HelmArgs {
    /// The chart argument (the last positional).
    pub fn chart(&self) -> Option<&str> {
        self.positional.last().map(String::as_str)
    }

    /// Parse `args` (without the program name). `Err` with Helm's text for an
    /// unknown flag or a flag without its value.
    pub fn parse(args: &[String]) -> Result<Self, String> {
        let mut out = HelmArgs::default();
        let mut it = args.iter().peekable();
        if let Some(first) = it.peek() {
            if matches!(first.as_str(), "template" | "install") {
                out.command = (*first).clone();
                it.next();
            }
        }
        while let Some(arg) = it.next() {
            if !arg.starts_with('-') || arg == "-" {
                out.positional.push(arg.clone());
                continue;
            }
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
                _ => (arg.clone(), None),
            };
            let mut value = |name: &str| -> Result<String, String> {
                match &inline {
                    Some(v) => Ok(v.clone()),
                    None => it
                        .next()
                        .cloned()
                        .ok_or_else(|| format!("flag needs an argument: {name}")),
                }
            };
            let o = &mut out.options;
            match flag.as_str() {
                "-f" | "--values" => out
                    .values_files
                    .extend(value(&flag)?.split(',').map(str::to_string)),
                "--set" => o.set.push(value(&flag)?),
                "--set-string" => o.set_string.push(value(&flag)?),
                "--set-file" => o.set_file.push(value(&flag)?),
                "--set-json" => o.set_json.push(value(&flag)?),
                "-n" | "--namespace" => o.namespace = value(&flag)?,
                "--kube-version" => o.kube_version = Some(value(&flag)?),
                "-a" | "--api-versions" => o
                    .api_versions
                    .extend(value(&flag)?.split(',').map(str::to_string)),
                "-s" | "--show-only" => o.show_only.push(value(&flag)?),
                "--name-template" => out.name_template = Some(value(&flag)?),
                "--release-name" => o.release_name = value(&flag)?,
                "--include-crds" => o.include_crds = inline.as_deref() != Some("false"),
                "--skip-crds" => o.skip_crds = inline.as_deref() != Some("false"),
                "--skip-tests" => o.skip_tests = inline.as_deref() != Some("false"),
                "--is-upgrade" => o.is_upgrade = inline.as_deref() != Some("false"),
                "--debug" => o.debug = inline.as_deref() != Some("false"),
                "--dry-run" => out.dry_run = true,
                "--hide-secret" => out.hide_secret = true,
                "-g" | "--generate-name" => out.generate_name = true,
                "--helm3" => o.helm_line = crate::values::HelmLine::V3,
                _ => return Err(format!("unknown flag: {flag}")),
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn flags() {
        let args: Vec<String> = [
            "template",
            "x",
            "--set",
            "a=1,b=2",
            "-a",
            "v1,v2",
            "--name-template=n-{{ 1 }}",
            "-f",
            "v.yaml",
        ]
        .iter()
        .map(|s| (*s).to_string())
        .collect();
        let a = HelmArgs::parse(&args).unwrap();
        assert_eq!(a.chart(), Some("x"));
        assert_eq!(a.options.set, ["a=1,b=2"]);
        assert_eq!(a.options.api_versions, ["v1", "v2"]);
        assert_eq!(a.name_template.as_deref(), Some("n-{{ 1 }}"));
        assert_eq!(a.values_files, ["v.yaml"]);
        assert!(HelmArgs::parse(&["--set".to_string()]).is_err());
    }
}
