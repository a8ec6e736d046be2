// A script run in a fresh `node --allow-natives-syntax`, for what depends on V8's state of the
// whole process (whether objects share a hidden class: once a process has built objects of
// ~1,500 different first keys from `{}`, V8 gives new shapes a class per object, and a jest
// worker has), with library sources transpiled for it to require.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { transpiledJs } from './compiled-analysis';

/**
 * Runs `script(paths)` in a fresh node with V8's natives syntax (`%HaveSameMap`, ...), where
 * `paths[i]` is the transpiled `sources[i]` (paths relative to the repository's `src/`, each
 * requiring only node modules or type-only imports), and returns what it printed as JSON.
 */
export function runInFreshV8<T>(sources: string[], script: (paths: string[]) => string): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fresh-v8-'));
  try {
    const paths = sources.map((s) => {
      const source = fs.readFileSync(path.join(__dirname, '..', '..', 'src', s), 'utf8');
      const out = path.join(dir, path.basename(s).replace(/\.ts$/, '.js'));
      fs.writeFileSync(out, transpiledJs(source));
      return out;
    });
    const r = spawnSync(process.execPath, ['--allow-natives-syntax', '-e', script(paths)], { encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0 || r.stderr !== '') throw new Error(`the fresh node failed (status ${r.status}): ${r.stderr}`);
    return JSON.parse(r.stdout) as T;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A script's function counting the hidden classes of a list of objects (`classes(objects)`). */
export const COUNT_CLASSES = 'const classes = (objects) => { const reps = []; for (const o of objects) if (!reps.some((r) => %HaveSameMap(r, o))) reps.push(o); return reps.length; };';
