import { Testing } from 'cdk8s';
import { WorkloadSelector } from '../../src/core/workload-selector';
import { EnvoyFilter, EnvoyFilterProps, EnvoyFilterTarget } from '../../src/networking/envoy-filter';
import {
  EnvoyConfigPatch, EnvoyPatchApplyTo, EnvoyPatchContext, EnvoyPatchFilterClass, EnvoyPatchOperation, EnvoyRouteAction,
} from '../../src/networking/envoy-filter-patch';
import { admissionOf } from '../support/admit';
import { fragmentChart } from '../support/fragment';

const HCM = 'envoy.filters.network.http_connection_manager';
const LUA = {
  name: 'envoy.lua',
  typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua', 'default_source_code': { inline_string: 'function envoy_on_request(h) end' } },
};
const luaPatch: EnvoyConfigPatch = {
  applyTo: EnvoyPatchApplyTo.HTTP_FILTER,
  operation: EnvoyPatchOperation.INSERT_BEFORE,
  match: { context: EnvoyPatchContext.SIDECAR_INBOUND, listener: { filter: HCM, subFilter: 'envoy.filters.http.router' } },
  value: LUA,
};

function build(props: EnvoyFilterProps): () => EnvoyFilter {
  return () => new EnvoyFilter(fragmentChart(), 'ef', props);
}

function patchOf(patch: Partial<EnvoyConfigPatch>): () => EnvoyFilter {
  return build({ configPatches: [{ ...luaPatch, ...patch } as EnvoyConfigPatch] });
}

