import type { ProposedAction } from '../investigation.js';
import type { TriageOutcome } from './deterministic-triage.js';

/**
 * A plain summary of the deterministic triage: the incident, what the timeline covers, each
 * finding's one-line summary in time order, and what was proposed. No model involved.
 */
export function deterministicSummary(triage: TriageOutcome, proposals: readonly ProposedAction[]): string {
  const { incident, timeline, findings } = triage;
  const lines: string[] = [];
  const sources = new Set(timeline.flatMap((entry) => entry.sources));
  const hosts = new Set(timeline.flatMap((entry) => entry.entities.hosts));
  const users = new Set(timeline.flatMap((entry) => entry.entities.users));
  lines.push(
    `${incident.id} (${incident.severity}): ${incident.title}. ` +
      (timeline.length === 0
        ? 'No related events were found in the connected products.'
        : `${timeline.length} related events from ${sources.size} product(s) between ${timeline[0]!.time} and ${timeline.at(-1)!.lastTime}, involving ${hosts.size} host(s) and ${users.size} account(s).`),
  );
  const ordered = [...findings].sort((a, b) => a.firstSeen.localeCompare(b.firstSeen));
  if (ordered.length > 0) lines.push(`In order: ${ordered.map((finding) => finding.title.toLowerCase()).join('; ')}.`);
  const pending = proposals.filter((proposal) => proposal.outcome === 'awaiting_approval').length;
  const refused = proposals.length - pending;
  if (proposals.length > 0) lines.push(`${proposals.length} response action(s) proposed: ${pending} awaiting approval${refused === 0 ? '' : `, ${refused} refused by the gateway`}.`);
  return lines.join(' ');
}
