import { z } from 'zod';
import { DURATION_PATTERN } from '../core/duration.js';
import { secret } from './secret.js';

/*
 * The configuration schema: the one description of config.yaml. Every consumer (load, set,
 * show, log redaction, audit redaction, status) reads this, so a new key is added here only.
 * Objects are strict: an unknown key is an error with its file:line:col, never silently ignored.
 */

/** Numbers may arrive as strings (from `${VAR}` interpolation or `config set`). */
const integer = (minimum: number, maximum: number) =>
  z.preprocess(
    (value) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value),
    z.number().int().min(minimum).max(maximum),
  );

/** Booleans may arrive as strings: true/false/yes/no/on/off/1/0. */
const boolean = () =>
  z.preprocess((value) => {
    if (typeof value !== 'string') return value;
    const text = value.trim().toLowerCase();
    if (['true', 'yes', 'on', '1'].includes(text)) return true;
    if (['false', 'no', 'off', '0'].includes(text)) return false;
    return value;
  }, z.boolean());

const httpUrl = () =>
  z.string().regex(/^https?:\/\/[^\s/$.?#][^\s]*$/i, { message: 'expected an http(s) URL, e.g. https://host:8089' });

const duration = () =>
  z.string().regex(DURATION_PATTERN, { message: 'expected a duration such as 30s, 15m, 6h or 7d' });

/** Slack member (U…/W…) or user-group (S…) id. */
const slackPrincipal = () =>
  z.string().regex(/^[UWS][A-Z0-9]{2,}$/, { message: 'expected a Slack user id (U…/W…) or user-group id (S…)' });

const text = () => z.string().min(1);

export const CISCO_PRODUCTS = ['xdr', 'umbrella', 'secure_endpoint', 'secure_firewall'] as const;
export const INTEGRATIONS = ['splunk', 'pagerduty', 'crowdstrike', 'sentinel', 'servicenow'] as const;
export const REGIONS = ['us', 'eu', 'apjc'] as const;

const ciscoSchema = z
  .strictObject({
    /** Cisco XDR API client id (`client-<uuid>`); also used for Secure Endpoint v3 token exchange. */
    client_id: text().optional(),
    client_secret: secret(text().optional()),
    region: z.enum(REGIONS).default('us'),
    /** Cisco products this deployment uses. */
    products: z.array(z.enum(CISCO_PRODUCTS)).default([...CISCO_PRODUCTS]),
    xdr: z
      .strictObject({
        /** IROH host override (oauth2, enrich, inspect, response), e.g. the lab. */
        base_url: httpUrl().optional(),
        private_intel_url: httpUrl().optional(),
        conure_url: httpUrl().optional(),
      })
      .prefault({}),
    umbrella: z
      .strictObject({
        api_key: secret(text().optional()),
        api_secret: secret(text().optional()),
        base_url: httpUrl().default('https://api.umbrella.com'),
        /** Destination list that block actions add domains to. */
        block_list_id: text().optional(),
      })
      .prefault({}),
    secure_endpoint: z
      .strictObject({
        client_id: text().optional(),
        api_key: secret(text().optional()),
        base_url: httpUrl().optional(),
      })
      .prefault({}),
    secure_firewall: z
      .strictObject({
        base_url: httpUrl().optional(),
        username: text().optional(),
        password: secret(text().optional()),
        domain_uuid: text().optional(),
        verify_tls: boolean().default(true),
      })
      .prefault({}),
  })
  .prefault({});

const integrationsSchema = z
  .strictObject({
    splunk: z
      .strictObject({
        /** Management REST API, e.g. https://splunk.example.com:8089 */
        url: httpUrl().optional(),
        token: secret(text().optional()),
        username: text().optional(),
        password: secret(text().optional()),
        /** HTTP Event Collector, e.g. https://splunk.example.com:8088 */
        hec_url: httpUrl().optional(),
        hec_token: secret(text().optional()),
        index: text().default('security'),
        verify_tls: boolean().default(true),
      })
      .prefault({}),
    pagerduty: z
      .strictObject({
        api_token: secret(text().optional()),
        routing_key: secret(text().optional()),
        /** Account-level keys need a `From:` user email on writes. */
        from_email: z.email().optional(),
        base_url: httpUrl().default('https://api.pagerduty.com'),
        events_url: httpUrl().default('https://events.pagerduty.com'),
      })
      .prefault({}),
    crowdstrike: z
      .strictObject({
        client_id: text().optional(),
        client_secret: secret(text().optional()),
        base_url: httpUrl().default('https://api.crowdstrike.com'),
        member_cid: text().optional(),
      })
      .prefault({}),
    sentinel: z
      .strictObject({
        tenant_id: text().optional(),
        client_id: text().optional(),
        client_secret: secret(text().optional()),
        subscription_id: text().optional(),
        resource_group: text().optional(),
        workspace_name: text().optional(),
        /** Log Analytics workspace (customer) id used by the query API. */
        workspace_id: text().optional(),
        login_url: httpUrl().default('https://login.microsoftonline.com'),
        management_url: httpUrl().default('https://management.azure.com'),
        log_analytics_url: httpUrl().default('https://api.loganalytics.io'),
      })
      .prefault({}),
    servicenow: z
      .strictObject({
        instance_url: httpUrl().optional(),
        username: text().optional(),
        password: secret(text().optional()),
        client_id: text().optional(),
        client_secret: secret(text().optional()),
      })
      .prefault({}),
  })
  .prefault({});

const inventorySchema = z
  .strictObject({
    scan_interval: duration().default('6h'),
    auto_tag: boolean().default(true),
    /** Tag rules (YAML); relative paths are resolved against DEFENSECLAW_HOME. */
    tag_rules_file: text().default('tag-rules.yaml'),
  })
  .prefault({});

const slackSchema = z
  .strictObject({
    bot_token: secret(text().optional()),
    signing_secret: secret(text().optional()),
    /** App-level token (xapp-…): switches the bot to Socket Mode. */
    app_token: secret(text().optional()),
    /** Web API base URL override (the lab's fake Slack in tests and demos). */
    api_url: httpUrl().optional(),
    port: integer(0, 65535).default(3000),
    /** Channel id where investigations and approvals are posted by default. */
    channel: text().optional(),
    approvals_channel: text().optional(),
    /** Post approval requests in the job's thread instead of the channel. */
    approvals_in_thread: boolean().default(false),
    digest: z
      .strictObject({
        cron: text().optional(),
        channel: text().optional(),
      })
      .prefault({}),
    /** Who may run which /defenseclaw sub-command: sub-command (or `*`) → user or user-group ids. */
    permissions: z.record(z.string(), z.array(slackPrincipal())).default({}),
  })
  .prefault({});

const approvalsSchema = z
  .strictObject({
    /** Slack user ids and user-group ids allowed to decide approvals. */
    approvers: z.array(slackPrincipal()).default([]),
    expiry: duration().default('1h'),
    allow_self_approval: boolean().default(false),
    /** Tools that need two distinct approvers. */
    critical_tools: z.array(text()).default([]),
    /** The identity the CLI decides approvals as (audited), e.g. a Slack user id. */
    cli_identity: text().optional(),
  })
  .prefault({});

const llmSchema = z
  .strictObject({
    api_key: secret(text().optional()),
    base_url: httpUrl().optional(),
    model: text().default('claude-sonnet-4-6'),
    max_steps: integer(1, 200).default(12),
    max_tokens: integer(256, 64_000).default(4096),
    /** Token budget per investigation (input + output). */
    budget_tokens: integer(1_000, 10_000_000).default(200_000),
    /** Wall-clock budget per investigation. */
    time_budget: duration().default('5m'),
  })
  .prefault({});

const smtpSchema = z
  .strictObject({
    /** SMTP server for e-mail notifications (policy schedules); unset: e-mail is not configured. */
    host: text().optional(),
    port: integer(1, 65_535).default(587),
    /** true: TLS from the first byte (port 465); false: STARTTLS when the server offers it. */
    secure: boolean().default(false),
    username: text().optional(),
    password: secret(text().optional()),
    /** Sender address, e.g. defenseclaw@example.com. */
    from: text().optional(),
  })
  .prefault({});

const policySchema = z
  .strictObject({
    /** Your own policies (YAML), besides the built-ins in policies/; relative to DEFENSECLAW_HOME. */
    directory: text().default('policies'),
  })
  .prefault({});

const investigateSchema = z
  .strictObject({
    /**
     * What the investigation may call (the tools the model is offered and the triage uses): tool ids
     * or aliases, or `*` for every tool of a granted scope. Write and execute calls always wait for an
     * approval, whatever the runtime: they are proposals.
     */
    tools: z.array(text()).default(['*']),
    permissions: z
      .strictObject({ read: boolean().default(true), write: boolean().default(false), execute: boolean().default(true) })
      .prefault({}),
    /** How far back every source is searched. */
    window: duration().default('24h'),
    /** Largest tool output the model sees, in bytes of JSON (bigger outputs are shrunk, then cut). */
    tool_output_cap_bytes: integer(1_000, 200_000).default(12_000),
  })
  .prefault({});

/** Addresses no block action may target (`deny_if_ip_in: [internal_cidrs]` in tools/*.yaml). */
const DEFAULT_INTERNAL_CIDRS = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8', '169.254.0.0/16', '100.64.0.0/10', 'fc00::/7', 'fe80::/10', '::1/128'];

const guardsSchema = z
  .strictObject({
    internal_cidrs: z.array(z.string().regex(/^[0-9a-fA-F:.]+\/\d{1,3}$/, { message: 'expected a CIDR such as 10.0.0.0/8' })).default(DEFAULT_INTERNAL_CIDRS),
    /**
     * Tags of hosts the argument guards must know (host name → tags), e.g. `srv-db-01: [crown-jewel]`.
     * The inventory adds what it learns; these always apply.
     */
    asset_tags: z.record(z.string(), z.array(z.string().min(1))).default({}),
    /**
     * Named allow-lists for `allow_if_arg_in` in tools/*.yaml (list name → permitted values; `*`
     * allows any), e.g. `splunk_indexes: [security, notable]`. A list the catalog names but config
     * leaves out allows nothing beyond the connector's own configured value.
     */
    allow_lists: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, { message: 'expected a list name (lower-case letters, digits and _)' }), z.array(z.union([z.string().min(1), z.number()]).transform(String))).default({}),
  })
  .prefault({});

