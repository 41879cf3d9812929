import Anthropic, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, AnthropicError } from '@anthropic-ai/sdk';
import type { Logger } from '../core/logger.js';
import { scrubSecrets } from '../core/logger.js';
import {
  ModelAbortedError,
  ModelAuthError,
  ModelError,
  ModelOverloadedError,
  ModelRateLimitedError,
  ModelRequestError,
  ModelUnavailableError,
} from './errors/index.js';
import type {
  ModelAssistantContentBlock,
  ModelCallOptions,
  ModelClient,
  ModelMessage,
  ModelRequest,
  ModelResponse,
  ModelUsage,
} from './model-client.js';

/** Where the real API lives; passed explicitly so the SDK never falls back to `ANTHROPIC_BASE_URL`. */
export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';

export interface AnthropicModelClientOptions {
  /** API key (config `llm.api_key`). Sent by SDK 1.12 as `Authorization: Bearer …`; never logged. */
  apiKey: string;
  /** API root without `/v1` (config `llm.base_url`); default `https://api.anthropic.com`. */
  baseUrl?: string;
  /** Retries the SDK makes itself on 408/409/429/5xx and transport errors, honouring `retry-after`. Default 2. */
  maxRetries?: number;
  /** Per-attempt timeout in milliseconds. Default 120 000. */
  timeoutMs?: number;
  /** Injected fetch (tests, or a guard that refuses hosts other than loopback). */
  fetch?: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** Debug line per call: model, request id, stop reason, usage, duration. Never the key or the prompt. */
  logger?: Logger;
}

/** The subset of `config.llm` this adapter reads. */
export interface AnthropicLlmConfig {
  api_key?: string | undefined;
  base_url?: string | undefined;
}

/** Builds adapter options from `config.llm`; throws `ModelAuthError` when no API key is configured. */
export function anthropicModelClientOptionsFromConfig(
  llm: AnthropicLlmConfig,
  extra: Omit<AnthropicModelClientOptions, 'apiKey' | 'baseUrl'> = {},
): AnthropicModelClientOptions {
  if (llm.api_key === undefined || llm.api_key === '') {
    throw new ModelAuthError('no LLM API key is configured (set llm.api_key)');
  }
  return { ...extra, apiKey: llm.api_key, ...(llm.base_url === undefined ? {} : { baseUrl: llm.base_url }) };
}

type CacheControl = { type: 'ephemeral' };
const EPHEMERAL: CacheControl = { type: 'ephemeral' };

/**
 * `ModelClient` on the Anthropic Messages API (`@anthropic-ai/sdk` 1.12, non-streaming
 * `messages.create`). Our own manual loop drives it; the SDK's beta tool runner is not used
 * (its server-side threads break stateless fakes and hide the approval gate).
 *
 * Prompt caching: at most four breakpoints (the API's limit): the last system block marked
 * `cache`, the last tool marked `cache`, and, with `cacheConversation`, the last block of the
 * last two user messages (the prefix written last turn is read this turn). The cache prefix is built tools → system → messages, so static text goes
 * in the cached blocks and volatile text (the alert, tool results) after them.
 */
export class AnthropicModelClient implements ModelClient {
  readonly #client: Anthropic;
  readonly #apiKey: string;
  readonly #logger: Logger | undefined;

