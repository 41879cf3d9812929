import type { HostRecord, ObservableVerdict, SourceReport } from '../investigate/gather/index.js';
import type { InvestigationResult, InvestigationUsage, ProposedAction } from '../investigate/investigation.js';
import type { Finding, TimelineEntry } from '../investigate/timeline/index.js';
import { formatCount, formatUtc, outcomeLabel, prettyJson, reportEntities, reportMeta, shortHash, usageRows, yesNo } from './html-report.js';
import type { ReportOptions } from './report-format.js';

type Severity = TimelineEntry['severity'];
type Entities = TimelineEntry['entities'];

// ---------------------------------------------------------------------------------------------
// Escaping: product data is text, never Markdown structure and never HTML.
// ---------------------------------------------------------------------------------------------

const NEWLINES = /\r\n|[\r\n\u2028\u2029\u0085]/g;

/**
 * Untrusted text for inline use: `<`, `>` and `&` become entities (so no raw HTML ever reaches the
 * output), and the Markdown control characters `\` `` ` `` `*` `_` `[` `]` `#` `|` `~` are
 * backslash-escaped. Newlines are left for the caller.
 */
function escapeInline(value: unknown): string {
  return String(value)
    .replace(/[\\`*_[\]#|~]/g, (character) => `\\${character}`)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;');
}

/** Untrusted text on one line (headings, list items): newlines become spaces. */
function mdLine(value: unknown): string {
  return escapeInline(value).replace(NEWLINES, ' ').trim();
}

/** Untrusted text in a table cell: pipes escaped, newlines as `<br>`; a dash when empty. */
function mdCell(value: unknown): string {
  if (value === undefined || value === null || value === '') return '—';
  return escapeInline(value).replace(NEWLINES, '<br>');
}

/**
 * Untrusted multi-line text as a paragraph with its line breaks kept (hard breaks). Each line is
 * left-trimmed (no indented code) and a leading block marker (`-`, `+`, `=`, `1.`) is escaped, so no
 * line can start a list, heading, quote, fence or table.
 */
function mdBlock(value: string): string {
  const lines = String(value)
    .split(NEWLINES)
    .map((line) => escapeBlockStart(escapeInline(line.trimStart())).trimEnd());
  return lines.map((line, index) => (line === '' || index === lines.length - 1 || lines[index + 1] === '' ? line : `${line}\\`)).join('\n');
}

function escapeBlockStart(line: string): string {
  if (/^[-+=]/.test(line)) return `\\${line}`;
  return line.replace(/^(\d+)([.)])/, '$1\\$2');
}

/** Code-block safe JSON: `<`, `>`, `&` and backticks as JSON `\u` escapes (still valid, same value). */
function fencedJson(value: unknown): string {
  const text = prettyJson(value).replace(/[<>&`]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `\`\`\`json\n${text}\n\`\`\``;
}

// ---------------------------------------------------------------------------------------------
// Building blocks.
// ---------------------------------------------------------------------------------------------

const SEVERITY_LABEL: Readonly<Record<Severity, string>> = { info: 'INFO', low: 'LOW', medium: 'MEDIUM', high: 'HIGH', critical: 'CRITICAL' };

/** Severity in capitals, bold, from a fixed table; anything else escaped as given. */
function severity(value: Severity): string {
  return typeof value === 'string' && Object.hasOwn(SEVERITY_LABEL, value) ? `**${SEVERITY_LABEL[value]}**` : mdLine(value);
}

/** A GitHub table, or `None` when there are no rows. Cells are escaped here. */
function table(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  if (rows.length === 0) return 'None';
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map((cells) => line(cells.map(mdCell)))].join('\n');
}

/** A bullet list of label: value pairs (values already Markdown); pairs without a value are left out. */
function bullets(pairs: readonly (readonly [string, string | undefined])[]): string {
  return pairs
    .filter((pair): pair is readonly [string, string] => pair[1] !== undefined)
    .map(([label, value]) => `- **${label}:** ${value}`)
    .join('\n');
}

function joined(values: readonly string[]): string {
  return values.length === 0 ? '—' : values.join(', ');
}

function section(title: string, body: string): string {
  return `## ${title}\n\n${body}`;
}

// ---------------------------------------------------------------------------------------------
// Sections.
// ---------------------------------------------------------------------------------------------

