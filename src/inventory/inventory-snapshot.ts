import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import type { SnapshotRow } from './inventory-store.js';

/** How one source did in a scan. */
export interface SourceStatus {
  /** Asset records it returned. */
  count: number;
  durationMs: number;
  /** Why it failed or is incomplete; a source with an error counts as not read for diffs. */
  error?: string;
}

/** A stored scan, without its assets. */
export interface SnapshotSummary {
  id: string;
  takenAt: string;
  /** `partial`: a source failed or was incomplete; its assets may be missing. */
  status: 'complete' | 'partial';
  assetCount: number;
  /** Source name → how it did (only the sources this scan read). */
  sources: Record<string, SourceStatus>;
}

const sourcesSchema = z.record(z.string(), z.object({ count: z.number(), durationMs: z.number(), error: z.string().optional() }).loose());

export function snapshotSummary(row: SnapshotRow): SnapshotSummary {
  const parsed = sourcesSchema.safeParse(JSON.parse(row.sources));
  const sources: Record<string, SourceStatus> = {};
  for (const [name, status] of Object.entries(parsed.success ? parsed.data : {})) {
    sources[name] = { count: status.count, durationMs: status.durationMs, ...(status.error === undefined ? {} : { error: status.error }) };
  }
  return { id: row.id, takenAt: row.takenAt, status: row.status === 'complete' ? 'complete' : 'partial', assetCount: row.assetCount, sources };
}

/** The sources a snapshot read completely (no error). */
export function sourcesRead(snapshot: SnapshotSummary): Set<string> {
  return new Set(Object.entries(snapshot.sources).filter(([, status]) => status.error === undefined).map(([name]) => name));
}

/** `snap-20261124T101500Z-3fa9c1`: sortable by time, safe in file names. */
export function newSnapshotId(clock: Clock): string {
  const stamp = clock.now().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return `snap-${stamp}-${randomBytes(3).toString('hex')}`;
}
