// Helpers shared by the delivery tests.

type Obj = { [key: string]: any };

/** The one object of `kind` (and `name`) among `out`. */
export function one(out: Obj[], kind: string, name?: string): Obj {
  const found = out.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  expect(found.map((o) => `${o.kind}/${o.metadata.name}`)).toHaveLength(1);
  return found[0];
}

/**
 * The alert's error ratio `failed / all` as a gate: `(failed or all * 0) / all` (0, not empty,
 * while there are requests and no failure yet).
 */
export function zeroWithoutErrors(ratio: string): string {
  const i = ratio.indexOf(') / sum by (');
  expect(i).toBeGreaterThan(0);
  const [failed, all] = [ratio.slice(0, i + 1), ratio.slice(i + 4)];
  return `(${failed} or ${all} * 0) / ${all}`;
}
