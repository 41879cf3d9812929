import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorAuthError, ConnectorTransportError } from '../../src/connectors/http/index.js';
import { secureFirewallConnector } from '../../src/connectors/secure_firewall/index.js';
import { splunkConnector } from '../../src/connectors/splunk/index.js';
import { fixedClock } from '../../src/core/clock.js';
import { LAB_CREDENTIALS } from '../../src/lab/credentials.js';
import { startLab, type Lab } from '../../src/lab/lab-server.js';
import { secureFirewallSimulator } from '../../src/lab/products/secure-firewall.js';
import { splunkSimulator } from '../../src/lab/products/splunk.js';
import { configFrom } from '../helpers/lab-config.js';

/*
 * `verify_tls` of Secure Firewall and Splunk (on-prem, self-signed certificates are common): the
 * lab behind an HTTPS front with a self-signed certificate (test/fixtures/tls). Verification on,
 * the connector refuses the certificate at once (no retries: the same certificate would come
 * back); verification off, it works over TLS all the same.
 */

const clock = fixedClock('2026-11-23T12:00:00.000Z');
const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../fixtures/tls/${name}`, import.meta.url)));
let lab: Lab;
let front: Server;
let httpsUrl: string;
let seen = 0;

beforeAll(async () => {
  lab = await startLab({ products: [secureFirewallSimulator, splunkSimulator], clock });
  const target = new URL(lab.url);
  front = createServer({ key: fixture('self-signed.key'), cert: fixture('self-signed.crt') }, (incoming, outgoing) => {
    seen += 1;
    const upstream = httpRequest({ host: target.hostname, port: target.port, path: incoming.url, method: incoming.method, headers: incoming.headers }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  httpsUrl = `https://127.0.0.1:${(front.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => front.close(resolve));
  await lab.close();
});

const firewall = (verifyTls: boolean) =>
  configFrom(`
cisco:
  secure_firewall:
    base_url: ${httpsUrl}/fmc
    username: ${LAB_CREDENTIALS.secureFirewall.username}
    password: ${LAB_CREDENTIALS.secureFirewall.password}
    verify_tls: ${verifyTls}
`);

const splunk = (verifyTls: boolean) =>
  configFrom(`
integrations:
  splunk:
    url: ${httpsUrl}/splunk
    token: ${LAB_CREDENTIALS.splunk.token}
    hec_url: ${httpsUrl}/splunk
    hec_token: ${LAB_CREDENTIALS.splunk.hecToken}
    verify_tls: ${verifyTls}
`);

describe('verify_tls against a self-signed product certificate', () => {
  it('Secure Firewall: refused once when verifying (no retry, nothing sent), working when verify_tls is false', async () => {
    seen = 0;
    const waits: number[] = [];
    const verifying = secureFirewallConnector.create(firewall(true), { clock, sleep: async (milliseconds) => void waits.push(milliseconds) });
    const error = await verifying.healthCheck().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectorAuthError);
    expect((error as Error).message).toMatch(/TLS certificate not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
    expect(waits).toEqual([]);
    expect(seen).toBe(0);

    const trusting = secureFirewallConnector.create(firewall(false), { clock, sleep: async () => {} });
    expect((await trusting.healthCheck()).detail).toMatch(/network object\(s\) in domain/);
    expect(seen).toBeGreaterThan(1);
  });

  it('Splunk: REST and HEC over TLS with verify_tls false; a certificate error with it on is a non-retryable transport error', async () => {
    const verifying = splunkConnector.create(splunk(true), { clock, sleep: async () => {} });
    const error = await verifying.healthCheck().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectorTransportError);
    expect(error).toMatchObject({ transportCode: 'DEPTH_ZERO_SELF_SIGNED_CERT', retryable: false, mayHaveReachedServer: false });

    const trusting = splunkConnector.create(splunk(false), { clock, sleep: async () => {} });
    expect((await trusting.healthCheck()).detail).toMatch(/^Splunk /);
    const send = trusting.tools.find((tool) => tool.id === 'splunk.send_event')!;
    await send.handler(send.input.parse({ events: [{ event: { note: 'tls' }, sourcetype: 'defenseclaw:test' }] }), { clock });
    expect(lab.journal.list({ product: 'splunk', path: '/services/collector' }).map((entry) => entry.status)).toContain(200);
  });
});
