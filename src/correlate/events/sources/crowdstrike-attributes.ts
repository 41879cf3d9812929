import type { SecurityEvent } from '../../../connectors/model/index.js';
import type { CorrelationAttributes } from '../correlation-event.js';
import { genericAttributes } from './generic-attributes.js';

/**
 * CrowdStrike Falcon alerts (`crowdstrike.list_alerts`): detections on a host, with the process,
 * its parent, its command line and hash. `src_ip` is the device's own address.
 */
export function crowdStrikeAttributes(event: SecurityEvent): CorrelationAttributes {
  return genericAttributes(event);
}
