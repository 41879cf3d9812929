import type { SecurityEvent } from '../../../connectors/model/index.js';
import type { CorrelationAttributes } from '../correlation-event.js';
import { nonEmpty, textField } from './field-reader.js';
import { genericAttributes } from './generic-attributes.js';

/**
 * Secure Endpoint events (`secure_endpoint.list_events`): the event's file is the process when
 * the event names a parent or a command line (Secure Endpoint reports the running file that way).
 */
export function secureEndpointAttributes(event: SecurityEvent): CorrelationAttributes {
  const attributes = genericAttributes(event);
  const fileName = textField(event, 'file_name');
  const parentName = textField(event, 'parent_process');
  const commandLine = textField(event, 'command_line');
  const isProcess = fileName !== undefined && (parentName !== undefined || commandLine !== undefined);
  const process = nonEmpty({ name: isProcess ? fileName : undefined, parentName, commandLine });
  return { ...attributes, ...(process === undefined ? {} : { process }) };
}
