import { describe, expect, it } from 'vitest';
import { checkGuards } from '../../../src/gateway/guards.js';
import { capOutput } from '../../../src/gateway/output-cap.js';

const context = {
  internalCidrs: ['10.0.0.0/8', '192.168.0.0/16', 'fc00::/7', '::1/128'],
  assetTags: (host: string) => (host === 'srv-db-01' ? ['crown-jewel', 'pci'] : []),
};

describe('argument guards', () => {
  it('refuse hosts with a protected tag, by short name and FQDN, and pass others', async () => {
    const guards = { deny_if_asset_tag: ['crown-jewel'] };
    expect(await checkGuards(guards, { hosts: ['SRV-DB-01.corp.example.com'] }, context)).toBe('host srv-db-01 is tagged crown-jewel');
    expect(await checkGuards(guards, { hosts: ['workstation-042'] }, context)).toBeUndefined();
  });

  it('refuse a guarded host named by a product id (GUID, Falcon device id, MAC): its tags cannot be checked', async () => {
    const guards = { deny_if_asset_tag: ['crown-jewel'] };
    for (const id of ['4c1c5abf-8718-45a1-a73d-2f0750ffbade', '0123456789abcdef0123456789ABCDEF', '00:1a:2b:3c:4d:5e']) {
      expect(await checkGuards(guards, { hosts: [id] }, context)).toMatch(/named by a product id; name it by its host name/);
    }
    // Without an asset-tag guard, ids are fine (reads, releases).
    expect(await checkGuards({}, { hosts: ['4c1c5abf-8718-45a1-a73d-2f0750ffbade'] }, context)).toBeUndefined();
  });

  it('refuse addresses inside internal ranges (IPv4 and IPv6) and anything that is not an address', async () => {
    const guards = { deny_if_ip_in: ['internal_cidrs'] };
    expect(await checkGuards(guards, { ips: ['10.20.30.40'] }, context)).toMatch(/inside a protected range/);
    expect(await checkGuards(guards, { ips: ['fd12::1'] }, context)).toMatch(/inside a protected range/);
    expect(await checkGuards(guards, { ips: ['::1'] }, context)).toMatch(/inside a protected range/);
    expect(await checkGuards(guards, { ips: ['185.220.101.5'] }, context)).toBeUndefined();
    expect(await checkGuards(guards, { ips: ['10.0.0.1; rm -rf /'] }, context)).toMatch(/is not an IP address/);
    expect(await checkGuards({ deny_if_ip_in: ['203.0.113.0/24'] }, { ips: ['203.0.113.9'] }, context)).toMatch(/inside a protected range/);
  });

  it('refuse domains inside protected domains, not look-alikes', async () => {
    const guards = { deny_if_domain_in: ['corp.example.com'] };
    expect(await checkGuards(guards, { domains: ['mail.CORP.example.com.'] }, context)).toMatch(/protected domain/);
    expect(await checkGuards(guards, { domains: ['corp.example.com.evil.net'] }, context)).toBeUndefined();
  });

  it('fail closed when a fact cannot be looked up or a range is malformed', async () => {
    const broken = { ...context, assetTags: () => { throw new Error('inventory offline'); } };
    expect(await checkGuards({ deny_if_asset_tag: ['crown-jewel'] }, { hosts: ['ws-1'] }, broken)).toBe('guard check failed: inventory offline');
    expect(await checkGuards({ deny_if_ip_in: ['not-a-cidr'] }, { ips: ['1.2.3.4'] }, context)).toMatch(/^guard check failed/);
  });
});

describe('output cap (secure runtime)', () => {
  it('passes small outputs untouched and cuts large ones below the cap, saying so', () => {
    const small = { count: 2, rows: [1, 2] };
    expect(capOutput(small, 1024)).toEqual({ value: small, truncated: false });
    const big = { count: 50_000, rows: Array.from({ length: 50_000 }, (_, index) => ({ index, text: 'x'.repeat(40) })) };
    const capped = capOutput(big, 64 * 1024);
    expect(capped.truncated).toBe(true);
    expect(JSON.stringify(capped.value).length).toBeLessThanOrEqual(64 * 1024);
    const rows = (capped.value as { rows: unknown[] }).rows;
    expect(rows.at(-1)).toMatchObject({ _truncated: true });
    expect((capped.value as { count: number }).count).toBe(50_000);
  });
});
