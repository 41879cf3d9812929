import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/core/logger.js';
import {
  AnthropicModelClient,
  ModelAbortedError,
  ModelAuthError,
  ModelOverloadedError,
  ModelRateLimitedError,
  ModelRequestError,
  ModelUnavailableError,
  anthropicModelClientOptionsFromConfig,
  type AnthropicModelClientOptions,
  type ModelRequest,
} from '../../../src/llm/index.js';
import { startFakeAnthropic, type FakeAnthropic, type FakeAnthropicScript } from '../../helpers/fake-anthropic.js';

const API_KEY = 'sk-ant-test-key-0123456789';

let fake: FakeAnthropic | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(script: FakeAnthropicScript, options: Partial<AnthropicModelClientOptions> = {}) {
  fake = await startFakeAnthropic(script);
  const client = new AnthropicModelClient({ apiKey: API_KEY, baseUrl: fake.baseUrl, maxRetries: 0, timeoutMs: 10_000, ...options });
  return { fake, client };
}

const getStatusSchema = { type: 'object' as const, properties: { service: { type: 'string' } }, required: ['service'] };

function baseRequest(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return {
    model: 'claude-sonnet-4-6',
    system: [
      { text: 'You are DefenseClaw, a security investigator.', cache: true },
      { text: 'Policy: never contain a crown-jewel host.', cache: true },
      { text: 'Alert context (volatile): host srv-01' },
    ],
    tools: [
      { name: 'get_status', description: 'Status of a service', inputSchema: getStatusSchema, cache: true },
      { name: 'query_logs', description: 'Search logs', inputSchema: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] }, cache: true },
    ],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Investigate alert 42' }] }],
    maxTokens: 1024,
    ...overrides,
  };
}

describe('AnthropicModelClient request shape', () => {
  it('sends Bearer auth, the version header, cache breakpoints on the last cached system block and tool, and the tool schemas', async () => {
    const { fake, client } = await setup(() => ({ content: [{ type: 'text', text: 'done' }] }));
    await client.complete(baseRequest({ temperature: 0 }));

    const [sent] = fake.messageRequests();
    expect(sent!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(sent!.headers['x-api-key']).toBeUndefined();
    expect(sent!.headers['anthropic-version']).toEqual(expect.any(String));
    expect(sent!.headers['content-type']).toMatch(/^application\/json/);
    expect(sent!.headers['anthropic-beta']).toBeUndefined();
    expect(sent!.body).toEqual({
      model: 'claude-sonnet-4-6',
      max_tokens: 1024,
      temperature: 0,
      system: [
        { type: 'text', text: 'You are DefenseClaw, a security investigator.' },
        { type: 'text', text: 'Policy: never contain a crown-jewel host.', cache_control: { type: 'ephemeral' } },
        { type: 'text', text: 'Alert context (volatile): host srv-01' },
      ],
      tools: [
        { name: 'get_status', description: 'Status of a service', input_schema: getStatusSchema },
        {
          name: 'query_logs',
          description: 'Search logs',
          input_schema: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
          cache_control: { type: 'ephemeral' },
        },
      ],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Investigate alert 42' }] }],
    });
    expect(sent!.body.thread).toBeUndefined();
  });

  it('maps tool_use and tool_result blocks, and adds rolling breakpoints on the last two user messages with cacheConversation', async () => {
    const { fake, client } = await setup(() => ({ content: [{ type: 'text', text: 'db is fine' }] }));
    await client.complete(
      baseRequest({
        cacheConversation: true,
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Investigate alert 42' }] },
          {
            role: 'assistant',
            content: [
              { type: 'text', text: 'Checking.' },
              { type: 'tool_use', id: 'toolu_01', name: 'get_status', input: { service: 'db' } },
              { type: 'tool_use', id: 'toolu_02', name: 'query_logs', input: { query: 'error' } },
            ],
          },
          {
            role: 'user',
            content: [
              { type: 'tool_result', toolUseId: 'toolu_01', content: '{"status":"up"}' },
              { type: 'tool_result', toolUseId: 'toolu_02', content: 'denied by policy', isError: true },
            ],
          },
        ],
      }),
    );
    const body = fake.messageRequests()[0]!.body;
    // The previous user message keeps the breakpoint it was written with, so this call reads it.
    expect(body.messages[0]).toEqual({ role: 'user', content: [{ type: 'text', text: 'Investigate alert 42', cache_control: { type: 'ephemeral' } }] });
    expect(body.messages[1].content[1]).toEqual({ type: 'tool_use', id: 'toolu_01', name: 'get_status', input: { service: 'db' } });
    expect(body.messages[2].content).toEqual([
      { type: 'tool_result', tool_use_id: 'toolu_01', content: '{"status":"up"}' },
      { type: 'tool_result', tool_use_id: 'toolu_02', content: 'denied by policy', is_error: true, cache_control: { type: 'ephemeral' } },
    ]);
    const breakpoints = JSON.stringify(body).match(/"cache_control"/g) ?? [];
    expect(breakpoints).toHaveLength(4);
  });

  it('sends no cache_control when nothing is marked cacheable, and omits empty system and tools', async () => {
    const { fake, client } = await setup(() => ({ content: [{ type: 'text', text: 'hi' }] }));
    await client.complete(baseRequest({ system: [], tools: [] }));
    const body = fake.messageRequests()[0]!.body;
    expect(JSON.stringify(body)).not.toContain('cache_control');
    expect(body.system).toBeUndefined();
    expect(body.tools).toBeUndefined();
  });
});

