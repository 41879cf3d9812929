import { z } from 'zod';
import { EVENT_CLASS_UID, type SecurityEvent } from '../../connectors/model/index.js';

/** A `SecurityEvent` in a tool's output (untrusted: checked, rebuilt field by field). */
export const securityEventSchema = z
  .object({
    id: z.string().min(1),
    time: z.string(),
    class: z.enum(['detection_finding', 'incident_finding', 'network_activity', 'dns_activity', 'process_activity', 'file_activity', 'authentication', 'email_activity', 'other']),
    classUid: z.number().optional(),
    severity: z.enum(['info', 'low', 'medium', 'high', 'critical']),
    source: z.string().min(1),
    title: z.string(),
    message: z.string().optional(),
    entities: z.object({ hosts: z.array(z.string()), users: z.array(z.string()), ips: z.array(z.string()), domains: z.array(z.string()), hashes: z.array(z.string()), urls: z.array(z.string()) }),
    fields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
    raw: z.unknown(),
  })
  .loose();

/** The events of a tool output's list; items that are not events (a size-cap marker, a malformed record) are skipped. */
export function parseSecurityEvents(items: readonly unknown[]): SecurityEvent[] {
  const events: SecurityEvent[] = [];
  for (const item of items) {
    const parsed = securityEventSchema.safeParse(item);
    if (!parsed.success) continue;
    const data = parsed.data;
    events.push({
      id: data.id, time: data.time, class: data.class, classUid: data.classUid ?? EVENT_CLASS_UID[data.class], severity: data.severity, source: data.source, title: data.title,
      ...(data.message === undefined ? {} : { message: data.message }),
      entities: data.entities, fields: data.fields, raw: data.raw,
    });
  }
  return events;
}

const listOutput = (key: string) => z.object({ [key]: z.array(z.unknown()) }).loose();

/** The `events` (or another list key, e.g. XDR's `incidents`) of a tool output, parsed. */
export function eventsOfOutput(output: unknown, key = 'events'): SecurityEvent[] | undefined {
  const parsed = listOutput(key).safeParse(output);
  return parsed.success ? parseSecurityEvents(parsed.data[key] as unknown[]) : undefined;
}
