/**
 * The short CTIA id (`incident-<uuid>`) of a short id or a full CTIA URL
 * (`https://private.intel.amp.cisco.com:443/ctia/incident/incident-…`); undefined for anything else.
 */
export function ctiaShortId(id: string, entity: string): string | undefined {
  const trimmed = id.trim();
  const last = /^https?:\/\//i.test(trimmed) ? trimmed.replace(/\/+$/, '').split('/').pop() ?? '' : trimmed;
  return last.startsWith(`${entity}-`) ? last : undefined;
}
