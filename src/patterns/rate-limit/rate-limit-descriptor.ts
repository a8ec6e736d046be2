// The global rate limit's two halves: the actions Envoy runs to build a request's descriptors
// (rendered into the route configuration) and the descriptors with their limits the
// rate-limit service counts (rendered into its YAML configuration).
import { IConstruct } from 'constructs';
import { checkRequestHeader } from './rate-limit-target';
import { checkNonEmpty, checkNonEmptyString, checkUint32 } from '../../core/checks';
import { invalid } from '../../core/errors';

/** The time unit of a global limit (`requests_per_unit` per unit). */
export enum RateLimitUnit {
  /** Per second. */
  SECOND = 'second',
  /** Per minute. */
  MINUTE = 'minute',
  /** Per hour. */
  HOUR = 'hour',
  /** Per day. */
  DAY = 'day',
}

/** A descriptor the rate-limit service counts, possibly with nested descriptors. */
export interface RateLimitDescriptor {
  /** The descriptor key, as an action produces it (e.g. `PATH`, `remote_address`, `generic_key`). */
  readonly key: string;
  /**
   * The value this descriptor counts.
   * @default - every value of the key (each value has its own counter)
   */
  readonly value?: string;
  /**
   * Requests allowed per `unit`. Give both or neither of `requestsPerUnit` and `unit`.
   * @default - no limit at this level (only nested descriptors limit)
   */
  readonly requestsPerUnit?: number;
  /**
   * The unit of `requestsPerUnit`.
   * @default - no limit at this level
   */
  readonly unit?: RateLimitUnit;
  /**
   * Descriptors nested in this one (for actions producing several entries).
   * @default - none
   */
  readonly descriptors?: RateLimitDescriptor[];
  /**
   * Count, report, but never reject (the service's `shadow_mode`).
   * @default false
   */
  readonly shadowMode?: boolean;
}

/** A request header matched by `RateLimitAction.headerValueMatch`. */
export interface RateLimitHeaderMatch {
  /** The header (pseudo-headers like `:path` allowed). */
  readonly name: string;
  /**
   * The exact value. Give one of `exact` and `prefix`.
   * @default - none
   */
  readonly exact?: string;
  /**
   * The value prefix.
   * @default - none
   */
  readonly prefix?: string;
  /**
   * Whether case is ignored.
   * @default false
   */
  readonly ignoreCase?: boolean;
}

/**
 * One action of a rate limit: it produces one descriptor entry for a request (the actions of
 * a `RateLimitRule` together produce one descriptor, nested in their order).
 */
export class RateLimitAction {
  /** The value of a request header, under `descriptorKey` (Istio's sample: `:path` as `PATH`). */
  public static requestHeader(headerName: string, descriptorKey: string): RateLimitAction {
    return new RateLimitAction((scope, field) => {
      checkRequestHeader(scope, `${field}.headerName`, headerName);
      checkDescriptorKey(scope, `${field}.descriptorKey`, descriptorKey);
      return { request_headers: { header_name: headerName, descriptor_key: descriptorKey } };
    });
  }

  /** The client address (`remote_address`, from x-forwarded-for as the proxy trusts it). */
  public static remoteAddress(): RateLimitAction {
    return new RateLimitAction(() => ({ remote_address: {} }));
  }

  /** A fixed entry `generic_key` (or `descriptorKey`) = `value`, for a limit of every request. */
  public static genericKey(value: string, descriptorKey?: string): RateLimitAction {
    return new RateLimitAction((scope, field) => {
      checkDescriptorKey(scope, `${field}.value`, value);
      if (descriptorKey !== undefined) checkDescriptorKey(scope, `${field}.descriptorKey`, descriptorKey);
      return { generic_key: { descriptor_value: value, ...(descriptorKey !== undefined ? { descriptor_key: descriptorKey } : {}) } };
    });
  }

  /** `header_match` = `descriptorValue` when the request's headers match (or, with `expectMatch` false, do not). */
  public static headerValueMatch(descriptorValue: string, headers: RateLimitHeaderMatch[], expectMatch?: boolean): RateLimitAction {
    return new RateLimitAction((scope, field) => {
      checkDescriptorKey(scope, `${field}.descriptorValue`, descriptorValue);
      checkNonEmpty(scope, `${field}.headers`, headers, 'match at least one header, e.g. { name: ":path", prefix: "/api" }');
      return {
        header_value_match: {
          descriptor_value: descriptorValue,
          expect_match: expectMatch ?? true,
          headers: headers.map((h, i) => renderHeaderMatch(scope, `${field}.headers[${i}]`, h)),
        },
      };
    });
  }

  /** The destination cluster's name (`destination_cluster`). */
  public static destinationCluster(): RateLimitAction {
    return new RateLimitAction(() => ({ destination_cluster: {} }));
  }

