/* Results, options and error classes. Generated from `stockade::wire` by `cargo run -p stockade-dts`: do not edit. */
/** How serious a finding is. */
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info'
/** What kind of problem stopped (part of) a scan. */
export type ErrorKind = 'parse' | 'config' | 'policy' | 'limit' | 'io' | 'unsupported'
/** Output formats of `netpolConnectivity` and `netpolDiff`. */
export type ConnFormat = 'text' | 'json' | 'csv' | 'md' | 'dot'
/** What `detectKind` finds a text to be. */
export type TextKind = 'dockerfile' | 'kubernetes' | 'policy'
/**
 * A place in the text: 1-based line and column (Unicode code points), 0-based byte
 * offset, and the same place in UTF-16 code units (1-based column, 0-based offset)
 * when the text is known.
 */
export interface Position {
  /** 1-based line. */
  line: number
  /** 1-based column, in Unicode code points. */
  column: number
  /** 0-based byte offset into the UTF-8 text. */
  offset: number
  /** 1-based column in UTF-16 code units (JavaScript string indices). */
  utf16Column?: number
  /** 0-based offset in UTF-16 code units: `text.slice(start.utf16Offset, end.utf16Offset)`. */
  utf16Offset?: number
}
/** Where a suppressed finding was suppressed. */
export interface Suppression {
  /** 1-based line of the suppression comment (or of the annotation). */
  line: number
  /** `comment`, `global-comment`, `annotation` or `config`. */
  kind: string
}
/**
 * Where part of a rendered document came from (a Helm template, a values
 * file, a Kustomize base or patch), positioned in that file.
 */
export interface Origin {
  /** The file the text came from. */
  path: string
  /** Where it starts in that file (no UTF-16 position: the file is not at hand). */
  start: Position
  /** Where it ends. */
  end: Position
  /** `template`, `value`, `base`, `patch`, `generator` or `transformer`. */
  role: string
}
/** A positioned finding. */
export interface Finding {
  /** The rule id: `DF0001`, or a policy's own (`K8sRequiredTeam/pods-need-team`). */
  rule: string
  /** The ids of other tools' matching rules (`DL3007`, …). */
  aliases: Array<string>
  /** The severity, after configuration and policy overrides. */
  severity: Severity
  /** `security` or `best-practice`. */
  category: string
  /** The rule's title. */
  title: string
  /** What is wrong here. */
  message: string
  /** How to fix it. */
  remediation: string
  /** The rule's documentation page. */
  help: string
  /** The path of the file (or the name given to the text). */
  path: string
  /** Index of the document within its file (YAML documents; 0 for a Dockerfile). */
  document: number
  /** The stage (`stage builder`) or object (`Deployment/ns/name`) the finding is about. */
  object?: string
  /** The instruction (`RUN`, `FROM#2`) or JSON pointer (`/spec/template/spec/containers/0/image`). */
  pointer?: string
  /** Where the offending text starts. */
  start: Position
  /** Where it ends. */
  end: Position
  /**
   * For a finding in a rendered document: where the offending text came
   * from (`start`/`end` are in the rendered text). Empty for plain files.
   */
  origins: Array<Origin>
  /** Where the finding was suppressed (findings in `suppressed` only). */
  suppression?: Suppression
  /** The edits that resolve the finding, when its rule knows them. */
  fix?: Fix
}
/**
 * A fix: text edits that resolve a finding, and how safe they are to apply
 * unattended.
 */
