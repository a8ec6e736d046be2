// Jest globalSetup: a test run's temporary files go under a directory of the run's own, removed
// when the run's process exits. cdk8s's `Testing.app()` makes an output directory in the
// system's temporary directory for every app and never removes it: about 4,900 per run of the
// suite, which piled up by the million on the project's machine. The test workers, and the
// processes tests start with the environment they were given, inherit TMPDIR, so whatever they
// put in the temporary directory lands there too. A run stopped before it could clean up (killed,
// Ctrl-C) leaves its directory behind: the next run removes it.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The environment variable naming the run's directory (set for its workers and their processes). */
export const RUN_TMPDIR_ENV = 'CDK8S_ISTIO_TEST_TMPDIR';

/** Where runs keep their directories: `<temporary directory>/cdk8s-istio-jest`. */
export function runsDir(base: string = os.tmpdir()): string {
  return path.join(base, 'cdk8s-istio-jest');
}

/** True while the process `pid` runs (another user's process counts as running). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the directories, in `runs`, of runs whose process no longer runs (a directory is
 * named `<pid>-<random>` after the process that made it); other entries are left alone.
 * @returns the names of the directories removed
 */
export function removeStaleRuns(runs: string): string[] {
  if (!fs.existsSync(runs)) return [];
  const removed: string[] = [];
  for (const name of fs.readdirSync(runs)) {
    const pid = Number(/^(\d+)-/.exec(name)?.[1]);
    if (!Number.isSafeInteger(pid) || pid <= 0 || isRunning(pid)) continue;
    try {
      fs.rmSync(path.join(runs, name), { recursive: true, force: true });
      removed.push(name);
    } catch {
      // another user's (a shared temporary directory): theirs to remove
    }
  }
  return removed;
}

/**
 * Makes the run's temporary directory and points TMPDIR at it, unless this process already has
 * one (a watch-mode re-run) or inherited one (jest run by a test: its files go with its parent's).
 * When the directory cannot be made (`base` not writable), the run uses `base` as before.
 * @returns the run's directory
 */
export function useRunTmpdir(base: string = os.tmpdir()): string {
  const inherited = process.env[RUN_TMPDIR_ENV];
  if (inherited && fs.existsSync(inherited)) return inherited;
  const runs = runsDir(base);
  let dir: string;
  try {
    fs.mkdirSync(runs, { recursive: true });
    removeStaleRuns(runs);
    dir = fs.mkdtempSync(path.join(runs, `${process.pid}-`));
  } catch {
    return base;
  }
  process.env[RUN_TMPDIR_ENV] = dir;
  process.env.TMPDIR = dir;
  process.once('exit', () => {
    try {
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
    } catch {
      // left for the next run to remove (a test's process still holding a file in it, ...)
    }
  });
  return dir;
}

export default function globalSetup(): void {
  useRunTmpdir();
}
