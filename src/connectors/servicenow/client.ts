import type { HttpDependencies } from '../connector.js';
import { z } from 'zod';
import { basicAuth, HttpClient, type HttpResponse } from '../http/index.js';

/** Page size when walking lists; the Table API would default to 10,000 rows in one response. */
export const SERVICENOW_DEFAULT_PAGE_SIZE = 100;
const INCIDENT_PATH = '/api/now/table/incident';

/** A record as the Table API sends it: strings, or `{value, link?, display_value?}` for references; read with `fieldText`. */
export const serviceNowRecordSchema = z.record(z.string(), z.unknown());
/** One Table API record with every field flattened to its raw string value. */
export type ServiceNowRecord = Record<string, string>;

const singleSchema = z.object({ result: serviceNowRecordSchema }).loose();
const listSchema = z.object({ result: z.array(serviceNowRecordSchema) }).loose();

/** The raw value of a field, whatever shape the Table API chose for it. */
export function fieldText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value !== null && typeof value === 'object') {
    const record = value as { value?: unknown; display_value?: unknown };
    if (typeof record.value === 'string') return record.value;
    if (typeof record.display_value === 'string') return record.display_value;
  }
  return '';
}

function flatten(record: Record<string, unknown>): ServiceNowRecord {
  return Object.fromEntries(Object.entries(record).map(([field, value]) => [field, fieldText(value)]));
}

/** Escapes a value for an encoded query: `^` separates terms, `^^` is a literal caret. */
export function encodedQueryValue(value: string): string {
  return value.replaceAll('^', '^^').replace(/[\r\n]+/g, ' ');
}

/** `YYYY-MM-DD HH:MM:SS` UTC, the format encoded queries compare datetimes in. */
export function serviceNowDateTime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, '');
}

export interface ListRecordsOptions {
  /** Encoded query (`active=true^short_descriptionLIKEmalware`); an ORDERBY on sys_id is added to keep paging stable. */
  query?: string;
  fields?: string[];
  pageSize?: number;
  maxRecords?: number;
  signal?: AbortSignal;
}

export interface ServiceNowClientOptions extends HttpDependencies {
  /** e.g. https://acme.service-now.com or `${lab}/servicenow`. */
  instanceUrl: string;
  username: string;
  password: string;
}

/** ServiceNow Table API (incident table) over Basic auth. Reference fields come back as plain sys_ids. */
export class ServiceNowClient {
  readonly #http: HttpClient;
  readonly instanceUrl: string;

  constructor(options: ServiceNowClientOptions) {
    this.instanceUrl = options.instanceUrl.replace(/\/+$/, '');
    this.#http = new HttpClient({
      product: 'servicenow',
      baseUrl: this.instanceUrl,
      auth: basicAuth(options.username, options.password),
      clock: options.clock,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
      ...(options.queue === undefined ? {} : { queue: options.queue }),
      ...(options.breaker === undefined ? {} : { breaker: options.breaker }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
  }

  /** Creates an incident (201). Never re-sent once ServiceNow may have seen it. */
  async createIncident(fields: Record<string, string>, signal?: AbortSignal): Promise<ServiceNowRecord> {
    const { data } = await this.#http.post(INCIDENT_PATH, {
      query: { sysparm_exclude_reference_link: 'true' },
      json: fields,
      schema: singleSchema,
      ...(signal === undefined ? {} : { signal }),
    });
    return flatten(data.result);
  }

  async updateIncident(sysId: string, fields: Record<string, string>, signal?: AbortSignal): Promise<ServiceNowRecord> {
    const { data } = await this.#http.patch(`${INCIDENT_PATH}/${encodeURIComponent(sysId)}`, {
      query: { sysparm_exclude_reference_link: 'true' },
      json: fields,
      schema: singleSchema,
      ...(signal === undefined ? {} : { signal }),
    });
    return flatten(data.result);
  }

  /** The incident with this sys_id, or undefined when there is none. */
  async getIncident(sysId: string, signal?: AbortSignal): Promise<ServiceNowRecord | undefined> {
    const response = await this.#http.get(`${INCIDENT_PATH}/${encodeURIComponent(sysId)}`, {
      query: { sysparm_exclude_reference_link: 'true' },
      okStatuses: [404],
      ...(signal === undefined ? {} : { signal }),
    });
    if (response.status === 404) return undefined;
    return flatten(singleSchema.parse(response.data).result);
  }

  /** The incident with this number (INC0010042), or undefined. */
  async findIncidentByNumber(number: string, signal?: AbortSignal): Promise<ServiceNowRecord | undefined> {
    const [record] = await this.listRecords('incident', { query: `number=${encodedQueryValue(number)}`, maxRecords: 1, pageSize: 1, ...(signal === undefined ? {} : { signal }) });
    return record;
  }

  /** Every record of a table matching the query, walking sysparm_offset pages until X-Total-Count is reached. */
  async *records(table: string, options: ListRecordsOptions = {}): AsyncGenerator<ServiceNowRecord> {
    const pageSize = Math.max(1, options.pageSize ?? SERVICENOW_DEFAULT_PAGE_SIZE);
    const maxRecords = options.maxRecords ?? Number.POSITIVE_INFINITY;
    const query = stableOrder(options.query ?? '');
    let offset = 0;
    let yielded = 0;
    for (;;) {
      const response = await this.#page(table, query, options.fields, pageSize, offset, options.signal);
      for (const record of response.data.result) {
        if (yielded >= maxRecords) return;
        yielded += 1;
        yield flatten(record);
      }
      offset += response.data.result.length;
      const total = Number(response.headers.get('x-total-count') ?? Number.NaN);
      const hasNext = Number.isFinite(total) ? offset < total : /rel="next"/.test(response.headers.get('link') ?? '');
      if (!hasNext || response.data.result.length === 0 || yielded >= maxRecords) return;
    }
  }

  async listRecords(table: string, options: ListRecordsOptions = {}): Promise<ServiceNowRecord[]> {
    const all: ServiceNowRecord[] = [];
    for await (const record of this.records(table, options)) all.push(record);
    return all;
  }

  /** One cheap authenticated read (for `doctor`). */
  probe(signal?: AbortSignal): Promise<HttpResponse<z.infer<typeof listSchema>>> {
    return this.#page('incident', '', ['sys_id'], 1, 0, signal);
  }

  #page(table: string, query: string, fields: string[] | undefined, limit: number, offset: number, signal: AbortSignal | undefined) {
    return this.#http.get(`/api/now/table/${encodeURIComponent(table)}`, {
      query: {
        sysparm_query: query === '' ? undefined : query,
        sysparm_fields: fields === undefined || fields.length === 0 ? undefined : fields.join(','),
        sysparm_limit: limit,
        sysparm_offset: offset,
        sysparm_exclude_reference_link: 'true',
      },
      schema: listSchema,
      ...(signal === undefined ? {} : { signal }),
    });
  }
}

/** Adds ORDERBYsys_id as the last sort key: without a total order, offset pages may repeat or skip rows. */
function stableOrder(query: string): string {
  if (/(^|\^)ORDERBY(DESC)?sys_id(\^|$)/.test(query)) return query;
  return query === '' ? 'ORDERBYsys_id' : `${query}^ORDERBYsys_id`;
}
