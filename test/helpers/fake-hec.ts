import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HecRequest {
  url: string;
  headers: IncomingHttpHeaders;
  events: Array<Record<string, unknown>>;
}

export type HecScript = (request: HecRequest, index: number) => { status: number; body: unknown; headers?: Record<string, string> } | undefined;

/**
 * A Splunk HTTP Event Collector on loopback, shaped like the real one: checks
 * `Authorization: Splunk <token>`, parses concatenated JSON envelopes, answers
 * `{"text":"Success","code":0}`, and keeps a journal of what it received.
 */
export async function startFakeHec(token: string, script: HecScript = () => undefined) {
  const requests: HecRequest[] = [];
  const server = createServer(async (request, response) => {
    let raw = '';
    for await (const chunk of request) raw += chunk;
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(body));
    };
    if (request.headers.authorization !== `Splunk ${token}`) return reply(401, { text: 'Invalid authorization', code: 3 });
    let events: Array<Record<string, unknown>>;
    try {
      events = parseConcatenated(raw);
    } catch {
      return reply(400, { text: 'Invalid data format', code: 6, 'invalid-event-number': 0 });
    }
    if (events.length === 0) return reply(400, { text: 'No data', code: 5 });
    const entry: HecRequest = { url: request.url ?? '', headers: request.headers, events };
    const scripted = script(entry, requests.length);
    requests.push(entry);
    if (scripted !== undefined) return reply(scripted.status, scripted.body, scripted.headers);
    const missing = events.findIndex((event) => event.event === undefined);
    if (missing >= 0) return reply(400, { text: 'Event field is required', code: 12, 'invalid-event-number': missing });
    reply(200, { text: 'Success', code: 0 });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    /** Events HEC accepted (requests answered 200). */
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Splits back-to-back JSON objects (HEC batch format). */
export function parseConcatenated(text: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  let escaped = false;
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index];
    if (inString) {
      if (escaped) escaped = false;
      else if (character === '\\') escaped = true;
      else if (character === '"') inString = false;
      continue;
    }
    if (character === '"') inString = true;
    else if (character === '{') {
      if (depth === 0) start = index;
      depth += 1;
    } else if (character === '}') {
      depth -= 1;
      if (depth === 0) out.push(JSON.parse(text.slice(start, index + 1)) as Record<string, unknown>);
    } else if (depth === 0 && character !== undefined && !/\s/.test(character)) {
      throw new Error(`unexpected ${character} at ${index}`);
    }
  }
  if (depth !== 0) throw new Error('unterminated object');
  return out;
}
