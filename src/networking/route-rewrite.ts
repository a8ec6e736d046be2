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
