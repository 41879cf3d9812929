import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Runtime } from '../../src/app/runtime.js';
import { replayInvestigation } from '../../src/investigate/index.js';
import { LAB_CREDENTIALS } from '../../src/lab/credentials.js';
import { startFakeAnthropic, type FakeAnthropic, type FakeAnthropicRequest, type FakeAnthropicReply } from '../helpers/fake-anthropic.js';
import { isMutating, labRequests, startGatewayLab, type GatewayLab } from '../helpers/gateway-lab.js';

const ALERT = 'XDR-2026-001234';
let lab: GatewayLab;
let fake: FakeAnthropic;
/** The script of the current test; the fake server asks it. */
let script: (request: FakeAnthropicRequest, n: number) => FakeAnthropicReply = () => ({ status: 500, type: 'api_error', message: 'no script' });

beforeAll(async () => {
  lab = await startGatewayLab();
  fake = await startFakeAnthropic((request, n) => script(request, n));
});
afterAll(async () => {
  await fake?.close();
  await lab?.close();
});

/** A runtime on the lab home with the fake Anthropic configured through the environment, as a user would. */
function llmRuntime(): Runtime {
  return new Runtime({ home: lab.home, env: { ANTHROPIC_API_KEY: 'sk-ant-test-key-0001', ANTHROPIC_BASE_URL: fake.baseUrl }, actor: 'cli:analyst' });
}

const usage = { input_tokens: 1200, output_tokens: 80, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };

/** Every secret the lab config holds: none may reach the model, the result or the store. */
function labSecrets(): string[] {
  const values: string[] = [];
  const walk = (value: unknown) => {
    if (typeof value === 'string' && value.length >= 8) values.push(value);
    else if (value !== null && typeof value === 'object') for (const item of Object.values(value)) walk(item);
  };
  walk(LAB_CREDENTIALS);
  return values.filter((value) => !value.includes('@') && !/^[0-9a-f-]{36}$/.test(value));
}

