import { z } from 'zod';

/**
 * Registry of schema nodes that hold secrets. Masking, log redaction and audit redaction all
 * read it, so a field is secret because the schema says so, not because its name looks secret.
 */
export const secretRegistry = z.registry<{ description?: string }>();

/** Marks a schema node as secret: never shown, logged, audited or posted. */
export function secret<T extends z.ZodType>(schema: T, description?: string): T {
  secretRegistry.add(schema, description === undefined ? {} : { description });
  return schema;
}

export const MASK = '********';
