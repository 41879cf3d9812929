import { shortHostname, type EventClass, type SecurityEvent } from '../../../connectors/model/index.js';
import { userKey } from '../../../investigate/timeline/index.js';
import type { CorrelationAttributes, EventOutcome } from '../correlation-event.js';

/** A product field as non-empty text (numbers as their decimal text), else undefined. */
export function textField(event: SecurityEvent, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = event.fields[name];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  }
  return undefined;
}

/** A product field as a whole number (ports), else undefined. */
export function integerField(event: SecurityEvent, ...names: string[]): number | undefined {
  for (const name of names) {
    const value = event.fields[name];
    const number = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (Number.isInteger(number)) return number;
  }
  return undefined;
}

/** A string property of an untrusted raw record, else undefined. */
export function rawText(raw: unknown, ...names: string[]): string | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  for (const name of names) {
    const value = (raw as Record<string, unknown>)[name];
    const text = Array.isArray(value) ? value[0] : value;
    if (typeof text === 'string' && text.trim() !== '' && text.trim() !== '-') return text.trim();
  }
  return undefined;
}

export function hostOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const host = shortHostname(value);
  return host === '' ? undefined : host;
}

export function userOf(value: string | undefined): Pick<CorrelationAttributes, 'user' | 'userOriginal'> {
  if (value === undefined) return {};
  const user = userKey(value);
  if (user === '') return {};
  return { user, ...(user === value ? {} : { userOriginal: value }) };
}

const OUTCOMES: ReadonlySet<string> = new Set(['success', 'failure', 'allowed', 'blocked']);

/** The connectors' `outcome` field when it is one of ours (Umbrella's `proxied` is not). */
export function outcomeOf(event: SecurityEvent): EventOutcome | undefined {
  const value = textField(event, 'outcome')?.toLowerCase();
  return value !== undefined && OUTCOMES.has(value) ? (value as EventOutcome) : undefined;
}

/** Sigma logsource categories of our classes; detections, incidents and other have none. */
const CATEGORY: Readonly<Record<EventClass, string | undefined>> = {
  authentication: 'authentication',
  process_activity: 'process_creation',
  network_activity: 'network_connection',
  dns_activity: 'dns',
  file_activity: 'file_event',
  email_activity: 'email',
  detection_finding: undefined,
  incident_finding: undefined,
  other: undefined,
};

export function categoryOf(eventClass: EventClass): string | undefined {
  return CATEGORY[eventClass];
}

/** Drops undefined members, so attributes stay small and `in` checks stay honest. */
export function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined)) as T;
}

/** `undefined` when the object has no defined member. */
export function nonEmpty<T extends object>(value: T): T | undefined {
  const kept = defined(value);
  return Object.keys(kept).length === 0 ? undefined : kept;
}
