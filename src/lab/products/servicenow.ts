import { LAB_CREDENTIALS } from '../credentials.js';
import type { LabContext } from '../lab-context.js';
import { basicCredentials, empty, json, type LabRequest, type LabResponse } from '../lab-http.js';
import type { LabProductModule } from '../lab-product.js';
import { stableHex } from '../scenario/index.js';

/*
 * ServiceNow Table API under /servicenow/api/now/table/{table} (and the /api/now/v2/table alias).
 * Every value is a string; references are {link, value}; lists page with sysparm_limit/offset,
 * X-Total-Count and a Link header; sysparm_query is parsed as an encoded query for real.
 */

const PRODUCT = 'servicenow';
/** A generous per-hour rule so tests never meet it unless a fault is injected. */
const RATE_LIMIT_PER_HOUR = 10_000;
const RATE_LIMIT_RULE = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6';
/** The Table API's default page size when sysparm_limit is absent. */
const DEFAULT_LIMIT = 10_000;

type TableRecord = Record<string, string>;

interface TableDefinition {
  fields: string[];
  /** Reference field → referenced table. */
  references: Record<string, string>;
  /** Field shown for a record of this table when it is referenced. */
  displayField: string;
  writable: boolean;
  /** Choice labels per field, for sysparm_display_value. */
  choices?: Record<string, Record<string, string>>;
}

const TABLES: Record<string, TableDefinition> = {
  incident: {
    fields: [
      'sys_id', 'number', 'short_description', 'description', 'state', 'priority', 'urgency', 'impact', 'category', 'subcategory',
      'active', 'caller_id', 'opened_by', 'assigned_to', 'assignment_group', 'opened_at', 'resolved_at', 'closed_at', 'close_code',
      'close_notes', 'correlation_id', 'correlation_display', 'work_notes', 'comments', 'sys_created_on', 'sys_created_by',
      'sys_updated_on', 'sys_updated_by', 'sys_mod_count', 'sys_class_name',
    ],
    references: { caller_id: 'sys_user', opened_by: 'sys_user', assigned_to: 'sys_user', assignment_group: 'sys_user_group' },
    displayField: 'number',
    writable: true,
    choices: {
      state: { '1': 'New', '2': 'In Progress', '3': 'On Hold', '6': 'Resolved', '7': 'Closed', '8': 'Canceled' },
      urgency: { '1': '1 - High', '2': '2 - Medium', '3': '3 - Low' },
      impact: { '1': '1 - High', '2': '2 - Medium', '3': '3 - Low' },
      priority: { '1': '1 - Critical', '2': '2 - High', '3': '3 - Moderate', '4': '4 - Low', '5': '5 - Planning' },
    },
  },
  sys_user: {
    fields: ['sys_id', 'user_name', 'name', 'email', 'title', 'active', 'sys_created_on', 'sys_updated_on'],
    references: {},
    displayField: 'name',
    writable: false,
  },
  sys_user_group: {
    fields: ['sys_id', 'name', 'description', 'active', 'sys_created_on', 'sys_updated_on'],
    references: {},
    displayField: 'name',
    writable: false,
  },
  sys_journal_field: {
    fields: ['sys_id', 'element', 'element_id', 'name', 'value', 'sys_created_on', 'sys_created_by'],
    references: {},
    displayField: 'value',
    writable: false,
  },
};

/** Fields that carry journal entries: written to sys_journal_field, read back empty from the record. */
const JOURNAL_FIELDS = new Set(['work_notes', 'comments']);
/** Impact × urgency → priority, the out-of-the-box lookup rule. */
const PRIORITY: Record<string, string> = { '1:1': '1', '1:2': '2', '2:1': '2', '1:3': '3', '2:2': '3', '3:1': '3', '2:3': '4', '3:2': '4', '3:3': '5' };

interface ServiceNowState {
  tables: Record<string, TableRecord[]>;
  nextNumber: number;
  nextId: number;
}

/** `YYYY-MM-DD HH:MM:SS` in UTC, the Table API's raw datetime format. */
export function serviceNowTime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, '');
}

