import type { LabContext } from './lab-context.js';
import type { LabRequest, LabResponse } from './lab-http.js';

export type LabHandler = (request: LabRequest, context: LabContext) => LabResponse | Promise<LabResponse>;

interface Route {
  method: string;
  segments: string[];
  handler: LabHandler;
}

/** Routes of one product below its prefix; `:name` segments are parameters, a final `*` matches the rest. */
export class ProductRouter {
  readonly #routes: Route[] = [];

  constructor(
    readonly product: string,
    readonly prefix: string,
  ) {}

  on(method: string, pattern: string, handler: LabHandler): this {
    this.#routes.push({ method: method.toUpperCase(), segments: split(pattern), handler });
    return this;
  }

  get(pattern: string, handler: LabHandler): this {
    return this.on('GET', pattern, handler);
  }

  post(pattern: string, handler: LabHandler): this {
    return this.on('POST', pattern, handler);
  }

  put(pattern: string, handler: LabHandler): this {
    return this.on('PUT', pattern, handler);
  }

  patch(pattern: string, handler: LabHandler): this {
    return this.on('PATCH', pattern, handler);
  }

  delete(pattern: string, handler: LabHandler): this {
    return this.on('DELETE', pattern, handler);
  }

  /** The handler and parameters for a method and a path below the prefix; `methodMismatch` when only the method is wrong. */
  match(method: string, path: string): { handler: LabHandler; params: Record<string, string> } | { methodMismatch: true } | undefined {
    const segments = split(path);
    let pathMatched = false;
    for (const route of this.#routes) {
      const params = matchSegments(route.segments, segments);
      if (params === undefined) continue;
      if (route.method !== method.toUpperCase()) {
        pathMatched = true;
        continue;
      }
      return { handler: route.handler, params };
    }
    return pathMatched ? { methodMismatch: true } : undefined;
  }
}

function split(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

function matchSegments(pattern: string[], path: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let index = 0; index < pattern.length; index += 1) {
    const expected = pattern[index]!;
    if (expected === '*') {
      params['*'] = path.slice(index).map(decodeURIComponent).join('/');
      return params;
    }
    const actual = path[index];
    if (actual === undefined) return undefined;
    if (expected.startsWith(':')) params[expected.slice(1)] = decodeURIComponent(actual);
    else if (expected !== actual) return undefined;
  }
  return path.length === pattern.length ? params : undefined;
}
