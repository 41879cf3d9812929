import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, type CustomRoute } from '@slack/bolt';
import type { Runtime } from '../app/runtime.js';
import type { Logger } from '../core/logger.js';
import { boltLogger } from './bolt-logger.js';
import { CommandPermissions } from './command/command-permissions.js';
import { RedeliveryGuard } from './command/redelivery-guard.js';
import type { SlackExtension } from './extensions.js';
import type { JobContext } from './jobs/job-context.js';
import { JobQueue } from './jobs/job-queue.js';
import { registerSlashCommand } from './listeners/slash-command-listener.js';
import type { SlackServices } from './slack-services.js';
import { ThreadPoster } from './thread/thread-poster.js';

/** What the bot needs from config `slack.*` (read and checked by slack-settings.ts). */
export interface SlackSettings {
  botToken: string;
  signingSecret: string;
  /** App-level token (xapp-…): Socket Mode instead of the HTTP receiver. */
  appToken?: string;
  /** Web API base URL (the lab's fake Slack); Slack's own when absent. */
  apiUrl?: string;
  approvalsChannel?: string;
  approvalsInThread: boolean;
  /** Sub-command (or `*`) → user and user-group ids. */
  permissions: Record<string, string[]>;
}

export interface SlackAppOptions {
  runtime: Runtime;
  settings: SlackSettings;
  logger: Logger;
  /** Web API retries of one call (transport errors, 5xx, 429 after Retry-After; default 2; tests 0). */
  retries?: number;
  /** Web API request timeout (default 15 s). */
  timeoutMs?: number;
  /** Jobs at once (default config agent.max_concurrent). */
  jobConcurrency?: number;
  /** Milliseconds between two messages in one channel (default 1100). */
  postIntervalMs?: number;
  /** Features that add listeners (default none; `slack serve` passes SLACK_EXTENSIONS). */
  extensions?: readonly SlackExtension[];
  /** HTTP for Bolt's Web API client and respond() (tests pass one that reaches loopback only). */
  fetch?: typeof fetch;
}

export interface SlackAppHandle {
  app: App;
  services: SlackServices;
  jobs: JobQueue;
  poster: ThreadPoster;
  mode: 'http' | 'socket';
  /** Verifies the token (auth.test), then listens (HTTP) or connects (Socket Mode). */
  start(port: number, host?: string): Promise<{ port: number | undefined }>;
  /**
   * Graceful stop: no new requests, jobs not yet started are dropped, running jobs get up to
   * `drainMs` (default 10 s) to finish; runs waiting for an approval stay parked in the database.
   */
  stop(options?: { drainMs?: number }): Promise<{ dropped: number; finishedInTime: boolean }>;
  /** Adds listeners of a feature (before start). */
  registerExtension(extension: SlackExtension): void;
  /** Resolves when no job runs or waits and every queued Slack message went out (tests). */
  onIdle(): Promise<void>;
}

/**
 * Builds the Bolt app: the HTTP receiver at `/slack/events` (commands, interactivity and events on
 * one URL) with GET `/healthz`, or Socket Mode when an app token is configured; Bolt's client
 * pointed at `apiUrl` with bounded retries; the slash command; then every extension.
 */
export function createSlackApp(options: SlackAppOptions): SlackAppHandle {
  const { runtime, settings, logger } = options;
  const jobs = new JobQueue({ concurrency: options.jobConcurrency ?? runtime.config().config.agent.max_concurrent, logger });
  const socketMode = settings.appToken !== undefined;
  const healthz: CustomRoute = {
    path: '/healthz',
    method: ['GET'],
    handler: (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ ok: true, version: runtime.version, mode: socketMode ? 'socket' : 'http', queue: jobs.figures() }));
    },
  };
  const clientOptions = {
    ...(settings.apiUrl === undefined ? {} : { slackApiUrl: settings.apiUrl }),
    // web-api's default is ten retries over ~30 minutes; a chat bot wants an answer or an error.
    retryConfig: { retries: options.retries ?? 2, factor: 2, minTimeout: 500, maxTimeout: 5_000 },
    timeout: options.timeoutMs ?? 15_000,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  };
  const app = new App({
    token: settings.botToken,
    signingSecret: settings.signingSecret,
    logger: boltLogger(logger),
    clientOptions,
    customRoutes: [healthz],
    // auth.test runs in start() (init), so a bad token fails the command instead of the first request.
    deferInitialization: true,
    ...(socketMode ? { socketMode: true, appToken: settings.appToken, installerOptions: { clientOptions } } : {}),
  });
  const services: SlackServices = {
    runtime,
    client: app.client,
    clock: runtime.clock,
    logger,
    ...(settings.approvalsChannel === undefined ? {} : { approvalsChannel: settings.approvalsChannel }),
    approvalsInThread: settings.approvalsInThread,
  };
  const poster = new ThreadPoster({ client: app.client, logger, ...(options.postIntervalMs === undefined ? {} : { intervalMs: options.postIntervalMs }) });
  const jobContext: JobContext = { runtime, poster, logger };
  const permissions = new CommandPermissions({
    rules: settings.permissions,
    clock: runtime.clock,
    groupMembers: async (group) => (await app.client.usergroups.users.list({ usergroup: group })).users ?? [],
  });
  registerSlashCommand(app, { runtime, jobs, jobContext, permissions, guard: new RedeliveryGuard({ clock: runtime.clock }), logger });

  const disposers: Array<() => void | Promise<void>> = [];
  const registerExtension = (extension: SlackExtension) => {
    const dispose = extension(app, services);
    if (typeof dispose === 'function') disposers.push(dispose);
  };
  for (const extension of options.extensions ?? []) registerExtension(extension);

  let started = false;
  return {
    app,
    services,
    jobs,
    poster,
    mode: socketMode ? 'socket' : 'http',
    registerExtension,
    async start(port, host = '127.0.0.1') {
      await app.init();
      // Open the database and build the gateway and runner now (catalog YAML, migrations): the
      // first commands would otherwise pay for it inside their 3-second ack window.
      runtime.ledger();
      runtime.runner();
      if (socketMode) {
        await app.start();
        started = true;
        return { port: undefined };
      }
      const server = (await app.start({ port, host })) as Server;
      started = true;
      return { port: (server.address() as AddressInfo).port };
    },
    async stop(stopOptions = {}) {
      if (started) {
        started = false;
        await app.stop().catch((error: unknown) => logger.warn({ err: error }, 'slack receiver did not stop cleanly'));
      }
      const drained = await jobs.close(stopOptions.drainMs ?? 10_000);
      for (const dispose of disposers.splice(0).reverse()) {
        try {
          await dispose();
        } catch (error) {
          logger.warn({ err: error }, 'a slack extension did not stop cleanly');
        }
      }
      return drained;
    },
    async onIdle() {
      await jobs.onIdle();
      await poster.onIdle();
    },
  };
}
