// test/support/*.test.ts as one jest test file (see test/support/suite.ts)
import { runTestFiles } from './suite';

runTestFiles(__dirname);
