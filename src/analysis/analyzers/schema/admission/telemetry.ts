// istiod's admission rules for telemetry.istio.io Telemetry (Istio 1.30 pkg/config/validation:
// ValidateTelemetry — one of selector and targetRef(s); metrics with named providers and
// complete tag overrides; tracing with a sampling percentage in 0..100 and complete custom tags;
// access logging with named providers and a filter that parses as CEL).
import { policySelection } from './policy-selection';
import { Report } from './shared';
import { Obj, Resource, arr, isObj, str } from '../../../model';

/** Checks a Telemetry. */
export function telemetry(r: Resource, report: Report): void {
  const spec = r.spec;
  policySelection(spec, report);
  arr(spec.metrics).forEach((m: Obj, i) => {
    if (!isObj(m)) return;
    const at = `spec.metrics[${i}]`;
    providers(m.providers, `${at}.providers`, report);
    arr(m.overrides).forEach((o: Obj, j) => {
      const oat = `${at}.overrides[${j}]`;
      if (!isObj(o)) {
        report(oat, 'a metrics override may not be null');
        return;
      }
      for (const [tag, t] of Object.entries(isObj(o.tagOverrides) ? (o.tagOverrides as Obj) : {})) {
        const tat = `${oat}.tagOverrides[${JSON.stringify(tag)}]`;
        if (!isObj(t)) {
          report(tat, 'a tag override may not be null');
          continue;
        }
        const operation = str(t.operation) || 'UPSERT';
        const value = str(t.value);
        if (operation === 'UPSERT' && value === '') report(`${tat}.value`, 'a tag override with operation UPSERT needs a value (a CEL expression)');
        if (operation === 'REMOVE' && value !== '') report(`${tat}.value`, `${JSON.stringify(value)}: a value is only allowed with operation UPSERT`);
      }
      if (isObj(o.match) && o.match.customMetric !== undefined && str(o.match.customMetric) === '') report(`${oat}.match.customMetric`, 'customMetric may not be empty');
    });
  });
  arr(spec.tracing).forEach((t: Obj, i) => {
    if (!isObj(t)) return;
    const at = `spec.tracing[${i}]`;
    providers(t.providers, `${at}.providers`, report);
    const pct = t.randomSamplingPercentage;
    if (typeof pct === 'number' && (pct < 0 || pct > 100)) report(`${at}.randomSamplingPercentage`, `${JSON.stringify(pct)} must be in the range 0..100`);
    for (const [name, tag] of Object.entries(isObj(t.customTags) ? (t.customTags as Obj) : {})) {
      const tat = `${at}.customTags[${JSON.stringify(name)}]`;
      if (name === '') report(`${at}.customTags`, 'a custom tag name may not be empty');
      if (!isObj(tag)) {
        report(tat, `custom tag ${JSON.stringify(name)} needs a value (literal, header or environment)`);
        continue;
      }
      if (isObj(tag.literal) && str(tag.literal.value) === '') report(`${tat}.literal.value`, 'a literal tag value may not be empty');
      if (isObj(tag.header) && str(tag.header.name) === '') report(`${tat}.header.name`, 'a header tag needs a header name');
      if (isObj(tag.environment) && str(tag.environment.name) === '') report(`${tat}.environment.name`, 'an environment tag needs a variable name');
    }
  });
  arr(spec.accessLogging).forEach((l: Obj, i) => {
    if (!isObj(l)) return;
    const at = `spec.accessLogging[${i}]`;
    if (isObj(l.filter)) {
      const expression = str(l.filter.expression);
      const problem = celParseProblem(expression);
      if (problem !== undefined) report(`${at}.filter.expression`, `${JSON.stringify(expression)} is not a valid CEL expression (${problem})`);
    }
    providers(l.providers, `${at}.providers`, report);
  });
}

/** `validateTelemetryProviders`: every provider reference has a name. */
function providers(list: unknown, at: string, report: Report): void {
  const bad = arr(list).findIndex((p) => !isObj(p) || str(p.name) === '');
  if (bad >= 0) report(`${at}[${bad}].name`, 'a provider reference needs the name of a mesh config extensionProvider');
}

/** Why `expression` does not parse as CEL (istiod parses it with cel-go), or `undefined`. */
function celParseProblem(expression: string): string | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parse } = require('@bufbuild/cel') as typeof import('@bufbuild/cel');
  try {
    parse(expression);
    return undefined;
  } catch (e) {
    return String((e as Error).message).split('\n')[0];
  }
}
