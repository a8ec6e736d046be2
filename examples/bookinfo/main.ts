/**
 * Entry point of the Bookinfo example: `cdk8s synth` runs this file.
 *
 * From the repository root: `npx projen synth:bookinfo` (compiles the library, then runs
 * `cdk8s synth` here). The manifests are written to examples/bookinfo/dist/.
 *
 * Options (environment variables, or cdk8s context `bookinfo/<option>`):
 *   BOOKINFO_SCENARIO  reviews traffic: all-v1 (default), test-v2, 90-10, 80-20, 50-v3, v2-v3, jason-v2-v3, v3
 *   BOOKINFO_INGRESS   istio (default: sidecars, Istio Gateway + VirtualService)
 *                      | gateway-api (ambient mode: Gateway API Gateway + HTTPRoute)
 *   BOOKINFO_HOST      public host name (default bookinfo.example.com)
 *   BOOKINFO_DELIVERY  reviews rolled out by a controller: flagger | argo (default: none, the
 *                      scenario's weight is fixed)
 *
 * The application itself is in bookinfo.ts: read `BookinfoChart` top to bottom.
 */
import { synthBookinfo } from './bookinfo';

synthBookinfo();