export interface Fix {
  /** `safe`, `unsafe` or `display-only`. */
  applicability: string
  /** What the fix does. */
  message: string
  /** The edits, in order, not overlapping. */
  edits: Array<FixEdit>
}
/** Replace the text from `start` to `end` (empty for an insertion) with `content`. */
export interface FixEdit {
  /** Where the replaced text starts. */
  start: Position
  /** Where it ends. */
  end: Position
  /** The new text. */
  content: string
  /**
   * The file to edit when it is not the finding's own (a values file or
   * base of a rendered document).
   */
  path?: string
}
/** An error inside a report (thrown errors carry the same fields). */
export interface ErrorInfo {
  /** What kind of problem it is. */
  kind: ErrorKind
  /** `STOCKADE_PARSE`, `STOCKADE_CONFIG`, … */
  code: string
  /** The file (or `stockade.yaml`, or `-` for an argument). */
  path: string
  /** What went wrong. */
  message: string
  /** Index of the YAML document within its file, when known. */
  document?: number
  /** 1-based line of `start`, when the error has a position. */
  line?: number
  /** 1-based column (code points) of `start`, when the error has a position. */
  column?: number
  /** Where the error starts, when it has a position. */
  start?: Position
  /** Where it ends. */
  end?: Position
}
/** Findings counted by severity. */
export interface SeverityCounts {
  /** Findings of severity `critical`. */
  critical: number
  /** Findings of severity `high`. */
  high: number
  /** Findings of severity `medium`. */
  medium: number
  /** Findings of severity `low`. */
  low: number
  /** Findings of severity `info`. */
  info: number
}
/** A document that was read but not checked by any pack, and why. */
export interface Skipped {
  /** The file. */
  path: string
  /** Index of the document within the file. */
  document: number
  /** What it is (`ConfigMap`, `not a Kubernetes object`, …). */
  kind: string
  /** Why nothing checked it. */
  reason: string
}
/** Counts over a whole scan. */
export interface Summary {
  /** Files (or texts) scanned. */
  files: number
  /** Documents read in them. */
  documents: number
  /** Findings (not suppressed) by severity. */
  findings: SeverityCounts
  /** Documents by what they were read as (`Dockerfile`, `Deployment`, …). */
  kinds: Record<string, number>
  /** Documents no pack had anything to check in, each with the reason. */
  skipped: Array<Skipped>
  /**
   * Things said once about the whole scan: another tool's rule id that
   * Stockade does not implement, a policy rule outside the supported subset.
   */
  notices: Array<string>
}
/** The result of a scan. */
export interface Report {
  /** The version of the Stockade engine. */
  version: string
  /** Findings, by path, document and position. */
  findings: Array<Finding>
  /** Findings suppressed by a comment, an annotation or the configuration. */
  suppressed: Array<Finding>
  /** Input that could not be read or checked. */
  errors: Array<ErrorInfo>
  /** Counts over the scan. */
  summary: Summary
}
/** A rule's metadata and Markdown documentation. */
export interface RuleInfo {
  /** Stable id (`DF0001`), never reused. */
  id: string
  /** Kebab-case name (`image-latest-tag`). */
  name: string
  /** The rule pack (`dockerfile`, `kubernetes`, …). */
  pack: string
  /** The ids of other tools' matching rules (`DL3007`, …). */
  aliases: Array<string>
  /** The default severity. */
  severity: Severity
  /** `security` or `best-practice`. */
  category: string
  /** One line: what the rule reports. */
  title: string
  /** How to fix what it reports. */
  remediation: string
  /** Markdown. */
  docs: string
  /** The documentation page. */
  help: string
  /** Whether the rule runs without being enabled in the configuration. */
  defaultEnabled: boolean
}
/** Base of every error Stockade throws; carries the same fields as a report's `errors`. */
export declare class StockadeError extends Error {
  /** What kind of problem it is. */
  kind: ErrorKind
  /** `STOCKADE_PARSE`, `STOCKADE_CONFIG`, … */
  code: string
  /** The file (or `stockade.yaml`, or `-` for an argument). */
  path: string
  /** What went wrong. */
  message: string
  /** Index of the YAML document within its file, when known. */
  document?: number
  /** 1-based line of `start`, when the error has a position. */
  line?: number
  /** 1-based column (code points) of `start`, when the error has a position. */
  column?: number
  /** Where the error starts, when it has a position. */
  start?: Position
  /** Where it ends. */
  end?: Position
  /** Every error, when several were met (policies that do not compile). */
  errors?: Array<ErrorInfo>
}
/** Thrown for `parse` errors. */
export declare class ParseError extends StockadeError {}
/** Thrown for `config` errors. */
export declare class ConfigError extends StockadeError {}
/** Thrown for `policy` errors. */
export declare class PolicyError extends StockadeError {}
/** Thrown for `limit` errors. */
export declare class LimitError extends StockadeError {}
/** Thrown for `io` errors. */
export declare class ReadError extends StockadeError {}
/** Thrown for `unsupported` errors. */
export declare class UnsupportedError extends StockadeError {}
/** The error classes, as `errorClasses()` returns them. */
export interface ErrorClasses {
  StockadeError: typeof StockadeError
  ParseError: typeof ParseError
  ConfigError: typeof ConfigError
  PolicyError: typeof PolicyError
  LimitError: typeof LimitError
  ReadError: typeof ReadError
  UnsupportedError: typeof UnsupportedError
}
/** Options of `scan` and `Engine.scan`. */
export interface ScanOptions {
  /** The path the text is reported under (and its kind detected from). */
  path?: string | null
  /** `dockerfile`, `kubernetes`, …; detected from the path when absent. */
  kind?: string | null
  /**
   * The text of a `stockade.yaml` (YAML or JSON) or the configuration as an
   * object (`scan` only; an `Engine` has its own).
   */
  config?: string | Record<string, unknown> | null
}
/** A text and the path it is reported under. */
export interface SourceText {
  /** The path the text is reported under (and its kind detected from). */
  path: string
  /** The text. */
  text: string
}
/** Policies for an `Engine`. */
export interface EngineOptions {
  /**
   * Gatekeeper templates and constraints, conftest `.rego` modules and Kyverno
   * policies, by path (`.rego` paths are Rego modules).
   */
  policies?: Array<SourceText> | null
  /** Cluster objects for Gatekeeper's `data.inventory`. */
  inventory?: Array<SourceText> | null
}
/** Files for `verifySuite` and `kyvernoTest`. */
export interface FilesOptions {
  /**
   * Files by path (`path → text`) instead of the file system (the only way
   * in the WebAssembly build).
   */
  files?: Record<string, string> | null
  /** Every test and case in `text`, as `gator verify -v`. */
  verbose?: boolean | null
}
/**
 * Files by path (relative to one root, `/`-separated): texts, or bytes
 * (`Uint8Array`, a Node `Buffer`) for binary files.
 */
