// IST0106 for every object the analysis is given: its CRD schema and CEL rules (Istio,
// Gateway API, PrometheusRule: the vendored CRDs), the strict schema of built-in kinds, and
// the API server's metadata rules. Objects of kinds no schema knows (a user's own CRDs) get
// their metadata checked only. This is what the API server would refuse at apply time.
import { AnalysisContext, AnalyzerDef } from '../../model';
import { saveValidation, validateManifests } from '../../schema/validation-host';

/**
 * The result-cache keys of the objects of an analysis run, by object: the schema validation
 * finds them (empty when it did not run), and istiod's admission check (./istio-admission,
 * which runs after it) remembers what it admitted with them. Shared by the analyzers of one run
 * only (its objects do not change while it runs).
 */
export function objectKeys(ctx: AnalysisContext): Map<object, string> {
  return ctx.cached('result-cache-keys', () => new Map<object, string>(), true);
}

export const manifestSchemaAnalyzer: AnalyzerDef = {
  name: 'schema.ManifestSchemaAnalyzer',
  description: 'Checks every object against its API schema (CRD OpenAPI schema and CEL rules, built-in kinds) and the API server metadata rules',
  inputs: [],
  allKinds: true,
  analyze(ctx: AnalysisContext): void {
    const inputs = ctx.inputObjects();
    // what the run found valid (and admitted, see ./istio-admission) is written at its end
    ctx.whenDone('save-validation', saveValidation);
    validateManifests(inputs.map((r) => r.raw), { keysOut: objectKeys(ctx), save: false }).forEach((result, i) => {
      for (const p of result.problems) ctx.report(inputs[i], 'SchemaValidationError', `${p.path}: ${p.message}`);
    });
  },
};