function createState(context: LabContext): ServiceNowState {
  const seed = context.world.seed;
  const now = context.world.startedAt.getTime();
  const id = (label: string) => stableHex(seed, `servicenow:${label}`, 32);
  const created = serviceNowTime(new Date(now - 30 * 86_400_000));
  const userNames = [
    ...new Set([LAB_CREDENTIALS.servicenow.username, 'soc.analyst', context.world.story.victimUser, ...context.hosts().flatMap((host) => (host.user === undefined ? [] : [host.user]))]),
  ].slice(0, 12);
  const users: TableRecord[] = userNames.map((userName) => ({
    sys_id: id(`user:${userName}`),
    user_name: userName,
    name: userName.split(/[._]/).map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join(' '),
    email: `${userName}@corp.example.com`,
    title: userName === 'soc.analyst' ? 'SOC Analyst' : userName === LAB_CREDENTIALS.servicenow.username ? 'Integration account' : 'Employee',
    active: 'true',
    sys_created_on: created,
    sys_updated_on: created,
  }));
  const groups: TableRecord[] = ['Security Operations', 'Service Desk', 'Network Operations'].map((name) => ({
    sys_id: id(`group:${name}`),
    name,
    description: `${name} team`,
    active: 'true',
    sys_created_on: created,
    sys_updated_on: created,
  }));
  const state: ServiceNowState = { tables: { incident: [], sys_user: users, sys_user_group: groups, sys_journal_field: [] }, nextNumber: 10001, nextId: 0 };
  const userId = (name: string) => users.find((user) => user.user_name === name)?.sys_id ?? '';
  const groupId = (name: string) => groups.find((group) => group.name === name)?.sys_id ?? '';
  // Ordinary service-desk tickets, unrelated to the story, so lists page and queries must discriminate.
  const tickets: Array<{ text: string; category: string; group: string; urgency: string; impact: string; state: string; hoursAgo: number }> = [
    { text: 'Printer on floor 3 jams on duplex jobs', category: 'hardware', group: 'Service Desk', urgency: '3', impact: '3', state: '7', hoursAgo: 200 },
    { text: 'VPN client disconnects every 10 minutes', category: 'network', group: 'Network Operations', urgency: '2', impact: '2', state: '2', hoursAgo: 150 },
    { text: 'Password reset request', category: 'inquiry', group: 'Service Desk', urgency: '3', impact: '3', state: '6', hoursAgo: 120 },
    { text: 'Outlook add-in crashes at start-up', category: 'software', group: 'Service Desk', urgency: '2', impact: '3', state: '1', hoursAgo: 90 },
    { text: 'Conference room display shows no signal', category: 'hardware', group: 'Service Desk', urgency: '3', impact: '3', state: '3', hoursAgo: 70 },
    { text: 'Shared drive quota exceeded for finance', category: 'software', group: 'Service Desk', urgency: '2', impact: '2', state: '2', hoursAgo: 50 },
    { text: 'Wi-Fi drops in building B east wing', category: 'network', group: 'Network Operations', urgency: '2', impact: '2', state: '1', hoursAgo: 30 },
  ];
  const callers = users.slice(2);
  tickets.forEach((ticket, index) => {
    insertIncident(state, context, {
      short_description: ticket.text,
      description: ticket.text,
      category: ticket.category,
      urgency: ticket.urgency,
      impact: ticket.impact,
      state: ticket.state,
      caller_id: callers[index % Math.max(callers.length, 1)]?.sys_id ?? '',
      assignment_group: groupId(ticket.group),
    }, new Date(now - ticket.hoursAgo * 3_600_000), 'itil.user');
  });
  // A security ticket from the world's closed XDR incident (not the story).
  for (const incident of context.world.incidents.filter((item) => item.status === 'Closed')) {
    insertIncident(state, context, {
      short_description: `XDR: ${incident.title}`,
      description: incident.description,
      category: 'security',
      urgency: '2',
      impact: '2',
      state: '7',
      close_code: 'Solved (Permanently)',
      close_notes: 'Blocked at the perimeter; no further activity.',
      caller_id: userId('soc.analyst'),
      assignment_group: groupId('Security Operations'),
      correlation_id: incident.id,
      correlation_display: 'Cisco XDR',
    }, incident.createdAt, 'soc.analyst');
  }
  return state;
}

