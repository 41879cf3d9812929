import { SPL, anyColumn } from './dialect.js';
import { and, exact, FALSE, or, TRUE, widened, type Approximation } from './query-expression.js';
import { ABSENT, columns, computed, type FieldResolution, type SiemTable } from './siem-table.js';

/*
 * Splunk rows as the Splunk connector normalises them (src/connectors/splunk/normalize.ts) and
 * the correlation mapping reads them (events/sources/splunk-attributes.ts). One search covers
 * every index; the class follows from the sourcetype and the Windows event code.
 */

const windows = (): Approximation => or([SPL.glob('sourcetype', [{ kind: 'text', text: 'WinEventLog' }, { kind: 'any' }]), SPL.glob('sourcetype', [{ kind: 'text', text: 'XmlWinEventLog' }, { kind: 'any' }])]);
const eventCode = (codes: readonly string[]): Approximation => or(codes.map((code) => anyColumn(['EventCode', 'event_code'], (column) => SPL.text(column, 'equals', code))));
const sourcetypeLike = (...patterns: string[]): Approximation[] =>
  patterns.map((pattern) => SPL.glob('sourcetype', pattern.split(/(\*)/).filter((part) => part !== '').map((part) => (part === '*' ? { kind: 'any' as const } : { kind: 'text' as const, text: part }))));
const action = (...values: string[]): Approximation[] => values.map((value) => SPL.text('action', 'equals', value));

function classFilter(value: string): Approximation {
  switch (value.toLowerCase()) {
    case 'authentication':
      return and([windows(), eventCode(['4624', '4625', '4648', '4776'])]);
    case 'network_activity':
      return { ...or([and([windows(), eventCode(['5140', '5145'])]), ...sourcetypeLike('cisco:ftd*', 'cisco:asa*', '*firewall*'), SPL.text('index', 'equals', 'firewall')]), exact: false };
    case 'email_activity':
      return { ...or([...sourcetypeLike('*esa*', '*email*', '*messagetrace*'), SPL.text('index', 'equals', 'email')]), exact: false };
    case 'dns_activity':
      return { ...or(sourcetypeLike('*dns*')), exact: false };
    case 'other':
      return widened();
    default:
      // The Splunk normaliser makes no findings, process or file activity.
      return exact(FALSE);
  }
}

function outcomeFilter(value: string): Approximation {
  switch (value.toLowerCase()) {
    case 'failure':
      return { ...or([...action('failure', 'failed', 'fail'), eventCode(['4625'])]), exact: false };
    case 'success':
      return { ...or([...action('success', 'succeeded'), eventCode(['4624'])]), exact: false };
    case 'blocked':
      return { ...or(action('blocked', 'block', 'deny', 'denied', 'dropped')), exact: false };
    case 'allowed':
      return { ...or(action('allowed', 'allow', 'permitted', 'accept')), exact: false };
    default:
      return { ...SPL.text('action', 'equals', value), exact: false };
  }
}

function sourceFilter(value: string): Approximation {
  switch (value.toLowerCase()) {
    case 'splunk':
      return exact(TRUE);
    case 'secure-firewall':
      return or(sourcetypeLike('cisco:ftd*'));
    default:
      return exact(FALSE);
  }
}

const FIELDS: Readonly<Record<string, FieldResolution>> = {
  class: computed(classFilter),
  outcome: computed(outcomeFilter),
  source: computed(sourceFilter),
  'src.ip': columns(['src_ip', 'Source_Address'], 'identity', { group: 'src_ip' }),
  'dst.ip': columns(['dest_ip'], 'identity', { group: 'dest_ip' }),
  'dst.port': columns(['dest_port'], 'identity', { numeric: true, group: 'dest_port' }),
  'user.name': columns(['Account_Name', 'user', 'recipient'], 'user-key', { group: 'user' }),
  'dst.host': columns(['dest', 'ComputerName'], 'short-host', { group: 'dest' }),
  'host.name': columns(['dest', 'ComputerName', 'Workstation_Name', 'src_host'], 'short-host', { group: 'dest' }),
  'src.host': columns(['Workstation_Name', 'src_host', 'src', 'dest', 'ComputerName'], 'short-host', { group: 'Workstation_Name' }),
  'file.name': columns(['file_name']),
  'file.hash.sha256': columns(['file_hash']),
  url: columns(['url']),
  'entities.ips': columns(['src_ip', 'Source_Address', 'dest_ip']),
  'entities.users': columns(['Account_Name', 'user', 'recipient'], 'user-key'),
  'entities.hosts': columns(['dest', 'ComputerName', 'Workstation_Name', 'src_host'], 'short-host'),
  'entities.hashes': columns(['file_hash']),
  'entities.urls': columns(['url']),
  // Product fields the connector passes through under their own names.
  event_code: columns(['EventCode', 'event_code'], 'identity', { group: 'EventCode' }),
  sourcetype: columns(['sourcetype'], 'identity', { group: 'sourcetype' }),
  index: columns(['index'], 'identity', { group: 'index' }),
  app: columns(['app']),
  share: columns(['Share_Name']),
  sender: columns(['src_user', 'sender']),
  recipient: columns(['recipient']),
  subject: columns(['subject']),
  src_ip: columns(['src_ip', 'Source_Address']),
  dst_ip: columns(['dest_ip']),
  dst_port: columns(['dest_port'], 'identity', { numeric: true }),
  bytes_out: columns(['bytes_out'], 'identity', { numeric: true }),
  // Never set for Splunk rows.
  'src.port': ABSENT,
  'dst.domain': ABSENT,
  'dns.query': ABSENT,
  'process.name': ABSENT,
  'process.command_line': ABSENT,
  'parent.name': ABSENT,
  'file.path': ABSENT,
  technique: ABSENT,
  tactic: ABSENT,
};

export const SPLUNK_TABLE: SiemTable = {
  siem: 'splunk',
  name: 'splunk',
  dialect: SPL,
  tool: 'splunk.search',
  timeColumn: '_time',
  bulkQuery: 'search index=*',
  resolve: (field) => FIELDS[field],
  select: (filter) => `search ${filter}`,
  aggregate(filter, options) {
    const measure = options.valueColumn === undefined ? 'count' : `dc(${options.valueColumn})`;
    return `search ${filter} | bin _time span=${options.timespan} | stats ${measure} as window_count by _time, ${options.groupColumns.join(', ')} | where window_count >= ${options.threshold}`;
  },
};
