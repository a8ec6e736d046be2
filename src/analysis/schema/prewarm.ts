// Imported first by the library's entry point: starts loading the synth-time schema
// validation engines in a background worker thread before the rest of the library (and
// cdk8s-plus) is loaded, so that the work overlaps the app's own loading and construction.
// The worker never keeps the process alive. Nothing starts when the analysis or the schema
// validation is turned off by environment (CDK8S_ISTIO_ANALYSIS=off,
// CDK8S_ISTIO_SCHEMA_VALIDATION=off) or with CDK8S_ISTIO_VALIDATION_WORKER=off.
import { prewarmSchemaValidation } from './validation-host';

if (!/^off$/i.test(process.env.CDK8S_ISTIO_ANALYSIS ?? '') && !/^off$/i.test(process.env.CDK8S_ISTIO_SCHEMA_VALIDATION ?? '')) {
  prewarmSchemaValidation();
}
