#!/usr/bin/env node
// cdk8s-istio CLI: `cdk8s-istio analyze [options] FILES_OR_DIRS...` (istioctl analyze, offline).
import { parseArgs } from 'util';
import * as YAML from 'yaml';
import { authzMain } from './authz/authz-cli';
import { collectFiles, firstLine, readText, UsageError } from './cli-input';
import { graphMain } from './graph/graph-cli';
import { DEFAULT_READ_LIMITS, ManifestReadError, ReadBudget, readManifestFile, readManifestText } from './manifest-reader';
import { AnalysisDiagnostic, AnalysisLevel, AnalysisOptions, AnalysisSuppression, MeshAnalyzer } from './mesh-analyzer';
import { SYNTH_ASSUMPTIONS, fileHasSynthMarker } from './synth-marker';

/** Exit code when Error-level diagnostics are found (as istioctl). */
const EXIT_ANALYZE_ERRORS = 79;

const USAGE = `usage: cdk8s-istio analyze [options] FILES_OR_DIRS...
       cdk8s-istio authz check --from CALLER --to SERVICE [options] FILES_OR_DIRS...  (see "authz --help")
       cdk8s-istio graph [--format mermaid|dot|svg|json|matrix|markdown] FILES_OR_DIRS...  (see "graph --help")

Analyzes Kubernetes/Istio YAML (multi-document files; directories recursively: *.yaml, *.yml,
*.json; "-" reads stdin) like istioctl analyze, without a cluster.

options (before or after the files):
  -o, --output text|json|yaml   output format (default text)
  -A, --analyzer NAME           run only this analyzer (repeatable); see --list-analyzers
      --mesh-config FILE        MeshConfig YAML merged over Istio's defaults, or the
                                IstioOperator file of a MeshInstallation (its meshConfig)
      --mesh-networks FILE      MeshNetworks YAML
  -S, --suppress CODE=RESOURCE  suppress a code for a resource ("Kind ns/name", "Kind/ns/name",
                                globs allowed; RESOURCE may be omitted: CODE alone) (repeatable)
      --max-documents N         refuse inputs with more than N documents (default ${DEFAULT_READ_LIMITS.maxDocuments})
      --max-bytes N             refuse inputs larger than N bytes (default ${DEFAULT_READ_LIMITS.maxBytes})
      --assume auto|synth|istioctl
                                synth: analyze as at cdk8s synth time (pod templates stand for running
                                Pods, TLS Secrets come from outside, namespaces objects use exist);
                                istioctl: as istioctl analyze does with files; auto (default): synth
                                when every file holding manifests was synthesized by cdk8s-istio
                                (starts with its marker line), else istioctl
      --workload-pods           treat the pod templates of Deployments, StatefulSets, ... as running
                                Pods (implied by --assume synth)
      --list-analyzers          print the analyzer names and exit
  -h, --help                    print this help

exit status: 0 no Error-level messages, ${EXIT_ANALYZE_ERRORS} Error-level messages found, 1 bad usage or unreadable input`;


interface ParsedArgs {
  readonly output: string;
  readonly analyzers: string[];
  readonly meshConfig?: string;
  readonly meshNetworks?: string;
  readonly suppress: AnalysisSuppression[];
  readonly inputs: string[];
  readonly help: boolean;
  readonly list: boolean;
  readonly workloadPods: boolean;
  readonly assume: string;
  readonly maxDocuments: number;
  readonly maxBytes: number;
}

/** The options of `analyze` (`--meshConfigFile`/`--meshNetworksFile` are istioctl's spellings). */
const OPTIONS = {
  'output': { type: 'string', short: 'o' },
  'analyzer': { type: 'string', short: 'A', multiple: true },
  'mesh-config': { type: 'string' },
  'meshConfigFile': { type: 'string' },
  'mesh-networks': { type: 'string' },
  'meshNetworksFile': { type: 'string' },
  'suppress': { type: 'string', short: 'S', multiple: true },
  'workload-pods': { type: 'boolean' },
  'assume': { type: 'string' },
  'max-documents': { type: 'string' },
  'max-bytes': { type: 'string' },
  'list-analyzers': { type: 'boolean' },
  'help': { type: 'boolean', short: 'h' },
} as const;

