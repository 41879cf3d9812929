import { describe, expect, it } from 'vitest';
import { buildComplianceReport, compareControlIds, type PolicyAssetResult, type PolicyCheckSummary, type PolicyRunResult } from '../../../src/policy/index.js';
import { complianceFormatFromPath, renderComplianceHtml, renderComplianceJson, renderComplianceReport } from '../../../src/reports/index.js';

const OPTIONS = { framework: 'CIS' as const, generatedAt: '2026-03-02T15:00:00.000Z', version: '0.1.0' };
const XSS = `<script>alert(1)</script><img src=x onerror=alert(2)>" onmouseover="alert(3)' &amp;`;

function check(overrides: Partial<PolicyCheckSummary> & Pick<PolicyCheckSummary, 'checkId' | 'cis'>): PolicyCheckSummary {
  return { policy: 'endpoint-hardening', title: `Title of ${overrides.checkId}`, severity: 'high', rationale: 'Because.', pass: 0, fail: 0, error: 0, skipped: 0, ...overrides };
}

function result(checkId: string, hostname: string, status: PolicyAssetResult['status'], observed: Record<string, unknown> = {}): PolicyAssetResult {
  return { policy: 'endpoint-hardening', checkId, assetKey: `asset:${hostname}`, hostname, status, severity: 'high', evidence: { observed } };
}

function run(overrides: Partial<PolicyRunResult> = {}): PolicyRunResult {
  return {
    id: 'pol-20260302T120000Z-abcdef',
    policy: 'all',
    mode: 'check',
    dryRun: false,
    autoRemediate: false,
    requester: 'cli:alice',
    startedAt: '2026-03-02T12:00:00.000Z',
    finishedAt: '2026-03-02T12:00:01.000Z',
    status: 'complete',
    policies: [{ name: 'endpoint-hardening', version: '1.0.0', description: 'd' }],
    snapshot: { id: 'snap-1', takenAt: '2026-03-02T11:00:00.000Z', scannedForThisRun: false },
    assets: 3,
    totals: { pass: 4, fail: 2, error: 1, skipped: 0 },
    checks: [
      check({ checkId: 'edr', cis: ['CIS 10.1'], pass: 2, fail: 1 }),
      check({ checkId: 'os', cis: ['CIS 2.2', 'CIS 10.1'], pass: 2, fail: 1 }),
      check({ checkId: 'detections', cis: ['CIS 17.4'], error: 1 }),
      check({ checkId: 'naming', cis: [] }),
    ],
    results: [
      result('edr', 'ws-1', 'pass', { sources: ['crowdstrike'] }),
      result('edr', 'ws-2', 'fail', { sources: [] }),
      result('edr', 'ws-3', 'pass', { sources: ['crowdstrike'] }),
      result('os', 'ws-1', 'fail', { 'os.name': 'Windows 10' }),
      result('os', 'ws-2', 'pass', { 'os.name': 'Windows 11' }),
      result('os', 'ws-3', 'pass', { 'os.name': 'Windows 11' }),
      { ...result('detections', 'ws-3', 'error'), evidence: { observed: {}, error: 'live read crowdstrike.list_alerts failed: HTTP 503' } },
    ],
    remediations: {},
    notes: [],
    ...overrides,
  };
}

describe('compliance report model', () => {
  it('groups results by control: an asset fails a control when any mapped check fails on it', () => {
    const report = buildComplianceReport(run(), OPTIONS);
    expect(report.controls.map((control) => [control.id, control.status, control.assets])).toEqual([
      ['CIS 2.2', 'fail', { pass: 2, fail: 1, error: 0 }],
      ['CIS 10.1', 'fail', { pass: 1, fail: 2, error: 0 }],
      ['CIS 17.4', 'error', { pass: 0, fail: 0, error: 1 }],
    ]);
    const control = report.controls[1]!;
    expect(control.title).toBe('Deploy and Maintain Anti-Malware Software');
    // Failing assets first, each with the evidence of every mapped check.
    expect(control.assetResults.map((asset) => [asset.hostname, asset.status, asset.checks.map((item) => `${item.checkId}:${item.status}`)])).toEqual([
      ['ws-1', 'fail', ['edr:pass', 'os:fail']],
      ['ws-2', 'fail', ['edr:fail', 'os:pass']],
      ['ws-3', 'pass', ['edr:pass', 'os:pass']],
    ]);
    expect(report.summary).toEqual({ controls: 3, byStatus: { pass: 0, fail: 2, error: 1, not_applicable: 0 }, evaluations: { pass: 3, fail: 3, error: 1 } });
    expect(report.unmappedChecks).toEqual([{ policy: 'endpoint-hardening', checkId: 'naming', title: 'Title of naming' }]);
  });

  it('sorts controls by number, and a control no asset was evaluated for is not applicable', () => {
    expect(['CIS 10.1', 'CIS 2.2', 'CIS 1.1', 'CIS 10', 'CIS 1.12'].sort(compareControlIds)).toEqual(['CIS 1.1', 'CIS 1.12', 'CIS 2.2', 'CIS 10', 'CIS 10.1']);
    const report = buildComplianceReport(run({ results: [] }), OPTIONS);
    expect(report.controls.every((control) => control.status === 'not_applicable')).toBe(true);
  });
});

