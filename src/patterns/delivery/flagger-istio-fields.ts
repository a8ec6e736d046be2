// Flagger's Canary carries its own copy of parts of Istio's networking API (service.match,
// rewrite, retries, headers, corsPolicy, trafficPolicy; analysis.match), older than Istio
// 1.30's. The library renders these parts with its Istio renderers; this module writes them
// as JSON for the Canary and refuses a field Flagger's copy lacks, found by comparing the two
// generated bindings' mappings (never a hand-kept list).
import { IConstruct } from 'constructs';
import * as flagger from '../../../imports/flagger.app';
import * as istio from '../../../imports/networking.istio.io';
import { invalid } from '../../core/errors';

type Json = { [key: string]: any };
type ToJson = (value: any) => Json | undefined;

/** The Istio parts a Canary carries: Istio's and Flagger's JSON mapping of each. */
const PARTS: { [part: string]: [ToJson, ToJson] } = {
  trafficPolicy: [istio.toJson_DestinationRuleSpecTrafficPolicy, flagger.toJson_CanarySpecServiceTrafficPolicy],
  match: [istio.toJson_VirtualServiceSpecHttpMatch, flagger.toJson_CanarySpecServiceMatch],
  analysisMatch: [istio.toJson_VirtualServiceSpecHttpMatch, flagger.toJson_CanarySpecAnalysisMatch],
  rewrite: [istio.toJson_VirtualServiceSpecHttpRewrite, flagger.toJson_CanarySpecServiceRewrite],
  retries: [istio.toJson_VirtualServiceSpecHttpRetries, flagger.toJson_CanarySpecServiceRetries],
  headers: [istio.toJson_VirtualServiceSpecHttpHeaders, flagger.toJson_CanarySpecServiceHeaders],
  corsPolicy: [istio.toJson_VirtualServiceSpecHttpCorsPolicy, flagger.toJson_CanarySpecServiceCorsPolicy],
};

/** Drops `undefined` members (the mappings emit every field). */
function clean(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clean);
  if (value === null || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = clean(v);
  return out;
}

/** Paths (below `field`) present in `full` and missing in `kept`, with their values. */
function lostPaths(full: unknown, kept: unknown, field: string): [string, unknown][] {
  if (full === null || typeof full !== 'object') return [];
  if (kept === null || typeof kept !== 'object') return [[field, full]];
  const out: [string, unknown][] = [];
  for (const [k, v] of Object.entries(full as Json)) {
    const path = Array.isArray(full) ? `${field}[${k}]` : `${field}.${k}`;
    if (!(k in (kept as Json))) out.push([path, v]);
    else out.push(...lostPaths(v, (kept as Json)[k], path));
  }
  return out;
}

/**
 * Writes an Istio part (as the library's renderers produce it) as JSON for the Canary.
 * @internal
 */
export function flaggerIstioPart(scope: IConstruct, field: string, part: keyof typeof PARTS, value: unknown): Json | undefined {
  if (value === undefined) return undefined;
  const [toIstio, toFlagger] = PARTS[part];
  const full = clean(toIstio(value)) as Json;
  const kept = clean(toFlagger(value)) as Json;
  const lost = lostPaths(full, kept, field);
  if (lost.length > 0) {
    invalid(scope, lost[0][0], lost[0][1], "Flagger v1.44.0's Canary carries an older copy of Istio's API without this field, so the routing Flagger writes could not contain it", 'leave the option out with Flagger, or roll out with ArgoRollout (or a CanaryService without a controller), whose routes are Istio\'s own objects');
  }
  return full;
}