function headerSection(result: InvestigationResult, meta: { generatedAt: string; version: string | undefined }): string {
  const incident = result.incident;
  const facts = table(
    ['Field', 'Value'],
    [
      ['Alert', result.alertId],
      ['Incident', incident === null ? 'Incident details unavailable' : incident.title],
      ['Severity', incident === null ? undefined : incident.severity],
      ['Incident time', incident === null ? undefined : formatUtc(incident.time)],
      ['Incident status', incident?.status],
      ['Investigation', result.id],
      ['Mode', result.mode === 'llm' ? 'LLM' : result.mode === 'deterministic' ? 'deterministic (built-in triage)' : result.mode],
      ['Status', result.status],
      ['Requester', result.requester],
      ['Started', formatUtc(result.startedAt)],
      ['Finished', formatUtc(result.finishedAt)],
      ['Window', result.window === null ? undefined : `${formatUtc(result.window.from)} → ${formatUtc(result.window.to)}`],
      ['Generated', formatUtc(meta.generatedAt)],
      ['DefenseClaw version', meta.version],
    ],
  );
  const parts = [`# Investigation of ${mdLine(result.alertId)}`, statusBanner(result), llmNotice(result), facts];
  if (incident?.description !== undefined && incident.description !== '') parts.push(`**Incident description:**\n\n${mdBlock(incident.description)}`);
  return parts.filter((part) => part !== '').join('\n\n');
}

function statusBanner(result: InvestigationResult): string {
  if (result.status === 'complete') return '';
  const heading = result.status === 'failed' ? '> **⛔ Investigation failed**' : '> **⚠️ Partial result: the investigation did not complete**';
  const reasons = result.reasons.length === 0 ? ['> - No reason recorded.'] : result.reasons.map((reason) => `> - ${mdLine(reason)}`);
  return [heading, '>', ...reasons].join('\n');
}

function llmNotice(result: InvestigationResult): string {
  return result.mode === 'deterministic' ? `> **ℹ️ The LLM was not used: ${mdLine(result.llmNotUsedReason ?? 'no reason recorded')}**` : '';
}

function summarySection(result: InvestigationResult): string {
  return section('Summary', result.summary.trim() === '' ? 'None' : mdBlock(result.summary));
}

function entitiesText(entities: Entities): string {
  const parts = [
    ['hosts', entities.hosts],
    ['users', entities.users],
    ['IPs', entities.ips],
    ['domains', entities.domains],
    ['hashes', entities.hashes.map(shortHash)],
  ] as const;
  return parts
    .filter(([, values]) => values.length > 0)
    .map(([label, values]) => `${label}: ${values.join(', ')}`)
    .join('; ');
}

function timelineSection(result: InvestigationResult): string {
  const rows = result.timeline.map((entry) => [formatUtc(entry.time), entry.severity, entry.class, entry.title, entry.sources.join(', '), entitiesText(entry.entities), formatCount(entry.evidence.length)]);
  return section('Timeline', table(['Time (UTC)', 'Severity', 'Class', 'Title', 'Sources', 'Hosts / users / IPs / domains / hashes', 'Evidence'], rows));
}

function entitySection(result: InvestigationResult): string {
  const rows = reportEntities(result).map((entity) => [entity.kind, entity.value, formatCount(entity.entries), entity.verdict]);
  return section('Entities', table(['Kind', 'Value', 'Timeline entries', 'Verdict'], rows));
}

function observableRow(observable: ObservableVerdict): unknown[] {
  return [observable.type, observable.value, observable.verdict, observable.source, observable.detail];
}

function hostRow(host: HostRecord): unknown[] {
  const state = [host.isolation, host.status].filter((value): value is string => value !== undefined && value !== '');
  return [host.hostname, host.source, host.ips.join(', '), state.join(', '), host.threatScore, yesNo(host.compromised), (host.tags ?? []).join(', ')];
}

function enrichmentSection(result: InvestigationResult): string {
  const observables = table(['Type', 'Value', 'Verdict', 'Source', 'Detail'], result.enrichment.observables.map(observableRow));
  const hosts = table(['Hostname', 'Source', 'IPs', 'Isolation / status', 'Threat score', 'Compromised', 'Tags'], result.enrichment.hosts.map(hostRow));
  return section('Enrichment', `### Observables\n\n${observables}\n\n### Hosts\n\n${hosts}`);
}

