import PQueue from 'p-queue';

export interface ConnectorQueueOptions {
  /** Requests in flight at once, across every caller sharing the queue. */
  concurrency: number;
  /** At most this many request starts per `intervalMs`. */
  intervalCap?: number;
  /** Length of the rate-limit window, in milliseconds. */
  intervalMs?: number;
}

/**
 * A p-queue for one product's limits, shared by all its callers. Every attempt of every request
 * (retries included) passes through it. With an interval it uses p-queue's `strict` sliding
 * window, so no burst of 2 x intervalCap can straddle a window edge.
 */
export function createConnectorQueue(options: ConnectorQueueOptions): PQueue {
  const { concurrency, intervalCap, intervalMs } = options;
  if (intervalCap !== undefined && intervalMs !== undefined && intervalMs > 0) {
    return new PQueue({ concurrency, intervalCap, interval: intervalMs, strict: true });
  }
  return new PQueue({ concurrency });
}
