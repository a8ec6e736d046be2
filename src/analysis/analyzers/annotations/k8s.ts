import { ALWAYS_IGNORED, ANNOTATED_KINDS, annotations, isIstioAnnotation } from './shared';
import { AnalyzerDef } from '../../model';

const U32 = (v: string): string | undefined => (/^\d+$/.test(v) && Number(v) <= 0xffffffff ? undefined : `strconv.ParseUint: parsing ${JSON.stringify(v)}: invalid syntax`);

const PORTS = (v: string): string | undefined => {
  if (v.trim() === '' || v.trim() === '*') return undefined;
  for (const p of v.split(',')) {
    const n = p.trim();
    if (!/^\d+$/.test(n) || Number(n) > 65535) return `portList: ${JSON.stringify(n)} is not a valid port`;
  }
  return undefined;
};

const CIDRS = (v: string): string | undefined => {
  if (v.trim() === '' || v.trim() === '*') return undefined;
  for (const c of v.split(',')) {
    if (!/^[0-9a-fA-F:.]+\/\d{1,3}$/.test(c.trim())) return `${JSON.stringify(c.trim())} is not a valid CIDR`;
  }
  return undefined;
};

const QUANTITY = (v: string): string | undefined => (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+|[KMGTPE]i?|[munkMGTPE])?$/.test(v) ? undefined : 'quantities must match the regular expression');

const ANNOTATION_VALIDATION: { [name: string]: (v: string) => string | undefined } = {
  'sidecar.istio.io/interceptionMode': (v) => (['REDIRECT', 'TPROXY', 'NONE'].includes(v) ? undefined : `interceptionMode invalid: ${v}`),
  'status.sidecar.istio.io/port': (v) => (/^\d+$/.test(v) && Number(v) > 0 && Number(v) < 65536 ? undefined : `invalid port: ${v}`),
  'readiness.status.sidecar.istio.io/initialDelaySeconds': U32,
  'readiness.status.sidecar.istio.io/periodSeconds': U32,
  'readiness.status.sidecar.istio.io/failureThreshold': U32,
  'traffic.sidecar.istio.io/includeOutboundIPRanges': CIDRS,
  'traffic.sidecar.istio.io/excludeOutboundIPRanges': CIDRS,
  'traffic.sidecar.istio.io/includeInboundPorts': PORTS,
  'traffic.sidecar.istio.io/excludeInboundPorts': PORTS,
  'traffic.sidecar.istio.io/excludeOutboundPorts': PORTS,
  'prometheus.istio.io/merge-metrics': (v) => (['true', 'false', '1', '0', 't', 'f', 'TRUE', 'FALSE', 'True', 'False'].includes(v) ? undefined : `invalid bool: ${v}`),
  'sidecar.istio.io/proxyCPU': QUANTITY,
  'sidecar.istio.io/proxyMemory': QUANTITY,
  'sidecar.istio.io/proxyCPULimit': QUANTITY,
  'sidecar.istio.io/proxyMemoryLimit': QUANTITY,
};

export const k8sAnnotationsAnalyzer: AnalyzerDef = {
  name: 'annotations.K8sAnalyzer',
  description: 'Checks for misplaced and invalid Istio annotations in Kubernetes resources',
  inputs: ANNOTATED_KINDS,
  analyze(ctx) {
    const reg = annotations();
    for (const kind of ANNOTATED_KINDS) {
      for (const r of ctx.all(kind)) {
        for (const [ann, value] of Object.entries(r.annotations)) {
          if (!isIstioAnnotation(ann) || ALWAYS_IGNORED.has(ann)) continue;
          const def = reg.get(ann);
          if (!def) {
            ctx.report(r, 'UnknownAnnotation', ann);
            continue;
          }
          if (def.deprecated && !(ann === 'sidecar.istio.io/inject' && 'sidecar.istio.io/inject' in r.labels)) {
            ctx.report(r, 'DeprecatedAnnotation', ann, ann === 'sidecar.istio.io/inject' ? ' in favor of the "sidecar.istio.io/inject" label' : '');
          }
          if (def.resources.includes('Any')) continue;
          if (!def.resources.includes(kind)) {
            ctx.report(r, 'MisplacedAnnotation', ann, def.resources.join(', '));
            continue;
          }
          const err = ANNOTATION_VALIDATION[ann]?.(value);
          if (err) ctx.report(r, 'InvalidAnnotation', ann, err);
        }
      }
    }
  },
};
