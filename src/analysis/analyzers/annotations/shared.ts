import { ANNOTATION_TABLE } from '../../annotation-table';

interface AnnotationDef {
  readonly status: string;
  readonly deprecated: boolean;
  readonly resources: string[];
}

let annotationRegistry: Map<string, AnnotationDef> | undefined;

export function annotations(): Map<string, AnnotationDef> {
  if (!annotationRegistry) {
    annotationRegistry = new Map(ANNOTATION_TABLE.map(([name, status, deprecated, res]) => [
      name, { status, deprecated, resources: res ? res.split(',') : [] },
    ]));
  }
  return annotationRegistry;
}

export const ALWAYS_IGNORED = new Set(['sidecar.istio.io/status', 'gateway.istio.io/controller-version', 'istio.io/rev']);

export function isIstioAnnotation(a: string): boolean {
  if (a === 'kubernetes.io/ingress.class') return true;
  return a.split('/')[0].endsWith('istio.io');
}

export const ANNOTATED_KINDS = ['Namespace', 'Service', 'Pod', 'Deployment'];
