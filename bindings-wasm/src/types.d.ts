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
