// Jest runtime (config `runtime`, plain JavaScript: jest requires it untransformed) that spares
// each test file work jest's own runtime repeats for every one of them:
// - V8 precise coverage runs for the life of a test worker instead of being started and stopped
//   for every test file (collect-v8-coverage). Each start makes V8 walk the worker's heap, which
//   grows with every test file the worker ran; a take returns the counts since the previous take
//   and resets them, so each file still reports the code it ran, and the merged report covers
//   exactly the same lines (compared statement by statement on the whole suite).
// - A file's transformed code goes to the coverage reporter once per worker, not with every test
//   file's coverage (the reporter keeps the first it receives).
// - Source files are read once per worker, not once per test file.
'use strict';
const fs = require('fs');
const path = require('path');
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

// Files whose transformed code this worker process has already sent with a test file's coverage.
// The coverage reporter keeps only the first transformed code it receives for each file, and every
// test file that loads the library would otherwise send all of it again (its original and
// transformed source, megabytes per test file) through the worker's IPC channel.
const sentTransforms = new Set();

// Source text of the files test files load, kept for the life of the worker process: jest reads
// every module again for each test file (its file cache lives as long as one test file's
// runtime). A file's text is reused while its size and modification time are unchanged; files
// of installed packages are read once.
const sources = new Map();
const INSTALLED = `${path.sep}node_modules${path.sep}`;
function readShared(filename, read) {
  const known = sources.get(filename);
  if (known && filename.includes(INSTALLED)) return known.text;
  let stat;
  try {
    stat = fs.statSync(filename);
  } catch {
    return read(filename); // jest reports the error
  }
  if (known && known.size === stat.size && known.mtimeMs === stat.mtimeMs) return known.text;
  const text = read(filename);
  sources.set(filename, { size: stat.size, mtimeMs: stat.mtimeMs, text });
  return text;
}

class WorkerRuntime extends JestRuntime {
  constructor(...args) {
    super(...args);
    const files = this.fileCache;
    if (files && typeof files.readFile === 'function') {
      const read = files.readFile.bind(files);
      files.readFile = (filename) => readShared(filename, read);
    }
  }

  getAllV8CoverageInfoCopy() {
    const coverage = super.getAllV8CoverageInfoCopy();
    return coverage.map((entry) => {
      if (!entry.codeTransformResult) return entry;
      if (sentTransforms.has(entry.result.url)) return { result: entry.result };
      sentTransforms.add(entry.result.url);
      return entry;
    });
  }

  async collectV8Coverage() {
    const collector = this.v8Coverage;
    collector.instrumenter = new SharedInstrumenter();
    collector.sources = new Map();
    await collector.instrumenter.startInstrumenting();
  }
}

module.exports = WorkerRuntime;
module.exports.default = WorkerRuntime;