export type FileMap = Record<string, string | Uint8Array>
/**
 * How `renderChart` and `scanChart` render a Helm chart: `helm template`'s
 * flags. Every field is optional; Helm's defaults apply.
 */
export interface ChartOptions {
  /**
   * Values files (`-f/--values`), in order after the chart's `values.yaml`;
   * `path` names the file in origins and errors.
   */
  values?: Array<SourceText> | null
  /** `--set` (`a.b=c,d[0]=e`, Helm's syntax), in order. */
  set?: Array<string> | null
  /** `--set-string`, in order. */
  setString?: Array<string> | null
  /** `--set-json` (`key=<json>`), in order. */
  setJson?: Array<string> | null
  /** `--set-file` (`key=path`), in order; the contents are `setFileContents[path]`. */
  setFile?: Array<string> | null
  /** The contents of the files `setFile` names, by path (nothing is read from disk). */
  setFileContents?: Record<string, string> | null
  /** `--release-name` (`release-name` by default). */
  releaseName?: string | null
  /** `--namespace` (`default` by default). */
  namespace?: string | null
  /** `--kube-version` for `.Capabilities.KubeVersion` (`1.31`, `v1.31.0`). */
  kubeVersion?: string | null
  /** `--api-versions` added to `.Capabilities.APIVersions`. */
  apiVersions?: Array<string> | null
  /** `--show-only`: only the manifests of these templates (`templates/x.yaml`, globs). */
  showOnly?: Array<string> | null
  /** `--include-crds`: print the chart's CRDs too (`renderChart`). */
  includeCrds?: boolean | null
  /** `--skip-tests`: leave out test hooks. */
  skipTests?: boolean | null
  /** Render as Helm 3.21 does instead of Helm 4. */
  helm3?: boolean | null
  /**
   * The text of a `stockade.yaml` (YAML or JSON) or the configuration as an
   * object (`scanChart` only; an `Engine` has its own).
   */
  config?: string | Record<string, unknown> | null
}
/** `gator verify` results: `ok` when every suite, test and case passed. */
export interface Verification {
  /** Whether every suite, test and case passed. */
  ok: boolean
  /** Cases passed and cases run (skipped ones not counted). */
  passed: number
  /** Cases run (skipped ones not counted). */
  total: number
  /** One result per suite file. */
  suites: Array<VerifySuite>
  /** gator's text output (shows run times). */
  text: string
}
/** One suite file of a `gator verify` run. */
export interface VerifySuite {
  /** The suite file. */
  path: string
  /** Whether the suite was skipped. */
  skipped: boolean
  /** Why the suite could not run. */
  error: string | null
  /** Its tests. */
  tests: Array<VerifyTest>
}
/** One test (template + constraint) of a suite. */
export interface VerifyTest {
  /** The test's name. */
  name: string
  /** Whether the test was skipped. */
  skipped: boolean
  /** Why the test could not run (its template or constraint did not load). */
  error: string | null
  /** Its cases. */
  cases: Array<VerifyCase>
  /** Cases the test declares (run or not: a test that fails to load runs none). */
  declared_cases: number
}
/** One case of a test. */
export interface VerifyCase {
  /** The case's name. */
  name: string
  /** Whether the case was skipped. */
  skipped: boolean
  /** Why the case failed. */
  error: string | null
}
/** One `kyverno-test.yaml` run (the JSON of `stockade kyverno test -f json`). */
export interface KyvernoTestRun {
  /** The `kyverno-test.yaml` file. */
  path: string
  /** The test's name. */
  name: string
  /** Why the test could not run at all. */
  error: string | null
  /** Number of `results[]` entries. */
  entries: number
  /** One row per (result entry, resource, rule). */
  rows: Array<KyvernoTestRow>
  /** Whether every row passed (and the test could run). */
  passed: boolean
}
/** One checked (result entry, resource, rule) row. */
export interface KyvernoTestRow {
  /** Index of the entry in `results[]`. */
  entry: number
  /** The policy named by the entry. */
  policy: string
  /** The rule named by the entry. */
  rule: string
  /** The resource checked. */
  resource: string
  /** Its kind. */
  kind: string
  /** The result the entry expects (`pass`, `fail`, `skip`, `error`). */
  expected: string
  /**
   * `pass`, `fail`, `skip`, `error`, `excluded` (no rule response) or
   * `not found` (the policy is not among the test's policies).
   */
  actual: string
  /** Whether Kyverno's `test` command counts the row as passed. */
  ok: boolean
  /** The rule's message. */
  message: string
  /** Whether the rule uses a feature outside the offline subset. */
  unsupported: boolean
}
/**
 * An endpoint as shown: its name and whether it is an address range outside
 * the cluster.
 */
