import type { SecurityEvent } from '../../../connectors/model/index.js';
import type { CorrelationAttributes } from '../correlation-event.js';
import { ciscoXdrAttributes } from './cisco-xdr-attributes.js';
import { crowdStrikeAttributes } from './crowdstrike-attributes.js';
import { genericAttributes } from './generic-attributes.js';
import { secureEndpointAttributes } from './secure-endpoint-attributes.js';
import { sentinelAttributes } from './sentinel-attributes.js';
import { splunkAttributes } from './splunk-attributes.js';
import { umbrellaAttributes } from './umbrella-attributes.js';

const BY_SOURCE: Readonly<Record<string, (event: SecurityEvent) => CorrelationAttributes>> = {
  'cisco-xdr': ciscoXdrAttributes,
  'secure-endpoint': secureEndpointAttributes,
  crowdstrike: crowdStrikeAttributes,
  splunk: splunkAttributes,
  sentinel: sentinelAttributes,
  umbrella: umbrellaAttributes,
};

/** The correlation attributes of one product report, read the way its source writes them. */
export function attributesOf(event: SecurityEvent): CorrelationAttributes {
  return (BY_SOURCE[event.source] ?? genericAttributes)(event);
}
