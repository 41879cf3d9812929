import { systemClock } from '../core/clock.js';
import type { HostRecord, ObservableVerdict, SourceReport } from '../investigate/gather/index.js';
import type { InvestigationResult, InvestigationUsage, ProposedAction } from '../investigate/investigation.js';
import type { Finding, TimelineEntry } from '../investigate/timeline/index.js';
import type { ReportOptions } from './report-format.js';
import { SafeHtml, html, join, type HtmlValue } from './safe-html.js';
import { BASE_STYLE } from './report-style.js';

type Severity = TimelineEntry['severity'];
type Verdict = ObservableVerdict['verdict'];
type Entities = TimelineEntry['entities'];

// ---------------------------------------------------------------------------------------------
// Report model, shared with markdown-report.ts: pure functions of the result, no markup.
// ---------------------------------------------------------------------------------------------

/** The entity kinds the entity table lists, in display order. */
export const REPORT_ENTITY_KINDS = ['host', 'user', 'ip', 'domain', 'hash'] as const;
export type ReportEntityKind = (typeof REPORT_ENTITY_KINDS)[number];

/** One distinct entity named on the timeline. */
export interface ReportEntity {
  kind: ReportEntityKind;
  value: string;
  /** Timeline entries that name it. */
  entries: number;
  /** Worst enrichment verdict for it across sources, if any source gave one. */
  verdict?: Verdict;
}

const ENTITY_FIELDS: Readonly<Record<ReportEntityKind, keyof Entities>> = { host: 'hosts', user: 'users', ip: 'ips', domain: 'domains', hash: 'hashes' };
/** Worst first. */
const VERDICT_RANK: readonly Verdict[] = ['malicious', 'suspicious', 'clean', 'unknown'];

/**
 * Every distinct host, user, IP, domain and hash on the timeline, with the number of entries
 * naming it and its worst verdict from `enrichment.observables` (matched case-insensitively).
 * Sorted by kind, then most-named first, then value.
 */
export function reportEntities(result: InvestigationResult): ReportEntity[] {
  const verdicts = worstVerdicts(result.enrichment.observables);
  const counts = new Map<string, ReportEntity>();
  for (const entry of result.timeline) {
    for (const kind of REPORT_ENTITY_KINDS) {
      for (const value of new Set(entry.entities[ENTITY_FIELDS[kind]])) {
        const key = `${kind}\u0000${value}`;
        const known = counts.get(key);
        if (known !== undefined) known.entries += 1;
        else counts.set(key, withVerdict({ kind, value, entries: 1 }, verdicts.get(value.toLowerCase())));
      }
    }
  }
  return [...counts.values()].sort(
    (a, b) => REPORT_ENTITY_KINDS.indexOf(a.kind) - REPORT_ENTITY_KINDS.indexOf(b.kind) || b.entries - a.entries || a.value.localeCompare(b.value),
  );
}

function withVerdict(entity: ReportEntity, verdict: Verdict | undefined): ReportEntity {
  return verdict === undefined ? entity : { ...entity, verdict };
}

function worstVerdicts(observables: readonly ObservableVerdict[]): Map<string, Verdict> {
  const worst = new Map<string, Verdict>();
  for (const observable of observables) {
    const key = String(observable.value).toLowerCase();
    const current = worst.get(key);
    if (current === undefined || rank(observable.verdict) < rank(current)) worst.set(key, observable.verdict);
  }
  return worst;
}

function rank(verdict: Verdict): number {
  const index = VERDICT_RANK.indexOf(verdict);
  return index === -1 ? VERDICT_RANK.length : index;
}

