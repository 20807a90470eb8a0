/* Results, options and error classes. Generated from `stockade::wire` by `cargo run -p stockade-dts`: do not edit. */
/** How serious a finding is. */
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info'
/** What kind of problem stopped (part of) a scan. */
export type ErrorKind = 'parse' | 'config' | 'policy' | 'limit' | 'io' | 'unsupported'
/** Output formats of `netpolConnectivity` and `netpolDiff`. */
export type ConnFormat = 'text' | 'json' | 'csv' | 'md' | 'dot'
/**
 * A place in the text: 1-based line and column (Unicode code points), 0-based byte
 * offset, and the same place in UTF-16 code units (1-based column, 0-based offset)
 * when the text is known.
 */
export interface Position {
  line: number
  column: number
  offset: number
  utf16Column?: number
  utf16Offset?: number
}
/** Where a suppressed finding was suppressed. */
export interface Suppression {
  /** 1-based line of the suppression comment (or of the annotation). */
  line: number
  /** `comment`, `global-comment`, `annotation` or `config`. */
  kind: string
}
/** A positioned finding. */
export interface Finding {
  rule: string
  aliases: Array<string>
  severity: Severity
  category: string
  title: string
  message: string
  remediation: string
  help: string
  path: string
  document: number
  /** The stage (`stage builder`) or object (`Deployment/ns/name`) the finding is about. */
  object?: string
  /** The instruction (`RUN`, `FROM#2`) or JSON pointer (`/spec/template/spec/containers/0/image`). */
  pointer?: string
  start: Position
  end: Position
  suppression?: Suppression
}
/** An error inside a report (thrown errors carry the same fields). */
export interface ErrorInfo {
  kind: ErrorKind
  /** `STOCKADE_PARSE`, `STOCKADE_CONFIG`, … */
  code: string
  path: string
  message: string
  document?: number
  line?: number
  column?: number
  start?: Position
  end?: Position
}
/** Findings counted by severity. */
export interface SeverityCounts {
  critical: number
  high: number
  medium: number
  low: number
  info: number
}
/** A document that was read but not checked by any pack, and why. */
export interface Skipped {
  path: string
  document: number
  /** What it is (`ConfigMap`, `not a Kubernetes object`, …). */
  kind: string
  reason: string
}
/** Counts over a whole scan. */
export interface Summary {
  files: number
  documents: number
  findings: SeverityCounts
  /** Documents by what they were read as (`Dockerfile`, `Deployment`, …). */
  kinds: Record<string, number>
  /** Documents no pack had anything to check in, each with the reason. */
  skipped: Array<Skipped>
}
/** The result of a scan. */
export interface Report {
  version: string
  findings: Array<Finding>
  suppressed: Array<Finding>
  errors: Array<ErrorInfo>
  summary: Summary
}
/** A rule's metadata and Markdown documentation. */
export interface RuleInfo {
  id: string
  name: string
  pack: string
  aliases: Array<string>
  severity: Severity
  category: string
  title: string
  remediation: string
  /** Markdown. */
  docs: string
  help: string
  defaultEnabled: boolean
}
/** Base of every error Stockade throws; carries the same fields as a report's `errors`. */
export declare class StockadeError extends Error {
  kind: ErrorKind
  /** `STOCKADE_PARSE`, `STOCKADE_CONFIG`, … */
  code: string
  path: string
  message: string
  document?: number
  line?: number
  column?: number
  start?: Position
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
  path: string
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
/** `gator verify` results: `ok` when every suite, test and case passed. */
export interface Verification {
  ok: boolean
  /** Cases passed and cases run (skipped ones not counted). */
  passed: number
  total: number
  suites: Array<VerifySuite>
  /** gator's text output (shows run times). */
  text: string
}
/** One suite file of a `gator verify` run. */
export interface VerifySuite {
  path: string
  skipped: boolean
  error: string | null
  tests: Array<VerifyTest>
}
/** One test (template + constraint) of a suite. */
export interface VerifyTest {
  name: string
  skipped: boolean
  error: string | null
  cases: Array<VerifyCase>
  /** Cases the test declares (run or not: a test that fails to load runs none). */
  declared_cases: number
}
/** One case of a test. */
export interface VerifyCase {
  name: string
  skipped: boolean
  error: string | null
}
/** One `kyverno-test.yaml` run (the JSON of `stockade kyverno test -f json`). */
export interface KyvernoTestRun {
  path: string
  name: string
  /** Why the test could not run at all. */
  error: string | null
  /** Number of `results[]` entries. */
  entries: number
  rows: Array<KyvernoTestRow>
  /** Whether every row passed (and the test could run). */
  passed: boolean
}
/** One checked (result entry, resource, rule) row. */
export interface KyvernoTestRow {
  /** Index of the entry in `results[]`. */
  entry: number
  policy: string
  rule: string
  resource: string
  kind: string
  expected: string
  /**
   * `pass`, `fail`, `skip`, `error`, `excluded` (no rule response) or
   * `not found` (the policy is not among the test's policies).
   */
  actual: string
  /** Whether Kyverno's `test` command counts the row as passed. */
  ok: boolean
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
  external: boolean
}
/** One allowed connection. */
export interface Connection {
  src: ConnPeer
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
  kind: 'added' | 'removed' | 'changed'
  src: string
  dst: string
  before: string
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
  src: string
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
  text: string
}
/** One side: egress at the source, or ingress at the destination. */
export interface NetpolSideExplanation {
  direction: 'Ingress' | 'Egress'
  /** The workload whose policies decide this side. */
  workload: string
  /** Whether some policy selects it for this direction. */
  isolated: boolean
  policies: Array<NetpolPolicyExplanation>
  allows: string
}
/** A policy that selects the workload in the direction explained. */
export interface NetpolPolicyExplanation {
  /** `ns/name`. */
  policy: string
  /** `path:line:column` (column in Unicode code points). */
  location: string
  rules: Array<NetpolRuleExplanation>
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
