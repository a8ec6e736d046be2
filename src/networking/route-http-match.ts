import { StringMatch } from './route-string-match';
import { IstioResource } from '../core/resource';

/**
 * The conditions of one HTTP match: every condition given must hold. An HTTP route
 * applies when any of its matches holds.
 *
 * @example
 * { uri: StringMatch.prefix('/api/v1/products'), headers: { 'end-user': StringMatch.exact('jason') } }
 */
export interface HttpMatch {
  /**
   * A name for the match, appended to the route name in Envoy's access logs and stats.
   *
   * @default - unnamed
   */
  readonly name?: string;

  /**
   * Condition on the request path.
   *
   * @default - any path
   */
  readonly uri?: StringMatch;

  /**
   * Whether `uri` is compared case-insensitively.
   *
   * @default false
   */
  readonly ignoreUriCase?: boolean;

  /**
   * Condition on the URI scheme (`http`, `https`).
   *
   * @default - any scheme
   */
  readonly scheme?: StringMatch;

  /**
   * Condition on the HTTP method (`GET`, `POST`, ...).
   *
   * @default - any method
   */
  readonly method?: StringMatch;

  /**
   * Condition on the Authority (Host) header.
   *
   * @default - any authority
   */
  readonly authority?: StringMatch;

  /**
   * Conditions on request headers, keyed by lower-case header name.
   *
   * @default - no header condition
   */
  readonly headers?: { [name: string]: StringMatch };

  /**
   * Headers that must NOT match, keyed by lower-case header name.
   *
   * @default - no negative header condition
   */
  readonly withoutHeaders?: { [name: string]: StringMatch };

  /**
   * Conditions on query parameters, keyed by parameter name. Istio supports exact and
   * regex conditions only.
   *
   * @default - no query parameter condition
   */
  readonly queryParams?: { [name: string]: StringMatch };

  /**
   * The port of the host being addressed (1-65535).
   *
   * @default - any port
   */
  readonly port?: number;

  /**
   * Labels the calling (source) workload must carry.
   *
   * @default - any source workload
   */
  readonly sourceLabels?: { [key: string]: string };

  /**
   * Namespace the calling (source) workload must be in.
   *
   * @default - any source namespace
   */
  readonly sourceNamespace?: string;

  /**
   * Gateways this match applies to, overriding the VirtualService's `gateways`: gateway
   * names (`bookinfo-gateway`, `istio-system/ingress`), `mesh` for sidecars, or a
   * Gateway construct.
   *
   * @default - the VirtualService's gateways
   */
  readonly gateways?: Array<string | IstioResource>;

  /**
   * A prefix for the statistics Envoy emits for this match.
   *
   * @default - no prefix
   */
  readonly statPrefix?: string;
}
