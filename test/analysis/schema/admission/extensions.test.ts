// istiod's WasmPlugin, TrafficExtension and EnvoyFilter admission rules on objects: a refused object and a nearby admitted one.
import { admissionOf, expectRefusedNearAdmitted, istioObject } from '../../../support/admit';

type Obj = { [key: string]: any };
const URL = 'oci://ghcr.io/example/plugin:v1';
const wasm = (spec: Obj) => istioObject('extensions.istio.io/v1alpha1', 'WasmPlugin', { url: URL, ...spec });
const ext = (spec: Obj) => istioObject('extensions.istio.io/v1alpha1', 'TrafficExtension', spec);
const ef = (patch: Obj) => istioObject('networking.istio.io/v1alpha3', 'EnvoyFilter', { configPatches: [{ applyTo: 'HTTP_FILTER', ...patch }] });
const HCM = 'envoy.filters.network.http_connection_manager';
const listener = (filter: Obj) => ({ context: 'SIDECAR_INBOUND', listener: { filterChain: { filter } } });
const insert = { operation: 'INSERT_BEFORE', value: { name: 'envoy.lua' } };
const pair = (refused: Obj, admitted: Obj, text: string) => expectRefusedNearAdmitted(refused, admitted, text);

describe('WasmPlugin admission', () => {
  test('module URL: set, with a supported scheme, no control characters or bad escapes', () => {
    pair(wasm({ url: '' }), wasm({}), 'the module URL must be set');
    pair(wasm({ url: 'localhost:5000/plugin:v1' }), wasm({ url: 'oci://localhost:5000/plugin:v1' }), 'scheme "localhost" is not supported');
    pair(wasm({ url: 'ftp://example.com/p.wasm' }), wasm({ url: 'https://example.com/p.wasm' }), 'scheme "ftp" is not supported');
    pair(wasm({ url: 'https://example.com/p%zz.wasm' }), wasm({ url: 'https://example.com/p%20.wasm' }), 'a "%" must start an escape');
    pair(wasm({ url: 'https://example.com/p\n.wasm' }), wasm({ url: 'file:///opt/p.wasm' }), 'control characters');
    expect(admissionOf(wasm({ url: 'ghcr.io/example/plugin:v1' }))).toEqual([]);
  });
  test('sha256, imagePullSecret and pluginName', () => {
    pair(wasm({ sha256: 'abc' }), wasm({ sha256: 'a'.repeat(64) }), 'must be 64 lower-case hexadecimal digits');
    pair(wasm({ imagePullSecret: 'a'.repeat(254) }), wasm({ imagePullSecret: 'a'.repeat(253) }), 'over the limit of 253');
    pair(wasm({ pluginName: 'a'.repeat(257) }), wasm({ pluginName: 'a'.repeat(256) }), 'over the limit of 256');
  });
  test('VM environment: named, unique, a value only when INLINE', () => {
    pair(wasm({ vmConfig: { env: [{ name: '' }] } }), wasm({ vmConfig: { env: [{ name: 'A' }] } }), 'an environment variable needs a name');
    pair(wasm({ vmConfig: { env: [{ name: 'A' }, { name: 'A' }] } }), wasm({ vmConfig: { env: [{ name: 'A' }, { name: 'B' }] } }), 'duplicate environment variable "A"');
    pair(wasm({ vmConfig: { env: [{ name: 'A', valueFrom: 'HOST', value: 'x' }] } }), wasm({ vmConfig: { env: [{ name: 'A', valueFrom: 'HOST' }] } }), 'a value is only allowed with valueFrom INLINE');
  });
  test('match ports in range; one of selector and targetRefs', () => {
    pair(wasm({ match: [{ ports: [{ number: 0 }] }] }), wasm({ match: [{ ports: [{ number: 8080 }] }] }), 'is out of range 1..65535');
    pair(wasm({ selector: { matchLabels: { app: 'a' } }, targetRefs: [{ kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'gw' }] }), wasm({ targetRefs: [{ kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'gw' }] }), 'only one of selector');
  });
});