function newSysId(state: ServiceNowState, context: LabContext, label: string): string {
  state.nextId += 1;
  return stableHex(context.world.seed, `servicenow:record:${state.nextId}:${label}`, 32);
}

function insertIncident(state: ServiceNowState, context: LabContext, values: Record<string, string>, at: Date, by: string): TableRecord {
  const time = serviceNowTime(at);
  const record: TableRecord = Object.fromEntries(TABLES.incident!.fields.map((field) => [field, '']));
  Object.assign(record, {
    sys_id: newSysId(state, context, 'incident'),
    number: `INC${String(state.nextNumber++).padStart(7, '0')}`,
    state: '1',
    urgency: '3',
    impact: '3',
    active: 'true',
    opened_at: time,
    sys_created_on: time,
    sys_created_by: by,
    sys_updated_on: time,
    sys_updated_by: by,
    sys_mod_count: '0',
    sys_class_name: 'incident',
  });
  applyValues(state, context, record, values, at, by);
  record.sys_mod_count = '0';
  state.tables.incident!.push(record);
  return record;
}

/** Writes field values onto an incident, keeping the derived fields (priority, active, resolved_at…) consistent. */
function applyValues(state: ServiceNowState, context: LabContext, record: TableRecord, values: Record<string, string>, at: Date, by: string): void {
  const time = serviceNowTime(at);
  const definition = TABLES.incident!;
  for (const [field, value] of Object.entries(values)) {
    // System fields are never written by callers; unknown fields are ignored, as the Table API does.
    if (field.startsWith('sys_') || !definition.fields.includes(field)) continue;
    if (JOURNAL_FIELDS.has(field)) {
      if (value.trim() === '') continue;
      state.tables.sys_journal_field!.push({
        sys_id: newSysId(state, context, 'journal'),
        element: field,
        element_id: record.sys_id!,
        name: 'incident',
        value,
        sys_created_on: time,
        sys_created_by: by,
      });
      continue;
    }
    record[field] = value;
  }
  record.priority = PRIORITY[`${record.impact}:${record.urgency}`] ?? '5';
  if ((record.state === '6' || record.state === '7') && record.resolved_at === '') record.resolved_at = time;
  if (record.state === '7' && record.closed_at === '') record.closed_at = time;
  record.active = record.state === '7' || record.state === '8' ? 'false' : 'true';
  record.sys_updated_on = time;
  record.sys_updated_by = by;
  record.sys_mod_count = String(Number(record.sys_mod_count || '0') + 1);
}

function stateOf(context: LabContext): ServiceNowState {
  return context.state(PRODUCT, () => createState(context));
}

function failure(status: number, message: string, detail: string | null, headers: Record<string, string> = {}): LabResponse {
  return json(status, { error: { message, detail }, status: 'failure' }, headers);
}

// ---------------------------------------------------------------------------------------------
// Encoded queries: `a=1^b LIKE x^ORc=2^NQd=3^ORDERBYDESCsys_created_on`.
// `^` is AND, `^OR` joins an alternative to the previous condition, `^NQ` starts a new query
// OR-ed with the previous ones, `^^` is a literal caret.
// ---------------------------------------------------------------------------------------------

const OPERATORS = ['NOT IN', 'NOTLIKE', 'ISNOTEMPTY', 'ISEMPTY', 'STARTSWITH', 'ENDSWITH', 'LIKE', 'IN', '!=', '>=', '<=', '=', '>', '<'] as const;
type Operator = (typeof OPERATORS)[number];
const CONDITION_PATTERN = new RegExp(`^([a-z_][a-z0-9_.]*)(${OPERATORS.map((operator) => operator.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(.*)$`, 's');

interface Condition {
  field: string;
  operator: Operator;
  value: string;
}

export interface EncodedQuery {
  /** OR of queries (NQ); each an AND of terms; each term an OR of conditions. */
  queries: Condition[][][];
  orderBy: Array<{ field: string; descending: boolean }>;
  /** Terms that are not conditions; the whole query then matches nothing (fail closed). */
  invalid: string[];
}

