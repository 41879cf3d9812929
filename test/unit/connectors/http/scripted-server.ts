import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the server received it. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  /** performance.now() when the request arrived, in milliseconds. */
  receivedAtMs: number;
}

/** How to answer: a status with an optional JSON or raw body; hang (never answer); or destroy the socket. */
export type ScriptedReply =
  | { status: number; json?: unknown; body?: string; headers?: Record<string, string> }
  | { hang: true }
  | { destroy: true };

/** Decides the reply; `journal` already includes `request`. */
export type ScriptedHandler = (request: RecordedRequest, journal: readonly RecordedRequest[]) => ScriptedReply | Promise<ScriptedReply>;

export interface ScriptedServer {
  url: string;
  port: number;
  /** Every request received, in order. */
  journal: RecordedRequest[];
  /** Requests received on one path. */
  requestsTo(path: string): RecordedRequest[];
  close(): Promise<void>;
}

/**
 * A loopback HTTP server that answers from a script and journals every request, so tests assert
 * on what actually went over the wire (never a mocked fetch).
 */
export async function startScriptedServer(handler: ScriptedHandler, options: { port?: number } = {}): Promise<ScriptedServer> {
  const journal: RecordedRequest[] = [];
  const server: Server = createServer(async (request, response) => {
    let body = '';
    for await (const chunk of request) body += chunk;
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const recorded: RecordedRequest = {
      method: request.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: request.headers,
      body,
      receivedAtMs: performance.now(),
    };
    journal.push(recorded);
    const reply = await handler(recorded, journal);
    if ('hang' in reply) return;
    if ('destroy' in reply) {
      request.socket.destroy();
      return;
    }
    const headers: Record<string, string> = { ...reply.headers };
    let text = reply.body ?? '';
    if (reply.json !== undefined) {
      text = JSON.stringify(reply.json);
      headers['content-type'] ??= 'application/json';
    }
    response.writeHead(reply.status, headers);
    response.end(text);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    journal,
    requestsTo: (path) => journal.filter((entry) => entry.path === path),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Replies in order; the last one repeats. */
export function inSequence(...replies: ScriptedReply[]): ScriptedHandler {
  let index = 0;
  return () => {
    const reply = replies[Math.min(index, replies.length - 1)];
    index += 1;
    if (reply === undefined) throw new Error('inSequence needs at least one reply');
    return reply;
  };
}

/** A port on 127.0.0.1 with nothing listening (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A sleep that resolves at once and records each requested wait, in milliseconds. */
export function recordingSleep(onSleep?: (milliseconds: number) => void | Promise<void>) {
  const waits: number[] = [];
  const sleep = async (milliseconds: number) => {
    waits.push(milliseconds);
    await onSleep?.(milliseconds);
  };
  return { sleep, waits };
}
