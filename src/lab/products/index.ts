import type { LabProductModule } from '../lab-product.js';
import { ciscoXdrSimulator } from './cisco-xdr.js';
import { crowdStrikeSimulator } from './crowdstrike.js';
import { pagerdutySimulator } from './pagerduty.js';
import { secureEndpointSimulator } from './secure-endpoint.js';
import { secureFirewallSimulator } from './secure-firewall.js';
import { sentinelSimulator } from './sentinel.js';
import { servicenowSimulator } from './servicenow.js';
import { slackSimulator } from './slack.js';
import { splunkSimulator } from './splunk.js';
import { umbrellaSimulator } from './umbrella.js';

/** Every simulator the lab mounts by default: the nine products and the Slack Web API. */
export const ALL_SIMULATORS: readonly LabProductModule[] = [
  ciscoXdrSimulator,
  umbrellaSimulator,
  secureEndpointSimulator,
  secureFirewallSimulator,
  splunkSimulator,
  crowdStrikeSimulator,
  sentinelSimulator,
  pagerdutySimulator,
  servicenowSimulator,
  slackSimulator,
];
