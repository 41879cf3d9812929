import type { Config } from '../config/index.js';
import type { AllowListLookup } from './allow-lists.js';

/**
 * Named allow-lists from config `guards.allow_lists`, each widened by the value the connector is
 * configured with (a call that names the configured Splunk index or Umbrella block list explicitly
 * is allowed, as leaving it out would be). A name config does not know and no connector value fills
 * stays undefined: it allows nothing.
 */
export function configuredAllowLists(config: Config): AllowListLookup {
  const connectorValues: Record<string, ReadonlyArray<string | undefined>> = {
    splunk_indexes: [config.integrations.splunk.index],
    umbrella_destination_lists: [config.cisco.umbrella.block_list_id?.trim()],
  };
  return (name) => {
    const listed = Object.hasOwn(config.guards.allow_lists, name) ? config.guards.allow_lists[name] : undefined;
    const configured = (connectorValues[name] ?? []).filter((value): value is string => value !== undefined && value !== '');
    if (listed === undefined && configured.length === 0) return undefined;
    return [...(listed ?? []), ...configured];
  };
}
