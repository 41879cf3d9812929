import { z } from 'zod';

/*
 * Minimal, tolerant schemas of the Umbrella v2 responses this connector reads (connectors.md §2):
 * only the fields we use are checked, everything else passes through untouched.
 */

/** Categories arrive as labels with `showLabels`, else as id strings; numbers are tolerated too. */
const categoryList = z.array(z.union([z.string(), z.number()]).transform(String)).default([]);

/** Categorization of one domain (`status`: -1 malicious, 0 unclassified, 1 benign). */
export const domainCategorizationSchema = z
  .object({ status: z.number(), security_categories: categoryList, content_categories: categoryList })
  .loose();
export type DomainCategorization = z.infer<typeof domainCategorizationSchema>;

/** Categorization answers are objects keyed by the domain. */
export const categorizationResponseSchema = z.record(z.string(), domainCategorizationSchema);

export const securityInfoSchema = z
  .object({
    found: z.boolean().optional(),
    dga_score: z.number().optional(),
    securerank2: z.number().optional(),
    asn_score: z.number().optional(),
    prefix_score: z.number().optional(),
    rip_score: z.number().optional(),
    popularity: z.number().optional(),
    attack: z.string().optional(),
    threat_type: z.string().optional(),
  })
  .loose();
export type SecurityInfo = z.infer<typeof securityInfoSchema>;

export const riskScoreSchema = z
  .object({
    risk_score: z.number(),
    indicators: z.array(z.object({ indicator: z.string(), normalized_score: z.number().optional(), score: z.number().optional() }).loose()).default([]),
  })
  .loose();
export type RiskScore = z.infer<typeof riskScoreSchema>;

export const latestDomainsSchema = z.array(z.object({ name: z.string(), id: z.number().optional() }).loose());

const labelledSchema = z.object({ label: z.string().optional(), type: z.string().optional() }).loose();

/** One row of the reports v2 activity (DNS rows; proxy/firewall rows share the core fields). */
export const activityRowSchema = z
  .object({
    type: z.string().optional(),
    timestamp: z.number(),
    domain: z.string().optional(),
    externalip: z.string().optional(),
    internalip: z.string().optional(),
    verdict: z.string().optional(),
    querytype: z.string().optional(),
    returncode: z.number().optional(),
    categories: z.array(labelledSchema.extend({ id: z.number().optional() })).default([]),
    identities: z.array(labelledSchema.extend({ id: z.number().optional(), type: labelledSchema.optional() })).default([]),
    threats: z.array(labelledSchema).default([]),
  })
  .loose();
export type ActivityRow = z.infer<typeof activityRowSchema>;

export const activityResponseSchema = z.object({ data: z.array(activityRowSchema) }).loose();

/** A destination list (the list `id` is an integer). */
export const destinationListSchema = z
  .object({
    id: z.number(),
    name: z.string().optional(),
    access: z.string().optional(),
    isGlobal: z.boolean().optional(),
    meta: z.object({ destinationCount: z.number().optional() }).loose().optional(),
  })
  .loose();
export type DestinationList = z.infer<typeof destinationListSchema>;

/** A destination (its `id` is a string, unlike the list's). */
export const destinationSchema = z
  .object({ id: z.union([z.string(), z.number()]).transform(String), destination: z.string(), type: z.string().optional(), comment: z.string().optional(), createdAt: z.string().optional() })
  .loose();
export type Destination = z.infer<typeof destinationSchema>;

const pageMetaSchema = z.object({ page: z.number().optional(), limit: z.number().optional(), total: z.number().optional() }).loose();

export const destinationListsPageSchema = z.object({ meta: pageMetaSchema.optional(), data: z.array(destinationListSchema) }).loose();
export const destinationsPageSchema = z.object({ meta: pageMetaSchema.optional(), data: z.array(destinationSchema) }).loose();
export const destinationListResponseSchema = z.object({ data: destinationListSchema }).loose();
