import { z } from 'zod';
import { RULE_LEVELS } from './rule-types.js';

/**
 * zod schemas of the Sigma rule documents: the shape only. Detection contents, conditions,
 * timespans and references are checked by the readers, which know where each value sits.
 * Top-level keys not listed (`author`, `date`, `references`, custom fields…) are allowed, as in
 * Sigma; the sections the engine evaluates (`logsource`, `correlation`) are strict.
 */
const identityShape = {
  title: z.string().min(1).max(256),
  id: z.string().min(1).optional(),
  name: z.string().min(1).optional(),
  level: z.enum(RULE_LEVELS as [string, ...string[]]).optional(),
  status: z.string().optional(),
  description: z.string().optional(),
  tags: z.array(z.string()).optional(),
};

export const logsourceSchema = z.strictObject({
  category: z.string().min(1).optional(),
  product: z.string().min(1).optional(),
  service: z.string().min(1).optional(),
  /** For humans only. */
  definition: z.string().optional(),
});

export const LOGSOURCE_KEYS = ['category', 'product', 'service', 'definition'];

export const detectionRuleSchema = z.looseObject({
  ...identityShape,
  logsource: logsourceSchema,
  detection: z.record(z.string(), z.unknown()),
});

const count = z.number().int({ message: 'expected a whole number' }).min(0, { message: 'expected a count of 0 or more' });

export const correlationConditionSchema = z.strictObject({
  gt: count.optional(),
  gte: count.optional(),
  lt: count.optional(),
  lte: count.optional(),
  eq: count.optional(),
  neq: count.optional(),
  field: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
});

export const CONDITION_KEYS = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq', 'field'];

export const correlationSectionSchema = z.strictObject({
  type: z.string().min(1),
  rules: z.array(z.string().min(1)).min(1),
  'group-by': z.array(z.string().min(1)).optional(),
  timespan: z.union([z.string(), z.number()]),
  condition: correlationConditionSchema.optional(),
  aliases: z.record(z.string(), z.record(z.string(), z.string().min(1))).optional(),
  /** pySigma reads `generate` here; the JSON schema has it at the top level. Both are accepted. */
  generate: z.boolean().optional(),
});

export const CORRELATION_KEYS = ['type', 'rules', 'group-by', 'timespan', 'condition', 'aliases', 'generate'];

export const correlationRuleSchema = z.looseObject({
  ...identityShape,
  correlation: correlationSectionSchema,
  generate: z.boolean().optional(),
});

export type DetectionRuleDocument = z.output<typeof detectionRuleSchema>;
export type CorrelationRuleDocument = z.output<typeof correlationRuleSchema>;