/** An ISO-8601 time as `YYYY-MM-DD HH:MM:SS UTC` (milliseconds only when not zero); unparsable input as given. */
export function formatUtc(time: string): string {
  const ms = Date.parse(time);
  if (!Number.isFinite(ms)) return String(time);
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.endsWith('.000Z') ? iso.slice(11, 19) : iso.slice(11, 23)} UTC`;
}

/** A hash cut to its first 12 characters (with an ellipsis when cut). */
export function shortHash(hash: string): string {
  const value = String(hash);
  return value.length > 12 ? `${value.slice(0, 12)}…` : value;
}

/** A count with thousands separators. */
/** The model-usage figures every report shows, as label/value pairs. */
export function usageRows(usage: InvestigationUsage): Array<[string, string]> {
  return [
    ['Model', usage.model],
    ['Turns', formatCount(usage.turns)],
    ['Input tokens', formatCount(usage.inputTokens)],
    ['Output tokens', formatCount(usage.outputTokens)],
    ['Cache write tokens', formatCount(usage.cacheCreationInputTokens)],
    ['Cache read tokens', formatCount(usage.cacheReadInputTokens)],
    ['Cache share', formatPercent(usage.cacheShare)],
    ['Estimated cost (USD)', formatUsd(usage.estimatedCostUsd)],
    ['Tool calls', formatCount(usage.toolCalls)],
  ];
}

export function formatCount(value: number): string {
  return Number.isFinite(value) ? value.toLocaleString('en-US') : String(value);
}

/** The cache share (0–1) as a percentage with one decimal. */
export function formatPercent(share: number): string {
  return Number.isFinite(share) ? `${(share * 100).toFixed(1)}%` : String(share);
}

/** An amount in US dollars with four decimals. */
export function formatUsd(amount: number): string {
  return Number.isFinite(amount) ? `$${amount.toFixed(4)}` : String(amount);
}

/** A gateway outcome in words: `awaiting_approval` → `awaiting approval`. */
export function outcomeLabel(outcome: string): string {
  return String(outcome).replaceAll('_', ' ');
}

/** A proposal's input as indented JSON; never throws (cycles and BigInts fall back to a string). */
export function prettyJson(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

/** `yes`/`no` for a flag, undefined when it is absent. */
export function yesNo(flag: boolean | undefined): string | undefined {
  return flag === undefined ? undefined : flag ? 'yes' : 'no';
}

/** The generation time and version every renderer prints. */
export function reportMeta(options: ReportOptions): { generatedAt: string; version: string | undefined } {
  return { generatedAt: options.generatedAt ?? systemClock.now().toISOString(), version: options.version };
}

// CSS classes come only from these tables: product data never becomes a class name.
const SEVERITY_CLASS: Readonly<Record<Severity, string>> = { info: 'sev-info', low: 'sev-low', medium: 'sev-medium', high: 'sev-high', critical: 'sev-critical' };
const VERDICT_CLASS: Readonly<Record<Verdict, string>> = { malicious: 'verdict-malicious', suspicious: 'verdict-suspicious', clean: 'verdict-clean', unknown: 'verdict-unknown' };
const STATUS_CLASS: Readonly<Record<InvestigationResult['status'], string>> = { complete: 'state-ok', partial: 'state-warn', failed: 'state-bad' };
const OUTCOME_CLASS: Readonly<Record<string, string>> = {
  awaiting_approval: 'state-pending',
  approved: 'state-ok',
  executed: 'state-ok',
  succeeded: 'state-ok',
  dry_run: 'state-info',
  denied: 'state-bad',
  rejected: 'state-bad',
  invalid: 'state-bad',
  failed: 'state-bad',
  expired: 'state-bad',
};

/** The class for `key` from an allow-list table, or `fallback` for anything not in it. */
function classFor(table: Readonly<Record<string, string>>, key: unknown, fallback: string): string {
  return typeof key === 'string' && Object.hasOwn(table, key) ? (table[key] ?? fallback) : fallback;
}

function badge(label: string, cssClass: string): SafeHtml {
  return html`<span class="badge ${cssClass}">${label}</span>`;
}

function severityBadge(severity: Severity): SafeHtml {
  return badge(severity, classFor(SEVERITY_CLASS, severity, 'sev-unknown'));
}

function verdictBadge(verdict: Verdict | undefined): SafeHtml {
  return verdict === undefined ? html`<span class="muted">—</span>` : badge(verdict, classFor(VERDICT_CLASS, verdict, 'verdict-unknown'));
}

function outcomeBadge(outcome: string): SafeHtml {
  return badge(outcomeLabel(outcome), classFor(OUTCOME_CLASS, outcome, 'state-other'));
}

// ---------------------------------------------------------------------------------------------
// Building blocks.
// ---------------------------------------------------------------------------------------------

const NONE = html`<p class="none">None</p>`;
const DASH = html`<span class="muted">—</span>`;

function section(id: string, title: string, body: SafeHtml): SafeHtml {
  return html`<section id="${id}">
