import { isIP } from 'node:net';
import { z } from 'zod';
import { ConfigError } from '../../core/errors/index.js';
import type { SecurityEvent } from '../model/index.js';
import { defineTool, type AnyTool } from '../tool.js';
import type { UmbrellaClient } from './client.js';
import { normalizeDnsActivity } from './normalize.js';

const DOMAIN_PATTERN = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+\.?$/i;

const domainInput = z
  .string()
  .trim()
  .toLowerCase()
  .regex(DOMAIN_PATTERN, { message: 'expected a domain name such as example.com' })
  .transform((domain) => domain.replace(/\.$/, ''));

const MODEL_LIST_CAP = 50;

/** Umbrella's status numbers in words. */
function statusLabel(status: number | undefined): 'malicious' | 'unclassified' | 'benign' {
  return status === -1 ? 'malicious' : status === 1 ? 'benign' : 'unclassified';
}

function compactEvent(event: SecurityEvent) {
  const fields = Object.fromEntries(Object.entries(event.fields).filter(([, value]) => value !== null && value !== ''));
  return { id: event.id, time: event.time, severity: event.severity, title: event.title, fields };
}

export interface UmbrellaToolOptions {
  /** `cisco.umbrella.block_list_id`; when absent, block_domain uses the first non-global block list. */
  blockListId?: number;
}

