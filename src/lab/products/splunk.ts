import { createHash } from 'node:crypto';
import { LAB_CREDENTIALS } from '../credentials.js';
import type { LabContext } from '../lab-context.js';
import { basicCredentials, json, text, type LabRequest, type LabResponse } from '../lab-http.js';
import type { LabProductModule } from '../lab-product.js';
import type { ScenarioEvent } from '../scenario/index.js';

/*
 * Splunk Enterprise (connectors.md §5): REST search jobs (v2 and v1 paths) with the QUEUED →
 * RUNNING → DONE lifecycle, count/offset results, newline-delimited JSON export, session login,
 * Bearer/Splunk/Basic auth, and the HTTP Event Collector (concatenated envelopes, the HEC code
 * table) under one prefix. Events sent through HEC become searchable.
 *
 * Data: scenario events seen by Splunk (logons → wineventlog, SMB share access → wineventlog
 * 5140, mail → email, network → firewall) plus every event seen by Secure Firewall as FTD
 * connection events (index=firewall, sourcetype=cisco:ftd), since FMC has no events API.
 *
 * A small SPL subset is evaluated for real: `search` with field=value (wildcards), != < > <= >=,
 * bare and quoted terms, AND/OR/NOT and parentheses, earliest/latest; then `stats`, `table`,
 * `fields`, `head`, `where`, `sort`, `bin`/`bucket` (span=) and `search`. Anything else is
 * Splunk's 400 FATAL.
 */

const PRODUCT = 'splunk';
const PREFIX = '/splunk';
/** Session keys idle-expire after about an hour. */
const SESSION_TTL_SECONDS = 3600;
const DEFAULT_RESULT_COUNT = 100;
const MAX_RESULT_COUNT = 50_000;
const HEC_DEFAULT_INDEX = 'main';
const VERSION = '9.2.1';
const SEARCH_PATHS = ['/services/search/v2/jobs', '/services/search/jobs', '/servicesNS/:user/:app/search/v2/jobs', '/servicesNS/:user/:app/search/jobs'];

type Row = Record<string, string | string[]>;

interface StoredEvent {
  timeMs: number;
  fields: Record<string, string>;
}

interface SearchJob {
  sid: string;
  search: string;
  owner: string;
  createdMs: number;
  polls: number;
  /** exec_mode=blocking jobs are done when created. */
  done: boolean;
  rows: Row[];
  eventCount: number;
  scanCount: number;
  transforming: boolean;
}

interface SplunkState {
  events: StoredEvent[];
  jobs: Map<string, SearchJob>;
  nextSid: number;
}

function state(context: LabContext): SplunkState {
  return context.state<SplunkState>(PRODUCT, () => ({ events: worldEvents(context), jobs: new Map(), nextSid: 1 }));
}

// ---------------------------------------------------------------------------------------------
// Scenario events as Splunk events

function epochSeconds(timeMs: number): string {
  return Number.isInteger(timeMs / 1000) ? String(timeMs / 1000) : (timeMs / 1000).toFixed(3);
}

function windowsTime(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  const hours = date.getUTCHours() % 12 === 0 ? 12 : date.getUTCHours() % 12;
  return `${pad(date.getUTCMonth() + 1)}/${pad(date.getUTCDate())}/${date.getUTCFullYear()} ${pad(hours)}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} ${date.getUTCHours() < 12 ? 'AM' : 'PM'}`;
}

function sourcePort(event: ScenarioEvent): number {
  return 49_152 + (parseInt(createHash('sha256').update(event.id).digest('hex').slice(0, 8), 16) % 16_000);
}

