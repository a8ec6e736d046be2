// Helpers shared by the install layer: a scope for parts that are not constructs (a MeshConfig
// or an ExtensionProvider is checked when it is built, before it is placed anywhere), the
// checks of install-only syntax (image hubs and tags, Kubernetes quantities) and the overlay
// istioctl applies to IstioOperator settings (maps merged, lists replaced).
import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';

/**
 * A stand-in scope for error messages about a part that is not (yet) in the construct tree:
 * the message names `label` where a construct path would be.
 * @internal
 */
export function partScope(label: string): IConstruct {
  return { node: { path: label } } as unknown as IConstruct;
}

/** A registry host (optional port) and a repository path: `docker.io/istio`, `localhost:5000/istio`. */
const HUB = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]{1,5})?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
/** An OCI image tag: word characters, "." and "-", at most 128, not starting with "." or "-". */
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** @internal */
export function checkHub(scope: IConstruct, field: string, value: string | undefined): void {
  if (value === undefined) return;
  if (!HUB.test(value)) {
    invalid(scope, field, value, 'an image hub is a registry host (with an optional port) and a repository path, in lower case, without a scheme, a trailing "/" or an image tag', 'use e.g. "docker.io/istio" or "registry.example.com:5000/istio"');
  }
}

/** @internal */
export function checkTag(scope: IConstruct, field: string, value: string | undefined): void {
  if (value === undefined) return;
  if (!TAG.test(value)) {
    invalid(scope, field, value, 'an image tag is 1-128 letters, digits, "_", "." and "-" (no ":", "/" or spaces), not starting with "." or "-"', 'use the Istio version, e.g. "1.30.3" or "1.30.3-distroless"');
  }
}

/** A Kubernetes quantity: `100m`, `0.5`, `128Mi`, `1G`, `2e3`. */
const QUANTITY = /^[+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][-+]?[0-9]+)?$/;

/** @internal */
export function checkQuantity(scope: IConstruct, field: string, value: string | undefined): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || !QUANTITY.test(value)) {
    invalid(scope, field, value, 'a resource quantity is a number with an optional suffix (m, Ki, Mi, Gi, k, M, G, ...)', 'use e.g. "100m" for CPU or "128Mi" for memory');
  }
}

/** True for a plain object (not a list, not null). */
function isMap(v: unknown): v is { [key: string]: unknown } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Overlays `over` on `base` as istioctl overlays IstioOperator files: maps are merged key by
 * key, lists and scalars of `over` replace those of `base`; `undefined` in `over` changes
 * nothing. Neither input is modified.
 * @internal
 */
export function overlay<T>(base: T, over: T | undefined): T {
  if (over === undefined) return base;
  if (!isMap(base) || !isMap(over)) return over;
  const out: { [key: string]: unknown } = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    out[k] = k in out ? overlay(out[k], v) : v;
  }
  return out as T;
}

/**
 * Deep copy of plain data without `undefined` values, and without the maps that are empty only
 * because all their values were `undefined` (a map written empty, `{}`, is kept).
 * @internal
 */
export function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(prune);
  if (!isMap(value)) return value;
  const out: { [key: string]: unknown } = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const p = prune(v);
    if (isMap(p) && Object.keys(p).length === 0 && isMap(v) && Object.keys(v).length > 0) continue;
    out[k] = p;
  }
  return out;
}

/**
 * The value at a dotted path of plain data (`global.hub`), or undefined.
 * @internal
 */
export function valueAt(data: { [key: string]: any } | undefined, path: string): unknown {
  let cur: unknown = data;
  for (const key of path.split('.')) {
    if (!isMap(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}
