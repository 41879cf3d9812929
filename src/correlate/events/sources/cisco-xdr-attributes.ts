import type { SecurityEvent } from '../../../connectors/model/index.js';
import type { CorrelationAttributes } from '../correlation-event.js';
import { genericAttributes } from './generic-attributes.js';

/**
 * Cisco XDR sightings (`cisco_xdr.get_events`) and incidents: the connector copies a sighting's
 * data table into fields named as every connector names them (`kind`, `host`, `user`, `src_ip`,
 * `dst_ip`, `process`, `command_line`, `sha256`, …), so the shared reading applies as is.
 */
export function ciscoXdrAttributes(event: SecurityEvent): CorrelationAttributes {
  return genericAttributes(event);
}