<h2>${title}</h2>
${body}
</section>`;
}

/** A table with a header row; cells are strings (escaped) or markup. */
function table(headers: readonly string[], rows: readonly (readonly HtmlValue[])[]): SafeHtml {
  if (rows.length === 0) return NONE;
  const head = headers.map((header) => html`<th scope="col">${header}</th>`);
  const body = rows.map((cells) => html`<tr>${cells.map((cell) => html`<td>${cell}</td>`)}</tr>\n`);
  return html`<table>
<thead><tr>${head}</tr></thead>
<tbody>
${body}</tbody>
</table>`;
}

/** A definition list of label/value pairs; pairs whose value is undefined are left out. */
function definitions(pairs: readonly (readonly [string, HtmlValue])[]): SafeHtml {
  const items = pairs.filter(([, value]) => value !== undefined).map(([label, value]) => html`<dt>${label}</dt><dd>${value}</dd>`);
  return html`<dl>${items}</dl>`;
}

/** Comma-separated values, or a dash when there are none. */
function list(values: readonly string[]): HtmlValue {
  return values.length === 0 ? DASH : values.join(', ');
}

function hashCode(hash: string): SafeHtml {
  return html`<code title="${hash}">${shortHash(hash)}</code>`;
}

function orDash(value: HtmlValue): HtmlValue {
  return value === undefined || value === null || value === '' ? DASH : value;
}

// ---------------------------------------------------------------------------------------------
// Sections.
// ---------------------------------------------------------------------------------------------

function headerSection(result: InvestigationResult, meta: { generatedAt: string; version: string | undefined }): SafeHtml {
  const incident = result.incident;
  const facts = definitions([
    ['Alert', html`<code>${result.alertId}</code>`],
    ['Incident', incident === null ? html`<span class="muted">Incident details unavailable</span>` : incident.title],
    ['Severity', incident === null ? DASH : severityBadge(incident.severity)],
    ['Incident time', incident === null ? undefined : formatUtc(incident.time)],
    ['Incident status', incident?.status],
    ['Investigation', html`<code>${result.id}</code>`],
    ['Mode', result.mode === 'llm' ? 'LLM' : result.mode === 'deterministic' ? 'deterministic (built-in triage)' : result.mode],
    ['Status', badge(result.status, classFor(STATUS_CLASS, result.status, 'state-other'))],
    ['Requester', result.requester],
    ['Started', formatUtc(result.startedAt)],
    ['Finished', formatUtc(result.finishedAt)],
    ['Window', result.window === null ? DASH : `${formatUtc(result.window.from)} → ${formatUtc(result.window.to)}`],
    ['Generated', formatUtc(meta.generatedAt)],
    ['DefenseClaw version', meta.version],
  ]);
  const description = incident?.description === undefined || incident.description === '' ? '' : html`<p class="pre">${incident.description}</p>`;
  return html`<header id="header">
<h1>Investigation of ${result.alertId}</h1>
${statusBanner(result)}${llmNotice(result)}${facts}
${description}
</header>`;
}

function statusBanner(result: InvestigationResult): SafeHtml | string {
  if (result.status === 'complete') return '';
  const reasons = result.reasons.length === 0 ? html`<p>No reason recorded.</p>` : html`<ul>${result.reasons.map((reason) => html`<li>${reason}</li>`)}</ul>`;
  const heading = result.status === 'failed' ? 'Investigation failed' : 'Partial result: the investigation did not complete';
  return html`<div class="banner banner-${result.status === 'failed' ? 'failed' : 'partial'}" role="alert">
<strong>${heading}</strong>
${reasons}
</div>
`;
}

function llmNotice(result: InvestigationResult): SafeHtml | string {
  if (result.mode !== 'deterministic') return '';
  return html`<div class="notice" role="note"><strong>The LLM was not used: ${result.llmNotUsedReason ?? 'no reason recorded'}</strong></div>