/** The Umbrella tools: investigate domains and IPs, DNS activity, destination lists and domain blocks. */
export function umbrellaTools(client: UmbrellaClient, options: UmbrellaToolOptions = {}): AnyTool[] {
  const investigateDomain = defineTool({
    id: 'umbrella.investigate_domain',
    connector: 'umbrella',
    description: 'Umbrella Investigate verdict for a domain: status, security and content categories, risk score, security scores.',
    scope: 'read',
    input: z.object({ domain: domainInput.describe('Domain to investigate, e.g. update-check.example-cdn.net') }),
    subjects: (input) => ({ domains: [input.domain] }),
    async handler(input, context) {
      const [categorization, risk, security] = await Promise.all([
        client.categorization(input.domain, context.signal),
        client.riskScore(input.domain, context.signal),
        client.securityInfo(input.domain, context.signal),
      ]);
      return {
        domain: input.domain,
        status: categorization?.status ?? 0,
        verdict: statusLabel(categorization?.status),
        security_categories: categorization?.security_categories ?? [],
        content_categories: categorization?.content_categories ?? [],
        risk_score: risk.risk_score,
        risk_indicators: risk.indicators.map((indicator) => ({ indicator: indicator.indicator, normalized_score: indicator.normalized_score ?? null })),
        security: {
          found: security.found ?? false,
          securerank2: security.securerank2 ?? null,
          dga_score: security.dga_score ?? null,
          popularity: security.popularity ?? null,
          attack: security.attack ?? '',
          threat_type: security.threat_type ?? '',
        },
      };
    },
  });

  const investigateIp = defineTool({
    id: 'umbrella.investigate_ip',
    connector: 'umbrella',
    description: 'Malicious domains Umbrella recently saw on an IP address, with their categorization.',
    scope: 'read',
    input: z.object({
      ip: z.string().trim().refine((value) => isIP(value) !== 0, { message: 'expected an IPv4 or IPv6 address' }).describe('IP address, e.g. 185.220.101.5'),
    }),
    subjects: (input) => ({ ips: [input.ip] }),
    async handler(input, context) {
      const domains = await client.latestDomains(input.ip, context.signal);
      const categorization = await client.categorizationBulk(domains.slice(0, 100), context.signal);
      return {
        ip: input.ip,
        malicious_domain_count: domains.length,
        domains: domains.map((domain) => {
          const entry = categorization[domain];
          return {
            domain,
            verdict: statusLabel(entry?.status),
            security_categories: entry?.security_categories ?? [],
            content_categories: entry?.content_categories ?? [],
          };
        }),
      };
    },
    toModelOutput: (output) => ({ ...output, domains: output.domains.slice(0, MODEL_LIST_CAP) }),
  });

  // The seed's `cisco.umbrella.investigate` takes a domain or an IP: one tool that routes to either.
  const investigate = defineTool({
    id: 'umbrella.investigate',
    connector: 'umbrella',
    description: 'Umbrella Investigate for a domain (verdict, categories, risk score, security scores) or an IP (malicious domains seen on it).',
    scope: 'read',
    input: z
      .object({
        domain: z.string().trim().optional().describe('Domain to investigate, e.g. update-check.example-cdn.net'),
        ip: z.string().trim().optional().describe('IP address to investigate, e.g. 185.220.101.5'),
        indicator: z.string().trim().optional().describe('A domain or an IP address; which one is told from its form'),
      })
      .refine((input) => [input.domain, input.ip, input.indicator].filter((value) => value !== undefined && value !== '').length === 1, {
        message: 'give exactly one of domain, ip or indicator',
      }),
    subjects: (input) => {
      const target = investigateTarget(input);
      return target.kind === 'ip' ? { ips: [target.value] } : { domains: [target.value] };
    },
    async handler(input, context) {
      const target = investigateTarget(input);
      if (target.kind === 'ip') return { kind: 'ip' as const, ...(await investigateIp.handler(investigateIp.input.parse({ ip: target.value }), context)) };
      return { kind: 'domain' as const, ...(await investigateDomain.handler(investigateDomain.input.parse({ domain: target.value }), context)) };
    },
    toModelOutput: (output) => (output.kind === 'ip' && 'domains' in output ? { ...output, domains: output.domains.slice(0, MODEL_LIST_CAP) } : output),
  });

  const activity = defineTool({
    id: 'umbrella.activity',
    connector: 'umbrella',
    description: 'DNS activity from Umbrella reports in a time window, optionally for one domain, internal IP or verdict.',
    scope: 'read',
    input: z.object({
      since_hours: z.number().positive().max(720).default(24).describe('Window: the last N hours (default 24)'),
      domain: domainInput.optional().describe('Only queries for this domain'),
      ip: z.string().trim().refine((value) => isIP(value) !== 0, { message: 'expected an IP address' }).optional().describe('Only queries from this IP'),
      verdict: z.enum(['allowed', 'blocked', 'proxied']).optional().describe('Only rows with this verdict'),
      limit: z.number().int().min(1).max(5000).default(1000).describe('Most rows to return'),
    }),
    async handler(input, context) {
      const toMs = context.clock.now().getTime();
      const result = await client.dnsActivity(
        {
          fromMs: toMs - input.since_hours * 3_600_000,
          toMs,
          maxRecords: input.limit,
          ...(input.domain === undefined ? {} : { domains: input.domain }),
          ...(input.ip === undefined ? {} : { ip: input.ip }),
          ...(input.verdict === undefined ? {} : { verdict: input.verdict }),
        },
        context.signal,
      );
      const events = result.rows.map(normalizeDnsActivity);
      return { count: events.length, truncated: result.truncated, events };
    },
    toModelOutput: (output) => {
      // Rows with a security category first: they are what an analyst looks for.
      const ranked = [...output.events].sort((a, b) => Number(b.severity === 'high') - Number(a.severity === 'high') || a.time.localeCompare(b.time));
      return { count: output.count, truncated: output.truncated || output.count > MODEL_LIST_CAP, events: ranked.slice(0, MODEL_LIST_CAP).map(compactEvent) };
    },
  });

  const listDestinationLists = defineTool({
    id: 'umbrella.list_destination_lists',
    connector: 'umbrella',
    description: 'Umbrella destination lists (block and allow) with their destination counts.',
    scope: 'read',
    input: z.object({}),
    async handler(_input, context) {
      const lists = await client.destinationLists(context.signal);
      return {
        lists: lists.map((list) => ({
          id: list.id,
          name: list.name ?? '',
          access: list.access ?? 'unknown',
          is_global: list.isGlobal ?? false,
          destination_count: list.meta?.destinationCount ?? null,
        })),
      };
    },
  });

  const listDestinations = defineTool({
    id: 'umbrella.list_destinations',
    connector: 'umbrella',
    description: 'Every destination (domain, URL, IP) of one Umbrella destination list.',
    scope: 'read',
    input: z.object({
      list_id: z.number().int().positive().optional().describe('Destination list id; default: the configured block list'),
    }),
    async handler(input, context) {
      const listId = input.list_id ?? (await resolveBlockListId(client, options, context.signal));
      const destinations = await client.destinations(listId, context.signal);
      return {
        list_id: listId,
        destinations: destinations.map((entry) => ({ id: entry.id, destination: entry.destination, type: entry.type ?? 'domain', comment: entry.comment ?? '', created_at: entry.createdAt ?? '' })),
      };
    },
    toModelOutput: (output) => ({ list_id: output.list_id, total: output.destinations.length, destinations: output.destinations.slice(0, 200) }),
  });

  const blockDomain = defineTool({
    id: 'umbrella.block_domain',
    connector: 'umbrella',
    description: 'Blocks a domain by adding it to an Umbrella block destination list.',
    scope: 'execute',
    input: z.object({
      domain: domainInput.describe('Domain to block, e.g. update-check.example-cdn.net'),
      comment: z.string().trim().max(255).optional().describe('Why, e.g. the incident id'),
      list_id: z.number().int().positive().optional().describe('Destination list id; default: the configured block list'),
    }),
    subjects: (input) => ({ domains: [input.domain] }),
    async handler(input, context) {
      const listId = input.list_id ?? (await resolveBlockListId(client, options, context.signal));
      const list = await client.addDestinations(
        listId,
        [{ destination: input.domain, ...(input.comment === undefined ? {} : { comment: input.comment }) }],
        context.signal,
      );
      return {
        blocked: input.domain,
        list_id: list.id,
        list_name: list.name ?? '',
        access: list.access ?? 'unknown',
        destination_count: list.meta?.destinationCount ?? null,
      };
    },
  });

  return [investigate, investigateDomain, investigateIp, activity, listDestinationLists, listDestinations, blockDomain] as AnyTool[];
}

/** What `umbrella.investigate` was asked about: an IP when the value is one (from `ip`, or an `indicator` of that form), else a domain. */
function investigateTarget(input: { domain?: string | undefined; ip?: string | undefined; indicator?: string | undefined }): { kind: 'domain' | 'ip'; value: string } {
  if (input.ip !== undefined && input.ip !== '') return { kind: 'ip', value: input.ip };
  if (input.domain !== undefined && input.domain !== '') return { kind: 'domain', value: input.domain };
  const value = input.indicator ?? '';
  return { kind: isIP(value) === 0 ? 'domain' : 'ip', value };
}

/** The configured block list, else the first block list that is not the global one. */
async function resolveBlockListId(client: UmbrellaClient, options: UmbrellaToolOptions, signal: AbortSignal | undefined): Promise<number> {
  if (options.blockListId !== undefined) return options.blockListId;
  const lists = await client.destinationLists(signal);
  const list = lists.find((entry) => entry.access === 'block' && entry.isGlobal !== true) ?? lists.find((entry) => entry.access === 'block');
  if (list === undefined) throw new ConfigError({ path: 'cisco.umbrella.block_list_id', message: 'not set, and Umbrella has no block destination list to fall back to' });
  return list.id;
}
