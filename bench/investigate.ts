/**
 * Investigation benchmark (`npm run bench -- investigate`), all on loopback, one JSON line:
 * 1. the deterministic investigation of XDR-2026-001234 against the lab with 100 ms injected
 *    latency on every product call: wall time vs the sum of its calls' durations (what they would
 *    take one after another). Target ratio ≤ 0.35.
 * 2. `/defenseclaw investigate` through `slack serve` (same latency): time from the signed request
 *    to the root message and to the first message in its thread (the lab's fake Slack).
 * 3. a scripted 8-turn LLM investigation on the fake Anthropic API (with a prompt-cache model):
 *    bytes and tokens sent per turn and the share of input served from the cache. Target ≥ 70 %.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Runtime } from '../src/app/runtime.js';
import { labConfigYaml } from '../src/cli/lab-config.js';
import { LAB_CREDENTIALS } from '../src/lab/credentials.js';
import { startLab } from '../src/lab/lab-server.js';
import { ALL_SIMULATORS } from '../src/lab/products/index.js';
import { serveSlack } from '../src/slack/slack-serve.js';
import { startFakeAnthropic, type FakeAnthropicReply } from '../test/helpers/fake-anthropic.js';
import { PromptCacheModel } from './anthropic-cache-model.js';

const ALERT = 'XDR-2026-001234';
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 100);
const CHANNEL = 'C0LABSOC01';
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The reads the scripted model asks for, two per turn for seven turns; the eighth turn answers. */
const SCRIPTED_READS: Array<Array<{ name: string; input: Record<string, unknown> }>> = [
  [
    { name: 'secure_endpoint__get_computer', input: { hostname: 'workstation-042' } },
    { name: 'crowdstrike__get_device', input: { device: 'workstation-042' } },
  ],
  [
    { name: 'umbrella__investigate_domain', input: { domain: 'update-check.example-cdn.net' } },
    { name: 'umbrella__investigate_ip', input: { ip: '185.220.101.5' } },
  ],
  [
    { name: 'secure_endpoint__get_computer', input: { hostname: 'srv-db-01' } },
    { name: 'crowdstrike__get_device', input: { device: 'srv-db-01' } },
  ],
  [
    { name: 'splunk__search', input: { query: 'index=wineventlog EventCode=4625 user=svc_backup | stats count by src_ip, dest', earliest: '-24h' } },
    { name: 'secure_endpoint__isolation_status', input: { hostname: 'workstation-042' } },
  ],
  [
    { name: 'cisco_xdr__enrich_observables', input: { observables: [{ type: 'ip', value: '185.220.101.5' }] } },
    { name: 'secure_endpoint__find_computers_by_ioc', input: { type: 'sha256', value: '9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d' } },
  ],
  [
    { name: 'crowdstrike__list_alerts', input: {} },
    { name: 'servicenow__list_incidents', input: {} },
  ],
  [
    { name: 'cisco_xdr__list_response_actions', input: { observable_type: 'ip', observable_value: '185.220.101.5' } },
    { name: 'secure_endpoint__isolate_host', input: { hostname: 'workstation-042', comment: `${ALERT}: malware and credential theft` } },
  ],
];

