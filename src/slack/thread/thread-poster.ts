import PQueue from 'p-queue';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../core/logger.js';
import { progressMessage } from '../blocks/job-message-blocks.js';
import type { SlackMessage } from '../blocks/slack-message.js';

/** A thread: the channel and the `ts` of its root message. */
export interface ThreadRef {
  channel: string;
  ts: string;
}

export interface ThreadPosterOptions {
  client: WebClient;
  logger: Logger;
  /**
   * Minimum milliseconds between two messages posted in one channel (Slack allows about one
   * message per second per channel; default 1100). 0 turns our own limit off (tests of the 429 path).
   */
  intervalMs?: number;
  /** Attempts of one call when Slack answers 429 (default 5). */
  rateLimitAttempts?: number;
  /** Waits (tests may pass a faster one). */
  sleep?: (milliseconds: number) => Promise<void>;
}

const defaultSleep = (milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

/**
 * Posts a job's messages: a root message in the channel and everything else in its thread. One
 * strict sliding-window queue per channel keeps to Slack's ~1 message/s; updates of a message go
 * through a second per-channel queue (chat.update has its own, larger allowance). A 429 that
 * reaches us (web-api retries 429s itself; this is the backstop when its retries are spent) is
 * waited out for Retry-After, for that channel only, and the call is made again.
 */
export class ThreadPoster {
  readonly #options: ThreadPosterOptions;
  readonly #postQueues = new Map<string, PQueue>();
  readonly #updateQueues = new Map<string, PQueue>();
  readonly #sleep: (milliseconds: number) => Promise<void>;

  constructor(options: ThreadPosterOptions) {
    this.#options = options;
    this.#sleep = options.sleep ?? defaultSleep;
  }

  /** Posts the root message of a thread. */
  async postRoot(channel: string, message: SlackMessage): Promise<ThreadRef> {
    const response = await this.#enqueue(this.#postQueues, channel, () => this.#options.client.chat.postMessage({ channel, text: message.text, blocks: message.blocks }));
    if (response.ts === undefined) throw new Error('chat.postMessage returned no ts');
    return { channel: response.channel ?? channel, ts: response.ts };
  }

  /** Posts a message in the thread; returns its ts. */
  async reply(thread: ThreadRef, message: SlackMessage): Promise<string> {
    const response = await this.#enqueue(this.#postQueues, thread.channel, () =>
      this.#options.client.chat.postMessage({ channel: thread.channel, thread_ts: thread.ts, text: message.text, blocks: message.blocks }),
    );
    return response.ts ?? '';
  }

  /** Replaces a message the bot posted; `build` runs when the update is sent, so it sends the latest state. */
  async update(channel: string, ts: string, build: () => SlackMessage): Promise<void> {
    await this.#enqueue(this.#updateQueues, channel, () => {
      const message = build();
      return this.#options.client.chat.update({ channel, ts, text: message.text, blocks: message.blocks });
    });
  }

  /** Uploads a JSON document into the thread (files.uploadV2). */
  async uploadJson(thread: ThreadRef, file: { filename: string; title: string; comment: string; data: unknown }): Promise<void> {
    await this.uploadFile(thread, { filename: file.filename, title: file.title, comment: file.comment, content: `${JSON.stringify(file.data, null, 2)}\n` });
  }

  /** Uploads a text document (an HTML report, …) into the thread (files.uploadV2); the type follows the file name. */
  async uploadFile(thread: ThreadRef, file: { filename: string; title: string; comment: string; content: string }): Promise<void> {
    await this.#enqueue(this.#postQueues, thread.channel, () =>
      this.#options.client.files.uploadV2({ channel_id: thread.channel, thread_ts: thread.ts, filename: file.filename, title: file.title, content: file.content, initial_comment: file.comment }),
    );
  }

  /** A progress message in the thread that many events update in place (coalesced). */
  progress(thread: ThreadRef): ProgressReporter {
    return new ProgressReporter(this, thread, this.#options.logger);
  }

  /** Resolves when nothing is queued or being sent. */
  async onIdle(): Promise<void> {
    await Promise.all([...this.#postQueues.values(), ...this.#updateQueues.values()].map((queue) => queue.onIdle()));
  }

  #queue(queues: Map<string, PQueue>, channel: string): PQueue {
    let queue = queues.get(channel);
    if (queue === undefined) {
      const intervalMs = this.#options.intervalMs ?? 1100;
      queue = intervalMs > 0 ? new PQueue({ concurrency: 1, intervalCap: 1, interval: intervalMs, strict: true }) : new PQueue({ concurrency: 1 });
      queues.set(channel, queue);
    }
    return queue;
  }

  #enqueue<T>(queues: Map<string, PQueue>, channel: string, call: () => Promise<T>): Promise<T> {
    const queue = this.#queue(queues, channel);
    return queue.add(async () => {
      const attempts = this.#options.rateLimitAttempts ?? 5;
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await call();
        } catch (error) {
          const waitMs = rateLimitWaitMs(error);
          if (waitMs === undefined || attempt >= attempts) throw error;
          this.#options.logger.warn({ channel, attempt, waitMs }, 'slack rate limited; waiting before posting again');
          // Holding the queue's only slot while waiting pauses this channel and no other.
          await this.#sleep(waitMs);
        }
      }
    }) as Promise<T>;
  }
}

