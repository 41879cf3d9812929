import { DURATION_PATTERN } from '../../core/duration.js';
import { parseIndicator, type IocType } from '../../correlate/pivot/index.js';
import { CommandSyntaxError, tokenizeCommand } from './tokenize-command.js';

/** The sub-commands `slack.permissions` can name (plus `*` for all of them). */
export const SUB_COMMANDS = ['investigate', 'inventory', 'policy', 'agent', 'event', 'approvals', 'status', 'help'] as const;
export type SubCommand = (typeof SUB_COMMANDS)[number];

/** A slash command, parsed and validated (nothing here has touched a service yet). */
export type SlackCommandRequest =
  | { subCommand: 'investigate'; kind: 'investigate_alert'; alertId: string }
  | { subCommand: 'investigate'; kind: 'investigate_asset'; assetId: string; last: string }
  | { subCommand: 'inventory'; kind: 'inventory_diff'; since: string }
  | { subCommand: 'inventory'; kind: 'inventory_search'; tag: string }
  | { subCommand: 'policy'; kind: 'policy_check'; resource: string; policy?: string }
  | { subCommand: 'agent'; kind: 'agent_run'; agent: string; dryRun: boolean; params: Record<string, string> }
  | { subCommand: 'event'; kind: 'event_correlate'; ioc: string; iocType: IocType; last: string }
  | { subCommand: 'approvals'; kind: 'approvals' }
  | { subCommand: 'status'; kind: 'status' }
  | { subCommand: 'help'; kind: 'help' };

export type ParsedCommand = { ok: true; request: SlackCommandRequest } | { ok: false; error: string; subCommand?: SubCommand };

/** Identifiers from Slack text: letters, digits and `._:-@`, no path separators, at most 128 characters. */
const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;
const AGENT_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const PARAM_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const MAX_PARAM_VALUE = 1000;
const MAX_PARAMS = 20;

/** Flags after the positional words: `--name value`, `--name=value` or a bare switch. */
function readFlags(words: readonly string[], spec: Record<string, 'value' | 'switch' | 'repeat'>): { positional: string[]; flags: Map<string, string[]> } | { error: string } {
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  for (let index = 0; index < words.length; index += 1) {
    const word = words[index]!;
    if (!word.startsWith('--')) {
      positional.push(word);
      continue;
    }
    const equals = word.indexOf('=');
    const name = equals < 0 ? word.slice(2) : word.slice(2, equals);
    const kind = spec[name];
    if (kind === undefined) return { error: `unknown option --${name}` };
    let value: string;
    if (kind === 'switch') {
      if (equals >= 0) return { error: `--${name} takes no value` };
      value = 'true';
    } else if (equals >= 0) value = word.slice(equals + 1);
    else {
      const next = words[index + 1];
      if (next === undefined || next.startsWith('--')) return { error: `--${name} needs a value` };
      value = next;
      index += 1;
    }
    if (kind !== 'repeat' && flags.has(name)) return { error: `--${name} given twice` };
    flags.set(name, [...(flags.get(name) ?? []), value]);
  }
  return { positional, flags };
}

function duration(value: string | undefined, fallback: string, flag: string): string | { error: string } {
  const text = value ?? fallback;
  return DURATION_PATTERN.test(text) ? text : { error: `${flag}: "${text}" is not a duration (e.g. 24h, 7d)` };
}

function identifier(value: string | undefined, what: string): string | { error: string } {
  if (value === undefined) return { error: `missing ${what}` };
  return IDENTIFIER.test(value) ? value : { error: `${what} "${value.slice(0, 60)}" has characters that are not allowed` };
}

