import type { RunEventRecord, StepRecord } from '../../agents/runner/run-store.js';
import type { Finding } from '../blocks/job-message-blocks.js';
import type { TimelineEntry } from '../blocks/timeline-blocks.js';

const MARKS: Record<string, string> = {
  run_started: '▶',
  step_started: '…',
  step_succeeded: '✓',
  step_skipped: '–',
  step_failed: '✗',
  awaiting_approval: '⏸',
  approval_decided: '✓',
  run_finished: '■',
};

/** A run event as a timeline line. */
export function runEventEntry(event: Pick<RunEventRecord, 'time' | 'type' | 'message'>): TimelineEntry {
  return { time: event.time, mark: MARKS[event.type] ?? '·', text: event.message };
}

/** Fields that say the most about a tool's output, in the order they are shown. */
const TELLING_FIELDS = ['found', 'title', 'severity', 'status', 'verdict', 'disposition', 'risk_score', 'threat_score', 'compromised', 'isolated', 'count', 'total', 'number', 'hostname'];

/** A short, plain summary of one step's output (tool output is data: it is only ever quoted). */
export function summarizeOutput(output: unknown): string {
  if (output === null || output === undefined) return 'no output';
  if (Array.isArray(output)) return `${output.length} item(s)`;
  if (typeof output !== 'object') return String(output).slice(0, 200);
  const record = output as Record<string, unknown>;
  const parts: string[] = [];
  const visit = (object: Record<string, unknown>, prefix: string, depth: number) => {
    for (const field of TELLING_FIELDS) {
      const value = object[field];
      if (value === undefined || value === null || typeof value === 'object') continue;
      parts.push(`${prefix}${field}=${String(value).slice(0, 80)}`);
    }
    for (const [key, value] of Object.entries(object)) {
      if (Array.isArray(value)) parts.push(`${prefix}${key}: ${value.length}`);
      else if (depth < 1 && typeof value === 'object' && value !== null) visit(value as Record<string, unknown>, `${key}.`, depth + 1);
    }
  };
  visit(record, '', 0);
  return parts.length === 0 ? `fields: ${Object.keys(record).slice(0, 6).join(', ')}` : parts.slice(0, 8).join(', ');
}

/** One finding per step that ran (skipped steps included, so the reader sees the whole path). */
export function stepFindings(steps: readonly StepRecord[]): Finding[] {
  return steps.map((step) => ({
    label: step.name,
    status: step.status,
    summary: step.status === 'skipped' ? 'condition false' : step.status === 'awaiting_approval' ? `waiting for approval ${step.approvalId ?? ''}` : summarizeOutput(step.output === null ? null : (JSON.parse(step.output) as unknown)),
  }));
}
