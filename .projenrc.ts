import { cdk8s, javascript } from 'projen';

const CDK8S_VERSION = '2.70.106';
const CONSTRUCTS_VERSION = '10.8.1';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-istio',
  description:
    'Typed, validated Istio service-mesh configuration for cdk8s: resource constructs for every Istio kind, secure-by-default patterns, and synth-time analysis.',
  author: 'cdk8s-istio maintainers',
  authorAddress: 'maintainers@cdk8s-istio.dev',
  repositoryUrl: 'https://github.com/cdk8s-istio/cdk8s-istio.git',
  license: 'Apache-2.0',
  keywords: ['cdk8s', 'istio', 'service-mesh', 'kubernetes', 'gateway-api'],
  defaultReleaseBranch: 'main',
  projenrcTs: true,
  packageManager: javascript.NodePackageManager.NPM,
  jsiiVersion: '~6.0.0',
  cdk8sVersion: CDK8S_VERSION,
  constructsVersion: CONSTRUCTS_VERSION,
  peerDeps: ['cdk8s-plus-28@^2.5.6'],
  bin: { 'cdk8s-istio': 'lib/src/analysis/cli.js' },
  // Runtime dependencies; jsii libraries must bundle non-jsii deps: YAML (analyzer CLI; js-yaml
  // writes most manifests, several times faster than yaml, the same text: src/core/yaml-writer.ts),
  // RE2 (regexes Envoy compiles, schema patterns), and the shipped manifest validator's
  // engines: ajv (CRD OpenAPI schemas), @bufbuild/cel (CRD CEL rules), kubernetes-models
  // (built-in kinds' schemas); @viz-js/viz (Graphviz in WebAssembly: the SVG of `graph`).
  bundledDeps: [
    '@viz-js/viz@^3.31.0',
    'yaml@^2.9.1',
    'js-yaml@^4.3.2',
    're2js@^2.10.0',
    'ajv@^8.20.0',
    '@bufbuild/cel@^0.6.1',
    'kubernetes-models@^4.5.1',
  ],
  devDeps: [
    'cdk8s-cli@^2.207.60',
    'cdk8s-plus-28@2.5.6',
    'fast-check@^4',
    '@types/js-yaml@^4',
    // Argo CD / Flux CRD models: the tests validate the GitOps objects MeshInstallation writes
    '@kubernetes-models/argo-cd@4.0.0',
    '@kubernetes-models/flux-cd@4.0.0',
    // the tests' transformer (see the jest transform below)
    '@swc/core@^1.16.22',
    '@swc/jest@^0.2.39',
  ],
  // GitHub workflows and release automation are not used: CI is `.ci/run`.
  github: false,
  release: false,
  // Python/Java/.NET/Go publishing cannot run on this project's machines; jsii
  // compatibility is still enforced by the jsii compile.
  tsconfig: {
    compilerOptions: {
      rootDir: '.',
      // Source maps in .js.map files beside the JavaScript, not inlined (jsii's default): Node
      // reads a map only with --enable-source-maps, while an inlined one (three quarters of the
      // compiled library's bytes) is read, compiled as part of the source and kept in memory by
      // every process that loads the library.
      inlineSourceMap: false,
      sourceMap: true,
    },
    include: ['imports/**/*.ts'],
  },
  tsconfigDev: {
    compilerOptions: {},
    include: ['imports/**/*.ts', 'examples/**/*.ts'],
  },
  // Tests are transpiled without type-checking (fast): @swc/jest (see the jest transform below)
  // transpiles each file alone (test/tsconfig.json sets isolatedModules, so tsc checks that no
  // file needs the others to be transpiled); the `typecheck` step of the test task type-checks
  // src, test, examples and the README's examples with tsc instead.
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'build-tools'],
    // Type-aware linting of the whole project takes ~27 s; with the cache (keyed by file
    // content) a re-run lints only the files that changed (~2 s). A fresh clone (CI) lints all.
    commandOptions: { extraArgs: ['--cache', '--cache-strategy', 'content', '--cache-location', 'node_modules/.cache/eslint/'] },
  },
  jestOptions: {
    // Snapshots are reviewed like code: `npx projen test` never rewrites them;
    // `npx projen test:update` does, and the diff is reviewed before commit.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testTimeout: 60_000,
      // jest defaults to one worker per core minus one: a single worker on a 2-core CI
      // machine. Test files spend much of their time in child processes and file I/O, so
      // two workers keep both cores busy (measured: 86 s -> 67 s without coverage).
      maxWorkers: 2,
      // A runtime that spares each test file work jest repeats for every one of them: V8 precise
      // coverage is started once per worker, not per test file (each start walks the worker's
      // whole heap: 0.2 s for a worker's first file, 1.3 s by its 16th), a file's transformed
      // code goes to the coverage reporter once per worker, not with every test file's coverage
      // (7.0 MB per test file that loads the library), and source files are read once per
      // worker. Same coverage, statement, function and branch for branch; whole suite with
      // coverage 214 s -> 159 s -> 99-112 s. See test/support/worker-runtime.js.
      runtime: '<rootDir>/test/support/worker-runtime.js',
      // A worker keeps every module it ever loaded (one copy per test file) and slows down as
      // it grows; a worker past this size is replaced after its current file (measured on the
      // whole suite with coverage, when the runtime above only kept coverage running: 250 MB
      // 159 s, 400 MB 175 s, 600 MB 143 s, 1500 MB 188 s; with all of it, 400 MB and 900 MB
      // were no faster than 600 MB).
      workerIdleMemoryLimit: '600MB',
      // Every object any test synthesizes is validated against the vendored CRD
      // schemas (CEL rules included) and the Kubernetes core schemas.
      setupFilesAfterEnv: ['<rootDir>/test/support/setup.ts'],
      // The run's temporary files (cdk8s's Testing.app() makes an output directory per app and
      // never removes it: ~4,900 per run) go under a directory of the run's own, removed when it
      // ends (test/support/global-setup.ts).
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      // The examples import the package by its name; tests load that name from the sources, so
      // they never depend on a stale or missing lib/ (a fresh clone can run `npx projen test`).
      moduleNameMapper: { '^cdk8s-istio$': '<rootDir>/src/index.ts' },
      coveragePathIgnorePatterns: ['/node_modules/', '/imports/', '/test/'],
      // what the run prints (projen adds `text`), lcov (with its HTML report) and json for tools;
      // no clover or cobertura, which nothing reads: they took 0.5 s of the run's serial tail
      coverageReporters: ['json', 'lcov', 'text-summary'],
    },
  },
  docgen: true,
  gitignore: ['/examples/bookinfo/dist/', '/examples/bookinfo/istio-install/', '/examples/online-boutique/dist/', '/.tmp/', '/.ci-conformance.txt'],
});

