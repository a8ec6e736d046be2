import { Resource } from '../../model';

export function isControlPlane(r: Resource): boolean {
  return 'istio' in r.labels || r.labels.release === 'istio';
}