export function parseEncodedQuery(text: string): EncodedQuery {
  const result: EncodedQuery = { queries: [[]], orderBy: [], invalid: [] };
  if (text.trim() === '') return result;
  const placeholder = '\u0000';
  const terms = text.replaceAll('^^', placeholder).split('^').map((term) => term.replaceAll(placeholder, '^'));
  for (const rawTerm of terms) {
    let term = rawTerm;
    if (term === '' || term === 'EQ') continue;
    if (term.startsWith('ORDERBYDESC')) {
      result.orderBy.push({ field: term.slice('ORDERBYDESC'.length), descending: true });
      continue;
    }
    if (term.startsWith('ORDERBY')) {
      result.orderBy.push({ field: term.slice('ORDERBY'.length), descending: false });
      continue;
    }
    let joinWith: 'and' | 'or' = 'and';
    if (term.startsWith('NQ')) {
      result.queries.push([]);
      term = term.slice(2);
    } else if (term.startsWith('OR')) {
      joinWith = 'or';
      term = term.slice(2);
    }
    const match = CONDITION_PATTERN.exec(term);
    if (match === null) {
      result.invalid.push(rawTerm);
      continue;
    }
    const condition: Condition = { field: match[1]!, operator: match[2] as Operator, value: match[3]! };
    const current = result.queries[result.queries.length - 1]!;
    const previous = current[current.length - 1];
    if (joinWith === 'or' && previous !== undefined) previous.push(condition);
    else current.push([condition]);
  }
  return result;
}

/** A field's raw value, following dot-walked references (`caller_id.user_name`); undefined for an unknown field. */
function fieldValue(state: ServiceNowState, table: string, record: TableRecord, path: string): string | undefined {
  const [head, ...rest] = path.split('.');
  const definition = TABLES[table];
  if (definition === undefined || head === undefined || !definition.fields.includes(head)) return undefined;
  const value = record[head] ?? '';
  if (rest.length === 0) return value;
  const target = definition.references[head];
  if (target === undefined) return undefined;
  const referenced = state.tables[target]?.find((candidate) => candidate.sys_id === value);
  if (referenced === undefined) return TABLES[target]?.fields.includes(rest[0]!) === true ? '' : undefined;
  return fieldValue(state, target, referenced, rest.join('.'));
}

function compare(left: string, right: string): number {
  const a = Number(left);
  const b = Number(right);
  if (left.trim() !== '' && right.trim() !== '' && Number.isFinite(a) && Number.isFinite(b)) return a - b;
  return left < right ? -1 : left > right ? 1 : 0;
}

function conditionHolds(value: string, condition: Condition): boolean {
  const actual = value.toLowerCase();
  const expected = condition.value.toLowerCase();
  switch (condition.operator) {
    case '=':
      return actual === expected;
    case '!=':
      return actual !== expected;
    case 'LIKE':
      return actual.includes(expected);
    case 'NOTLIKE':
      return !actual.includes(expected);
    case 'STARTSWITH':
      return actual.startsWith(expected);
    case 'ENDSWITH':
      return actual.endsWith(expected);
    case 'IN':
      return expected.split(',').map((item) => item.trim()).includes(actual);
    case 'NOT IN':
      return !expected.split(',').map((item) => item.trim()).includes(actual);
    case 'ISEMPTY':
      return actual === '';
    case 'ISNOTEMPTY':
      return actual !== '';
    case '>':
      return compare(value, condition.value) > 0;
    case '>=':
      return compare(value, condition.value) >= 0;
    case '<':
      return compare(value, condition.value) < 0;
    case '<=':
      return compare(value, condition.value) <= 0;
  }
}

/**
 * Records matching an encoded query, ordered. An unknown field makes the query match nothing:
 * the behaviour of instances with `glide.invalid_query.returns_no_rows` set, and the safe one
 * (ignoring the term would widen the result silently).
 */
