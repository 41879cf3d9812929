/**
 * One process of the scheduler's multi-process test. Usage:
 *   scheduler-tick-worker.ts <database> <go-file> <executions-log> <first-now ISO> <ticks> <step ms> <processes>
 * Opens the shared database, signals `<go-file>.ready.<pid>`, spins until `<go-file>` exists, then
 * calls `tick(now)` for now = first-now + i × step, in lockstep with the other processes: after
 * each tick it waits until all of them finished that tick, so every slot is contested by all.
 * Its handler appends "<slot> <pid>" to the log (O_APPEND: whole lines, however many processes
 * write). Prints one JSON line of its own counts.
 */
import { appendFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import pino from 'pino';
import { fixedClock } from '../../src/core/clock.js';
import { JobNotifier, Scheduler, createSmtpEmailSender } from '../../src/scheduler/index.js';
import { SchedulerRepository, openStore } from '../../src/store/index.js';

const [database, goFile, log, firstNow, ticksText, stepText, processesText] = process.argv.slice(2);
if (database === undefined || goFile === undefined || log === undefined || firstNow === undefined || ticksText === undefined || stepText === undefined || processesText === undefined) {
  process.stderr.write('usage: scheduler-tick-worker.ts <database> <go-file> <executions-log> <first-now> <ticks> <step-ms> <processes>\n');
  process.exit(2);
}
const store = openStore({ file: database });
const scheduler = new Scheduler({
  store: new SchedulerRepository(store.db),
  clock: fixedClock(firstNow),
  logger: pino({ level: 'silent' }),
  notifier: new JobNotifier({ email: createSmtpEmailSender({ port: 25, secure: false }) }),
  handlers: {
    policy: async ({ slot }) => {
      appendFileSync(log, `${slot.toISOString()} ${process.pid}\n`);
      // A run takes a little while, so the processes' ticks overlap runs in progress.
      await new Promise((resolve) => setTimeout(resolve, 3));
      return { summary: `ran ${slot.toISOString()} in ${process.pid}` };
    },
  },
});

writeFileSync(`${goFile}.ready.${process.pid}`, '');
const deadline = Date.now() + 60_000;
while (!existsSync(goFile)) {
  // Spin: a timer would add milliseconds of skew between the processes.
  if (Date.now() > deadline) throw new Error('no go signal within 60 s');
}

/** Waits until every process has finished tick `index`. */
function stepBarrier(index: number): void {
  const prefix = `${basename(goFile!)}.step.${index}.`;
  writeFileSync(`${goFile}.step.${index}.${process.pid}`, '');
  while (readdirSync(dirname(goFile!)).filter((name) => name.startsWith(prefix)).length < Number(processesText)) {
    if (Date.now() > deadline) throw new Error(`step ${index}: the other processes did not finish within 60 s`);
  }
}

const counts = { ran: 0, taken: 0, busy: 0, gone: 0, no_handler: 0 };
for (let index = 0; index < Number(ticksText); index += 1) {
  const result = await scheduler.tick(new Date(new Date(firstNow).getTime() + index * Number(stepText)));
  counts.ran += result.runs.length;
  for (const skipped of result.skipped) counts[skipped.reason] += 1;
  stepBarrier(index);
}
store.close();
process.stdout.write(`${JSON.stringify({ pid: process.pid, ...counts })}\n`);