// Each test directory runs as one jest test file, its *.suite.ts (test/support/suite.ts): the
// library is loaded once per directory instead of once per *.test.ts file (whole suite with
// coverage, interleaved: 150 s and 112 s as 173 files, 71 s and 70 s as 25 suites).
// `npx projen test:files <pattern>` runs test files one by one, each in its own module
// registry, with the same snapshots. (An override: projen adds its default patterns to a
// testMatch given in jestConfig.)
project.package.file.addOverride('jest.testMatch', ['<rootDir>/test/**/*.suite.ts']);

// Test files are transpiled by swc, not ts-jest (TypeScript's transpileModule): the whole suite
// with coverage took 77 s with an empty jest cache and 63 s with a warm one under ts-jest, 68 s
// and 56-58 s under swc (same tests, same coverage). Type checking stays with tsc (typecheck).
// The target and class-field semantics are tsconfig.json's (ES2022, fields defined).
project.package.file.addOverride('jest.transform', {
  '^.+\\.[t]sx?$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' }, sourceMaps: 'inline' }],
});
project.deps.removeDependency('ts-jest');

// The compiled entry point lives under lib/src because jsii compiles the
// top-level imports/ folder (generated L1 bindings) together with src/.
project.package.addField('main', 'lib/src/index.js');
project.package.addField('types', 'lib/src/index.d.ts');
// `exports` lets the Bookinfo example import the package by its own name.
project.package.addField('exports', {
  '.': { types: './lib/src/index.d.ts', default: './lib/src/index.js' },
  './package.json': './package.json',
  './.jsii': './.jsii',
});

