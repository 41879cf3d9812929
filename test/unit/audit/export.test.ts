import { parse as parseCsv } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { HecSender, toCsvRows, toOcsfApiActivity, type AuditRecord } from '../../../src/audit/index.js';

function record(overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    seq: 7,
    time: '2026-11-23T10:00:00.250Z',
    actor: 'slack:U0123ABCD',
    action: 'tool.call',
    target: 'secure_endpoint.isolate_host',
    scope: 'execute',
    outcome: 'succeeded',
    details: '{"host":"workstation-042"}',
    argsHash: 'a'.repeat(64),
    prevHash: 'b'.repeat(64),
    hash: 'c'.repeat(64),
    ...overrides,
  };
}

describe('CSV export', () => {
  it('neutralises cells a spreadsheet would run as formulas (CSV injection)', () => {
    const hostile = record({ actor: '=HYPERLINK("http://evil.example","x")', action: '+cmd', target: '@SUM(A1)', details: '{"note":"=1+1"}' });
    const [row] = parseCsv(toCsvRows([hostile, record({ actor: '-2+3' })], true), { columns: true }) as Array<Record<string, string>>;
    expect(row).toMatchObject({ actor: `'=HYPERLINK("http://evil.example","x")`, action: "'+cmd", target: "'@SUM(A1)", details: '{"note":"=1+1"}', seq: '7' });
    const lines = toCsvRows([record({ actor: '\tTAB' }), record({ actor: 'cli:alice' })], false).split('\r\n');
    expect(lines[0]).toMatch(/^7,2026-11-23T10:00:00.250Z,'\tTAB,/);
    expect(lines[1]).toMatch(/^7,2026-11-23T10:00:00.250Z,cli:alice,tool.call,/);
  });
});

describe('OCSF API Activity export', () => {
  it('maps a record to class 6003 with the required attributes and status captions', () => {
    const event = toOcsfApiActivity(record(), { productVersion: '0.1.0', hostname: 'soc-box' });
    expect(event).toMatchObject({
      class_uid: 6003,
      category_uid: 6,
      activity_id: 3,
      type_uid: 600303,
      time: Date.parse('2026-11-23T10:00:00.250Z'),
      severity_id: 1,
      status_id: 1,
      status: 'Success',
      status_detail: 'succeeded',
      actor: { user: { name: 'slack:U0123ABCD' } },
      api: { operation: 'tool.call' },
      src_endpoint: { hostname: 'soc-box' },
      metadata: { version: '1.3.0', product: { name: 'DefenseClaw', vendor_name: 'DefenseClaw', version: '0.1.0' } },
    });
    expect(toOcsfApiActivity(record({ outcome: 'denied' }), { productVersion: '0.1.0', hostname: 'h' })).toMatchObject({ status_id: 2, status: 'Failure', status_detail: 'denied' });
    // Not a success or a failure yet: Other, with the source's own word.
    expect(toOcsfApiActivity(record({ outcome: 'awaiting_approval' }), { productVersion: '0.1.0', hostname: 'h' })).toMatchObject({ status_id: 99, status: 'awaiting_approval' });
  });
});

describe('HecSender', () => {
  it('posts batches capped by count and by bytes, with the Splunk token and one channel', async () => {
    const requests: Array<{ url: string; headers: Headers; events: unknown[] }> = [];
    const fetch = (async (url: string | URL, init?: RequestInit) => {
      const body = String(init?.body);
      requests.push({ url: String(url), headers: new Headers(init?.headers), events: body.split('\n').map((line) => JSON.parse(line) as unknown) });
      return new Response(JSON.stringify({ text: 'Success', code: 0 }), { status: 200 });
    }) as typeof globalThis.fetch;
    const sender = new HecSender({ url: 'https://splunk.example.com:8088', token: 'hec-token-0001', fetch, batchSize: 3, maxBatchBytes: 400 });
    for (let index = 0; index < 4; index += 1) await sender.add({ time: index, event: { index } });
    await sender.add({ time: 4, event: { note: 'x'.repeat(500) } }); // bigger than a batch: goes alone
    await sender.add({ time: 5, event: { index: 5 } });
    await sender.flush();
    expect(requests.map((request) => request.events.length)).toEqual([3, 1, 1, 1]);
    expect(requests.every((request) => request.url === 'https://splunk.example.com:8088/services/collector/event')).toBe(true);
    expect(requests[0]!.headers.get('authorization')).toBe('Splunk hec-token-0001');
    expect(new Set(requests.map((request) => request.headers.get('x-splunk-request-channel'))).size).toBe(1);
    expect({ sent: sender.sent, batches: sender.batches }).toEqual({ sent: 6, batches: 4 });
  });
});
