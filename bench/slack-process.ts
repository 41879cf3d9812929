/** Runs `slack serve` in its own process for the ack benchmark (the client is Slack, elsewhere): prints its events URL. */
import { Runtime } from '../src/app/runtime.js';
import { serveSlack } from '../src/slack/slack-serve.js';

const home = process.argv[2];
if (home === undefined) throw new Error('usage: slack-process.ts <home>');
const runtime = new Runtime({ home, env: {} });
const server = await serveSlack(runtime, { port: 0, retries: 0 });
process.stdout.write(`${JSON.stringify({ eventsUrl: server.eventsUrl })}\n`);
process.once('SIGTERM', () => {
  void server.close({ drainMs: 1000 }).then((stopped) => {
    process.stdout.write(`${JSON.stringify({ jobs: server.handle.jobs.figures(), dropped: stopped.dropped })}\n`);
    runtime.close();
    process.exit(0);
  });
});
