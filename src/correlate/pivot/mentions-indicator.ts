import { shortHostname, type SecurityEvent } from '../../connectors/model/index.js';
import { userKey } from '../../investigate/timeline/index.js';
import type { Indicator } from './ioc.js';

/**
 * Whether a product report names the indicator: in its entities, in a product field, or (for
 * addresses, domains and hashes) in its message text. Reads that cannot filter by indicator
 * (CrowdStrike alerts, Secure Endpoint events by time) return everything; this keeps the sightings.
 */
export function mentionsIndicator(event: SecurityEvent, indicator: Indicator): boolean {
  const { value } = indicator;
  const fieldTexts = Object.values(event.fields).flatMap((field) => (typeof field === 'string' ? [field.toLowerCase()] : typeof field === 'number' ? [String(field)] : []));
  switch (indicator.type) {
    case 'ip':
      return event.entities.ips.some((ip) => ip.toLowerCase() === value) || fieldTexts.includes(value) || event.entities.urls.some((url) => hostOfUrl(url) === value) || textMentions(event, value);
    case 'domain':
      return (
        event.entities.domains.some((domain) => domain === value || domain.endsWith(`.${value}`)) ||
        fieldTexts.some((text) => text === value || text.endsWith(`.${value}`)) ||
        event.entities.urls.some((url) => {
          const host = hostOfUrl(url);
          return host !== undefined && (host === value || host.endsWith(`.${value}`));
        }) ||
        textMentions(event, value)
      );
    case 'sha256':
      return event.entities.hashes.includes(value) || fieldTexts.includes(value) || textMentions(event, value);
    case 'user': {
      const key = userKey(value);
      return event.entities.users.some((user) => userKey(user) === key) || ['user', 'account', 'recipient'].some((name) => typeof event.fields[name] === 'string' && userKey(event.fields[name] as string) === key);
    }
    case 'host':
      return event.entities.hosts.includes(value) || ['host', 'src_host', 'dst_host'].some((name) => typeof event.fields[name] === 'string' && shortHostname(event.fields[name] as string) === value);
  }
}

function hostOfUrl(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/** The value as a whole token of the message (not a substring of a longer address or name). */
function textMentions(event: SecurityEvent, value: string): boolean {
  const text = `${event.title}\n${event.message ?? ''}`.toLowerCase();
  let from = text.indexOf(value);
  while (from >= 0) {
    const before = text[from - 1];
    const after = text[from + value.length];
    if ((before === undefined || !/[a-z0-9.]/.test(before)) && (after === undefined || !/[a-z0-9]/.test(after) || (after === '.' && !/[a-z0-9]/.test(text[from + value.length + 1] ?? '')))) return true;
    from = text.indexOf(value, from + 1);
  }
  return false;
}
