// Jest runtime (config `runtime`, plain JavaScript: jest requires it untransformed) that keeps V8
// precise coverage running for the life of a test worker instead of starting and stopping it for
// every test file, as jest's own runtime does (collect-v8-coverage). Each start makes V8 walk the
// worker's heap, which grows with every test file the worker ran; a take returns the counts since
// the previous take and resets them, so each file still reports the code it ran, and the merged
// report covers exactly the same lines (compared statement by statement on the whole suite).
'use strict';
const { Session } = require('inspector');
const { promisify } = require('util');
const JestRuntime = require('jest-runtime').default;

/** One inspector session per worker process, precise coverage started once. */
let shared;
function coverageSession() {
  if (!shared) {
    const session = new Session();
    session.connect();
    const post = promisify(session.post.bind(session));
    const ready = (async () => {
      await post('Profiler.enable');
      await post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
    })();
    shared = { post, ready, seen: new Set() };
  }
  return shared;
}

const untouched = (script) => script.functions.every((f) => f.ranges.every((r) => r.count === 0));

/** Stands in for collect-v8-coverage's instrumenter: each take returns the counts since the last. */
class SharedInstrumenter {
  async startInstrumenting() {
    await coverageSession().ready;
  }
  async stopInstrumenting() {
    const s = coverageSession();
    const { result } = await s.post('Profiler.takePreciseCoverage');
    // scripts of earlier test files (still in the heap) that ran nothing since the last take
    const fresh = result.filter((script) => !(s.seen.has(script.scriptId) && untouched(script)));
    for (const script of result) s.seen.add(script.scriptId);
    return fresh;
  }
}

class CoverageRuntime extends JestRuntime {
  async collectV8Coverage() {
    const collector = this.v8Coverage;
    collector.instrumenter = new SharedInstrumenter();
    collector.sources = new Map();
    await collector.instrumenter.startInstrumenting();
  }
}

module.exports = CoverageRuntime;
module.exports.default = CoverageRuntime;