function findingBlock(finding: Finding, index: number): string {
  const evidence =
    finding.evidence.length === 0
      ? '  - None'
      : finding.evidence.map((item) => `  - ${mdLine(formatUtc(item.time))} ${mdLine(item.title)} (${mdLine(item.sources.join(', '))}): ${mdLine(item.eventIds.join(', '))}`).join('\n');
  const facts = bullets([
    ['Severity', severity(finding.severity)],
    ['Summary', mdLine(finding.summary)],
    ['First seen', mdLine(formatUtc(finding.firstSeen))],
    ['Last seen', mdLine(formatUtc(finding.lastSeen))],
    ['Techniques', mdLine(joined(finding.techniques))],
    ['Hosts', mdLine(joined(finding.entities.hosts))],
    ['Users', mdLine(joined(finding.entities.users))],
    ['Indicators', mdLine(joined(finding.entities.indicators))],
  ]);
  return `### ${index + 1}. ${mdLine(finding.title)}\n\n${facts}\n- **Evidence:**\n${evidence}`;
}

function findingsSection(result: InvestigationResult): string {
  return section('Findings', result.findings.length === 0 ? 'None' : result.findings.map(findingBlock).join('\n\n'));
}

function proposalBlock(proposal: ProposedAction, index: number): string {
  const facts = bullets([
    ['Approval status', `**${mdLine(outcomeLabel(proposal.outcome))}**`],
    ['Proposed by', mdLine(proposal.proposedBy)],
    ['Approval id', proposal.approvalId === undefined ? undefined : mdLine(proposal.approvalId)],
    ['Expires', proposal.expiresAt === undefined ? undefined : mdLine(formatUtc(proposal.expiresAt))],
    ['Reason', proposal.reason === undefined ? undefined : mdLine(proposal.reason)],
  ]);
  return `### ${index + 1}. ${mdLine(proposal.tool)} (${mdLine(outcomeLabel(proposal.outcome))})\n\n${facts}\n\n**Rationale:**\n\n${mdBlock(proposal.rationale)}\n\n**Input:**\n\n${fencedJson(proposal.input)}`;
}

function proposalsSection(result: InvestigationResult): string {
  return section('Proposed actions', result.proposals.length === 0 ? 'None' : result.proposals.map(proposalBlock).join('\n\n'));
}

function sourceRow(source: SourceReport): unknown[] {
  return [source.tool, source.subject, source.purpose, `${outcomeLabel(source.outcome)}${source.truncated === true ? ' (truncated)' : ''}`, formatCount(source.count), formatCount(source.durationMs), source.error];
}

function sourcesSection(result: InvestigationResult): string {
  return section('Sources', table(['Tool', 'Subject', 'Purpose', 'Outcome', 'Count', 'Duration (ms)', 'Error'], result.sources.map(sourceRow)));
}

function usageSection(usage: InvestigationUsage | undefined): string {
  if (usage === undefined) return section('Model usage', 'LLM not used');
  return section(
    'Model usage',
    table(
      ['Metric', 'Value'],
      usageRows(usage),
    ),
  );
}

/**
 * The investigation as GitHub-flavoured Markdown, with the same sections as the HTML report.
 * Product data cannot change the document's structure: table cells escape `|` and newlines, free
 * text escapes the Markdown control characters, and `<`, `>`, `&` are always written as entities,
 * so no raw HTML from the result reaches the output. Proposal inputs are JSON in fenced code
 * blocks with `<`, `>`, `&` and backticks as `\u` escapes.
 */
export function renderInvestigationMarkdown(result: InvestigationResult, options: ReportOptions = {}): string {
  const meta = reportMeta(options);
  const sections = [
    headerSection(result, meta),
    summarySection(result),
    timelineSection(result),
    entitySection(result),
    enrichmentSection(result),
    findingsSection(result),
    proposalsSection(result),
    sourcesSection(result),
    usageSection(result.usage),
    `---\n\n_Generated by DefenseClaw${meta.version === undefined ? '' : ` ${mdLine(meta.version)}`} at ${mdLine(formatUtc(meta.generatedAt))}. Product data in this report is untrusted and shown as text._`,
  ];
  return `${sections.join('\n\n')}\n`;
}
