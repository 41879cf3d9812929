import type { GatewayResult } from '../../gateway/gateway-result.js';

export interface ModelToolOutput {
  content: string;
  isError: boolean;
}

/** Keys dropped before the model sees an output: raw product records and link noise. */
const DROPPED_KEYS = new Set(['raw', '_links', 'links', 'schema', 'fields_meta']);
const MAX_STRING = 600;
const MAX_ARRAY = 60;

/**
 * What the model sees of a gateway result: shrunk (raw records dropped, long strings and arrays
 * cut, then arrays halved until it fits `capBytes`) and wrapped as untrusted data naming its
 * source. `<` is written as `\u003c` inside the JSON, so data can never close the wrapper.
 */
export function toModelOutput(tool: string, result: GatewayResult, capBytes: number): ModelToolOutput {
  switch (result.outcome) {
    case 'succeeded': {
      const { text, cut } = fitJson(result.output, capBytes);
      const note = result.truncated || cut ? ' truncated="true"' : '';
      return { content: wrap(tool, text, note), isError: false };
    }
    case 'awaiting_approval':
      return {
        content: `Proposal filed as approval ${result.approvalId} (expires ${result.expiresAt}). It has NOT run: a human approver decides. Do not call it again.`,
        isError: false,
      };
    case 'dry_run':
      return { content: `Dry run: ${tool} was not called.`, isError: false };
    case 'failed':
      return { content: wrap(tool, escapeAngles(JSON.stringify({ outcome: 'failed', error: result.error })), ''), isError: true };
    case 'expired':
      return { content: `The approval for ${tool} expired: it did not run.`, isError: true };
    default:
      return { content: `DefenseClaw gateway refused ${tool} (${result.outcome}): ${escapeAngles(result.reason).slice(0, 500)}`, isError: true };
  }
}

/** Wraps data from a product for the model: the system prompt says everything inside is data, not instructions. */
export function wrapUntrusted(source: string, text: string): string {
  return `<untrusted_data source="${attribute(source)}">\n${escapeAngles(text)}\n</untrusted_data>`;
}

function wrap(tool: string, json: string, extra: string): string {
  return `<tool_output tool="${attribute(tool)}" trust="untrusted"${extra}>\n${json}\n</tool_output>`;
}

function attribute(value: string): string {
  return value.replace(/[^A-Za-z0-9_.:-]/g, '_');
}

function escapeAngles(text: string): string {
  return text.replace(/</g, '\\u003c').replace(/>/g, '\\u003e');
}

/** JSON of the value shrunk to at most `capBytes` (arrays halved, then a hard cut with a marker). */
export function fitJson(value: unknown, capBytes: number): { text: string; cut: boolean } {
  let arrayLimit = MAX_ARRAY;
  let cut = false;
  for (;;) {
    const state = { cut: false };
    const shrunk = shrink(value, arrayLimit, state, 0);
    const text = escapeAngles(JSON.stringify(shrunk) ?? 'null');
    cut ||= state.cut;
    if (Buffer.byteLength(text) <= capBytes) return { text, cut };
    if (arrayLimit <= 1) {
      const marker = '…[cut to fit]';
      return { text: Buffer.from(text).subarray(0, Math.max(0, capBytes - marker.length - 3)).toString('utf8').replace(/\uFFFD$/, '') + marker, cut: true };
    }
    arrayLimit = Math.floor(arrayLimit / 2);
  }
}

function shrink(value: unknown, arrayLimit: number, state: { cut: boolean }, depth: number): unknown {
  if (typeof value === 'string') {
    if (value.length <= MAX_STRING) return value;
    state.cut = true;
    return `${value.slice(0, MAX_STRING)}…[${value.length - MAX_STRING} chars cut]`;
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth > 12) {
    state.cut = true;
    return '[nested too deep]';
  }
  if (Array.isArray(value)) {
    const kept = value.slice(0, arrayLimit).map((item) => shrink(item, arrayLimit, state, depth + 1));
    if (value.length > arrayLimit) {
      state.cut = true;
      kept.push(`[${value.length - arrayLimit} more items omitted]`);
    }
    return kept;
  }
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (DROPPED_KEYS.has(key)) continue;
    if (item === undefined || (Array.isArray(item) && item.length === 0)) continue;
    result[key] = shrink(item, arrayLimit, state, depth + 1);
  }
  return result;
}
