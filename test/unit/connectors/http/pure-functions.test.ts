import { describe, expect, it } from 'vitest';
import {
  backoffDelayMs,
  errorForStatus,
  formatIssuePath,
  isSafeToRepeat,
  joinUrl,
  parseRetryAfter,
  readRequestId,
  retryAfterFromHeaders,
  summarizeErrorEnvelope,
  ConnectorRateLimitedError,
  ConnectorUpstreamError,
} from '../../../../src/connectors/http/index.js';

const NOW = new Date('2024-06-01T12:00:00Z');

describe('parseRetryAfter', () => {
  it('reads delta-seconds, HTTP dates (past dates are 0) and rejects junk', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
    expect(parseRetryAfter('1.5', NOW)).toBe(1500);
    expect(parseRetryAfter('Sat, 01 Jun 2024 12:01:00 GMT', NOW)).toBe(60_000);
    expect(parseRetryAfter('Sat, 01 Jun 2024 11:00:00 GMT', NOW)).toBe(0);
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(parseRetryAfter('', NOW)).toBeUndefined();
    expect(parseRetryAfter(null, NOW)).toBeUndefined();
    expect(parseRetryAfter('-5', NOW)).toBeUndefined();
  });

  it("falls back to CrowdStrike's X-RateLimit-RetryAfter epoch seconds", () => {
    const epoch = NOW.getTime() / 1000 + 30;
    expect(retryAfterFromHeaders(new Headers({ 'X-RateLimit-RetryAfter': String(epoch) }), NOW)).toBe(30_000);
    expect(retryAfterFromHeaders(new Headers({ 'Retry-After': '2', 'X-RateLimit-RetryAfter': String(epoch) }), NOW)).toBe(2000);
  });
});

describe('backoffDelayMs', () => {
  it('is full jitter under an exponentially growing, capped ceiling', () => {
    const options = { baseDelayMs: 250, maxDelayMs: 8000 };
    expect(backoffDelayMs(0, options, () => 0.999)).toBe(249);
    expect(backoffDelayMs(3, options, () => 0.5)).toBe(1000);
    expect(backoffDelayMs(10, options, () => 0.5)).toBe(4000);
    expect(backoffDelayMs(2, options, () => 0)).toBe(0);
  });
});

describe('isSafeToRepeat', () => {
  it('allows GET and HEAD, and anything marked idempotent', () => {
    expect(isSafeToRepeat('GET', undefined)).toBe(true);
    expect(isSafeToRepeat('HEAD', undefined)).toBe(true);
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      expect(isSafeToRepeat(method, undefined)).toBe(false);
      expect(isSafeToRepeat(method, true)).toBe(true);
    }
  });
});

describe('joinUrl', () => {
  it('joins base prefixes and paths with exactly one slash', () => {
    expect(joinUrl('http://127.0.0.1:4000/xdr', '/iroh/inspect').href).toBe('http://127.0.0.1:4000/xdr/iroh/inspect');
    expect(joinUrl('http://127.0.0.1:4000/xdr/', 'iroh/inspect').href).toBe('http://127.0.0.1:4000/xdr/iroh/inspect');
    expect(joinUrl('http://127.0.0.1:4000', '/v1/computers').href).toBe('http://127.0.0.1:4000/v1/computers');
    expect(joinUrl('http://127.0.0.1:4000/', '').href).toBe('http://127.0.0.1:4000/');
  });

  it('repeats array keys, drops undefined, keeps a query already in the path', () => {
    const url = joinUrl('https://api.pagerduty.com', '/incidents?total=true', { 'statuses[]': ['triggered', 'acknowledged'], limit: 25, since: undefined, flag: false });
    expect(url.pathname).toBe('/incidents');
    expect(url.searchParams.getAll('statuses[]')).toEqual(['triggered', 'acknowledged']);
    expect(url.searchParams.get('total')).toBe('true');
    expect(url.searchParams.get('limit')).toBe('25');
    expect(url.searchParams.get('flag')).toBe('false');
    expect(url.searchParams.has('since')).toBe(false);
  });
});

