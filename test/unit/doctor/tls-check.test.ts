import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkReachability, checkTls } from '../../../src/doctor/index.js';

/*
 * doctor's TLS check against a real HTTPS server on loopback with a self-signed certificate
 * (test/fixtures/tls, valid until 2126): refused when verification is on, a warning when the
 * integration turned verify_tls off; plain HTTP is skipped on loopback and a warning elsewhere.
 */

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../../fixtures/tls/${name}`, import.meta.url)));
let server: Server;
let url: URL;
beforeAll(async () => {
  server = createServer({ key: fixture('self-signed.key'), cert: fixture('self-signed.crt') }, (_request, response) => response.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = new URL(`https://127.0.0.1:${(server.address() as AddressInfo).port}/fmc`);
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const now = new Date('2026-11-23T12:00:00.000Z');

describe('doctor TLS check', () => {
  it('fails an untrusted certificate when verification is on, naming the reason', async () => {
    expect(await checkReachability(url, 2000)).toMatchObject({ name: 'reachability', status: 'pass' });
    const result = await checkTls(url, 2000, { verify: true, now });
    expect(result).toMatchObject({ name: 'tls', status: 'fail' });
    expect(result.detail).toMatch(/self[-_ ]signed/i);
  });

  it('warns instead when the integration has verify_tls off', async () => {
    const result = await checkTls(url, 2000, { verify: false, now });
    expect(result).toMatchObject({ name: 'tls', status: 'warn', detail: expect.stringContaining('verify_tls is off') });
  });

  it('skips plain HTTP on loopback (the lab) and warns about it elsewhere', async () => {
    expect(await checkTls(new URL('http://127.0.0.1:4000/xdr'), 2000, { verify: true, now })).toMatchObject({ status: 'skip' });
    expect(await checkTls(new URL('http://splunk.corp.example.com:8089'), 2000, { verify: true, now })).toMatchObject({ status: 'warn', detail: expect.stringContaining('unencrypted') });
  });

  it('fails a TLS handshake with a server that does not speak TLS', async () => {
    const plain = (await import('node:http')).createServer((_request, response) => response.end('plain'));
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    try {
      const result = await checkTls(new URL(`https://127.0.0.1:${(plain.address() as AddressInfo).port}`), 2000, { verify: true, now });
      expect(result).toMatchObject({ name: 'tls', status: 'fail' });
    } finally {
      await new Promise((resolve) => plain.close(resolve));
    }
  });
});
