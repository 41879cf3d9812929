import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { systemClock, type Clock } from '../core/clock.js';
import { LabContext, type InventoryPhase } from './lab-context.js';
import { createLabRequest, json, type LabRequest, type LabResponse } from './lab-http.js';
import type { LabProductModule } from './lab-product.js';
import { ProductRouter } from './lab-router.js';
import { Faults, faultSchema, retryAfterSeconds } from './faults.js';
import { Journal, bodyDigest } from './journal.js';
import { createWorld, type LabWorld } from './scenario/index.js';
import { LAB_CREDENTIALS } from './credentials.js';

export interface LabOptions {
  /** Scenario seed (default 2026): the same seed always gives the same world. */
  seed?: number;
  clock?: Clock;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Token lifetime for every product instead of each product's real one (short in tests). */
  tokenTtlSeconds?: number;
  /** Synthetic workstations added to the inventory (in Secure Endpoint and CrowdStrike), for load tests. */
  extraHosts?: number;
  /** Simulators to mount. */
  products: readonly LabProductModule[];
}

export interface Lab {
  /** Base URL, e.g. http://127.0.0.1:43127 (products under /xdr, /umbrella, …). */
  url: string;
  port: number;
  world: LabWorld;
  context: LabContext;
  journal: Journal;
  faults: Faults;
  /** Product name → prefix. */
  products: Record<string, string>;
  /** Product name → API family → base URL, for products whose families live on separate hosts in real life. */
  endpoints: Record<string, Record<string, string>>;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * Starts the lab: one loopback HTTP server with a path prefix per product, a journal of every
 * request (`GET /__lab/requests`) and fault injection (`POST /__lab/faults`).
 */
export async function startLab(options: LabOptions): Promise<Lab> {
  const clock = options.clock ?? systemClock;
  const world = createWorld({ seed: options.seed ?? 2026, now: clock.now(), extraHosts: options.extraHosts ?? 0 });
  const context = new LabContext(world, clock, options.tokenTtlSeconds);
  const journal = new Journal();
  const faults = new Faults();
  const mounted = options.products.map((module) => {
    const router = new ProductRouter(module.product, module.prefix);
    module.register(router, context);
    return { module, router };
  });
  // Longest prefix first, so /splunk-hec would win over /splunk.
  mounted.sort((a, b) => b.module.prefix.length - a.module.prefix.length);
  const sockets = new Set<Socket>();
  let baseUrl = '';

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: 'lab_internal_error', message: (error as Error).message }));
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = new URL(request.url ?? '/', baseUrl);
    const rawBody = await readBody(request);
    const method = (request.method ?? 'GET').toUpperCase();
    if (url.pathname === '/__lab' || url.pathname.startsWith('/__lab/')) {
      return send(response, admin(method, url, rawBody));
    }
    const target = mounted.find(({ module }) => url.pathname === module.prefix || url.pathname.startsWith(`${module.prefix}/`));
    if (target === undefined) {
      return send(response, json(404, { error: 'not_found', message: `no simulator at ${url.pathname}; products: ${mounted.map((entry) => entry.module.prefix).join(', ')}` }));
    }
    const path = url.pathname.slice(target.module.prefix.length) || '/';
    const labRequest = createLabRequest({ method, url, path, headers: request.headers, rawBody, params: {}, baseUrl });
    let outcome: LabResponse;
    let faultId: string | undefined;
    const fault = faults.take(target.module.product, method, path);
    if (fault !== undefined) faultId = fault.id;
    // Injected latency is a round trip: half on the way in, half on the way out, so (as with a real,
    // multi-threaded product) the simulator's own work overlaps the wire time of other requests.
    const latencyIn = fault?.latencyMs === undefined ? 0 : Math.floor(fault.latencyMs / 2);
    const latencyOut = fault?.latencyMs === undefined ? 0 : fault.latencyMs - latencyIn;
    if (latencyIn > 0) await new Promise((resolve) => setTimeout(resolve, latencyIn));
    if (fault?.hang === true) {
      journal.record(entry(target.module.product, method, url, rawBody, 0, started, faultId));
      return; // The socket stays open until the client gives up or the lab closes.
    }
    if (fault?.status !== undefined) {
      outcome = fault.body !== undefined ? json(fault.status, fault.body) : target.module.errorResponse(fault.status, 'injected fault', labRequest);
      const waitSeconds = retryAfterSeconds(fault.retryAfter, clock.now().getTime());
      const productHeaders = fault.status === 429 ? (target.module.rateLimitHeaders?.(waitSeconds, labRequest, context) ?? {}) : {};
      outcome = { ...outcome, headers: { ...outcome.headers, ...productHeaders, ...(fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) }) } };
    } else {
      const matched = target.router.match(method, path);
      if (matched === undefined) outcome = target.module.errorResponse(404, `Not Found: ${method} ${path}`, labRequest);
      else if ('methodMismatch' in matched) outcome = target.module.errorResponse(405, `Method Not Allowed: ${method} ${path}`, labRequest);
      else {
        try {
          outcome = await matched.handler({ ...labRequest, params: matched.params }, context);
        } catch (error) {
          outcome = target.module.errorResponse(500, `simulator error: ${(error as Error).message}`, labRequest);
        }
      }
    }
    if (fault?.headers !== undefined) outcome = { ...outcome, headers: { ...outcome.headers, ...fault.headers } };
    journal.record(entry(target.module.product, method, url, rawBody, outcome.status, started, faultId));
    if (latencyOut > 0) await new Promise((resolve) => setTimeout(resolve, latencyOut));
    send(response, outcome);
  }

  function entry(product: string, method: string, url: URL, rawBody: string, status: number, started: number, faultId?: string) {
    return {
      product,
      method,
      path: url.pathname,
      query: url.search.replace(/^\?/, ''),
      time: clock.now().toISOString(),
      status,
      bodyDigest: bodyDigest(rawBody),
      durationMs: Math.round(performance.now() - started),
      ...(faultId === undefined ? {} : { faultId }),
    };
  }

  function admin(method: string, url: URL, rawBody: string): LabResponse {
    const route = `${method} ${url.pathname.replace(/\/$/, '')}`;
    const body = (): unknown => {
      try {
        return rawBody === '' ? {} : JSON.parse(rawBody);
      } catch {
        return undefined;
      }
    };
    switch (route) {
      case 'GET /__lab':
        return json(200, {
          url: baseUrl,
          seed: world.seed,
          startedAt: world.startedAt.toISOString(),
          inventoryPhase: context.inventoryPhase,
          products: Object.fromEntries(mounted.map(({ module }) => [module.product, `${baseUrl}${module.prefix}`])),
          endpoints: endpointUrls(),
          credentials: `${baseUrl}/__lab/credentials`,
        });
      case 'GET /__lab/credentials':
        // The lab's own credentials (what `lab init` writes into config): they open nothing but the simulators.
        return json(200, LAB_CREDENTIALS);
      case 'GET /__lab/requests': {
        const named = url.searchParams.get('product');
        const filter = {
          // Any name a fault accepts (`secure-endpoint`, `/fmc`) selects the same product; unknown names select nothing.
          ...(named === null ? {} : { product: productNamed(named)?.product ?? named }),
          ...(url.searchParams.get('method') === null ? {} : { method: url.searchParams.get('method')! }),
          ...(url.searchParams.get('path') === null ? {} : { path: url.searchParams.get('path')! }),
        };
        return json(200, { requests: journal.list(filter) });
      }
      case 'DELETE /__lab/requests':
        journal.clear();
        return json(200, { cleared: true });
      case 'GET /__lab/faults':
        return json(200, { faults: faults.list() });
      case 'POST /__lab/faults': {
        const parsed = faultSchema.safeParse(body());
        if (!parsed.success) return json(400, { error: 'invalid_fault', message: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ') });
        const module = productNamed(parsed.data.product);
        if (module === undefined) {
          return json(400, { error: 'invalid_fault', message: `unknown product ${parsed.data.product}; products: ${mounted.map(({ module: candidate }) => candidate.product).join(', ')}` });
        }
        // A full lab path (/secure-endpoint/v1/...) names the same requests as the path below the prefix.
        const path = parsed.data.path;
        const below = path !== undefined && (path === module.prefix || path.startsWith(`${module.prefix}/`)) ? path.slice(module.prefix.length) || '/' : path;
        return json(201, faults.add({ ...parsed.data, product: module.product, ...(below === undefined ? {} : { path: below }) }));
      }
      case 'DELETE /__lab/faults':
        faults.clear();
        return json(200, { cleared: true });
      case 'POST /__lab/tokens/expire': {
        const product = (body() as { product?: string } | undefined)?.product;
        return json(200, { expired: context.expireTokens(product) });
      }
      case 'POST /__lab/inventory': {
        const phase = (body() as { phase?: InventoryPhase } | undefined)?.phase;
        if (phase !== 'baseline' && phase !== 'current') return json(400, { error: 'invalid_phase', message: 'phase must be baseline or current' });
        context.inventoryPhase = phase;
        return json(200, { inventoryPhase: phase, hosts: context.hosts().length });
      }
      default: {
        const single = /^DELETE \/__lab\/faults\/([^/]+)$/.exec(route);
        if (single !== null) {
          const removed = faults.remove(decodeURIComponent(single[1]!));
          return removed ? json(200, { removed: single[1] }) : json(404, { error: 'not_found', message: `no armed fault ${single[1]}` });
        }
        return json(404, { error: 'not_found', message: `unknown lab endpoint ${route}` });
      }
    }
  }

  function endpointUrls(): Record<string, Record<string, string>> {
    return Object.fromEntries(
      mounted
        .filter(({ module }) => module.endpoints !== undefined)
        .map(({ module }) => [module.product, Object.fromEntries(Object.entries(module.endpoints!).map(([family, path]) => [family, `${baseUrl}${module.prefix}${path}`]))]),
    );
  }

  /** The mounted simulator a fault names: its product (`secure_endpoint`), integration name (`secure-endpoint`, `cisco-xdr`) or prefix (`/fmc`). */
  function productNamed(name: string): LabProductModule | undefined {
    const wanted = name.trim().toLowerCase();
    const underscored = wanted.replace(/^\/+/, '').replace(/-/g, '_');
    return mounted.find(
      ({ module }) =>
        module.product === wanted ||
        module.product === underscored ||
        module.product === `cisco_${underscored}` ||
        module.prefix === `/${wanted.replace(/^\/+/, '')}`,
    )?.module;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  baseUrl = `http://${host}:${address.port}`;
  return {
    url: baseUrl,
    port: address.port,
    world,
    context,
    journal,
    faults,
    products: Object.fromEntries(mounted.map(({ module }) => [module.product, module.prefix])),
    endpoints: endpointUrls(),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, outcome: LabResponse): void {
  if (outcome.hang === true) return;
  const headers = { ...(outcome.headers ?? {}) };
  if (outcome.parts !== undefined) {
    // A body in parts (large cached records): written as one vectored write, never copied together.
    const parts = outcome.parts;
    headers['content-length'] = String(parts.reduce((sum, part) => sum + part.length, 0));
    response.writeHead(outcome.status, headers);
    response.cork();
    for (const part of parts) response.write(part);
    response.uncork();
    response.end();
    return;
  }
  let payload: string | Buffer | undefined;
  if (outcome.body === undefined || outcome.body === null) payload = undefined;
  else if (typeof outcome.body === 'string' || Buffer.isBuffer(outcome.body)) payload = outcome.body as string | Buffer;
  else {
    payload = JSON.stringify(outcome.body);
    if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  }
  response.writeHead(outcome.status, headers);
  response.end(payload);
}

export type { LabRequest };