  constructor(options: AnthropicModelClientOptions) {
    if (options.apiKey === '') throw new ModelAuthError('no LLM API key is configured (set llm.api_key)');
    this.#apiKey = options.apiKey;
    this.#logger = options.logger;
    this.#client = new Anthropic({
      // Both explicit, so nothing is read from ANTHROPIC_* variables or a profile on disk.
      apiKey: options.apiKey,
      authToken: null,
      baseURL: options.baseUrl ?? ANTHROPIC_DEFAULT_BASE_URL,
      maxRetries: options.maxRetries ?? 2,
      timeout: options.timeoutMs ?? 120_000,
      // SDK warnings (deprecated model, …) go to our logger at warn; nothing below warn, so no request dumps.
      ...(options.logger === undefined ? { logLevel: 'off' as const } : { logLevel: 'warn' as const, logger: options.logger.child({ component: 'anthropic-sdk' }) }),
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    });
  }

  async complete(request: ModelRequest, options: ModelCallOptions = {}): Promise<ModelResponse> {
    const params = toAnthropicParams(request);
    const startedAt = performance.now();
    let message: Anthropic.Message & { _request_id?: string | null };
    try {
      message = await this.#client.messages.create(params, options.signal === undefined ? {} : { signal: options.signal });
    } catch (error) {
      throw toModelError(error, [this.#apiKey]);
    }
    const response = fromAnthropicMessage(message);
    this.#logger?.debug(
      { model: response.model, requestId: response.requestId, stopReason: response.stopReason, usage: response.usage, durationMs: Math.round(performance.now() - startedAt) },
      'model call',
    );
    return response;
  }
}

/** Maps our request to `messages.create` params, placing the cache breakpoints. Exported for tests. */
export function toAnthropicParams(request: ModelRequest): Anthropic.MessageCreateParamsNonStreaming {
  const lastCachedSystem = findLastIndex(request.system, (block) => block.cache === true);
  const system: Anthropic.TextBlockParam[] = request.system.map((block, index) => ({
    type: 'text',
    text: block.text,
    ...(index === lastCachedSystem ? { cache_control: EPHEMERAL } : {}),
  }));
  const lastCachedTool = findLastIndex(request.tools, (tool) => tool.cache === true);
  const tools: Anthropic.Tool[] = request.tools.map((tool, index) => ({
    name: tool.name,
    description: tool.description,
    input_schema: tool.inputSchema,
    ...(index === lastCachedTool ? { cache_control: EPHEMERAL } : {}),
  }));
  // The rolling conversation breakpoint goes on the last user message (written now, read next turn)
  // and on the user message before it (written last turn, read now): the read never depends on how
  // far back the API looks for an earlier breakpoint. With system and tools that is 4, the maximum.
  const userIndexes = request.cacheConversation === true ? request.messages.flatMap((message, index) => (message.role === 'user' ? [index] : [])) : [];
  const cachedUsers = new Set(userIndexes.slice(-2));
  const messages = request.messages.map((message, index) => toAnthropicMessage(message, cachedUsers.has(index)));
  return {
    model: request.model,
    max_tokens: request.maxTokens,
    messages,
    ...(system.length > 0 ? { system } : {}),
    ...(tools.length > 0 ? { tools } : {}),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
  };
}

function toAnthropicMessage(message: ModelMessage, cacheLastBlock: boolean): Anthropic.MessageParam {
  const last = message.content.length - 1;
  if (message.role === 'assistant') {
    return {
      role: 'assistant',
      content: message.content.map((block): Anthropic.TextBlockParam | Anthropic.ToolUseBlockParam =>
        block.type === 'text' ? { type: 'text', text: block.text } : { type: 'tool_use', id: block.id, name: block.name, input: block.input },
      ),
    };
  }
  return {
    role: 'user',
    content: message.content.map((block, index): Anthropic.TextBlockParam | Anthropic.ToolResultBlockParam => {
      const cache = cacheLastBlock && index === last ? { cache_control: EPHEMERAL } : {};
      if (block.type === 'text') return { type: 'text', text: block.text, ...cache };
      return {
        type: 'tool_result',
        tool_use_id: block.toolUseId,
        content: block.content,
        ...(block.isError === true ? { is_error: true } : {}),
        ...cache,
      };
    }),
  };
}

