/** Where an event trigger looks for new items: a read tool, its input, the items in its output, their key. */
export interface EventSource {
  tool: string;
  input: Record<string, unknown>;
  items(output: unknown): Array<Record<string, unknown>>;
}

const listAt =
  (key: string) =>
  (output: unknown): Array<Record<string, unknown>> => {
    const value = output !== null && typeof output === 'object' ? (output as Record<string, unknown>)[key] : undefined;
    return Array.isArray(value) ? (value.filter((item) => item !== null && typeof item === 'object') as Array<Record<string, unknown>>) : [];
  };

export const EVENT_SOURCES: Record<'cisco-xdr' | 'crowdstrike' | 'sentinel', EventSource> = {
  'cisco-xdr': { tool: 'cisco_xdr.search_incidents', input: { since_hours: 24, limit: 200 }, items: listAt('incidents') },
  crowdstrike: { tool: 'crowdstrike.list_alerts', input: { limit: 200 }, items: listAt('events') },
  sentinel: { tool: 'sentinel.list_incidents', input: { limit: 200 }, items: listAt('events') },
};

/**
 * A normalised security event as a trigger: its fields at top level (`status`, `incident_id`),
 * then the event's own keys (`severity`, `title`, `entities`), without the raw record.
 */
export function triggerOf(item: Record<string, unknown>): Record<string, unknown> {
  const { raw: _raw, fields, ...rest } = item as { raw?: unknown; fields?: Record<string, unknown> };
  return { ...(fields ?? {}), ...rest };
}
