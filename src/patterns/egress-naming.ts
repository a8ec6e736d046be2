// Names of the objects an EgressLockdown creates, and host-name helpers.
import { createHash } from 'crypto';
import { isIP } from 'net';

export function isDnsName(value: string): boolean {
  return value.length > 0 && value.length <= 253
    && value.split('.').every((l) => /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(l) && l.length <= 63);
}

export function bareHost(value: string): string {
  let v = value.replace(/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//, '');
  v = v.split('/')[0];
  if (isIP(v) === 0 && v.includes(':')) v = v.slice(0, v.lastIndexOf(':'));
  return v.toLowerCase() || 'api.example.com';
}

export function selectorKey(labels: { [key: string]: string }): string {
  return JSON.stringify(Object.keys(labels).sort().map((k) => [k, labels[k]]));
}

/** A host as a name part: `*.example.com` becomes `wildcard.example.com`. */
export function hostSlug(host: string): string {
  const slug = host.startsWith('*.') ? `wildcard${host.slice(1)}` : host;
  // object names must be DNS-1123 subdomains whatever the user wrote (the host itself is
  // checked, with the user's own field name, before any object is named)
  const safe = slug.toLowerCase().replace(/[^a-z0-9.-]/g, '-').replace(/^[-.]+|[-.]+$/g, '');
  return safe === slug ? slug : `${safe || 'host'}-${shortHash(slug)}`;
}

export function shortHash(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 8);
}

/** A DNS-1123 subdomain: prefix + slug, shortened with a hash when too long. */
export function resourceName(prefix: string, slug: string): string {
  const name = `${prefix}${slug}`;
  if (name.length <= 253) return name;
  return `${name.slice(0, 244).replace(/[-.]+$/, '')}-${shortHash(name)}`;
}

/** A DNS-1123 label for a subset: dots become dashes, shortened with a hash when too long. */
export function subsetName(slug: string): string {
  const name = slug.replace(/\./g, '-');
  if (name.length <= 63) return name;
  return `${name.slice(0, 54).replace(/-+$/, '')}-${shortHash(slug)}`;
}
