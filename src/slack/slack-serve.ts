import type { Runtime } from '../app/runtime.js';
import { DefenseClawError } from '../core/errors/index.js';
import { ensureBotJobs, type Scheduler } from '../scheduler/index.js';
import { runDigestOnce } from './digest/index.js';
import { postMessageWithinRateLimit } from './digest/post-message.js';
import type { SlackExtension } from './extensions.js';
import { createSlackApp, type SlackAppHandle } from './slack-app.js';
import { slackSettings } from './slack-settings.js';

export interface ServeSlackOptions {
  /** Port of the HTTP receiver (0 picks a free one; default config slack.port). */
  port?: number;
  /** Address to listen on (default loopback: put a TLS proxy in front, or pass 0.0.0.0). */
  host?: string;
  extensions?: readonly SlackExtension[];
  /** Web API retries (default 2; tests 0). */
  retries?: number;
  postIntervalMs?: number;
  fetch?: typeof fetch;
  /** Milliseconds between scheduler ticks while the bot runs (default 30 s). */
  schedulerIntervalMs?: number;
}

export interface SlackServer {
  handle: SlackAppHandle;
  mode: 'http' | 'socket';
  /** `http://host:port` of the HTTP receiver (HTTP mode). */
  url?: string;
  port?: number;
  /** The Request URL to give Slack (commands, interactivity, events). */
  eventsUrl?: string;
  close(options?: { drainMs?: number }): Promise<{ dropped: number; finishedInTime: boolean }>;
}

/** What `defenseclaw slack serve` runs: reads config, builds the app, verifies the token, listens. */
export async function serveSlack(runtime: Runtime, options: ServeSlackOptions = {}): Promise<SlackServer> {
  const settings = slackSettings(runtime);
  const logger = runtime.logger().child({ component: 'slack' });
  const handle = createSlackApp({
    runtime,
    settings,
    logger,
    ...(options.extensions === undefined ? {} : { extensions: options.extensions }),
    ...(options.retries === undefined ? {} : { retries: options.retries }),
    ...(options.postIntervalMs === undefined ? {} : { postIntervalMs: options.postIntervalMs }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
  const scheduler = prepareScheduler(runtime, handle);
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? runtime.config().config.slack.port;
  let started: { port: number | undefined };
  try {
    started = await handle.start(port, host);
  } catch (error) {
    await handle.stop({ drainMs: 0 }).catch(() => undefined);
    const detail = (error as { data?: { error?: string }; code?: string }).data?.error ?? (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new DefenseClawError(`slack serve could not start: ${detail}`, { code: 'slack_start_failed', cause: error });
  }
  logger.info({ mode: handle.mode, port: started.port ?? null }, 'slack bot started');
  scheduler.start(options.schedulerIntervalMs === undefined ? {} : { intervalMs: options.schedulerIntervalMs });
  const close = async (closeOptions: { drainMs?: number } = {}) => {
    // No new slots; the run in progress finishes (within the drain time) while Slack still answers.
    await scheduler.stop({ drainMs: closeOptions.drainMs ?? 10_000 });
    const result = await handle.stop(closeOptions);
    logger.info(result, 'slack bot stopped');
    return result;
  };
  if (started.port === undefined) return { handle, mode: handle.mode, close };
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${started.port}`;
  return { handle, mode: handle.mode, url, port: started.port, eventsUrl: `${url}/slack/events`, close };
}

/**
 * The scheduler of the bot's process: Slack notifications and the digest go through this app's
 * client; the digest (slack.digest.cron) and the inventory sweep (inventory.scan_interval) are
 * kept in line with config. Started once the bot is up.
 */
function prepareScheduler(runtime: Runtime, handle: SlackAppHandle): Scheduler {
  const { services } = handle;
  const scheduler = runtime.scheduler();
  scheduler.notifier.setSlackPoster(async (channel, text) => {
    await postMessageWithinRateLimit(services.client, { channel, text, unfurl_links: false, unfurl_media: false }, services.logger);
  });
  scheduler.setHandler('digest', async () => {
    const digest = await runDigestOnce(services);
    const { added, removed, changed } = digest.diff;
    return {
      summary: digest.first
        ? `Inventory baseline posted to ${digest.channel} (${digest.diff.totals.after} assets).`
        : `Inventory digest posted to ${digest.channel}: ${added.length} added, ${removed.length} removed, ${changed.length} changed.`,
      output: { channel: digest.channel, ts: digest.ts, first: digest.first, added: added.length, removed: removed.length, changed: changed.length, problems: digest.problems },
    };
  });
  const config = runtime.config().config;
  ensureBotJobs(scheduler, { inventoryScanInterval: config.inventory.scan_interval, digestCron: config.slack.digest.cron });
  return scheduler;
}
