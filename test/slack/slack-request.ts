import { createHmac } from 'node:crypto';

/** Slack's request signature (reference §1.4): v0=HMAC-SHA256(secret, `v0:${ts}:${body}`). */
export function slackSignature(secret: string, rawBody: string, timestamp: number): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

export interface SlashCommandForm {
  text: string;
  user_id?: string;
  channel_id?: string;
  trigger_id?: string;
  command?: string;
  response_url?: string;
}

let triggers = 0;

/** A slash-command form body as Slack sends it (fields of Bolt's SlashCommand). */
export function slashCommandBody(form: SlashCommandForm, labUrl: string): string {
  triggers += 1;
  const trigger = form.trigger_id ?? `${Date.now()}.${triggers}.test`;
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: 'TLAB00001',
    team_domain: 'defenseclaw-lab',
    channel_id: form.channel_id ?? 'C0LABSOC01',
    channel_name: 'soc-alerts',
    user_id: form.user_id ?? 'U0LABANA01',
    user_name: 'alex.analyst',
    command: form.command ?? '/defenseclaw',
    text: form.text,
    api_app_id: 'A0LAB00001',
    is_enterprise_install: 'false',
    response_url: form.response_url ?? `${labUrl}/slack/response/${encodeURIComponent(trigger)}`,
    trigger_id: trigger,
  }).toString();
}

export interface PostOptions {
  secret: string;
  /** Unix seconds (default now). */
  timestamp?: number;
  /** Leave the signature headers out. */
  unsigned?: boolean;
  /** Sign with this instead of the real secret. */
  wrongSecret?: string;
  headers?: Record<string, string>;
}

/** POSTs a body to Bolt's endpoint, signed exactly as Slack does (content type without charset). */
export async function postSigned(baseUrl: string, body: string, options: PostOptions): Promise<{ status: number; body: string; elapsedMs: number }> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', ...(options.headers ?? {}) };
  if (options.unsigned !== true) {
    headers['x-slack-request-timestamp'] = String(timestamp);
    headers['x-slack-signature'] = slackSignature(options.wrongSecret ?? options.secret, body, timestamp);
  }
  const started = performance.now();
  const response = await fetch(`${baseUrl}/slack/events`, { method: 'POST', headers, body });
  const text = await response.text();
  return { status: response.status, body: text, elapsedMs: performance.now() - started };
}

export interface FakeSlackMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text: string;
  blocks?: Array<Record<string, unknown>>;
  files?: Array<{ name: string; content: string }>;
  update_count: number;
}

export async function fakeSlackMessages(labUrl: string, channel: string): Promise<FakeSlackMessage[]> {
  const response = await fetch(`${labUrl}/slack/__messages?channel=${encodeURIComponent(channel)}`);
  return ((await response.json()) as { messages: FakeSlackMessage[] }).messages;
}

export async function fakeSlackResponses(labUrl: string): Promise<Array<{ id: string; body: { text?: string; response_type?: string } }>> {
  const response = await fetch(`${labUrl}/slack/__responses`);
  return ((await response.json()) as { responses: Array<{ id: string; body: { text?: string; response_type?: string } }> }).responses;
}

/** Every text in a message (fallback text and block texts), for assertions. */
export function messageText(message: { text: string; blocks?: Array<Record<string, unknown>> }): string {
  return [message.text, JSON.stringify(message.blocks ?? [])].join('\n');
}