describe('AnthropicModelClient response mapping', () => {
  it('maps content, stop reason, usage (cache fields included) and the request id', async () => {
    const { client } = await setup(() => ({
      id: 'msg_42',
      content: [
        { type: 'text', text: 'Checking the database.' },
        { type: 'tool_use', id: 'toolu_01', name: 'get_status', input: { service: 'db' } },
      ],
      stop_reason: 'tool_use',
      usage: { input_tokens: 120, output_tokens: 35, cache_creation_input_tokens: 2048, cache_read_input_tokens: 18_000 },
    }));
    const response = await client.complete(baseRequest());
    expect(response).toEqual({
      id: 'msg_42',
      model: 'claude-sonnet-4-6',
      content: [
        { type: 'text', text: 'Checking the database.' },
        { type: 'tool_use', id: 'toolu_01', name: 'get_status', input: { service: 'db' } },
      ],
      stopReason: 'tool_use',
      usage: { inputTokens: 120, outputTokens: 35, cacheCreationInputTokens: 2048, cacheReadInputTokens: 18_000 },
      requestId: 'req_fake_1',
    });
  });

  it('treats null cache counters as 0', async () => {
    const { client } = await setup(() => ({ usage: { input_tokens: 7, output_tokens: 3, cache_creation_input_tokens: null, cache_read_input_tokens: null } }));
    const response = await client.complete(baseRequest());
    expect(response.usage).toEqual({ inputTokens: 7, outputTokens: 3, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 });
  });

  it('passes max_tokens and refusal stop reasons through as answers, not errors', async () => {
    const { client } = await setup((_request, n) =>
      n === 1
        ? { content: [{ type: 'text', text: 'The host list is long and' }], stop_reason: 'max_tokens' }
        : { content: [], stop_reason: 'refusal', stop_details: { type: 'refusal', category: 'cyber', explanation: 'exploit development' } },
    );
    const truncated = await client.complete(baseRequest());
    expect(truncated.stopReason).toBe('max_tokens');
    expect(truncated.content).toEqual([{ type: 'text', text: 'The host list is long and' }]);
    const refused = await client.complete(baseRequest());
    expect(refused.stopReason).toBe('refusal');
    expect(refused.content).toEqual([]);
    expect(refused.refusal).toEqual({ category: 'cyber', explanation: 'exploit development' });
  });

  it('logs one debug line per call without the key or the prompt', async () => {
    let logged = '';
    const stream = new Writable({
      write(chunk, _encoding, callback) {
        logged += String(chunk);
        callback();
      },
    });
    const logger = createLogger({ level: 'debug', streams: [{ stream, level: 'debug' }] });
    const { client } = await setup(() => ({ content: [{ type: 'text', text: 'ok' }] }), { logger });
    await client.complete(baseRequest());
    logger.flush();
    await new Promise((resolve) => setImmediate(resolve));
    expect(logged).toContain('req_fake_1');
    expect(logged).not.toContain(API_KEY);
    expect(logged).not.toContain('Investigate alert 42');
  });
});

