/** 1-based line and column (Unicode code points), 0-based byte offset, and the same
 * place in UTF-16 code units (1-based column, 0-based offset) when the text is known. */
export interface Position {
  line: number
  column: number
  offset: number
  utf16Column?: number | null
  utf16Offset?: number | null
}
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info'
export interface Finding {
  rule: string
  aliases: string[]
  severity: Severity
  category: string
  title: string
  message: string
  remediation: string
  help: string
  path: string
  document: number
  object?: string | null
  pointer?: string | null
  start: Position
  end: Position
  suppression?: { line: number; kind: string }
}
export interface ErrorInfo {
  kind: 'parse' | 'config' | 'policy' | 'limit' | 'io' | 'unsupported'
  /** `STOCKADE_PARSE`, `STOCKADE_CONFIG`, … */
  code: string
  path: string
  message: string
  document?: number | null
  line?: number | null
  column?: number | null
  start?: Position | null
  end?: Position | null
}
export interface Summary {
  files: number
  documents: number
  findings: Record<Severity, number>
  kinds: Record<string, number>
  skipped: Array<{ path: string; document: number; kind: string; reason: string }>
}
export interface Report {
  version: string
  findings: Finding[]
  suppressed: Finding[]
  errors: ErrorInfo[]
  summary: Summary
}
export interface RuleInfo {
  id: string
  name: string
  pack: string
  aliases: string[]
  severity: Severity
  category: string
  title: string
  remediation: string
  /** Markdown. */
  docs: string
  help: string
  defaultEnabled: boolean
}
export interface ScanOptions {
  path?: string
  kind?: string
  config?: string | Record<string, unknown>
}
export interface SourceText {
  path: string
  text: string
}
export declare class StockadeError extends Error implements ErrorInfo {
  kind: ErrorInfo['kind']
  code: string
  path: string
  /** Every error, when several were met (policies that do not compile). */
  errors?: ErrorInfo[]
}
export interface ErrorClasses {
  StockadeError: typeof StockadeError
  ParseError: typeof StockadeError
  ConfigError: typeof StockadeError
  PolicyError: typeof StockadeError
  LimitError: typeof StockadeError
  ReadError: typeof StockadeError
  UnsupportedError: typeof StockadeError
}
/** Policies for an `Engine`: Gatekeeper templates and constraints, conftest
 * `.rego` modules and Kyverno policies; inventory objects for `data.inventory`. */
export interface EngineOptions {
  policies?: SourceText[] | null
  inventory?: SourceText[] | null
}
/** Files by path (`path → text`) for `verifySuite` and `kyvernoTest`. */
export interface FilesOptions {
  files?: Record<string, string> | null
  /** Every test and case in `text`, as `gator verify -v`. */
  verbose?: boolean | null
}
// Results of verifySuite, kyvernoTest and the netpol functions (the same in
// bindings-node/dts-header.d.ts).
/** `gator verify` results: `ok` when every suite, test and case passed. */
export interface Verification {
  ok: boolean
  /** Cases passed and cases run (skipped ones not counted). */
  passed: number
  total: number
  suites: Array<{
    path: string
    skipped: boolean
    error: string | null
    tests: Array<{
      name: string
      skipped: boolean
      error: string | null
      declared_cases: number
      cases: Array<{ name: string; skipped: boolean; error: string | null }>
    }>
  }>
  /** gator's text output (shows run times). */
  text: string
}
/** One `kyverno-test.yaml` run (the JSON of `stockade kyverno test -f json`). */
export interface KyvernoTestRun {
  path: string
  name: string
  /** Why the test could not run at all. */
  error: string | null
  entries: number
  rows: Array<{
    entry: number
    policy: string
    rule: string
    resource: string
    kind: string
    expected: string
    actual: string
    ok: boolean
    message: string
    unsupported: boolean
  }>
  passed: boolean
}
export interface ConnPeer {
  /** `ns/name[Kind]` or `a.b.c.d-e.f.g.h[External]`. */
  name: string
  external: boolean
}
/** Allowed connections (netpol-analyzer's connlist), with `output` rendered. */
export interface Connectivity {
  workloads: string[]
  /** `conns`: `All Connections` or `TCP 80,UDP 53`. */
  connections: Array<{ src: ConnPeer; dst: ConnPeer; conns: string }>
  output: string
}
export interface ConnectivityDiff {
  changes: Array<{
    kind: 'added' | 'removed' | 'changed'
    src: string
    dst: string
    before: string
    after: string
    opened: string
    closed: string
  }>
  output: string
}
export interface NetpolSideExplanation {
  direction: 'Ingress' | 'Egress'
  workload: string
  isolated: boolean
  policies: Array<{
    policy: string
    /** `path:line:column` (column in Unicode code points). */
    location: string
    rules: Array<{ index: number; location: string; selects: boolean; reason: string; allows: string }>
    allows: string
  }>
  allows: string
}
/** Why one endpoint may or may not connect to another, with the `text` rendering. */
export interface NetpolExplanation {
  src: string
  dst: string
  query: string | null
  egress: NetpolSideExplanation | null
  ingress: NetpolSideExplanation | null
  allowed: string
  verdict: boolean
  text: string
}
