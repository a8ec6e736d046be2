// IST0106 for every object the analysis is given: its CRD schema and CEL rules (Istio,
// Gateway API, PrometheusRule: the vendored CRDs), the strict schema of built-in kinds, and
// the API server's metadata rules. Objects of kinds no schema knows (a user's own CRDs) get
// their metadata checked only. This is what the API server would refuse at apply time.
import { AnalysisContext, AnalyzerDef } from '../../model';
import { validateManifests } from '../../schema/validation-host';

export const manifestSchemaAnalyzer: AnalyzerDef = {
  name: 'schema.ManifestSchemaAnalyzer',
  description: 'Checks every object against its API schema (CRD OpenAPI schema and CEL rules, built-in kinds) and the API server metadata rules',
  inputs: [],
  allKinds: true,
  analyze(ctx: AnalysisContext): void {
    const inputs = ctx.inputObjects();
    validateManifests(inputs.map((r) => r.raw)).forEach((result, i) => {
      for (const p of result.problems) ctx.report(inputs[i], 'SchemaValidationError', `${p.path}: ${p.message}`);
    });
  },
};