describe('EnvoyFilter', () => {
  test('renders selector, priority and typed matches of each kind; istiod admits it', () => {
    const chart = fragmentChart();
    const ef = new EnvoyFilter(chart, 'ef', {
      metadata: { name: 'reviews-lua', namespace: 'bookinfo' },
      workloadSelector: WorkloadSelector.fromLabels({ app: 'reviews' }),
      priority: 10,
      configPatches: [luaPatch],
    });
    ef.addPatch({
      applyTo: EnvoyPatchApplyTo.HTTP_ROUTE,
      operation: EnvoyPatchOperation.MERGE,
      match: { context: EnvoyPatchContext.SIDECAR_INBOUND, proxy: { proxyVersion: '^1\\.30.*' }, routeConfiguration: { portNumber: 9080, vhostName: 'inbound|http|9080', routeName: 'default', routeAction: EnvoyRouteAction.ROUTE } },
      value: { route: { timeout: '5s' } },
    }).addPatch({
      applyTo: EnvoyPatchApplyTo.CLUSTER,
      operation: EnvoyPatchOperation.MERGE,
      match: { context: EnvoyPatchContext.SIDECAR_OUTBOUND, cluster: { service: 'ratings.bookinfo.svc.cluster.local', portNumber: 9080, subset: 'v1' } },
      value: { connect_timeout: '1s' },
    }).addPatch({
      applyTo: EnvoyPatchApplyTo.HTTP_FILTER,
      operation: EnvoyPatchOperation.REMOVE,
      filterClass: undefined,
      match: { listener: { portNumber: 15006, filter: HCM, subFilter: 'envoy.filters.http.fault' } },
    });
    const [out] = Testing.synth(chart);
    expect(out.apiVersion).toBe('networking.istio.io/v1alpha3');
    expect(out.metadata).toMatchObject({ name: 'reviews-lua', namespace: 'bookinfo' });
    expect(out.spec.workloadSelector).toEqual({ labels: { app: 'reviews' } });
    expect(out.spec.priority).toBe(10);
    expect(out.spec.configPatches).toEqual([
      {
        applyTo: 'HTTP_FILTER',
        match: { context: 'SIDECAR_INBOUND', listener: { filterChain: { filter: { name: HCM, subFilter: { name: 'envoy.filters.http.router' } } } } },
        patch: { operation: 'INSERT_BEFORE', value: LUA },
      },
      {
        applyTo: 'HTTP_ROUTE',
        match: { context: 'SIDECAR_INBOUND', proxy: { proxyVersion: '^1\\.30.*' }, routeConfiguration: { portNumber: 9080, vhost: { name: 'inbound|http|9080', route: { name: 'default', action: 'ROUTE' } } } },
        patch: { operation: 'MERGE', value: { route: { timeout: '5s' } } },
      },
      {
        applyTo: 'CLUSTER',
        match: { context: 'SIDECAR_OUTBOUND', cluster: { service: 'ratings.bookinfo.svc.cluster.local', portNumber: 9080, subset: 'v1' } },
        patch: { operation: 'MERGE', value: { connect_timeout: '1s' } },
      },
      {
        applyTo: 'HTTP_FILTER',
        match: { listener: { portNumber: 15006, filterChain: { filter: { name: HCM, subFilter: { name: 'envoy.filters.http.fault' } } } } },
        patch: { operation: 'REMOVE' },
      },
    ]);
    expect(admissionOf(out)).toEqual([]);
  });

  test('targetRefs to a Gateway, filterClass, and the value is copied (later edits do not leak in)', () => {
    const chart = fragmentChart();
    const value = { name: 'envoy.lua', typed_config: { ...LUA.typed_config } };
    new EnvoyFilter(chart, 'ef', {
      targetRefs: [EnvoyFilterTarget.gateway('waypoint')],
      configPatches: [{ applyTo: EnvoyPatchApplyTo.HTTP_FILTER, operation: EnvoyPatchOperation.ADD, filterClass: EnvoyPatchFilterClass.AUTHZ, match: { context: EnvoyPatchContext.WAYPOINT, waypoint: { portNumber: 8080, filter: HCM, subFilter: 'envoy.filters.http.router' } }, value }],
    });
    value.name = 'changed';
    const [out] = Testing.synth(chart);
    expect(out.spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'waypoint' }]);
    expect(out.spec.configPatches[0].patch).toEqual({ operation: 'ADD', filterClass: 'AUTHZ', value: { ...LUA, name: 'envoy.lua' } });
    expect(out.spec.configPatches[0].match).toEqual({ context: 'WAYPOINT', waypoint: { portNumber: 8080, filter: { name: HCM, subFilter: { name: 'envoy.filters.http.router' } } } });
    expect(out.spec.workloadSelector).toBeUndefined();
  });

  test('an EnvoyFilter without patches is refused at synth', () => {
    const chart = fragmentChart();
    new EnvoyFilter(chart, 'ef', { workloadSelector: WorkloadSelector.fromLabels({ app: 'x' }) });
    expect(() => Testing.synth(chart)).toThrow(/configPatches \[\] is invalid: an EnvoyFilter without patches changes nothing\. Fix: add a patch/);
  });

  describe('refuses what istiod refuses, naming path, value and fix', () => {
    test.each([
      ['workloadSelector together with targetRefs', build({ workloadSelector: WorkloadSelector.fromLabels({ app: 'a' }), targetRefs: [EnvoyFilterTarget.gateway('gw')], configPatches: [luaPatch] }),
        /\[test\/ef\] workloadSelector and targetRefs .*mutually exclusive\. Fix: select proxies with workloadSelector or attach to gateways with targetRefs/],
      ['ADD without value', patchOf({ operation: EnvoyPatchOperation.ADD, value: undefined }), /\[test\/ef\] configPatches\[0\]\.value undefined is invalid: a ADD patch needs a value.*Fix: give the Envoy configuration/],
      ['MERGE with an empty value', patchOf({ operation: EnvoyPatchOperation.MERGE, value: {} }), /configPatches\[0\]\.value \{\} is invalid: a MERGE patch needs a value.*Fix:/],
      ['INSERT_BEFORE without value', patchOf({ operation: EnvoyPatchOperation.INSERT_BEFORE, value: undefined }), /configPatches\[0\]\.value undefined is invalid: a INSERT_BEFORE patch needs a value.*Fix:/],
      ['INSERT_FIRST without value', patchOf({ operation: EnvoyPatchOperation.INSERT_FIRST, value: undefined }), /a INSERT_FIRST patch needs a value.*Fix:/],
      ['REMOVE with a value', patchOf({ operation: EnvoyPatchOperation.REMOVE }), /configPatches\[0\]\.value .*"envoy\.lua".* is invalid: a REMOVE patch takes no value\. Fix: leave value out/],
      ['an unknown operation', patchOf({ operation: 'PREPEND' as EnvoyPatchOperation }), /configPatches\[0\]\.operation "PREPEND" is invalid: unknown value\. Fix: use an EnvoyPatchOperation/],
      ['an unknown applyTo', patchOf({ applyTo: 'ROUTE' as EnvoyPatchApplyTo }), /configPatches\[0\]\.applyTo "ROUTE" is invalid: unknown value\. Fix:/],
      ['a cluster match for applyTo HTTP_FILTER', patchOf({ match: { cluster: { service: 'a.b.svc.cluster.local' } } }), /configPatches\[0\]\.match\.cluster "HTTP_FILTER" is invalid: applyTo HTTP_FILTER cannot be matched with match\.cluster\. Fix: match with match\.listener/],
      ['a listener match for applyTo CLUSTER', patchOf({ applyTo: EnvoyPatchApplyTo.CLUSTER, operation: EnvoyPatchOperation.MERGE, match: { listener: { portNumber: 80 } } }), /match\.listener "CLUSTER" is invalid: .*Fix: match with match\.cluster/],
      ['two match kinds', patchOf({ match: { listener: { filter: HCM }, cluster: { service: 'x.y.svc.cluster.local' } } }), /configPatches\[0\]\.match \["listener","cluster"\] is invalid: .*Fix: keep only the match that fits applyTo HTTP_FILTER/],
      ['a sub-filter match with applyTo NETWORK_FILTER', patchOf({ applyTo: EnvoyPatchApplyTo.NETWORK_FILTER }), /match\.listener\.subFilter "envoy\.filters\.http\.router" is invalid: a sub-filter match is only allowed with applyTo HTTP_FILTER, not NETWORK_FILTER\. Fix:/],
      ['a sub-filter match under another filter', patchOf({ match: { listener: { filter: 'envoy.filters.network.tcp_proxy', subFilter: 'envoy.filters.http.router' } } }), /match\.listener\.filter "envoy\.filters\.network\.tcp_proxy" is invalid: a sub-filter match needs the filter match envoy\.filters\.network\.http_connection_manager\. Fix:/],
      ['an Envoy v2 type URL', patchOf({ value: { name: 'x', typed_config: { '@type': 'type.googleapis.com/envoy.config.filter.http.lua.v2.Lua' } } }), /configPatches\[0\]\.value\.typed_config\["@type"\] "type\.googleapis\.com\/envoy\.config\.filter\.http\.lua\.v2\.Lua" is invalid: an Envoy v2 type.*Fix: use the v3 type/],
      ['a @type that is not a URL', patchOf({ value: { name: 'x', typed_config: { '@type': 'Lua' } } }), /\["@type"\] "Lua" is invalid: not a type URL\. Fix: write type\.googleapis\.com\//],
      ['a proxyVersion that is not RE2', patchOf({ match: { proxy: { proxyVersion: '^1\\.(?=30)' } } }), /match\.proxy\.proxyVersion "\^1\\\\\.\(\?=30\)" is invalid: RE2 .*look-ahead.*Fix:/],
      ['a listener port out of range', patchOf({ match: { listener: { portNumber: 70000, filter: HCM } } }), /match\.listener\.portNumber 70000 is invalid: .*Fix:/],
      ['a gateway not written namespace/name', patchOf({ applyTo: EnvoyPatchApplyTo.VIRTUAL_HOST, operation: EnvoyPatchOperation.MERGE, match: { routeConfiguration: { gateway: 'bookinfo-gateway' } }, value: { rate_limits: [] } }),
        /match\.routeConfiguration\.gateway "bookinfo-gateway" is invalid: the gateway must be written namespace\/name\. Fix: write e\.g\. "istio-system\/bookinfo-gateway"/],
      ['context WAYPOINT without a waypoint match', patchOf({ match: { context: EnvoyPatchContext.WAYPOINT } }), /match\.waypoint undefined is invalid: a waypoint match goes with context WAYPOINT.*Fix: add e\.g\. waypoint:/],
      ['a waypoint match outside context WAYPOINT', patchOf({ match: { context: EnvoyPatchContext.GATEWAY, waypoint: { portNumber: 80 } } }), /match\.context "GATEWAY" is invalid: a waypoint match goes with context WAYPOINT.*Fix: set context: EnvoyPatchContext\.WAYPOINT/],
      ['empty targetRefs', build({ targetRefs: [], configPatches: [luaPatch] }), /targetRefs \[\] is invalid: the list must not be empty\. Fix:/],
      ['a priority that is not an integer', build({ priority: 1.5, configPatches: [luaPatch] }), /priority 1\.5 is invalid: .*Fix:/],
    ])('%s', (_name, make, message) => {
      expect(make).toThrow(message);
    });

    test('a refused patch passed to addPatch names its index', () => {
      const ef = new EnvoyFilter(fragmentChart(), 'ef', { configPatches: [luaPatch] });
      expect(() => ef.addPatch({ ...luaPatch, value: undefined })).toThrow(/\[test\/ef\] configPatches\[1\]\.value undefined is invalid/);
    });
  });
});

test('snapshot: a Lua filter before the router of a workload\'s inbound listener, with a priority', () => {
  const chart = fragmentChart();
  new EnvoyFilter(chart, 'lua', {
    metadata: { name: 'reviews-lua' },
    workloadSelector: WorkloadSelector.fromLabels({ app: 'reviews' }),
    priority: 10,
    configPatches: [luaPatch],
  });
  expect(Testing.synth(chart)).toMatchSnapshot();
});
