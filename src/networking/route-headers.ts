import { IConstruct } from 'constructs';
import * as l1 from '../../imports/networking.istio.io';
import { HTTP_TOKEN } from '../core/checks';
import { invalid } from '../core/errors';
/**
 * Changes to the headers of a request or response: set (overwrite), add (append)
 * and remove. Header names are case-insensitive; values may use Envoy's
 * `%REQ(...)%`-style substitutions.
 *
 * @example
 * { set: { 'x-custom-header': '%REQ(:PATH)%' }, remove: ['x-debug'] }
 */
export interface HeaderOperations {
  /**
   * Headers to overwrite (or create) with the given value.
   *
   * @default - no header is set
   */
  readonly set?: { [name: string]: string };

  /**
   * Headers to append the given value to.
   *
   * @default - no header is added
   */
  readonly add?: { [name: string]: string };

  /**
   * Headers to remove.
   *
   * @default - no header is removed
   */
  readonly remove?: string[];
}

/** @internal */
export function renderHeaderOperations(
  scope: IConstruct, field: string, ops: HeaderOperations | undefined,
): l1.VirtualServiceSpecHttpHeadersRequest | undefined {
  if (ops === undefined) return undefined;
  const checkName = (f: string, name: string) => {
    if (typeof name !== 'string' || !HTTP_TOKEN.test(name)) {
      invalid(scope, f, name, 'a header name must be a non-empty HTTP token (letters, digits, "-", no spaces or ":")', 'use a name such as "x-request-id"');
    }
    if (name.toLowerCase() === 'host') {
      invalid(scope, f, name, 'the Host header cannot be changed with header operations', 'use `rewrite: { authority: ... }` to change the host');
    }
  };
  const map = (kind: string, m: { [name: string]: string } | undefined) => {
    if (m === undefined) return undefined;
    for (const [name, value] of Object.entries(m)) {
      checkName(`${field}.${kind} key`, name);
      checkHeaderValue(scope, `${field}.${kind}.${name}`, value);
    }
    return Object.keys(m).length ? { ...m } : undefined;
  };
  const set = map('set', ops.set);
  const add = map('add', ops.add);
  (ops.remove ?? []).forEach((name, i) => checkName(`${field}.remove[${i}]`, name));
  const remove = ops.remove && ops.remove.length ? [...ops.remove] : undefined;
  if (!set && !add && !remove) return undefined;
  return { set, add, remove };
}

/** @internal */
export function renderHeaders(
  scope: IConstruct, field: string, request: HeaderOperations | undefined, response: HeaderOperations | undefined,
): l1.VirtualServiceSpecHttpHeaders | undefined {
  const req = renderHeaderOperations(scope, `${field}.requestHeaders`, request);
  const res = renderHeaderOperations(scope, `${field}.responseHeaders`, response);
  if (!req && !res) return undefined;
  return { request: req, response: res };
}

/**
 * A header value Envoy accepts: no line breaks or NUL (header injection), and every "%" paired
 * (istiod: an Envoy variable is written `%NAME%`, a literal percent sign `%%`).
 */
function checkHeaderValue(scope: IConstruct, field: string, value: string): void {
  if (typeof value !== 'string') {
    invalid(scope, field, value, 'a header value must be a string', 'write the value in quotes, e.g. "1"');
  }
  if (/[\r\n\0]/.test(value)) {
    invalid(scope, field, value, 'a header value cannot contain line breaks or NUL characters', 'put the value on one line');
  }
  if ((value.match(/%/g) ?? []).length % 2 !== 0) {
    invalid(scope, field, value, 'istiod refuses a single "%": Envoy reads %NAME% as a variable', 'write a literal percent sign as "%%", or a variable as "%HOSTNAME%"');
  }
}