export interface ConnPeer {
  /** `ns/name[Kind]` or `a.b.c.d-e.f.g.h[External]`. */
  name: string
  /** Whether it is an address range outside the cluster. */
  external: boolean
}
/** One allowed connection. */
export interface Connection {
  /** The source. */
  src: ConnPeer
  /** The destination. */
  dst: ConnPeer
  /** `All Connections` or `TCP 80,UDP 53`. */
  conns: string
}
/** Allowed connections (netpol-analyzer's connlist), with `output` rendered. */
export interface Connectivity {
  /** Every workload, `ns/name[Kind]`, sorted. */
  workloads: Array<string>
  /** Sorted by source, then destination. */
  connections: Array<Connection>
  /** The list in the format asked for. */
  output: string
}
/** One changed pair. */
export interface ConnectivityChange {
  /** Whether the pair can connect only after, only before, or both with other ports. */
  kind: 'added' | 'removed' | 'changed'
  /** The source, `ns/name[Kind]` or an address range. */
  src: string
  /** The destination. */
  dst: string
  /** The connections allowed before. */
  before: string
  /** The connections allowed after. */
  after: string
  /** What the change opens (after minus before). */
  opened: string
  /** What it closes (before minus after). */
  closed: string
}
/**
 * The connections that change between two sets of manifests, with `output`
 * rendered.
 */
export interface ConnectivityDiff {
  /** Sorted by source, destination. */
  changes: Array<ConnectivityChange>
  /** The changes in the format asked for. */
  output: string
}
/** Why one endpoint may or may not connect to another, with the `text` rendering. */
export interface NetpolExplanation {
  /** The source as resolved (`ns/name[Kind]` or an address range). */
  src: string
  /** The destination as resolved. */
  dst: string
  /** The port asked about, if any (`8080/TCP`). */
  query: string | null
  /** Egress at the source (absent for an address outside the cluster: not isolated). */
  egress: NetpolSideExplanation | null
  /** Ingress at the destination (absent for an address outside the cluster). */
  ingress: NetpolSideExplanation | null
  /** Both sides together. */
  allowed: string
  /** Whether the queried port (or, without one, any connection) is allowed. */
  verdict: boolean
  /** The explanation as text. */
  text: string
}
/** One side: egress at the source, or ingress at the destination. */
export interface NetpolSideExplanation {
  /** `Egress` at the source or `Ingress` at the destination. */
  direction: 'Ingress' | 'Egress'
  /** The workload whose policies decide this side. */
  workload: string
  /** Whether some policy selects it for this direction. */
  isolated: boolean
  /** The policies that select the workload in this direction. */
  policies: Array<NetpolPolicyExplanation>
  /** What this side allows towards the other end. */
  allows: string
}
/** A policy that selects the workload in the direction explained. */
export interface NetpolPolicyExplanation {
  /** `ns/name`. */
  policy: string
  /** `path:line:column` (column in Unicode code points). */
  location: string
  /** The policy's rules in this direction. */
  rules: Array<NetpolRuleExplanation>
  /** What the policy allows towards the other end. */
  allows: string
}
/** One rule of a policy, and what it says about the pair. */
export interface NetpolRuleExplanation {
  /** 0-based index in the policy's `ingress` or `egress` list. */
  index: number
  /** `path:line:column` of the rule. */
  location: string
  /** Whether the rule's peers select the other end. */
  selects: boolean
  /** Which peer selects it (`every peer (no from/to)`, `peer 0: podSelector app=web`), or why none does. */
  reason: string
  /** What the rule allows towards the destination (empty when it does not select). */
  allows: string
}