function runQuery(state: ServiceNowState, table: string, text: string): TableRecord[] {
  const query = parseEncodedQuery(text);
  if (query.invalid.length > 0) return [];
  const records = state.tables[table] ?? [];
  const allFields = query.queries.flat(2).map((condition) => condition.field).concat(query.orderBy.map((order) => order.field));
  if (allFields.some((field) => !referencePathExists(table, field))) return [];
  const matches = records.filter((record) =>
    query.queries.some((terms) => terms.every((alternatives) => alternatives.some((condition) => conditionHolds(fieldValue(state, table, record, condition.field) ?? '', condition)))),
  );
  if (query.orderBy.length === 0) return matches;
  return [...matches].sort((a, b) => {
    for (const order of query.orderBy) {
      const difference = compare(fieldValue(state, table, a, order.field) ?? '', fieldValue(state, table, b, order.field) ?? '');
      if (difference !== 0) return order.descending ? -difference : difference;
    }
    return 0;
  });
}

function referencePathExists(table: string, path: string): boolean {
  const [head, ...rest] = path.split('.');
  const definition = TABLES[table];
  if (definition === undefined || head === undefined || !definition.fields.includes(head)) return false;
  if (rest.length === 0) return true;
  const target = definition.references[head];
  return target !== undefined && referencePathExists(target, rest.join('.'));
}

// ---------------------------------------------------------------------------------------------
// Presentation
// ---------------------------------------------------------------------------------------------

function present(state: ServiceNowState, table: string, record: TableRecord, request: LabRequest): Record<string, unknown> {
  const definition = TABLES[table]!;
  const displayMode = (request.query.get('sysparm_display_value') ?? 'false').toLowerCase();
  const excludeLinks = request.query.get('sysparm_exclude_reference_link') === 'true';
  const requested = (request.query.get('sysparm_fields') ?? '').split(',').map((field) => field.trim()).filter((field) => field !== '');
  const fields = requested.length > 0 ? requested : definition.fields;
  const output: Record<string, unknown> = {};
  for (const field of fields) {
    const raw = fieldValue(state, table, record, field);
    if (raw === undefined) continue;
    const target = field.includes('.') ? undefined : definition.references[field];
    const display = displayValue(state, table, field, raw);
    if (target !== undefined && raw !== '') {
      const link = `${request.baseUrl}/servicenow/api/now/table/${target}/${raw}`;
      if (displayMode === 'all') output[field] = { display_value: display, ...(excludeLinks ? {} : { link }), value: raw };
      else if (displayMode === 'true') output[field] = excludeLinks ? display : { display_value: display, link };
      else output[field] = excludeLinks ? raw : { link, value: raw };
      continue;
    }
    if (displayMode === 'all') output[field] = { display_value: display, value: raw };
    else output[field] = displayMode === 'true' ? display : raw;
  }
  return output;
}

function displayValue(state: ServiceNowState, table: string, field: string, raw: string): string {
  const definition = TABLES[table]!;
  const label = definition.choices?.[field]?.[raw];
  if (label !== undefined) return label;
  const target = definition.references[field];
  if (target !== undefined) {
    const referenced = state.tables[target]?.find((candidate) => candidate.sys_id === raw);
    return referenced?.[TABLES[target]!.displayField] ?? '';
  }
  return raw;
}

// ---------------------------------------------------------------------------------------------
// Handlers
// ---------------------------------------------------------------------------------------------

function gate(request: LabRequest, context: LabContext): { refused: LabResponse } | { headers: Record<string, string> } {
  const credentials = basicCredentials(request);
  if (credentials?.username !== LAB_CREDENTIALS.servicenow.username || credentials.password !== LAB_CREDENTIALS.servicenow.password) {
    return { refused: failure(401, 'User Not Authenticated', 'Required to provide Auth information', { 'www-authenticate': 'BASIC realm="Service-now"' }) };
  }
  const window = context.limiter(PRODUCT, RATE_LIMIT_PER_HOUR, 3_600_000).take(credentials.username);
  const resetSeconds = Math.ceil((context.clock.now().getTime() + window.resetMs) / 1000);
  const headers = { 'x-ratelimit-limit': String(window.limit), 'x-ratelimit-reset': String(resetSeconds), 'x-ratelimit-rule': RATE_LIMIT_RULE };
  if (!window.allowed) {
    return {
      refused: failure(429, 'Rate limit exceeded', `Rate limit of ${window.limit} requests per hour for Table API exceeded`, {
        ...headers,
        'retry-after': String(Math.ceil(window.resetMs / 1000)),
      }),
    };
  }
  return { headers };
}

