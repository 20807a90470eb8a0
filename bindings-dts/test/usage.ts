// One use of the JavaScript API, type-checked (`tsc --noEmit`) against the
// declarations of each package as `stockade`: the Node addon
// (tsconfig.node.json) and the WebAssembly build for Node and for the web
// (tsconfig.wasm.json). Both packages must accept it: their result, option and
// error types are generated from `stockade::wire` (bindings-dts/src/main.rs).
import {
  Engine,
  VERSION,
  ConfigError,
  buildKustomization,
  detectKind,
  renderChart,
  scanChart,
  scanKustomization,
  ParseError,
  StockadeError,
  errorClasses,
  explain,
  kyvernoTest,
  netpolConnectivity,
  netpolDiff,
  netpolExplain,
  rules,
  scan,
  verifySuite,
  version,
} from 'stockade';
import type {
  TextKind,
  Connectivity,
  ConnectivityDiff,
  ErrorClasses,
  ErrorInfo,
  ChartOptions,
  ErrorKind,
  FileMap,
  Finding,
  KyvernoTestRun,
  NetpolExplanation,
  Position,
  Report,
  RuleInfo,
  Severity,
  SourceText,
  Verification,
} from 'stockade';

const BAD = 'FROM node:latest\nUSER root\n';

// scan(text) and scan(text, options)
const report: Report = scan(BAD);
const named: Report = scan(BAD, { path: 'Dockerfile', kind: 'dockerfile' });
const configured: Report = scan(BAD, { path: 'Dockerfile', config: { rules: {} } });
const counted: number = report.summary.findings.high + named.summary.kinds['Dockerfile']!;

function describe(f: Finding): string {
  const severity: Severity = f.severity;
  const start: Position = f.start;
  const utf16: number | undefined = start.utf16Offset;
  const object: string | undefined = f.object;
  const suppressed: number | undefined = f.suppression?.line;
  return `${f.rule} ${severity} ${start.line}:${start.column} ${utf16} ${object} ${suppressed}`;
}
configured.findings.map(describe);

const error: ErrorInfo | undefined = report.errors[0];
const kind: ErrorKind | undefined = error?.kind;
const line: number | undefined = error?.line;

// Engine with policies
const sources: SourceText[] = [{ path: 'policy.rego', text: 'package main\n' }];
const engine = new Engine(null, { policies: sources, inventory: [] });
const fromText = new Engine('rules: {}\n');
const batch: Report = engine.scanTexts([{ path: 'Dockerfile', text: BAD }], 'dockerfile');
const old: Report = engine.scanBatch([{ path: 'Dockerfile', text: BAD }]); // deprecated name
const detected: TextKind | undefined = detectKind(BAD, 'Dockerfile');
const again: Report = fromText.scan(BAD);

// Rules
const all: RuleInfo[] = rules();
const one: RuleInfo | null = explain('DL3007');
const enabled: boolean | undefined = one?.defaultEnabled;

// Errors: the classes are exported by name and by errorClasses()
const classes: ErrorClasses = errorClasses();
try {
  scan(BAD, { kind: 'makefile' });
} catch (e) {
  if (e instanceof StockadeError) {
    const code: string = e.code;
    const where: string = `${e.path}:${e.line ?? '?'}:${e.column ?? '?'}`;
    const every: ErrorInfo[] | undefined = e.errors;
    console.log(code, where, every, e.message);
  }
  if (e instanceof classes.ConfigError || e instanceof ConfigError || e instanceof ParseError) {
    const kindOf: ErrorKind = e.kind;
    console.log(kindOf);
  }
}

// Documents
const verification: Verification = verifySuite('suite.yaml', { files: { 'suite.yaml': '' } });
const declared: number | undefined = verification.suites[0]?.tests[0]?.declared_cases;
const run: KyvernoTestRun = kyvernoTest('kyverno-test.yaml', { files: {} });
const runError: string | null = run.error;
const connectivity: Connectivity = netpolConnectivity(sources);
const json: Connectivity = netpolConnectivity(sources, 'json');
const diff: ConnectivityDiff = netpolDiff(sources, sources, 'md');
const why: NetpolExplanation = netpolExplain(sources, 'shop/web', 'shop/db', '8080/TCP');
const direction: 'Ingress' | 'Egress' | undefined = why.ingress?.direction;
const v: string = version();
const sameVersion: boolean = VERSION === v;

console.log(counted, kind, line, batch, again, all, enabled, declared, runError, connectivity, json, diff, direction, v);

// Helm charts and kustomizations: files by path (texts or bytes) or a .tgz
const chartFiles: FileMap = { 'Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n', 'files/logo.png': new Uint8Array([1, 2]) };
const chartOptions: ChartOptions = { set: ['image.tag=1.28'], values: [{ path: 'prod.yaml', text: '' }], releaseName: 'web' };
const manifest: string = renderChart(chartFiles, chartOptions);
const fromArchive: string = renderChart(new Uint8Array([0x1f, 0x8b]));
const chartReport: Report = scanChart(chartFiles, { ...chartOptions, config: { rules: {} } });
const engineChart: Report = engine.scanChart(new Uint8Array([0x1f, 0x8b]), { namespace: 'shop' });
const built: string = buildKustomization({ 'kustomization.yaml': 'resources: []\n' });
const overlay: Report = scanKustomization({ 'overlay/kustomization.yaml': '' }, 'overlay', 'rules: {}\n');
const engineOverlay: Report = engine.scanKustomization({}, 'overlay');
const origin: string | undefined = chartReport.findings[0]?.origins?.[0]?.path;

console.log(sameVersion, manifest, fromArchive, engineChart, built, overlay, engineOverlay, origin);

void [old, detected];
