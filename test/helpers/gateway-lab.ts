import { expect } from 'vitest';
import { Runtime } from '../../src/app/runtime.js';
import type { AuditRecord } from '../../src/audit/index.js';
import type { Clock } from '../../src/core/clock.js';
import { profile, type Caller } from '../../src/gateway/caller.js';
import { startLab, type Lab } from '../../src/lab/lab-server.js';
import { ALL_SIMULATORS } from '../../src/lab/products/index.js';
import { runCli, temporaryHome } from './cli.js';

/** One request as the lab journal (`GET /__lab/requests`) reports it. */
export interface LabJournalEntry {
  seq: number;
  product: string;
  method: string;
  path: string;
  query: string;
  status: number;
}

/** A lab with every simulator, a home whose config `lab init` wrote for it, and a runtime on that home. */
export interface GatewayLab {
  lab: Lab;
  home: string;
  runtime: Runtime;
  close(): Promise<void>;
}

export async function startGatewayLab(options: { clock?: Clock } = {}): Promise<GatewayLab> {
  const lab = await startLab({ products: ALL_SIMULATORS });
  const home = temporaryHome('defenseclaw-gateway-');
  const init = await runCli(['lab', 'init', '--url', lab.url], { home: home.home });
  if (init.code !== 0) throw new Error(`lab init failed: ${init.stderr}`);
  const runtime = new Runtime({ home: home.home, env: {}, actor: 'cli:gateway-test', ...(options.clock === undefined ? {} : { clock: options.clock }) });
  return {
    lab,
    home: home.home,
    runtime,
    async close() {
      runtime.close();
      await lab.close();
      home.cleanup();
    },
  };
}

/** Every request the lab received, from its HTTP journal (the oracle), optionally filtered. */
export async function labRequests(labUrl: string, filter: { product?: string; method?: string; path?: string } = {}): Promise<LabJournalEntry[]> {
  const query = new URLSearchParams(filter as Record<string, string>).toString();
  const response = await fetch(`${labUrl}/__lab/requests${query === '' ? '' : `?${query}`}`);
  if (!response.ok) throw new Error(`lab journal: HTTP ${response.status}`);
  return ((await response.json()) as { requests: LabJournalEntry[] }).requests;
}

/**
 * Requests that only read or authenticate although they are POSTs: token endpoints, XDR
 * enrich/inspect, Splunk search jobs and export, Sentinel Log Analytics queries, CrowdStrike
 * "get entities by id", Umbrella bulk categorisation. Everything else with a non-GET method
 * changes product state.
 */
const READ_ONLY_POSTS: readonly RegExp[] = [
  /\/oauth2\/token$/,
  /\/oauth2\/revoke$/,
  /\/oauth2\/v2\.0\/token$/,
  /^\/umbrella\/auth\/v2\/token$/,
  /^\/fmc\/api\/fmc_platform\/v1\/auth\/(generatetoken|refreshtoken)$/,
  /^\/splunk\/services\/auth\/login$/,
  /^\/xdr\/iroh\/iroh-enrich\//,
  /^\/xdr\/iroh\/iroh-inspect\/inspect$/,
  /^\/splunk\/(servicesNS\/[^/]+\/[^/]+|services)\/search\/(v2\/)?jobs(\/export)?$/,
  /^\/sentinel\/loganalytics\/v1\/workspaces\/[^/]+\/query$/,
  /^\/crowdstrike\/devices\/entities\/devices\/v2$/,
  /^\/crowdstrike\/alerts\/entities\/alerts\/v2$/,
  /^\/umbrella\/investigate\/v2\/domains\/categorization$/,
];

/** True when the request changes product state (classified by method and path, not method alone). */
export function isMutating(entry: Pick<LabJournalEntry, 'method' | 'path'>): boolean {
  if (entry.method === 'GET' || entry.method === 'HEAD' || entry.method === 'OPTIONS') return false;
  if (entry.method === 'POST' && READ_ONLY_POSTS.some((pattern) => pattern.test(entry.path))) return false;
  return true;
}

export async function mutatingRequests(labUrl: string, filter: { product?: string } = {}): Promise<LabJournalEntry[]> {
  return (await labRequests(labUrl, filter)).filter(isMutating);
}

/** Journal entries after `since` (a seq), for before/after counting. */
export async function requestsSince(labUrl: string, since: number, filter: { product?: string; method?: string; path?: string } = {}): Promise<LabJournalEntry[]> {
  return (await labRequests(labUrl, filter)).filter((entry) => entry.seq > since);
}

/** The journal's newest seq (0 when empty): take it before a call, count after it. */
export async function journalMark(labUrl: string): Promise<number> {
  const all = await labRequests(labUrl);
  return all.length === 0 ? 0 : all[all.length - 1]!.seq;
}

/** A CLI caller with exactly these tools and scopes. */
export function caller(options: {
  tools: Iterable<string> | '*';
  scopes: Partial<Record<'read' | 'write' | 'execute', boolean>>;
  runtime?: 'secure' | 'standard';
  requiresApproval?: boolean;
  requester?: string;
  actor?: string;
  runId?: string;
  dryRun?: boolean;
}): Caller {
  return {
    kind: 'cli',
    actor: options.actor ?? 'cli:gateway-test',
    requester: options.requester ?? 'cli:gateway-test',
    permissions: profile(options.tools, options.scopes),
    ...(options.runtime === undefined ? {} : { runtime: options.runtime }),
    ...(options.requiresApproval === undefined ? {} : { requiresApproval: options.requiresApproval }),
    ...(options.runId === undefined ? {} : { runId: options.runId }),
    ...(options.dryRun === undefined ? {} : { dryRun: options.dryRun }),
  };
}

/** The audit record a gateway result points at, with its details parsed. */
export function auditRecord(runtime: Runtime, seq: number | undefined): AuditRecord & { parsed: Record<string, unknown> } {
  expect(seq, 'the result names its audit record').toBeTypeOf('number');
  const record = runtime.ledger().get(seq!);
  expect(record, `audit record ${seq}`).toBeDefined();
  return { ...record!, parsed: JSON.parse(record!.details) as Record<string, unknown> };
}

/** The newest ledger record (what `audit show --last 1` shows). */
export function lastAudit(runtime: Runtime): AuditRecord & { parsed: Record<string, unknown> } {
  const [record] = runtime.ledger().query({ last: 1 });
  expect(record).toBeDefined();
  return { ...record!, parsed: JSON.parse(record!.details) as Record<string, unknown> };
}

/** Basic-auth header for a lab product. */
export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}