describe('LLM investigation over the Anthropic wire format', () => {
  it('runs parallel reads, files a proposal for approval, records usage, and replays', async () => {
    script = (request, n) => {
      if (n === 1) {
        return {
          content: [
            { type: 'text', text: 'Checking the first host and the C2 address.' },
            { type: 'tool_use', id: 'toolu_01', name: 'secure_endpoint__get_computer', input: { hostname: 'workstation-042' } },
            { type: 'tool_use', id: 'toolu_02', name: 'umbrella__investigate_ip', input: { ip: '185.220.101.5' } },
          ],
          stop_reason: 'tool_use',
          usage: { ...usage, cache_creation_input_tokens: 9000 },
        };
      }
      if (n === 2) {
        return {
          content: [
            { type: 'text', text: 'workstation-042 ran the payload and dumped credentials: isolate it.' },
            { type: 'tool_use', id: 'toolu_03', name: 'secure_endpoint__isolate_host', input: { hostname: 'workstation-042', comment: `${ALERT}: malware` } },
          ],
          stop_reason: 'tool_use',
          usage: { ...usage, cache_read_input_tokens: 9000 },
        };
      }
      return { content: [{ type: 'text', text: 'Phishing led to malware on workstation-042, credential theft and lateral movement to srv-db-01. Isolation of workstation-042 is proposed.' }], stop_reason: 'end_turn', usage: { ...usage, cache_read_input_tokens: 9500 } };
    };
    const runtime = llmRuntime();
    const before = (await labRequests(lab.lab.url)).length;
    try {
      const result = await runtime.investigations().investigate({ alertId: ALERT, requester: 'cli:analyst' });
      expect(result).toMatchObject({ mode: 'llm', status: 'complete', reasons: [] });
      expect(result.summary).toMatch(/^Phishing led to malware/);
      expect(result.timeline.length).toBe(62);
      expect(result.proposals).toEqual([
        expect.objectContaining({ tool: 'secure_endpoint.isolate_host', proposedBy: 'llm', outcome: 'awaiting_approval', rationale: 'workstation-042 ran the payload and dumped credentials: isolate it.' }),
      ]);
      // The approval carries the model's rationale for the approver, and nothing ran.
      const approval = runtime.approvals().get(result.proposals[0]!.approvalId!);
      expect(approval).toMatchObject({ state: 'pending', requester: 'cli:analyst' });
      expect((await labRequests(lab.lab.url)).slice(before).filter(isMutating)).toEqual([]);
      expect(result.usage).toMatchObject({ turns: 3, toolCalls: 3, inputTokens: 3600, outputTokens: 240, cacheCreationInputTokens: 9000, cacheReadInputTokens: 18500 });
      expect(result.usage!.cacheShare).toBeCloseTo(18500 / (3600 + 9000 + 18500), 5);
      expect(result.usage!.estimatedCostUsd).toBeGreaterThan(0);

      // What went over the wire: cached prefix (system + tools), volatile content after it, untrusted wrappers.
      const sent = fake.messageRequests().slice(-3).map((entry) => entry.body);
      expect(sent[0].system.at(-1).cache_control).toEqual({ type: 'ephemeral' });
      expect(sent[0].tools.at(-1).cache_control).toEqual({ type: 'ephemeral' });
      expect(sent[0].tools.map((tool: { name: string }) => tool.name)).not.toContain('servicenow__create_incident');
      expect(sent[0].messages[0].content[0].text).toContain('<untrusted_data source="defenseclaw.triage">');
      const results = sent[1].messages[2].content;
      expect(results.map((block: { tool_use_id: string }) => block.tool_use_id)).toEqual(['toolu_01', 'toolu_02']);
      for (const block of results) expect(block.content).toMatch(/^<tool_output tool="[a-z_.]+" trust="untrusted">/);
      expect(JSON.stringify(sent[2].messages.at(-1))).toContain('has NOT run');
      const everything = JSON.stringify([fake.messageRequests().map((entry) => entry.body), result, runtime.investigationStore().steps(result.id)]);
      for (const secret of labSecrets()) expect(everything.includes(secret), 'a lab secret reached the model or the store').toBe(false);
      expect(JSON.stringify(fake.messageRequests().slice(-3).map((entry) => entry.headers))).not.toContain('sk-ant-test-key-0001x');

      // Stored with usage; replay against the recorded responses reproduces it without calling the model.
      const row = runtime.investigationStore().get(result.id)!;
      expect(row).toMatchObject({ status: 'complete', mode: 'llm', inputTokens: 3600, cacheReadTokens: 18500 });
      const calls = fake.messageRequests().length;
      const replay = await replayInvestigation(runtime.investigations(), result.id);
      expect(replay.divergences, JSON.stringify(replay.divergences, null, 1)).toEqual([]);
      expect(replay).toMatchObject({ reproduced: true, modelTurns: { recorded: 3, replayed: 3 } });
      expect(fake.messageRequests().length).toBe(calls);
      // The replay filed no new approval and changed nothing.
      expect((await labRequests(lab.lab.url)).slice(before).filter(isMutating)).toEqual([]);

      // A tool that answers differently now is a divergence, and so is the request the model would see.
      const fault = await fetch(`${lab.lab.url}/__lab/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ product: 'umbrella', path: '/investigate', status: 404 }) });
      expect(fault.ok).toBe(true);
      try {
        const diverged = await replayInvestigation(runtime.investigations(), result.id);
        expect(diverged.reproduced).toBe(false);
        expect(diverged.divergences).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'tool_output_changed', subject: 'umbrella.investigate_ip' }), expect.objectContaining({ kind: 'model_request_changed' })]));
      } finally {
        await fetch(`${lab.lab.url}/__lab/faults`, { method: 'DELETE' });
      }
    } finally {
      runtime.close();
    }
  });

  it('ends with a partial, clearly marked result on refusal, max_tokens, budget and persistent model errors', async () => {
    const toolTurn: FakeAnthropicReply = { content: [{ type: 'text', text: 'reading' }, { type: 'tool_use', id: 'toolu_1', name: 'secure_endpoint__get_computer', input: { hostname: 'srv-db-01' } }], stop_reason: 'tool_use', usage };
    const cases: Array<{ name: string; reply: (n: number) => FakeAnthropicReply; reason: RegExp }> = [
      { name: 'refusal', reply: (n) => (n === 1 ? toolTurn : { content: [], stop_reason: 'refusal', stop_details: { type: 'refusal', category: 'cyber', explanation: 'policy' }, usage }), reason: /declined to continue \(policy\)/ },
      { name: 'max_tokens', reply: () => ({ content: [{ type: 'text', text: 'The attack began with' }], stop_reason: 'max_tokens', usage }), reason: /cut at max_tokens/ },
      { name: 'budget', reply: () => ({ ...toolTurn, usage: { input_tokens: 150_000, output_tokens: 60_000 } }), reason: /token budget \(200000\) was spent/ },
      { name: 'model down', reply: () => ({ status: 529, type: 'overloaded_error', message: 'Overloaded', headers: { 'retry-after-ms': '1' } }), reason: /model call failed \(model_overloaded/ },
    ];
    for (const testCase of cases) {
      let calls = 0;
      script = () => ((calls += 1), testCase.reply(calls));
      const runtime = llmRuntime();
      try {
        const result = await runtime.investigations().investigate({ alertId: ALERT, requester: 'cli:analyst' });
        expect(result.status, testCase.name).toBe('partial');
        expect(result.reasons.join(' '), testCase.name).toMatch(testCase.reason);
        // What was found so far is kept: the triage's timeline and findings.
        expect(result.timeline.length, testCase.name).toBe(62);
        expect(result.findings.length, testCase.name).toBeGreaterThan(0);
        expect(runtime.investigationStore().get(result.id)?.status, testCase.name).toBe('partial');
      } finally {
        runtime.close();
      }
    }
  });
});

describe('deterministic investigation', () => {
  it('without an API key says the LLM was not used, files proposals through the gateway, and a dead connector leaves a partial result', async () => {
    const fault = await fetch(`${lab.lab.url}/__lab/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ product: 'crowdstrike', status: 503 }) });
    expect(fault.ok).toBe(true);
    try {
      const result = await lab.runtime.investigations().investigate({ alertId: ALERT, requester: 'cli:analyst' });
      expect(result.mode).toBe('deterministic');
      expect(result.llmNotUsedReason).toMatch(/no API key/);
      expect(result.usage).toBeUndefined();
      expect(result.status).toBe('partial');
      expect(result.reasons.some((reason) => reason.startsWith('crowdstrike.'))).toBe(true);
      // The other sources still tell the story.
      expect(result.findings.map((finding) => finding.kind)).toEqual(expect.arrayContaining(['phishing', 'malware_execution', 'brute_force_then_success', 'command_and_control']));
      const byTool = Object.fromEntries(result.proposals.map((proposal) => [`${proposal.tool} ${Object.values(proposal.input)[0]}`, proposal.outcome]));
      expect(byTool).toMatchObject({
        'secure_endpoint.isolate_host workstation-042': 'awaiting_approval',
        'secure_endpoint.isolate_host srv-db-01': 'denied',
        'secure_firewall.block_ip 185.220.101.5': 'awaiting_approval',
        'umbrella.block_domain update-check.example-cdn.net': 'awaiting_approval',
      });
    } finally {
      await fetch(`${lab.lab.url}/__lab/faults`, { method: 'DELETE' });
    }
  });

  it('an unknown incident fails cleanly, and --no-llm skips a configured model', async () => {
    const missing = await lab.runtime.investigations().investigate({ alertId: 'XDR-2026-999999', requester: 'cli:analyst' });
    expect(missing).toMatchObject({ status: 'failed', error: { code: 'incident_not_found' }, timeline: [] });

    script = () => ({ status: 500, type: 'api_error', message: 'must not be called' });
    const calls = fake.messageRequests().length;
    const runtime = llmRuntime();
    try {
      const result = await runtime.investigations().investigate({ alertId: ALERT, requester: 'cli:analyst', noLlm: true });
      expect(result).toMatchObject({ mode: 'deterministic', llmNotUsedReason: 'run with --no-llm' });
      expect(fake.messageRequests().length).toBe(calls);
    } finally {
      runtime.close();
    }
  });
});
