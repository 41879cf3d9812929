import { unwrapSchema, type SchemaDefinition } from '../../core/zod-definition.js';

/**
 * Rendered step params made to fit the tool's input where a template could only give text: run
 * parameters arrive as strings (`--param hours=24`) and outputs interpolated into text are strings,
 * so a numeric string becomes a number where the schema wants a number, `true`/`false` a boolean
 * where it wants a boolean, and a number or boolean becomes text where it wants a string. Nothing
 * else changes; what still does not fit is refused by the gateway's validation, as before.
 */
export function fitParams(params: Record<string, unknown>, input: unknown): Record<string, unknown> {
  const fitted = fit(params, unwrapSchema(input));
  return fitted !== null && typeof fitted === 'object' && !Array.isArray(fitted) ? (fitted as Record<string, unknown>) : params;
}

const NUMBER = /^-?(?:\d+|\d*\.\d+)(?:[eE][-+]?\d+)?$/;

function fit(value: unknown, schema: SchemaDefinition | undefined): unknown {
  if (schema === undefined || value === undefined || value === null) return value;
  switch (schema.type) {
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return value;
      const shape = schema.shape ?? {};
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(value)) {
        const fitted = Object.hasOwn(shape, key) ? fit(child, unwrapSchema(shape[key])) : child;
        Object.defineProperty(out, key, { value: fitted, enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    case 'array':
      return Array.isArray(value) ? value.map((item) => fit(item, unwrapSchema(schema.element))) : value;
    case 'number':
      return typeof value === 'string' && NUMBER.test(value.trim()) ? Number(value.trim()) : value;
    case 'boolean':
      return value === 'true' ? true : value === 'false' ? false : value;
    case 'string':
      return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
    default:
      return value;
  }
}
