import { z } from 'zod';

export const POLICY_NAME_PATTERN = /^[a-z][a-z0-9-]*$/;
export const CHECK_ID_PATTERN = /^[a-z][a-z0-9-]*$/;
/** Semantic-version-like: 1.0.0, 2.1.0-beta.1. */
export const POLICY_VERSION_PATTERN = /^[0-9]+\.[0-9]+\.[0-9]+(?:[-+][0-9A-Za-z.-]+)?$/;
/** A CIS Controls v8 safeguard or control, as auditors write it: `CIS 10.1`, `CIS 4`. */
export const CIS_CONTROL_PATTERN = /^CIS [0-9]{1,2}(\.[0-9]{1,2})?$/;

export const POLICY_SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type PolicySeverity = (typeof POLICY_SEVERITIES)[number];

const condition = (example: string) => z.string().min(1, { message: `expected a condition, e.g. ${example}` });

/** A read through the gateway whose output the check's condition sees as `live`. */
export const liveReadSchema = z.strictObject({
  /** A read-scope tool id or alias, e.g. `servicenow.list_incidents`. */
  tool: z.string().min(1, { message: 'expected a tool id, e.g. servicenow.list_incidents' }),
  /** Tool input; string values may hold `{{ path }}` templates over the asset (`{{ hostname }}`). */
  params: z.record(z.string(), z.unknown()).default({}),
});

/** What `policy enforce` does about an asset that fails the check: one gateway call. */
export const remediationSchema = z.strictObject({
  /** A write- or execute-scope tool id or alias, e.g. `crowdstrike.contain_host`. */
  tool: z.string().min(1, { message: 'expected a tool id, e.g. servicenow.create_incident' }),
  /** Tool input; string values may hold `{{ path }}` templates over the asset and `live`. */
  params: z.record(z.string(), z.unknown()).default({}),
  /**
   * Ask an approver even with `--auto-remediate`. Without `--auto-remediate` every remediation asks;
   * in the `secure` runtime every write/execute call asks whatever this says.
   */
  requires_approval: z.boolean().optional(),
});

/** One check: evaluated on every asset `applies_to` selects; the asset passes when `condition` holds. */
export const policyCheckSchema = z.strictObject({
  /** Unique within the policy: lower-case letters, digits and -. */
  id: z.string().regex(CHECK_ID_PATTERN, { message: 'expected lower-case letters, digits and -, starting with a letter (e.g. edr-present)' }),
  title: z.string().min(1, { message: 'expected a short title' }),
  severity: z.enum(POLICY_SEVERITIES),
  /** Why the check exists: shown with failures and in the compliance report. */
  rationale: z.string().min(1, { message: 'expected the reason for this check' }),
  /** CIS Controls v8 safeguards the check gives evidence for, e.g. `CIS 10.1`. */
  cis: z.array(z.string().regex(CIS_CONTROL_PATTERN, { message: 'expected a CIS control such as "CIS 10.1"' })).default([]),
  /** Which assets the check is about (default: every asset). Others are not evaluated (skipped). */
  applies_to: condition("'production' in tags").optional(),
  /** Holds for a compliant asset, e.g. `days_since_seen <= 7`. */
  condition: condition("'crowdstrike' in sources"),
  live: liveReadSchema.optional(),
  remediation: remediationSchema.optional(),
});

/** A policy file (policies/*.yaml and `policy.directory`). Unknown keys are errors. */
export const policyDefinitionSchema = z.strictObject({
  name: z.string().regex(POLICY_NAME_PATTERN, { message: 'expected lower-case letters, digits and -, starting with a letter (e.g. endpoint-hardening)' }),
  description: z.string().min(1, { message: 'expected a short description' }),
  version: z.string().regex(POLICY_VERSION_PATTERN, { message: 'expected a version like 1.0.0' }),
  /** Named values the conditions read as `vars.<name>` (lists of end-of-life systems, thresholds). */
  vars: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, { message: 'expected lower-case letters, digits and _' }), z.unknown()).default({}),
  checks: z.array(policyCheckSchema).min(1, { message: 'expected at least one check' }),
});

export type PolicyDefinition = z.output<typeof policyDefinitionSchema>;
export type PolicyCheck = z.output<typeof policyCheckSchema>;
export type PolicyLiveRead = z.output<typeof liveReadSchema>;
export type PolicyRemediation = z.output<typeof remediationSchema>;

export const POLICY_KEYS = Object.keys(policyDefinitionSchema.shape);
export const CHECK_KEYS = Object.keys(policyCheckSchema.shape);
export const LIVE_KEYS = Object.keys(liveReadSchema.shape);
export const REMEDIATION_KEYS = Object.keys(remediationSchema.shape);
