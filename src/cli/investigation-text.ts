import type { AssetInvestigation, InvestigationResult } from '../investigate/index.js';
import { collapseBursts } from '../investigate/timeline/index.js';
import { renderTable } from './output.js';

/** Terminal text of an investigation: header, notices, summary, findings, proposals, and on request timeline and enrichment. */
export function investigationText(result: InvestigationResult, sections: { timeline: boolean; enrich: boolean }): string {
  const lines: string[] = [];
  const incident = result.incident;
  lines.push(`Investigation ${result.id} of ${result.alertId}${incident === null ? '' : ` (${incident.severity}): ${oneLine(incident.title)}`}`);
  lines.push(result.mode === 'llm' ? `Mode: LLM (${result.usage?.model ?? 'model'}) over the deterministic triage` : `Mode: deterministic triage. The LLM was not used: ${result.llmNotUsedReason ?? 'not configured'}.`);
  if (result.status !== 'complete') {
    lines.push(`${result.status.toUpperCase()} RESULT:`);
    for (const reason of result.reasons) lines.push(`  - ${oneLine(reason)}`);
  }
  if (result.summary !== '') lines.push('', 'Summary', ...result.summary.split('\n').map((line) => `  ${stripControls(line)}`));
  if (sections.timeline && result.timeline.length > 0) {
    lines.push('', `Timeline (${result.timeline.length} events)`);
    for (const item of collapseBursts(result.timeline)) {
      if (item.kind === 'burst') lines.push(`  ${item.time}  ${pad(item.severity, 8)} ${oneLine(item.title)}  [${item.sources.join(', ')}]`);
      else lines.push(`  ${item.entry.time}  ${pad(item.entry.severity, 8)} ${oneLine(item.entry.title)}${entityText(item.entry.entities)}  [${item.entry.sources.join(', ')}]`);
    }
  }
  if (sections.enrich) {
    lines.push('', 'Enrichment');
    if (result.enrichment.observables.length === 0) lines.push('  none');
    else lines.push(indent(renderTable(['type', 'value', 'verdict', 'source', 'detail'], result.enrichment.observables.map((verdict) => [verdict.type, oneLine(verdict.value), verdict.verdict, verdict.source, oneLine(verdict.detail ?? '')]), 60)));
    if (result.enrichment.hosts.length > 0) {
      lines.push(indent(renderTable(['host', 'source', 'ips', 'state', 'threat'], result.enrichment.hosts.map((host) => [oneLine(host.hostname), host.source, host.ips.join(' '), host.isolation ?? host.status ?? '', host.threatScore ?? '']), 40)));
    }
  }
  if (result.findings.length > 0) {
    lines.push('', 'Findings');
    for (const finding of result.findings) lines.push(`  [${finding.severity}] ${oneLine(finding.title)}: ${oneLine(finding.summary)}`);
  }
  if (result.proposals.length > 0) {
    lines.push('', 'Proposed actions');
    for (const proposal of result.proposals) {
      const state = proposal.outcome === 'awaiting_approval' ? `awaiting approval ${proposal.approvalId} until ${proposal.expiresAt}` : `${proposal.outcome}${proposal.reason === undefined ? '' : `: ${oneLine(proposal.reason)}`}`;
      lines.push(`  ${proposal.tool} ${oneLine(JSON.stringify(proposal.input))} (${state})`);
    }
  }
  const failed = result.sources.filter((source) => !source.ok);
  lines.push('', `Sources: ${result.sources.length} reads, ${failed.length} failed${failed.length === 0 ? '' : `: ${failed.map((source) => `${source.tool} (${oneLine(source.error ?? source.outcome)})`).join('; ')}`}`);
  if (result.usage !== undefined) {
    const usage = result.usage;
    lines.push(`Usage: ${usage.turns} model turns, ${usage.toolCalls} tool calls, ${usage.inputTokens} in / ${usage.outputTokens} out tokens, cache write ${usage.cacheCreationInputTokens} / read ${usage.cacheReadInputTokens} (${Math.round(usage.cacheShare * 100)}% of input from cache), est. $${usage.estimatedCostUsd.toFixed(4)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Terminal table of an asset investigation. */
export function assetText(asset: AssetInvestigation): string {
  const lines = [`Asset ${asset.hostname} (${asset.window.from} → ${asset.window.to})`];
  if (asset.records.length === 0) lines.push('  No product knows this host.');
  else lines.push(indent(renderTable(['source', 'ips', 'state', 'threat', 'compromised'], asset.records.map((record) => [record.source, record.ips.join(' '), record.isolation ?? record.status ?? '', record.threatScore ?? '', record.compromised === undefined ? '' : String(record.compromised)]), 40)));
  lines.push('', `Events (${asset.timeline.length})`);
  for (const entry of asset.timeline) lines.push(`  ${entry.time}  ${pad(entry.severity, 8)} ${oneLine(entry.title)}  [${entry.sources.join(', ')}]`);
  const failed = asset.sources.filter((source) => !source.ok);
  if (failed.length > 0) lines.push('', `PARTIAL: ${failed.map((source) => `${source.tool} (${oneLine(source.error ?? source.outcome)})`).join('; ')}`);
  return `${lines.join('\n')}\n`;
}

function entityText(entities: { hosts: string[]; users: string[] }): string {
  const parts = [...entities.hosts, ...entities.users].slice(0, 3);
  return parts.length === 0 ? '' : ` — ${oneLine(parts.join(', '))}`;
}

function pad(text: string, width: number): string {
  return text.padEnd(width);
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

/** Product text on one terminal line, without control characters (no escape sequences reach the terminal). */
export function oneLine(text: string): string {
  return stripControls(text.replace(/\s+/g, ' ')).slice(0, 300);
}

function stripControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
}