export async function run(): Promise<void> {
  const lab = await startLab({ products: ALL_SIMULATORS });
  const home = mkdtempSync(join(tmpdir(), 'defenseclaw-investigate-bench-'));
  const cache = new PromptCacheModel();
  const turns: Array<{ turn: number; request_bytes: number; input_tokens: number; cache_read_tokens: number; cache_write_tokens: number; uncached_tokens: number }> = [];
  const fake = await startFakeAnthropic((request, n) => {
    const body = request.body as Parameters<PromptCacheModel['usage']>[0];
    const usage = cache.usage(body);
    turns.push({
      turn: n,
      request_bytes: Buffer.byteLength(JSON.stringify(request.body)),
      input_tokens: usage.input_tokens + usage.cache_creation_input_tokens + usage.cache_read_input_tokens,
      cache_read_tokens: usage.cache_read_input_tokens,
      cache_write_tokens: usage.cache_creation_input_tokens,
      uncached_tokens: usage.input_tokens,
    });
    const reads = SCRIPTED_READS[n - 1];
    const reply: FakeAnthropicReply =
      reads === undefined
        ? { content: [{ type: 'text', text: 'Phishing on workstation-042 led to malware, credential theft and lateral movement to srv-db-01; isolation proposed.' }], stop_reason: 'end_turn', usage: { ...usage, output_tokens: 60 } }
        : { content: [{ type: 'text', text: `Turn ${n}: reading more.` }, ...reads.map((read, index) => ({ type: 'tool_use', id: `toolu_${n}_${index}`, name: read.name, input: read.input }))], stop_reason: 'tool_use', usage: { ...usage, output_tokens: 90 } };
    return reply;
  });
  try {
    writeFileSync(join(home, 'config.yaml'), labConfigYaml(lab.url).replace('log_level: info', 'log_level: warn'), { mode: 0o600 });
    const runtime = new Runtime({ home, env: {}, actor: 'cli:bench' });
    // Warm-up without latency: tokens, JIT, connection pools.
    await runtime.investigations().investigate({ alertId: ALERT, requester: 'cli:bench' });
    for (const product of Object.keys(lab.products)) if (product !== 'slack') lab.faults.add({ product, latencyMs: LATENCY_MS });

    // 1. Deterministic investigation: wall time vs the sum of its calls.
    let sumMs = 0;
    let calls = 0;
    const started = performance.now();
    const result = await runtime.investigations().investigate({
      alertId: ALERT,
      requester: 'cli:bench',
      onProgress: (event) => {
        if (event.kind === 'tool') {
          sumMs += event.durationMs;
          calls += 1;
        }
      },
    });
    const wallMs = performance.now() - started;
    if (result.status !== 'complete') throw new Error(`deterministic investigation ${result.status}: ${result.reasons.join('; ')}`);

    // 2. Slack: signed command → root message → first thread message.
    const server = await serveSlack(runtime, { port: 0, retries: 0 });
    let slack: { ack_ms: number; root_message_ms: number; first_thread_message_ms: number };
    try {
      const body = new URLSearchParams({
        token: 'x', team_id: LAB_CREDENTIALS.slack.teamId, channel_id: CHANNEL, user_id: 'U0BENCHINV1', user_name: 'bench', command: '/defenseclaw',
        text: `investigate ${ALERT}`, api_app_id: 'A0LAB00001', response_url: `${lab.url}/slack/response/bench-investigate`, trigger_id: `bench.investigate.${Date.now()}`,
      }).toString();
      const timestamp = Math.floor(Date.now() / 1000);
      const signature = `v0=${createHmac('sha256', LAB_CREDENTIALS.slack.signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
      const t0 = performance.now();
      if (server.eventsUrl === undefined) throw new Error("slack serve did not start an HTTP receiver");
      const ack = await fetch(server.eventsUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature }, body });
      const ackMs = performance.now() - t0;
      if (ack.status !== 200) throw new Error(`slash command answered ${ack.status}`);
      let rootMs: number | undefined;
      let threadMs: number | undefined;
      const deadline = Date.now() + 60_000;
      while (threadMs === undefined && Date.now() < deadline) {
        const { messages } = (await (await fetch(`${lab.url}/slack/__messages?channel=${CHANNEL}`)).json()) as { messages: Array<{ thread_ts?: string }> };
        const now = performance.now() - t0;
        if (rootMs === undefined && messages.length > 0) rootMs = now;
        if (messages.some((message) => message.thread_ts !== undefined)) threadMs = now;
        else await new Promise((resolve) => setTimeout(resolve, 5));
      }
      if (rootMs === undefined || threadMs === undefined) throw new Error('no thread message within 60 s');
      slack = { ack_ms: round(ackMs), root_message_ms: round(rootMs), first_thread_message_ms: round(threadMs) };
    } finally {
      await server.close({ drainMs: 10_000 });
    }
    lab.faults.clear();
    runtime.close();

    // 3. Scripted 8-turn LLM investigation over HTTP, real Anthropic adapter.
    const llmRuntime = new Runtime({ home, env: { ANTHROPIC_API_KEY: 'sk-ant-bench', ANTHROPIC_BASE_URL: fake.baseUrl }, actor: 'cli:bench' });
    const llm = await llmRuntime.investigations().investigate({ alertId: ALERT, requester: 'cli:bench' });
    llmRuntime.close();
    if (llm.usage === undefined || llm.usage.turns !== 8) throw new Error(`scripted LLM investigation made ${llm.usage?.turns} turns (${llm.status}: ${llm.reasons.join('; ')})`);
    const totalInput = turns.reduce((sum, turn) => sum + turn.input_tokens, 0);
    const cacheRead = turns.reduce((sum, turn) => sum + turn.cache_read_tokens, 0);

    process.stdout.write(
      `${JSON.stringify({
        bench: 'investigate',
        latency_per_call_ms: LATENCY_MS,
        deterministic: { calls, wall_ms: round(wallMs), sum_of_calls_ms: round(sumMs), ratio: round(wallMs / sumMs, 3), target_ratio: 0.35, timeline_entries: result.timeline.length, findings: result.findings.length },
        slack,
        llm: {
          turns: turns.length,
          tool_calls: llm.usage.toolCalls,
          per_turn: turns,
          total_request_bytes: turns.reduce((sum, turn) => sum + turn.request_bytes, 0),
          total_input_tokens: totalInput,
          cache_share: round(cacheRead / totalInput, 3),
          target_cache_share: 0.7,
          reported_cache_share: round(llm.usage.cacheShare, 3),
          estimated_cost_usd: round(llm.usage.estimatedCostUsd, 4),
        },
      })}\n`,
    );
  } finally {
    await fake.close();
    await lab.close();
    rmSync(home, { recursive: true, force: true });
  }
}
