import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake Anthropic Messages API on 127.0.0.1:<random port>, shaped like the real one
 * (reference slack-anthropic.md §2.8/§2.9): state is a script plus a journal of what arrived.
 *
 * - `POST /v1/messages`: validates the request like the API does (Bearer or x-api-key,
 *   anthropic-version, JSON content type, model / max_tokens / messages, alternating roles,
 *   tool_result ids matching the previous assistant turn's tool_use ids, at most 4 cache
 *   breakpoints, no `thread`), answering 400 `invalid_request_error` (401 for auth) without
 *   calling the script; otherwise asks the script. Answers JSON, or SSE when `stream: true`.
 * - `GET /v1/models`: the model list (for `doctor`).
 * Every answer carries a `request-id` header.
 */

/** What the script returns for a successful call: a message, defaults filled in. */
export interface FakeAnthropicMessage {
  id?: string;
  /** Default: the request's `model`, echoed. */
  model?: string;
  content?: Array<
    | { type: 'text'; text: string; citations?: null }
    | { type: 'tool_use'; id: string; name: string; input: unknown; caller?: { type: 'direct' } }
    | { type: string; [field: string]: unknown }
  >;
  stop_reason?: string | null;
  stop_details?: { type: 'refusal'; category: string | null; explanation: string | null } | null;
  usage?: {
    input_tokens?: number;
    output_tokens?: number;
    cache_creation_input_tokens?: number | null;
    cache_read_input_tokens?: number | null;
  };
}

/** What the script returns to fail a call. */
export interface FakeAnthropicError {
  status: number;
  /** `error.type`: `rate_limit_error`, `overloaded_error`, `api_error`, `authentication_error`, `invalid_request_error`, … */
  type: string;
  message: string;
  /** Extra answer headers, e.g. `{ 'retry-after-ms': '1' }` (SDK 1.12 ignores 0 and backs off ≥0.5 s) or `{ 'x-should-retry': 'false' }`. */
  headers?: Record<string, string>;
}

export type FakeAnthropicReply = FakeAnthropicMessage | FakeAnthropicError;

/** A request as the script sees it. */
export interface FakeAnthropicRequest {
  headers: IncomingHttpHeaders;
  // The parsed JSON body, as sent; tests read fields freely.
  body: any;
}

/** `n` is 1-based and counts only the valid `POST /v1/messages` calls that reached the script. */
export type FakeAnthropicScript = (request: FakeAnthropicRequest, n: number) => FakeAnthropicReply | Promise<FakeAnthropicReply>;

export interface FakeAnthropicJournalEntry {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: any;
  /** HTTP status answered. */
  status: number;
  /** Why the fake itself rejected the request (validation), if it did. */
  rejected?: string;
  requestId: string;
}

export interface FakeAnthropic {
  /** `http://127.0.0.1:<port>`: pass as `baseURL` / `llm.base_url`. */
  baseUrl: string;
  /** Every request received, in order. */
  readonly requests: FakeAnthropicJournalEntry[];
  /** The `POST /v1/messages` requests only. */
  messageRequests(): FakeAnthropicJournalEntry[];
  close(): Promise<void>;
}

export interface FakeAnthropicOptions {
  /** Model ids `GET /v1/models` lists. */
  models?: string[];
}

function isErrorReply(reply: FakeAnthropicReply): reply is FakeAnthropicError {
  return typeof (reply as FakeAnthropicError).status === 'number';
}

