import { describe, expect, it } from 'vitest';
import type { InvestigationResult } from '../../../src/investigate/investigation.js';
import type { TimelineEntry } from '../../../src/investigate/timeline/index.js';
import {
  INVESTIGATION_REPORT_SCHEMA,
  renderInvestigationHtml,
  renderInvestigationJson,
  renderInvestigationMarkdown,
  renderInvestigationReport,
  reportFormatFromPath,
} from '../../../src/reports/index.js';

const HASH = '9e'.repeat(32);
const OPTIONS = { generatedAt: '2026-03-02T15:00:00.000Z', version: '0.1.0' };

function entry(overrides: Partial<TimelineEntry> & Pick<TimelineEntry, 'id' | 'time' | 'title'>): TimelineEntry {
  return {
    lastTime: overrides.time,
    class: 'other',
    severity: 'info',
    sources: ['splunk'],
    entities: { hosts: [], users: [], ips: [], domains: [], hashes: [], urls: [] },
    fields: {},
    evidence: [{ eventId: overrides.id, source: 'splunk', time: overrides.time }],
    ...overrides,
  };
}

/** A realistic LLM-mode investigation: phishing, malware on ws-42, beaconing, two proposals. */
function fixture(): InvestigationResult {
  const timeline: TimelineEntry[] = [
    entry({
      id: 'cisco-xdr:mail-1',
      time: '2026-03-02T14:00:00.000Z',
      class: 'email_activity',
      severity: 'medium',
      title: 'Phishing email delivered',
      sources: ['cisco-xdr', 'splunk'],
      entities: { hosts: [], users: ['jdoe'], ips: [], domains: ['invoice-portal.example'], hashes: [HASH], urls: [] },
      fields: { technique: 'T1566.001' },
      evidence: [
        { eventId: 'cisco-xdr:mail-1', source: 'cisco-xdr', time: '2026-03-02T14:00:00.000Z' },
        { eventId: 'splunk:mail-1', source: 'splunk', time: '2026-03-02T14:00:01.000Z' },
      ],
    }),
    entry({
      id: 'secure-endpoint:threat-1',
      time: '2026-03-02T14:03:11.000Z',
      class: 'detection_finding',
      severity: 'critical',
      title: 'Threat Detected',
      sources: ['secure-endpoint'],
      entities: { hosts: ['ws-42'], users: ['jdoe'], ips: ['10.10.4.42'], domains: [], hashes: [HASH], urls: [] },
    }),
    entry({
      id: 'splunk:fw-1',
      time: '2026-03-02T14:10:00.000Z',
      class: 'network_activity',
      severity: 'high',
      title: 'Outbound connection to 185.220.101.5',
      sources: ['secure-firewall', 'splunk'],
      entities: { hosts: ['ws-42'], users: [], ips: ['10.10.4.42', '185.220.101.5'], domains: [], hashes: [], urls: [] },
    }),
  ];
  return {
    id: 'inv-20260302T150000Z-ab12cd',
    alertId: 'XDR-2026-001234',
    mode: 'llm',
    status: 'complete',
    reasons: [],
    requester: 'cli:alice',
    startedAt: '2026-03-02T14:58:00.000Z',
    finishedAt: '2026-03-02T14:59:30.000Z',
    incident: { id: 'XDR-2026-001234', title: 'Malware on ws-42 after phishing', severity: 'high', time: '2026-03-02T14:05:00.000Z', status: 'New', description: 'Correlated incident.\nTwo detections.' },
    window: { from: '2026-03-02T12:00:00.000Z', to: '2026-03-02T16:00:00.000Z' },
    timeline,
    enrichment: {
      observables: [
        { type: 'sha256', value: HASH, verdict: 'malicious', source: 'cisco_xdr.enrich_observables', detail: 'AMP File Reputation: malicious' },
        { type: 'ip', value: '185.220.101.5', verdict: 'malicious', source: 'umbrella.investigate_ip', detail: '3 malicious domains' },
        { type: 'domain', value: 'invoice-portal.example', verdict: 'suspicious', source: 'umbrella.investigate_domain' },
      ],
      hosts: [{ hostname: 'ws-42', source: 'secure-endpoint', ips: ['10.10.4.42'], isolation: 'not_isolated', compromised: true, threatScore: 87 }],
    },
    findings: [
      {
        id: `malware_execution:secure-endpoint:threat-1`,
        kind: 'malware_execution',
        title: 'Malware executed',
        severity: 'critical',
        summary: `Malicious file ${HASH.slice(0, 12)} ran on ws-42 (1 reports from 2026-03-02T14:03:11.000Z).`,
        firstSeen: '2026-03-02T14:03:11.000Z',
        lastSeen: '2026-03-02T14:03:11.000Z',
        entities: { hosts: ['ws-42'], users: ['jdoe'], indicators: [HASH] },
        techniques: ['T1204.002'],
        evidence: [{ entryId: 'secure-endpoint:threat-1', time: '2026-03-02T14:03:11.000Z', title: 'Threat Detected', sources: ['secure-endpoint'], eventIds: ['secure-endpoint:threat-1'] }],
      },
    ],
    proposals: [
      {
        tool: 'secure_endpoint.isolate_host',
        input: { hostname: 'ws-42', comment: 'Malware executed' },
        rationale: 'Malware executed on ws-42 and it beacons to a malicious address.',
        proposedBy: 'llm',
        outcome: 'awaiting_approval',
        approvalId: 'apr-7f3a',
        expiresAt: '2026-03-02T15:59:30.000Z',
      },
      {
        tool: 'umbrella.block_domain',
        input: { domain: 'invoice-portal.example' },
        rationale: 'Phishing domain.',
        proposedBy: 'triage',
        outcome: 'denied',
        reason: 'policy: umbrella.block_domain is not allowed for cli:alice',
      },
    ],
    summary: 'ws-42 ran a malicious attachment from a phishing email.\nIt then beaconed to 185.220.101.5.',
    sources: [
      { tool: 'cisco_xdr.get_incident', subject: 'XDR-2026-001234', purpose: 'incident', ok: true, outcome: 'succeeded', count: 1, durationMs: 120 },
      { tool: 'splunk.search', subject: 'firewall', purpose: 'events', ok: true, outcome: 'succeeded', count: 4, durationMs: 1530, truncated: true },
      { tool: 'crowdstrike.list_alerts', subject: 'hostname ws-42', purpose: 'events', ok: false, outcome: 'failed', count: 0, durationMs: 30_000, error: 'timeout after 30 s' },
    ],
    usage: {
      model: 'claude-sonnet-4-5',
      turns: 6,
      inputTokens: 48_210,
      outputTokens: 2_310,
      cacheCreationInputTokens: 9_800,
      cacheReadInputTokens: 31_000,
      cacheShare: 0.6431,
      estimatedCostUsd: 0.123456,
      toolCalls: 11,
    },
  };
}

