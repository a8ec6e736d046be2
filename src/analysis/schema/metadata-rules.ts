// ObjectMeta checks the API server applies to every object (apimachinery
// validation): name/namespace formats, label keys/values, annotation keys/size.

/** A metadata problem: display path + message. */
export interface MetadataProblem {
  readonly path: string;
  readonly message: string;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const TOTAL_ANNOTATION_SIZE = 256 * 1024;

/** Kinds whose names must be DNS-1035 / DNS-1123 labels rather than subdomains. */
const NAME_RULES: { [kind: string]: NameRule } = {
  Service: 'dns1035',
  Namespace: 'dns1123label',
  // RBAC objects only need to be valid path segments (e.g. `system:auth-delegator`).
  Role: 'pathSegment',
  ClusterRole: 'pathSegment',
  RoleBinding: 'pathSegment',
  ClusterRoleBinding: 'pathSegment',
};

type NameRule = 'dns1035' | 'dns1123label' | 'dns1123subdomain' | 'pathSegment';

function nameProblem(name: string, rule: NameRule): string | undefined {
  switch (rule) {
    case 'pathSegment':
      if (name === '.' || name === '..') return `may not be '${name}'`;
      return /[/%]/.test(name) ? "may not contain '/' or '%'" : undefined;
    case 'dns1035':
      if (name.length > 63) return 'must be no more than 63 characters';
      return DNS1035_LABEL.test(name) ? undefined
        : "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (regex '[a-z]([-a-z0-9]*[a-z0-9])?')";
    case 'dns1123label':
      if (name.length > 63) return 'must be no more than 63 characters';
      return DNS1123_LABEL.test(name) ? undefined
        : "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (regex '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    default:
      if (name.length > 253) return 'must be no more than 253 characters';
      return DNS1123_SUBDOMAIN.test(name) ? undefined
        : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (regex '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
  }
}

/** Problem with a qualified name (label/annotation key), or undefined. */
export function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split('/');
  let name = key;
  if (parts.length === 2) {
    const [prefix, n] = parts;
    if (prefix.length === 0) return 'prefix part must be non-empty';
    const p = nameProblem(prefix, 'dns1123subdomain');
    if (p) return `prefix part ${p}`;
    name = n;
  } else if (parts.length > 2) {
    return "a qualified name must consist of alphanumeric characters, '-', '_' or '.', with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
  }
  if (name.length === 0) return 'name part must be non-empty';
  if (name.length > 63) return 'name part must be no more than 63 characters';
  if (!QUALIFIED_NAME.test(name)) {
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (regex '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
  }
  return undefined;
}

function mapPath(base: string, key: string): string {
  return `${base}[${JSON.stringify(key)}]`;
}

/** Validates `obj.metadata` (the structure itself is checked by the ObjectMeta schema). */
export function metadataProblems(obj: any): MetadataProblem[] {
  const out: MetadataProblem[] = [];
  const md = obj.metadata;
  if (md === undefined || md === null) {
    out.push({ path: 'metadata', message: 'Required value: metadata.name is required' });
    return out;
  }
  if (typeof md !== 'object' || Array.isArray(md)) {
    out.push({ path: 'metadata', message: 'must be an object' });
    return out;
  }
  if (md.name === undefined && md.generateName === undefined) {
    out.push({ path: 'metadata.name', message: 'Required value: name or generateName is required' });
  }
  if (typeof md.name === 'string') {
    const p = nameProblem(md.name, NAME_RULES[obj.kind] ?? 'dns1123subdomain');
    if (p) out.push({ path: 'metadata.name', message: `Invalid value: ${JSON.stringify(md.name)}: ${p}` });
  }
  if (typeof md.namespace === 'string') {
    const p = nameProblem(md.namespace, 'dns1123label');
    if (p) out.push({ path: 'metadata.namespace', message: `Invalid value: ${JSON.stringify(md.namespace)}: ${p}` });
  }
  if (md.labels && typeof md.labels === 'object') {
    for (const [k, v] of Object.entries(md.labels)) {
      const kp = qualifiedNameProblem(k);
      if (kp) out.push({ path: mapPath('metadata.labels', k), message: `Invalid value: ${JSON.stringify(k)}: ${kp}` });
      if (typeof v !== 'string') continue; // type errors come from the ObjectMeta schema
      if (v.length > 63) {
        out.push({ path: mapPath('metadata.labels', k), message: `Invalid value: ${JSON.stringify(v)}: must be no more than 63 characters` });
      } else if (!LABEL_VALUE.test(v)) {
        out.push({
          path: mapPath('metadata.labels', k),
          message: `Invalid value: ${JSON.stringify(v)}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
        });
      }
    }
  }
  if (md.annotations && typeof md.annotations === 'object') {
    let size = 0;
    for (const [k, v] of Object.entries(md.annotations)) {
      const kp = qualifiedNameProblem(k.toLowerCase());
      if (kp) out.push({ path: mapPath('metadata.annotations', k), message: `Invalid value: ${JSON.stringify(k)}: ${kp}` });
      if (typeof v === 'string') size += k.length + v.length;
    }
    if (size > TOTAL_ANNOTATION_SIZE) {
      out.push({ path: 'metadata.annotations', message: `Too long: must have at most ${TOTAL_ANNOTATION_SIZE} bytes` });
    }
  }
  return out;
}

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * The keys of a ConfigMap's or Secret's data (the API server's IsConfigMapKey: letters, digits,
 * "-", "_" and ".", at most 253 characters, not "." or "..").
 */
export function dataKeyProblems(obj: any): MetadataProblem[] {
  if (obj?.apiVersion !== 'v1' || (obj.kind !== 'ConfigMap' && obj.kind !== 'Secret')) return [];
  const out: MetadataProblem[] = [];
  for (const field of ['data', 'binaryData', 'stringData']) {
    const map = obj[field];
    if (!map || typeof map !== 'object') continue;
    for (const key of Object.keys(map)) {
      let problem: string | undefined;
      if (key.length > 253) problem = 'must be no more than 253 characters';
      else if (key === '.' || key === '..') problem = `must not be '${key}'`;
      else if (!CONFIG_KEY.test(key)) problem = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";
      if (problem) out.push({ path: mapPath(field, key), message: `Invalid value: ${JSON.stringify(key.length > 160 ? `${key.slice(0, 150)}...` : key)}: ${problem}` });
    }
  }
  return out;
}