/** Maps an SDK message to our response. Blocks other than text and tool_use are dropped. Exported for tests. */
export function fromAnthropicMessage(message: Anthropic.Message & { _request_id?: string | null }): ModelResponse {
  const content: ModelAssistantContentBlock[] = [];
  for (const block of message.content) {
    if (block.type === 'text') content.push({ type: 'text', text: block.text });
    else if (block.type === 'tool_use') content.push({ type: 'tool_use', id: block.id, name: block.name, input: block.input });
  }
  const response: ModelResponse = {
    id: message.id,
    model: message.model,
    content,
    stopReason: message.stop_reason ?? 'unknown',
    usage: fromAnthropicUsage(message.usage),
  };
  if (typeof message._request_id === 'string') response.requestId = message._request_id;
  const details = message.stop_details;
  if (message.stop_reason === 'refusal' && details !== null && details !== undefined) {
    response.refusal = { category: details.category ?? null, explanation: details.explanation ?? null };
  }
  return response;
}

function fromAnthropicUsage(usage: Anthropic.Usage | null | undefined): ModelUsage {
  return {
    inputTokens: usage?.input_tokens ?? 0,
    outputTokens: usage?.output_tokens ?? 0,
    cacheCreationInputTokens: usage?.cache_creation_input_tokens ?? 0,
    cacheReadInputTokens: usage?.cache_read_input_tokens ?? 0,
  };
}

/**
 * Maps anything the SDK throws to a `ModelError` subclass, in one place. `secrets` are scrubbed
 * from the message (a proxy or fake could echo the key back).
 */
export function toModelError(error: unknown, secrets: readonly string[] = []): ModelError {
  if (error instanceof ModelError) return error;
  const scrub = (text: string) => scrubSecrets(text, secrets);
  if (error instanceof APIUserAbortError) return new ModelAbortedError('the model call was aborted', { cause: error });
  if (error instanceof APIConnectionTimeoutError) {
    return new ModelUnavailableError('the model API did not answer in time (after retries)', { reason: 'timeout', cause: error });
  }
  if (error instanceof APIConnectionError) {
    return new ModelUnavailableError(scrub(`could not reach the model API (after retries): ${error.message}`), { reason: 'connection', cause: error });
  }
  if (error instanceof APIError) {
    const status = error.status;
    const requestId = error.requestID ?? undefined;
    const providerErrorType = error.type ?? undefined;
    const detail = scrub(error.apiMessage ?? error.message);
    const common = { cause: error, ...(status === undefined ? {} : { status }), ...(requestId === undefined ? {} : { requestId }), ...(providerErrorType === undefined ? {} : { providerErrorType }) };
    const label = `${status ?? 'no status'}${providerErrorType === undefined ? '' : ` ${providerErrorType}`}`;
    if (status === 401 || status === 403) return new ModelAuthError(`the model API refused the credentials (${label}): ${detail}`, common);
    if (status === 429) {
      const retryAfterMs = retryAfterMilliseconds(error.headers);
      return new ModelRateLimitedError(`the model API is rate limiting us (${label}): ${detail}`, { ...common, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
    }
    if (status === 529 || providerErrorType === 'overloaded_error') return new ModelOverloadedError(`the model API is overloaded (${label}): ${detail}`, common);
    if (status === 408 || (status !== undefined && status >= 500)) {
      return new ModelUnavailableError(`the model API failed (${label}, after retries): ${detail}`, { ...common, reason: 'server_error' });
    }
    return new ModelRequestError(`the model API rejected the request (${label}): ${detail}`, common);
  }
  if (error instanceof AnthropicError) return new ModelRequestError(scrub(`the model client refused the request: ${error.message}`), { cause: error });
  const message = error instanceof Error ? error.message : String(error);
  return new ModelUnavailableError(scrub(`the model call failed: ${message}`), { reason: 'connection', cause: error });
}

/** `retry-after-ms` (milliseconds) or `retry-after` (seconds or an HTTP date), as milliseconds. */
function retryAfterMilliseconds(headers: Headers | undefined): number | undefined {
  if (headers === undefined) return undefined;
  const milliseconds = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return Math.round(milliseconds);
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds) && seconds >= 0 && /^\s*[\d.]+\s*$/.test(value)) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  if (Number.isFinite(date)) return Math.max(0, date - Date.now());
  return undefined;
}

function findLastIndex<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  for (let index = items.length - 1; index >= 0; index--) if (predicate(items[index]!)) return index;
  return -1;
}
