import type { SecurityEvent } from '../../../connectors/model/index.js';
import type { CorrelationAttributes } from '../correlation-event.js';
import { defined, textField } from './field-reader.js';
import { genericAttributes } from './generic-attributes.js';

/**
 * Sentinel Log Analytics rows (`sentinel.query`): Windows Security logons (table SecurityEvent:
 * `host` is the computer logged on to, `src_host` the workstation; logsource windows/security) and
 * Entra ID sign-ins (table SigninLogs: the user is the UPN's local part; logsource azure/signinlogs).
 */
export function sentinelAttributes(event: SecurityEvent): CorrelationAttributes {
  const attributes = genericAttributes(event);
  switch (textField(event, 'table')) {
    case 'SecurityEvent':
      return { ...attributes, logsource: defined({ ...attributes.logsource, product: 'windows', service: 'security' }) };
    case 'SigninLogs':
      return { ...attributes, logsource: defined({ ...attributes.logsource, product: 'azure', service: 'signinlogs' }) };
    default:
      return attributes;
  }
}
