// istiod's admission rules for security.istio.io AuthorizationPolicy (Istio 1.30
// pkg/config/validation: ValidateAuthorizationPolicy and pkg/config/security: one of selector and
// targetRef(s); CUSTOM needs rules and a provider and cannot match on identities; a provider only
// with CUSTOM; DENY needs rules; every from/to/when is complete, with valid IPs, ports, service
// accounts, trust domains, path templates and condition keys). Empty lists count as absent, as
// they do once istiod has read the object. Two rules istiod does not enforce but that make a
// policy silently never match (a `spiffe://` principal, a path with a query) are refused too.
import { policySelection } from './policy-selection';
import { Report, ipSubnetProblem } from './shared';
import { Obj, Resource, arr, isObj, str } from '../../../model';

/** Source fields a CUSTOM policy cannot match on (identities are not known to the external authorizer). */
const CUSTOM_UNSUPPORTED_SOURCE = ['namespaces', 'notNamespaces', 'serviceAccounts', 'notServiceAccounts', 'trustDomains', 'notTrustDomains', 'principals', 'notPrincipals', 'requestPrincipals', 'notRequestPrincipals'];
const CUSTOM_UNSUPPORTED_KEYS = new Set(['source.namespace', 'source.serviceAccount', 'source.trustDomain', 'source.principal']);

const SOURCE_FIELDS = ['principals', 'requestPrincipals', 'namespaces', 'ipBlocks', 'remoteIpBlocks', 'serviceAccounts', 'trustDomains'];
const ALL_SOURCE_FIELDS = SOURCE_FIELDS.flatMap((f) => [f, `not${f[0].toUpperCase()}${f.slice(1)}`]);
const OPERATION_FIELDS = ['ports', 'methods', 'paths', 'hosts'].flatMap((f) => [f, `not${f[0].toUpperCase()}${f.slice(1)}`]);