describe('summarizeErrorEnvelope', () => {
  const cases: Array<[string, unknown, string]> = [
    ['CrowdStrike', { meta: {}, resources: [], errors: [{ code: 401, message: 'access denied, invalid bearer token' }] }, 'access denied, invalid bearer token'],
    ['ServiceNow', { error: { message: 'No Record found', detail: 'Record doesn\'t exist' }, status: 'failure' }, "No Record found: Record doesn't exist"],
    ['XDR', { error: 'invalid_request', error_description: 'No JWT found in HTTP Authorization header', trace_id: 't' }, 'invalid_request: No JWT found in HTTP Authorization header'],
    ['FMC', { error: { category: 'FRAMEWORK', messages: [{ description: 'Duplicate Name detected' }], severity: 'ERROR' } }, 'Duplicate Name detected'],
    ['Splunk', { messages: [{ type: 'FATAL', text: 'Unknown search command' }] }, 'Unknown search command'],
    ['Secure Endpoint', { data: {}, errors: [{ error_code: 401, description: 'Unauthorized', details: ['Unknown API key or Client ID'] }] }, 'Unauthorized: Unknown API key or Client ID'],
    ['PagerDuty REST', { error: { message: 'Invalid Input Provided', code: 2001, errors: ['Status must be one of acknowledged, resolved.'] } }, 'Invalid Input Provided: Status must be one of acknowledged, resolved.'],
    ['PagerDuty Events', { status: 'invalid event', message: 'Event object is invalid', errors: ["'payload.summary' is missing or blank"] }, "Event object is invalid: 'payload.summary' is missing or blank"],
    ['Umbrella', { statusCode: 400, error: 'Bad Request', message: 'Validation Error', txId: 'x' }, 'Validation Error'],
    ['HEC', { text: 'Invalid token', code: 4 }, 'Invalid token'],
  ];
  it.each(cases)('reads the %s envelope', (_product, body, expected) => {
    expect(summarizeErrorEnvelope(JSON.stringify(body))).toBe(expected);
  });

  it('truncates to 200 characters on one line and ignores non-JSON bodies', () => {
    const long = summarizeErrorEnvelope(JSON.stringify({ message: `a\n${'x'.repeat(500)}` }));
    expect(long).toHaveLength(200);
    expect(long).not.toContain('\n');
    expect(summarizeErrorEnvelope('<html>oops</html>')).toBeUndefined();
    expect(summarizeErrorEnvelope('{}')).toBeUndefined();
  });

  it('scrubs known secret values', () => {
    expect(summarizeErrorEnvelope(JSON.stringify({ message: 'bad key abcd-secret-1234' }), ['abcd-secret-1234'])).toBe('bad key [REDACTED]');
  });
});

describe('errorForStatus', () => {
  it('marks 408/409/429/5xx retryable and carries retryAfterMs on 429', () => {
    const base = { product: 'p', method: 'GET', path: '/x', bodyText: '' };
    const limited = errorForStatus({ ...base, status: 429, retryAfterMs: 1000 });
    expect(limited).toBeInstanceOf(ConnectorRateLimitedError);
    expect((limited as ConnectorRateLimitedError).retryAfterMs).toBe(1000);
    expect(limited.retryable).toBe(true);
    for (const status of [408, 409, 500, 503]) {
      const error = errorForStatus({ ...base, status });
      expect(error).toBeInstanceOf(ConnectorUpstreamError);
      expect(error.retryable).toBe(true);
    }
    expect(errorForStatus({ ...base, status: 422 }).retryable).toBe(false);
    expect(errorForStatus({ ...base, status: 418 }).message).toBe('p GET /x failed with HTTP 418');
  });
});

describe('readRequestId and formatIssuePath', () => {
  it('reads vendor request ids in any casing', () => {
    expect(readRequestId(new Headers({ 'X-MS-Request-Id': 'ms-1' }))).toBe('ms-1');
    expect(readRequestId(new Headers({ trace_id: 'tr-1' }))).toBe('tr-1');
    expect(readRequestId(new Headers({ 'X-Splunk-Request-Id': 'sp-1' }))).toBe('sp-1');
    expect(readRequestId(new Headers())).toBeUndefined();
  });

  it('formats zod paths', () => {
    expect(formatIssuePath([])).toBe('(root)');
    expect(formatIssuePath(['resources', 0, 'device_id'])).toBe('resources[0].device_id');
    expect(formatIssuePath([2, 'a'])).toBe('[2].a');
  });
});
