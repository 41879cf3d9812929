import { z } from 'zod';

/*
 * Minimal, tolerant schemas of the Log Analytics query API and the ARM Sentinel incident API
 * (connectors.md §7.2–7.3): only what the tools read is checked; the rest passes through.
 */

export const logAnalyticsColumnSchema = z.object({ name: z.string(), type: z.string() }).loose();

export const logAnalyticsTableSchema = z
  .object({
    name: z.string(),
    columns: z.array(logAnalyticsColumnSchema),
    rows: z.array(z.array(z.unknown())),
  })
  .loose();

export const logAnalyticsResponseSchema = z
  .object({
    tables: z.array(logAnalyticsTableSchema),
    // Partial results come back as 200 plus a top-level error.
    error: z.object({ code: z.string().optional(), message: z.string().optional() }).loose().optional(),
  })
  .loose();

export type LogAnalyticsTable = z.infer<typeof logAnalyticsTableSchema>;
export type LogAnalyticsResponse = z.infer<typeof logAnalyticsResponseSchema>;

export const incidentOwnerSchema = z
  .object({
    objectId: z.string().nullish(),
    email: z.string().nullish(),
    assignedTo: z.string().nullish(),
    userPrincipalName: z.string().nullish(),
  })
  .loose();

export const sentinelIncidentSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    etag: z.string().nullish(),
    type: z.string().optional(),
    properties: z
      .object({
        title: z.string(),
        description: z.string().nullish(),
        severity: z.string(),
        status: z.string(),
        classification: z.string().nullish(),
        classificationReason: z.string().nullish(),
        classificationComment: z.string().nullish(),
        owner: incidentOwnerSchema.nullish(),
        labels: z.array(z.object({ labelName: z.string() }).loose()).nullish(),
        incidentNumber: z.number(),
        incidentUrl: z.string().nullish(),
        providerName: z.string().nullish(),
        createdTimeUtc: z.string().nullish(),
        lastModifiedTimeUtc: z.string().nullish(),
        firstActivityTimeUtc: z.string().nullish(),
        lastActivityTimeUtc: z.string().nullish(),
        additionalData: z
          .object({
            alertsCount: z.number().optional(),
            tactics: z.array(z.string()).optional(),
            techniques: z.array(z.string()).optional(),
          })
          .loose()
          .nullish(),
      })
      .loose(),
  })
  .loose();

export type SentinelIncident = z.infer<typeof sentinelIncidentSchema>;

export const incidentListSchema = z
  .object({
    value: z.array(sentinelIncidentSchema),
    nextLink: z.string().nullish(),
  })
  .loose();
