// Runs projen tasks at the same time (the test task's type check and lint: each is one thread,
// and together they take the longer one's time, not the sum) and prints each task's output whole
// when it ends, in the order given, so the two never interleave. Fails when any task failed.
import { spawn } from 'child_process';

function run(task: string): Promise<{ code: number; output: Buffer }> {
  return new Promise((resolve) => {
    const child = spawn('npx', ['projen', task], { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', (e) => chunks.push(Buffer.from(`${task}: ${e.message}\n`)));
    child.on('close', (code) => resolve({ code: code ?? 1, output: Buffer.concat(chunks) }));
  });
}

async function main(tasks: string[]): Promise<number> {
  const runs = tasks.map(run);
  let failed = 0;
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
