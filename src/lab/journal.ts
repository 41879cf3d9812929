import { createHash } from 'node:crypto';

export interface JournalEntry {
  seq: number;
  product: string;
  method: string;
  /** Path as received, without the query string. */
  path: string;
  /** The query string (without '?'), empty when none. */
  query: string;
  time: string;
  status: number;
  /** SHA-256 of the request body, or null when it had none. */
  bodyDigest: string | null;
  durationMs: number;
  /** The fault that answered instead of the simulator, if any. */
  faultId?: string;
}

/** Every request the lab received, in order: tests assert on it (e.g. a POST sent exactly once). */
export class Journal {
  readonly #entries: JournalEntry[] = [];
  #seq = 0;

  record(entry: Omit<JournalEntry, 'seq'>): JournalEntry {
    const full = { seq: (this.#seq += 1), ...entry };
    this.#entries.push(full);
    if (this.#entries.length > 50_000) this.#entries.shift();
    return full;
  }

  list(filter: { product?: string; method?: string; path?: string } = {}): JournalEntry[] {
    return this.#entries.filter(
      (entry) =>
        (filter.product === undefined || entry.product === filter.product) &&
        (filter.method === undefined || entry.method === filter.method.toUpperCase()) &&
        (filter.path === undefined || entry.path.includes(filter.path)),
    );
  }

  clear(): void {
    this.#entries.length = 0;
  }
}

export function bodyDigest(body: string): string | null {
  return body === '' ? null : createHash('sha256').update(body).digest('hex');
}
