import PQueue from 'p-queue';
import type { Logger } from '../../core/logger.js';

export interface JobQueueFigures {
  /** Jobs running now. */
  running: number;
  /** Jobs accepted and waiting for a slot. */
  waiting: number;
  /** Jobs finished (either way) since start. */
  finished: number;
}

/**
 * The work slash commands hand off after their ack: at most `concurrency` jobs at once (config
 * `agent.max_concurrent`). A job never throws out of the queue; its own code reports failures in
 * Slack. `onIdle()` is what tests await instead of sleeping.
 */
export class JobQueue {
  readonly #queue: PQueue;
  readonly #logger: Logger;
  #finished = 0;
  #closed = false;

  constructor(options: { concurrency: number; logger: Logger }) {
    this.#queue = new PQueue({ concurrency: options.concurrency });
    this.#logger = options.logger;
  }

  /** Accepts a job; false when the queue no longer takes work (shutting down). */
  add(name: string, job: () => Promise<void>): boolean {
    if (this.#closed) return false;
    void this.#queue
      .add(async () => {
        try {
          await job();
        } catch (error) {
          this.#logger.error({ err: error, job: name }, 'slack job failed');
        } finally {
          this.#finished += 1;
        }
      })
      .catch((error: unknown) => this.#logger.error({ err: error, job: name }, 'slack job could not run'));
    return true;
  }

  figures(): JobQueueFigures {
    return { running: this.#queue.pending, waiting: this.#queue.size, finished: this.#finished };
  }

  /** Resolves when no job is running or waiting. */
  onIdle(): Promise<void> {
    return this.#queue.onIdle();
  }

  /**
   * Stops taking jobs, drops those that have not started, and waits up to `timeoutMs` for the
   * running ones. Returns how many were dropped and whether the running ones finished in time.
   */
  async close(timeoutMs: number): Promise<{ dropped: number; finishedInTime: boolean }> {
    this.#closed = true;
    const dropped = this.#queue.size;
    this.#queue.clear();
    let timer: NodeJS.Timeout | undefined;
    const finishedInTime = await Promise.race([
      this.#queue.onIdle().then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    return { dropped, finishedInTime };
  }
}