interface Admitted {
  headers: Record<string, string>;
  table: string;
  definition: TableDefinition;
  state: ServiceNowState;
}

/** Authentication, the rate limit, then the table: every Table API handler starts here. */
function admit(request: LabRequest, context: LabContext): { refused: LabResponse } | Admitted {
  const admitted = gate(request, context);
  if ('refused' in admitted) return admitted;
  const table = request.params.table ?? '';
  const definition = TABLES[table];
  if (definition === undefined) return { refused: failure(400, `Invalid table ${table}`, null, admitted.headers) };
  return { headers: admitted.headers, table, definition, state: stateOf(context) };
}

function list(request: LabRequest, context: LabContext): LabResponse {
  const target = admit(request, context);
  if ('refused' in target) return target.refused;
  const { state } = target;
  const limitText = request.query.get('sysparm_limit');
  const offsetText = request.query.get('sysparm_offset');
  const limit = limitText !== null && /^\d+$/.test(limitText) && Number(limitText) > 0 ? Number(limitText) : DEFAULT_LIMIT;
  const offset = offsetText !== null && /^\d+$/.test(offsetText) ? Number(offsetText) : 0;
  const matches = runQuery(state, target.table, request.query.get('sysparm_query') ?? '');
  const page = matches.slice(offset, offset + limit);
  const headers: Record<string, string> = { ...target.headers, 'x-total-count': String(matches.length) };
  if (request.query.get('sysparm_suppress_pagination_header') !== 'true') headers.link = linkHeader(request, matches.length, limit, offset);
  return json(200, { result: page.map((record) => present(state, target.table, record, request)) }, headers);
}

/** `<…offset=0>;rel="first",<…offset=-10>;rel="prev",<…offset=10>;rel="next",<…offset=40>;rel="last"`: prev may go negative, as captured from a real instance. */
function linkHeader(request: LabRequest, total: number, limit: number, offset: number): string {
  const at = (pageOffset: number) => {
    const url = new URL(`${request.baseUrl}${request.fullPath}`);
    for (const [key, value] of request.query) if (key !== 'sysparm_offset' && key !== 'sysparm_limit') url.searchParams.append(key, value);
    url.searchParams.set('sysparm_limit', String(limit));
    url.searchParams.set('sysparm_offset', String(pageOffset));
    return url.toString();
  };
  const last = total === 0 ? 0 : Math.floor((total - 1) / limit) * limit;
  const links = [`<${at(0)}>;rel="first"`, `<${at(offset - limit)}>;rel="prev"`];
  if (offset + limit < total) links.push(`<${at(offset + limit)}>;rel="next"`);
  links.push(`<${at(last)}>;rel="last"`);
  return links.join(',');
}

function findRecord(state: ServiceNowState, table: string, sysId: string): TableRecord | undefined {
  return state.tables[table]?.find((record) => record.sys_id === sysId);
}

const NOT_FOUND = ['No Record found', "Record doesn't exist or ACL restricts the record retrieval"] as const;

function getOne(request: LabRequest, context: LabContext): LabResponse {
  const target = admit(request, context);
  if ('refused' in target) return target.refused;
  const { state } = target;
  const record = findRecord(state, target.table, request.params.sys_id ?? '');
  if (record === undefined) return failure(404, ...NOT_FOUND, target.headers);
  return json(200, { result: present(state, target.table, record, request) }, target.headers);
}

