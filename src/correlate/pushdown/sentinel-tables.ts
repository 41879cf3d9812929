import { KQL } from './dialect.js';
import { exact, FALSE, not, TRUE, type Approximation } from './query-expression.js';
import { ABSENT, columns, computed, type FieldResolution, type SiemTable } from './siem-table.js';

/*
 * Log Analytics tables as the Sentinel connector normalises them (src/connectors/sentinel/normalize.ts):
 * SecurityEvent (Windows logons) and SigninLogs (Entra ID sign-ins), both authentication.
 */

const only = (wanted: string) => (value: string): Approximation => exact(value.toLowerCase() === wanted ? TRUE : FALSE);

const NOTHING_ELSE: Readonly<Record<string, FieldResolution>> = {
  'dst.ip': ABSENT,
  'dst.port': ABSENT,
  'src.port': ABSENT,
  'dst.domain': ABSENT,
  'dns.query': ABSENT,
  'process.name': ABSENT,
  'process.command_line': ABSENT,
  'parent.name': ABSENT,
  'file.name': ABSENT,
  'file.path': ABSENT,
  'file.hash.sha256': ABSENT,
  url: ABSENT,
  technique: ABSENT,
  tactic: ABSENT,
  'entities.domains': ABSENT,
  'entities.hashes': ABSENT,
  'entities.urls': ABSENT,
};

const SECURITY_EVENT_FIELDS: Readonly<Record<string, FieldResolution>> = {
  ...NOTHING_ELSE,
  class: computed(only('authentication')),
  source: computed(only('sentinel')),
  table: computed(only('securityevent')),
  'logsource.category': computed(only('authentication')),
  'logsource.product': computed(only('windows')),
  'logsource.service': computed(only('security')),
  outcome: computed((value) => {
    switch (value.toLowerCase()) {
      case 'success':
        return exact({ kind: 'number', column: 'EventID', test: 'eq', value: 4624 });
      case 'failure':
        return exact({ kind: 'number', column: 'EventID', test: 'eq', value: 4625 });
      default:
        return exact(FALSE);
    }
  }),
  'src.ip': columns(['IpAddress'], 'identity', { group: 'IpAddress' }),
  src_ip: columns(['IpAddress']),
  'user.name': columns(['TargetUserName', 'Account'], 'user-key', { group: 'TargetUserName' }),
  account: columns(['Account']),
  'dst.host': columns(['Computer'], 'short-host', { group: 'Computer' }),
  'host.name': columns(['Computer'], 'short-host', { group: 'Computer' }),
  'src.host': columns(['WorkstationName'], 'short-host', { group: 'WorkstationName' }),
  src_host: columns(['WorkstationName'], 'short-host'),
  event_code: columns(['EventID'], 'identity', { numeric: true, group: 'EventID' }),
  logon_type: columns(['LogonType'], 'identity', { numeric: true }),
  status: columns(['Status']),
  'entities.ips': columns(['IpAddress']),
  'entities.users': columns(['TargetUserName', 'Account'], 'user-key'),
  'entities.hosts': columns(['Computer', 'WorkstationName'], 'short-host'),
};

const SIGNIN_FIELDS: Readonly<Record<string, FieldResolution>> = {
  ...NOTHING_ELSE,
  'dst.host': ABSENT,
  'host.name': ABSENT,
  'src.host': ABSENT,
  'entities.hosts': ABSENT,
  class: computed(only('authentication')),
  source: computed(only('sentinel')),
  table: computed(only('signinlogs')),
  'logsource.category': computed(only('authentication')),
  'logsource.product': computed(only('azure')),
  'logsource.service': computed(only('signinlogs')),
  outcome: computed((value) => {
    const succeeded = KQL.text('ResultType', 'equals', '0');
    switch (value.toLowerCase()) {
      case 'success':
        return succeeded;
      case 'failure':
        // A row without a result type has no outcome: the negation is a superset.
        return { ...not(succeeded), exact: false };
      default:
        return exact(FALSE);
    }
  }),
  'src.ip': columns(['IPAddress'], 'identity', { group: 'IPAddress' }),
  src_ip: columns(['IPAddress']),
  'user.name': columns(['UserPrincipalName'], 'user-key', { group: 'UserPrincipalName' }),
  event_code: columns(['ResultType'], 'identity', { group: 'ResultType' }),
  app: columns(['AppDisplayName']),
  location: columns(['Location']),
  risk_level: columns(['RiskLevelDuringSignIn']),
  'entities.ips': columns(['IPAddress']),
  'entities.users': columns(['UserPrincipalName'], 'user-key'),
};

function table(name: string, fields: Readonly<Record<string, FieldResolution>>): SiemTable {
  return {
    siem: 'sentinel',
    name,
    dialect: KQL,
    tool: 'sentinel.query',
    timeColumn: 'TimeGenerated',
    bulkQuery: name,
    resolve: (field) => fields[field],
    select: (filter) => `${name} | where ${filter}`,
    aggregate(filter, options) {
      const measure = options.valueColumn === undefined ? 'count()' : `dcount(${options.valueColumn})`;
      return `${name} | where ${filter} | summarize window_count = ${measure} by bin(TimeGenerated, ${options.timespan}), ${options.groupColumns.join(', ')} | where window_count >= ${options.threshold}`;
    },
  };
}

export const SENTINEL_TABLES: readonly SiemTable[] = [table('SecurityEvent', SECURITY_EVENT_FIELDS), table('SigninLogs', SIGNIN_FIELDS)];