function worldEvents(context: LabContext): StoredEvent[] {
  const hosts = context.world.inventory.current.concat(context.world.inventory.baseline);
  // Where the world's own events say which host owns an address, that wins over the inventory
  // (addresses are not unique across the inventory).
  const owners = new Map<string, string>();
  const storyFirst = [...context.world.events].sort((a, b) => Number(a.tag !== 'story') - Number(b.tag !== 'story'));
  for (const event of storyFirst) {
    if (event.host !== undefined && event.sourceIp !== undefined && event.kind !== 'logon' && !owners.has(event.sourceIp)) owners.set(event.sourceIp, event.host);
  }
  const byIp = (ip: string | undefined) => {
    if (ip === undefined) return undefined;
    const owner = owners.get(ip);
    return (owner === undefined ? undefined : hosts.find((host) => host.hostname === owner)) ?? hosts.find((host) => host.ip === ip);
  };
  const fqdn = (name: string | undefined) => {
    if (name === undefined) return undefined;
    const host = hosts.find((item) => item.hostname === name);
    return host === undefined ? name : `${host.hostname}.${host.domain}`;
  };
  const domain = hosts[0]?.domain ?? 'corp.example.com';
  const out: StoredEvent[] = [];
  const add = (event: ScenarioEvent, fields: Record<string, string | number | undefined>) => {
    const clean: Record<string, string> = {};
    for (const [key, value] of Object.entries(fields)) if (value !== undefined && value !== '') clean[key] = String(value);
    out.push({ timeMs: event.time.getTime(), fields: clean });
  };

  const firewall = (event: ScenarioEvent) => {
    const internal = byIp(event.destinationIp) !== undefined;
    const action = event.outcome === 'blocked' ? 'blocked' : 'allowed';
    const port = event.destinationPort ?? 0;
    const application = port === 80 ? 'HTTP' : port === 443 ? 'HTTPS' : port === 445 ? 'SMB' : port === 53 ? 'DNS' : 'Unknown';
    const sensor = internal ? 'ftd-dc-1' : 'ftd-edge-1';
    const srcPort = sourcePort(event);
    const raw =
      `${event.time.toISOString()} ${sensor} %FTD-1-430003: EventPriority: Low, ConnectionID: ${srcPort}, AccessControlRuleAction: ${action === 'allowed' ? 'Allow' : 'Block'}, ` +
      `SrcIP: ${event.sourceIp ?? ''}, DstIP: ${event.destinationIp ?? ''}, SrcPort: ${srcPort}, DstPort: ${port}, Protocol: ${(event.protocol ?? 'tcp').toUpperCase()}, ` +
      `IngressInterface: inside, EgressInterface: ${internal ? 'datacenter' : 'outside'}, ApplicationProtocol: ${application}, InitiatorBytes: ${event.bytesOut ?? 0}` +
      (event.url === undefined ? '' : `, URL: ${event.url}`);
    add(event, {
      index: 'firewall', sourcetype: 'cisco:ftd', source: 'udp:514', host: sensor,
      src_ip: event.sourceIp, dest_ip: event.destinationIp, src_port: srcPort, dest_port: port, transport: event.protocol ?? 'tcp',
      action, vendor_action: action === 'allowed' ? 'Allow' : 'Block', app: application, bytes_out: event.bytesOut ?? 0, url: event.url,
      _raw: raw,
    });
  };

  for (const event of context.world.events) {
    const splunk = event.products.includes('splunk');
    const ftd = event.products.includes('secure_firewall') && (event.kind === 'network' || event.kind === 'smb');
    if (ftd) firewall(event);
    if (!splunk) continue;
    if (event.kind === 'logon') {
      const workstation = byIp(event.sourceIp)?.hostname.toUpperCase();
      const computer = fqdn(event.host);
      const success = event.outcome === 'success';
      add(event, {
        index: 'wineventlog', sourcetype: 'WinEventLog:Security', source: 'WinEventLog:Security', host: event.host,
        EventCode: event.eventCode ?? (success ? 4624 : 4625), Account_Name: event.user, user: event.user, src_ip: event.sourceIp, src: workstation,
        dest: event.host, ComputerName: computer, Logon_Type: 3, action: success ? 'success' : 'failure', signature: event.title,
        Workstation_Name: workstation,
        _raw: [
          windowsTime(event.time), 'LogName=Security', `EventCode=${event.eventCode ?? (success ? 4624 : 4625)}`, `ComputerName=${computer ?? ''}`,
          `Keywords=${success ? 'Audit Success' : 'Audit Failure'}`, `Message=${event.title}.`, 'Logon Type:\t3', `Account Name:\t${event.user ?? ''}`,
          `Workstation Name:\t${workstation ?? ''}`, `Source Network Address:\t${event.sourceIp ?? ''}`,
        ].join('\n'),
      });
    } else if (event.kind === 'smb') {
      const target = byIp(event.destinationIp);
      const share = /\(([^)]*\$)\)/.exec(event.title)?.[1] ?? 'IPC$';
      add(event, {
        index: 'wineventlog', sourcetype: 'WinEventLog:Security', source: 'WinEventLog:Security', host: target?.hostname ?? event.destinationIp,
        EventCode: event.eventCode ?? 5140, Account_Name: event.user, user: event.user, src_ip: event.sourceIp, Source_Address: event.sourceIp,
        dest: target?.hostname, ComputerName: fqdn(target?.hostname), Share_Name: `\\\\*\\${share}`, action: 'success', signature: 'A network share object was accessed',
        _raw: [
          windowsTime(event.time), 'LogName=Security', `EventCode=${event.eventCode ?? 5140}`, `ComputerName=${fqdn(target?.hostname) ?? ''}`,
          'Message=A network share object was accessed.', `Account Name:\t${event.user ?? ''}`, `Source Address:\t${event.sourceIp ?? ''}`, `Share Name:\t\\\\*\\${share}`,
        ].join('\n'),
      });
    } else if (event.kind === 'email') {
      const recipient = event.user === undefined ? undefined : event.user.includes('@') ? event.user : `${event.user}@${domain}`;
      add(event, {
        index: 'email', sourcetype: 'cisco:esa:textmail', source: 'esa', host: 'esa-01',
        src_user: event.emailSender, recipient, subject: event.emailSubject, file_name: event.fileName, file_hash: event.sha256, action: 'delivered',
        severity: event.severity, message_id: `<${event.id}@${event.emailSender?.split('@')[1] ?? 'mail'}>`,
        _raw: `${event.time.toISOString()} Info: MID ${sourcePort(event)} From: <${event.emailSender ?? ''}> To: <${recipient ?? ''}> Subject '${event.emailSubject ?? ''}' Attachment '${event.fileName ?? ''}' delivered`,
      });
    } else if (event.kind === 'network') {
      if (!ftd) firewall(event);
    } else {
      add(event, {
        index: 'main', sourcetype: 'defenseclaw:scenario', source: 'scenario', host: event.host, user: event.user, src_ip: event.sourceIp, dest_ip: event.destinationIp,
        signature: event.title, severity: event.severity, _raw: `${event.time.toISOString()} ${event.title}`,
      });
    }
  }
  return out.sort((a, b) => a.timeMs - b.timeMs).map((event, offset) => ({ ...event, fields: { ...event.fields, _cd: `0:${offset}` } }));
}

// ---------------------------------------------------------------------------------------------
// SPL subset: tokens

class SplError extends Error {}

