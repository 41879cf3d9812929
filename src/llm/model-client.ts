/**
 * The narrow port between DefenseClaw and a language model. Our own types, not a vendor SDK's:
 * the investigation loop, its tests and the audit log only ever see these. One adapter per vendor
 * (`anthropic-model-client.ts`) and one scripted fake (`scripted-model-client.ts`) implement it.
 */

/** A JSON Schema for a tool's input. Its top level is always an object. */
export interface JsonSchemaObject {
  type: 'object';
  properties?: Record<string, unknown>;
  required?: string[];
  [keyword: string]: unknown;
}

/** One block of the system prompt. */
export interface ModelSystemBlock {
  text: string;
  /**
   * Part of the static, cacheable prefix. The adapter puts one cache breakpoint on the last
   * system block marked `cache`, which caches it and everything before it.
   */
  cache?: boolean;
}

/** A tool the model may call. */
export interface ModelToolDefinition {
  /** Tool name as the model sees it (`^[a-zA-Z0-9_-]{1,64}$` for Anthropic). */
  name: string;
  description: string;
  /** JSON Schema of the tool's input. */
  inputSchema: JsonSchemaObject;
  /** Part of the static prefix: one breakpoint goes on the last tool marked `cache`. */
  cache?: boolean;
}

/** Plain text, from the user or the model. */
export interface ModelTextBlock {
  type: 'text';
  text: string;
}

/** The model asks for a tool call. Echo it back unchanged in the assistant message. */
export interface ModelToolUseBlock {
  type: 'tool_use';
  /** Provider-assigned call id; the matching result carries it as `toolUseId`. */
  id: string;
  name: string;
  /** The arguments as the model produced them. Unvalidated: check with the tool's zod schema. */
  input: unknown;
}

/** The result of one tool call, sent in the user message right after the assistant turn that asked. */
export interface ModelToolResultBlock {
  type: 'tool_result';
  /** `id` of the `tool_use` block this answers. */
  toolUseId: string;
  content: string;
  /** The tool failed or was refused; `content` says why, for the model to read. */
  isError?: boolean;
}

export type ModelUserContentBlock = ModelTextBlock | ModelToolResultBlock;
export type ModelAssistantContentBlock = ModelTextBlock | ModelToolUseBlock;

export interface ModelUserMessage {
  role: 'user';
  content: ModelUserContentBlock[];
}

export interface ModelAssistantMessage {
  role: 'assistant';
  content: ModelAssistantContentBlock[];
}

/** One conversation turn. Roles alternate, starting with `user`. */
export type ModelMessage = ModelUserMessage | ModelAssistantMessage;

export interface ModelRequest {
  /** Provider model id, e.g. `claude-sonnet-4-6` (config `llm.model`). */
  model: string;
  /** System prompt blocks, static ones first. */
  system: ModelSystemBlock[];
  tools: ModelToolDefinition[];
  messages: ModelMessage[];
  /** Upper bound on output tokens for this call (config `llm.max_tokens`). */
  maxTokens: number;
  temperature?: number;
  /**
   * Add rolling cache breakpoints on the last block of the last two user messages: the next call of
   * the same conversation reads the whole history so far from the cache, and this one reads what
   * the previous call wrote.
   */
  cacheConversation?: boolean;
}

/**
 * Why the model stopped. `refusal` is an answer, not an error: the loop ends and reports it.
 * `pause_turn` means "send the conversation back unchanged to let it continue".
 */
export type ModelStopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'refusal' | 'pause_turn' | (string & {});

/** Token counts of one call (or a sum of calls). */
export interface ModelUsage {
  /** Input tokens neither read from nor written to the cache. */
  inputTokens: number;
  outputTokens: number;
  /** Input tokens written to the cache (billed at a premium, see `usage.ts`). */
  cacheCreationInputTokens: number;
  /** Input tokens read from the cache (billed at a fraction of the input price). */
  cacheReadInputTokens: number;
}

/** Details the provider gave with `stopReason: 'refusal'`. */
export interface ModelRefusalDetails {
  category: string | null;
  explanation: string | null;
}

export interface ModelResponse {
  /** Provider message id. */
  id: string;
  /** Model that answered (as the provider reports it). */
  model: string;
  /** Text and tool calls, in order. Blocks of other kinds are dropped by the adapter. */
  content: ModelAssistantContentBlock[];
  stopReason: ModelStopReason;
  usage: ModelUsage;
  /** `request-id` of the HTTP answer; log it and put it in the audit record. */
  requestId?: string;
  /** Present when `stopReason` is `refusal` and the provider explained it. */
  refusal?: ModelRefusalDetails;
}

export interface ModelCallOptions {
  /** Aborts the call (investigation cancelled, time budget spent): rejects with `ModelAbortedError`. */
  signal?: AbortSignal;
}

/**
 * A language model. Implementations map transport and provider failures to the `ModelError`
 * subclasses in `./errors/` and never put credentials in messages or logs.
 */
export interface ModelClient {
  complete(request: ModelRequest, options?: ModelCallOptions): Promise<ModelResponse>;
}
