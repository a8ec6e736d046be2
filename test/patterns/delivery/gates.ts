// Helpers shared by the delivery tests.

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
