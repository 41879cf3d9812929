import type { Clock } from '../core/clock.js';
import { FixedWindowLimiter } from './rate-limiter.js';
import type { LabHost, LabWorld } from './scenario/index.js';
import { TokenIssuer } from './token-issuer.js';

export type InventoryPhase = 'baseline' | 'current';

/** What every simulator shares: the world, the clock, tokens and rate-limit windows, mutable state. */
export class LabContext {
  inventoryPhase: InventoryPhase = 'current';
  readonly #tokens = new Map<string, TokenIssuer>();
  readonly #limiters = new Map<string, FixedWindowLimiter>();
  /** Per-product mutable state (isolations, containment, lists, incidents…), keyed by product. */
  readonly #state = new Map<string, unknown>();

  constructor(
    readonly world: LabWorld,
    readonly clock: Clock,
    /** When set, every product's tokens live this long instead of the product's real lifetime. */
    readonly tokenTtlOverrideSeconds?: number,
  ) {}

  /** The inventory as it stands in the current phase. */
  hosts(): LabHost[] {
    return this.inventoryPhase === 'current' ? this.world.inventory.current : this.world.inventory.baseline;
  }

  host(hostname: string): LabHost | undefined {
    const name = hostname.toLowerCase().split('.')[0];
    return this.hosts().find((host) => host.hostname === name);
  }

  /** The token issuer of a product (created with the product's real token lifetime). */
  tokens(product: string, realTtlSeconds: number): TokenIssuer {
    let issuer = this.#tokens.get(product);
    if (issuer === undefined) {
      issuer = new TokenIssuer(this.clock, this.tokenTtlOverrideSeconds ?? realTtlSeconds);
      this.#tokens.set(product, issuer);
    }
    return issuer;
  }

  /** Expires the tokens of one product, or of all when product is undefined. */
  expireTokens(product?: string): number {
    let count = 0;
    for (const [name, issuer] of this.#tokens) if (product === undefined || product === name) count += issuer.expireAll();
    return count;
  }

  limiter(product: string, limit: number, windowMs: number): FixedWindowLimiter {
    let limiter = this.#limiters.get(product);
    if (limiter === undefined) {
      limiter = new FixedWindowLimiter(this.clock, limit, windowMs);
      this.#limiters.set(product, limiter);
    }
    return limiter;
  }

  /** Mutable state of a product, created on first use. */
  state<T>(product: string, create: () => T): T {
    if (!this.#state.has(product)) this.#state.set(product, create());
    return this.#state.get(product) as T;
  }
}