// Layers, enforced by eslint and test/architecture (see ARCHITECTURE.md): imports/ (L1) <- src/core <- L2 groups
// (networking, security, telemetry, gateway-api) <- src/patterns (L3). The analysis engine
// (src/analysis) reads plain manifests and imports none of the construct layers; the hook that
// runs it at synth (src/core/mesh-analysis.ts) lives on the construct side. No import cycles:
// test/architecture/layering.test.ts checks src/'s whole import graph (eslint-plugin-import's
// no-cycle parsed every module a second time, 5.5 s and half of a fresh lint's rule time, and
// its lint cache skips an unchanged file whose cycle a change elsewhere closes).
const L2_GROUPS = ['networking', 'security', 'telemetry', 'gateway-api', 'install'];
const CONSTRUCT_LAYERS = ['core', ...L2_GROUPS, 'patterns'].map((d) => `./src/${d}`);
project.eslint?.addRules({
  'import/no-restricted-paths': ['error', {
    zones: [
      {
        target: './src/analysis',
        from: [...CONSTRUCT_LAYERS, './imports'],
        message: 'the analysis engine reads plain manifests: it must not import construct layers or L1 bindings (the synth-time hook lives in src/core/mesh-analysis.ts).',
      },
      {
        target: './src/core',
        from: [...L2_GROUPS.map((d) => `./src/${d}`), './src/patterns'],
        message: 'src/core is the bottom construct layer: move what it needs down into src/core.',
      },
      ...L2_GROUPS.map((d) => ({
        target: `./src/${d}`,
        from: './src/patterns',
        message: 'resource constructs (L2) must not import patterns (L3).',
      })),
      {
        target: './imports',
        from: './src',
        message: 'generated L1 bindings must not import the library.',
      },
    ],
  }],
});
// generated by the check task from README.md (projenrc/readme-snippets.ts)
project.eslint?.addIgnorePattern('test/docs/readme-snippets/');

// The static checks: the type check (jest only transpiles) and the lint, from one TypeScript
// program (projenrc/check.ts): its type-aware rules read the type check's program instead of
// building programs of their own.
const check = project.addTask('check', {
  description: 'Type-check src, test, examples, projenrc and the README\'s examples, and lint them with the same program (jest only transpiles)',
});
// the README's ```ts blocks, written as modules under test/docs/readme-snippets/ (gitignored), are in the same program
project.gitignore.exclude('/test/docs/readme-snippets/');
// incremental (node_modules/.cache/check/): a re-run checks and lints what changed since the last
check.exec('ts-node --transpile-only --project projenrc/tsconfig.json projenrc/check.ts');
const typecheck = project.addTask('typecheck', { description: 'The type check of the `check` task alone (no lint)' });
typecheck.exec('ts-node --transpile-only --project projenrc/tsconfig.json projenrc/check.ts --no-lint');
// The test task: the static checks and jest at the same time (projenrc/parallel-tasks.ts). On
// this 2-core machine, after a source change (tsc and the type-aware lint rebuild their
// programs): 94-103 s with the type check and the lint first, then jest; 81 s together. The
// lint here does not fix: jest reads the sources meanwhile, and a file being rewritten under it
// could be read half-written (`npx projen eslint` fixes).
{
  const jest = project.testTask.steps.find((s) => s.execArgs?.[0] === 'jest');
  if (!jest?.execArgs || !project.testTask.steps.some((s) => s.spawn === 'eslint')) throw new Error('.projenrc.ts: the test task no longer spawns eslint and runs jest');
  project.testTask.reset();
  // as an argument list: the arguments the task is given (for jest) are quoted, not read by a shell
  project.testTask.execArgs(['ts-node', '--transpile-only', '--project', 'projenrc/tsconfig.json', 'projenrc/parallel-tasks.ts', 'check', '--', ...jest.execArgs], {
    name: 'type check and lint while jest runs',
    receiveArgs: true,
  });
}

// jest never indexes the README's examples the type check writes meanwhile (test/docs/readme-snippets/)
project.package.file.addOverride('jest.modulePathIgnorePatterns', ['<rootDir>/test/docs/readme-snippets/']);

project.addTask('test:files', {
  description: 'Run *.test.ts files one by one, each in its own module registry (not as directory suites): `npx projen test:files <path pattern>...`',
  steps: [{ exec: "jest --testMatch '<rootDir>/test/**/*.test.ts'", receiveArgs: true }],
});

// `npm install`, not `npm ci`: the registry mirror this project builds against
// lacks some other-platform optional packages, so strict lockfile installs fail.
project.tasks.tryFind('install:ci')?.reset('npm install');

