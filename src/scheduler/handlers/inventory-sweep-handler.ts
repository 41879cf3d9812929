import type { JobHandler } from '../job-handler.js';

/** What the sweep needs of an inventory scan's result (InventoryService.scan's, structurally). */
export interface SweepScanResult {
  snapshot: {
    id: string;
    status: 'complete' | 'partial';
    assetCount: number;
    sources: Record<string, { count: number; error?: string }>;
  };
  skipped: ReadonlyArray<{ source: string; reason: string }>;
}

/** `inventory_sweep`: one inventory scan (`runtime.inventory().scan()`), summarised per source. */
export function inventorySweepHandler(scan: () => Promise<SweepScanResult>): JobHandler {
  return async () => {
    const { snapshot, skipped } = await scan();
    const sources = Object.entries(snapshot.sources).sort(([a], [b]) => a.localeCompare(b));
    const lines = [
      `Inventory sweep ${snapshot.status}: ${snapshot.assetCount} assets in snapshot ${snapshot.id}.`,
      ...sources.map(([name, status]) => `• ${name}: ${status.count} records${status.error === undefined ? '' : ` (failed: ${status.error})`}`),
      ...skipped.map((entry) => `• ${entry.source}: skipped (${entry.reason})`),
    ];
    return {
      summary: lines.join('\n'),
      output: {
        snapshot: snapshot.id,
        status: snapshot.status,
        assets: snapshot.assetCount,
        failed_sources: sources.filter(([, status]) => status.error !== undefined).map(([name]) => name),
      },
    };
  };
}
