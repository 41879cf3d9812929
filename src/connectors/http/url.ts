/** Query values accepted by `joinUrl`; undefined values are left out, arrays repeat the key. */
export type QueryValue = string | number | boolean | undefined | ReadonlyArray<string | number>;

/**
 * Joins a base URL (which may carry a path prefix, e.g. `http://127.0.0.1:4000/xdr`) and a path,
 * with exactly one slash between them, then appends the query. Array values repeat the key as
 * given, so `{ 'statuses[]': ['a', 'b'] }` gives `statuses[]=a&statuses[]=b`.
 */
export function joinUrl(base: string, path: string, query?: Record<string, QueryValue>): URL {
  const baseUrl = new URL(base);
  const prefix = baseUrl.pathname.replace(/\/+$/, '');
  const [pathPart = '', pathQuery] = path.split('?', 2);
  const suffix = pathPart === '' ? '' : `/${pathPart.replace(/^\/+/, '')}`;
  const url = new URL(baseUrl.origin);
  url.pathname = `${prefix}${suffix}` || '/';
  if (pathQuery !== undefined) url.search = pathQuery;
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      for (const item of value as ReadonlyArray<string | number>) url.searchParams.append(key, String(item));
    } else {
      url.searchParams.append(key, String(value));
    }
  }
  return url;
}
