// Directory suites (./suite.ts): every test file runs in exactly one suite, and snapshots behave
// as they do when each file is its own jest test file.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { testFilesIn } from './suite';

const ROOT = path.join(__dirname, '..', '..');
const TEST = path.join(ROOT, 'test');
/** The project's jest transform (package.json), for the jest runs on fixture directories. */
const PROJECT_TRANSFORM: { [pattern: string]: [string, object] } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).jest.transform;

function dirsUnder(dir: string): string[] {
  return [dir, ...fs.readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== 'fixtures' && e.name !== 'node_modules' && e.name !== '__snapshots__')
    .flatMap((e) => dirsUnder(path.join(dir, e.name)))];
}

describe('every test file runs in one suite', () => {
  test('jest runs the suites only', () => {
    const jest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).jest;
    expect(jest.testMatch).toEqual(['<rootDir>/test/**/*.suite.ts']);
  });

  test('a directory with test files has one suite, which runs that directory; no other directory has one', () => {
    const problems: string[] = [];
    let files = 0;
    for (const dir of dirsUnder(TEST)) {
      const rel = path.relative(ROOT, dir);
      const suites = fs.readdirSync(dir).filter((f) => f.endsWith('.suite.ts'));
      const tests = testFilesIn(dir);
      files += tests.length;
      if (tests.length > 0 && suites.length !== 1) problems.push(`${rel}: ${tests.length} test files and ${suites.length} suites (want one ${path.basename(dir)}.suite.ts calling runTestFiles(__dirname, {...}))`);
      if (tests.length === 0 && suites.length > 0) problems.push(`${rel}: a suite without test files`);
      for (const s of suites) {
        if (!/^runTestFiles\(__dirname, \{$/m.test(fs.readFileSync(path.join(dir, s), 'utf8'))) problems.push(`${rel}/${s}: does not call runTestFiles(__dirname, {...})`);
      }
    }
    expect(problems).toEqual([]);
    expect(files).toBeGreaterThan(100);
  });
});

describe('snapshots in a suite', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-suite-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Runs jest on the fixture directory: its suites, or its test files one by one. */
  function jest(args: string[], files: 'suites' | 'files' = 'suites') {
    const config = {
      rootDir: dir,
      testMatch: [files === 'suites' ? '<rootDir>/**/*.suite.ts' : '<rootDir>/**/*.test.ts'],
      // the project's transformer (package.json's jest.transform), resolved from here
      transform: Object.fromEntries(Object.entries(PROJECT_TRANSFORM).map(([re, [name, options]]) => [re, [require.resolve(name), options]])),
    };
    const r = spawnSync(process.execPath, [require.resolve('jest/bin/jest'), '--config', JSON.stringify(config), '--coverage=false', ...args], {
      cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true' },
    });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  }
  const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);
  const snap = (file: string) => path.join(dir, '__snapshots__', `${file}.snap`);

  test('written per file under the names the file gives its tests, found again alone and in the suite; obsolete ones fail the run and test:update removes them; an unlisted test file fails the suite', () => {
    const suite = path.relative(dir, path.join(__dirname, 'suite')).split(path.sep).join('/');
    write('fixture.suite.ts', `import { runTestFiles } from '${suite}';\nrunTestFiles(__dirname, { 'a.test.ts': () => require('./a.test'), 'b.test.ts': () => require('./b.test') });\n`);
    // the same test name in two files, with different snapshots
    write('a.test.ts', "test('same name', () => expect({ file: 'a' }).toMatchSnapshot());\n");
    write('b.test.ts', "describe('b', () => test('same name', () => expect({ file: 'b' }).toMatchSnapshot()));\n");

    const written = jest(['--ci=false']);
    expect(written.output).toMatch(/2 written/);
    expect(written.status).toBe(0);
    expect(fs.readFileSync(snap('a.test.ts'), 'utf8')).toMatch(/exports\[`same name 1`\] = `\n\{\n {2}"file": "a",/);
    expect(fs.readFileSync(snap('b.test.ts'), 'utf8')).toMatch(/exports\[`b same name 1`\] = `\n\{\n {2}"file": "b",/);

    // the same snapshot files when the test files run alone
    const alone = jest(['--ci'], 'files');
    expect(alone.output).toMatch(/Snapshots: +2 passed, 2 total/);
    expect(alone.status).toBe(0);

    // a changed value fails, in the file it belongs to
    write('b.test.ts', "describe('b', () => test('same name', () => expect({ file: 'B' }).toMatchSnapshot()));\n");
    const changed = jest(['--ci']);
    expect(changed.status).toBe(1);
    expect(changed.output).toMatch(/Snapshots: +1 failed, 1 passed, 2 total/);
    expect(changed.output).toMatch(/b\.test\.ts › b › same name/);
    write('b.test.ts', "describe('b', () => test('same name', () => expect({ file: 'b' }).toMatchSnapshot()));\n");

    // a.test.ts no longer takes its snapshot: obsolete, and the run fails as jest's does
    write('a.test.ts', "test('no snapshot', () => expect(1).toBe(1));\n");
    const obsolete = jest(['--ci']);
    expect(obsolete.output).toMatch(/1 snapshot obsolete/);
    expect(obsolete.output).toMatch(/a\.test\.ts same name 1/);
    expect(obsolete.status).toBe(1);

    const updated = jest(['--ci', '--updateSnapshot']);
    expect(updated.status).toBe(0);
    expect(fs.existsSync(snap('a.test.ts'))).toBe(false);
    expect(fs.existsSync(snap('b.test.ts'))).toBe(true);
    expect(jest(['--ci']).status).toBe(0);

    // a test file the suite does not list fails the suite, with the line to add
    write('c.test.ts', "test('c', () => expect(1).toBe(1));\n");
    const unlisted = jest(['--ci']);
    expect(unlisted.status).toBe(1);
    expect(unlisted.output).toContain("add:    'c.test.ts': () => require('./c.test'),");
  });
});