`;
}

function summarySection(result: InvestigationResult): SafeHtml {
  return section('summary', 'Summary', result.summary.trim() === '' ? NONE : html`<p class="pre">${result.summary}</p>`);
}

function entitiesCell(entities: Entities): HtmlValue {
  const parts: SafeHtml[] = [];
  const add = (label: string, values: readonly string[], render: (value: string) => HtmlValue = (value) => value) => {
    if (values.length > 0) parts.push(html`<span class="k">${label}</span> ${join(values.map((value) => html`${render(value)}`), ', ')}`);
  };
  add('hosts', entities.hosts);
  add('users', entities.users);
  add('IPs', entities.ips);
  add('domains', entities.domains);
  add('hashes', entities.hashes, hashCode);
  return parts.length === 0 ? DASH : join(parts, '<br>');
}

function timelineSection(result: InvestigationResult): SafeHtml {
  const rows = result.timeline.map((entry) => [
    html`<span class="nowrap">${formatUtc(entry.time)}</span>`,
    severityBadge(entry.severity),
    entry.class,
    entry.title,
    list(entry.sources),
    entitiesCell(entry.entities),
    formatCount(entry.evidence.length),
  ]);
  return section('timeline', 'Timeline', table(['Time (UTC)', 'Severity', 'Class', 'Title', 'Sources', 'Hosts / users / IPs / domains / hashes', 'Evidence'], rows));
}

function entitySection(result: InvestigationResult): SafeHtml {
  const rows = reportEntities(result).map((entity) => [entity.kind, entity.kind === 'hash' ? html`<code>${entity.value}</code>` : entity.value, formatCount(entity.entries), verdictBadge(entity.verdict)]);
  return section('entities', 'Entities', table(['Kind', 'Value', 'Timeline entries', 'Verdict'], rows));
}

function observableRow(observable: ObservableVerdict): HtmlValue[] {
  return [observable.type, observable.value, verdictBadge(observable.verdict), observable.source, orDash(observable.detail)];
}

function hostRow(host: HostRecord): HtmlValue[] {
  const state = [host.isolation, host.status].filter((value): value is string => value !== undefined && value !== '');
  return [host.hostname, host.source, list(host.ips), list(state), orDash(host.threatScore), orDash(yesNo(host.compromised)), list(host.tags ?? [])];
}

function enrichmentSection(result: InvestigationResult): SafeHtml {
  const observables = table(['Type', 'Value', 'Verdict', 'Source', 'Detail'], result.enrichment.observables.map(observableRow));
  const hosts = table(['Hostname', 'Source', 'IPs', 'Isolation / status', 'Threat score', 'Compromised', 'Tags'], result.enrichment.hosts.map(hostRow));
  return section(
    'enrichment',
    'Enrichment',
    html`<div id="enrichment-observables"><h3>Observables</h3>
${observables}
</div>
<div id="enrichment-hosts"><h3>Hosts</h3>
${hosts}
</div>`,
  );
}

function findingArticle(finding: Finding): SafeHtml {
  const evidence =
    finding.evidence.length === 0
      ? NONE
      : html`<ul class="evidence">${finding.evidence.map(
          (item) => html`<li><span class="nowrap">${formatUtc(item.time)}</span> ${item.title} <span class="muted">(${item.sources.join(', ')})</span> <span class="ids">${item.eventIds.join(', ')}</span></li>`,
        )}</ul>`;
  return html`<article class="finding">
<h3>${finding.title} ${severityBadge(finding.severity)}</h3>
<p class="pre">${finding.summary}</p>
${definitions([
  ['First seen', formatUtc(finding.firstSeen)],
  ['Last seen', formatUtc(finding.lastSeen)],
  ['Techniques', list(finding.techniques)],
  ['Hosts', list(finding.entities.hosts)],
  ['Users', list(finding.entities.users)],
  ['Indicators', list(finding.entities.indicators)],
])}
<h4>Evidence</h4>
${evidence}
</article>
`;
}

function findingsSection(result: InvestigationResult): SafeHtml {
  return section('findings', 'Findings', result.findings.length === 0 ? NONE : html`${result.findings.map(findingArticle)}`);
}

function proposalArticle(proposal: ProposedAction): SafeHtml {
  return html`<article class="proposal">
