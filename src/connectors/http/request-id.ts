/**
 * Response headers vendors use for their request/trace id, in order of preference. Headers
 * objects compare names case-insensitively, so `X-Cs-Traceid` and `x-cs-traceid` both match.
 */
export const REQUEST_ID_HEADERS: readonly string[] = [
  'x-request-id',
  'request-id',
  'x-cs-traceid',
  'x-ms-request-id',
  'trace_id',
  'trace-id',
  'x-splunk-request-id',
];

/** The vendor request id of a response, if it sent one. */
export function readRequestId(headers: Headers): string | undefined {
  for (const name of REQUEST_ID_HEADERS) {
    const value = headers.get(name);
    if (value !== null && value.trim() !== '') return value.trim();
  }
  return undefined;
}
