// Imported first by the library's entry point. With CDK8S_ISTIO_VALIDATION_WORKER=on, it
// starts loading the synth-time schema validation engines in a background worker thread
// before the rest of the library (and cdk8s-plus) is loaded, so that the work overlaps the
// app's own loading and construction: worth it for apps whose construction takes long. It is
// off by default: measured on the Bookinfo example, the worker's start costs more than it
// saves (the app synthesizes soon after the import, and objects found valid before are not
// validated again at all, see ./result-cache). The worker never keeps the process alive.
import { prewarmSchemaValidation } from './validation-host';

if (/^on$/i.test(process.env.CDK8S_ISTIO_VALIDATION_WORKER ?? '')
  && !/^off$/i.test(process.env.CDK8S_ISTIO_ANALYSIS ?? '') && !/^off$/i.test(process.env.CDK8S_ISTIO_SCHEMA_VALIDATION ?? '')) {
  prewarmSchemaValidation();
}
