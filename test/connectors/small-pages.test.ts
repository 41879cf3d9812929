import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CrowdStrikeClient } from '../../src/connectors/crowdstrike/index.js';
import { HttpClient, basicAuth } from '../../src/connectors/http/index.js';
import { SecureEndpointClient } from '../../src/connectors/secure_endpoint/index.js';
import { fixedClock } from '../../src/core/clock.js';

/*
 * A product that serves smaller pages than the connector asks for (its own maximum, below the
 * documented one) must still be read completely: offsets planned for the connector's page size
 * would leave gaps. Servers here speak each product's wire format on loopback and cap `limit`.
 */

const clock = fixedClock('2026-11-23T12:00:00.000Z');
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function serve(handler: (request: IncomingMessage, url: URL, body: string) => { status: number; json: unknown }): Promise<string> {
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const reply = handler(request, new URL(request.url ?? '/', 'http://127.0.0.1'), body);
      response.writeHead(reply.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(reply.json));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const page = (url: URL, cap: number) => ({ limit: Math.min(Number(url.searchParams.get('limit') ?? cap), cap), offset: Number(url.searchParams.get('offset') ?? 0) });

describe('a product with smaller pages than asked', () => {
  it('Secure Endpoint: every computer once, in order, when the product serves 100 per page', async () => {
    const computers = Array.from({ length: 1234 }, (_, index) => ({ connector_guid: `guid-${index}`, hostname: `host-${String(index).padStart(4, '0')}` }));
    const base = await serve((_request, url) => {
      const { limit, offset } = page(url, 100);
      const data = computers.slice(offset, offset + limit);
      const next = offset + limit < computers.length ? { next: `http://x/v1/computers?offset=${offset + limit}&limit=${limit}` } : {};
      return { status: 200, json: { version: 'v1.2.0', metadata: { links: { self: url.href, ...next }, results: { total: computers.length, current_item_count: data.length, index: offset, items_per_page: limit } }, data } };
    });
    const client = new SecureEndpointClient(new HttpClient({ product: 'secure_endpoint', baseUrl: base, auth: basicAuth('id', 'key'), clock, sleep: async () => {} }));
    const listed = await client.listComputers();
    expect(listed.map((computer) => computer.hostname)).toEqual(computers.map((computer) => computer.hostname));
  });

  it('CrowdStrike: every device once when the device query serves 300 ids per page', async () => {
    const ids = Array.from({ length: 1000 }, (_, index) => index.toString(16).padStart(32, '0'));
    const base = await serve((request, url, body) => {
      if (url.pathname === '/oauth2/token') return { status: 201, json: { access_token: 'token', token_type: 'bearer', expires_in: 1799 } };
      if (url.pathname === '/devices/queries/devices/v1') {
        const { limit, offset } = page(url, 300);
        return { status: 200, json: { meta: { pagination: { offset, limit, total: ids.length } }, resources: ids.slice(offset, offset + limit), errors: [] } };
      }
      if (url.pathname === '/devices/entities/devices/v2' && request.method === 'POST') {
        const wanted = (JSON.parse(body) as { ids: string[] }).ids;
        return { status: 200, json: { meta: {}, resources: wanted.map((id) => ({ device_id: id, hostname: `H-${id.slice(-4)}` })), errors: [] } };
      }
      return { status: 404, json: { errors: [{ code: 404, message: 'not found' }] } };
    });
    const client = new CrowdStrikeClient({ baseUrl: base, clientId: 'id', clientSecret: 'secret', dependencies: { clock, sleep: async () => {} } });
    const result = await client.queryDevices();
    expect(result.records.map((device) => device.device_id)).toEqual(ids);
    expect(result).toMatchObject({ total: 1000, truncated: false });
  });
});