const auditSchema = z
  .strictObject({
    /**
     * `normal`: a committed record survives a process crash (WAL, synchronous=NORMAL).
     * `full`: also survives power loss (fsync per append; slower).
     */
    durability: z.enum(['normal', 'full']).default('normal'),
  })
  .prefault({});

export const configSchema = z.strictObject({
  cisco: ciscoSchema,
  agent: z
    .strictObject({
      runtime: z.enum(['secure', 'standard']).default('secure'),
      /** Agent and workflow runs at once in this process. */
      max_concurrent: integer(1, 64).default(4),
    })
    .prefault({}),
  log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Every tool call is audited whatever this says (DESIGN §3); `false` is reported by `config validate`. */
  audit_all_actions: boolean().default(true),
  /** Tool calls running at once in this process, across every caller (the gateway's ceiling). */
  max_concurrent: integer(1, 256).default(16),
  integrations: integrationsSchema,
  inventory: inventorySchema,
  slack: slackSchema,
  approvals: approvalsSchema,
  llm: llmSchema,
  investigate: investigateSchema,
  policy: policySchema,
  smtp: smtpSchema,
  audit: auditSchema,
  guards: guardsSchema,
});

export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type IntegrationName = (typeof INTEGRATIONS)[number];
export type CiscoProduct = (typeof CISCO_PRODUCTS)[number];