/** Turns node:util's parse errors into the CLI's usage errors. */
function usageErrorOf(e: unknown): Error {
  const err = e as Error & { code?: string };
  // "Unknown option '-x'", "Option '-A, --analyzer <value>' argument missing": name the long form
  const option = /'(?:-\w, )?(-[^' ]+)/.exec(err.message)?.[1];
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return new UsageError(`unknown option ${JSON.stringify(option)}`);
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return new UsageError(`option ${option} needs a value`);
  return err;
}

function parseSuppression(v: string): AnalysisSuppression {
  const at = v.indexOf('=');
  const code = (at >= 0 ? v.slice(0, at) : v).trim();
  if (!/^(IST\d{4}|CKI\d{4}|\*)$/i.test(code)) {
    throw new UsageError(`--suppress ${JSON.stringify(v)} is invalid: expected CODE=RESOURCE, e.g. IST0101=VirtualService default/reviews`);
  }
  return { code, resource: at >= 0 ? v.slice(at + 1).trim() : undefined };
}

function parseCommandLine(argv: string[]): ParsedArgs {
  const none: ParsedArgs = {
    output: 'text',
    analyzers: [],
    suppress: [],
    inputs: [],
    help: false,
    list: false,
    workloadPods: false,
    assume: 'auto',
    maxDocuments: DEFAULT_READ_LIMITS.maxDocuments,
    maxBytes: DEFAULT_READ_LIMITS.maxBytes,
  };
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') return { ...none, help: true };
  if (argv[0] !== 'analyze') throw new UsageError(`unknown command ${JSON.stringify(argv[0])}: the commands are "analyze", "authz check" and "graph"`);
  // "-o=json": node:util takes "=json" as the value of a short option; split it first.
  const args = argv.slice(1).flatMap((a) => (/^-[A-Za-z]=/.test(a) ? [a.slice(0, 2), a.slice(3)] : [a]));
  let parsed;
  try {
    parsed = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw usageErrorOf(e);
  }
  const { values, positionals } = parsed;
  const output = values.output ?? 'text';
  if (!['text', 'json', 'yaml'].includes(output)) throw new UsageError(`--output ${JSON.stringify(output)} is invalid: use text, json or yaml`);
  const assume = values.assume ?? 'auto';
  if (!['auto', 'synth', 'istioctl'].includes(assume)) throw new UsageError(`--assume ${JSON.stringify(assume)} is invalid: use auto, synth or istioctl`);
  return {
    output,
    analyzers: values.analyzer ?? [],
    meshConfig: values['mesh-config'] ?? values.meshConfigFile,
    meshNetworks: values['mesh-networks'] ?? values.meshNetworksFile,
    suppress: (values.suppress ?? []).map(parseSuppression),
    inputs: positionals,
    help: values.help ?? false,
    list: values['list-analyzers'] ?? false,
    workloadPods: values['workload-pods'] ?? false,
    assume,
    maxDocuments: positiveInteger('--max-documents', values['max-documents'], DEFAULT_READ_LIMITS.maxDocuments),
    maxBytes: positiveInteger('--max-bytes', values['max-bytes'], DEFAULT_READ_LIMITS.maxBytes),
  };
}

function positiveInteger(option: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  if (!/^[1-9][0-9]*$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
    throw new UsageError(`${option} ${JSON.stringify(raw)} is invalid: expected a positive integer`);
  }
  return Number(raw);
}

/** The first line of an error's message (YAML errors add the offending lines after it). */
function parseFile(file: string): { [key: string]: any }[] {
  const text = readText(file);
  if (text.includes('\u0000')) throw new UsageError(`cannot parse ${file}: it is a binary file, not YAML or JSON`);
  try {
    return readManifestText(text, file);
  } catch (e) {
    throw new UsageError(firstLine(e));
  }
}

/**
 * The `--mesh-config` option: a MeshConfig (or istiod's ConfigMap) is merged over Istio's
 * defaults; an IstioOperator (the install file a MeshInstallation writes) carries the mesh's
 * whole configuration, so references to extension providers it lacks are errors as at synth.
 */
