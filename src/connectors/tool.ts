import type { z } from 'zod';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';

/** read: looks only. write: changes records (tickets, events, lists). execute: acts on the world (isolate, block, contain). */
export type ToolScope = 'read' | 'write' | 'execute';

export const CONNECTOR_IDS = [
  'cisco_xdr',
  'umbrella',
  'secure_endpoint',
  'secure_firewall',
  'splunk',
  'crowdstrike',
  'sentinel',
  'pagerduty',
  'servicenow',
] as const;

export type ConnectorId = (typeof CONNECTOR_IDS)[number];

/** What a handler may use besides its input. */
export interface ToolContext {
  signal?: AbortSignal;
  clock: Clock;
  logger?: Logger;
}

/**
 * The things a call acts on, for argument guards (never isolate a `crown-jewel` host, never
 * block an internal IP). Declared by the tool, enforced by the gateway.
 */
export interface ToolSubjects {
  hosts?: string[];
  ips?: string[];
  domains?: string[];
}

/**
 * A tool: one operation of one connector. Only the gateway calls handlers; everything else
 * goes through `gateway.call(id, input, caller)`.
 */
export interface ToolDefinition<Input extends z.ZodObject = z.ZodObject, Output = unknown> {
  /** `<connector>.<verb_noun>`, e.g. `secure_endpoint.isolate_host`. */
  id: string;
  connector: ConnectorId;
  /** What the tool does; the catalog (tools/*.yaml) holds the text the LLM sees. */
  description: string;
  input: Input;
  scope: ToolScope;
  handler(input: z.output<Input>, context: ToolContext): Promise<Output>;
  /** Shrinks output for the LLM (size caps, only the fields that matter). */
  toModelOutput?(output: Output): unknown;
  /** Hosts, IPs and domains this call would act on (for guards). */
  subjects?(input: z.output<Input>): ToolSubjects;
}

/** Identity function that keeps the input type of a tool definition. */
export function defineTool<Input extends z.ZodObject, Output>(definition: ToolDefinition<Input, Output>): ToolDefinition<Input, Output> {
  return definition;
}

/** A tool with its input type erased, as registries hold them. */
export type AnyTool = ToolDefinition<z.ZodObject, unknown>;
