// istiod's admission rules for networking.istio.io EnvoyFilter (Istio 1.30
// pkg/config/validation/envoyfilter: ValidateEnvoyFilter — a selector without empty keys or
// wildcards; every patch has applyTo, a patch with an operation and (unless REMOVE) a value; the
// proxy-version regex compiles; the match kind fits applyTo; a network-filter match names the
// filter and a sub-filter match only under HTTP_FILTER and the HTTP connection manager).
// istiod also decodes the patch value as the Envoy proto of applyTo; without Envoy's protos we
// check only the part of that decoding users get wrong most: every `@type` is a resolvable type
// URL and not an Envoy v2 type (istiod knows only v3). Patches in the WAYPOINT context are not
// validated by istiod either.
import { RE2JS } from 're2js';
import { Report, selectorLabels } from './shared';
import { Obj, Resource, arr, isObj, str } from '../../../model';

const LISTENER_CLASS = new Set(['LISTENER', 'FILTER_CHAIN', 'NETWORK_FILTER', 'HTTP_FILTER']);
const ROUTE_CLASS = new Set(['ROUTE_CONFIGURATION', 'VIRTUAL_HOST', 'HTTP_ROUTE']);
const HCM = new Set(['envoy.filters.network.http_connection_manager', 'envoy.http_connection_manager']);

/** Checks an EnvoyFilter. */
export function envoyFilter(r: Resource, report: Report): void {
  const spec = r.spec;
  if (isObj(spec.workloadSelector)) selectorLabels(spec.workloadSelector.labels, 'spec.workloadSelector.labels', report);
  arr(spec.configPatches).forEach((cp: Obj, i) => {
    const at = `spec.configPatches[${i}]`;
    if (!isObj(cp)) {
      report(at, 'a config patch may not be null');
      return;
    }
    const match = isObj(cp.match) ? (cp.match as Obj) : undefined;
    if (match !== undefined && match.context === 'WAYPOINT') return;
    const applyTo = str(cp.applyTo) || 'INVALID';
    if (applyTo === 'INVALID') {
      report(`${at}.applyTo`, 'a config patch needs applyTo (LISTENER, HTTP_FILTER, CLUSTER, ...)');
      return;
    }
    if (!isObj(cp.patch)) {
      report(`${at}.patch`, 'a config patch needs a patch');
      return;
    }
    const operation = str(cp.patch.operation) || 'INVALID';
    if (operation === 'INVALID') {
      report(`${at}.patch.operation`, 'a patch needs an operation (MERGE, ADD, REMOVE, INSERT_BEFORE, ...)');
      return;
    }
    if (operation !== 'REMOVE' && cp.patch.value === undefined) {
      report(`${at}.patch.value`, `a ${operation} patch needs a value`);
      return;
    }
    const proxyVersion = isObj(match?.proxy) ? str(match!.proxy.proxyVersion) : '';
    if (proxyVersion !== '') {
      try {
        RE2JS.compile(proxyVersion);
      } catch (e) {
        report(`${at}.match.proxy.proxyVersion`, `${JSON.stringify(proxyVersion)} is not a valid regular expression: ${String((e as Error).message).split('\n')[0]}`);
        return;
      }
    }
    if (match !== undefined) matchFitsApplyTo(match, applyTo, `${at}.match`, report);
    typeUrls(cp.patch.value, `${at}.patch.value`, report);
  });
}

function matchFitsApplyTo(match: Obj, applyTo: string, at: string, report: Report): void {
  const kind = ['listener', 'routeConfiguration', 'cluster'].find((k) => match[k] !== undefined);
  if (kind === undefined) return;
  if (LISTENER_CLASS.has(applyTo)) {
    if (kind !== 'listener') {
      report(`${at}.${kind}`, `applyTo ${JSON.stringify(applyTo)} patches listeners: match with match.listener, not match.${kind}`);
      return;
    }
    const chain = isObj(match.listener) && isObj(match.listener.filterChain) ? (match.listener.filterChain as Obj) : undefined;
    const filter = chain !== undefined && isObj(chain.filter) ? (chain.filter as Obj) : undefined;
    if (filter === undefined) return;
    const fat = `${at}.listener.filterChain.filter`;
    if (str(filter.name) === '') {
      report(`${fat}.name`, 'a filter match needs the filter name to match on (e.g. envoy.filters.network.http_connection_manager)');
      return;
    }
    if (filter.subFilter === undefined || filter.subFilter === null) return;
    if (applyTo !== 'HTTP_FILTER') report(`${fat}.subFilter`, `a sub-filter match is only allowed with applyTo HTTP_FILTER, not ${JSON.stringify(applyTo)}`);
    else if (!HCM.has(str(filter.name))) report(`${fat}.name`, `${JSON.stringify(filter.name)}: a sub-filter match needs the filter match envoy.filters.network.http_connection_manager`);
    else if (!isObj(filter.subFilter) || str(filter.subFilter.name) === '') report(`${fat}.subFilter.name`, 'a sub-filter match needs the HTTP filter name to match on (e.g. envoy.filters.http.router)');
  } else if (ROUTE_CLASS.has(applyTo) && kind !== 'routeConfiguration') {
    report(`${at}.${kind}`, `applyTo ${JSON.stringify(applyTo)} patches routes: match with match.routeConfiguration, not match.${kind}`);
  } else if (applyTo === 'CLUSTER' && kind !== 'cluster') {
    report(`${at}.${kind}`, `applyTo "CLUSTER" patches clusters: match with match.cluster, not match.${kind}`);
  }
}

/** Every `@type` in the patch value resolves: a type URL (`type.googleapis.com/...`) of a v3 (not v2) Envoy type. */
function typeUrls(value: unknown, at: string, report: Report): void {
  const walk = (v: unknown, path: string): void => {
    if (Array.isArray(v)) {
      v.forEach((e, i) => walk(e, `${path}[${i}]`));
      return;
    }
    if (!isObj(v)) return;
    for (const [k, child] of Object.entries(v)) {
      if (k === '@type') {
        const url = str(child);
        const name = url.slice(url.lastIndexOf('/') + 1);
        if (!url.includes('/') || name === '') report(`${path}["@type"]`, `${JSON.stringify(child)} is not a type URL; write type.googleapis.com/<proto message>, e.g. type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua`);
        else if (/^envoy\.(.*\.)?v2(alpha\d*)?\./.test(name)) report(`${path}["@type"]`, `${JSON.stringify(url)} is an Envoy v2 type, which istiod no longer knows; use the v3 type (envoy.extensions....v3.*)`);
      } else {
        walk(child, `${path}.${k}`);
      }
    }
  };
  walk(value, at);
}
