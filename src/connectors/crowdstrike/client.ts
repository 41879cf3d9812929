import type { ConnectorDependencies } from '../connector.js';
import { httpDependencies } from '../connector.js';
import { z } from 'zod';
import { ConnectorNotFoundError, HttpClient, oauth2ClientCredentials, type HttpResponse } from '../http/index.js';
import {
  falconActionResultSchema,
  falconAlertSchema,
  falconDeviceSchema,
  falconEnvelope,
  falconTokenIdsSchema,
  type FalconAlert,
  type FalconDevice,
} from './schemas.js';

/** US-1, the Falcon cloud when config names none (connectors.md §6.1). */
export const CROWDSTRIKE_DEFAULT_BASE_URL = 'https://api.crowdstrike.com';
/** Largest `limit` of the device query endpoint, and of one POST to the device entities endpoint. */
export const DEVICE_PAGE_MAX = 5000;
/** Offset paging of the device query reaches this many devices (offset + limit); past it, scroll. */
export const DEVICE_OFFSET_WINDOW = 10_000;
/** Largest `limit` of the alert query endpoint. */
export const ALERT_PAGE_MAX = 10_000;
/** Device ids one contain or lift request may carry. */
export const DEVICE_ACTION_MAX_IDS = 100;

export interface CrowdStrikeClientOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Child CID for Flight Control (MSSP) parents. */
  memberCid?: string;
  dependencies: ConnectorDependencies;
}

export interface PageOptions {
  /** FQL filter, e.g. `hostname:'WS-042'+platform_name:'Windows'`. */
  filter?: string;
  /** e.g. `last_seen.desc`. */
  sort?: string;
  /** Ids per query request. */
  pageSize?: number;
  /** Stop after this many records in all. */
  maxResults?: number;
  signal?: AbortSignal;
}

export interface QueryResult<T> {
  records: T[];
  /** Matching records the product reported (may exceed `records.length` when capped). */
  total: number;
  /** True when `maxResults` stopped the walk before the last page. */
  truncated: boolean;
}

export type DeviceAction = 'contain' | 'lift_containment';

/** The device envelope in strip mode: checks types without copying unknown fields (see getDevices). */
const deviceEnvelopeCheck = falconEnvelope(z.object(falconDeviceSchema.shape));
const alertEnvelope = falconEnvelope(falconAlertSchema);
const actionEnvelope = falconEnvelope(falconActionResultSchema);

/**
 * The Falcon API: OAuth2 client credentials (201 token), Hosts and Alerts v2. Query endpoints
 * give ids; entity endpoints give records. Every list method walks all pages (up to a cap).
 */
export class CrowdStrikeClient {
  readonly http: HttpClient;

  constructor(options: CrowdStrikeClientOptions) {
    const { dependencies } = options;
    const baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.http = new HttpClient({
      product: 'crowdstrike',
      baseUrl,
      auth: oauth2ClientCredentials({
        product: 'crowdstrike',
        tokenUrl: `${baseUrl}/oauth2/token`,
        clientId: options.clientId,
        clientSecret: options.clientSecret,
        credentials: 'body',
        ...(options.memberCid === undefined ? {} : { extraForm: { member_cid: options.memberCid } }),
        clock: dependencies.clock,
        ...(dependencies.fetch === undefined ? {} : { fetch: dependencies.fetch }),
        ...(dependencies.timeoutMs === undefined ? {} : { timeoutMs: dependencies.timeoutMs }),
      }),
      ...httpDependencies(dependencies),
    });
  }

