// test/analysis/graph/*.test.ts as one jest test file (see test/support/suite.ts)
/* eslint-disable @typescript-eslint/no-require-imports */
import { runTestFiles } from '../../support/suite';

runTestFiles(__dirname, {
  'graph-cli.test.ts': () => require('./graph-cli.test'),
  'mesh-graph.test.ts': () => require('./mesh-graph.test'),
});
