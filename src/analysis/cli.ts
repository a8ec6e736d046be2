#!/usr/bin/env node
// cdk8s-istio CLI: `cdk8s-istio analyze [options] FILES_OR_DIRS...` (istioctl analyze, offline).
import * as fs from 'fs';
import * as path from 'path';
import { AnalysisDiagnostic, AnalysisLevel, AnalysisOptions, AnalysisSuppression, MeshAnalyzer } from './mesh-analyzer';

/** Exit code when Error-level diagnostics are found (as istioctl). */
const EXIT_ANALYZE_ERRORS = 79;

const USAGE = `usage: cdk8s-istio analyze [options] FILES_OR_DIRS...

Analyzes Kubernetes/Istio YAML (multi-document files; directories recursively: *.yaml, *.yml,
*.json; "-" reads stdin) like istioctl analyze, without a cluster.

options (before or after the files):
  -o, --output text|json|yaml   output format (default text)
  -A, --analyzer NAME           run only this analyzer (repeatable); see --list-analyzers
      --mesh-config FILE        MeshConfig YAML merged over Istio's defaults
      --mesh-networks FILE      MeshNetworks YAML
  -S, --suppress CODE=RESOURCE  suppress a code for a resource ("Kind ns/name", "Kind/ns/name",
                                globs allowed; RESOURCE may be omitted: CODE alone) (repeatable)
      --workload-pods           treat the pod templates of Deployments, StatefulSets, ... as running
                                Pods (manifests rarely contain Pods; istioctl does not do this)
      --list-analyzers          print the analyzer names and exit
  -h, --help                    print this help

exit status: 0 no Error-level messages, ${EXIT_ANALYZE_ERRORS} Error-level messages found, 1 bad usage or unreadable input`;

class UsageError extends Error {}

interface ParsedArgs {
  output: string;
  analyzers: string[];
  meshConfig?: string;
  meshNetworks?: string;
  suppress: AnalysisSuppression[];
  inputs: string[];
  help: boolean;
  list: boolean;
  workloadPods: boolean;
}