  /** One page of device ids (raw response, for health checks and callers that page themselves). */
  queryDeviceIdsPage(options: { filter?: string; sort?: string; limit: number; offset: number; signal?: AbortSignal }): Promise<HttpResponse<ReturnType<typeof falconTokenIdsSchema.parse>>> {
    return this.http.get('/devices/queries/devices/v1', {
      query: { filter: emptyToUndefined(options.filter), sort: options.sort, limit: options.limit, offset: options.offset },
      schema: falconTokenIdsSchema,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  }

  /** One page of the device scroll (`offset` is the token the previous page returned; none for the first). */
  queryDeviceIdsScrollPage(options: { filter?: string; sort?: string; limit: number; offset?: string; signal?: AbortSignal }): Promise<HttpResponse<ReturnType<typeof falconTokenIdsSchema.parse>>> {
    return this.http.get('/devices/queries/devices-scroll/v1', {
      query: { filter: emptyToUndefined(options.filter), sort: options.sort, limit: options.limit, offset: options.offset },
      schema: falconTokenIdsSchema,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  }

  /** Every device id matching the filter, walking offset pages. */
  async queryDeviceIds(options: PageOptions = {}): Promise<QueryResult<string>> {
    const pageSize = clamp(options.pageSize ?? 1000, 1, DEVICE_PAGE_MAX);
    return walkOffsets(options.maxResults, pageSize, (offset, limit) =>
      this.queryDeviceIdsPage({ ...pick(options), limit, offset }).then((response) => ({ ids: response.data.resources, total: response.data.meta?.pagination?.total })),
    );
  }

  /** Device records by id: POST in chunks of 5000 (a read, so safe to repeat). */
  async getDevices(ids: readonly string[], signal?: AbortSignal): Promise<FalconDevice[]> {
    const devices: FalconDevice[] = [];
    for (let start = 0; start < ids.length; start += DEVICE_PAGE_MAX) {
      const chunk = ids.slice(start, start + DEVICE_PAGE_MAX);
      const response = await this.http.post<{ resources?: FalconDevice[] | null }>('/devices/entities/devices/v2', {
        json: { ids: chunk },
        idempotent: true,
        // Ids that vanished between query and fetch come back as a 404 with per-id errors.
        okStatuses: [404],
        // Validated without copying: a sweep reads thousands of devices, and the record as received
        // (every field, known or not) is what normalisers keep as `raw`.
        check: deviceEnvelopeCheck,
        ...(signal === undefined ? {} : { signal }),
      });
      devices.push(...(response.data.resources ?? []));
    }
    return devices;
  }

  /**
   * Query then fetch, pipelined: the first id page gives the total, the other id pages are then
   * requested together, and each id page's device records are fetched in chunks as soon as its
   * ids arrive (the connector's queue caps concurrency and rate). Records come back in query order.
   */
  async queryDevices(options: PageOptions & { entityChunkSize?: number } = {}): Promise<QueryResult<FalconDevice>> {
    const pageSize = clamp(options.pageSize ?? DEVICE_PAGE_MAX, 1, DEVICE_PAGE_MAX);
    // 2,500 devices per entity request: big enough to need few round trips, small enough that
    // several are in flight while earlier ones are parsed.
    const chunkSize = clamp(options.entityChunkSize ?? 2500, 1, DEVICE_PAGE_MAX);
    const cap = options.maxResults ?? Number.POSITIVE_INFINITY;
    const fetches: Array<Promise<FalconDevice[]>> = [];
    const seen = new Set<string>();
    const ordered: string[] = [];
    const fetchIds = (ids: readonly string[]) => {
      const fresh = ids.filter((id) => !seen.has(id) && ordered.length < cap && (seen.add(id), ordered.push(id), true));
      for (let start = 0; start < fresh.length; start += chunkSize) {
        const pending = this.getDevices(fresh.slice(start, start + chunkSize), options.signal);
        pending.catch(() => {});
        fetches.push(pending);
      }
    };
    // A sweep past one page asks for the second id page with the first instead of waiting for the total.
    const speculative = cap > pageSize && (options.filter === undefined || options.filter.trim() === '');
    const second = speculative ? this.queryDeviceIdsPage({ ...pick(options), limit: Math.min(pageSize, cap - pageSize), offset: pageSize }) : undefined;
    second?.catch(() => {});
    const first = await this.queryDeviceIdsPage({ ...pick(options), limit: Math.min(pageSize, Math.max(1, cap)), offset: 0 });
    const total = first.data.meta?.pagination?.total ?? first.data.resources.length;
    fetchIds(first.data.resources);
    const wanted = Math.min(total, cap);
    if (wanted > DEVICE_OFFSET_WINDOW) {
      // Offset paging ends at 10,000 devices: scroll the whole set (ids already fetched are skipped).
      if (second !== undefined) fetchIds((await second).data.resources);
      await this.#scrollDeviceIds(options, pageSize, wanted, fetchIds, () => ordered.length);
      const scrolled = new Map((await Promise.all(fetches)).flat().map((device) => [device.device_id, device]));
      const records = ordered.map((id) => scrolled.get(id)).filter((device): device is FalconDevice => device !== undefined);
      return { records, total, truncated: ordered.length < total };
    }
    const pages: Array<Promise<void>> = [];
    // A first page shorter than asked (and than what exists) shows the product's own page size: walk in
    // that, without the speculative second page (planned for ours, it would leave gaps).
    const received = first.data.resources.length;
    const step = received > 0 && received < Math.min(pageSize, wanted) ? received : pageSize;
    const useSecond = second !== undefined && step === pageSize;
    if (useSecond && pageSize < wanted) pages.push(second.then((page) => fetchIds(page.data.resources)));
    const start = useSecond ? 2 * pageSize : received;
    for (let offset = start; offset < wanted && received > 0; offset += step) {
      pages.push(this.queryDeviceIdsPage({ ...pick(options), limit: Math.min(step, wanted - offset), offset }).then((page) => fetchIds(page.data.resources)));
    }
    await Promise.all(pages);
    const byId = new Map((await Promise.all(fetches)).flat().map((device) => [device.device_id, device]));
    // Query order, in one pass (ids that vanished between query and fetch are simply absent).
    const devices = ordered.map((id) => byId.get(id)).filter((device): device is FalconDevice => device !== undefined);
    return { records: devices, total, truncated: ordered.length < total };
  }

  /**
   * Walks the device scroll one page at a time (each token comes from the previous page), handing
   * each page's ids to `onIds` (which skips ids already held), until `wanted` ids are held, a page
   * is empty, or the product hands back no new token.
   */
  async #scrollDeviceIds(options: PageOptions, pageSize: number, wanted: number, onIds: (ids: readonly string[]) => void, held: () => number): Promise<void> {
    let token: string | undefined;
    while (held() < wanted) {
      const page = await this.queryDeviceIdsScrollPage({ ...pick(options), limit: pageSize, ...(token === undefined ? {} : { offset: token }) });
      onIds(page.data.resources);
      const next = page.data.meta?.pagination?.offset;
      if (page.data.resources.length === 0 || typeof next !== 'string' || next === '' || next === token) return;
      token = next;
    }
  }

  /** One device by Falcon device id (32 hex) or host name; undefined when there is none. */
  async findDevice(idOrHostname: string, signal?: AbortSignal): Promise<FalconDevice | undefined> {
    const value = idOrHostname.trim();
    if (/^[0-9a-f]{32}$/i.test(value)) {
      const [device] = await this.getDevices([value.toLowerCase()], signal);
      if (device !== undefined) return device;
    }
    const hostname = value.split('.')[0] ?? value;
    const result = await this.queryDevices({ filter: `hostname:${fqlString(hostname)}`, maxResults: 10, ...(signal === undefined ? {} : { signal }) });
    // FQL treats `*` as a wildcard, so only an exact (case-insensitive) name counts.
    return result.records.find((device) => device.hostname?.toLowerCase() === hostname.toLowerCase());
  }

  /** Every alert composite id matching the filter (Alerts v2), walking offset pages. */
  async queryAlertIds(options: PageOptions = {}): Promise<QueryResult<string>> {
    const pageSize = clamp(options.pageSize ?? 500, 1, ALERT_PAGE_MAX);
    return walkOffsets(options.maxResults, pageSize, async (offset, limit) => {
      const response = await this.http.get('/alerts/queries/alerts/v2', {
        query: { filter: emptyToUndefined(options.filter), sort: options.sort ?? 'timestamp.desc', limit, offset },
        schema: falconTokenIdsSchema,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      return { ids: response.data.resources, total: response.data.meta?.pagination?.total };
    });
  }

  /** Alert records by composite id (POST, chunks of 1000, safe to repeat). */
  async getAlerts(compositeIds: readonly string[], signal?: AbortSignal): Promise<FalconAlert[]> {
    const alerts: FalconAlert[] = [];
    for (let start = 0; start < compositeIds.length; start += 1000) {
      const response = await this.http.post('/alerts/entities/alerts/v2', {
        json: { composite_ids: compositeIds.slice(start, start + 1000) },
        idempotent: true,
        schema: alertEnvelope,
        okStatuses: [404],
        ...(signal === undefined ? {} : { signal }),
      });
      alerts.push(...response.data.resources);
    }
    return alerts;
  }

  /** Query then fetch: the alerts matching a filter, every page, in query order. */
  async listAlerts(options: PageOptions = {}): Promise<QueryResult<FalconAlert>> {
    const ids = await this.queryAlertIds(options);
    const alerts = await this.getAlerts(ids.records, options.signal);
    const order = new Map(ids.records.map((id, index) => [id, index]));
    alerts.sort((a, b) => (order.get(a.composite_id) ?? 0) - (order.get(b.composite_id) ?? 0));
    return { records: alerts, total: ids.total, truncated: ids.truncated };
  }

  /**
   * Contain or lift containment (202, resources `{id, path}`). Mutating: sent once, never
   * retried after the product may have seen it.
   */
  async deviceAction(action: DeviceAction, deviceIds: readonly string[], signal?: AbortSignal): Promise<string[]> {
    if (deviceIds.length === 0) return [];
    if (deviceIds.length > DEVICE_ACTION_MAX_IDS) throw new RangeError(`at most ${DEVICE_ACTION_MAX_IDS} devices per ${action} request`);
    const response = await this.http.post('/devices/entities/devices-actions/v2', {
      query: { action_name: action },
      json: { ids: deviceIds },
      schema: actionEnvelope,
      ...(signal === undefined ? {} : { signal }),
    });
    return response.data.resources.map((resource) => resource.id);
  }

  /** The device for an id or host name, or ConnectorNotFoundError. */
  async requireDevice(idOrHostname: string, signal?: AbortSignal): Promise<FalconDevice> {
    const device = await this.findDevice(idOrHostname, signal);
    if (device === undefined) {
      throw new ConnectorNotFoundError(`crowdstrike: no Falcon device matches ${JSON.stringify(idOrHostname.slice(0, 100))}`, { product: 'crowdstrike' });
    }
    return device;
  }
}

/** An FQL string literal: single-quoted, with quotes and backslashes escaped. */
export function fqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function pick(options: PageOptions): { filter?: string; sort?: string; signal?: AbortSignal } {
  return {
    ...(options.filter === undefined ? {} : { filter: options.filter }),
    ...(options.sort === undefined ? {} : { sort: options.sort }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
}

/**
 * Walks `offset`/`limit` pages until the product's `total` is reached, a page comes back empty
 * or `maxResults` ids were collected. Offsets advance by what each page returned, so a short
 * page never skips records.
 */
async function walkOffsets(
  maxResults: number | undefined,
  pageSize: number,
  fetchPage: (offset: number, limit: number) => Promise<{ ids: string[]; total: number | undefined }>,
): Promise<QueryResult<string>> {
  const cap = maxResults ?? Number.POSITIVE_INFINITY;
  const seen = new Set<string>();
  const records: string[] = [];
  let offset = 0;
  let total = 0;
  for (;;) {
    const limit = Math.min(pageSize, Math.max(1, cap - records.length));
    const page = await fetchPage(offset, limit);
    total = page.total ?? Math.max(total, offset + page.ids.length);
    for (const id of page.ids) {
      if (seen.has(id) || records.length >= cap) continue;
      seen.add(id);
      records.push(id);
    }
    offset += page.ids.length;
    if (page.ids.length === 0 || offset >= total) return { records, total, truncated: false };
    if (records.length >= cap) return { records, total, truncated: true };
  }
}

function clamp(value: number, minimum: number, maximum: number): number {
  return Math.min(maximum, Math.max(minimum, Math.floor(value)));
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
