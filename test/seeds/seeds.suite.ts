// test/seeds/*.test.ts as one jest test file (see test/support/suite.ts)
import { runTestFiles } from '../support/suite';

runTestFiles(__dirname);
