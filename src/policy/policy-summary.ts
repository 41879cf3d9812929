import { severityRank } from '../agents/expression/index.js';
import type { CheckEvidence, DriftEntry, PolicyCheckSummary, PolicyRunResult } from './policy-run.js';

/** Host names listed per failing check before "+N more". */
const HOSTS_SHOWN = 5;
/** Failing checks listed before "+N more". */
const CHECKS_SHOWN = 15;

/**
 * A policy run as plain text (`•` bullets, no markup), for Slack notifications, e-mail and the
 * terminal: the headline, failing checks worst first with a few
 * host names each, remediation outcomes, and what changed since the previous run. Product text
 * (host names) is included as is: whoever renders it escapes it for their medium.
 */
export function policyRunSummary(result: PolicyRunResult): string {
  const lines: string[] = [policyRunHeadline(result)];
  const failing = result.checks.filter((check) => check.fail > 0 || check.error > 0).sort(worstFirst);
  if (failing.length > 0) {
    lines.push('', 'Failing checks:');
    for (const check of failing.slice(0, CHECKS_SHOWN)) lines.push(`• [${check.severity}] ${check.policy}/${check.checkId}: ${check.title} — ${checkCounts(check)}${hostList(result, check)}`);
    if (failing.length > CHECKS_SHOWN) lines.push(`• … ${failing.length - CHECKS_SHOWN} more failing check(s)`);
  }
  const remediations = Object.entries(result.remediations);
  if (result.mode === 'enforce') {
    lines.push('', remediations.length === 0 ? 'Remediations: none needed.' : `Remediations${result.dryRun ? ' (dry run, nothing changed)' : ''}: ${remediations.map(([outcome, count]) => `${count} ${outcome.replaceAll('_', ' ')}`).join(', ')}.`);
    const waiting = result.results.filter((item) => item.remediation?.outcome === 'awaiting_approval');
    if (waiting.length > 0) lines.push(`Waiting for approval: ${[...new Set(waiting.map((item) => item.remediation!.approvalId))].slice(0, 10).join(', ')}${waiting.length > 10 ? ', …' : ''} (defenseclaw approvals list).`);
  }
  const drift = result.drift;
  if (drift !== undefined && drift.previousRuns.length > 0) {
    lines.push('', `Since the previous run: ${drift.newFailures.length} new failure(s), ${drift.resolved.length} resolved, ${drift.noLongerEvaluated.length} no longer evaluated, ${drift.stillFailing} still failing${drift.newErrors.length === 0 ? '' : `, ${drift.newErrors.length} new error(s)`}.`);
    for (const entry of drift.newFailures.slice(0, 10)) lines.push(`• new: ${driftLine(entry)}`);
    if (drift.newFailures.length > 10) lines.push(`• … ${drift.newFailures.length - 10} more new failure(s)`);
    for (const entry of drift.resolved.slice(0, 5)) lines.push(`• resolved: ${driftLine(entry)}`);
  } else if (drift !== undefined) {
    lines.push('', 'No previous run of this policy to compare with.');
  }
  for (const note of result.notes) lines.push(`Note: ${note}`);
  return lines.join('\n');
}

/** One line: what ran, on what, and how it went. */
export function policyRunHeadline(result: PolicyRunResult): string {
  const what = result.mode === 'enforce' ? `Policy enforcement${result.dryRun ? ' (dry run)' : ''}` : 'Policy check';
  const scope = result.resource === undefined ? `${result.assets} asset(s)` : result.resource;
  const failingAssets = new Set(result.results.filter((item) => item.status === 'fail').map((item) => item.assetKey)).size;
  const { pass, fail, error } = result.totals;
  const verdict = fail === 0 && error === 0 ? 'all checks pass' : `${fail} failure(s) on ${failingAssets} asset(s)${error === 0 ? '' : `, ${error} check(s) could not be decided`}`;
  return `${what} ${result.policy} on ${scope} (run ${result.id}, ${result.status}): ${verdict}; ${pass} passed.`;
}

