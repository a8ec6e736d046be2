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