function deterministic(): InvestigationResult {
  const { usage: _usage, ...rest } = fixture();
  return { ...rest, mode: 'deterministic', llmNotUsedReason: 'no ANTHROPIC_API_KEY set', status: 'partial', reasons: ['crowdstrike.list_alerts failed: timeout after 30 s'] };
}

const PAYLOAD = '<script>alert(1)</script>"><img src=x onerror=alert(1)></td></tr>|x\n# y `z` *w* [l](http://e.example)';

/**
 * Every string in the result with the payload appended (proposal inputs: keys too). `mode` is left
 * alone so the deterministic notice still shows; severities, verdicts, outcomes and status are not.
 */
function poison<T>(value: T): T {
  const walk = (item: unknown, keys: boolean): unknown => {
    if (typeof item === 'string') return `${item}${PAYLOAD}`;
    if (Array.isArray(item)) return item.map((inner) => walk(inner, keys));
    if (item === null || typeof item !== 'object') return item;
    return Object.fromEntries(
      Object.entries(item).map(([key, inner]) => (key === 'mode' ? [key, inner] : [keys ? `${key}${PAYLOAD}` : key, walk(inner, keys || key === 'input')])),
    );
  };
  return walk(value, false) as T;
}

function htmlSection(document: string, id: string): string {
  const match = new RegExp(`<section id="${id}">([\\s\\S]*?)</section>`).exec(document);
  expect(match, `section ${id}`).not.toBeNull();
  return match![1]!;
}

