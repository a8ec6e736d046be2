// A label index: objects by `key=value`, so that a selector is matched against the objects
// carrying its rarest pair only.
import { Resource, labelPairsOf, selectorMatches } from './model';

/**
 * Pods (or any labelled objects) indexed by `key=value` so a selector is matched against the
 * objects carrying its rarest pair only, instead of against every object.
 */
export class LabelIndex {
  private readonly byPair = new Map<string, Resource[]>();
  private readonly labelsOf: (r: Resource) => { [key: string]: string };

  constructor(public readonly items: Resource[], labelsOf: (r: Resource) => { [key: string]: string } = (r) => r.labels) {
    this.labelsOf = labelsOf;
    for (const r of items) {
      const l = labelsOf(r);
      for (const pair of l === r.labels ? r.labelPairs() : labelPairsOf(l)) {
        let list = this.byPair.get(pair);
        if (!list) {
          list = [];
          this.byPair.set(pair, list);
        }
        list.push(r);
      }
    }
    // most pairs are carried by a few objects: their lists copied to their size (a list that grew
    // by push keeps room for 17)
    for (const [pair, list] of this.byPair) if (list.length < 17) this.byPair.set(pair, list.slice());
  }

  /** Items whose labels match the equality selector (all items for an empty selector). */
  public matching(sel: { [key: string]: string } | undefined): Resource[] {
    const keys = sel ? Object.keys(sel) : [];
    if (keys.length === 0) return this.items;
    return this.candidates(sel!, keys).filter((r) => selectorMatches(sel, this.labelsOf(r)));
  }

  public any(sel: { [key: string]: string } | undefined, pred?: (r: Resource) => boolean): boolean {
    const keys = sel ? Object.keys(sel) : [];
    const pool = keys.length === 0 ? this.items : this.candidates(sel!, keys);
    for (const r of pool) {
      if (selectorMatches(sel, this.labelsOf(r)) && (!pred || pred(r))) return true;
    }
    return false;
  }

  /** The items carrying the selector's rarest pair (none when an item carries none of them). */
  private candidates(sel: { [key: string]: string }, keys: string[]): Resource[] {
    let best: Resource[] | undefined;
    for (const k of keys) {
      const list = this.byPair.get(`${k}=${sel[k]}`);
      if (!list) return [];
      if (!best || list.length < best.length) best = list;
    }
    return best!;
  }
}
