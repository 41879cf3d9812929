import { z } from 'zod';

/*
 * Minimal, tolerant schemas of the Falcon responses we read (connectors.md §6.4–6.6): only the
 * fields the tools use are checked; everything else passes through untouched.
 */

export const falconErrorSchema = z.object({ code: z.number().optional(), message: z.string().optional() }).loose();

export const falconMetaSchema = z
  .object({
    trace_id: z.string().optional(),
    pagination: z
      .object({
        // Scroll-style endpoints send an opaque string; offset endpoints an integer.
        offset: z.union([z.number(), z.string()]).optional(),
        limit: z.number().optional(),
        total: z.number().optional(),
      })
      .loose()
      .optional(),
  })
  .loose();

/** The `{meta, resources, errors}` envelope around a list of T. */
export function falconEnvelope<T extends z.ZodType>(resource: T) {
  return z
    .object({
      meta: falconMetaSchema.optional(),
      resources: z.array(resource).nullish().transform((value) => value ?? []),
      errors: z.array(falconErrorSchema).nullish().transform((value) => value ?? []),
    })
    .loose();
}

export const falconDeviceSchema = z
  .object({
    device_id: z.string(),
    hostname: z.string().optional(),
    local_ip: z.string().optional(),
    external_ip: z.string().optional(),
    mac_address: z.string().optional(),
    platform_name: z.string().optional(),
    os_version: z.string().optional(),
    os_build: z.string().optional(),
    agent_version: z.string().optional(),
    status: z.string().optional(),
    last_seen: z.string().optional(),
    first_seen: z.string().optional(),
    product_type_desc: z.string().optional(),
    machine_domain: z.string().optional(),
    serial_number: z.string().optional(),
    instance_id: z.string().optional(),
    tags: z.array(z.string()).optional(),
  })
  .loose();

export type FalconDevice = z.infer<typeof falconDeviceSchema>;

export const falconAlertSchema = z
  .object({
    composite_id: z.string(),
    status: z.string().optional(),
    severity: z.number().optional(),
    severity_name: z.string().optional(),
    confidence: z.number().optional(),
    created_timestamp: z.string().optional(),
    timestamp: z.string().optional(),
    name: z.string().optional(),
    display_name: z.string().optional(),
    description: z.string().optional(),
    tactic: z.string().optional(),
    tactic_id: z.string().optional(),
    technique: z.string().optional(),
    technique_id: z.string().optional(),
    device: z
      .object({
        device_id: z.string().optional(),
        hostname: z.string().optional(),
        local_ip: z.string().optional(),
        external_ip: z.string().optional(),
        platform_name: z.string().optional(),
      })
      .loose()
      .optional(),
    filename: z.string().optional(),
    filepath: z.string().optional(),
    cmdline: z.string().optional(),
    sha256: z.string().optional(),
    md5: z.string().optional(),
    user_name: z.string().optional(),
    parent_details: z.object({ filename: z.string().optional(), cmdline: z.string().optional() }).loose().optional(),
    falcon_host_link: z.string().optional(),
  })
  .loose();

export type FalconAlert = z.infer<typeof falconAlertSchema>;

export const falconActionResultSchema = z.object({ id: z.string(), path: z.string().optional() }).loose();

export const falconTokenIdsSchema = falconEnvelope(z.string());