function checkCounts(check: PolicyCheckSummary): string {
  return [check.fail > 0 ? `${check.fail} failing` : undefined, check.error > 0 ? `${check.error} error(s)` : undefined].filter(Boolean).join(', ');
}

function hostList(result: PolicyRunResult, check: PolicyCheckSummary): string {
  const hosts = result.results.filter((item) => item.policy === check.policy && item.checkId === check.checkId && item.status !== 'pass').map((item) => item.hostname);
  if (hosts.length === 0) return '';
  const shown = hosts.slice(0, HOSTS_SHOWN).join(', ');
  return ` (${shown}${hosts.length > HOSTS_SHOWN ? `, +${hosts.length - HOSTS_SHOWN} more` : ''})`;
}

function driftLine(entry: DriftEntry): string {
  return `[${entry.severity}] ${entry.policy}/${entry.checkId} on ${entry.hostname} (${entry.before} → ${entry.after})`;
}

function worstFirst(a: PolicyCheckSummary, b: PolicyCheckSummary): number {
  return (severityRank(b.severity) ?? 0) - (severityRank(a.severity) ?? 0) || b.fail - a.fail || a.policy.localeCompare(b.policy) || a.checkId.localeCompare(b.checkId);
}

/** Evidence on one line: `os.name="Windows 10"; days_since_seen=3.2`, and the live read's error if any. */
export function evidenceText(evidence: CheckEvidence): string {
  const parts = Object.entries(evidence.observed).map(([path, value]) => `${path}=${JSON.stringify(value)}`);
  if (evidence.error !== undefined) parts.push(`error: ${evidence.error}`);
  return parts.join('; ');
}

/**
 * The drift report `policy check --all --output FILE.md` writes: the summary, then every new
 * failure, resolved failure, failure no longer evaluated and new error since the previous run, with
 * the evidence of each current failure. Markdown; product text is kept inside code spans.
 */
export function policyDriftReport(result: PolicyRunResult): string {
  const lines = [`# Policy drift: ${result.policy}`, '', '```', policyRunSummary(result).replaceAll('`', "'"), '```', ''];
  const drift = result.drift;
  if (drift === undefined || drift.previousRuns.length === 0) {
    lines.push('No previous run of these policies to compare with: this run is the baseline.', '');
    return lines.join('\n');
  }
  lines.push('Compared with:', ...drift.previousRuns.map((run) => `- ${run.policy}: run \`${run.runId}\` of ${run.startedAt}`), '');
  const evidence = new Map(result.results.map((item) => [`${item.policy}\u0000${item.checkId}\u0000${item.assetKey}`, item.evidence]));
  const section = (title: string, entries: readonly DriftEntry[], withEvidence: boolean) => {
    lines.push(`## ${title} (${entries.length})`, '');
    if (entries.length === 0) lines.push('None.', '');
    else {
      lines.push('| Severity | Policy / check | Asset | Before | Now | Evidence |', '|---|---|---|---|---|---|');
      for (const entry of entries) {
        const seen = withEvidence ? evidence.get(`${entry.policy}\u0000${entry.checkId}\u0000${entry.assetKey}`) : undefined;
        lines.push(`| ${entry.severity} | ${entry.policy}/${entry.checkId} | ${code(entry.hostname)} | ${entry.before} | ${entry.after} | ${seen === undefined ? '' : code(evidenceText(seen))} |`);
      }
      lines.push('');
    }
  };
  section('New failures', drift.newFailures, true);
  section('Resolved', drift.resolved, false);
  section('No longer evaluated', drift.noLongerEvaluated, false);
  section('New errors', drift.newErrors, true);
  lines.push(`Still failing: ${drift.stillFailing}.`, '');
  return lines.join('\n');
}

/** Product text as a Markdown code span inside a table cell: no pipes, no newlines, no backticks. */
function code(text: string): string {
  const clean = text.replace(/[\r\n]+/g, ' ').replaceAll('`', "'").replaceAll('|', '\\|');
  return `\`${clean}\``;
}
