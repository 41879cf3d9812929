/**
 * `${VAR}` and `${VAR:-default}` in config strings. `$${` is a literal `${`.
 * `${VAR:-default}` uses the default when VAR is unset or empty, as a POSIX shell does.
 * `${VAR}` with VAR set to the empty string counts as unset: an `.env` file with blank lines
 * (`SPLUNK_TOKEN=`) then leaves that integration "not configured" instead of invalid.
 */

const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const MALFORMED = /\$\{(?![A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\})/;

export type InterpolationResult =
  | { ok: true; value: string; interpolated: boolean }
  | { ok: false; missing: string[] }
  | { ok: false; malformed: true };

export function interpolateString(text: string, env: NodeJS.ProcessEnv): InterpolationResult {
  if (!text.includes('${')) return { ok: true, value: text, interpolated: false };
  const withoutEscapes = text.replaceAll('$${', '');
  if (MALFORMED.test(withoutEscapes)) return { ok: false, malformed: true };
  const missing: string[] = [];
  const value = text.replace(REFERENCE, (whole, name: string | undefined, fallback: string | undefined) => {
    if (name === undefined) return '${';
    const found = env[name];
    if (fallback !== undefined) return found === undefined || found === '' ? fallback : found;
    if (found === undefined || found === '') {
      missing.push(name);
      return whole;
    }
    return found;
  });
  return missing.length > 0 ? { ok: false, missing } : { ok: true, value, interpolated: true };
}

export interface UnresolvedValue {
  path: string[];
  /** The variables that are not set. */
  variables: string[];
  /** The text as written in the file. */
  raw: string;
}

export interface MalformedValue {
  path: string[];
  raw: string;
}

/**
 * Resolves every string in a parsed YAML tree. Values whose variables are unset are removed
 * from the result and reported, so the error is raised only if that key is used.
 */
export function interpolateTree(
  tree: unknown,
  env: NodeJS.ProcessEnv,
): { value: unknown; unresolved: UnresolvedValue[]; malformed: MalformedValue[] } {
  const unresolved: UnresolvedValue[] = [];
  const malformed: MalformedValue[] = [];
  const visit = (node: unknown, path: string[]): unknown => {
    if (typeof node === 'string') {
      const result = interpolateString(node, env);
      if (result.ok) return result.value;
      if ('missing' in result) unresolved.push({ path, variables: result.missing, raw: node });
      else malformed.push({ path, raw: node });
      return REMOVED;
    }
    if (Array.isArray(node)) {
      // A list is used whole, so one unset variable in it makes the whole list unresolved.
      const before = unresolved.length;
      const items = node.map((item, index) => visit(item, [...path, String(index)]));
      if (unresolved.length > before) {
        const inner = unresolved.splice(before);
        unresolved.push({ path, variables: [...new Set(inner.flatMap((entry) => entry.variables))], raw: inner[0]!.raw });
        return REMOVED;
      }
      return items.filter((item) => item !== REMOVED);
    }
    if (node !== null && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(node)) {
        const value = visit(child, [...path, key]);
        if (value !== REMOVED) out[key] = value;
      }
      return out;
    }
    return node;
  };
  return { value: visit(tree, []), unresolved, malformed };
}

const REMOVED = Symbol('removed');