/** Envoy's literal path segment characters (RFC 3986 pchar) in a path that uses templates. */
const PATH_LITERAL = /^[a-zA-Z0-9\-._~%!$&'()+,;:@=]+$/;

/** A list field's entries as strings (YAML may hold numbers, e.g. ports). */
function strings(v: unknown): string[] {
  return arr(v).map(String);
}

/** Checks an AuthorizationPolicy. */
export function authorizationPolicy(r: Resource, report: Report): void {
  const spec = r.spec;
  policySelection(spec, report);
  const action = str(spec.action) || 'ALLOW';
  const rules = arr(spec.rules);
  const providerName = isObj(spec.provider) ? str(spec.provider.name) : '';
  if (action === 'CUSTOM') {
    if (rules.length === 0) report('spec.rules', 'a CUSTOM policy without rules never triggers; add an empty rule {} to send every request to the provider');
    else if (providerName === '') report('spec.provider.name', 'a CUSTOM policy needs a provider name (an extensionProvider of the mesh config)');
  } else if (spec.provider !== undefined) {
    report('spec.provider', `a provider is only allowed with action CUSTOM, not ${action}`);
  }
  if (action === 'DENY' && rules.length === 0) report('spec.rules', 'a DENY policy without rules never triggers; add an empty rule {} to deny every request');
  rules.forEach((rule: Obj, i) => {
    const at = `spec.rules[${i}]`;
    if (!isObj(rule)) {
      report(at, 'a rule must be an object (write {} for a rule that matches every request)');
      return;
    }
    arr(rule.from).forEach((f: Obj, j) => source(f, `${at}.from[${j}]`, action, report));
    arr(rule.to).forEach((t: Obj, j) => operation(t, `${at}.to[${j}]`, report));
    arr(rule.when).forEach((c: Obj, j) => condition(c, `${at}.when[${j}]`, action, report));
  });
}

function source(f: Obj, at: string, action: string, report: Report): void {
  if (!isObj(f) || !isObj(f.source)) {
    report(`${at}.source`, 'a from entry needs a source');
    return;
  }
  const src = f.source as Obj;
  const list = (k: string) => strings(src[k]);
  if (ALL_SOURCE_FIELDS.every((k) => list(k).length === 0)) report(`${at}.source`, 'a source must set at least one field (principals, namespaces, serviceAccounts, ipBlocks, ...)');
  const identities = ['principals', 'notPrincipals', 'namespaces', 'notNamespaces'].filter((k) => list(k).length > 0);
  const accounts = ['serviceAccounts', 'notServiceAccounts'].filter((k) => list(k).length > 0);
  if (identities.length > 0 && accounts.length > 0) report(`${at}.source`, `cannot set ${accounts.join('/')} together with ${identities.join('/')}; name the identities one way`);
  if (action === 'CUSTOM') {
    for (const k of CUSTOM_UNSUPPORTED_SOURCE) {
      if (list(k).length > 0) report(`${at}.source.${k}`, `${JSON.stringify(src[k])}: a CUSTOM policy cannot match on ${k}`);
    }
  }
  for (const k of ALL_SOURCE_FIELDS) {
    list(k).forEach((v, n) => {
      const vat = `${at}.source.${k}[${n}]`;
      if (v === '') {
        report(vat, `an empty value is not allowed in ${k}`);
        return;
      }
      if (/IpBlocks$/i.test(k)) ipProblem(v, vat, report);
      if (/^(not)?[pP]rincipals$/.test(k) && v.startsWith('spiffe://')) report(vat, `${JSON.stringify(v)}: istiod adds "spiffe://" itself, so this principal never matches; drop the prefix`);
    });
  }
  for (const k of ['serviceAccounts', 'notServiceAccounts']) serviceAccounts(list(k), `${at}.source.${k}`, report);
  for (const k of ['trustDomains', 'notTrustDomains']) {
    list(k).forEach((v, n) => {
      if (v === '') return;
      wildcard(v, `${at}.source.${k}[${n}]`, report);
      if (v.includes('/')) report(`${at}.source.${k}[${n}]`, `trust domain ${JSON.stringify(v)} must not contain "/"`);
    });
  }
}

function operation(t: Obj, at: string, report: Report): void {
  if (!isObj(t) || !isObj(t.operation)) {
    report(`${at}.operation`, 'a to entry needs an operation');
    return;
  }
  const op = t.operation as Obj;
  const list = (k: string) => strings(op[k]);
  if (OPERATION_FIELDS.every((k) => list(k).length === 0)) report(`${at}.operation`, 'an operation must set at least one field (ports, methods, paths, hosts or their not-forms)');
  for (const k of OPERATION_FIELDS) {
    list(k).forEach((v, n) => {
      const vat = `${at}.operation.${k}[${n}]`;
      if (v === '') report(vat, `an empty value is not allowed in ${k}`);
      else if (/^(not)?[pP]orts$/.test(k)) portString(v, vat, report);
      else if (/^(not)?[pP]aths$/.test(k)) path(v, vat, report);
    });
  }
}

function condition(c: Obj, at: string, action: string, report: Report): void {
  if (!isObj(c)) {
    report(at, 'a condition must be an object with a key and values');
    return;
  }
  const key = str(c.key);
  if (key === '') {
    report(`${at}.key`, 'a condition needs a key');
    return;
  }
  if (action === 'CUSTOM' && (CUSTOM_UNSUPPORTED_KEYS.has(key) || key.startsWith('request.auth.'))) {
    report(`${at}.key`, `${JSON.stringify(key)}: a CUSTOM policy cannot have conditions on identities`);
  }
  const values = strings(c.values);
  const notValues = strings(c.notValues);
  if (values.length === 0 && notValues.length === 0) {
    report(at, `condition ${JSON.stringify(key)} needs values or notValues`);
    return;
  }
  attribute(key, values, `${at}.values`, report);
  attribute(key, notValues, `${at}.notValues`, report);
}

/** pkg/config/security `ValidateAttribute`: the condition keys istiod knows and the form of their values. */
function attribute(key: string, values: string[], at: string, report: Report): void {
  const empty = values.findIndex((v) => v === '');
  if (empty >= 0) {
    report(`${at}[${empty}]`, `an empty value is not allowed for ${JSON.stringify(key)}`);
    return;
  }
  const each = (f: (v: string, vat: string) => void) => values.forEach((v, n) => f(v, `${at}[${n}]`));
  if (key.startsWith('request.headers') || key.startsWith('request.auth.claims') || key.startsWith('experimental.envoy.filters.')) {
    const open = key.indexOf('[');
    if (!(key.endsWith(']') && open > 0 && open < key.length - 2)) report(at, `condition key ${JSON.stringify(key)} must have the form name[entry], e.g. request.headers[user-agent]`);
    return;
  }
  switch (key) {
    case 'source.ip':
    case 'remote.ip':
    case 'destination.ip':
      each((v, vat) => ipProblem(v, vat, report));
      return;
    case 'destination.port':
      each((v, vat) => portString(v, vat, report));
      return;
    case 'source.serviceAccount':
      serviceAccounts(values, at, report);
      return;
    case 'source.trustDomain':
      each((v, vat) => wildcard(v, vat, report));
      return;
    case 'source.namespace':
    case 'source.principal':
    case 'request.auth.principal':
    case 'request.auth.audiences':
    case 'request.auth.presenter':
    case 'connection.sni':
      return;
    case 'destination.namespace':
      report(at, 'condition key "destination.namespace" is not supported: the policy\'s own namespace (metadata.namespace) is the destination namespace');
      return;
    case 'destination.name':
    case 'destination.user':
      report(at, `condition key ${JSON.stringify(key)} was removed (it existed only in v1alpha1)`);
      return;
    default:
      if (key.startsWith('destination.labels')) report(at, `condition key ${JSON.stringify(key)} is not supported: select workloads with spec.selector instead`);
      else report(at, `unknown condition key ${JSON.stringify(key)} (see Istio's authorization conditions: source.ip, request.headers[...], ...)`);
  }
}

/** `security.ValidateIPs`: an address, or a CIDR block when it has a "/". */
function ipProblem(v: string, at: string, report: Report): void {
  const problem = ipSubnetProblem(v);
  if (problem !== undefined) report(at, problem);
}

/** `security.ValidatePorts`: a decimal number up to 65535. */
function portString(v: string, at: string, report: Report): void {
  if (!/^[0-9]+$/.test(v) || Number(v) > 65535) report(at, `${JSON.stringify(v)} is not a port number (0..65535, digits only)`);
}

/** `security.CheckWildcardValues`: at most one `*`, only at the start or the end. */
function wildcard(v: string, at: string, report: Report): void {
  const count = v.split('*').length - 1;
  if (count > 1) report(at, `${JSON.stringify(v)} has more than one wildcard`);
  else if (count === 1 && v !== '*' && !v.startsWith('*') && !v.endsWith('*')) report(at, `${JSON.stringify(v)}: a wildcard is only allowed at the start or the end`);
}

/** `security.CheckServiceAccount`: at most 16, `name` or `namespace/name`, no wildcard, at most 320 characters. */
function serviceAccounts(values: string[], at: string, report: Report): void {
  if (values.length > 16) report(at, `${values.length} service accounts: at most 16 are allowed`);
  values.forEach((v, n) => {
    const vat = `${at}[${n}]`;
    if (v === '') return; // reported as an empty value
    if (v.includes('*')) report(vat, `${JSON.stringify(v)}: wildcards are not allowed in service accounts`);
    else if (v.split('/').length > 2 || v.startsWith('/') || v.endsWith('/')) report(vat, `${JSON.stringify(v)} must be "serviceAccount" or "namespace/serviceAccount"`);
    else if (v.length > 320) report(vat, `service account is ${v.length} characters, over the limit of 320`);
  });
}

/** `security.CheckValidPathTemplate`, plus paths that can never match because they carry a query or fragment. */
function path(v: string, at: string, report: Report): void {
  if (/[?#]/.test(v)) report(at, `${JSON.stringify(v)}: paths are matched without the query or fragment, so this never matches`);
  const templated = v.includes('{*}') || v.includes('{**}');
  let matchAny = false;
  for (const glob of v.replace(/^\/+|\/+$/g, '').split('/')) {
    if ((glob === '{*}' || glob === '{**}') && matchAny) {
      report(at, `${JSON.stringify(v)}: {**} must be the last path template operator`);
      return;
    }
    if (glob === '{*}') continue;
    if (glob === '{**}') {
      matchAny = true;
      continue;
    }
    if (/[{}]/.test(glob)) {
      report(at, `${JSON.stringify(v)}: "{" and "}" are only allowed in the templates {*} and {**}`);
      return;
    }
    if (templated && !PATH_LITERAL.test(glob)) {
      report(at, `${JSON.stringify(v)}: segment ${JSON.stringify(glob)} is not a valid literal in a templated path`);
      return;
    }
  }
}
