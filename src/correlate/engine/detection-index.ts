import type { CompiledDetection } from './compile-detection.js';
import type { EventFields } from './event.js';

/** Rules that apply to one combination of event logsource values. */
interface Bucket {
  /** Rules without witnesses: tested on every event of the bucket (ordinals, ascending). */
  always: number[];
  /** Witness fields, and per field: lower-cased value → rule ordinals. */
  witnessFields: string[];
  witnessValues: Array<Map<string, number[]>>;
}

const LOGSOURCE_FIELDS = ['logsource.category', 'logsource.product', 'logsource.service'] as const;

/**
 * Finds the detection rules an event matches, testing few: rules are routed by the event's
 * `logsource.*` fields (a rule's logsource key constrains only events that carry that field),
 * then by witnesses (a value the event must hold for the rule to match). Buckets are built per
 * distinct logsource combination on first sight and kept.
 */
export class DetectionIndex {
  private readonly buckets = new Map<string, Map<string, Map<string, Bucket>>>();
  /** Per logsource key, the values some rule names: other event values share one bucket. */
  private readonly knownValues: ReadonlyArray<ReadonlySet<string>>;
  /** Per rule ordinal, the last event stamp it was tested on (no double tests, no allocation). */
  private readonly testedAt: Uint32Array;
  private stamp = 0;

  constructor(private readonly detections: readonly CompiledDetection[]) {
    this.testedAt = new Uint32Array(detections.length);
    this.knownValues = (['category', 'product', 'service'] as const).map(
      (key) => new Set(detections.map((detection) => detection.logsource[key]).filter((value): value is string => value !== undefined)),
    );
  }

  /** The number of detection rules. */
  get size(): number {
    return this.detections.length;
  }

  /**
   * Writes the collection indexes of the rules `fields` matches into `out`, ascending, and
   * returns how many. `out` must hold at least `size` entries.
   */
  match(fields: EventFields, out: Int32Array): number {
    const bucket = this.bucketFor(fields);
    this.stamp = this.stamp === 0xffffffff ? 1 : this.stamp + 1;
    if (this.stamp === 1) this.testedAt.fill(0);
    const stamp = this.stamp;
    const detections = this.detections;
    let count = 0;
    for (const ordinal of bucket.always) {
      if (detections[ordinal]!.test(fields)) out[count++] = detections[ordinal]!.ruleIndex;
    }
    const witnessFields = bucket.witnessFields;
    for (let fieldIndex = 0; fieldIndex < witnessFields.length; fieldIndex += 1) {
      const value = fields[witnessFields[fieldIndex]!];
      if (value === undefined || value === null) continue;
      const values = bucket.witnessValues[fieldIndex]!;
      if (Array.isArray(value)) {
        for (const element of value) count = this.testCandidates(lookup(values, element), fields, stamp, out, count);
      } else {
        count = this.testCandidates(lookup(values, typeof value === 'string' ? value : String(value)), fields, stamp, out, count);
      }
    }
    if (count > 1) sortAscending(out, count);
    return count;
  }

  private testCandidates(candidates: number[] | undefined, fields: EventFields, stamp: number, out: Int32Array, count: number): number {
    if (candidates === undefined) return count;
    let written = count;
    for (const ordinal of candidates) {
      if (this.testedAt[ordinal] === stamp) continue;
      this.testedAt[ordinal] = stamp;
      const detection = this.detections[ordinal]!;
      if (detection.test(fields)) out[written++] = detection.ruleIndex;
    }
    return written;
  }

  private bucketFor(fields: EventFields): Bucket {
    const category = logsourceValue(fields[LOGSOURCE_FIELDS[0]], this.knownValues[0]!);
    const product = logsourceValue(fields[LOGSOURCE_FIELDS[1]], this.knownValues[1]!);
    const service = logsourceValue(fields[LOGSOURCE_FIELDS[2]], this.knownValues[2]!);
    let byProduct = this.buckets.get(category);
    if (byProduct === undefined) this.buckets.set(category, (byProduct = new Map()));
    let byService = byProduct.get(product);
    if (byService === undefined) byProduct.set(product, (byService = new Map()));
    let bucket = byService.get(service);
    if (bucket === undefined) byService.set(service, (bucket = this.buildBucket(category, product, service)));
    return bucket;
  }

  private buildBucket(category: string, product: string, service: string): Bucket {
    const bucket: Bucket = { always: [], witnessFields: [], witnessValues: [] };
    this.detections.forEach((detection, ordinal) => {
      const { logsource } = detection;
      if (!logsourceApplies(logsource.category, category) || !logsourceApplies(logsource.product, product) || !logsourceApplies(logsource.service, service)) return;
      if (detection.witnesses === undefined) {
        bucket.always.push(ordinal);
        return;
      }
      for (const { field, value } of detection.witnesses) {
        let fieldIndex = bucket.witnessFields.indexOf(field);
        if (fieldIndex === -1) {
          fieldIndex = bucket.witnessFields.push(field) - 1;
          bucket.witnessValues.push(new Map());
        }
        const values = bucket.witnessValues[fieldIndex]!;
        const ordinals = values.get(value);
        if (ordinals === undefined) values.set(value, [ordinal]);
        else if (!ordinals.includes(ordinal)) ordinals.push(ordinal);
      }
    });
    return bucket;
  }
}

/** Stands for any logsource value no rule names (so hostile values cannot grow the bucket map). */
const OTHER_VALUE = '\u0000other';

/**
 * The lower-cased logsource value of an event: '' when the event does not carry it, OTHER_VALUE
 * when no rule names it.
 */
function logsourceValue(value: unknown, known: ReadonlySet<string>): string {
  if (typeof value !== 'string' || value === '') return '';
  if (known.has(value)) return value;
  const lower = value.toLowerCase();
  return known.has(lower) ? lower : OTHER_VALUE;
}

function lookup(values: ReadonlyMap<string, number[]>, text: string): number[] | undefined {
  const found = values.get(text);
  if (found !== undefined) return found;
  const lower = text.toLowerCase();
  return lower === text ? undefined : values.get(lower);
}

/** A rule's logsource key applies when the rule leaves it open or the event does not say. */
function logsourceApplies(ruleValue: string | undefined, eventValue: string): boolean {
  return ruleValue === undefined || eventValue === '' || ruleValue === eventValue;
}

function sortAscending(values: Int32Array, count: number): void {
  for (let index = 1; index < count; index += 1) {
    const value = values[index]!;
    let at = index - 1;
    while (at >= 0 && values[at]! > value) {
      values[at + 1] = values[at]!;
      at -= 1;
    }
    values[at + 1] = value;
  }
}
