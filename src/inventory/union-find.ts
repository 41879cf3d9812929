/**
 * Disjoint sets over record indexes 0…n-1 (union by rank, path halving), where each set carries
 * the strong identifiers of its members: a serial number and a cloud instance id. `union` refuses
 * to join two sets whose identifiers disagree, so no chain of weak evidence (a shared MAC, a
 * reused host name) can merge two machines that say they are different.
 */
export class IdentitySets {
  readonly #parent: Int32Array;
  readonly #rank: Uint8Array;
  readonly #serial: Array<string | undefined>;
  readonly #cloudId: Array<string | undefined>;

  constructor(identities: ReadonlyArray<{ serial?: string | undefined; cloudId?: string | undefined }>) {
    const size = identities.length;
    this.#parent = new Int32Array(size);
    this.#rank = new Uint8Array(size);
    this.#serial = new Array<string | undefined>(size);
    this.#cloudId = new Array<string | undefined>(size);
    for (let index = 0; index < size; index += 1) {
      this.#parent[index] = index;
      this.#serial[index] = identities[index]!.serial;
      this.#cloudId[index] = identities[index]!.cloudId;
    }
  }

  find(index: number): number {
    const parent = this.#parent;
    let current = index;
    while (parent[current] !== current) {
      parent[current] = parent[parent[current]!]!;
      current = parent[current]!;
    }
    return current;
  }

  /** Whether the sets of `a` and `b` could be one machine (no differing serial or cloud id). */
  compatible(a: number, b: number): boolean {
    const rootA = this.find(a);
    const rootB = this.find(b);
    if (rootA === rootB) return true;
    return agree(this.#serial[rootA], this.#serial[rootB]) && agree(this.#cloudId[rootA], this.#cloudId[rootB]);
  }

  /** Joins the sets of `a` and `b` unless their identifiers conflict. Returns whether they are one set now. */
  union(a: number, b: number): boolean {
    let rootA = this.find(a);
    let rootB = this.find(b);
    if (rootA === rootB) return true;
    if (!agree(this.#serial[rootA], this.#serial[rootB]) || !agree(this.#cloudId[rootA], this.#cloudId[rootB])) return false;
    if (this.#rank[rootA]! < this.#rank[rootB]!) [rootA, rootB] = [rootB, rootA];
    this.#parent[rootB] = rootA;
    if (this.#rank[rootA] === this.#rank[rootB]) this.#rank[rootA] = this.#rank[rootA]! + 1;
    this.#serial[rootA] ??= this.#serial[rootB];
    this.#cloudId[rootA] ??= this.#cloudId[rootB];
    return true;
  }
}

function agree(a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined || a === b;
}