/**
 * Milliseconds to wait when an error is Slack rate limiting: Retry-After from a rejected call, or
 * one second after web-api spent its own retries on 429s (it already waited Retry-After each time).
 */
export function rateLimitWaitMs(error: unknown): number | undefined {
  const coded = error as { code?: unknown; retryAfter?: unknown; message?: unknown; data?: { error?: unknown } };
  if (coded?.code === 'slack_webapi_rate_limited_error') return typeof coded.retryAfter === 'number' ? coded.retryAfter * 1000 : 1000;
  if (coded?.code === 'slack_webapi_request_error' && typeof coded.message === 'string' && /rate limit/i.test(coded.message)) return 1000;
  if (coded?.code === 'slack_webapi_platform_error' && coded.data?.error === 'ratelimited') return 1000;
  return undefined;
}

/**
 * The coalescing progress message: the first line posts it, later lines replace its content
 * through chat.update at the channel's update pace; whatever arrived meanwhile goes in one update.
 */
export class ProgressReporter {
  readonly #poster: ThreadPoster;
  readonly #thread: ThreadRef;
  readonly #logger: Logger;
  readonly #lines: string[] = [];
  #ts: string | undefined;
  #dirty = false;
  #done = false;
  #pending: Promise<void> | undefined;
  /** Messages actually sent (post + updates): a test sees that events were coalesced. */
  sends = 0;

  constructor(poster: ThreadPoster, thread: ThreadRef, logger: Logger) {
    this.#poster = poster;
    this.#thread = thread;
    this.#logger = logger;
  }

  push(line: string): void {
    this.#lines.push(line);
    this.#dirty = true;
    this.#schedule();
  }

  get lines(): readonly string[] {
    return this.#lines;
  }

  /** Marks the progress done and waits until the last state is on Slack. */
  async finish(): Promise<void> {
    this.#done = true;
    if (this.#lines.length === 0) return;
    this.#dirty = true;
    this.#schedule();
    while (this.#pending !== undefined) await this.#pending;
  }

  #schedule(): void {
    if (this.#pending !== undefined) return;
    this.#pending = this.#flush().finally(() => {
      this.#pending = undefined;
      if (this.#dirty) this.#schedule();
    });
  }

  async #flush(): Promise<void> {
    while (this.#dirty) {
      this.#dirty = false;
      const build = () => progressMessage(this.#lines, { done: this.#done });
      try {
        if (this.#ts === undefined) this.#ts = await this.#poster.reply(this.#thread, build());
        else {
          // Anything pushed while this update waited for its slot is included: the update was sent.
          await this.#poster.update(this.#thread.channel, this.#ts, () => {
            this.#dirty = false;
            return build();
          });
        }
        this.sends += 1;
      } catch (error) {
        this.#logger.warn({ err: error, channel: this.#thread.channel }, 'could not post progress to slack');
        return;
      }
    }
  }
}
