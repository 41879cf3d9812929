/** The parts of a zod (v4) schema definition that walking a schema needs. */
export interface SchemaDefinition {
  /** `object`, `array`, `record`, `string`, `number`, `boolean`, `enum`, `union`, … */
  type: string;
  innerType?: unknown;
  in?: unknown;
  element?: unknown;
  shape?: Record<string, unknown>;
  options?: readonly unknown[];
}

/**
 * The definition of a zod schema under its optional, nullable, default, catch, readonly and pipe
 * wrappers (what the value itself must be), or undefined for something that is not a zod schema.
 * Reads the schema's own description only: no zod import, no parsing.
 */
export function unwrapSchema(schema: unknown): SchemaDefinition | undefined {
  let definition = definitionOf(schema);
  for (let depth = 0; definition !== undefined && depth < 16; depth += 1) {
    const inner = definition.innerType ?? (definition.type === 'pipe' ? definition.in : undefined);
    if (inner === undefined) return definition;
    definition = definitionOf(inner);
  }
  return definition;
}

function definitionOf(schema: unknown): SchemaDefinition | undefined {
  return (schema as { _zod?: { def?: SchemaDefinition } } | null | undefined)?._zod?.def;
}
