// Runs projen tasks at the same time as a command: the test task type-checks and lints while
// jest runs (on a 2-core machine the test task's parts together take less than one after the
// other: the lint's program build and the type check fill the gaps jest's two workers leave).
//
//   parallel-tasks.ts <task>... [-- <command> [<arg>...]]
//
// The command's output is shown as it comes; each task's output is held and printed whole once
// the command (or, without one, the task) has ended, in the order given, so outputs never
// interleave. Fails when the command or any task failed.
import { spawn } from 'child_process';

interface Done { readonly code: number; readonly output: Buffer }

/** Runs a projen task, its output held. */
function runTask(task: string): Promise<Done> {
  return new Promise((resolve) => {
    const child = spawn('npx', ['projen', task], { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', (e) => chunks.push(Buffer.from(`${task}: ${e.message}\n`)));
    child.on('close', (code) => resolve({ code: code ?? 1, output: Buffer.concat(chunks) }));
  });
}

/** Runs a command (through npx, as projen's steps do), its output shown as it comes. */
function runCommand(command: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('npx', command, { stdio: 'inherit' });
    child.on('error', (e) => {
      process.stderr.write(`parallel-tasks: ${command[0]}: ${e.message}\n`);
      resolve(1);
    });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

async function main(args: string[]): Promise<number> {
  const dash = args.indexOf('--');
  const tasks = dash < 0 ? args : args.slice(0, dash);
  const command = dash < 0 ? [] : args.slice(dash + 1);
  const runs = tasks.map(runTask);
  let failed = 0;
  if (command.length > 0) {
    const code = await runCommand(command);
    if (code !== 0) {
      failed++;
      process.stderr.write(`parallel-tasks: ${command.join(' ')} failed (exit ${code})\n`);
    }
  }
  for (const [i, done] of runs.entries()) {
    const { code, output } = await done;
    process.stdout.write(output);
    if (code !== 0) {
      failed++;
      process.stderr.write(`parallel-tasks: ${tasks[i]} failed (exit ${code})\n`);
    }
  }
  return failed === 0 ? 0 : 1;
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
