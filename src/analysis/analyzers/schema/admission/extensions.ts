// istiod's admission rules for extensions.istio.io WasmPlugin and TrafficExtension (Istio 1.30
// pkg/config/validation: ValidateWasmPlugin, ValidateTrafficExtension — one of selector and
// targetRef(s); a module URL with a supported scheme; a 64-hex-digit sha256; length limits;
// VM environment variables named, unique and inline-only values; match ports in range; exactly
// one of wasm and lua, Lua code present and at most 64 KiB).
import { policySelection } from './policy-selection';
import { Report } from './shared';
import { Obj, Resource, arr, isObj, str } from '../../../model';

const URL_SCHEMES = new Set(['file', 'http', 'https', 'oci']);

/** Checks a WasmPlugin. */
export function wasmPlugin(r: Resource, report: Report): void {
  const spec = r.spec;
  policySelection(spec, report);
  wasmModule(spec, 'spec', report);
  vmConfig(spec.vmConfig, 'spec.vmConfig', report);
  matchPorts(spec.match, report);
}

/** Checks a TrafficExtension. */
export function trafficExtension(r: Resource, report: Report): void {
  const spec = r.spec;
  const wasm = isObj(spec.wasm) ? (spec.wasm as Obj) : undefined;
  const lua = isObj(spec.lua) ? (spec.lua as Obj) : undefined;
  if ((wasm === undefined) === (lua === undefined)) report('spec', 'exactly one of wasm and lua must be set');
  policySelection({ selector: spec.selector, targetRefs: spec.targetRefs }, report);
  if (lua !== undefined) {
    const bytes = Buffer.byteLength(str(lua.inlineCode), 'utf8');
    if (bytes === 0) report('spec.lua.inlineCode', 'Lua code may not be empty');
    else if (bytes > 65536) report('spec.lua.inlineCode', `Lua code is ${bytes} bytes, over istiod's limit of 64 KiB`);
  }
  if (wasm !== undefined) {
    wasmModule(wasm, 'spec.wasm', report);
    vmConfig(wasm.vmConfig, 'spec.wasm.vmConfig', report);
  }
  matchPorts(spec.match, report);
}

/** The module fields WasmPlugin and TrafficExtension's wasm share: url, sha256, imagePullSecret, pluginName. */
function wasmModule(m: Obj, at: string, report: Report): void {
  const url = str(m.url);
  if (url === '') {report(`${at}.url`, 'the module URL must be set (oci://, https://, http:// or file://)');} else {
    const problem = urlProblem(url);
    if (problem !== undefined) report(`${at}.url`, `${JSON.stringify(url)}: ${problem}`);
  }
  const sha = str(m.sha256);
  if (sha !== '' && !/^[a-f0-9]{64}$/.test(sha)) report(`${at}.sha256`, `${JSON.stringify(sha)} must be 64 lower-case hexadecimal digits`);
  const secret = str(m.imagePullSecret).length;
  if (secret > 253) report(`${at}.imagePullSecret`, `the secret name is ${secret} characters, over the limit of 253`);
  const plugin = str(m.pluginName).length;
  if (plugin > 256) report(`${at}.pluginName`, `the plugin name is ${plugin} characters, over the limit of 256`);
}

/**
 * Why istiod cannot use `url` as a module location: a scheme other than file, http, https and oci
 * (as Go's URL parser finds it: letters, then letters, digits, `+`, `-` or `.` up to the first
 * `:` — so `registry:5000/image` has the scheme `registry`), control characters or a bad escape.
 */
function urlProblem(url: string): string | undefined {
  if (/[\x00-\x1f\x7f]/.test(url)) return 'control characters are not allowed in a URL';
  if (/%(?![0-9a-fA-F]{2})/.test(url)) return 'a "%" must start an escape such as %20';
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url);
  if (url.startsWith(':')) return 'missing scheme before ":"';
  if (m !== null && !URL_SCHEMES.has(m[1].toLowerCase())) {
    return `scheme ${JSON.stringify(m[1].toLowerCase())} is not supported (oci, https, http or file); write a registry with a port as oci://${url}`;
  }
  return undefined;
}

/** `validateWasmPluginVMConfig`: env names set, at most 256 characters, unique; a value only when INLINE. */
function vmConfig(vm: unknown, at: string, report: Report): void {
  if (!isObj(vm)) return;
  const names = new Set<string>();
  arr(vm.env).forEach((e: Obj, i) => {
    if (!isObj(e)) return;
    const eat = `${at}.env[${i}]`;
    const name = str(e.name);
    if (name === '') report(`${eat}.name`, 'an environment variable needs a name');
    else if (name.length > 256) report(`${eat}.name`, `the name is ${name.length} characters, over the limit of 256`);
    else if (names.has(name)) report(`${eat}.name`, `duplicate environment variable ${JSON.stringify(name)}`);
    names.add(name);
    if ((str(e.valueFrom) || 'INLINE') !== 'INLINE' && str(e.value) !== '') report(`${eat}.value`, `a value is only allowed with valueFrom INLINE, not ${str(e.valueFrom)}`);
  });
}

/** `validateWasmPluginMatch`: match ports in 1..65535. */
function matchPorts(match: unknown, report: Report): void {
  arr(match).forEach((sel: Obj, i) => {
    if (!isObj(sel)) {
      report(`spec.match[${i}]`, 'a traffic selector may not be null');
      return;
    }
    arr(sel.ports).forEach((p: Obj, j) => {
      const n = isObj(p) ? p.number : undefined;
      if (typeof n !== 'number' || n <= 0 || n > 65535) report(`spec.match[${i}].ports[${j}].number`, `port ${JSON.stringify(n)} is out of range 1..65535`);
    });
  });
}
