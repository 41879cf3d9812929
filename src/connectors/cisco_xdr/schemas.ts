import { z } from 'zod';

/*
 * Minimal, tolerant schemas of the XDR responses this connector reads (connectors.md §1.6–1.7):
 * only the fields we use are checked, everything else passes through untouched.
 */

/** CTIM observable: `{type, value}` (§1.5). */
export const observableSchema = z.object({ type: z.string(), value: z.string() }).loose();
export type Observable = z.infer<typeof observableSchema>;

const observedTimeSchema = z.object({ start_time: z.string().optional(), end_time: z.string().optional() }).loose();

/** CTIM incident (§1.7.4). `meta` is a free-form map the lab fills with the incident's observables and assets. */
export const incidentSchema = z
  .object({
    id: z.string(),
    type: z.string().optional(),
    title: z.string().optional(),
    description: z.string().optional(),
    status: z.string().optional(),
    severity: z.string().optional(),
    confidence: z.string().optional(),
    source: z.string().optional(),
    timestamp: z.string().optional(),
    incident_time: z.object({ opened: z.string().optional(), discovered: z.string().optional() }).loose().optional(),
    external_ids: z.array(z.string()).optional(),
    short_id: z.string().optional(),
    tactics: z.array(z.string()).optional(),
    techniques: z.array(z.string()).optional(),
    assignees: z.array(z.string()).optional(),
    meta: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();
export type XdrIncident = z.infer<typeof incidentSchema>;

const sightingTargetSchema = z
  .object({ type: z.string().optional(), observables: z.array(observableSchema).optional(), os: z.string().optional() })
  .loose();

/** CTIM sighting (§1.7.1). */
export const sightingSchema = z
  .object({
    id: z.string(),
    type: z.string().optional(),
    title: z.string().optional(),
    description: z.string().optional(),
    source: z.string().optional(),
    severity: z.string().optional(),
    confidence: z.string().optional(),
    count: z.number().optional(),
    timestamp: z.string().optional(),
    observed_time: observedTimeSchema.optional(),
    observables: z.array(observableSchema).optional(),
    targets: z.array(sightingTargetSchema).optional(),
    sensor: z.string().optional(),
    data: z
      .object({
        columns: z.array(z.object({ name: z.string() }).loose()).optional(),
        rows: z.array(z.array(z.unknown())).optional(),
      })
      .loose()
      .optional(),
  })
  .loose();
export type XdrSighting = z.infer<typeof sightingSchema>;

/** CTIM judgement (§1.7.2), as far as verdict summaries need it. */
export const judgementSchema = z
  .object({
    observable: observableSchema,
    disposition: z.number().optional(),
    disposition_name: z.string().optional(),
    severity: z.string().optional(),
    source: z.string().optional(),
    reason: z.string().optional(),
    priority: z.number().optional(),
  })
  .loose();

/** CTIM verdict (§1.7.3). */
export const verdictSchema = z
  .object({ observable: observableSchema, disposition: z.number().optional(), disposition_name: z.string().optional() })
  .loose();

const bundleOf = <T extends z.ZodType>(doc: T) => z.object({ count: z.number().optional(), docs: z.array(doc).default([]) }).loose();

/** One `errors[]` entry of an enrich/response aggregation: a module failed while others answered (§1.4.2). */
export const moduleErrorSchema = z
  .object({ module: z.string().optional(), code: z.string().optional(), message: z.string().optional(), type: z.string().optional() })
  .loose();
export type XdrModuleError = z.infer<typeof moduleErrorSchema>;

/** Observe / deliberate answer: one entry per integration module, plus per-module errors inside a 200. */
export const enrichResponseSchema = z
  .object({
    data: z
      .array(
        z
          .object({
            module: z.string(),
            module_instance_id: z.string().optional(),
            data: z
              .object({
                sightings: bundleOf(sightingSchema).optional(),
                judgements: bundleOf(judgementSchema).optional(),
                verdicts: bundleOf(verdictSchema).optional(),
              })
              .loose()
              .default({}),
          })
          .loose(),
      )
      .default([]),
    errors: z.array(moduleErrorSchema).default([]),
  })
  .loose();
export type XdrEnrichResponse = z.infer<typeof enrichResponseSchema>;

/** Inspect answer: a plain array of observables (§1.6.1). */
export const inspectResponseSchema = z.array(observableSchema);

/** One response action offered for an observable (§1.6.3). */
export const responseActionSchema = z
  .object({
    id: z.string(),
    title: z.string().optional(),
    description: z.string().optional(),
    module: z.string().optional(),
    module_instance_id: z.string(),
    module_type_id: z.string().optional(),
    categories: z.array(z.string()).optional(),
    url: z.string().optional(),
  })
  .loose();
export type XdrResponseAction = z.infer<typeof responseActionSchema>;

export const responseActionsSchema = z.object({ data: z.array(responseActionSchema).default([]), errors: z.array(moduleErrorSchema).default([]) }).loose();

/** Trigger answer: `{data: {status: success|failure}, errors}`. */
export const triggerResponseSchema = z
  .object({ data: z.object({ status: z.string() }).loose(), errors: z.array(moduleErrorSchema).default([]) })
  .loose();