type Token =
  | { kind: 'word'; value: string }
  | { kind: 'string'; value: string }
  | { kind: 'op'; value: '=' | '!=' | '<' | '>' | '<=' | '>=' | '==' }
  | { kind: 'pipe' | 'lparen' | 'rparen' | 'comma' };

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < query.length) {
    const char = query[index]!;
    if (/\s/.test(char)) {
      index += 1;
    } else if (char === '"') {
      let value = '';
      index += 1;
      for (;;) {
        if (index >= query.length) throw new SplError('Unbalanced quotes.');
        const next = query[index]!;
        if (next === '\\' && index + 1 < query.length) {
          value += query[index + 1];
          index += 2;
        } else if (next === '"') {
          index += 1;
          break;
        } else {
          value += next;
          index += 1;
        }
      }
      tokens.push({ kind: 'string', value });
    } else if (char === '|') {
      tokens.push({ kind: 'pipe' });
      index += 1;
    } else if (char === '(') {
      tokens.push({ kind: 'lparen' });
      index += 1;
    } else if (char === ')') {
      tokens.push({ kind: 'rparen' });
      index += 1;
    } else if (char === ',') {
      tokens.push({ kind: 'comma' });
      index += 1;
    } else if ('=!<>'.includes(char)) {
      const two = query.slice(index, index + 2);
      if (two === '!=' || two === '<=' || two === '>=' || two === '==') {
        tokens.push({ kind: 'op', value: two });
        index += 2;
      } else if (char === '!') {
        throw new SplError("Error in 'search' command: unexpected '!'.");
      } else {
        tokens.push({ kind: 'op', value: char as '=' | '<' | '>' });
        index += 1;
      }
    } else {
      let value = '';
      while (index < query.length && !/[\s"|(),=!<>]/.test(query[index]!)) {
        value += query[index];
        index += 1;
      }
      tokens.push({ kind: 'word', value });
    }
  }
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// SPL subset: parse

type Value = { kind: 'literal'; value: string; quoted: boolean };

type Expression =
  | { kind: 'and' | 'or'; items: Expression[] }
  | { kind: 'not'; item: Expression }
  | { kind: 'compare'; field: string; op: string; value: Value }
  | { kind: 'term'; value: string; quoted: boolean }
  | { kind: 'true' };

type Aggregate = { function: 'count' | 'dc' | 'values' | 'sum' | 'min' | 'max' | 'avg'; field?: string; as: string };

type Command =
  | { kind: 'search'; expression: Expression }
  | { kind: 'where'; expression: Expression }
  | { kind: 'stats'; aggregates: Aggregate[]; by: string[] }
  | { kind: 'table'; fields: string[] }
  | { kind: 'fields'; fields: string[]; remove: boolean }
  | { kind: 'head'; count: number }
  | { kind: 'sort'; keys: Array<{ field: string; descending: boolean }>; limit?: number }
  | { kind: 'bin'; field: string; spanSeconds: number };

interface Pipeline {
  commands: Command[];
  earliest?: string;
  latest?: string;
}

class Parser {
  position = 0;
  constructor(
    readonly tokens: Token[],
    readonly command: string,
  ) {}

  peek(): Token | undefined {
    return this.tokens[this.position];
  }

  next(): Token | undefined {
    const token = this.tokens[this.position];
    this.position += 1;
    return token;
  }

  atEnd(): boolean {
    return this.position >= this.tokens.length;
  }

  fail(message: string): never {
    throw new SplError(`Error in '${this.command}' command: ${message}`);
  }

  isKeyword(word: string): boolean {
    const token = this.peek();
    return token?.kind === 'word' && token.value === word;
  }

  /** or := and (OR and)* */
  expression(timeTerms?: Pipeline): Expression {
    const items = [this.conjunction(timeTerms)];
    while (this.isKeyword('OR')) {
      this.next();
      items.push(this.conjunction(timeTerms));
    }
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  }

  /** and := unary ([AND] unary)* */
  conjunction(timeTerms?: Pipeline): Expression {
    const items: Expression[] = [];
    for (;;) {
      const token = this.peek();
      if (token === undefined || token.kind === 'rparen' || (token.kind === 'word' && token.value === 'OR')) break;
      if (token.kind === 'word' && token.value === 'AND') {
        this.next();
        continue;
      }
      items.push(this.unary(timeTerms));
    }
    if (items.length === 0) this.fail('expected a search term.');
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  }

  unary(timeTerms?: Pipeline): Expression {
    const token = this.next()!;
    if (token.kind === 'word' && token.value === 'NOT') return { kind: 'not', item: this.unary(timeTerms) };
    if (token.kind === 'lparen') {
      const inner = this.expression(timeTerms);
      if (this.next()?.kind !== 'rparen') this.fail('missing closing parenthesis.');
      return inner;
    }
    if (token.kind === 'string') return { kind: 'term', value: token.value, quoted: true };
    if (token.kind !== 'word') this.fail(`unexpected '${token.kind === 'op' ? token.value : token.kind}'.`);
    const operator = this.peek();
    if (operator?.kind !== 'op') return { kind: 'term', value: token.value, quoted: false };
    this.next();
    const value = this.next();
    if (value === undefined || (value.kind !== 'word' && value.kind !== 'string')) this.fail(`expected a value after ${token.value}${operator.value}.`);
    const field = token.value;
    if (timeTerms !== undefined && (field === 'earliest' || field === 'latest') && operator.value === '=') {
      timeTerms[field] = value.value;
      return { kind: 'true' };
    }
    return { kind: 'compare', field, op: operator.value === '==' ? '=' : operator.value, value: { kind: 'literal', value: value.value, quoted: value.kind === 'string' } };
  }

  /** Field names separated by optional commas. */
  fieldList(): string[] {
    const fields: string[] = [];
    while (!this.atEnd()) {
      const token = this.next()!;
      if (token.kind === 'comma') continue;
      if (token.kind !== 'word' && token.kind !== 'string') this.fail('expected field names.');
      fields.push(token.value);
    }
    return fields;
  }
}

function splitCommands(tokens: Token[]): Token[][] {
  const parts: Token[][] = [[]];
  for (const token of tokens) {
    if (token.kind === 'pipe') parts.push([]);
    else parts[parts.length - 1]!.push(token);
  }
  return parts;
}

const AGGREGATES = new Set(['count', 'dc', 'values', 'sum', 'min', 'max', 'avg', 'distinct_count']);

function parseStats(parser: Parser): Command {
  const aggregates: Aggregate[] = [];
  const by: string[] = [];
  while (!parser.atEnd() && !parser.isKeyword('by') && !parser.isKeyword('BY')) {
    const token = parser.next()!;
    if (token.kind === 'comma') continue;
    if (token.kind !== 'word' || !AGGREGATES.has(token.value)) parser.fail(`unsupported function '${token.kind === 'word' ? token.value : token.kind}'.`);
    const name = token.value === 'distinct_count' ? 'dc' : (token.value as Aggregate['function']);
    let field: string | undefined;
    if (parser.peek()?.kind === 'lparen') {
      parser.next();
      const argument = parser.next();
      if (argument?.kind !== 'word') parser.fail(`expected a field in ${name}().`);
      field = argument.value;
      if (parser.next()?.kind !== 'rparen') parser.fail(`missing ')' after ${name}(${field}.`);
    } else if (name !== 'count') {
      parser.fail(`${name} needs a field, e.g. ${name}(user).`);
    }
    let as = field === undefined ? name : `${name}(${field})`;
    if (parser.isKeyword('as') || parser.isKeyword('AS')) {
      parser.next();
      const alias = parser.next();
      if (alias?.kind !== 'word' && alias?.kind !== 'string') parser.fail('expected a name after AS.');
      as = alias.value;
    }
    aggregates.push({ function: name, ...(field === undefined ? {} : { field }), as });
  }
  if (aggregates.length === 0) parser.fail('expected at least one function, e.g. count.');
  if (!parser.atEnd()) {
    parser.next();
    by.push(...parser.fieldList());
    if (by.length === 0) parser.fail("expected fields after 'by'.");
  }
  return { kind: 'stats', aggregates, by };
}

function parseSort(parser: Parser): Command {
  let limit: number | undefined;
  const first = parser.peek();
  if (first?.kind === 'word' && /^\d+$/.test(first.value)) {
    limit = Number(first.value);
    parser.next();
  }
  const keys: Array<{ field: string; descending: boolean }> = [];
  let descending = false;
  while (!parser.atEnd()) {
    const token = parser.next()!;
    if (token.kind === 'comma') continue;
    if (token.kind !== 'word') parser.fail('expected field names.');
    if (token.value === '-' || token.value === '+') {
      descending = token.value === '-';
      continue;
    }
    const sign = token.value[0];
    if (sign === '-' || sign === '+') keys.push({ field: token.value.slice(1), descending: sign === '-' });
    else keys.push({ field: token.value, descending });
    descending = false;
  }
  if (keys.length === 0) parser.fail('expected a field to sort by.');
  return { kind: 'sort', keys, ...(limit === undefined ? {} : { limit }) };
}

const BIN_UNIT_SECONDS: Record<string, number> = { s: 1, sec: 1, m: 60, min: 60, h: 3600, hr: 3600, d: 86_400, day: 86_400 };

/** `bin <field> span=<n><unit>` (also `bin span=… <field>`): numeric values floored to the span. */
function parseBin(parser: Parser): Command {
  let field: string | undefined;
  let spanSeconds: number | undefined;
  while (!parser.atEnd()) {
    const token = parser.next()!;
    if (token.kind === 'word' && token.value === 'span' && parser.peek()?.kind === 'op') {
      parser.next();
      const value = parser.next();
      const match = value?.kind === 'word' ? /^(\d+)([a-z]+)?$/.exec(value.value) : null;
      const unit = BIN_UNIT_SECONDS[match?.[2] ?? 's'];
      if (match === null || unit === undefined || Number(match[1]) === 0) parser.fail('expected span=<number><unit>, e.g. span=10m.');
      spanSeconds = Number(match[1]) * unit;
    } else if (token.kind === 'word' && field === undefined) {
      field = token.value;
    } else {
      parser.fail(`unexpected '${token.kind === 'word' || token.kind === 'string' ? token.value : token.kind}'.`);
    }
  }
  if (field === undefined || spanSeconds === undefined) parser.fail('expected a field and span=<number><unit>.');
  return { kind: 'bin', field, spanSeconds };
}

function parsePipeline(query: string): Pipeline {
  const tokens = tokenize(query);
  if (tokens.length === 0) throw new SplError('Empty search.');
  const pipeline: Pipeline = { commands: [] };
  const parts = splitCommands(tokens);
  // A leading pipe means a generating command; only `search` is generating here.
  if (tokens[0]!.kind === 'pipe') parts.shift();
  parts.forEach((part, index) => {
    const name = part[0];
    if (name === undefined) throw new SplError('Empty search command after a pipe.');
    if (name.kind !== 'word') throw new SplError(`Unknown search command '${name.kind === 'string' ? name.value : name.kind}'.`);
    const parser = new Parser(part.slice(1), name.value);
    switch (name.value) {
      case 'search':
        pipeline.commands.push({ kind: 'search', expression: parser.atEnd() ? { kind: 'true' } : parser.expression(index === 0 ? pipeline : undefined) });
        break;
      case 'where':
        if (index === 0) throw new SplError("Error in 'where' command: needs input; start the search with 'search'.");
        pipeline.commands.push({ kind: 'where', expression: parser.expression() });
        break;
      case 'stats':
        pipeline.commands.push(parseStats(parser));
        break;
      case 'table':
        pipeline.commands.push({ kind: 'table', fields: parser.fieldList() });
        break;
      case 'fields': {
        const remove = parser.peek()?.kind === 'word' && (parser.peek() as { value: string }).value === '-';
        if (remove || (parser.peek()?.kind === 'word' && (parser.peek() as { value: string }).value === '+')) parser.next();
        pipeline.commands.push({ kind: 'fields', fields: parser.fieldList(), remove });
        break;
      }
      case 'head': {
        // `head`, `head N` or `head limit=N`.
        const words = part.slice(1).map((token) => (token.kind === 'word' || token.kind === 'op' ? token.value : '?')).join('');
        const match = /^(?:limit=)?(\d+)$/.exec(words);
        if (words !== '' && match === null) throw new SplError("Error in 'head' command: expected a number of results.");
        pipeline.commands.push({ kind: 'head', count: match === null ? 10 : Number(match[1]) });
        parser.position = parser.tokens.length;
        break;
      }
      case 'sort':
        pipeline.commands.push(parseSort(parser));
        break;
      case 'bin':
      case 'bucket':
        pipeline.commands.push(parseBin(parser));
        break;
      default:
        throw new SplError(`Unknown search command '${name.value}'.`);
    }
    if (!parser.atEnd()) parser.fail('unexpected extra arguments.');
  });
  return pipeline;
}

// ---------------------------------------------------------------------------------------------
// SPL subset: time modifiers

const UNIT_MS: Record<string, number> = { s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000, hr: 3_600_000, d: 86_400_000, day: 86_400_000, w: 604_800_000, mon: 2_592_000_000, y: 31_536_000_000 };

function snap(timeMs: number, unit: string): number {
  const date = new Date(timeMs);
  if (unit === 's' || unit === 'sec') date.setUTCMilliseconds(0);
  else if (unit === 'm' || unit === 'min') date.setUTCSeconds(0, 0);
  else if (unit === 'h' || unit === 'hr') date.setUTCMinutes(0, 0, 0);
  else if (unit === 'd' || unit === 'day') date.setUTCHours(0, 0, 0, 0);
  else if (unit === 'w') date.setUTCHours(-24 * date.getUTCDay(), 0, 0, 0);
  else throw new SplError(`Invalid snap unit '@${unit}'.`);
  return date.getTime();
}

function parseTime(value: string, nowMs: number, name: string): number {
  const trimmed = value.trim();
  if (trimmed === 'now' || trimmed === '') return nowMs;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const relative = /^([+-])?(\d*)([a-z]+)?(?:@([a-z]+))?$/.exec(trimmed);
  if (relative !== null && (relative[3] !== undefined || relative[4] !== undefined)) {
    const [, sign, amount, unit, snapUnit] = relative;
    let timeMs = nowMs;
    if (unit !== undefined) {
      const unitMs = UNIT_MS[unit];
      if (unitMs === undefined) throw new SplError(`Invalid value "${value}" for time term '${name}'.`);
      timeMs += (sign === '+' ? 1 : -1) * Number(amount === '' ? 1 : amount) * unitMs;
    }
    return snapUnit === undefined ? timeMs : snap(timeMs, snapUnit);
  }
  const splunkFormat = /^(\d{2})\/(\d{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})$/.exec(trimmed);
  if (splunkFormat !== null) {
    const [, month, day, year, hour, minute, second] = splunkFormat;
    return Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
  }
  const parsed = Date.parse(trimmed);
  if (!Number.isNaN(parsed)) return parsed;
  throw new SplError(`Invalid value "${value}" for time term '${name}'.`);
}

// ---------------------------------------------------------------------------------------------
// SPL subset: evaluate

function wildcardRegExp(pattern: string, anchored: boolean): RegExp {
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(anchored ? `^${escaped}$` : escaped, 'i');
}

function scalar(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function compare(left: string, op: string, right: string): boolean {
  const numeric = left.trim() !== '' && right.trim() !== '' && Number.isFinite(Number(left)) && Number.isFinite(Number(right));
  const order = numeric ? Number(left) - Number(right) : left.localeCompare(right);
  switch (op) {
    case '<':
      return order < 0;
    case '>':
      return order > 0;
    case '<=':
      return order <= 0;
    case '>=':
      return order >= 0;
    default:
      return order === 0;
  }
}

type Leaf = Extract<Expression, { kind: 'term' | 'compare' }>;

/** The boolean skeleton both commands share; `leaf` gives `term` and `compare` their command's meaning. */
function evaluate(expression: Expression, row: Row, leaf: (expression: Leaf, row: Row) => boolean): boolean {
  switch (expression.kind) {
    case 'true':
      return true;
    case 'and':
      return expression.items.every((item) => evaluate(item, row, leaf));
    case 'or':
      return expression.items.some((item) => evaluate(item, row, leaf));
    case 'not':
      return !evaluate(expression.item, row, leaf);
    default:
      return leaf(expression, row);
  }
}

/** `search` semantics: values are case-insensitive with `*` wildcards; a missing field never matches. */
function searchLeaf(expression: Leaf, row: Row): boolean {
  if (expression.kind === 'term') {
    const raw = scalar(row._raw) ?? '';
    return wildcardRegExp(expression.value, false).test(raw);
  }
  const values = row[expression.field];
  if (values === undefined) return false;
  const list = Array.isArray(values) ? values : [values];
  const { op } = expression;
  if (op === '=' || op === '!=') {
    const hit = list.some((value) => wildcardRegExp(expression.value.value, true).test(value));
    return op === '=' ? hit : !hit;
  }
  return list.some((value) => compare(value, op, expression.value.value));
}

/** `where` semantics: an unquoted word on the right is a field name unless it is a number. */
function whereLeaf(expression: Leaf, row: Row): boolean {
  if (expression.kind === 'term') {
    throw new SplError(`Error in 'where' command: the expression is malformed near '${expression.value}'.`);
  }
  const left = scalar(row[expression.field]);
  const { value } = expression.value;
  const right = expression.value.quoted || Number.isFinite(Number(value)) ? value : scalar(row[value]);
  if (left === undefined || right === undefined) return false;
  return expression.op === '!=' ? !compare(left, '=', right) : compare(left, expression.op, right);
}

function stats(rows: Row[], command: Extract<Command, { kind: 'stats' }>): Row[] {
  const groups = new Map<string, { key: string[]; rows: Row[] }>();
  for (const row of rows) {
    const key = command.by.map((field) => scalar(row[field]));
    // Splunk leaves out events that lack a by-field.
    if (key.some((value) => value === undefined)) continue;
    const id = JSON.stringify(key);
    let group = groups.get(id);
    if (group === undefined) {
      group = { key: key as string[], rows: [] };
      groups.set(id, group);
    }
    group.rows.push(row);
  }
  if (command.by.length === 0 && groups.size === 0) groups.set('[]', { key: [], rows: [] });
  const out: Row[] = [];
  for (const group of groups.values()) {
    const result: Row = {};
    command.by.forEach((field, index) => (result[field] = group.key[index]!));
    for (const aggregate of command.aggregates) {
      const values = aggregate.field === undefined ? [] : group.rows.flatMap((row) => {
        const value = row[aggregate.field!];
        return value === undefined ? [] : Array.isArray(value) ? value : [value];
      });
      const numbers = values.map(Number).filter((value) => Number.isFinite(value));
      switch (aggregate.function) {
        case 'count':
          result[aggregate.as] = String(aggregate.field === undefined ? group.rows.length : values.length);
          break;
        case 'dc':
          result[aggregate.as] = String(new Set(values).size);
          break;
        case 'values':
          result[aggregate.as] = [...new Set(values)].sort();
          break;
        case 'sum':
          result[aggregate.as] = String(numbers.reduce((sum, value) => sum + value, 0));
          break;
        case 'avg':
          if (numbers.length > 0) result[aggregate.as] = String(numbers.reduce((sum, value) => sum + value, 0) / numbers.length);
          break;
        case 'min':
          if (numbers.length > 0) result[aggregate.as] = String(Math.min(...numbers));
          break;
        case 'max':
          if (numbers.length > 0) result[aggregate.as] = String(Math.max(...numbers));
          break;
      }
    }
    out.push(result);
  }
  return out.sort((a, b) => {
    for (const field of command.by) {
      const order = compareValues(scalar(a[field]), scalar(b[field]));
      if (order !== 0) return order;
    }
    return 0;
  });
}

function compareValues(a: string | undefined, b: string | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  const numeric = Number.isFinite(Number(a)) && Number.isFinite(Number(b)) && a.trim() !== '' && b.trim() !== '';
  return numeric ? Number(a) - Number(b) : a.localeCompare(b);
}

interface SearchOutcome {
  rows: Row[];
  eventCount: number;
  scanCount: number;
  transforming: boolean;
}

function runSearch(context: LabContext, query: string, earliestParam: string | undefined, latestParam: string | undefined): SearchOutcome {
  const pipeline = parsePipeline(query);
  const nowMs = context.clock.now().getTime();
  const earliestText = pipeline.earliest ?? earliestParam;
  const latestText = pipeline.latest ?? latestParam;
  const earliest = earliestText === undefined || earliestText === '' ? Number.NEGATIVE_INFINITY : parseTime(earliestText, nowMs, 'earliest');
  const latest = latestText === undefined || latestText === '' ? Number.POSITIVE_INFINITY : parseTime(latestText, nowMs, 'latest');
  const events = state(context).events.filter((event) => event.timeMs >= earliest && event.timeMs <= latest);
  // Events come newest first, as Splunk returns them.
  let rows: Row[] = events
    .slice()
    .sort((a, b) => b.timeMs - a.timeMs)
    .map((event) => ({ ...event.fields, _time: epochSeconds(event.timeMs) }));
  const scanCount = rows.length;
  let transforming = false;
  let eventCount = 0;
  for (const [index, command] of pipeline.commands.entries()) {
    switch (command.kind) {
      case 'search':
        rows = rows.filter((row) => evaluate(command.expression, row, searchLeaf));
        break;
      case 'where':
        rows = rows.filter((row) => evaluate(command.expression, row, whereLeaf));
        break;
      case 'stats':
        transforming = true;
        rows = stats(rows, command);
        break;
      case 'table':
        transforming = true;
        rows = rows.map((row) => Object.fromEntries(command.fields.flatMap((field) => (row[field] === undefined ? [] : [[field, row[field]!]]))));
        break;
      case 'fields':
        rows = rows.map((row) =>
          command.remove
            ? Object.fromEntries(Object.entries(row).filter(([field]) => !command.fields.includes(field)))
            : Object.fromEntries(Object.entries(row).filter(([field]) => command.fields.includes(field) || field === '_time' || field === '_raw')),
        );
        break;
      case 'head':
        rows = rows.slice(0, command.count);
        break;
      case 'bin':
        rows = rows.map((row) => {
          const value = Number(scalar(row[command.field]));
          return Number.isFinite(value) ? { ...row, [command.field]: String(Math.floor(value / command.spanSeconds) * command.spanSeconds) } : row;
        });
        break;
      case 'sort':
        rows = rows.slice().sort((a, b) => {
          for (const key of command.keys) {
            const order = compareValues(scalar(a[key.field]), scalar(b[key.field]));
            if (order !== 0) return key.descending ? -order : order;
          }
          return 0;
        });
        if (command.limit !== undefined && command.limit > 0) rows = rows.slice(0, command.limit);
        break;
    }
    if (index === 0) eventCount = rows.length;
  }
  return { rows, eventCount: transforming ? eventCount : rows.length, scanCount, transforming };
}

// ---------------------------------------------------------------------------------------------
// HTTP: envelopes and auth

function messages(status: number, type: 'ERROR' | 'FATAL' | 'WARN', message: string): LabResponse {
  return json(status, { messages: [{ type, text: message }] });
}

function hec(status: number, code: number, message: string, extra: Record<string, unknown> = {}): LabResponse {
  return json(status, { text: message, code, ...extra });
}

/** The user a REST request authenticates as, or undefined. */
function restUser(request: LabRequest, context: LabContext): string | undefined {
  const header = request.header('authorization') ?? '';
  const credentials = LAB_CREDENTIALS.splunk;
  const [scheme = '', ...rest] = header.trim().split(/\s+/);
  const value = rest.join(' ');
  switch (scheme.toLowerCase()) {
    case 'bearer':
      return value === credentials.token ? credentials.username : undefined;
    case 'splunk': {
      const check = context.tokens(PRODUCT, SESSION_TTL_SECONDS).check(value);
      return check.state === 'valid' ? check.subject : undefined;
    }
    case 'basic': {
      const basic = basicCredentials(request);
      return basic?.username === credentials.username && basic.password === credentials.password ? basic.username : undefined;
    }
    default:
      return undefined;
  }
}

/** Form body (POST) merged over the query string. */
function parameters(request: LabRequest): URLSearchParams {
  const merged = new URLSearchParams(request.query);
  if (request.method === 'POST') for (const [key, value] of request.form()) merged.set(key, value);
  return merged;
}

function authenticated(handler: (request: LabRequest, context: LabContext, user: string, params: URLSearchParams) => LabResponse) {
  return (request: LabRequest, context: LabContext): LabResponse => {
    const user = restUser(request, context);
    if (user === undefined) return messages(401, 'WARN', 'call not properly authenticated');
    const params = parameters(request);
    const mode = params.get('output_mode');
    if (mode !== 'json') return messages(400, 'ERROR', `This endpoint answers output_mode=json only (got ${mode ?? 'the default, XML'}).`);
    return handler(request, context, user, params);
  };
}

function login(request: LabRequest, context: LabContext): LabResponse {
  const params = parameters(request);
  const credentials = LAB_CREDENTIALS.splunk;
  if (params.get('username') !== credentials.username || params.get('password') !== credentials.password) {
    return json(401, { messages: [{ type: 'WARN', code: 'incorrect_username_or_password', text: 'Login failed' }] });
  }
  const { token } = context.tokens(PRODUCT, SESSION_TTL_SECONDS).issue(credentials.username);
  if (params.get('output_mode') === 'json') return json(200, { sessionKey: token, message: '', code: '' });
  return text(200, `<response>\n  <sessionKey>${token}</sessionKey>\n  <messages>\n    <msg code=""></msg>\n  </messages>\n</response>\n`, 'text/xml');
}

function fieldsOf(rows: Row[]): Array<{ name: string }> {
  const names = new Set<string>();
  for (const row of rows) for (const name of Object.keys(row)) names.add(name);
  return [...names].sort((a, b) => (a.startsWith('_') === b.startsWith('_') ? a.localeCompare(b) : a.startsWith('_') ? -1 : 1)).map((name) => ({ name }));
}

function jobEntry(request: LabRequest, job: SearchJob, dispatchState: string): Record<string, unknown> {
  const done = dispatchState === 'DONE';
  const base = `${request.baseUrl}${PREFIX}/services/search/v2/jobs`;
  return {
    links: {},
    origin: base,
    updated: new Date(job.createdMs).toISOString(),
    generator: { build: 'lab0sim', version: VERSION },
    entry: [
      {
        name: job.search,
        id: `${base}/${job.sid}`,
        author: job.owner,
        published: new Date(job.createdMs).toISOString(),
        links: { results: `/services/search/v2/jobs/${job.sid}/results`, events: `/services/search/v2/jobs/${job.sid}/events` },
        content: {
          sid: job.sid,
          dispatchState,
          isDone: done,
          isFailed: false,
          isFinalized: false,
          doneProgress: done ? 1 : dispatchState === 'RUNNING' ? 0.5 : 0,
          eventCount: done ? job.eventCount : 0,
          resultCount: done ? job.rows.length : 0,
          scanCount: done ? job.scanCount : 0,
          isSavedSearch: false,
          runDuration: done ? 0.042 : 0,
          messages: [],
        },
      },
    ],
    paging: { total: 1, perPage: 0, offset: 0 },
    messages: [],
  };
}

function pageOf(params: URLSearchParams, rows: Row[]): { rows: Row[]; offset: number } | LabResponse {
  const countText = params.get('count') ?? String(DEFAULT_RESULT_COUNT);
  const offsetText = params.get('offset') ?? '0';
  if (!/^\d+$/.test(countText) || !/^-?\d+$/.test(offsetText)) return messages(400, 'ERROR', 'count and offset must be integers.');
  const count = Number(countText) === 0 ? MAX_RESULT_COUNT : Math.min(Number(countText), MAX_RESULT_COUNT);
  let offset = Number(offsetText);
  // A negative offset counts from the end, as in Splunk.
  if (offset < 0) offset = Math.max(0, rows.length + offset);
  return { rows: rows.slice(offset, offset + count), offset };
}

function createJob(request: LabRequest, context: LabContext, user: string, params: URLSearchParams): LabResponse {
  const search = params.get('search');
  if (search === null || search.trim() === '') return messages(400, 'FATAL', 'Empty search.');
  let outcome: SearchOutcome;
  try {
    outcome = runSearch(context, search, params.get('earliest_time') ?? undefined, params.get('latest_time') ?? undefined);
  } catch (error) {
    if (error instanceof SplError) return messages(400, 'FATAL', error.message);
    throw error;
  }
  const execMode = params.get('exec_mode') ?? 'normal';
  if (!['normal', 'blocking', 'oneshot'].includes(execMode)) return messages(400, 'ERROR', `Invalid exec_mode '${execMode}'.`);
  if (execMode === 'oneshot') {
    const page = pageOf(params, outcome.rows);
    if ('status' in page) return page;
    return json(200, { preview: false, init_offset: page.offset, messages: [], fields: fieldsOf(page.rows), results: page.rows, highlighted: {} });
  }
  const splunk = state(context);
  const nowMs = context.clock.now().getTime();
  const sid = `${Math.floor(nowMs / 1000)}.${splunk.nextSid++}`;
  splunk.jobs.set(sid, { sid, search, owner: user, createdMs: nowMs, polls: 0, done: execMode === 'blocking', ...outcome });
  return json(201, { sid });
}

function findJob(request: LabRequest, context: LabContext): SearchJob | LabResponse {
  return state(context).jobs.get(request.params.sid ?? '') ?? messages(404, 'ERROR', 'Unknown sid.');
}

function jobStatus(request: LabRequest, context: LabContext): LabResponse {
  const job = findJob(request, context);
  if ('status' in job) return job;
  job.polls += 1;
  // The job is seen queued, then running, then done, across polls.
  if (!job.done && job.polls >= 3) job.done = true;
  const dispatchState = job.done ? 'DONE' : job.polls === 1 ? 'QUEUED' : 'RUNNING';
  return json(200, jobEntry(request, job, dispatchState));
}

function jobResults(request: LabRequest, context: LabContext, _user: string, params: URLSearchParams): LabResponse {
  const job = findJob(request, context);
  if ('status' in job) return job;
  // Splunk answers 204 No Content for results of a job that has not finished.
  if (!job.done) return { status: 204 };
  const page = pageOf(params, job.rows);
  if ('status' in page) return page;
  return json(200, { preview: false, init_offset: page.offset, messages: [], fields: fieldsOf(page.rows), results: page.rows, highlighted: {} });
}

function exportSearch(request: LabRequest, context: LabContext, _user: string, params: URLSearchParams): LabResponse {
  const search = params.get('search');
  if (search === null || search.trim() === '') return messages(400, 'FATAL', 'Empty search.');
  let outcome: SearchOutcome;
  try {
    outcome = runSearch(context, search, params.get('earliest_time') ?? undefined, params.get('latest_time') ?? undefined);
  } catch (error) {
    if (error instanceof SplError) return messages(400, 'FATAL', error.message);
    throw error;
  }
  const lines = outcome.rows.map((row, offset) => JSON.stringify({ preview: false, offset, ...(offset === outcome.rows.length - 1 ? { lastrow: true } : {}), result: row }));
  if (lines.length === 0) lines.push(JSON.stringify({ preview: false, lastrow: true }));
  return text(200, `${lines.join('\n')}\n`, 'application/json; charset=UTF-8');
}

// ---------------------------------------------------------------------------------------------
// HTTP Event Collector

function hecToken(request: LabRequest): { token: string } | LabResponse {
  if (request.query.get('token') !== null) return hec(400, 16, 'Query string authorization is not enabled');
  const header = request.header('authorization');
  if (header === undefined || header.trim() === '') return hec(401, 2, 'Token is required');
  const [scheme = '', value = ''] = header.trim().split(/\s+/, 2);
  if (scheme.toLowerCase() === 'splunk') return { token: value };
  if (scheme.toLowerCase() === 'basic') {
    const basic = basicCredentials(request);
    if (basic !== undefined) return { token: basic.password };
  }
  return hec(401, 3, 'Invalid authorization');
}

/** Splits concatenated JSON objects (`{..}{..}`, newlines optional); the index of the first bad one on failure. */
function splitEnvelopes(body: string): { envelopes: unknown[]; invalidAt?: number } {
  const envelopes: unknown[] = [];
  let index = 0;
  while (index < body.length) {
    while (index < body.length && /\s/.test(body[index]!)) index += 1;
    if (index >= body.length) break;
    if (body[index] !== '{') return { envelopes, invalidAt: envelopes.length };
    let depth = 0;
    let inString = false;
    let end = -1;
    for (let cursor = index; cursor < body.length; cursor += 1) {
      const char = body[cursor]!;
      if (inString) {
        if (char === '\\') cursor += 1;
        else if (char === '"') inString = false;
      } else if (char === '"') inString = true;
      else if (char === '{') depth += 1;
      else if (char === '}') {
        depth -= 1;
        if (depth === 0) {
          end = cursor;
          break;
        }
      }
    }
    if (end < 0) return { envelopes, invalidAt: envelopes.length };
    try {
      envelopes.push(JSON.parse(body.slice(index, end + 1)));
    } catch {
      return { envelopes, invalidAt: envelopes.length };
    }
    index = end + 1;
  }
  return { envelopes };
}

function flatten(value: unknown, prefix: string, out: Record<string, string>, depth = 0): void {
  if (value === null || value === undefined) return;
  if (typeof value !== 'object') {
    out[prefix] = String(value);
    return;
  }
  if (depth > 4) return;
  if (Array.isArray(value)) {
    if (value.every((item) => typeof item !== 'object')) out[`${prefix}{}`] = value.map(String).join(',');
    return;
  }
  for (const [key, inner] of Object.entries(value)) flatten(inner, prefix === '' ? key : `${prefix}.${key}`, out, depth + 1);
}

interface Envelope {
  time?: unknown;
  host?: unknown;
  source?: unknown;
  sourcetype?: unknown;
  index?: unknown;
  event?: unknown;
  fields?: unknown;
}

function collectorEvent(request: LabRequest, context: LabContext): LabResponse {
  const auth = hecToken(request);
  if ('status' in auth) return auth;
  if (auth.token !== LAB_CREDENTIALS.splunk.hecToken) return hec(403, 4, 'Invalid token');
  if (request.rawBody.trim() === '') return hec(400, 5, 'No data');
  const { envelopes, invalidAt } = splitEnvelopes(request.rawBody);
  const splunk = state(context);
  const nowMs = context.clock.now().getTime();
  const accepted: StoredEvent[] = [];
  const reject = (position: number, status: number, code: number, message: string, numbered: boolean) => {
    // Events before the bad one were accepted.
    splunk.events.push(...accepted);
    return hec(status, code, message, numbered ? { 'invalid-event-number': position } : {});
  };
  for (const [position, value] of envelopes.entries()) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return reject(position, 400, 6, 'Invalid data format', true);
    const envelope = value as Envelope;
    if (!('event' in envelope)) return reject(position, 400, 12, 'Event field is required', true);
    if (envelope.event === null || envelope.event === '' || (typeof envelope.event === 'object' && Object.keys(envelope.event).length === 0)) {
      return reject(position, 400, 13, 'Event field cannot be blank', true);
    }
    const index = envelope.index === undefined ? HEC_DEFAULT_INDEX : envelope.index;
    if (typeof index !== 'string' || !/^[a-z0-9_][a-z0-9_-]*$/.test(index)) return reject(position, 400, 7, 'Incorrect index', true);
    const timeValue = typeof envelope.time === 'string' ? Number(envelope.time) : envelope.time;
    if (timeValue !== undefined && (typeof timeValue !== 'number' || !Number.isFinite(timeValue))) return reject(position, 400, 6, 'Invalid data format', true);
    const fields: Record<string, string> = {};
    if (envelope.fields !== undefined) {
      if (typeof envelope.fields !== 'object' || envelope.fields === null || Array.isArray(envelope.fields)) return reject(position, 400, 15, 'Error in handling indexed fields', true);
      for (const [key, field] of Object.entries(envelope.fields)) {
        if (typeof field === 'string') fields[key] = field;
        else if (Array.isArray(field) && field.every((item) => typeof item === 'string')) fields[key] = field.join(',');
        else return reject(position, 400, 15, 'Error in handling indexed fields', true);
      }
    }
    const extracted: Record<string, string> = {};
    if (typeof envelope.event === 'object') flatten(envelope.event, '', extracted);
    accepted.push({
      timeMs: timeValue === undefined ? nowMs : Math.round((timeValue as number) * 1000),
      fields: {
        ...extracted,
        ...fields,
        index,
        sourcetype: typeof envelope.sourcetype === 'string' ? envelope.sourcetype : 'httpevent',
        source: typeof envelope.source === 'string' ? envelope.source : 'http:defenseclaw',
        host: typeof envelope.host === 'string' ? envelope.host : 'hec-client',
        _raw: typeof envelope.event === 'string' ? envelope.event : JSON.stringify(envelope.event),
        _cd: `1:${splunk.events.length + accepted.length}`,
      },
    });
  }
  if (invalidAt !== undefined) return reject(invalidAt, 400, 6, 'Invalid data format', true);
  splunk.events.push(...accepted);
  return hec(200, 0, 'Success');
}

function collectorRaw(request: LabRequest, context: LabContext): LabResponse {
  const auth = hecToken(request);
  if ('status' in auth) return auth;
  if (auth.token !== LAB_CREDENTIALS.splunk.hecToken) return hec(403, 4, 'Invalid token');
  const lines = request.rawBody.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length === 0) return hec(400, 5, 'No data');
  const index = request.query.get('index') ?? HEC_DEFAULT_INDEX;
  if (!/^[a-z0-9_][a-z0-9_-]*$/.test(index)) return hec(400, 7, 'Incorrect index', { 'invalid-event-number': 0 });
  const splunk = state(context);
  const nowMs = context.clock.now().getTime();
  for (const line of lines) {
    splunk.events.push({
      timeMs: nowMs,
      fields: { index, sourcetype: request.query.get('sourcetype') ?? 'httpevent', source: request.query.get('source') ?? 'http:defenseclaw', host: request.query.get('host') ?? 'hec-client', _raw: line, _cd: `1:${splunk.events.length}` },
    });
  }
  return hec(200, 0, 'Success');
}

