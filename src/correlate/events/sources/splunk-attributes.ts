import { isIP } from 'node:net';
import type { SecurityEvent } from '../../../connectors/model/index.js';
import type { CorrelationAttributes } from '../correlation-event.js';
import { defined, hostOf, rawText, textField, userOf } from './field-reader.js';
import { genericAttributes } from './generic-attributes.js';

/**
 * Splunk search rows (`splunk.search`), by what the connector recognised:
 * - Windows Security events (sourcetype WinEventLog:Security): logons name the host logged on to
 *   (`dest`) and the workstation they came from (`Workstation_Name`); logsource windows/security.
 * - Secure Firewall (FMC/FTD) connection events. FMC has no events API, so DefenseClaw reads
 *   them where they are forwarded: Splunk rows of sourcetype cisco:ftd (the connector marks them
 *   `origin: secure-firewall`). They become network activity of origin `secure-firewall`,
 *   logsource category `firewall`; the `host` of such a row is the sensor, not a party.
 * - Mail (index=email): the recipient is the user when no account is named.
 */
export function splunkAttributes(event: SecurityEvent): CorrelationAttributes {
  const attributes = genericAttributes(event);
  const sourcetype = textField(event, 'sourcetype')?.toLowerCase() ?? '';
  const origin = textField(event, 'origin');
  if (origin === 'secure-firewall') {
    return { ...attributes, origin, logsource: { category: 'firewall' } };
  }
  if (sourcetype.startsWith('wineventlog') || sourcetype.startsWith('xmlwineventlog')) {
    const workstation = rawText(event.raw, 'Workstation_Name', 'src_host', 'src');
    const sourceHost = workstation === undefined || isIP(workstation) !== 0 ? undefined : hostOf(workstation);
    const host = hostOf(textField(event, 'host'));
    return {
      ...attributes,
      src: defined({ ...attributes.src, host: sourceHost }),
      dst: defined({ ...attributes.dst, host }),
      logsource: defined({ ...attributes.logsource, product: 'windows', service: 'security' }),
    };
  }
  if (event.class === 'email_activity' && attributes.user === undefined) {
    const recipient = textField(event, 'recipient');
    return { ...attributes, ...userOf(recipient) };
  }
  return attributes;
}
