import { z } from 'zod';

/** A fault to inject: POST /__lab/faults with this JSON. */
export const faultSchema = z.strictObject({
  /** Product name (e.g. secure_endpoint) as listed by GET /__lab. */
  product: z.string().min(1),
  /** Path prefix below the product prefix (e.g. /v1/computers); all paths when absent. */
  path: z.string().optional(),
  method: z.string().optional(),
  /** Answer with this status (and the product's own error envelope) instead of the simulator. */
  status: z.number().int().min(100).max(599).optional(),
  /** Retry-After header, seconds. */
  retryAfter: z.number().nonnegative().optional(),
  /** Round-trip delay: half before the simulator (or the injected status) runs, half before the answer leaves. */
  latencyMs: z.number().int().nonnegative().max(600_000).optional(),
  /** Never answer. */
  hang: z.boolean().optional(),
  /** How many matching requests this fault applies to; unlimited when absent. */
  count: z.number().int().positive().optional(),
  /** Override the error body. */
  body: z.unknown().optional(),
});

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
