export type {
  JsonSchemaObject,
  ModelAssistantContentBlock,
  ModelAssistantMessage,
  ModelCallOptions,
  ModelClient,
  ModelMessage,
  ModelRefusalDetails,
  ModelRequest,
  ModelResponse,
  ModelStopReason,
  ModelSystemBlock,
  ModelTextBlock,
  ModelToolDefinition,
  ModelToolResultBlock,
  ModelToolUseBlock,
  ModelUsage,
  ModelUserContentBlock,
  ModelUserMessage,
} from './model-client.js';
export * from './errors/index.js';
export {
  ANTHROPIC_DEFAULT_BASE_URL,
  AnthropicModelClient,
  anthropicModelClientOptionsFromConfig,
  fromAnthropicMessage,
  toAnthropicParams,
  toModelError,
  type AnthropicLlmConfig,
  type AnthropicModelClientOptions,
} from './anthropic-model-client.js';
export {
  ScriptedModelClient,
  scriptedResponse,
  type ScriptedModelCall,
  type ScriptedModelFunction,
  type ScriptedModelStep,
  type ScriptedResponseInit,
} from './scripted-model-client.js';
export {
  DEFAULT_CACHE_READ_MULTIPLIER,
  DEFAULT_CACHE_WRITE_MULTIPLIER,
  DEFAULT_MODEL_PRICES,
  ZERO_USAGE,
  addUsage,
  cacheShare,
  estimateCostUsd,
  findModelPrice,
  totalInputTokens,
  totalTokens,
  type CostEstimate,
  type ModelPrice,
} from './usage.js';
export { DEFAULT_PROMPTS_DIRECTORY, PromptNotFoundError, listPromptVersions, loadPrompt, type LoadedPrompt, type PromptLoaderOptions } from './prompt-loader.js';
