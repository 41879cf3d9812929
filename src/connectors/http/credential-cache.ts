/**
 * One credential (token, session) at a time: served while `isFresh` says so; concurrent callers
 * share one fetch; `invalidate()` drops it, and a fetch started before the invalidation cannot
 * put its (now suspect) result back. `fetch` gets the previous value (for refresh flows).
 */
export class CredentialCache<T> {
  #value: T | undefined;
  #inFlight: Promise<T> | undefined;
  #generation = 0;

  constructor(
    private readonly fetch: (previous: T | undefined) => Promise<T>,
    private readonly isFresh: (value: T) => boolean = () => true,
  ) {}

  get(): Promise<T> {
    if (this.#value !== undefined && this.isFresh(this.#value)) return Promise.resolve(this.#value);
    if (this.#inFlight === undefined) {
      const started = this.#generation;
      const flight = this.fetch(this.#value).then((value) => {
        if (started === this.#generation) this.#value = value;
        return value;
      });
      this.#inFlight = flight;
      const clear = () => {
        if (this.#inFlight === flight) this.#inFlight = undefined;
      };
      flight.then(clear, clear);
    }
    return this.#inFlight;
  }

  /** The cached value without fetching (may be stale or undefined). */
  peek(): T | undefined {
    return this.#value;
  }

  invalidate(): void {
    this.#generation += 1;
    this.#value = undefined;
    this.#inFlight = undefined;
  }
}
