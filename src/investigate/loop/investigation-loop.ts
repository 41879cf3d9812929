import type { Clock } from '../../core/clock.js';
import {
  ModelAbortedError,
  ModelError,
  addUsage,
  totalTokens,
  ZERO_USAGE,
  type ModelClient,
  type ModelMessage,
  type ModelRequest,
  type ModelResponse,
  type ModelSystemBlock,
  type ModelToolDefinition,
  type ModelToolResultBlock,
  type ModelToolUseBlock,
  type ModelUsage,
} from '../../llm/index.js';

/** Why the loop ended. Only `end_turn` is a complete answer; the rest leave a partial result. */
export type LoopStop = 'end_turn' | 'max_steps' | 'budget_tokens' | 'time_budget' | 'refusal' | 'max_tokens' | 'model_error' | 'aborted';

export interface LoopToolCall {
  id: string;
  /** The name the model used (mapped back to a gateway tool by the caller). */
  name: string;
  input: unknown;
  /** The model's text of the same turn: its rationale, shown to approvers. */
  rationale: string;
}

export interface LoopOptions {
  model: ModelClient;
  modelId: string;
  system: ModelSystemBlock[];
  tools: ModelToolDefinition[];
  /** The first user message (the request and the triage context, wrapped as untrusted data). */
  task: string;
  maxSteps: number;
  maxTokens: number;
  /** Total tokens (input of every kind plus output) the loop may spend. */
  budgetTokens: number;
  /** Wall-clock deadline, epoch milliseconds. */
  deadline: number;
  clock: Clock;
  /** Most tool calls run from one model turn; the rest are answered with an error. */
  maxToolCallsPerTurn?: number;
  /** Runs one tool call (through the gateway); never throws for a tool failure. */
  runTool(call: LoopToolCall): Promise<{ content: string; isError: boolean }>;
  /** Called with every model turn, in order (recording, progress). */
  onTurn?(request: ModelRequest, response: ModelResponse, turn: number): void;
  signal?: AbortSignal;
}

export interface LoopOutcome {
  stop: LoopStop;
  /** One sentence when the stop is not `end_turn`. */
  reason?: string;
  /** The model's last text (the final report when `end_turn`). */
  text: string;
  usage: ModelUsage;
  turns: number;
  toolCalls: number;
}

/**
 * Our own tool loop on `messages.create` (through the ModelClient port): ask, run every tool call
 * of the turn concurrently, send the results back, until the model answers or a budget ends it.
 * Budgets (steps, tokens, time), refusals, `max_tokens` stops and model errors end it cleanly with
 * what the model said so far.
 */
export async function runInvestigationLoop(options: LoopOptions): Promise<LoopOutcome> {
  const messages: ModelMessage[] = [{ role: 'user', content: [{ type: 'text', text: options.task }] }];
  const maxPerTurn = options.maxToolCallsPerTurn ?? 16;
  let usage: ModelUsage = { ...ZERO_USAGE };
  let text = '';
  let turns = 0;
  let toolCalls = 0;
  const end = (stop: LoopStop, reason?: string): LoopOutcome => ({ stop, ...(reason === undefined ? {} : { reason }), text, usage, turns, toolCalls });

  while (turns < options.maxSteps) {
    if (isAborted(options.signal)) return end('aborted', 'the investigation was cancelled');
    const remainingMs = options.deadline - options.clock.now().getTime();
    if (remainingMs <= 0) return end('time_budget', 'the time budget ran out');
    if (totalTokens(usage) >= options.budgetTokens) return end('budget_tokens', `the token budget (${options.budgetTokens}) was spent`);

    const request: ModelRequest = { model: options.modelId, system: options.system, tools: options.tools, messages: [...messages], maxTokens: options.maxTokens, cacheConversation: true };
    const timeout = AbortSignal.timeout(remainingMs);
    const signal = options.signal === undefined ? timeout : AbortSignal.any([options.signal, timeout]);
    let response: ModelResponse;
    try {
      response = await options.model.complete(request, { signal });
    } catch (error) {
      if (error instanceof ModelAbortedError || signal.aborted) {
        return isAborted(options.signal) ? end('aborted', 'the investigation was cancelled') : end('time_budget', 'the time budget ran out during a model call');
      }
      const message = error instanceof ModelError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
      return end('model_error', `the model call failed (${message.split('\n')[0]})`);
    }
    turns += 1;
    usage = addUsage(usage, response.usage);
    options.onTurn?.(request, response, turns);
    const turnText = response.content
      .filter((block) => block.type === 'text')
      .map((block) => block.text)
      .join('\n')
      .trim();
    if (turnText !== '') text = turnText;
    messages.push({ role: 'assistant', content: response.content });

    switch (response.stopReason) {
      case 'refusal':
        return end('refusal', `the model declined to continue${response.refusal?.explanation ? ` (${response.refusal.explanation})` : ''}`);
      case 'max_tokens':
        return end('max_tokens', `the model's answer was cut at max_tokens (${options.maxTokens})`);
      case 'pause_turn':
        continue;
      case 'tool_use':
        break;
      default:
        return end('end_turn');
    }

    const calls = response.content.filter((block): block is ModelToolUseBlock => block.type === 'tool_use');
    if (calls.length === 0) return end('end_turn');
    toolCalls += calls.length;
    const results = await Promise.all(
      calls.map(async (call, index): Promise<ModelToolResultBlock> => {
        if (index >= maxPerTurn) return { type: 'tool_result', toolUseId: call.id, content: `Not run: at most ${maxPerTurn} tool calls per turn.`, isError: true };
        const result = await options.runTool({ id: call.id, name: call.name, input: call.input, rationale: turnText });
        return { type: 'tool_result', toolUseId: call.id, content: result.content, ...(result.isError ? { isError: true } : {}) };
      }),
    );
    messages.push({ role: 'user', content: results });
  }
  return end('max_steps', `the step limit (${options.maxSteps} model calls) was reached`);
}

function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}