/** Parses `/defenseclaw` text; every failure is a message fit for the user, never an exception. */
export function parseCommand(text: string): ParsedCommand {
  let words: string[];
  try {
    words = tokenizeCommand(text);
  } catch (error) {
    if (error instanceof CommandSyntaxError) return { ok: false, error: error.message };
    throw error;
  }
  const [head, ...rest] = words;
  const name = head?.toLowerCase();
  const fail = (error: string, subCommand?: SubCommand): ParsedCommand => ({ ok: false, error, ...(subCommand === undefined ? {} : { subCommand }) });
  const noExtra = (subCommand: SubCommand, request: SlackCommandRequest): ParsedCommand =>
    rest.length > 0 ? fail(`${subCommand} takes no arguments`, subCommand) : { ok: true, request };

  switch (name) {
    case undefined:
    case 'help':
      return { ok: true, request: { subCommand: 'help', kind: 'help' } };
    case 'approvals':
      return noExtra('approvals', { subCommand: 'approvals', kind: 'approvals' });
    case 'status':
      return noExtra('status', { subCommand: 'status', kind: 'status' });
    case 'investigate': {
      if (rest[0]?.toLowerCase() === 'asset') {
        const read = readFlags(rest.slice(1), { last: 'value' });
        if ('error' in read) return fail(read.error, 'investigate');
        if (read.positional.length !== 1) return fail('investigate asset takes one host name, IP or domain', 'investigate');
        const assetId = identifier(read.positional[0], 'asset id');
        if (typeof assetId !== 'string') return fail(assetId.error, 'investigate');
        const last = duration(read.flags.get('last')?.[0], '72h', '--last');
        if (typeof last !== 'string') return fail(last.error, 'investigate');
        return { ok: true, request: { subCommand: 'investigate', kind: 'investigate_asset', assetId, last } };
      }
      const read = readFlags(rest, {});
      if ('error' in read) return fail(read.error, 'investigate');
      if (read.positional.length !== 1) return fail('investigate takes one alert id, e.g. XDR-2026-001234', 'investigate');
      const alertId = identifier(read.positional[0], 'alert id');
      if (typeof alertId !== 'string') return fail(alertId.error, 'investigate');
      return { ok: true, request: { subCommand: 'investigate', kind: 'investigate_alert', alertId } };
    }
    case 'inventory': {
      const verb = rest[0]?.toLowerCase();
      if (verb === 'diff') {
        const read = readFlags(rest.slice(1), { since: 'value' });
        if ('error' in read) return fail(read.error, 'inventory');
        if (read.positional.length > 0) return fail('inventory diff takes only --since', 'inventory');
        const since = duration(read.flags.get('since')?.[0], '24h', '--since');
        if (typeof since !== 'string') return fail(since.error, 'inventory');
        return { ok: true, request: { subCommand: 'inventory', kind: 'inventory_diff', since } };
      }
      if (verb === 'search') {
        const read = readFlags(rest.slice(1), { tag: 'value' });
        if ('error' in read) return fail(read.error, 'inventory');
        const tag = identifier(read.flags.get('tag')?.[0], '--tag');
        if (typeof tag !== 'string' || read.positional.length > 0) return fail(typeof tag === 'string' ? 'inventory search takes only --tag' : tag.error, 'inventory');
        return { ok: true, request: { subCommand: 'inventory', kind: 'inventory_search', tag } };
      }
      return fail(verb === undefined ? 'inventory needs diff or search' : `unknown inventory command "${verb}"`, 'inventory');
    }
    case 'policy': {
      if (rest[0]?.toLowerCase() !== 'check') return fail('policy needs check <resource>', 'policy');
      const read = readFlags(rest.slice(1), { policy: 'value' });
      if ('error' in read) return fail(read.error, 'policy');
      if (read.positional.length !== 1) return fail('policy check takes one resource', 'policy');
      const resource = identifier(read.positional[0], 'resource');
      if (typeof resource !== 'string') return fail(resource.error, 'policy');
      const policy = read.flags.get('policy')?.[0];
      if (policy !== undefined && !IDENTIFIER.test(policy)) return fail(`--policy "${policy.slice(0, 60)}" has characters that are not allowed`, 'policy');
      return { ok: true, request: { subCommand: 'policy', kind: 'policy_check', resource, ...(policy === undefined ? {} : { policy }) } };
    }
    case 'agent': {
      if (rest[0]?.toLowerCase() !== 'run') return fail('agent needs run <name>', 'agent');
      const read = readFlags(rest.slice(1), { 'dry-run': 'switch', param: 'repeat' });
      if ('error' in read) return fail(read.error, 'agent');
      if (read.positional.length !== 1) return fail('agent run takes one agent name', 'agent');
      const agent = read.positional[0]!;
      // Names only: a path from Slack text must never reach the file system.
      if (!AGENT_NAME.test(agent)) return fail(`"${agent.slice(0, 60)}" is not an agent name (lower-case letters, digits, - and _)`, 'agent');
      const params: Record<string, string> = {};
      const given = read.flags.get('param') ?? [];
      if (given.length > MAX_PARAMS) return fail(`at most ${MAX_PARAMS} --param`, 'agent');
      for (const pair of given) {
        const equals = pair.indexOf('=');
        const key = equals <= 0 ? '' : pair.slice(0, equals).trim();
        if (!PARAM_KEY.test(key)) return fail(`--param "${pair.slice(0, 60)}" is not key=value`, 'agent');
        const value = pair.slice(equals + 1);
        if (value.length > MAX_PARAM_VALUE) return fail(`--param ${key}: longer than ${MAX_PARAM_VALUE} characters`, 'agent');
        params[key] = value;
      }
      return { ok: true, request: { subCommand: 'agent', kind: 'agent_run', agent, dryRun: read.flags.has('dry-run'), params } };
    }
    case 'event': {
      if (rest[0]?.toLowerCase() !== 'correlate') return fail('event needs correlate --ioc <value>', 'event');
      const read = readFlags(rest.slice(1), { ioc: 'value', 'ioc-type': 'value', last: 'value' });
      if ('error' in read) return fail(read.error, 'event');
      if (read.positional.length > 0) return fail('event correlate takes --ioc <value> [--ioc-type ip|domain|sha256|user|host] [--last 7d]', 'event');
      const value = read.flags.get('ioc')?.[0];
      if (value === undefined) return fail('event correlate needs --ioc <value>, e.g. --ioc 185.220.101.5', 'event');
      let indicator: { type: IocType; value: string };
      try {
        indicator = parseIndicator(value, read.flags.get('ioc-type')?.[0]);
      } catch (error) {
        return fail((error as Error).message, 'event');
      }
      const last = duration(read.flags.get('last')?.[0], '7d', '--last');
      if (typeof last !== 'string') return fail(last.error, 'event');
      return { ok: true, request: { subCommand: 'event', kind: 'event_correlate', ioc: indicator.value, iocType: indicator.type, last } };
    }
    default:
      return fail(`unknown sub-command "${(head ?? '').slice(0, 40)}"`);
  }
}

/** The text of a parsed request as it would be typed (for messages and audit). */
export function describeRequest(request: SlackCommandRequest): string {
  switch (request.kind) {
    case 'investigate_alert':
      return `investigate ${request.alertId}`;
    case 'investigate_asset':
      return `investigate asset ${request.assetId} --last ${request.last}`;
    case 'inventory_diff':
      return `inventory diff --since ${request.since}`;
    case 'inventory_search':
      return `inventory search --tag ${request.tag}`;
    case 'policy_check':
      return `policy check ${request.resource}${request.policy === undefined ? '' : ` --policy ${request.policy}`}`;
    case 'event_correlate':
      return `event correlate --ioc ${request.ioc} --ioc-type ${request.iocType} --last ${request.last}`;
    case 'agent_run':
      return `agent run ${request.agent}${request.dryRun ? ' --dry-run' : ''}${Object.entries(request.params).map(([key, value]) => ` --param ${key}=${JSON.stringify(value)}`).join('')}`;
    default:
      return request.kind;
  }
}