export async function startFakeAnthropic(script: FakeAnthropicScript, options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const requests: FakeAnthropicJournalEntry[] = [];
  const models = options.models ?? ['claude-sonnet-4-6', 'claude-haiku-4-5-20251001'];
  let scriptCalls = 0;
  let answers = 0;

  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    answers += 1;
    const requestId = `req_fake_${answers}`;
    const entry: FakeAnthropicJournalEntry = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: undefined, status: 0, requestId };
    requests.push(entry);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      entry.status = status;
      response.writeHead(status, { 'content-type': 'application/json', 'request-id': requestId, ...headers });
      response.end(JSON.stringify(body));
    };
    const reject = (status: number, type: string, message: string) => {
      entry.rejected = message;
      send(status, { type: 'error', error: { type, message }, request_id: requestId });
    };

    try {
      const authProblem = checkAuth(request.headers);
      if (authProblem !== undefined) return reject(401, 'authentication_error', authProblem);
      if (!request.headers['anthropic-version']) return reject(400, 'invalid_request_error', 'anthropic-version: header is required');
      const path = (request.url ?? '').split('?')[0];

      if (request.method === 'GET' && path === '/v1/models') {
        const data = models.map((id) => ({ type: 'model', id, display_name: id, created_at: '2026-01-01T00:00:00Z' }));
        return send(200, { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null });
      }
      if (request.method !== 'POST' || path !== '/v1/messages') return reject(404, 'not_found_error', `Not found: ${request.method} ${path}`);

      if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) return reject(400, 'invalid_request_error', 'content-type must be application/json');
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        return reject(400, 'invalid_request_error', 'request body is not valid JSON');
      }
      entry.body = body;
      const problem = validateMessagesBody(body);
      if (problem !== undefined) return reject(400, 'invalid_request_error', problem);

      scriptCalls += 1;
      const reply = await script({ headers: request.headers, body }, scriptCalls);
      if (isErrorReply(reply)) {
        entry.status = reply.status;
        response.writeHead(reply.status, { 'content-type': 'application/json', 'request-id': requestId, ...reply.headers });
        response.end(JSON.stringify({ type: 'error', error: { type: reply.type, message: reply.message }, request_id: requestId }));
        return;
      }
      const message = completeMessage(reply, (body as { model: string }).model, scriptCalls);
      if ((body as { stream?: boolean }).stream === true) return streamMessage(response, message, requestId, entry);
      return send(200, message);
    } catch (error) {
      if (!response.headersSent) send(500, { type: 'error', error: { type: 'api_error', message: `fake anthropic: ${(error as Error).message}` }, request_id: requestId });
      else response.end();
    }
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    messageRequests: () => requests.filter((request) => request.method === 'POST' && request.url.startsWith('/v1/messages')),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function checkAuth(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === 'string' && /^Bearer \S+/.test(authorization)) return undefined;
  if (typeof headers['x-api-key'] === 'string' && headers['x-api-key'] !== '') return undefined;
  return 'missing credentials: send Authorization: Bearer <key> or x-api-key';
}

type Block = { type?: unknown; id?: unknown; tool_use_id?: unknown; cache_control?: unknown };

function blocksOf(content: unknown): Block[] {
  if (typeof content === 'string') return [{ type: 'text' }];
  return Array.isArray(content) ? (content as Block[]) : [];
}

