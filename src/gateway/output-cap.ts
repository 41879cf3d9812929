/**
 * Caps a tool output to about `maxBytes` of JSON (secure runtime): long arrays are cut from the
 * end and long strings shortened, with a `_truncated` note, until it fits. Small outputs pass as is.
 */
export function capOutput(value: unknown, maxBytes: number): { value: unknown; truncated: boolean } {
  const size = (candidate: unknown) => {
    try {
      return JSON.stringify(candidate)?.length ?? 0;
    } catch {
      return Number.POSITIVE_INFINITY;
    }
  };
  if (size(value) <= maxBytes) return { value, truncated: false };
  let arrayLimit = 1000;
  let stringLimit = 16_384;
  let current = value;
  for (let round = 0; round < 12; round += 1) {
    current = shrink(value, arrayLimit, stringLimit);
    if (size(current) <= maxBytes) return { value: current, truncated: true };
    arrayLimit = Math.max(1, Math.floor(arrayLimit / 2));
    stringLimit = Math.max(64, Math.floor(stringLimit / 2));
  }
  return { value: { _truncated: true, bytes: size(value), note: 'output too large for the secure runtime' }, truncated: true };
}

function shrink(value: unknown, arrayLimit: number, stringLimit: number): unknown {
  if (typeof value === 'string') return value.length > stringLimit ? `${value.slice(0, stringLimit)}…[${value.length - stringLimit} more characters]` : value;
  if (Array.isArray(value)) {
    const kept = value.slice(0, arrayLimit).map((item) => shrink(item, arrayLimit, stringLimit));
    return value.length > arrayLimit ? [...kept, { _truncated: true, omitted: value.length - arrayLimit }] : kept;
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, shrink(child, arrayLimit, stringLimit)]));
  }
  return value;
}
