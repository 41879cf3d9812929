import type { EventFields } from './event.js';

/** An input waiting for the watermark, ordered by time then arrival. */
export interface BufferedInput {
  time: number;
  arrival: number;
  fields: EventFields;
  ref: unknown;
  rules: Int32Array;
}

/** A binary min-heap of buffered inputs by (time, arrival). */
export class ReorderBuffer {
  private readonly heap: BufferedInput[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(input: BufferedInput): void {
    const heap = this.heap;
    heap.push(input);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!before(heap[index]!, heap[parent]!)) break;
      [heap[index], heap[parent]] = [heap[parent]!, heap[index]!];
      index = parent;
    }
  }

  /** The oldest input's time, or Infinity when empty. */
  peekTime(): number {
    return this.heap.length === 0 ? Infinity : this.heap[0]!.time;
  }

  pop(): BufferedInput | undefined {
    const heap = this.heap;
    if (heap.length === 0) return undefined;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let index = 0;
      for (;;) {
        const left = index * 2 + 1;
        const right = left + 1;
        let smallest = index;
        if (left < heap.length && before(heap[left]!, heap[smallest]!)) smallest = left;
        if (right < heap.length && before(heap[right]!, heap[smallest]!)) smallest = right;
        if (smallest === index) break;
        [heap[index], heap[smallest]] = [heap[smallest]!, heap[index]!];
        index = smallest;
      }
    }
    return top;
  }
}

function before(a: BufferedInput, b: BufferedInput): boolean {
  return a.time < b.time || (a.time === b.time && a.arrival < b.arrival);
}