/** The checks the real API makes that matter to our loop. Returns the first problem, as the API words it roughly. */
function validateMessagesBody(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return 'body must be a JSON object';
  const request = body as Record<string, unknown>;
  if (typeof request.model !== 'string' || request.model === '') return 'model: Field required';
  if (typeof request.max_tokens !== 'number' || !Number.isInteger(request.max_tokens) || request.max_tokens < 1) return 'max_tokens: Field required';
  if (!Array.isArray(request.messages) || request.messages.length === 0) return 'messages: Field required';
  if ('thread' in request) return 'thread: Extra inputs are not permitted (this fake implements no threads)';

  let breakpoints = 0;
  const countCache = (item: unknown) => {
    if (typeof item === 'object' && item !== null && 'cache_control' in item && (item as Block).cache_control != null) breakpoints += 1;
  };
  if (Array.isArray(request.system)) request.system.forEach(countCache);
  if (request.tools !== undefined) {
    if (!Array.isArray(request.tools)) return 'tools: Input should be a valid list';
    for (const [index, tool] of (request.tools as Array<Record<string, unknown>>).entries()) {
      if (typeof tool.name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(tool.name)) return `tools.${index}.name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'`;
      const schema = tool.input_schema as { type?: unknown } | undefined;
      if (schema === undefined || schema.type !== 'object') return `tools.${index}.input_schema.type: Input should be 'object'`;
      countCache(tool);
    }
  }

  const messages = request.messages as Array<{ role?: unknown; content?: unknown }>;
  for (const [index, message] of messages.entries()) {
    const expected = index % 2 === 0 ? 'user' : 'assistant';
    if (message.role !== 'user' && message.role !== 'assistant') return `messages.${index}.role: Input should be 'user' or 'assistant'`;
    if (message.role !== expected) return `messages: roles must alternate between "user" and "assistant", starting with "user" (messages.${index} is "${String(message.role)}")`;
    const blocks = blocksOf(message.content);
    if (blocks.length === 0) return `messages.${index}.content: must be a non-empty string or list`;
    blocks.forEach(countCache);

    const previous = index > 0 ? messages[index - 1] : undefined;
    const previousToolUseIds = previous === undefined ? [] : blocksOf(previous.content).filter((block) => block.type === 'tool_use').map((block) => String(block.id));
    if (message.role === 'user') {
      const resultIds = blocks.filter((block) => block.type === 'tool_result').map((block) => String(block.tool_use_id));
      for (const [blockIndex, id] of resultIds.entries()) {
        if (!previousToolUseIds.includes(id)) {
          return `messages.${index}.content.${blockIndex}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
        }
      }
      const missing = previousToolUseIds.filter((id) => !resultIds.includes(id));
      if (missing.length > 0) {
        return `messages.${index}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
      }
    }
  }
  if (breakpoints > 4) return `A maximum of 4 blocks with cache_control may be provided. Found ${breakpoints}.`;
  return undefined;
}

function completeMessage(reply: FakeAnthropicMessage, model: string, n: number) {
  const content = (reply.content ?? [{ type: 'text', text: 'ok' }]).map((block) =>
    block.type === 'text' ? { citations: null, ...block } : block.type === 'tool_use' ? { caller: { type: 'direct' }, ...block } : block,
  );
  return {
    id: reply.id ?? `msg_fake_${n}`,
    type: 'message',
    role: 'assistant',
    model: reply.model ?? model,
    content,
    stop_reason: reply.stop_reason === undefined ? (content.some((block) => block.type === 'tool_use') ? 'tool_use' : 'end_turn') : reply.stop_reason,
    stop_sequence: null,
    stop_details: reply.stop_details ?? null,
    container: null,
    diagnostics: null,
    usage: {
      input_tokens: reply.usage?.input_tokens ?? 10,
      output_tokens: reply.usage?.output_tokens ?? 5,
      cache_creation_input_tokens: reply.usage?.cache_creation_input_tokens ?? 0,
      cache_read_input_tokens: reply.usage?.cache_read_input_tokens ?? 0,
      cache_creation: null,
      output_tokens_details: null,
      server_tool_use: null,
      service_tier: 'standard',
      speed: null,
      inference_geo: null,
    },
  };
}

/** The SSE event sequence of §2.8; tool input is sent as two valid-JSON-text fragments. */
function streamMessage(response: ServerResponse, message: ReturnType<typeof completeMessage>, requestId: string, entry: FakeAnthropicJournalEntry): void {
  entry.status = 200;
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': requestId });
  const event = (name: string, data: unknown) => response.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
  event('message_start', {
    type: 'message_start',
    message: { ...message, content: [], stop_reason: null, usage: { ...message.usage, output_tokens: 1 } },
  });
  event('ping', { type: 'ping' });
  message.content.forEach((block, index) => {
    if (block.type === 'text') {
      const text = String((block as { text: string }).text);
      event('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '', citations: null } });
      const middle = Math.floor(text.length / 2);
      for (const part of [text.slice(0, middle), text.slice(middle)]) {
        if (part !== '') event('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: part } });
      }
    } else if (block.type === 'tool_use') {
      const toolUse = block as { id: string; name: string; input: unknown };
      event('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: toolUse.id, name: toolUse.name, input: {}, caller: { type: 'direct' } } });
      const json = JSON.stringify(toolUse.input ?? {});
      const middle = Math.floor(json.length / 2);
      for (const part of [json.slice(0, middle), json.slice(middle)]) {
        if (part !== '') event('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: part } });
      }
    } else {
      event('content_block_start', { type: 'content_block_start', index, content_block: block });
    }
    event('content_block_stop', { type: 'content_block_stop', index });
  });
  event('message_delta', { type: 'message_delta', delta: { stop_reason: message.stop_reason, stop_sequence: null, stop_details: message.stop_details }, usage: message.usage });
  event('message_stop', { type: 'message_stop' });
  response.end();
}
