/**
 * Slack ack benchmark: `slack serve` in its own process (as in production, the client — Slack — is
 * elsewhere) against the lab (another child process). 500 signed `/defenseclaw investigate XDR-2026-001234`
 * slash commands at concurrency 50 over loopback, each from its own user (so none is a duplicate and
 * each enqueues a real job). Prints one JSON line: p50/p99/max ack latency, errors, and the time from
 * the first request to the first message in a job's thread. Target: p99 ack < 100 ms, 0 errors.
 * The first 50 requests (JIT warm-up) are reported apart as `cold_first_wave`.
 * The job queue is not drained (500 triages at ~1 message/s/channel would take many minutes):
 * shutdown drops the jobs not started, as `slack serve` does on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAB_CREDENTIALS } from '../src/lab/credentials.js';
import { labConfigYaml } from '../src/cli/lab-config.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 500);
/** Requests sent first and reported apart: the first wave pays for JIT compilation of the whole path. */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 50);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const CHANNEL = 'C0LABSOC01';

/** Keep-alive sockets, like Slack's own delivery: the client's overhead must not be what is measured. */
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0 }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

const round = (value: number) => Math.round(value * 100) / 100;

function summary(values: number[]): { p50: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: round(percentile(sorted, 0.5)), p99: round(percentile(sorted, 0.99)), max: round(sorted.at(-1) ?? Number.NaN) };
}

export async function run(): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./lab-process.ts', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
  const home = mkdtempSync(join(tmpdir(), 'defenseclaw-slack-bench-'));
  try {
    let resolved = false;
    const labUrl = await new Promise<string>((resolve, reject) => {
      let buffer = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        if (buffer.includes('\n')) resolve((JSON.parse(buffer.split('\n')[0]!) as { url: string }).url);
      });
      child.once('exit', (code) => reject(new Error(`lab exited with ${code}`)));
    });
    writeFileSync(join(home, 'config.yaml'), labConfigYaml(labUrl).replace('log_level: info', 'log_level: warn'), { mode: 0o600 });
    // BENCH_BOT_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the bot process.
    const botNodeArgs = (process.env.BENCH_BOT_NODE_ARGS ?? '').split(' ').filter((argument) => argument !== '');
    const bot = spawn(process.execPath, [...botNodeArgs, '--import', 'tsx', fileURLToPath(new URL('./slack-process.ts', import.meta.url)), home], { stdio: ['ignore', 'pipe', 'inherit'] });
    let botOutput = '';
    const eventsUrl = await new Promise<string>((resolve, reject) => {
      bot.stdout!.on('data', (chunk: Buffer) => {
        botOutput += chunk.toString('utf8');
        if (botOutput.includes('\n') && !resolved) {
          resolved = true;
          resolve((JSON.parse(botOutput.split('\n')[0]!) as { eventsUrl: string }).eventsUrl);
        }
      });
      bot.once('exit', (code) => reject(new Error(`slack serve exited with ${code}`)));
    });
    const secret = LAB_CREDENTIALS.slack.signingSecret;

    let latencies: number[] = [];
    let errors = 0;
    let statuses: Record<string, number> = {};
    let next = 0;
    let total = 0;
    const benchStarted = performance.now();
    let firstThreadMessageMs: number | undefined;
    let polling = true;
    const poll = (async () => {
      while (polling && firstThreadMessageMs === undefined) {
        const response = await fetch(`${labUrl}/slack/__messages?channel=${CHANNEL}`);
        const { messages } = (await response.json()) as { messages: Array<{ thread_ts?: string }> };
        if (messages.some((message) => message.thread_ts !== undefined)) firstThreadMessageMs = performance.now() - benchStarted;
        else await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    const worker = async () => {
      for (;;) {
        const index = next++;
        if (index >= total) return;
        const body = new URLSearchParams({
          token: 'x',
          team_id: LAB_CREDENTIALS.slack.teamId,
          channel_id: CHANNEL,
          user_id: `U0BENCH${String(index).padStart(5, '0')}`,
          user_name: 'bench',
          command: '/defenseclaw',
          text: 'investigate XDR-2026-001234',
          api_app_id: 'A0LAB00001',
          response_url: `${labUrl}/slack/response/bench-${index}`,
          trigger_id: `bench.${index}.${Date.now()}`,
        }).toString();
        const timestamp = Math.floor(Date.now() / 1000);
        const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
        const started = performance.now();
        try {
          const response = await post(eventsUrl, body, { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature });
          latencies.push(performance.now() - started);
          statuses[response.status] = (statuses[response.status] ?? 0) + 1;
          if (response.status !== 200) errors += 1;
        } catch {
          errors += 1;
        }
      }
    };
    total = WARMUP;
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const warmup = { requests: WARMUP, errors, ack_ms: summary(latencies) };
    latencies = [];
    errors = 0;
    statuses = {};
    total = WARMUP + REQUESTS;
    next = WARMUP;
    const measuredStarted = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const wallMs = performance.now() - measuredStarted;
    // Wait for the first thread message (bounded), then stop.
    const deadline = Date.now() + 30_000;
    while (firstThreadMessageMs === undefined && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    polling = false;
    await poll;
    const exited = new Promise<void>((resolve) => bot.once('exit', () => resolve()));
    bot.kill('SIGTERM');
    await exited;
    const botSummary = JSON.parse(botOutput.trim().split('\n').at(-1)!) as { jobs: unknown; dropped: number };
    const accepted = botSummary.jobs;
    const stopped = { dropped: botSummary.dropped };
    latencies.sort((a, b) => a - b);
    process.stdout.write(
      `${JSON.stringify({
        benchmark: 'slack-ack',
        requests: REQUESTS,
        concurrency: CONCURRENCY,
        errors,
        statuses,
        ack_ms: summary(latencies),
        cold_first_wave: warmup,
        requests_per_second: Math.round((REQUESTS / wallMs) * 1000),
        first_thread_message_ms: firstThreadMessageMs === undefined ? null : Math.round(firstThreadMessageMs),
        jobs_when_acks_done: accepted,
        jobs_dropped_at_shutdown: stopped.dropped,
        target: { p99_ack_ms: 100, errors: 0 },
        pass: errors === 0 && percentile(latencies, 0.99) < 100,
      })}\n`,
    );
  } finally {
    child.kill('SIGTERM');
    rmSync(home, { recursive: true, force: true });
  }
}
