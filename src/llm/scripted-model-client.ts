import { DefenseClawError } from '../core/errors/index.js';
import { ModelAbortedError } from './errors/index.js';
import type { ModelAssistantContentBlock, ModelCallOptions, ModelClient, ModelRequest, ModelResponse, ModelStopReason, ModelUsage } from './model-client.js';

/**
 * One scripted answer: a response, an error to throw (e.g. `new ModelRateLimitedError(…)`),
 * or a function of the request that returns either.
 */
export type ScriptedModelStep =
  | ModelResponse
  | Error
  | ((request: ModelRequest, callIndex: number) => ModelResponse | Error | Promise<ModelResponse | Error>);

/** The whole script as one function of the request and the 0-based call index. */
export type ScriptedModelFunction = (request: ModelRequest, callIndex: number) => ModelResponse | Error | Promise<ModelResponse | Error>;

/** A call the scripted client received. `request` is a deep copy taken at call time. */
export interface ScriptedModelCall {
  request: ModelRequest;
  /** Whether a signal was passed and whether it had fired when the call was made. */
  signal: { passed: boolean; aborted: boolean };
}

/**
 * A fake `ModelClient` for tests: answers from a list of steps (in order) or from a function,
 * and records every request. Running out of steps throws `scripted_model_exhausted`, so a loop
 * that calls the model more often than the test expects fails loudly.
 */
export class ScriptedModelClient implements ModelClient {
  /** Every call, in order. */
  readonly calls: ScriptedModelCall[] = [];
  readonly #script: ScriptedModelFunction;

  constructor(script: readonly ScriptedModelStep[] | ScriptedModelFunction) {
    if (typeof script === 'function') {
      this.#script = script;
    } else {
      const steps = [...script];
      this.#script = (request, callIndex) => {
        const step = steps[callIndex];
        if (step === undefined) {
          throw new DefenseClawError(`scripted model: no response scripted for call ${callIndex + 1} (script has ${steps.length})`, { code: 'scripted_model_exhausted' });
        }
        return typeof step === 'function' ? step(request, callIndex) : step;
      };
    }
  }

  /** The requests received, in order (shorthand for `calls.map(c => c.request)`). */
  get requests(): ModelRequest[] {
    return this.calls.map((call) => call.request);
  }

  async complete(request: ModelRequest, options: ModelCallOptions = {}): Promise<ModelResponse> {
    const callIndex = this.calls.length;
    this.calls.push({ request: structuredClone(request), signal: { passed: options.signal !== undefined, aborted: options.signal?.aborted ?? false } });
    if (options.signal?.aborted === true) throw new ModelAbortedError();
    const outcome = await this.#script(request, callIndex);
    if (outcome instanceof Error) throw outcome;
    return structuredClone(outcome);
  }
}

export interface ScriptedResponseInit {
  text?: string;
  toolUses?: Array<{ id: string; name: string; input: unknown }>;
  /** Default: `tool_use` when there are tool uses, else `end_turn`. */
  stopReason?: ModelStopReason;
  usage?: Partial<ModelUsage>;
  id?: string;
  model?: string;
  requestId?: string;
}

let scriptedResponseCounter = 0;

/** Builds a `ModelResponse` for scripts: optional text first, then the tool uses. */
export function scriptedResponse(init: ScriptedResponseInit = {}): ModelResponse {
  scriptedResponseCounter += 1;
  const content: ModelAssistantContentBlock[] = [];
  if (init.text !== undefined) content.push({ type: 'text', text: init.text });
  for (const toolUse of init.toolUses ?? []) content.push({ type: 'tool_use', id: toolUse.id, name: toolUse.name, input: toolUse.input });
  const response: ModelResponse = {
    id: init.id ?? `msg_scripted_${scriptedResponseCounter}`,
    model: init.model ?? 'scripted-model',
    content,
    stopReason: init.stopReason ?? ((init.toolUses?.length ?? 0) > 0 ? 'tool_use' : 'end_turn'),
    usage: { inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0, ...init.usage },
  };
  if (init.requestId !== undefined) response.requestId = init.requestId;
  return response;
}
