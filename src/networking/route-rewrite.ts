import { IConstruct } from 'constructs';
import { StringMatch } from './route-string-match';
import * as l1 from '../../imports/networking.istio.io';
import { checkExclusive } from '../core/checks';
import { invalid } from '../core/errors';
/**
 * Rewrites the path with a regular expression.
 */
export interface HttpRewriteUriRegex {
  /** RE2 pattern matched against the path. */
  readonly match: string;

  /** The replacement; may use capture groups (`\1`). */
  readonly rewrite: string;
}

/**
 * Rewrites the request before it is forwarded. Give at least one field; `uri` and
 * `uriRegexRewrite` are mutually exclusive. Cannot be combined with a redirect.
 */
export interface HttpRewrite {
  /**
   * Replaces the path, or the matched prefix when the match is a `StringMatch.prefix`.
   *
   * @default - the path is kept
   */
  readonly uri?: string;

  /**
   * Replaces the path using a regular expression.
   *
   * @default - no regex rewrite
   */
  readonly uriRegexRewrite?: HttpRewriteUriRegex;

  /**
   * Replaces the Authority (Host) header.
   *
   * @default - the authority is kept
   */
  readonly authority?: string;
}

/** @internal */
export function renderRewrite(scope: IConstruct, field: string, r: HttpRewrite | undefined): l1.VirtualServiceSpecHttpRewrite | undefined {
  if (r === undefined) return undefined;
  if (r.uri === undefined && r.uriRegexRewrite === undefined && r.authority === undefined) {
    invalid(scope, field, r, 'a rewrite must change the URI or the authority', 'add uri: "/new-prefix" or authority: "new-host"');
  }
  checkExclusive(scope, { [`${field}.uri`]: r.uri, [`${field}.uriRegexRewrite`]: r.uriRegexRewrite }, 'rewrite the path either by prefix (uri) or by regex (uriRegexRewrite)');
  if (r.uri !== undefined && r.uri.length === 0) {
    invalid(scope, `${field}.uri`, r.uri, 'the new path must not be empty', 'use "/" to strip the matched prefix');
  }
  if (r.authority !== undefined && r.authority.length === 0) {
    invalid(scope, `${field}.authority`, r.authority, 'the new authority must not be empty', 'give a host such as "reviews.prod.svc.cluster.local"');
  }
  let uriRegexRewrite: l1.VirtualServiceSpecHttpRewriteUriRegexRewrite | undefined;
  if (r.uriRegexRewrite) {
    StringMatch.regex(r.uriRegexRewrite.match)._render(scope, `${field}.uriRegexRewrite.match`);
    uriRegexRewrite = { match: r.uriRegexRewrite.match, rewrite: r.uriRegexRewrite.rewrite };
  }
  return { uri: r.uri, authority: r.authority, uriRegexRewrite };
}
