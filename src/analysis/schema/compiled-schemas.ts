// ajv validators of the CRD schemas, compiled lazily (only kinds that are validated) and
// cached per process. Compiling a big schema (VirtualService, DestinationRule, HTTPRoute)
// costs 0.1-0.3 s, so the generated standalone code is also kept on disk, like other build
// tools do, under `node_modules/.cache/cdk8s-istio/` of the project that installed the
// library (keyed by a hash of schema, ajv version and library location). Set the
// environment variable `CDK8S_ISTIO_CACHE=off` to compile in memory only.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import { FORMATS_CODE, formats, re2Engine } from './ajv-runtime';
import type { CrdVersionEntry } from './schema-catalog';
import { crdKey } from './schema-catalog';
import { toAjvSchema } from './schema-convert';

/** Bump when the ajv options or the schema conversion change (invalidates the disk cache). */
const CODE_VERSION = '2';

let ajvInstance: Ajv | undefined;
function ajv(): Ajv {
  if (!ajvInstance) {
    // ajv's compiler is only loaded on a cache miss (cached code needs only its runtime).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const AjvClass = require('ajv').default as typeof Ajv;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { _Code } = require('ajv/dist/compile/codegen/code');
    ajvInstance = new AjvClass({
      allErrors: true,
      strict: false,
      useDefaults: true,
      formats,
      code: { source: true, regExp: re2Engine, formats: new _Code(FORMATS_CODE) },
    });
  }
  return ajvInstance;
}

let cacheDirMemo: string | null | undefined;

/** `<project>/node_modules/.cache/cdk8s-istio`, or null when caching is off (CDK8S_ISTIO_CACHE=off). */
export function cacheDir(): string | null {
  if (cacheDirMemo !== undefined) return cacheDirMemo;
  cacheDirMemo = null;
  if (!/^(off|0|false)$/i.test(process.env.CDK8S_ISTIO_CACHE ?? '')) {
    let dir = __dirname;
    let packageRoot: string | undefined;
    for (let i = 0; i < 8 && path.dirname(dir) !== dir; i++, dir = path.dirname(dir)) {
      if (path.basename(dir) === 'node_modules') {
        cacheDirMemo = path.join(dir, '.cache', 'cdk8s-istio');
        return cacheDirMemo;
      }
      if (!packageRoot && fs.existsSync(path.join(dir, 'package.json'))) packageRoot = dir;
    }
    if (packageRoot) cacheDirMemo = path.join(packageRoot, 'node_modules', '.cache', 'cdk8s-istio');
  }
  return cacheDirMemo;
}

/** Writes a file under a temporary name and renames it into place (readers never see half a file). */
export function writeAtomic(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

const compiled = new Map<string, ValidateFunction>();

/** The ajv validator of one CRD version (compiled on first use). */
export function compiledSchema(entry: CrdVersionEntry): ValidateFunction {
  const key = crdKey(entry.group, entry.version, entry.kind);
  let fn = compiled.get(key);
  if (fn) return fn;
  const schema = toAjvSchema(entry.schema);
  const dir = cacheDir();
  let file: string | undefined;
  if (dir) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ajvVersion: string = require('ajv/package.json').version;
    const hash = createHash('sha256')
      .update(`${CODE_VERSION}\0${ajvVersion}\0${__dirname}\0${JSON.stringify(schema)}`)
      .digest('hex')
      .slice(0, 20);
    file = path.join(dir, `${entry.group}_${entry.kind}_${entry.version}-${hash}.js`);
    if (fs.existsSync(file)) {
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        fn = require(file) as ValidateFunction;
      } catch {
        fn = undefined;
      }
    }
  }
  if (!fn) {
    const a = ajv();
    fn = a.compile(schema);
    if (file) {
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const standaloneCode = require('ajv/dist/standalone').default;
        fs.mkdirSync(path.dirname(file), { recursive: true });
        writeAtomic(file, standaloneCode(a, fn));
      } catch {
        // read-only file system: compile again next time
      }
    }
  }
  compiled.set(key, fn);
  return fn;
}
