import { Command } from 'commander';
import { UsageError } from '../../core/errors/index.js';
import { SLACK_EXTENSIONS } from '../../slack/extensions.js';
import { serveSlack } from '../../slack/slack-serve.js';
import type { CommandContext } from '../context.js';
import { printNote } from '../output.js';

/** How long running jobs get to finish after SIGINT/SIGTERM. */
const SHUTDOWN_DRAIN_MS = 10_000;

/** `defenseclaw slack …`: the Slack bot. */
export function slackCommand(context: CommandContext): Command {
  const command = new Command('slack').description('the Slack bot: /defenseclaw commands, threads, approvals');

  command
    .command('serve')
    .description('run the bot (HTTP receiver at /slack/events, or Socket Mode when slack.app_token is set); prints one JSON line, runs until SIGINT/SIGTERM')
    .option('--port <port>', 'port of the HTTP receiver (0 picks a free one; default config slack.port)')
    .option('--host <host>', 'address to listen on (default loopback; 0.0.0.0 in a container)', '127.0.0.1')
    .option('--json', 'print only the JSON line (no note on stderr)')
    .action(async (options: { port?: string; host: string; json?: boolean }) => {
      let port: number | undefined;
      if (options.port !== undefined) {
        port = Number(options.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: "${options.port}" is not a port number (0-65535)`);
      }
      const runtime = context.runtime();
      const server = await serveSlack(runtime, { host: options.host, extensions: SLACK_EXTENSIONS, ...(port === undefined ? {} : { port }) });
      context.io.stdout.write(
        `${JSON.stringify({ mode: server.mode, url: server.url ?? null, port: server.port ?? null, events_url: server.eventsUrl ?? null, healthz: server.url === undefined ? null : `${server.url}/healthz`, version: runtime.version })}\n`,
      );
      if (options.json !== true) printNote(context.io, server.mode === 'socket' ? 'slack bot connected in Socket Mode (Ctrl-C to stop)' : `slack bot listening on ${server.eventsUrl} (Ctrl-C to stop)`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      const result = await server.close({ drainMs: SHUTDOWN_DRAIN_MS });
      if (options.json !== true) printNote(context.io, `slack bot stopped${result.dropped > 0 ? `; ${result.dropped} job(s) not started were dropped` : ''}${result.finishedInTime ? '' : '; some jobs were still running (their runs resume from the database)'}`);
    });

  return command;
}
