import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LAB_CREDENTIALS } from '../../src/lab/credentials.js';
import { startLab, type Lab } from '../../src/lab/lab-server.js';
import { ALL_SIMULATORS } from '../../src/lab/products/index.js';
import { runCli, temporaryHome } from '../helpers/cli.js';
import { injectFault } from '../helpers/lab-config.js';

let home: ReturnType<typeof temporaryHome>;
let lab: Lab;
beforeEach(async () => {
  home = temporaryHome();
  lab = await startLab({ products: ALL_SIMULATORS });
  expect((await runCli(['lab', 'init', '--url', lab.url], { home: home.home })).code).toBe(0);
});
afterEach(async () => {
  await lab.close();
  home.cleanup();
});

const doctor = async (...args: string[]) => {
  const result = await runCli(['doctor', '--json', ...args], { home: home.home });
  return { ...result, report: JSON.parse(result.stdout) as { ok: boolean; integrations: Array<{ integration: string; status: string; reason: string; checks: Array<{ name: string; status: string }> }> } };
};

describe('doctor against the lab', () => {
  it('passes every configured integration after lab serve + lab init, and lists the unconfigured one', async () => {
    const { code, report } = await doctor();
    const byName = Object.fromEntries(report.integrations.map((entry) => [entry.integration, entry]));
    for (const entry of report.integrations.filter((item) => item.integration !== 'anthropic')) {
      expect(entry.status, `${entry.integration}: ${entry.reason}`).toBe('pass');
      expect(entry.checks.map((check) => check.name)).toEqual(expect.arrayContaining(['reachability', 'tls', 'authentication', 'read', 'clock_skew']));
    }
    expect(byName.anthropic).toMatchObject({ status: 'not_configured' });
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
  });

  it('names the integration whose credentials the lab refuses, exits 1, and leaks no secret', async () => {
    await injectFault(lab.url, { product: 'secure_endpoint', status: 401 });
    const { code, report, stdout, stderr } = await doctor();
    expect(code).toBe(1);
    expect(report.integrations.find((entry) => entry.integration === 'secure-endpoint')).toMatchObject({ status: 'fail', reason: expect.stringMatching(/^authentication: /) });
    const text = await runCli(['doctor'], { home: home.home });
    expect(text.stdout).toMatch(/failing: secure-endpoint/);
    const log = readFileSync(join(home.home, 'logs', 'defenseclaw.log'), 'utf8');
    for (const secret of [LAB_CREDENTIALS.secureEndpoint.apiKey, LAB_CREDENTIALS.slack.botToken, LAB_CREDENTIALS.crowdstrike.clientSecret, LAB_CREDENTIALS.xdr.clientSecret]) {
      for (const output of [stdout, stderr, text.stdout, log]) expect(output).not.toContain(secret);
    }
  });

  it('names every integration whose credentials the lab refuses, and no lab secret reaches output or logs', async () => {
    for (const product of ['cisco_xdr', 'umbrella', 'secure_endpoint', 'secure_firewall', 'splunk', 'crowdstrike', 'sentinel', 'pagerduty', 'servicenow', 'slack']) {
      await injectFault(lab.url, { product, status: 401 });
    }
    const { code, report, stdout, stderr } = await doctor();
    expect(code).toBe(1);
    const failed = report.integrations.filter((entry) => entry.status === 'fail').map((entry) => entry.integration).sort();
    expect(failed).toEqual(['cisco-xdr', 'crowdstrike', 'pagerduty', 'secure-endpoint', 'secure-firewall', 'sentinel', 'servicenow', 'slack', 'splunk', 'umbrella']);
    for (const entry of report.integrations.filter((item) => item.status === 'fail')) expect(entry.reason, entry.integration).toMatch(/^authentication: /);
    const verbose = await runCli(['doctor', '--verbose'], { home: home.home });
    const log = readFileSync(join(home.home, 'logs', 'defenseclaw.log'), 'utf8');
    const secrets = Object.values(LAB_CREDENTIALS).flatMap((credentials) => Object.entries(credentials).filter(([key]) => /secret|password|key|token/i.test(key)).map(([, value]) => value));
    expect(secrets.length).toBeGreaterThan(10);
    for (const secret of secrets) {
      for (const output of [stdout, stderr, verbose.stdout, verbose.stderr, log]) expect(output).not.toContain(secret);
    }
  });

  it("fails an integration whose clock is off by more than five minutes, and reports rate-limit headroom where the product sends it", async () => {
    await injectFault(lab.url, { product: 'splunk', headers: { date: new Date(Date.now() + 10 * 60_000).toUTCString() } });
    const { report } = await doctor();
    const byName = Object.fromEntries(report.integrations.map((entry) => [entry.integration, entry]));
    expect(byName.splunk).toMatchObject({ status: 'fail', reason: expect.stringMatching(/^clock_skew: (59\d|60\d) s/) });
    for (const name of ['cisco-xdr', 'secure-endpoint', 'crowdstrike', 'pagerduty']) {
      expect(byName[name]!.checks.find((check) => check.name === 'rate_limit'), name).toMatchObject({ status: 'pass' });
    }
  });

  it('names an integration in an outage and one that cannot be reached', async () => {
    await injectFault(lab.url, { product: 'secure_endpoint', status: 503, retryAfter: 0 });
    const outage = await doctor('--integration', 'secure-endpoint');
    expect(outage.code).toBe(1);
    expect(outage.report.integrations).toEqual([expect.objectContaining({ integration: 'secure-endpoint', status: 'fail', reason: expect.stringMatching(/^read: /) })]);
    expect((await runCli(['config', 'set', 'secure_endpoint.base_url', 'http://127.0.0.1:9/secure-endpoint'], { home: home.home })).code).toBe(0);
    const unreachable = await doctor('--integration', 'secure-endpoint');
    expect(unreachable.report.integrations[0]).toMatchObject({ status: 'fail', reason: expect.stringMatching(/^reachability: 127\.0\.0\.1:9: ECONNREFUSED/) });
  });

  it('refuses an unknown --integration with exit 2, naming the choices', async () => {
    const result = await runCli(['doctor', '--integration', 'cisco-umbrella'], { home: home.home });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cisco-xdr, umbrella, secure-endpoint, secure-firewall, splunk, crowdstrike, sentinel, pagerduty, servicenow, slack, anthropic/);
  });

  it('feeds status with the last result per integration', async () => {
    await injectFault(lab.url, { product: 'secure_endpoint', status: 401 });
    await doctor('--integration', 'secure-endpoint');
    const status = JSON.parse((await runCli(['status', '--json'], { home: home.home })).stdout);
    const secureEndpoint = status.integrations.find((entry: { name: string }) => entry.name === 'secure-endpoint');
    expect(secureEndpoint.health).toMatchObject({ status: 'fail', reason: expect.stringMatching(/^authentication/) });
  });
});
