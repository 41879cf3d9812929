import type { SecurityEvent } from '../../../connectors/model/index.js';
import type { CorrelationAttributes } from '../correlation-event.js';
import { defined, textField } from './field-reader.js';
import { genericAttributes } from './generic-attributes.js';

/**
 * Umbrella DNS activity (`umbrella.activity`): the name looked up is `dns.query` and `dst.domain`,
 * the querying device `src.ip` / `src.host`; the verdict is the outcome (`proxied` is none of ours).
 * Umbrella's report rows do not carry the answer's address.
 */
export function umbrellaAttributes(event: SecurityEvent): CorrelationAttributes {
  const attributes = genericAttributes(event);
  const domain = textField(event, 'domain')?.toLowerCase().replace(/\.$/, '');
  return { ...attributes, ...(domain === undefined ? {} : { dnsQuery: domain, dst: defined({ ...attributes.dst, domain }) }) };
}
