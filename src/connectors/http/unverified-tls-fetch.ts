import { request as httpsRequest } from 'node:https';

/**
 * A `fetch` for products configured with `verify_tls: false` (on-prem FMC and Splunk often carry
 * self-signed certificates): HTTPS requests go through `node:https` without certificate
 * verification (the connection is still encrypted); anything else goes to the global fetch.
 * Never follows redirects (the HttpClient asks for `manual` anyway). Supports what connectors
 * send: a method, headers, a string body and an AbortSignal.
 */
export function unverifiedTlsFetch(fallback: typeof fetch = globalThis.fetch): typeof fetch {
  return (async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.protocol !== 'https:') return fallback(input, init);
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value;
    });
    const body = init.body === undefined || init.body === null ? undefined : String(init.body);
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const signal = init.signal ?? undefined;
    signal?.throwIfAborted();
    return new Promise<Response>((resolve, reject) => {
      const outgoing = httpsRequest(url, { method: init.method ?? 'GET', headers, rejectUnauthorized: false, ...(signal === undefined ? {} : { signal }) }, (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('end', () => {
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(incoming.headers)) {
            if (value === undefined) continue;
            for (const item of Array.isArray(value) ? value : [value]) responseHeaders.append(name, item);
          }
          const status = incoming.statusCode ?? 502;
          // A Response may not carry a body for these statuses.
          const noBody = status === 204 || status === 205 || status === 304;
          resolve(new Response(noBody ? null : Buffer.concat(chunks), { status, statusText: incoming.statusMessage ?? '', headers: responseHeaders }));
        });
      });
      outgoing.on('error', (error) => reject(signal?.aborted === true ? signal.reason : error));
      outgoing.end(body);
    });
  }) as typeof fetch;
}
