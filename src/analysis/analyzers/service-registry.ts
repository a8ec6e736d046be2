// The mesh's service registry as the analyzers see it: ServiceEntry hosts and Kubernetes Services,
// each visible in a set of namespaces (exportTo), looked up by scoped FQDN.
import { AnalysisContext, Obj, arr, hostToFqdn, num, str } from '../model';

/** A service the mesh knows: its hosts, ports and workload selector. */
export interface RegistryService {
  readonly hosts: string[];
  readonly ports: { number: number; name: string; protocol: string }[];
  readonly workloadSelector?: { [key: string]: string };
}

/** ServiceEntries and Services keyed by `scope/fqdn`; wildcard hosts are kept apart. */
export class ServiceRegistry {
  public static of(ctx: AnalysisContext): ServiceRegistry {
    return ctx.cachedOf(['ServiceEntry', 'Service'], 'service-registry', () => new ServiceRegistry(ctx));
  }

  private readonly exact = new Map<string, RegistryService>();
  /** wildcard hosts by their suffix (`*.example.com` -> `.example.com`), in insertion order */
  private readonly wildcards = new Map<string, { scope: string; svc: RegistryService }[]>();

  private constructor(ctx: AnalysisContext) {
    for (const r of ctx.all('ServiceEntry')) {
      const s = r.spec;
      const svc: RegistryService = {
        hosts: arr(s.hosts).map(str),
        ports: arr(s.ports).map((p: Obj) => ({ number: num(p?.number), name: str(p?.name), protocol: str(p?.protocol) })),
        workloadSelector: s.workloadSelector?.labels,
      };
      const exportTo = arr(s.exportTo).map(str);
      for (const h of svc.hosts) {
        if (exportTo.length === 0) {
          this.add('*', r.namespace, h, svc);
          continue;
        }
        for (const e of exportTo) {
          if (e === '*') {
            this.add('*', r.namespace, h, svc);
            break;
          }
          this.add(e === '.' ? r.namespace : e, r.namespace, h, svc);
        }
      }
    }
    for (const r of ctx.all('Service')) {
      const svc: RegistryService = {
        hosts: [hostToFqdn(r.namespace, r.name)],
        ports: arr(r.spec.ports).map((p: Obj) => ({ number: num(p?.port), name: str(p?.name), protocol: str(p?.protocol) })),
      };
      const anno = r.annotations['networking.istio.io/exportTo'] ?? '';
      const scopes = anno === '' ? ['*'] : anno.split(',').map((x) => x.trim()).map((x) => (x === '.' ? r.namespace : x));
      for (const scope of scopes) this.add(scope, r.namespace, r.name, svc);
    }
  }

  private add(scope: string, namespace: string, host: string, svc: RegistryService): void {
    const fqdn = hostToFqdn(namespace, host);
    this.exact.set(`${scope}/${fqdn}`, svc);
    if (fqdn.startsWith('*')) {
      const suffix = fqdn.slice(1);
      const list = this.wildcards.get(suffix) ?? [];
      list.push({ scope, svc });
      this.wildcards.set(suffix, list);
    }
  }

  /** Istio's `GetDestinationHost`: the service a host resolves to from `sourceNs`, if any. */
  public lookup(sourceNs: string, exportTo: string[], host: string): RegistryService | undefined {
    const fqdn = hostToFqdn(sourceNs, host);
    const all = this.exact.get(`*/${fqdn}`);
    if (all) return all;
    if (exportTo.length === 0) {
      const s = this.exact.get(`${sourceNs}/${fqdn}`);
      if (s) return s;
    } else {
      for (let e of exportTo) {
        if (e === '.') e = sourceNs;
        const s = this.exact.get(`${e}/${fqdn}`);
        if (s) return s;
      }
    }
    if (this.wildcards.size === 0) return undefined;
    // every suffix of the host (longest first) that some wildcard host ends with
    const bare = host.startsWith('*') ? host.slice(1) : host;
    for (let i = 0; i <= bare.length; i++) {
      for (const w of this.wildcards.get(bare.slice(i)) ?? []) {
        if (w.scope === '*' || w.scope === sourceNs) return w.svc;
      }
    }
    return undefined;
  }
}