describe('compliance report rendering', () => {
  it('writes one self-contained HTML document with inline SVG charts and no scripts', () => {
    const page = renderComplianceHtml(buildComplianceReport(run(), OPTIONS));
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(page).not.toMatch(/<script|<link|<img|src=|href="http/i);
    // The donut, the stacked bar and one bar per control.
    expect(page).toContain('id="chart-controls"');
    expect(page).toContain('id="chart-evaluations"');
    expect(page.match(/<g class="control-bar">/g)).toHaveLength(3);
    expect(page).toContain('aria-label="0 of 3 controls pass"');
    // Per control: checks, failing assets with evidence, passing assets folded away.
    expect(page).toContain('CIS 10.1 — Deploy and Maintain Anti-Malware Software');
    expect(page).toContain('<code>os.name</code> = <code>&quot;Windows 10&quot;</code>');
    expect(page).toContain('<summary>Passing assets (1)</summary>');
    expect(page).toContain('live read crowdstrike.list_alerts failed: HTTP 503');
    expect(page).toContain('endpoint-hardening/naming');
  });

  it('escapes every value from the run: host names, evidence keys and values, titles, rationale, ids, errors and remediation text', () => {
    const hostile = run({
      requester: XSS,
      policies: [{ name: XSS, version: XSS, description: XSS }],
      snapshot: { id: XSS, takenAt: XSS, scannedForThisRun: false },
      checks: [check({ policy: XSS, checkId: XSS, title: XSS, rationale: XSS, severity: 'high', cis: [XSS, 'CIS 10.1'], fail: 1 })],
      results: [
        {
          policy: XSS,
          checkId: XSS,
          assetKey: XSS,
          hostname: XSS,
          status: 'fail',
          severity: 'high',
          evidence: { observed: { [XSS]: XSS, 'os.name': XSS }, live: { tool: XSS, input: { hostname: XSS }, outcome: 'succeeded' }, error: XSS },
          remediation: { tool: XSS, input: { hostname: XSS }, outcome: 'denied', reason: XSS },
        },
      ],
    });
    const page = renderComplianceHtml(buildComplianceReport(hostile, OPTIONS));
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/<img/i);
    expect(page).not.toContain('onmouseover="');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // Only the renderer's own elements appear: no product text became markup.
    const tags = new Set([...page.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)/g)].map((match) => match[1]!.toLowerCase()));
    const allowed = ['html', 'head', 'meta', 'title', 'style', 'body', 'header', 'h1', 'h2', 'h3', 'h4', 'dl', 'dt', 'dd', 'code', 'main', 'section', 'div', 'figure', 'svg', 'circle', 'text', 'rect', 'g', 'figcaption', 'ul', 'li', 'span', 'strong', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'a', 'p', 'details', 'summary', 'footer'];
    expect([...tags].filter((tag) => !allowed.includes(tag))).toEqual([]);
  });

  it('writes JSON that parses back to the model', () => {
    const report = buildComplianceReport(run({ requester: XSS }), OPTIONS);
    const text = renderComplianceJson(report);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(report)));
    expect(JSON.parse(renderComplianceReport(report, 'json'))).toMatchObject({ schema: 'defenseclaw.compliance/v1', framework: 'CIS', run: { requester: XSS } });
  });

  it('picks the format from the file name', () => {
    expect(complianceFormatFromPath('compliance-report.HTML')).toBe('html');
    expect(complianceFormatFromPath('out/c.json')).toBe('json');
    expect(complianceFormatFromPath('c.pdf')).toBeUndefined();
  });
});
