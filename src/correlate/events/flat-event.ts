import type { FieldValue, FlatEvent } from '../engine/index.js';
import type { CorrelationEvent } from './correlation-event.js';

/**
 * The flat field names correlation rules are written against (see `src/correlate/README.md` and
 * `rules/brute-force-then-login.yaml`). Product fields the connectors normalised (`event_code`,
 * `sourcetype`, `index`, `risk_level`, …) are passed through under their own names, unless they
 * would shadow one of these.
 */
export const FLAT_FIELD_NAMES = [
  'id',
  'class',
  'class_uid',
  'severity',
  'severity_id',
  'source',
  'title',
  'message',
  'outcome',
  'src.ip',
  'src.host',
  'src.port',
  'dst.ip',
  'dst.host',
  'dst.port',
  'dst.domain',
  'user.name',
  'user.original',
  'host.name',
  'process.name',
  'process.command_line',
  'parent.name',
  'file.name',
  'file.path',
  'file.hash.sha256',
  'dns.query',
  'url',
  'technique',
  'tactic',
  'entities.hosts',
  'entities.users',
  'entities.ips',
  'entities.domains',
  'entities.hashes',
  'entities.urls',
  'logsource.category',
  'logsource.product',
  'logsource.service',
] as const;

const RESERVED: ReadonlySet<string> = new Set([...FLAT_FIELD_NAMES, 'host', 'user', 'origin']);

/** The engine's view of a correlation event: its time and flat fields, with the event itself as `ref`. */
export function toFlatEvent(event: CorrelationEvent): FlatEvent<CorrelationEvent> {
  return { time: event.timeMs, fields: flatFields(event), ref: event };
}

/**
 * Flat fields of a correlation event. Group-by material (`src.ip`, `user.name`, `dst.host`, …) is
 * always a scalar; `class` and `source` are lists when several products reported the happening
 * differently (a rule value matches any element).
 */
export function flatFields(event: CorrelationEvent): Record<string, FieldValue> {
  const fields: Record<string, FieldValue> = {};
  for (const [key, value] of Object.entries(event.fields)) {
    if (value !== null && !RESERVED.has(key)) fields[key] = value;
  }
  const put = (name: string, value: FieldValue | undefined) => {
    if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)) return;
    fields[name] = value;
  };
  put('id', event.id);
  put('class', event.classes.length === 1 ? event.classes[0]! : [...event.classes]);
  put('class_uid', event.classUid);
  put('severity', event.severity);
  put('severity_id', event.severityId);
  put('source', event.sources.length === 1 ? event.sources[0]! : [...event.sources]);
  put('title', event.title);
  put('message', event.message);
  put('outcome', event.outcome);
  put('src.ip', event.src.ip);
  put('src.host', event.src.host);
  put('src.port', event.src.port);
  put('dst.ip', event.dst.ip);
  put('dst.host', event.dst.host);
  put('dst.port', event.dst.port);
  put('dst.domain', event.dst.domain);
  put('user.name', event.user);
  put('user.original', event.userOriginal);
  put('host.name', event.host);
  put('process.name', event.process?.name);
  put('process.command_line', event.process?.commandLine);
  put('parent.name', event.process?.parentName);
  put('file.name', event.file?.name);
  put('file.path', event.file?.path);
  put('file.hash.sha256', event.file?.sha256);
  put('dns.query', event.dnsQuery);
  put('url', event.url);
  put('technique', event.technique);
  put('tactic', event.tactic);
  put('entities.hosts', [...event.entities.hosts]);
  put('entities.users', [...event.entities.users]);
  put('entities.ips', [...event.entities.ips]);
  put('entities.domains', [...event.entities.domains]);
  put('entities.hashes', [...event.entities.hashes]);
  put('entities.urls', [...event.entities.urls]);
  put('logsource.category', event.logsource.category);
  put('logsource.product', event.logsource.product);
  put('logsource.service', event.logsource.service);
  return fields;
}
