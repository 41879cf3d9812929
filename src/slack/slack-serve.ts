import type { Runtime } from '../app/runtime.js';
import { DefenseClawError } from '../core/errors/index.js';
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
  const close = async (closeOptions: { drainMs?: number } = {}) => {
    const result = await handle.stop(closeOptions);
    logger.info(result, 'slack bot stopped');
    return result;
  };
  if (started.port === undefined) return { handle, mode: handle.mode, close };
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${started.port}`;
  return { handle, mode: handle.mode, url, port: started.port, eventsUrl: `${url}/slack/events`, close };
}
