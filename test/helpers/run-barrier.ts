/**
 * A start barrier for `bin/defenseclaw.js` child processes, so several of them act at the same
 * moment. Preload it: `node --import tsx --import ./test/helpers/run-barrier.ts bin/defenseclaw.js …`
 * with DEFENSECLAW_TEST_GO_FILE set. It loads the compiled CLI (so module loading is done before
 * the barrier), creates `<go-file>.ready.<pid>`, then spins until `<go-file>` exists. Without the
 * variable it does nothing, and the binary runs exactly as shipped.
 */
import { existsSync, writeFileSync } from 'node:fs';

const goFile = process.env.DEFENSECLAW_TEST_GO_FILE;
if (goFile !== undefined && goFile !== '') {
  await import(new URL('../../dist/cli/main.js', import.meta.url).href);
  writeFileSync(`${goFile}.ready.${process.pid}`, '');
  const deadline = Date.now() + 60_000;
  while (!existsSync(goFile)) {
    // Spin: a timer would add milliseconds of skew between the processes.
    if (Date.now() > deadline) throw new Error('run-barrier: no go signal within 60 s');
  }
}