// Regenerate the L1 bindings in imports/ from the CRDs vendored in imports/crds. The projenrc
// scripts run transpile-only, as the check task's own: `npx projen check` type-checks them.
project.addTask('import', {
  description: 'Regenerate imports/*.ts from the vendored CRDs (imports/crds) with cdk8s import',
  exec: 'ts-node --transpile-only --project projenrc/tsconfig.json projenrc/import-crds.ts',
});

// Regenerate the CRD schema catalogue the shipped validator reads (imports/schemas).
project.addTask('schemas', {
  description: 'Regenerate imports/schemas (validation schemas of the vendored CRDs, shipped with the package)',
  exec: 'ts-node --transpile-only --project projenrc/tsconfig.json projenrc/crd-schemas.ts',
});

// Compile every CRD version's validator into the package (lib/src/analysis/schema/validators),
// so that an app's first synthesis compiles none (src/analysis/schema/compiled-schemas).
project.compileTask.exec('node -e "require(\'./lib/src/analysis/schema/compiled-schemas.js\').ShippedValidators.write()"', {
  name: 'compile the CRD validators into lib',
});

// Regenerate the analyzer's message catalogue from Istio's vendored messages.json.
project.addTask('messages', {
  description: 'Regenerate src/analysis/messages.generated.ts from test/fixtures/istioctl-analyze/messages.json',
  exec: 'ts-node --project projenrc/tsconfig.json projenrc/message-catalogue.ts',
});

// API.md documents the library's own constructs; the generated L1 bindings stay
// importable as namespaces (networking_istio_io, ...) but out of the reference.
project.tasks.tryFind('docgen')?.reset('jsii-docgen -o API.md --submodule root');

// README command 1: build the library and synthesize the Bookinfo example with it.
const synthBookinfo = project.addTask('synth:bookinfo', {
  description: 'Compile the library and synthesize examples/bookinfo into examples/bookinfo/dist',
});
synthBookinfo.spawn(project.compileTask);
synthBookinfo.exec('cdk8s synth --no-check-upgrade', { cwd: 'examples/bookinfo' });
// ... and draw the mesh it declares: dist/mesh.svg, and dist/mesh.md (Mermaid and the matrix).
const drawMesh = (task: typeof synthBookinfo, dir: string) => {
  task.exec(`node lib/src/analysis/cli.js graph --format svg --out ${dir}/dist/mesh.svg ${dir}/dist`);
  task.exec(`node lib/src/analysis/cli.js graph --format markdown --out ${dir}/dist/mesh.md ${dir}/dist`);
};
drawMesh(synthBookinfo, 'examples/bookinfo');

// The second example app: Online Boutique.
const synthBoutique = project.addTask('synth:online-boutique', {
  description: 'Compile the library and synthesize examples/online-boutique into examples/online-boutique/dist',
});
synthBoutique.spawn(project.compileTask);
synthBoutique.exec('cdk8s synth --no-check-upgrade', { cwd: 'examples/online-boutique' });
drawMesh(synthBoutique, 'examples/online-boutique');

// The synthesis benchmark (issue #14): the library against hand-written cdk8s-plus, raw
// ApiObjects and the YAML floor, plus the analysis alone, each in a fresh process; writes
// bench/RESULTS.md. (It replaced bench:synth and bench:analysis.)
const bench = project.addTask('bench', {
  description: 'Benchmark synthesis four ways (library, hand-written cdk8s-plus, raw ApiObjects, plain YAML) and the analysis alone at N = 100, 1,000, 5,000; writes bench/RESULTS.md',
});
bench.spawn(project.compileTask);
bench.exec('ts-node --transpile-only --project test/tsconfig.json test/bench/mesh.bench.ts');

// Other benchmarks (measurements, not tests).
project.addTask('bench:bookinfo', {
  description: 'Benchmark `cdk8s synth` of the Bookinfo example with the synth-time schema validation on and off (needs compile)',
  exec: 'ts-node --transpile-only --project test/tsconfig.json test/bench/bookinfo.bench.ts',
});

project.addTask('bench:cli', {
  description: 'Benchmark the analyzer CLI on one file of 100k and 1M documents: time and peak memory (needs compile)',
  exec: 'ts-node --transpile-only --project test/tsconfig.json test/bench/cli.bench.ts',
});

project.addTask('bench:authz', {
  description: 'Benchmark the full access matrix and the mesh picture of generated meshes of 250 to 2,000 Services',
  exec: 'ts-node --transpile-only --project test/tsconfig.json test/bench/authz.bench.ts',
});


project.synth();
