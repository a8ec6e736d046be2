// istiod's admission rules for networking.istio.io ProxyConfig (Istio 1.30 pkg/config/validation:
// ValidateProxyConfig — a selector without empty keys or wildcards, concurrency not negative).
import { Report, selectorLabels } from './shared';
import { Resource, isObj } from '../../../model';

/** Checks a ProxyConfig. */
export function proxyConfig(r: Resource, report: Report): void {
  const spec = r.spec;
  if (isObj(spec.selector)) selectorLabels(spec.selector.matchLabels, 'spec.selector.matchLabels', report);
  if (typeof spec.concurrency === 'number' && spec.concurrency < 0) report('spec.concurrency', `${spec.concurrency}: concurrency must be 0 (one worker per core) or more`);
}
