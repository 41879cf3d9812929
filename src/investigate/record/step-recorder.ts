import { hashCanonical } from '../../core/canonical-json.js';
import type { Clock } from '../../core/clock.js';
import type { GatewayResult } from '../../gateway/gateway-result.js';
import type { ModelRequest, ModelResponse } from '../../llm/index.js';
import type { InvestigationStore } from './investigation-store.js';

/** Removes secrets from what is about to be stored (the runtime's redactor). */
export interface StepRedactor {
  redact<T>(value: T): T;
}

/** A gateway result without its audit seq (which differs from run to run). */
export type RecordedResult = GatewayResult extends infer Result ? (Result extends unknown ? Omit<Result, 'auditSeq'> : never) : never;

/** What a recorded tool call keeps: the arguments and the gateway result, audit seq left out (it differs per run). */
export interface RecordedToolCall {
  tool: string;
  input: unknown;
  result: RecordedResult;
}

/** The hash of a tool call's identity: tool id and canonical arguments. */
export function toolRequestHash(tool: string, input: unknown): string {
  return hashCanonical({ tool, input: input ?? null });
}

/** The hash of what a tool call came to: outcome and output (or error), not the audit seq or approval id. */
export function toolResponseHash(result: GatewayResult | RecordedResult): string {
  return hashCanonical(comparableResult(result));
}

/** The part of a result that must be equal for two runs of a call to agree. */
export function comparableResult(result: GatewayResult | RecordedResult): unknown {
  switch (result.outcome) {
    case 'succeeded':
      return { outcome: result.outcome, output: result.output ?? null, truncated: result.truncated };
    case 'failed':
      return { outcome: result.outcome, error: result.error };
    case 'awaiting_approval':
    case 'expired':
      return { outcome: result.outcome };
    case 'dry_run':
      return { outcome: result.outcome, preview: result.preview };
    default:
      return { outcome: result.outcome, reason: result.reason };
  }
}

/** The hash of a model request: everything the model was sent. */
export function modelRequestHash(request: ModelRequest): string {
  return hashCanonical(request);
}

export function modelResponseHash(response: ModelResponse): string {
  return hashCanonical({ content: response.content, stopReason: response.stopReason });
}

/**
 * Appends every model turn and tool result of one investigation to the store, in the order they
 * finished, secrets redacted, each with a hash of its request and of its response.
 */
export class StepRecorder {
  #seq = 0;

  constructor(
    private readonly store: InvestigationStore,
    readonly investigationId: string,
    private readonly clock: Clock,
    private readonly redactor: StepRedactor,
  ) {}

  modelTurn(request: ModelRequest, response: ModelResponse): void {
    this.#append('model_turn', request.model, modelRequestHash(request), modelResponseHash(response), response);
  }

  toolCall(tool: string, input: unknown, result: GatewayResult): void {
    const { auditSeq: _auditSeq, ...rest } = result as GatewayResult & { auditSeq?: number };
    const recorded: RecordedToolCall = { tool, input, result: rest as RecordedResult };
    this.#append('tool_call', tool, toolRequestHash(tool, input), toolResponseHash(result), recorded);
  }

  #append(kind: 'model_turn' | 'tool_call', name: string, requestHash: string, responseHash: string, payload: unknown): void {
    this.#seq += 1;
    this.store.addStep({
      investigationId: this.investigationId,
      seq: this.#seq,
      kind,
      name,
      requestHash,
      responseHash,
      payload: JSON.stringify(this.redactor.redact(payload)),
      time: this.clock.now().toISOString(),
    });
  }
}