/** The body of a POST/PATCH as field → string, or an error response. */
function bodyValues(request: LabRequest, definition: TableDefinition): { values: Record<string, string> } | { refused: LabResponse } {
  const body = request.json<unknown>();
  if (body === undefined || typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { refused: failure(400, 'Exception while reading request', request.rawBody.trim() === '' ? 'No request body' : 'The payload is not valid JSON.') };
  }
  const values: Record<string, string> = {};
  for (const [field, value] of Object.entries(body as Record<string, unknown>)) {
    if (value === null) values[field] = '';
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') values[field] = String(value);
    else if (definition.references[field] !== undefined && typeof value === 'object' && typeof (value as { value?: unknown }).value === 'string') {
      values[field] = (value as { value: string }).value;
    } else {
      return { refused: failure(400, 'Exception while reading request', `Field ${field} must be a string, number or boolean`) };
    }
  }
  return { values };
}

function create(request: LabRequest, context: LabContext): LabResponse {
  const target = admit(request, context);
  if ('refused' in target) return target.refused;
  if (!target.definition.writable) return failure(403, 'Operation Failed', 'ACL Exception Insert Failed due to security constraints', target.headers);
  const body = bodyValues(request, target.definition);
  if ('refused' in body) return body.refused;
  const { state } = target;
  const record = insertIncident(state, context, body.values, context.clock.now(), LAB_CREDENTIALS.servicenow.username);
  const location = `${request.baseUrl}/servicenow/api/now/table/${target.table}/${record.sys_id}`;
  return json(201, { result: present(state, target.table, record, request) }, { ...target.headers, location });
}

function update(request: LabRequest, context: LabContext): LabResponse {
  const target = admit(request, context);
  if ('refused' in target) return target.refused;
  const { state } = target;
  const record = findRecord(state, target.table, request.params.sys_id ?? '');
  if (record === undefined) return failure(404, ...NOT_FOUND, target.headers);
  if (!target.definition.writable) return failure(403, 'Operation Failed', 'ACL Exception Update Failed due to security constraints', target.headers);
  const body = bodyValues(request, target.definition);
  if ('refused' in body) return body.refused;
  applyValues(state, context, record, body.values, context.clock.now(), LAB_CREDENTIALS.servicenow.username);
  return json(200, { result: present(state, target.table, record, request) }, target.headers);
}

function remove(request: LabRequest, context: LabContext): LabResponse {
  const target = admit(request, context);
  if ('refused' in target) return target.refused;
  const { state } = target;
  const records = state.tables[target.table]!;
  const index = records.findIndex((record) => record.sys_id === request.params.sys_id);
  if (index < 0) return failure(404, ...NOT_FOUND, target.headers);
  if (!target.definition.writable) return failure(403, 'Operation Failed', 'ACL Exception Delete Failed due to security constraints', target.headers);
  records.splice(index, 1);
  return empty(204, target.headers);
}

export const servicenowSimulator: LabProductModule = {
  product: PRODUCT,
  prefix: '/servicenow',
  register(router) {
    for (const base of ['/api/now/table', '/api/now/v2/table']) {
      router.get(`${base}/:table`, list);
      router.post(`${base}/:table`, create);
      router.get(`${base}/:table/:sys_id`, getOne);
      router.patch(`${base}/:table/:sys_id`, update);
      router.put(`${base}/:table/:sys_id`, update);
      router.delete(`${base}/:table/:sys_id`, remove);
    }
  },
  errorResponse(status, message) {
    if (status === 401) return failure(401, 'User Not Authenticated', 'Required to provide Auth information');
    if (status === 404) return failure(404, 'Requested URI does not represent any resource', message);
    if (status === 429) return failure(429, 'Rate limit exceeded', `Rate limit of ${RATE_LIMIT_PER_HOUR} requests per hour for Table API exceeded`);
    return failure(status, status >= 500 ? 'Internal Server Error' : 'Invalid request', message);
  },
  rateLimitHeaders(retryAfterSeconds, _request, context) {
    const resetSeconds = Math.ceil(context.clock.now().getTime() / 1000 + (retryAfterSeconds ?? 60));
    return { 'x-ratelimit-limit': String(RATE_LIMIT_PER_HOUR), 'x-ratelimit-reset': String(resetSeconds), 'x-ratelimit-rule': RATE_LIMIT_RULE };
  },
};
