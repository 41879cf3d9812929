import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import { runInvestigationLoop, type LoopOptions } from '../../../src/investigate/loop/investigation-loop.js';
import { ModelOverloadedError, ScriptedModelClient, type ModelResponse, type ModelUsage } from '../../../src/llm/index.js';

const USAGE: ModelUsage = { inputTokens: 100, outputTokens: 20, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };

function reply(content: ModelResponse['content'], stopReason: ModelResponse['stopReason'], usage: ModelUsage = USAGE, extra: Partial<ModelResponse> = {}): ModelResponse {
  return { id: 'msg', model: 'claude-test', content, stopReason, usage, ...extra };
}
const toolTurn = (id: string, text = 'checking') => reply([{ type: 'text', text }, { type: 'tool_use', id, name: 'secure_endpoint__get_computer', input: { hostname: 'workstation-042' } }], 'tool_use');

function options(model: ScriptedModelClient, overrides: Partial<LoopOptions> = {}): LoopOptions {
  const clock = fixedClock('2026-11-24T00:00:00Z');
  return {
    model,
    modelId: 'claude-test',
    system: [{ text: 'system', cache: true }],
    tools: [{ name: 'secure_endpoint__get_computer', description: 'reads one computer', inputSchema: { type: 'object' }, cache: true }],
    task: 'investigate',
    maxSteps: 8,
    maxTokens: 1024,
    budgetTokens: 100_000,
    deadline: clock.now().getTime() + 60_000,
    clock,
    runTool: async () => ({ content: '<tool_output tool="x" trust="untrusted">{}</tool_output>', isError: false }),
    ...overrides,
  };
}

describe('investigation loop', () => {
  it('runs every tool call of a turn at once and sends the results back in one user message', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const release: Array<() => void> = [];
    const model = new ScriptedModelClient([
      reply(
        [
          { type: 'text', text: 'two reads' },
          { type: 'tool_use', id: 't1', name: 'a', input: {} },
          { type: 'tool_use', id: 't2', name: 'b', input: {} },
        ],
        'tool_use',
      ),
      reply([{ type: 'text', text: 'done: what happened' }], 'end_turn'),
    ]);
    const outcome = await runInvestigationLoop(
      options(model, {
        runTool: async (call) => {
          inFlight += 1;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await new Promise<void>((resolve) => {
            release.push(resolve);
            // Both calls must be in flight before either may finish.
            if (release.length === 2) for (const done of release) done();
          });
          inFlight -= 1;
          return { content: `result of ${call.name} (${call.rationale})`, isError: call.name === 'b' };
        },
      }),
    );
    expect(maxInFlight).toBe(2);
    expect(outcome).toMatchObject({ stop: 'end_turn', text: 'done: what happened', turns: 2, toolCalls: 2 });
    const second = model.requests[1]!;
    expect(second.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
    expect(second.messages[2]!.content).toEqual([
      { type: 'tool_result', toolUseId: 't1', content: 'result of a (two reads)' },
      { type: 'tool_result', toolUseId: 't2', content: 'result of b (two reads)', isError: true },
    ]);
    expect(second.cacheConversation).toBe(true);
  });

  it('stops at the step limit with what the model said so far', async () => {
    const model = new ScriptedModelClient(() => toolTurn('t', 'still looking'));
    const outcome = await runInvestigationLoop(options(model, { maxSteps: 3 }));
    expect(outcome).toMatchObject({ stop: 'max_steps', turns: 3, text: 'still looking' });
    expect(outcome.reason).toMatch(/step limit \(3/);
  });

  it('stops when the token budget is spent', async () => {
    const model = new ScriptedModelClient(() => ({ ...toolTurn('t'), usage: { inputTokens: 600, outputTokens: 100, cacheCreationInputTokens: 200, cacheReadInputTokens: 300 } }));
    const outcome = await runInvestigationLoop(options(model, { budgetTokens: 2_000 }));
    // 1,200 tokens per turn: the second turn crosses 2,000, so no third call is made.
    expect(outcome).toMatchObject({ stop: 'budget_tokens', turns: 2 });
    expect(outcome.usage).toEqual({ inputTokens: 1200, outputTokens: 200, cacheCreationInputTokens: 400, cacheReadInputTokens: 600 });
  });

  it('stops when the time budget runs out', async () => {
    const clock = fixedClock('2026-11-24T00:00:00Z');
    const model = new ScriptedModelClient(() => {
      clock.advance(40_000);
      return toolTurn('t');
    });
    const outcome = await runInvestigationLoop(options(model, { clock, deadline: clock.now().getTime() + 60_000 }));
    expect(outcome).toMatchObject({ stop: 'time_budget', turns: 2 });
  });

  it('ends cleanly on a refusal, a max_tokens stop and a model error', async () => {
    const refusal = await runInvestigationLoop(
      options(new ScriptedModelClient([toolTurn('t1'), reply([], 'refusal', USAGE, { refusal: { category: 'cyber', explanation: 'not allowed' } })])),
    );
    expect(refusal).toMatchObject({ stop: 'refusal', turns: 2, text: 'checking' });
    expect(refusal.reason).toContain('not allowed');

    const cut = await runInvestigationLoop(options(new ScriptedModelClient([reply([{ type: 'text', text: 'partial answ' }], 'max_tokens')])));
    expect(cut).toMatchObject({ stop: 'max_tokens', text: 'partial answ' });

    const failed = await runInvestigationLoop(options(new ScriptedModelClient([toolTurn('t1'), new ModelOverloadedError('overloaded after retries')])));
    expect(failed).toMatchObject({ stop: 'model_error', turns: 1, toolCalls: 1 });
    expect(failed.reason).toContain('overloaded after retries');
  });

  it('answers tool calls beyond the per-turn cap with an error instead of running them', async () => {
    const calls = Array.from({ length: 5 }, (_, index) => ({ type: 'tool_use' as const, id: `t${index}`, name: 'a', input: {} }));
    const model = new ScriptedModelClient([reply(calls, 'tool_use'), reply([{ type: 'text', text: 'ok' }], 'end_turn')]);
    let ran = 0;
    await runInvestigationLoop(options(model, { maxToolCallsPerTurn: 3, runTool: async () => ((ran += 1), { content: 'x', isError: false }) }));
    expect(ran).toBe(3);
    const results = model.requests[1]!.messages[2]!.content as Array<{ isError?: boolean; content: string }>;
    expect(results.filter((result) => result.isError === true).map((result) => result.content)).toEqual([expect.stringContaining('at most 3'), expect.stringContaining('at most 3')]);
  });
});
