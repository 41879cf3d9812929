import { describe, expect, it } from 'vitest';
import { ModelAbortedError, ModelOverloadedError, ScriptedModelClient, scriptedResponse, type ModelRequest } from '../../../src/llm/index.js';

const request = (text: string): ModelRequest => ({
  model: 'scripted-model',
  system: [{ text: 'system', cache: true }],
  tools: [],
  messages: [{ role: 'user', content: [{ type: 'text', text }] }],
  maxTokens: 256,
});

describe('ScriptedModelClient', () => {
  it('answers from a list in order, records every request as it was at call time, and fails loudly when exhausted', async () => {
    const client = new ScriptedModelClient([
      scriptedResponse({ text: 'looking', toolUses: [{ id: 'toolu_1', name: 'get_status', input: { service: 'db' } }], usage: { inputTokens: 5 } }),
      new ModelOverloadedError('busy'),
      (received) => scriptedResponse({ text: `you said ${(received.messages[0]!.content[0] as { text: string }).text}` }),
    ]);
    const first = request('one');
    const answer = await client.complete(first);
    expect(answer.stopReason).toBe('tool_use');
    expect(answer.content).toEqual([
      { type: 'text', text: 'looking' },
      { type: 'tool_use', id: 'toolu_1', name: 'get_status', input: { service: 'db' } },
    ]);
    expect(answer.usage).toEqual({ inputTokens: 5, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 });
    first.messages.push({ role: 'assistant', content: answer.content }); // the loop mutating its history must not rewrite the record

    await expect(client.complete(request('two'))).rejects.toBeInstanceOf(ModelOverloadedError);
    expect((await client.complete(request('three'))).content).toEqual([{ type: 'text', text: 'you said three' }]);
    await expect(client.complete(request('four'))).rejects.toMatchObject({ code: 'scripted_model_exhausted' });

    expect(client.calls).toHaveLength(4);
    expect(client.requests[0]!.messages).toHaveLength(1);
    expect(client.requests.map((recorded) => (recorded.messages[0]!.content[0] as { text: string }).text)).toEqual(['one', 'two', 'three', 'four']);
  });

  it('takes a function of the request and call index, and honours an aborted signal', async () => {
    const client = new ScriptedModelClient((_request, callIndex) => scriptedResponse({ text: `call ${callIndex}`, stopReason: callIndex === 1 ? 'refusal' : undefined }));
    expect((await client.complete(request('a'))).stopReason).toBe('end_turn');
    expect((await client.complete(request('b'))).stopReason).toBe('refusal');
    const controller = new AbortController();
    controller.abort();
    await expect(client.complete(request('c'), { signal: controller.signal })).rejects.toBeInstanceOf(ModelAbortedError);
    expect(client.calls[2]!.signal).toEqual({ passed: true, aborted: true });
    expect(client.calls[0]!.signal).toEqual({ passed: false, aborted: false });
  });
});