  private constructor(private readonly renderer: (scope: IConstruct, field: string) => { [key: string]: unknown }) {}

  /** @internal */
  public _render(scope: IConstruct, field: string): { [key: string]: unknown } {
    if (!(this instanceof RateLimitAction)) invalid(scope, field, this, 'an action must be a RateLimitAction', 'use RateLimitAction.requestHeader(...), remoteAddress(), genericKey(...) or headerValueMatch(...)');
    return this.renderer(scope, field);
  }
}

/** The actions producing one descriptor: one entry per action, nested in order. */
export interface RateLimitRule {
  /** The actions (at least one). */
  readonly actions: RateLimitAction[];
}

function renderHeaderMatch(scope: IConstruct, field: string, h: RateLimitHeaderMatch): { [key: string]: unknown } {
  checkRequestHeader(scope, `${field}.name`, h.name);
  if ((h.exact === undefined) === (h.prefix === undefined)) {
    invalid(scope, field, h, 'give exactly one of exact and prefix', 'write e.g. { name: ":path", prefix: "/api" }');
  }
  const stringMatch: { [key: string]: unknown } = h.exact !== undefined ? { exact: h.exact } : { prefix: h.prefix };
  if (h.ignoreCase === true) stringMatch.ignore_case = true;
  return { name: h.name, string_match: stringMatch };
}

function checkDescriptorKey(scope: IConstruct, field: string, key: string): void {
  if (typeof key !== 'string' || key.trim() === '') {
    invalid(scope, field, key, 'a descriptor key or value must not be empty', 'write e.g. "PATH"');
  }
}

/**
 * Renders the actions of the route configuration's `rate_limits`.
 * @internal
 */
export function renderRateLimitRules(scope: IConstruct, rules: RateLimitRule[]): unknown[] {
  checkNonEmpty(scope, 'rateLimits', rules, 'give at least one rule, e.g. { actions: [RateLimitAction.requestHeader(":path", "PATH")] }');
  return rules.map((r, i) => {
    checkNonEmpty(scope, `rateLimits[${i}].actions`, r.actions, 'give at least one action');
    if (r.actions === undefined) invalid(scope, `rateLimits[${i}].actions`, r.actions, 'a rule needs actions', 'give at least one action');
    return { actions: r.actions.map((a, j) => a._render(scope, `rateLimits[${i}].actions[${j}]`)) };
  });
}

/**
 * Checks and renders descriptors as the rate-limit service's configuration takes them.
 * @internal
 */
export function renderDescriptors(scope: IConstruct, field: string, descriptors: RateLimitDescriptor[]): unknown[] {
  checkNonEmpty(scope, field, descriptors, 'give at least one descriptor, e.g. { key: "PATH", requestsPerUnit: 100, unit: RateLimitUnit.MINUTE }');
  const seen = new Set<string>();
  return descriptors.map((d, i) => {
    const f = `${field}[${i}]`;
    checkDescriptorKey(scope, `${f}.key`, d.key);
    if (d.value !== undefined) checkNonEmptyString(scope, `${f}.value`, d.value, 'give a value, or leave it out to count every value');
    const id = `${d.key}=${d.value ?? '*'}`;
    if (seen.has(id)) {
      invalid(scope, `${f}`, id, 'the descriptor appears twice at this level (the rate-limit service refuses duplicate descriptors)', 'merge the two descriptors into one');
    }
    seen.add(id);
    if ((d.requestsPerUnit === undefined) !== (d.unit === undefined)) {
      invalid(scope, `${f}.${d.unit === undefined ? 'unit' : 'requestsPerUnit'}`, d.unit ?? d.requestsPerUnit, 'a limit needs both requestsPerUnit and unit', 'give both, e.g. requestsPerUnit: 100, unit: RateLimitUnit.MINUTE, or neither');
    }
    if (d.unit !== undefined && !Object.values(RateLimitUnit).includes(d.unit)) {
      invalid(scope, `${f}.unit`, d.unit, 'unknown unit', 'use RateLimitUnit.SECOND, MINUTE, HOUR or DAY');
    }
    checkUint32(scope, `${f}.requestsPerUnit`, d.requestsPerUnit, 0);
    if (d.requestsPerUnit === undefined && d.descriptors === undefined) {
      invalid(scope, f, id, 'the descriptor has neither a limit nor nested descriptors', 'give requestsPerUnit and unit, or nested descriptors');
    }
    const out: { [key: string]: unknown } = { key: d.key };
    if (d.value !== undefined) out.value = d.value;
    if (d.unit !== undefined) out.rate_limit = { unit: d.unit, requests_per_unit: d.requestsPerUnit };
    if (d.shadowMode === true) out.shadow_mode = true;
    if (d.descriptors !== undefined) out.descriptors = renderDescriptors(scope, `${f}.descriptors`, d.descriptors);
    return out;
  });
}