export const splunkSimulator: LabProductModule = {
  product: PRODUCT,
  prefix: PREFIX,
  // The management port (REST) and the HEC port are one prefix here.
  endpoints: { rest: '', hec: '' },
  register(router) {
    router.post('/services/auth/login', login);
    router.get(
      '/services/server/info',
      authenticated((request, context) =>
        json(200, {
          generator: { build: 'lab0sim', version: VERSION },
          entry: [{ name: 'server-info', content: { serverName: 'splunk-lab', version: VERSION, build: 'lab0sim', product_type: 'enterprise', startup_time: Math.floor(context.world.startedAt.getTime() / 1000) } }],
          paging: { total: 1, perPage: 30, offset: 0 },
          messages: [],
        }),
      ),
    );
    for (const base of SEARCH_PATHS) {
      router.post(base, authenticated(createJob));
      router.post(`${base}/export`, authenticated(exportSearch));
      router.get(`${base}/export`, authenticated(exportSearch));
      router.get(`${base}/:sid`, authenticated((request, context) => jobStatus(request, context)));
      router.delete(`${base}/:sid`, authenticated((request, context) => {
        const job = findJob(request, context);
        if ('status' in job) return job;
        state(context).jobs.delete(job.sid);
        return json(200, { messages: [{ type: 'INFO', text: 'Search job cancelled.' }] });
      }));
      router.get(`${base}/:sid/results`, authenticated(jobResults));
    }
    for (const path of ['/services/collector', '/services/collector/event', '/services/collector/event/1.0']) router.post(path, collectorEvent);
    router.post('/services/collector/raw', collectorRaw);
    router.post('/services/collector/raw/1.0', collectorRaw);
    router.get('/services/collector/health', () => hec(200, 17, 'HEC is healthy'));
    router.get('/services/collector/health/1.0', () => hec(200, 17, 'HEC is healthy'));
    router.post('/services/collector/ack', () => hec(400, 14, 'ACK is disabled'));
  },
  errorResponse(status, message, request) {
    if (request.path.startsWith('/services/collector')) {
      if (status === 503) return hec(503, 9, 'Server is busy');
      if (status === 401) return hec(401, 2, 'Token is required');
      if (status === 403) return hec(403, 4, 'Invalid token');
      if (status >= 500) return hec(status, 8, 'Internal server error');
      return hec(status, 6, message);
    }
    return messages(status, status === 401 ? 'WARN' : 'ERROR', message);
  },
};

