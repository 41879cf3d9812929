import { randomUUID } from 'node:crypto';
import { DefenseClawError } from '../../core/errors/index.js';
import type { AuditRecord } from '../audit-entry.js';
import { toJsonRecord } from './json-record.js';

export interface HecEnvelopeOptions {
  host: string;
  index?: string;
  source?: string;
  sourcetype?: string;
}

/** One HEC event envelope: epoch-second time, metadata, the record as the event. */
export function toHecEnvelope(record: AuditRecord, options: HecEnvelopeOptions): Record<string, unknown> {
  return {
    time: Date.parse(record.time) / 1000,
    host: options.host,
    source: options.source ?? 'defenseclaw',
    sourcetype: options.sourcetype ?? 'defenseclaw:audit',
    ...(options.index === undefined ? {} : { index: options.index }),
    event: toJsonRecord(record),
  };
}

/** HEC failed: carries the HTTP status and HEC's own code, never the token. */
export class HecError extends DefenseClawError {
  readonly status: number | undefined;
  readonly hecCode: number | undefined;
  readonly sent: number;

  constructor(message: string, details: { status?: number; hecCode?: number; sent: number; cause?: unknown }) {
    super(message, { code: 'splunk_hec_failed', exitCode: 1, cause: details.cause });
    this.status = details.status;
    this.hecCode = details.hecCode;
    this.sent = details.sent;
  }
}

export interface HecSenderOptions {
  /** Collector URL; a bare base URL gets `/services/collector/event` appended. */
  url: string;
  token: string;
  fetch?: typeof fetch;
  /** Envelopes per request. */
  batchSize?: number;
  /** Bytes per request at most (a single bigger envelope goes alone): collectors cap request bodies (`max_content_length`). */
  maxBatchBytes?: number;
  /** Attempts per batch for 503 (busy), 429 and transport errors. */
  maxAttempts?: number;
  /** First backoff; doubles per attempt, with jitter. Retry-After wins when present. */
  backoffMs?: number;
  timeoutMs?: number;
  sleep?: (milliseconds: number) => Promise<void>;
}

export function collectorUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.pathname === '/' || parsed.pathname === '') parsed.pathname = '/services/collector/event';
  return parsed.toString();
}

/**
 * Sends envelopes to Splunk's HTTP Event Collector in batches (concatenated JSON objects, at
 * most `batchSize` envelopes and `maxBatchBytes` bytes each, `Authorization: Splunk <token>`).
 * A batch HEC did not accept (503 busy, 429, network error) is retried with backoff; any other
 * refusal stops the export with HecError saying how many events were accepted before it.
 */
export class HecSender {
  readonly #options: Required<Omit<HecSenderOptions, 'fetch' | 'sleep'>> & { fetch: typeof fetch; sleep: (milliseconds: number) => Promise<void> };
  /** HEC requires a channel when indexer acknowledgement is on, and accepts one when it is off. */
  readonly #channel = randomUUID();
  #buffer: string[] = [];
  #bufferBytes = 0;
  #sent = 0;
  #batches = 0;

  constructor(options: HecSenderOptions) {
    this.#options = {
      url: collectorUrl(options.url),
      token: options.token,
      fetch: options.fetch ?? globalThis.fetch,
      batchSize: options.batchSize ?? 500,
      maxBatchBytes: options.maxBatchBytes ?? 512 * 1024,
      maxAttempts: options.maxAttempts ?? 5,
      backoffMs: options.backoffMs ?? 500,
      timeoutMs: options.timeoutMs ?? 30_000,
      sleep: options.sleep ?? ((milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds))),
    };
  }

  get sent(): number {
    return this.#sent;
  }

  get batches(): number {
    return this.#batches;
  }

  async add(envelope: Record<string, unknown>): Promise<void> {
    const line = JSON.stringify(envelope);
    const bytes = Buffer.byteLength(line) + 1;
    if (this.#buffer.length > 0 && this.#bufferBytes + bytes > this.#options.maxBatchBytes) await this.flush();
    this.#buffer.push(line);
    this.#bufferBytes += bytes;
    if (this.#buffer.length >= this.#options.batchSize) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.#buffer.length === 0) return;
    const events = this.#buffer;
    this.#buffer = [];
    this.#bufferBytes = 0;
    await this.#post(events.join('\n'), events.length);
    this.#sent += events.length;
    this.#batches += 1;
  }

  async #post(body: string, count: number): Promise<void> {
    const options = this.#options;
    for (let attempt = 1; ; attempt += 1) {
      let response: Response;
      try {
        response = await options.fetch(options.url, {
          method: 'POST',
          headers: { authorization: `Splunk ${options.token}`, 'content-type': 'application/json', 'x-splunk-request-channel': this.#channel },
          body,
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (error) {
        if (attempt >= options.maxAttempts) {
          throw new HecError(`Splunk HEC unreachable at ${safeUrl(options.url)}: ${(error as Error).message}`, { sent: this.#sent, cause: error });
        }
        await options.sleep(this.#backoff(attempt));
        continue;
      }
      const text = await response.text();
      const reply = parseReply(text);
      if (response.ok && (reply?.code === undefined || reply.code === 0)) return;
      // Only explicit back-pressure means "not accepted"; after another error some events may be indexed.
      const retryable = response.status === 503 || response.status === 429;
      if (retryable && attempt < options.maxAttempts) {
        const retryAfter = response.headers.get('retry-after');
        const seconds = retryAfter === null || retryAfter.trim() === '' ? Number.NaN : Number(retryAfter);
        await options.sleep(Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds, 300) * 1000 : this.#backoff(attempt));
        continue;
      }
      const invalid = reply?.['invalid-event-number'];
      throw new HecError(
        `Splunk HEC refused a batch of ${count} events: HTTP ${response.status}` +
          (reply?.text === undefined ? '' : ` "${reply.text}" (code ${reply.code})`) +
          (invalid === undefined ? '' : `, first bad event at index ${invalid}`) +
          `; ${this.#sent} events were accepted before it`,
        { status: response.status, hecCode: reply?.code, sent: this.#sent },
      );
    }
  }

  #backoff(attempt: number): number {
    const base = this.#options.backoffMs * 2 ** (attempt - 1);
    return Math.round(base / 2 + Math.random() * (base / 2));
  }
}

function parseReply(text: string): { text?: string; code?: number; 'invalid-event-number'?: number } | undefined {
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed !== null && typeof parsed === 'object' ? (parsed as { text?: string; code?: number }) : undefined;
  } catch {
    return undefined;
  }
}

/** The URL without credentials or query (a `?token=` must never reach a message). */
function safeUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}
