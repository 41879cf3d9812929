import { z } from 'zod';
import { CONNECTOR_IDS } from '../tool.js';

/** `name`, `name.child`, `name[].child`: where an allow-listed value sits in a tool's input. */
export const ARGUMENT_PATH = /^[a-z_][a-z0-9_]*(?:\[\])?(?:\.[a-z_][a-z0-9_]*(?:\[\])?)*$/i;

/** Argument guards a tool's calls must pass (enforced by the gateway). */
export const guardsSchema = z
  .strictObject({
    /** Refuse when a subject host carries one of these inventory tags (e.g. crown-jewel). */
    deny_if_asset_tag: z.array(z.string().min(1)).optional(),
    /** Refuse when a subject IP is inside one of these CIDRs; `internal_cidrs` names the configured list. */
    deny_if_ip_in: z.array(z.string().min(1)).optional(),
    /** Refuse when a subject domain is, or is under, one of these domains. */
    deny_if_domain_in: z.array(z.string().min(1)).optional(),
    /**
     * Allow-lists: argument path (`list_id`, `events[].index`) → the values it may take, either
     * listed here or the name of a list in config `guards.allow_lists`. A given value outside its
     * list is refused; a left-out argument is not checked (the connector's configured default applies).
     */
    allow_if_arg_in: z
      .record(
        z.string().regex(ARGUMENT_PATH, { message: 'expected an argument path such as list_id or events[].index' }),
        z.union([z.array(z.union([z.string().min(1), z.number()])), z.string().regex(/^[a-z][a-z0-9_]*$/, { message: 'expected a list name from config guards.allow_lists (lower-case, _), or a list of values' })]),
      )
      .optional(),
  })
  .default({});

export const catalogToolSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/, { message: 'expected <connector>.<verb_noun>' }),
  /** Other names agent files may use (the seed's dotted names such as cisco.xdr.events). */
  aliases: z.array(z.string().regex(/^[a-z][a-z0-9_.]*$/)).default([]),
  scope: z.enum(['read', 'write', 'execute']),
  /** Approval default in the `standard` runtime (the `secure` runtime always asks for write/execute). */
  requires_approval: z.boolean(),
  /** Needs two distinct approvers. */
  critical: z.boolean().default(false),
  /** What the LLM sees: what it does, when to use it, what it returns. */
  description: z.string().min(20),
  guards: guardsSchema,
  /** Per-call timeout. */
  timeout_ms: z.number().int().min(100).max(600_000).optional(),
  /**
   * This tool's own limit, where the product documents one apart from the connector's (e.g. Log
   * Analytics queries): calls of the tool in flight at once and per window, on top of the
   * connector's queue that every request of every tool passes through.
   */
  rate_limit: z
    .strictObject({
      concurrency: z.number().int().min(1).max(64),
      interval_ms: z.number().int().min(0).default(0),
      interval_cap: z.number().int().min(1).optional(),
    })
    .optional(),
});

export const catalogFileSchema = z.strictObject({
  connector: z.enum(CONNECTOR_IDS),
  /** Shared by every caller in the process: the connector's p-queue. */
  rate_limit: z.strictObject({
    concurrency: z.number().int().min(1).max(64),
    /** Window for interval_cap; 0 means no interval cap. */
    interval_ms: z.number().int().min(0).default(0),
    interval_cap: z.number().int().min(1).optional(),
  }),
  tools: z.array(catalogToolSchema).min(1),
});

export type CatalogFile = z.infer<typeof catalogFileSchema>;
export type CatalogTool = z.infer<typeof catalogToolSchema>;
export type ToolGuards = z.infer<typeof guardsSchema>;
