import { z } from 'zod';
import { InputError, type InputProblem } from '../../core/errors/index.js';
import type { FieldValue, FlatEvent } from '../engine/index.js';
import { flatFields } from './flat-event.js';
import { toCorrelationEvent } from './to-correlation-event.js';

/** Where an event of a JSONL file came from, handed back in detections and correlations. */
export interface EventLine {
  /** 1-based line in the file. */
  line: number;
  /** The event's `id`, when it has one. */
  id?: string;
  /** ISO-8601 time. */
  time: string;
}

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const fieldValue = z.union([scalar, z.array(z.string())]);
const time = z.union([z.number().finite(), z.string().refine((value) => !Number.isNaN(Date.parse(value)), { message: 'not an ISO-8601 time' })]);

/** A line already in the engine's shape: `{ "time": epoch ms or ISO, "fields": { "src.ip": … } }`. */
const flatLine = z.object({ time, fields: z.record(z.string(), fieldValue), id: z.string().optional() }).loose();

/** A line in the connectors' `SecurityEvent` shape (what `--json` outputs and reports hold). */
const securityEventLine = z
  .object({
    id: z.string().min(1),
    time: z.string().refine((value) => !Number.isNaN(Date.parse(value)), { message: 'not an ISO-8601 time' }),
    class: z.enum(['detection_finding', 'incident_finding', 'network_activity', 'dns_activity', 'process_activity', 'file_activity', 'authentication', 'email_activity', 'other']),
    severity: z.enum(['info', 'low', 'medium', 'high', 'critical']),
    source: z.string().min(1),
    title: z.string(),
    message: z.string().optional(),
    entities: z.object({ hosts: z.array(z.string()), users: z.array(z.string()), ips: z.array(z.string()), domains: z.array(z.string()), hashes: z.array(z.string()), urls: z.array(z.string()) }),
    fields: z.record(z.string(), scalar),
    classUid: z.number().optional(),
    raw: z.unknown().optional(),
  })
  .loose();

/**
 * Events from JSONL text for `rule test`: each non-blank line is either a flat event
 * (`{"time": …, "fields": {…}}`, fields named as rules read them) or a `SecurityEvent` as the
 * connectors produce it (mapped with the correlation mapping; reports are not merged here: the
 * file is taken as given). Throws InputError with `file:line:col` for every bad line.
 */
export function readEventLines(text: string, file: string): Array<FlatEvent<EventLine>> {
  const events: Array<FlatEvent<EventLine>> = [];
  const problems: InputProblem[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '') return;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      problems.push({ file, line, column: 1, message: `not JSON: ${(error as Error).message}` });
      return;
    }
    const isSecurityEvent = value !== null && typeof value === 'object' && 'class' in value && 'entities' in value;
    if (isSecurityEvent) {
      const parsed = securityEventLine.safeParse(value);
      if (!parsed.success) {
        problems.push({ file, line, column: 1, message: `not a SecurityEvent: ${issueText(parsed.error)}` });
        return;
      }
      const { data } = parsed;
      const event = toCorrelationEvent({
        id: data.id, time: data.time, class: data.class, classUid: data.classUid ?? 0, severity: data.severity, source: data.source, title: data.title,
        ...(data.message === undefined ? {} : { message: data.message }), entities: data.entities, fields: data.fields, raw: data.raw,
      });
      events.push({ time: event.timeMs, fields: flatFields(event), ref: { line, id: event.id, time: event.time } });
      return;
    }
    const parsed = flatLine.safeParse(value);
    if (!parsed.success) {
      problems.push({ file, line, column: 1, message: `expected {"time": …, "fields": {…}} or a SecurityEvent: ${issueText(parsed.error)}` });
      return;
    }
    const timeMs = typeof parsed.data.time === 'number' ? parsed.data.time : Date.parse(parsed.data.time);
    events.push({
      time: timeMs,
      fields: parsed.data.fields as Record<string, FieldValue>,
      ref: { line, ...(parsed.data.id === undefined ? {} : { id: parsed.data.id }), time: new Date(timeMs).toISOString() },
    });
  });
  if (problems.length > 0) throw new InputError(problems, { code: 'events_invalid' });
  return events;
}

function issueText(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length === 0 ? '(line)' : issue.path.join('.')}: ${issue.message}`)
    .join('; ');
}