describe('TrafficExtension admission', () => {
  test('exactly one of wasm and lua; Lua code present and at most 64 KiB', () => {
    pair(ext({ wasm: { url: URL }, lua: { inlineCode: 'x' } }), ext({ lua: { inlineCode: 'function envoy_on_request(h) end' } }), 'exactly one of wasm and lua');
    pair(ext({ lua: { inlineCode: '--'.padEnd(65537, 'x') } }), ext({ lua: { inlineCode: '--'.padEnd(65536, 'x') } }), 'over istiod\'s limit of 64 KiB');
    pair(ext({ wasm: { url: 'registry:5000/p' } }), ext({ wasm: { url: URL } }), 'scheme "registry" is not supported');
  });
});

describe('EnvoyFilter admission', () => {
  test('applyTo, a patch, an operation and (unless REMOVE) a value', () => {
    pair(ef({ applyTo: undefined, patch: insert }), ef({ patch: insert }), 'a config patch needs applyTo');
    pair(ef({}), ef({ patch: insert }), 'a config patch needs a patch');
    pair(ef({ patch: { value: { name: 'x' } } }), ef({ patch: insert }), 'a patch needs an operation');
    pair(ef({ patch: { operation: 'MERGE' } }), ef({ patch: { operation: 'REMOVE' } }), 'a MERGE patch needs a value');
  });
  test('the proxy-version regex compiles (RE2)', () => {
    pair(ef({ match: { proxy: { proxyVersion: '^1\\.2(' } }, patch: insert }), ef({ match: { proxy: { proxyVersion: '^1\\.2.*' } }, patch: insert }), 'is not a valid regular expression');
  });
  test('the match kind fits applyTo', () => {
    pair(ef({ match: { cluster: { service: 'a' } }, patch: insert }), ef({ match: listener({ name: HCM }), patch: insert }), 'match with match.listener, not match.cluster');
    pair(ef({ applyTo: 'VIRTUAL_HOST', match: { cluster: { service: 'a' } }, patch: insert }), ef({ applyTo: 'VIRTUAL_HOST', match: { routeConfiguration: { vhost: { name: 'a:80' } } }, patch: insert }), 'match with match.routeConfiguration');
    pair(ef({ applyTo: 'CLUSTER', match: { routeConfiguration: {} }, patch: insert }), ef({ applyTo: 'CLUSTER', match: { cluster: { service: 'a' } }, patch: insert }), 'match with match.cluster');
  });
  test('filter and sub-filter matches', () => {
    pair(ef({ match: listener({ name: '' }), patch: insert }), ef({ match: listener({ name: HCM }), patch: insert }), 'a filter match needs the filter name');
    pair(ef({ applyTo: 'NETWORK_FILTER', match: listener({ name: HCM, subFilter: { name: 'envoy.filters.http.router' } }), patch: insert }), ef({ applyTo: 'NETWORK_FILTER', match: listener({ name: HCM }), patch: insert }), 'a sub-filter match is only allowed with applyTo HTTP_FILTER');
    pair(ef({ match: listener({ name: 'envoy.filters.network.tcp_proxy', subFilter: { name: 'x' } }), patch: insert }), ef({ match: listener({ name: HCM, subFilter: { name: 'x' } }), patch: insert }), 'a sub-filter match needs the filter match');
    pair(ef({ match: listener({ name: HCM, subFilter: {} }), patch: insert }), ef({ match: listener({ name: HCM, subFilter: { name: 'envoy.filters.http.router' } }), patch: insert }), 'a sub-filter match needs the HTTP filter name');
  });
  test('type URLs resolve and are not Envoy v2', () => {
    const typed = (t: string) => ef({ patch: { operation: 'INSERT_BEFORE', value: { name: 'envoy.lua', typed_config: { '@type': t } } } });
    pair(typed('type.googleapis.com/envoy.config.filter.http.lua.v2.Lua'), typed('type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua'), 'is an Envoy v2 type');
    pair(typed('envoy.extensions.filters.http.lua.v3.Lua'), typed('type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua'), 'is not a type URL');
  });
  test('WAYPOINT patches are not validated (as istiod)', () => {
    expect(admissionOf(ef({ match: { context: 'WAYPOINT' } }))).toEqual([]);
  });
});
