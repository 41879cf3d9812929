import type { ScheduledJob } from '../job.js';
import type { JobNotification } from './job-notifier.js';

export interface FinishedRunFacts {
  job: ScheduledJob;
  /** ISO slot, or `manual:<ISO>`. */
  slot: string;
  finishedAt: string;
  status: 'succeeded' | 'failed';
  /** The handler's summary (succeeded) or the error message (failed). */
  text: string;
}

/** The summary's first line is cut to this in the subject (a policy headline fits). */
const SUBJECT_SUMMARY_LENGTH = 160;

/** Subject and plain-text body telling one run: what ran, when, and its summary or error. */
export function jobNotification(facts: FinishedRunFacts): JobNotification {
  const { job } = facts;
  const firstLine = facts.text.split(/\r?\n/).find((line) => line.trim() !== '')?.trim() ?? '';
  const headline = facts.status === 'failed' ? 'run failed' : firstLine.length > SUBJECT_SUMMARY_LENGTH ? `${firstLine.slice(0, SUBJECT_SUMMARY_LENGTH - 1)}…` : firstLine || 'done';
  return {
    subject: `DefenseClaw ${job.name}: ${headline}`,
    text: [
      facts.status === 'failed' ? `The scheduled job ${job.name} failed: ${facts.text}` : facts.text,
      '',
      `Job: ${job.name} (${job.kind}, ${job.schedule})`,
      `Slot: ${facts.slot}`,
      `Finished: ${facts.finishedAt}`,
      `Status: ${facts.status}`,
    ].join('\n'),
  };
}
