import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeAnthropic, type FakeAnthropic } from '../../helpers/fake-anthropic.js';

let fake: FakeAnthropic | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${fake!.baseUrl}${path}`, {
    method: 'POST',
    headers: { authorization: 'Bearer k-test', 'anthropic-version': '2026-10-21', 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, requestId: response.headers.get('request-id'), json: (await response.json()) as { type: string; error?: { type: string; message: string } } };
}

const user = (text: string) => ({ role: 'user', content: text });

describe('fake Anthropic server', () => {
  it('streams a message the SDK assembles (text and tool input joined from fragments)', async () => {
    fake = await startFakeAnthropic(() => ({
      content: [
        { type: 'text', text: 'Checking the database.' },
        { type: 'tool_use', id: 'toolu_01', name: 'get_status', input: { service: 'db', verbose: true } },
      ],
      usage: { input_tokens: 120, output_tokens: 35, cache_read_input_tokens: 900 },
    }));
    const client = new Anthropic({ apiKey: 'k-test', baseURL: fake.baseUrl, maxRetries: 0, logLevel: 'off' });
    const message = await client.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
    expect(message.content.map((block) => block.type)).toEqual(['text', 'tool_use']);
    expect(message.content[0]).toMatchObject({ text: 'Checking the database.' });
    expect(message.content[1]).toMatchObject({ id: 'toolu_01', name: 'get_status', input: { service: 'db', verbose: true } });
    expect(message.stop_reason).toBe('tool_use');
    expect(message.usage).toMatchObject({ input_tokens: 120, output_tokens: 35, cache_read_input_tokens: 900 });
    expect(fake.messageRequests()[0]!.body.stream).toBe(true);
  });

  it('lists models for doctor, with a request-id', async () => {
    fake = await startFakeAnthropic(() => ({}), { models: ['claude-sonnet-4-6'] });
    const client = new Anthropic({ apiKey: 'k-test', baseURL: fake.baseUrl, maxRetries: 0, logLevel: 'off' });
    const page = await client.models.list();
    expect(page.data.map((model) => model.id)).toEqual(['claude-sonnet-4-6']);
  });

  it('accepts x-api-key, and answers 401 without credentials without calling the script', async () => {
    let calls = 0;
    fake = await startFakeAnthropic(() => {
      calls += 1;
      return {};
    });
    const ok = await post('/v1/messages', { model: 'm', max_tokens: 10, messages: [user('hi')] }, { authorization: '', 'x-api-key': 'k-test' });
    expect(ok.status).toBe(200);
    const denied = await post('/v1/messages', { model: 'm', max_tokens: 10, messages: [user('hi')] }, { authorization: '' });
    expect(denied.status).toBe(401);
    expect(denied.json.error!.type).toBe('authentication_error');
    expect(denied.requestId).toMatch(/^req_/);
    expect(calls).toBe(1);
  });

  it.each([
    ['no anthropic-version', { model: 'm', max_tokens: 10, messages: [user('hi')] }, { 'anthropic-version': '' }, 'anthropic-version'],
    ['a non-JSON content type', { model: 'm', max_tokens: 10, messages: [user('hi')] }, { 'content-type': 'text/plain' }, 'content-type'],
    ['no model', { max_tokens: 10, messages: [user('hi')] }, {}, 'model'],
    ['no max_tokens', { model: 'm', messages: [user('hi')] }, {}, 'max_tokens'],
    ['no messages', { model: 'm', max_tokens: 10 }, {}, 'messages'],
    ['a thread field', { model: 'm', max_tokens: 10, messages: [user('hi')], thread: { type: 'create' } }, {}, 'thread'],
    ['two user turns in a row', { model: 'm', max_tokens: 10, messages: [user('a'), user('b')] }, {}, 'alternate'],
    ['an assistant first turn', { model: 'm', max_tokens: 10, messages: [{ role: 'assistant', content: 'hi' }] }, {}, 'alternate'],
    [
      'a tool_use left without its tool_result',
      {
        model: 'm',
        max_tokens: 10,
        messages: [user('a'), { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 't', input: {} }] }, { role: 'user', content: [{ type: 'text', text: 'x' }] }],
      },
      {},
      'toolu_1',
    ],
    [
      'five cache breakpoints',
      {
        model: 'm',
        max_tokens: 10,
        system: [1, 2, 3, 4, 5].map((n) => ({ type: 'text', text: `s${n}`, cache_control: { type: 'ephemeral' } })),
        messages: [user('a')],
      },
      {},
      'maximum of 4',
    ],
    ['a tool schema that is not an object', { model: 'm', max_tokens: 10, messages: [user('a')], tools: [{ name: 't', input_schema: { type: 'string' } }] }, {}, 'input_schema'],
  ])('answers 400 invalid_request_error for %s', async (_label, body, headers, fragment) => {
    fake = await startFakeAnthropic(() => ({}));
    const answer = await post('/v1/messages', body, headers as Record<string, string>);
    expect(answer.status).toBe(400);
    expect(answer.json.error!.type).toBe('invalid_request_error');
    expect(answer.json.error!.message).toContain(fragment);
    expect(fake.requests[0]!.rejected).toContain(fragment);
  });
});
