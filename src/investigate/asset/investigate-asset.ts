import type { Caller } from '../../gateway/caller.js';
import { DEFAULT_PLAN_LIMITS, planSourceCalls, runSourcePlan, type HostRecord, type ObservableVerdict, type SourceReport, type ToolCaller } from '../gather/index.js';
import { buildTimeline, type TimelineEntry } from '../timeline/index.js';

/** What the connected products say about one host over a window. */
export interface AssetInvestigation {
  /** `endpoint:<name>` as asked, and the bare host name. */
  id: string;
  hostname: string;
  window: { from: string; to: string };
  /** Asset records (Secure Endpoint, CrowdStrike). Empty: no product knows the host. */
  records: HostRecord[];
  verdicts: ObservableVerdict[];
  /** Every event naming the host, merged across products, oldest first. */
  timeline: TimelineEntry[];
  sources: SourceReport[];
  partial: boolean;
}

/** `endpoint:<name>` or a bare host name → the host name; undefined when it is neither. */
export function parseAssetId(id: string): string | undefined {
  const match = /^(?:endpoint:)?([A-Za-z0-9][A-Za-z0-9._-]{0,252})$/.exec(id.trim());
  return match?.[1];
}

/**
 * Reads one host from every source at once (read scope only): asset records and the events of
 * the last `windowHours` naming it, as a de-duplicated timeline. A failed source is reported.
 */
export async function investigateAsset(tools: ToolCaller, caller: Caller, id: string, options: { windowHours: number; now: Date; signal?: AbortSignal }): Promise<AssetInvestigation> {
  const hostname = parseAssetId(id);
  if (hostname === undefined) throw new Error(`not an asset id: ${id}`);
  const plan = planSourceCalls({ hosts: [hostname], users: [], ips: [], domains: [], hashes: [], urls: [], emails: [] }, options.windowHours, DEFAULT_PLAN_LIMITS);
  const result = await runSourcePlan(tools, caller, plan, options.signal === undefined ? {} : { signal: options.signal });
  const name = hostname.toLowerCase();
  const onHost = result.events.filter((event) => event.entities.hosts.some((host) => host.toLowerCase() === name || host.toLowerCase().startsWith(`${name}.`)));
  return {
    id,
    hostname,
    window: { from: new Date(options.now.getTime() - options.windowHours * 3_600_000).toISOString(), to: options.now.toISOString() },
    records: result.enrichment.hosts,
    verdicts: result.enrichment.observables,
    timeline: buildTimeline(onHost),
    sources: result.sources,
    partial: result.sources.some((source) => !source.ok || source.truncated === true),
  };
}
