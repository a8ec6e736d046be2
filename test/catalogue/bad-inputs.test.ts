// The bad-input catalogue (./cases.ts): every case is refused at synth with a message that
// names the construct path (`test/x`) and shows the bad value.
import { Testing } from 'cdk8s';
import { BAD_CASES } from './cases';
import { showValue } from '../../src/core/errors';
import { MeshAnalysis } from '../../src/core/mesh-analysis';
import { withManifestValidationDisabled } from '../support/validator';

function refusal(build: (chart: any) => void): string | undefined {
  const chart = Testing.chart();
  MeshAnalysis.suppress(chart, 'IST0101'); // fragments: referenced services live elsewhere
  try {
    build(chart);
    withManifestValidationDisabled(() => Testing.synth(chart));
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}

test('the catalogue holds at least 300 bad inputs', () => {
  expect(BAD_CASES.length).toBeGreaterThanOrEqual(300);
});

const groups = [...new Set(BAD_CASES.map((c) => c.construct))];
describe.each(groups)('%s', (construct) => {
  test.each(BAD_CASES.filter((c) => c.construct === construct).map((c) => [c.what, c] as const))('refuses %s', (_what, c) => {
    const message = refusal(c.build);
    expect(message).toBeDefined();
    expect(message).toContain('[test/x');
    expect(message).not.toMatch(/TypeError|RangeError|\[object Object\]/);
    const shown = showValue(c.value);
    expect(message).toContain(shown.length > 100 ? shown.slice(0, 40) : shown); // long values are shortened
  });
});