function parseArgs(argv: string[]): ParsedArgs {
  const args: ParsedArgs = { output: 'text', analyzers: [], suppress: [], inputs: [], help: false, list: false, workloadPods: false };
  let i = 0;
  if (argv[0] === 'analyze') i = 1;
  else if (argv[0] === '--help' || argv[0] === '-h' || argv.length === 0) return { ...args, help: true };
  else throw new UsageError(`unknown command ${JSON.stringify(argv[0])}: the only command is "analyze"`);
  let filesOnly = false;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (filesOnly || a === '-' || !a.startsWith('-')) {
      args.inputs.push(a);
      continue;
    }
    if (a === '--') {
      filesOnly = true;
      continue;
    }
    const eq = a.indexOf('=');
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const value = (): string => {
      if (eq > 0) return a.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`option ${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '-o':
      case '--output': {
        const v = value();
        if (!['text', 'json', 'yaml'].includes(v)) throw new UsageError(`--output ${JSON.stringify(v)} is invalid: use text, json or yaml`);
        args.output = v;
        break;
      }
      case '-A':
      case '--analyzer':
        args.analyzers.push(value());
        break;
      case '--mesh-config':
      case '--meshConfigFile':
        args.meshConfig = value();
        break;
      case '--mesh-networks':
      case '--meshNetworksFile':
        args.meshNetworks = value();
        break;
      case '-S':
      case '--suppress': {
        const v = value();
        const at = v.indexOf('=');
        const code = (at >= 0 ? v.slice(0, at) : v).trim();
        if (!/^(IST\d{4}|\*)$/i.test(code)) {
          throw new UsageError(`--suppress ${JSON.stringify(v)} is invalid: expected CODE=RESOURCE, e.g. IST0101=VirtualService default/reviews`);
        }
        args.suppress.push({ code, resource: at >= 0 ? v.slice(at + 1).trim() : undefined });
        break;
      }
      case '--workload-pods':
        args.workloadPods = true;
        break;
      case '--list-analyzers':
        args.list = true;
        break;
      case '-h':
      case '--help':
        args.help = true;
        break;
      default:
        throw new UsageError(`unknown option ${JSON.stringify(a)}`);
    }
  }
  return args;
}

function readText(file: string): string {
  try {
    return file === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
}

function collectFiles(input: string, out: string[]): void {
  if (input === '-') {
    out.push(input);
    return;
  }
  let st: fs.Stats;
  try {
    st = fs.statSync(input);
  } catch (e) {
    throw new UsageError(`cannot read ${input}: ${(e as Error).message}`);
  }
  if (!st.isDirectory()) {
    out.push(input);
    return;
  }
  const entries = fs.readdirSync(input, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    const p = path.join(input, e.name);
    if (e.isDirectory()) collectFiles(p, out);
    else if (/\.(ya?ml|json)$/i.test(e.name)) out.push(p);
  }
}

function parseFile(file: string): { [key: string]: any }[] {
  const text = readText(file);
  try {
    return MeshAnalyzer.parseYaml(text);
  } catch (e) {
    throw new UsageError(`cannot parse ${file}: ${(e as Error).message}`);
  }
}

function parseConfig(file: string, what: string): { [key: string]: any } {
  const docs = parseFile(file);
  if (docs.length === 0) return {};
  const d = docs[0];
  // accept a ConfigMap wrapping the config under data.mesh / data.meshNetworks
  if (d.kind === 'ConfigMap' && d.data) {
    const inner = d.data.mesh ?? d.data.meshNetworks;
    if (typeof inner === 'string') return MeshAnalyzer.parseYaml(inner)[0] ?? {};
  }
  if (typeof d !== 'object') throw new UsageError(`${what} ${file} is not a YAML object`);
  return d;
}

function render(diags: AnalysisDiagnostic[], output: string, objects: number): string {
  const plain = diags.map((d) => ({
    code: d.code,
    level: d.level,
    kind: d.kind,
    namespace: d.namespace,
    name: d.name,
    message: d.message,
    origin: d.origin,
    analyzer: d.analyzer,
  }));
  if (output === 'json') return `${JSON.stringify(plain, null, 2)}\n`;
  if (output === 'yaml') {
    if (plain.length === 0) return '[]\n';
    return plain.map((p) => `- ${Object.entries(p).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join('\n  ')}`).join('\n') + '\n';
  }
  if (diags.length === 0) return `\u2714 No validation issues found when analyzing ${objects} object(s).\n`;
  return diags.map((d) => MeshAnalyzer.format(d)).join('\n') + '\n';
}

/**
 * Runs the CLI; returns the exit status.
 * @internal
 */
export function main(argv: string[], stdout: (s: string) => void, stderr: (s: string) => void): number {
  try {
    const args = parseArgs(argv);
    if (args.help) {
      stdout(`${USAGE}\n`);
      return 0;
    }
    if (args.list) {
      stdout(`${MeshAnalyzer.analyzerNames().join('\n')}\n`);
      return 0;
    }
    if (args.inputs.length === 0) throw new UsageError('no input files or directories given');
    const files: string[] = [];
    for (const input of args.inputs) collectFiles(input, files);
    const objects: { [key: string]: any }[] = [];
    for (const f of files) objects.push(...parseFile(f));
    const options: AnalysisOptions = {
      analyzers: args.analyzers.length > 0 ? args.analyzers : undefined,
      meshConfig: args.meshConfig ? parseConfig(args.meshConfig, 'mesh config') : undefined,
      meshNetworks: args.meshNetworks ? parseConfig(args.meshNetworks, 'mesh networks') : undefined,
      suppressions: args.suppress,
      workloadPods: args.workloadPods,
    };
    let diags: AnalysisDiagnostic[];
    try {
      diags = MeshAnalyzer.analyze(objects, options);
    } catch (e) {
      if (/^unknown analyzer/.test((e as Error).message)) throw new UsageError((e as Error).message);
      throw e;
    }
    stdout(render(diags, args.output, objects.length));
    return diags.some((d) => d.level === AnalysisLevel.ERROR) ? EXIT_ANALYZE_ERRORS : 0;
  } catch (e) {
    if (e instanceof UsageError) {
      stderr(`cdk8s-istio: ${e.message}\n`);
      if (/unknown option|unknown command|needs a value|no input/.test(e.message)) stderr('run "cdk8s-istio --help" for usage\n');
      return 1;
    }
    stderr(`cdk8s-istio: internal error: ${(e as Error).stack ?? e}\n`);
    return 1;
  }
}

if (require.main === module) {
  const code = main(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s));
  process.exitCode = code;
}
