import type { IncomingHttpHeaders } from 'node:http';

/** A request as a simulator sees it: parsed once, raw body kept for digests. */
export interface LabRequest {
  method: string;
  /** Path below the product prefix, e.g. `/v1/computers` for `/secure-endpoint/v1/computers`. */
  path: string;
  /** Full path as received (without query). */
  fullPath: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: string;
  params: Record<string, string>;
  /** The lab's own base URL, for absolute links in responses (`http://127.0.0.1:PORT`). */
  baseUrl: string;
  /** Parsed JSON body, or undefined when the body is empty or not JSON. */
  json<T = unknown>(): T | undefined;
  /** Parsed form body (application/x-www-form-urlencoded). */
  form(): URLSearchParams;
  /** A header value (first one), case-insensitive. */
  header(name: string): string | undefined;
}

export interface LabResponse {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings and Buffers as they are; undefined → empty body. */
  body?: unknown;
  /** Instead of `body`: the body as byte parts, written in one vectored write (large responses). */
  parts?: Buffer[];
  /** Never answer (fault injection): the socket stays open until the lab closes. */
  hang?: boolean;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): LabResponse {
  return { status, body, headers: { 'content-type': 'application/json', ...headers } };
}

export function empty(status: number, headers: Record<string, string> = {}): LabResponse {
  return { status, headers };
}

export function text(status: number, body: string, contentType = 'text/plain', headers: Record<string, string> = {}): LabResponse {
  return { status, body, headers: { 'content-type': contentType, ...headers } };
}

export function createLabRequest(options: {
  method: string;
  url: URL;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  params: Record<string, string>;
  baseUrl: string;
}): LabRequest {
  let parsedJson: unknown;
  let jsonParsed = false;
  return {
    method: options.method,
    path: options.path,
    fullPath: options.url.pathname,
    query: options.url.searchParams,
    headers: options.headers,
    rawBody: options.rawBody,
    params: options.params,
    baseUrl: options.baseUrl,
    json<T>() {
      if (!jsonParsed) {
        jsonParsed = true;
        try {
          parsedJson = options.rawBody === '' ? undefined : JSON.parse(options.rawBody);
        } catch {
          parsedJson = undefined;
        }
      }
      return parsedJson as T | undefined;
    },
    form() {
      return new URLSearchParams(options.rawBody);
    },
    header(name) {
      const value = options.headers[name.toLowerCase()];
      return Array.isArray(value) ? value[0] : value;
    },
  };
}

/** Basic credentials from an Authorization header, or undefined. */
export function basicCredentials(request: LabRequest): { username: string; password: string } | undefined {
  const header = request.header('authorization');
  if (header === undefined || !/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The bearer token of an Authorization header (any scheme given), or undefined. */
export function authorizationToken(request: LabRequest, scheme = 'bearer'): string | undefined {
  const header = request.header('authorization');
  if (header === undefined) return undefined;
  const prefix = `${scheme.toLowerCase()} `;
  return header.toLowerCase().startsWith(prefix) ? header.slice(prefix.length).trim() : undefined;
}