<h3><code>${proposal.tool}</code> ${outcomeBadge(proposal.outcome)}</h3>
${definitions([
  ['Approval status', outcomeBadge(proposal.outcome)],
  ['Proposed by', proposal.proposedBy],
  ['Approval id', proposal.approvalId === undefined ? undefined : html`<code>${proposal.approvalId}</code>`],
  ['Expires', proposal.expiresAt === undefined ? undefined : formatUtc(proposal.expiresAt)],
  ['Reason', proposal.reason],
])}
<h4>Rationale</h4>
<p class="pre">${proposal.rationale}</p>
<h4>Input</h4>
<pre>${prettyJson(proposal.input)}</pre>
</article>
`;
}

function proposalsSection(result: InvestigationResult): SafeHtml {
  return section('proposals', 'Proposed actions', result.proposals.length === 0 ? NONE : html`${result.proposals.map(proposalArticle)}`);
}

function sourceRow(source: SourceReport): HtmlValue[] {
  const outcome = badge(outcomeLabel(source.outcome), source.ok ? 'state-ok' : 'state-bad');
  return [html`<code>${source.tool}</code>`, source.subject, source.purpose, source.truncated === true ? html`${outcome} <span class="muted">(truncated)</span>` : outcome, formatCount(source.count), formatCount(source.durationMs), orDash(source.error)];
}

function sourcesSection(result: InvestigationResult): SafeHtml {
  return section('sources', 'Sources', table(['Tool', 'Subject', 'Purpose', 'Outcome', 'Count', 'Duration (ms)', 'Error'], result.sources.map(sourceRow)));
}

function usageSection(usage: InvestigationUsage | undefined): SafeHtml {
  if (usage === undefined) return section('usage', 'Model usage', html`<p class="none">LLM not used</p>`);
  return section(
    'usage',
    'Model usage',
    definitions(usageRows(usage)),
  );
}

const STYLE = `${BASE_STYLE}h3 { font-size: 15px; margin: 16px 0 6px; } h4 { font-size: 13px; margin: 10px 0 4px; color: #57606a; }
code, pre { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; } pre { background: #f6f8fa; border: 1px solid #d0d7de; padding: 8px; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
.pre { white-space: pre-wrap; overflow-wrap: anywhere; } .nowrap { white-space: nowrap; } .ids { color: #6e7781; font-size: 12px; overflow-wrap: anywhere; }
.verdict-malicious { background: #cf222e; } .verdict-suspicious { background: #bc4c00; } .verdict-clean { background: #1a7f37; } .verdict-unknown { background: #6e7781; }
.state-ok { background: #1a7f37; } .state-warn, .state-pending { background: #9a6700; } .state-bad { background: #cf222e; } .state-info, .state-other { background: #6e7781; }
.banner, .notice { border: 2px solid; border-radius: 6px; padding: 8px 12px; margin: 12px 0; } .banner ul { margin: 4px 0 0; }
.banner-partial { border-color: #bf8700; background: #fff8c5; } .banner-failed { border-color: #cf222e; background: #ffebe9; } .notice { border-color: #0969da; background: #ddf4ff; }
article { border: 1px solid #d0d7de; border-radius: 6px; padding: 4px 12px 8px; margin: 12px 0; }
@media print { body { max-width: none; padding: 0; } article, tr { break-inside: avoid; } }
`;

/**
 * The investigation as one self-contained HTML5 document: inline CSS only, no scripts, no external
 * resources, and a Content-Security-Policy that forbids anything else. Sections: header (with the
 * partial/failed banner and the deterministic-mode notice), summary, timeline, entities,
 * enrichment, findings, proposed actions, sources and model usage. Every value from the result is
 * HTML-escaped (text and attributes); CSS classes come only from fixed allow-lists.
 */
export function renderInvestigationHtml(result: InvestigationResult, options: ReportOptions = {}): string {
  const meta = reportMeta(options);
  const title = result.incident === null ? `Investigation ${result.alertId}` : `${result.alertId}: ${result.incident.title}`;
  const document = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="${meta.version === undefined ? 'DefenseClaw' : `DefenseClaw ${meta.version}`}">
<title>${title}</title>
<style>${new SafeHtml(STYLE)}</style>
</head>
<body>
${headerSection(result, meta)}
<main>
${summarySection(result)}
${timelineSection(result)}
${entitySection(result)}
${enrichmentSection(result)}
${findingsSection(result)}
${proposalsSection(result)}
${sourcesSection(result)}
${usageSection(result.usage)}
</main>
<footer>Generated by DefenseClaw${meta.version === undefined ? '' : ` ${meta.version}`} at ${formatUtc(meta.generatedAt)}. Product data in this report is untrusted and shown as text.</footer>
</body>
</html>
`;
  return document.text;
}
