import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { transpiledJs } from './compiled-analysis';
import { RUN_TMPDIR_ENV, removeStaleRuns, runsDir, useRunTmpdir } from './global-setup';

/** A pid no process has (a process that ran and exited). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

test('tests run with the temporary directory of their run: a cdk8s app\'s output directory lands there', () => {
  const dir = process.env[RUN_TMPDIR_ENV];
  expect(dir).toBeDefined();
  expect(os.tmpdir()).toBe(dir);
  expect(path.basename(path.dirname(dir!))).toBe('cdk8s-istio-jest');
  expect(path.basename(dir!)).toMatch(/^\d+-/);
  expect(Testing.app().outdir.startsWith(dir! + path.sep)).toBe(true);
  // jest run by a test (suite.test.ts does) keeps it
  expect(useRunTmpdir(fs.mkdtempSync(path.join(dir!, 'base-')))).toBe(dir);
});

test('a run\'s directory left by a process that no longer runs is removed; a running one\'s and other entries stay', () => {
  const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-'));
  const dead = `${deadPid()}-abc`;
  const alive = `${process.pid}-def`;
  for (const d of [dead, alive, 'not-a-run', '0-zero']) fs.mkdirSync(path.join(runs, d, 'cdk8s.outdir.x'), { recursive: true });
  expect(removeStaleRuns(runs)).toEqual([dead]);
  expect(fs.readdirSync(runs).sort()).toEqual(['0-zero', alive, 'not-a-run'].sort());
  expect(removeStaleRuns(path.join(runs, 'missing'))).toEqual([]);
});

test('a run makes its directory under <temp>/cdk8s-istio-jest, removes stale ones, and its directory is gone when it exits', () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'base-'));
  const stale = path.join(runsDir(base), `${deadPid()}-old`);
  fs.mkdirSync(path.join(stale, 'cdk8s.outdir.y'), { recursive: true });
  // the module as plain JavaScript, run by a process of its own (as jest's parent process runs it)
  const js = path.join(base, 'global-setup.js');
  const source = fs.readFileSync(path.join(__dirname, 'global-setup.ts'), 'utf8');
  fs.writeFileSync(js, transpiledJs(source));
  const script = `
    const { useRunTmpdir } = require(${JSON.stringify(js)});
    const dir = useRunTmpdir(${JSON.stringify(base)});
    const fs = require('fs'), os = require('os'), path = require('path');
    const made = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s.outdir.'));
    process.stdout.write(JSON.stringify({ dir, made, tmpdir: os.tmpdir(), existed: fs.existsSync(made), stale: fs.existsSync(${JSON.stringify(stale)}) }));
  `;
  const env = { ...process.env };
  delete env[RUN_TMPDIR_ENV];
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env });
  expect(r.stderr).toBe('');
  const out = JSON.parse(r.stdout);
  expect(path.dirname(out.dir)).toBe(runsDir(base));
  expect(out.tmpdir).toBe(out.dir);
  expect(out.made.startsWith(out.dir + path.sep)).toBe(true);
  expect(out).toMatchObject({ existed: true, stale: false });
  expect(fs.existsSync(out.dir)).toBe(false);
  expect(fs.readdirSync(runsDir(base))).toEqual([]);
});

test('where the run\'s directory cannot be made, the run keeps the temporary directory it was given', () => {
  const notADirectory = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'base-')), 'file');
  fs.writeFileSync(notADirectory, '');
  const saved = { run: process.env[RUN_TMPDIR_ENV], tmpdir: process.env.TMPDIR };
  delete process.env[RUN_TMPDIR_ENV];
  try {
    expect(useRunTmpdir(notADirectory)).toBe(notADirectory);
    expect(process.env[RUN_TMPDIR_ENV]).toBeUndefined();
    expect(process.env.TMPDIR).toBe(saved.tmpdir);
  } finally {
    process.env[RUN_TMPDIR_ENV] = saved.run;
  }
});