describe('AnthropicModelClient errors', () => {
  it('maps 401 to ModelAuthError without the key in the message, even when the server echoes it', async () => {
    const { client } = await setup(() => ({ status: 401, type: 'authentication_error', message: `invalid x-api-key ${API_KEY}` }));
    const error = await client.complete(baseRequest()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelAuthError);
    const authError = error as ModelAuthError;
    expect(authError.code).toBe('model_auth_failed');
    expect(authError.status).toBe(401);
    expect(authError.providerErrorType).toBe('authentication_error');
    expect(authError.requestId).toBe('req_fake_1');
    expect(authError.message).not.toContain(API_KEY);
    expect(authError.message).toContain('[REDACTED]');
    expect(JSON.stringify(authError)).not.toContain(API_KEY);
  });

  it('refuses to start without an API key (no fallback to env or a profile on disk)', () => {
    expect(() => new AnthropicModelClient({ apiKey: '' })).toThrow(ModelAuthError);
    expect(() => anthropicModelClientOptionsFromConfig({})).toThrow(ModelAuthError);
    expect(anthropicModelClientOptionsFromConfig({ api_key: 'k-1234', base_url: 'http://127.0.0.1:1' }, { maxRetries: 0 })).toEqual({
      apiKey: 'k-1234',
      baseUrl: 'http://127.0.0.1:1',
      maxRetries: 0,
    });
  });

  it('lets the SDK retry a 429 after retry-after-ms: 1, then succeeds (SDK 1.12 treats 0 as "no hint" and backs off ≥0.5 s)', async () => {
    const { fake, client } = await setup(
      (_request, n) => (n === 1 ? { status: 429, type: 'rate_limit_error', message: 'Number of requests has exceeded your rate limit', headers: { 'retry-after-ms': '1' } } : { content: [{ type: 'text', text: 'ok' }] }),
      { maxRetries: 2 },
    );
    const response = await client.complete(baseRequest());
    expect(response.stopReason).toBe('end_turn');
    const sent = fake.messageRequests();
    expect(sent.map((request) => request.status)).toEqual([429, 200]);
    expect(sent[1]!.headers['x-stainless-retry-count']).toBe('1');
  });

  it('maps a 429 to ModelRateLimitedError with retryAfterMs when retries are off', async () => {
    const { fake, client } = await setup(() => ({ status: 429, type: 'rate_limit_error', message: 'slow down', headers: { 'retry-after': '7' } }));
    const error = await client.complete(baseRequest()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelRateLimitedError);
    expect((error as ModelRateLimitedError).code).toBe('model_rate_limited');
    expect((error as ModelRateLimitedError).retryAfterMs).toBe(7000);
    expect(fake.messageRequests()).toHaveLength(1);
  });

  it('maps 529 to ModelOverloadedError', async () => {
    const { client } = await setup(() => ({ status: 529, type: 'overloaded_error', message: 'Overloaded' }));
    const error = await client.complete(baseRequest()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelOverloadedError);
    expect((error as ModelOverloadedError).code).toBe('model_overloaded');
    expect((error as ModelOverloadedError).status).toBe(529);
  });

  it('maps 500 after retries to ModelUnavailableError (server_error)', async () => {
    const { fake, client } = await setup(() => ({ status: 500, type: 'api_error', message: 'Internal server error', headers: { 'retry-after-ms': '1' } }), { maxRetries: 1 });
    const error = await client.complete(baseRequest()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect((error as ModelUnavailableError).reason).toBe('server_error');
    expect(fake.messageRequests()).toHaveLength(2);
  });

  it('maps a refused connection to ModelUnavailableError (connection)', async () => {
    const { fake: server, client: _unused } = await setup(() => ({}));
    const baseUrl = server.baseUrl;
    await server.close();
    fake = undefined;
    const client = new AnthropicModelClient({ apiKey: API_KEY, baseUrl, maxRetries: 0 });
    const error = await client.complete(baseRequest()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect((error as ModelUnavailableError).reason).toBe('connection');
    expect((error as Error).message).not.toContain(API_KEY);
  });

  it('maps an aborted call to ModelAbortedError', async () => {
    const controller = new AbortController();
    const { client } = await setup(async () => {
      controller.abort();
      return new Promise(() => {}); // never answers; the abort must end the call
    });
    const error = await client.complete(baseRequest(), { signal: controller.signal }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelAbortedError);
    expect((error as ModelAbortedError).code).toBe('model_aborted');
  });

  it('a tool_result whose id matches no tool_use in the previous assistant turn is rejected by the fake (400 → ModelRequestError)', async () => {
    let scriptCalls = 0;
    const { fake, client } = await setup(() => {
      scriptCalls += 1;
      return { content: [{ type: 'text', text: 'unreachable' }] };
    });
    const error = await client
      .complete(
        baseRequest({
          messages: [
            { role: 'user', content: [{ type: 'text', text: 'Investigate' }] },
            { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01', name: 'get_status', input: { service: 'db' } }] },
            { role: 'user', content: [{ type: 'tool_result', toolUseId: 'toolu_WRONG', content: 'up' }] },
          ],
        }),
      )
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelRequestError);
    const requestError = error as ModelRequestError;
    expect(requestError.code).toBe('model_request_invalid');
    expect(requestError.status).toBe(400);
    expect(requestError.providerErrorType).toBe('invalid_request_error');
    expect(requestError.message).toContain('toolu_WRONG');
    expect(scriptCalls).toBe(0);
    expect(fake.requests[0]!.rejected).toContain('tool_use_id');
  });
});