function count(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

/** Markdown tables: each a list of rows, each row its number of cells (unescaped pipes − 1). */
function markdownTables(markdown: string): number[][] {
  const lines = markdown.split('\n');
  const tables: number[][] = [];
  for (let index = 0; index < lines.length; index += 1) {
    if (!/^\| ?-{3}/.test(lines[index + 1] ?? '')) continue;
    const rows: number[] = [];
    let row = index;
    while (row < lines.length && lines[row]!.startsWith('|')) {
      rows.push(count(lines[row]!.replace(/\\./g, ''), /\|/g) - 1);
      row += 1;
    }
    // A table ends at a blank line (or the end): any other line would be read as one more row.
    expect(lines[row] ?? '', `line after the table at line ${index + 1}`).toBe('');
    tables.push(rows);
    index = row;
  }
  return tables;
}

describe('renderInvestigationHtml', () => {
  const document = renderInvestigationHtml(fixture(), OPTIONS);

  it('is a standalone HTML5 document with a strict CSP and no scripts or external resources', () => {
    expect(document.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(document).toContain('<meta charset="utf-8">');
    expect(document).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
    expect(document).not.toMatch(/<script|<link|<img|<iframe|src=|href=|url\(/i);
    expect(document.trimEnd().endsWith('</html>')).toBe(true);
  });

  it('has every section, with the result in it', () => {
    for (const id of ['summary', 'timeline', 'entities', 'enrichment', 'findings', 'proposals', 'sources', 'usage']) htmlSection(document, id);
    expect(document).toContain('XDR-2026-001234');
    expect(document).toContain('Malware on ws-42 after phishing');
    expect(document).toContain('inv-20260302T150000Z-ab12cd');
    expect(htmlSection(document, 'summary')).toContain('phishing email.\nIt then');
    const timeline = htmlSection(document, 'timeline');
    expect(count(timeline, /<tr>/g)).toBe(1 + 3);
    expect(timeline).toContain('2026-03-02 14:03:11 UTC');
    expect(timeline).toContain(`<code title="${HASH}">${HASH.slice(0, 12)}…</code>`);
    expect(timeline).toContain('<span class="badge sev-critical">critical</span>');
    const entities = htmlSection(document, 'entities');
    expect(entities).toMatch(new RegExp(`<td>hash</td><td><code>${HASH}</code></td><td>2</td><td><span class="badge verdict-malicious">malicious</span></td>`));
    expect(entities).toMatch(/<td>ip<\/td><td>10\.10\.4\.42<\/td><td>2<\/td>/);
    expect(entities).toMatch(/<td>domain<\/td><td>invoice-portal\.example<\/td><td>1<\/td><td><span class="badge verdict-suspicious">/);
    const enrichment = htmlSection(document, 'enrichment');
    expect(enrichment).toContain('AMP File Reputation: malicious');
    expect(enrichment).toMatch(/<td>ws-42<\/td><td>secure-endpoint<\/td><td>10\.10\.4\.42<\/td><td>not_isolated<\/td><td>87<\/td><td>yes<\/td>/);
    const findings = htmlSection(document, 'findings');
    expect(findings).toContain('Malware executed');
    expect(findings).toContain('T1204.002');
    expect(findings).toContain('secure-endpoint:threat-1');
    const proposals = htmlSection(document, 'proposals');
    expect(proposals).toContain('<span class="badge state-pending">awaiting approval</span>');
    expect(proposals).toContain('<span class="badge state-bad">denied</span>');
    expect(proposals).toContain('apr-7f3a');
    expect(proposals).toContain('policy: umbrella.block_domain is not allowed for cli:alice');
    expect(proposals).toContain('<pre>{\n  &quot;hostname&quot;: &quot;ws-42&quot;,');
    const sources = htmlSection(document, 'sources');
    expect(sources).toContain('timeout after 30 s');
    expect(sources).toContain('30,000');
    expect(sources).toContain('(truncated)');
    const usage = htmlSection(document, 'usage');
    expect(usage).toContain('claude-sonnet-4-5');
    expect(usage).toContain('48,210');
    expect(usage).toContain('64.3%');
    expect(usage).toContain('$0.1235');
    expect(document).not.toContain('The LLM was not used');
    expect(document).not.toContain('role="alert"');
  });

  it('shows the deterministic-mode notice, the partial banner with its reasons, and None for empty sections', () => {
    const empty: InvestigationResult = { ...deterministic(), timeline: [], findings: [], proposals: [], sources: [], enrichment: { observables: [], hosts: [] }, summary: '' };
    const html = renderInvestigationHtml(empty, OPTIONS);
    expect(html).toContain('The LLM was not used: no ANTHROPIC_API_KEY set');
    expect(html).toMatch(/<div class="banner banner-partial" role="alert">[\s\S]*crowdstrike\.list_alerts failed: timeout after 30 s/);
    for (const id of ['summary', 'timeline', 'entities', 'findings', 'proposals', 'sources']) expect(htmlSection(html, id)).toContain('None');
    expect(count(htmlSection(html, 'enrichment'), /None/g)).toBe(2);
    expect(htmlSection(html, 'usage')).toContain('LLM not used');
  });

  it('escapes every value: injection payloads in every string field stay text and keep the structure', () => {
    const clean = fixture();
    const html = renderInvestigationHtml(poison(deterministic()), OPTIONS);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    // No tag has an onerror attribute: inside tags, the payload only appears in quoted, escaped values.
    const tags = [...html.matchAll(/<[a-z][^>]*>/gi)].map((tag) => tag[0]);
    expect(tags.some((tag) => /onerror/i.test(tag.replace(/"[^"]*"/g, '""')))).toBe(false);
    expect(tags.some((tag) => /onerror=/i.test(tag))).toBe(true);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&lt;/td&gt;&lt;/tr&gt;');
    // Structure intact: one table per table section, one row per item, every row as wide as its header.
    const tableSections: Array<[string, number, number]> = [
      ['timeline', 1, clean.timeline.length],
      ['entities', 1, -1],
      ['sources', 1, clean.sources.length],
      ['enrichment', 2, clean.enrichment.observables.length + clean.enrichment.hosts.length],
    ];
    for (const [id, tables, rows] of tableSections) {
      const body = htmlSection(html, id);
      expect(count(body, /<table/g), id).toBe(tables);
      if (rows >= 0) expect(count(body, /<tr>/g), id).toBe(rows + tables);
      for (const table of body.split('<table').slice(1)) {
        const widths = [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => count(row[1]!, /<t[hd][ >]/g));
        expect(new Set(widths).size, `${id} column counts ${widths.join(',')}`).toBe(1);
      }
    }
    expect(count(htmlSection(html, 'findings'), /<article class="finding">/g)).toBe(clean.findings.length);
    expect(count(htmlSection(html, 'proposals'), /<article class="proposal">/g)).toBe(clean.proposals.length);
    expect(count(htmlSection(html, 'proposals'), /<pre>/g)).toBe(clean.proposals.length);
    // Class names come from the allow-lists only, even with poisoned severities, verdicts and outcomes.
    for (const match of html.matchAll(/class="([^"]*)"/g)) expect(match[1]).toMatch(/^[a-z][a-z0-9 -]*$/);
    expect(html).toContain('sev-unknown');
    expect(html).toContain('The LLM was not used: no ANTHROPIC_API_KEY set&lt;script&gt;');
    expect(html).toContain('role="alert"');
  });
});

describe('renderInvestigationMarkdown', () => {
  it('has every section, with the result in it', () => {
    const markdown = renderInvestigationMarkdown(fixture(), OPTIONS);
    for (const heading of ['# Investigation of XDR-2026-001234', '## Summary', '## Timeline', '## Entities', '## Enrichment', '### Observables', '### Hosts', '## Findings', '## Proposed actions', '## Sources', '## Model usage']) {
      expect(markdown.split('\n')).toContain(heading);
    }
    expect(markdown).toContain('ws-42 ran a malicious attachment from a phishing email.\\\nIt then beaconed');
    expect(markdown).toContain(`| 2026-03-02 14:03:11 UTC | critical | detection\\_finding | Threat Detected | secure-endpoint | hosts: ws-42; users: jdoe; IPs: 10.10.4.42; hashes: ${HASH.slice(0, 12)}… | 1 |`);
    expect(markdown).toContain(`| hash | ${HASH} | 2 | malicious |`);
    expect(markdown).toContain('- **Approval status:** **awaiting approval**');
    expect(markdown).toContain('- **Approval status:** **denied**');
    expect(markdown).toContain('```json\n{\n  "hostname": "ws-42",');
    expect(markdown).toContain('| Estimated cost (USD) | $0.1235 |');
    expect(markdown).toContain('| crowdstrike.list\\_alerts | hostname ws-42 | events | failed | 0 | 30,000 | timeout after 30 s |');
    expect(markdown).not.toContain('The LLM was not used');
    expect(markdownTables(markdown)).toHaveLength(7);
  });

  it('shows the deterministic-mode notice, the partial banner, and None for empty sections', () => {
    const markdown = renderInvestigationMarkdown({ ...deterministic(), findings: [], proposals: [] }, OPTIONS);
    expect(markdown).toContain('The LLM was not used: no ANTHROPIC\\_API\\_KEY set');
    expect(markdown).toMatch(/> \*\*⚠️ Partial result[^\n]*\n>\n> - crowdstrike\.list\\_alerts failed: timeout after 30 s/);
    expect(markdown).toContain('## Findings\n\nNone');
    expect(markdown).toContain('## Proposed actions\n\nNone');
    expect(markdown).toContain('## Model usage\n\nLLM not used');
  });

  it('keeps product data as text: no raw HTML, no structure from payloads, tables keep their columns', () => {
    const clean = markdownTables(renderInvestigationMarkdown(deterministic(), OPTIONS));
    const markdown = renderInvestigationMarkdown(poison(deterministic()), OPTIONS);
    expect(markdown).not.toMatch(/<script|<img|<\/td|<\/tr/i);
    // The only `<` and `>` are ours: cell line breaks and blockquote markers.
    expect(markdown.replaceAll('<br>', '').replace(/^>/gm, '')).not.toMatch(/[<>]/);
    expect(markdown).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const tables = markdownTables(markdown);
    expect(tables.map((rows) => rows.length)).toEqual(clean.map((rows) => rows.length));
    for (const rows of tables) expect(new Set(rows).size, `column counts ${rows.join(',')}`).toBe(1);
    // Headings are ours only: no payload line became a heading, list or fence.
    const headings = markdown.split('\n').filter((line) => /^#{1,6} /.test(line));
    expect(headings.every((line) => /^(# Investigation of|## |### (Observables|Hosts|\d+\. ))/.test(line))).toBe(true);
    expect(count(markdown, /^```/gm)).toBe(2 * 2);
    // Outside the code blocks, payload emphasis, code spans and links are escaped.
    const prose = markdown.replace(/^```json\n[\s\S]*?\n```$/gm, '');
    expect(prose).toContain('\\`z\\` \\*w\\* \\[l\\](http://e.example)');
    expect(prose).not.toMatch(/(^|[^\\])(`z|\*w|\[l)/m);
  });
});

describe('renderInvestigationJson', () => {
  it('round-trips the result with the schema, generation time and version in front', () => {
    const result = fixture();
    const json = renderInvestigationJson(result, OPTIONS);
    expect(json.endsWith('}\n')).toBe(true);
    const parsed: unknown = JSON.parse(json);
    expect(parsed).toEqual({ schema: 'defenseclaw.investigation/v1', generatedAt: OPTIONS.generatedAt, version: '0.1.0', ...result });
    expect(Object.keys(parsed as object).slice(0, 4)).toEqual(['schema', 'generatedAt', 'version', 'id']);
    expect(INVESTIGATION_REPORT_SCHEMA).toBe('defenseclaw.investigation/v1');
    expect(JSON.parse(renderInvestigationJson(poison(result), OPTIONS))).toEqual(JSON.parse(JSON.stringify({ schema: INVESTIGATION_REPORT_SCHEMA, ...OPTIONS, ...poison(result) })));
  });

  it('defaults the generation time to now', () => {
    const { generatedAt } = JSON.parse(renderInvestigationJson(fixture())) as { generatedAt: string };
    expect(Math.abs(Date.parse(generatedAt) - Date.now())).toBeLessThan(60_000);
  });
});

describe('report formats', () => {
  it.each([
    ['report.html', 'html'],
    ['out/Report.HTM', 'html'],
    ['/tmp/inv.json', 'json'],
    ['inv.JSON', 'json'],
    ['notes.md', 'md'],
    ['notes.Markdown', 'md'],
    ['dir.html/report', undefined],
    ['report.txt', undefined],
    ['report', undefined],
    ['report.html.bak', undefined],
  ])('%s → %s', (file, format) => {
    expect(reportFormatFromPath(file)).toBe(format);
  });

  it('dispatches to the renderer of each format', () => {
    const result = fixture();
    expect(renderInvestigationReport(result, 'html', OPTIONS)).toBe(renderInvestigationHtml(result, OPTIONS));
    expect(renderInvestigationReport(result, 'json', OPTIONS)).toBe(renderInvestigationJson(result, OPTIONS));
    expect(renderInvestigationReport(result, 'md', OPTIONS)).toBe(renderInvestigationMarkdown(result, OPTIONS));
  });
});
