import type { Config } from '../src/config/index.js';
import type { ConnectorDependencies } from '../src/connectors/connector.js';
import { CrowdStrikeClient } from '../src/connectors/crowdstrike/client.js';

/** Pages `devices` Falcon devices (query ids, then device records) the way an inventory sweep does. */
export function createCrowdStrikePager(config: Config, dependencies: ConnectorDependencies, devices: number): () => Promise<number> {
  const settings = config.integrations.crowdstrike;
  const client = new CrowdStrikeClient({ baseUrl: settings.base_url, clientId: settings.client_id!, clientSecret: settings.client_secret!, dependencies });
  const chunk = process.env.BENCH_CS_CHUNK === undefined ? {} : { entityChunkSize: Number(process.env.BENCH_CS_CHUNK) };
  return async () => (await client.queryDevices({ maxResults: devices, ...chunk })).records.length;
}
