import type { SecurityEvent } from '../../../connectors/model/index.js';
import type { CorrelationAttributes } from '../correlation-event.js';
import { categoryOf, defined, hostOf, integerField, nonEmpty, outcomeOf, textField, userOf } from './field-reader.js';

/**
 * Correlation attributes from the field names the connectors share (`host`, `user`, `src_ip`,
 * `dst_ip`, `dst_port`, `domain`, `url`, `process`, `parent_process`, `command_line`, `file_name`,
 * `file_path`, `sha256`, `technique`, `tactic`, `outcome`). The host of a logon is where it logged
 * on (`dst.host`); the host of any other activity is the one acting (`src.host`).
 */
export function genericAttributes(event: SecurityEvent): CorrelationAttributes {
  const host = hostOf(textField(event, 'host'));
  const authentication = event.class === 'authentication';
  const domain = textField(event, 'domain')?.toLowerCase().replace(/\.$/, '');
  const sha256 = textField(event, 'sha256')?.toLowerCase();
  return defined({
    outcome: outcomeOf(event),
    src: defined({ ip: textField(event, 'src_ip'), host: authentication ? hostOf(textField(event, 'src_host')) : host }),
    dst: defined({
      ip: textField(event, 'dst_ip'),
      port: integerField(event, 'dst_port'),
      domain,
      host: authentication ? host : hostOf(textField(event, 'dst_host')),
    }),
    ...userOf(textField(event, 'user')),
    host,
    process: nonEmpty({ name: textField(event, 'process'), parentName: textField(event, 'parent_process'), commandLine: textField(event, 'command_line') }),
    file: nonEmpty({ name: textField(event, 'file_name'), path: textField(event, 'file_path'), sha256: sha256 !== undefined && /^0+$/.test(sha256) ? undefined : sha256 }),
    dnsQuery: event.class === 'dns_activity' ? domain : undefined,
    url: textField(event, 'url'),
    technique: textField(event, 'technique'),
    tactic: textField(event, 'tactic'),
    logsource: defined({ category: categoryOf(event.class) }),
  });
}
