import { z } from 'zod';

/** Other spellings a chaos script may use for a field (`retry_after`, `Retry-After`, `latency`…), renamed before validation. */
const FIELD_ALIASES: Record<string, string> = {
  retry_after: 'retryAfter',
  'retry-after': 'retryAfter',
  retryafter: 'retryAfter',
  retry_after_seconds: 'retryAfter',
  retryafterseconds: 'retryAfter',
  latency: 'latencyMs',
  latency_ms: 'latencyMs',
  latencyms: 'latencyMs',
  delay_ms: 'latencyMs',
  delayms: 'latencyMs',
  times: 'count',
};

function canonicalFields(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) out[FIELD_ALIASES[key.toLowerCase()] ?? key] = field;
  return out;
}

/** A fault to inject: POST /__lab/faults with this JSON. */
export const faultSchema = z.preprocess(
  canonicalFields,
  z.strictObject({
    /** Product as listed by GET /__lab (`secure_endpoint`); its integration name (`secure-endpoint`) or prefix (`/fmc`) also do. */
    product: z.string().min(1),
    /** Path prefix below the product prefix (e.g. /v1/computers), or the full lab path (/secure-endpoint/v1/computers); all paths when absent. */
    path: z.string().optional(),
    method: z.string().optional(),
    /** Answer with this status (and the product's own error envelope) instead of the simulator. */
    status: z.number().int().min(100).max(599).optional(),
    /** Retry-After header: delta-seconds, or an HTTP date. */
    retryAfter: z.union([z.number().nonnegative(), z.string().trim().min(1)]).optional(),
    /** Round-trip delay: half before the simulator (or the injected status) runs, half before the answer leaves. */
    latencyMs: z.number().int().nonnegative().max(600_000).optional(),
    /** Never answer. */
    hang: z.boolean().optional(),
    /** How many matching requests this fault applies to; unlimited when absent. */
    count: z.number().int().positive().optional(),
    /** Override the error body. */
    body: z.unknown().optional(),
    /** Extra response headers, on the simulator's own answer too (e.g. a `Date` hours off, for clock-skew checks). */
    headers: z.record(z.string(), z.string()).optional(),
  }),
);

export type FaultSpec = z.infer<typeof faultSchema>;
export interface Fault extends FaultSpec {
  id: string;
  /** Requests this fault has answered. */
  hits: number;
}

/** The faults currently armed. The first matching fault applies. */
export class Faults {
  readonly #faults: Fault[] = [];
  #next = 0;

  add(spec: FaultSpec): Fault {
    const fault: Fault = { ...spec, id: `fault-${(this.#next += 1)}`, hits: 0 };
    this.#faults.push(fault);
    return fault;
  }

  list(): Fault[] {
    return [...this.#faults];
  }

  clear(): void {
    this.#faults.length = 0;
  }

  /** Disarms one fault by id; false when none is armed under it. */
  remove(id: string): boolean {
    const index = this.#faults.findIndex((fault) => fault.id === id);
    if (index >= 0) this.#faults.splice(index, 1);
    return index >= 0;
  }

  /** The fault for this request, counting it as used (a fault with `count` retires when spent). */
  take(product: string, method: string, path: string): Fault | undefined {
    const index = this.#faults.findIndex(
      (fault) =>
        fault.product === product &&
        (fault.method === undefined || fault.method.toUpperCase() === method.toUpperCase()) &&
        (fault.path === undefined || path.startsWith(fault.path)),
    );
    if (index < 0) return undefined;
    const fault = this.#faults[index]!;
    fault.hits += 1;
    if (fault.count !== undefined && fault.hits >= fault.count) this.#faults.splice(index, 1);
    return fault;
  }
}

/** Seconds until a Retry-After value (delta-seconds or HTTP date) elapses, from `nowMs`; undefined when unreadable. */
export function retryAfterSeconds(value: number | string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - nowMs) / 1000));
}