function meshConfigOption(file: string | undefined): Pick<AnalysisOptions, 'meshConfig' | 'meshConfigComplete'> {
  if (file === undefined) return {};
  const docs = parseFile(file);
  const operator = docs.find((d) => d?.kind === 'IstioOperator' && typeof d.apiVersion === 'string' && d.apiVersion.startsWith('install.istio.io/'));
  if (operator) return { meshConfig: operator.spec?.meshConfig ?? {}, meshConfigComplete: true };
  return { meshConfig: parseConfig(file, 'mesh config', docs) };
}

function parseConfig(file: string, what: string, docs = parseFile(file)): { [key: string]: any } {
  if (docs.length === 0) return {};
  const d = docs[0];
  // accept a ConfigMap wrapping the config under data.mesh / data.meshNetworks
  if (d.kind === 'ConfigMap' && d.data) {
    const inner = d.data.mesh ?? d.data.meshNetworks;
    if (typeof inner === 'string') {
      try {
        return readManifestText(inner)[0] ?? {};
      } catch (e) {
        throw new UsageError(`cannot parse ${what} ${file} (ConfigMap data): ${firstLine(e)}`);
      }
    }
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
  // Double-quoted scalars: nothing a YAML 1.1 reader (kubectl) could take for a boolean or a number.
  if (output === 'yaml') return YAML.stringify(plain, { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', lineWidth: 0 });
  if (diags.length === 0) return `\u2714 No validation issues found when analyzing ${objects} object(s).\n`;
  return diags.map((d) => MeshAnalyzer.format(d)).join('\n') + '\n';
}

/**
 * Runs the CLI; returns the exit status.
 * @internal
 */
export function main(argv: string[], stdout: (s: string) => void, stderr: (s: string) => void): number | Promise<number> {
  const fail = (e: unknown): number => {
    if (e instanceof UsageError || e instanceof ManifestReadError) {
      stderr(`cdk8s-istio: ${e.message}\n`);
      if (/unknown option|unknown command|needs a value|no input/.test(e.message)) stderr('run "cdk8s-istio --help" for usage\n');
      return 1;
    }
    stderr(`cdk8s-istio: internal error: ${(e as Error).stack ?? e}\n`);
    return 1;
  };
  try {
    if (argv[0] === 'authz') return authzMain(argv.slice(1), stdout, stderr);
    if (argv[0] === 'graph') {
      const code = graphMain(argv.slice(1), stdout, stderr);
      return typeof code === 'number' ? code : code.catch(fail);
    }
    const args = parseCommandLine(argv);
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
    for (const input of args.inputs) collectFiles(input, files, stderr);
    const objects: { [key: string]: any }[] = [];
    const budget = new ReadBudget({ maxDocuments: args.maxDocuments, maxBytes: args.maxBytes });
    let allSynthesized = true;
    for (const f of files) {
      let manifests = 0;
      for (const o of readManifestFile(f, budget)) {
        objects.push(o);
        if (o !== null && typeof o === 'object' && typeof o.kind === 'string') manifests++;
      }
      // files without manifests (cdk8s's construct-metadata.json) say nothing about the output
      if (manifests > 0 && (f === '-' || !fileHasSynthMarker(f))) allSynthesized = false;
    }
    if (objects.length === 0) throw new UsageError(`no Kubernetes manifests found in ${args.inputs.join(', ')}`);
    const synth = args.assume === 'synth' || (args.assume === 'auto' && allSynthesized);
    const options: AnalysisOptions = {
      ...(synth ? SYNTH_ASSUMPTIONS : {}),
      analyzers: args.analyzers.length > 0 ? args.analyzers : undefined,
      ...meshConfigOption(args.meshConfig),
      meshNetworks: args.meshNetworks ? parseConfig(args.meshNetworks, 'mesh networks') : undefined,
      suppressions: args.suppress,
      ...(args.workloadPods ? { workloadPods: true } : {}),
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
    return fail(e);
  }
}

if (require.main === module) {
  const code = main(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s));
  if (typeof code === 'number') process.exitCode = code;
  else void code.then((c) => { process.exitCode = c; });
}
