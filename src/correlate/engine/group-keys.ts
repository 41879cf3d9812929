import type { EventFields, FieldScalar } from './event.js';

/** Separates the parts of a composite key; a part holding it or the escape is escaped first. */
const KEY_SEPARATOR = '\u001f';
const KEY_ESCAPE = '\u001e';

/** Fan-out limit when several group-by fields are lists (an event is in at most this many groups). */
export const MAX_GROUP_COMBINATIONS = 64;

/**
 * Reads the key(s) of an event for a list of fields, per referenced rule (aliases make the field
 * names differ by rule). Missing, null and empty-string values mean "no key": the event is
 * skipped. A list value puts the event in one group per element. A key is its parts, one string
 * per field (`80` and `"80"` are the same part). Reuses its buffers: nothing is allocated for
 * single-valued string fields.
 */
export class GroupKeys {
  /** Parts and values of the last single-valued read; sized once, never resized. */
  private readonly scalarParts: string[];
  private readonly scalars: FieldScalar[];
  private combinations: FieldScalar[][] | undefined;
  private combinationParts: string[][] | undefined;

  constructor(private readonly fieldsByReference: readonly (readonly string[])[]) {
    const width = fieldsByReference[0]?.length ?? 0;
    this.scalarParts = new Array<string>(Math.max(1, width)).fill('');
    this.scalars = new Array<FieldScalar>(width).fill('');
  }

  /** Reads the keys of `fields` for the rule at `position`; returns how many (0 = skip the event). */
  read(position: number, fields: EventFields): number {
    const names = this.fieldsByReference[position]!;
    this.combinations = undefined;
    this.combinationParts = undefined;
    for (let index = 0; index < names.length; index += 1) {
      const value = fields[names[index]!];
      if (typeof value === 'string') {
        if (value === '') return 0;
        this.scalarParts[index] = value;
      } else if (typeof value === 'number' || typeof value === 'boolean') {
        this.scalarParts[index] = String(value);
      } else if (Array.isArray(value)) {
        return this.readCombinations(names, fields);
      } else {
        return 0;
      }
      this.scalars[index] = value;
    }
    return 1;
  }

  /**
   * The first key part of `fields` for the rule at `position`, without reading the other fields;
   * undefined when it cannot be told that cheaply (no group-by, a list value).
   */
  firstPart(position: number, fields: EventFields): string | undefined {
    const names = this.fieldsByReference[position]!;
    if (names.length === 0) return undefined;
    const value = fields[names[0]!];
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return undefined;
  }

  /** The parts of key `index` of the last read (a reused array: copy it to keep it). */
  parts(index: number): readonly string[] {
    return this.combinationParts === undefined ? this.scalarParts : this.combinationParts[index]!;
  }

  /** Key `index` of the last read as one string (for counted values). */
  key(index: number): string {
    return joinParts(this.parts(index));
  }

  /** The values behind key `index` of the last read, as a new array (kept by a new group). */
  valuesAt(index: number): FieldScalar[] {
    return this.combinations === undefined ? this.scalars.slice() : this.combinations[index]!.slice();
  }

  private readCombinations(names: readonly string[], fields: EventFields): number {
    let combinations: FieldScalar[][] = [[]];
    for (const name of names) {
      const value = fields[name];
      if (value === undefined || value === null || value === '') return 0;
      const options = Array.isArray(value) ? [...new Set(value.filter((element) => element !== ''))] : [value];
      if (options.length === 0) return 0;
      const next: FieldScalar[][] = [];
      for (const combination of combinations) {
        for (const option of options) {
          if (next.length >= MAX_GROUP_COMBINATIONS) break;
          next.push([...combination, option]);
        }
      }
      combinations = next;
    }
    this.combinations = combinations;
    this.combinationParts = combinations.map((values) => values.map(String));
    return combinations.length;
  }
}

function joinParts(parts: readonly string[]): string {
  if (parts.length === 1) return parts[0]!;
  let key = escapePart(parts[0]!);
  for (let index = 1; index < parts.length; index += 1) key = key + KEY_SEPARATOR + escapePart(parts[index]!);
  return key;
}

/** Keeps composite keys unambiguous whatever the values hold. */
function escapePart(part: string): string {
  if (part.indexOf(KEY_SEPARATOR) === -1 && part.indexOf(KEY_ESCAPE) === -1) return part;
  return part.replaceAll(KEY_ESCAPE, `${KEY_ESCAPE}e`).replaceAll(KEY_SEPARATOR, `${KEY_ESCAPE}s`);
}

/**
 * Group states by key: one Map from the joined key parts. With `indexFirstParts`, it also
 * counts groups per first part, so a runner that mostly probes for groups that are not there
 * (temporal_ordered's later steps) can rule a key out with one Map.get, before reading the
 * other fields or building the key.
 */
export class GroupTable<Group extends { readonly values: readonly FieldScalar[] }> {
  private readonly groups = new Map<string, Group>();
  private readonly firstParts: Map<string, number> | undefined;

  constructor(options: { indexFirstParts?: boolean } = {}) {
    this.firstParts = options.indexFirstParts === true ? new Map() : undefined;
  }

  get size(): number {
    return this.groups.size;
  }

  /** The key of some parts: build it once, then get, add or delete by it. */
  keyOf(parts: readonly string[]): string {
    return joinParts(parts);
  }

  /** False when no group's key starts with this part (needs `indexFirstParts`). */
  mayContain(firstPart: string): boolean {
    return this.firstParts === undefined || this.firstParts.has(firstPart);
  }

  get(key: string): Group | undefined {
    return this.groups.get(key);
  }

  /** Adds a group under a key that has none. */
  add(key: string, group: Group): void {
    this.groups.set(key, group);
    if (this.firstParts !== undefined) {
      const part = String(group.values[0] ?? '');
      this.firstParts.set(part, (this.firstParts.get(part) ?? 0) + 1);
    }
  }

  delete(key: string): void {
    const group = this.groups.get(key);
    if (group === undefined) return;
    this.groups.delete(key);
    this.forgetFirstPart(group);
  }

  /** Removes every group `expired` says is over (it may also act on it, e.g. close a window). */
  sweep(expired: (group: Group) => boolean): void {
    this.groups.forEach((group, key) => {
      if (!expired(group)) return;
      this.groups.delete(key);
      this.forgetFirstPart(group);
    });
  }

  clear(): void {
    this.groups.clear();
    this.firstParts?.clear();
  }

  private forgetFirstPart(group: Group): void {
    if (this.firstParts === undefined) return;
    const part = String(group.values[0] ?? '');
    const count = this.firstParts.get(part)! - 1;
    if (count === 0) this.firstParts.delete(part);
    else this.firstParts.set(part, count);
  }
}
