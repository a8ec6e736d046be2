// `cdk8s-istio authz check`: may this caller make this call? Answered from manifests alone
// (an app's synthesized YAML or any YAML), as Istio would decide it.
import { parseArgs } from 'util';
import { MeshCall, MeshCaller, MeshModel } from './mesh-model';
import { collectFiles, UsageError } from '../cli-input';
import { ReadBudget, readManifestFile } from '../manifest-reader';

/** Exit statuses: usable in a pipeline. */
const EXIT = { ALLOW: 0, DENY: 3, DEPENDS: 4 } as const;

/** @internal */
export const AUTHZ_USAGE = `usage: cdk8s-istio authz check --from CALLER --to SERVICE [options] FILES_OR_DIRS...

Decides, from the manifests alone, whether CALLER may call SERVICE, as Istio would.

  --from <namespace>/<serviceaccount> | unauthenticated | ip:<address>
  --to <service>[.<namespace>][:<service port>]   (namespace default: "default")
  --method M, --path P          an HTTP request (neither: a TCP connection)
  --header name=value           a request header (repeatable)
  --jwt-claims JSON             claims of a token RequestAuthentication has validated
  --root-namespace NS           Istio's root namespace (default istio-system)

prints ALLOW, DENY or DEPENDS (the answer turns on something not given: an external
authorizer, a source IP, which endpoint answers), the deciding policy and why.
exit status: ${EXIT.ALLOW} allow, ${EXIT.DENY} deny, ${EXIT.DEPENDS} depends, 1 bad usage or unreadable input`;

const OPTIONS = {
  'from': { type: 'string' },
  'to': { type: 'string' },
  'method': { type: 'string' },
  'path': { type: 'string' },
  'header': { type: 'string', multiple: true },
  'jwt-claims': { type: 'string' },
  'root-namespace': { type: 'string' },
  'help': { type: 'boolean', short: 'h' },
} as const;

function caller(from: string | undefined): MeshCaller {
  if (from === undefined) throw new UsageError('--from is required: <namespace>/<serviceaccount>, unauthenticated or ip:<address>');
  if (from === 'unauthenticated') return {};
  if (from.startsWith('ip:')) return { ip: from.slice(3) };
  const m = /^([a-z0-9-]+)\/([a-z0-9.-]+)$/.exec(from);
  if (!m) throw new UsageError(`--from ${JSON.stringify(from)} is invalid: use <namespace>/<serviceaccount>, unauthenticated or ip:<address>`);
  return { namespace: m[1], serviceAccount: m[2] };
}

function destination(to: string | undefined): { service: string; namespace: string; port?: number } {
  if (to === undefined) throw new UsageError('--to is required: <service>[.<namespace>][:<port>]');
  const m = /^([a-z0-9-]+)(?:\.([a-z0-9-]+))?(?::(\d+))?$/.exec(to);
  if (!m) throw new UsageError(`--to ${JSON.stringify(to)} is invalid: use <service>[.<namespace>][:<port>]`);
  return { service: m[1], namespace: m[2] ?? 'default', port: m[3] !== undefined ? Number(m[3]) : undefined };
}

/**
 * Runs `authz check` (argv after `authz`); returns the exit status.
 * @internal
 */
export function authzMain(argv: string[], stdout: (s: string) => void, stderr: (s: string) => void): number {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') {
    stdout(`${AUTHZ_USAGE}\n`);
    return 0;
  }
  if (argv[0] !== 'check') throw new UsageError(`unknown command "authz ${argv[0]}": the authz command is "check"`);
  let parsed;
  try {
    parsed = parseArgs({ args: argv.slice(1), options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    stdout(`${AUTHZ_USAGE}\n`);
    return 0;
  }
  const headers: { [name: string]: string } = {};
  for (const h of values.header ?? []) {
    const at = h.indexOf('=');
    if (at <= 0) throw new UsageError(`--header ${JSON.stringify(h)} is invalid: use name=value`);
    headers[h.slice(0, at)] = h.slice(at + 1);
  }
  let jwtClaims: { [claim: string]: unknown } | undefined;
  if (values['jwt-claims'] !== undefined) {
    try {
      jwtClaims = JSON.parse(values['jwt-claims']);
    } catch (e) {
      throw new UsageError(`--jwt-claims is not JSON: ${(e as Error).message}`);
    }
    if (jwtClaims === null || typeof jwtClaims !== 'object' || Array.isArray(jwtClaims)) throw new UsageError('--jwt-claims must be a JSON object of claims');
  }
  const call: MeshCall = {
    from: caller(values.from),
    ...destination(values.to),
    method: values.method,
    path: values.path,
    headers,
    jwtClaims,
  };
  if (positionals.length === 0) throw new UsageError('no input files or directories given');
  const files: string[] = [];
  for (const input of positionals) collectFiles(input, files, stderr);
  const budget = new ReadBudget();
  const objects = files.flatMap((f) => [...readManifestFile(f, budget)]);
  const d = MeshModel.fromManifests(objects, { rootNamespace: values['root-namespace'] }).canCall(call);
  const rule = d.rule !== undefined ? ` (rule ${d.rule})` : '';
  stdout(`${d.verdict}${d.policy !== undefined ? ` by ${d.policy}${rule}` : ''}: ${d.reason}\n`);
  return EXIT[d.verdict];
}
