import { z } from 'zod';
import { DURATION_PATTERN, parseDuration } from '../../core/duration.js';
import { AGENT_NAME_PATTERN, agentVersionSchema } from '../definition/index.js';

/** The seed's workflow format: a trigger and steps of actions. */
export const workflowStepSchema = z.strictObject({
  /** The step's name (later steps and conditions refer to its output by it). */
  action: z.string().regex(/^[a-z][a-z0-9_]*$/, { message: 'expected a lower-case name such as open_ticket' }),
  tool: z.string().min(1),
  params: z.record(z.string(), z.unknown()).optional(),
  condition: z.string().min(1).optional(),
  requires_approval: z.boolean().optional(),
});

export const workflowTriggerSchema = z.strictObject({
  type: z.enum(['event', 'schedule', 'manual']),
  /** Event source: cisco-xdr (new incidents), crowdstrike (alerts) or sentinel (incidents). */
  source: z.enum(['cisco-xdr', 'crowdstrike', 'sentinel']).optional(),
  /** A condition over each new item (`severity >= high and status == 'New'`). */
  filter: z.string().min(1).optional(),
  /** For schedule triggers: a cron expression (run by the scheduler). */
  cron: z.string().min(1).optional(),
  /** For event triggers: how often the source is polled while the workflow is active (default 1m, at least 1m). */
  interval: z
    .string()
    .regex(DURATION_PATTERN, { message: 'expected a duration such as 1m, 5m or 1h' })
    .refine((text) => parseDuration(text) >= MIN_POLL_INTERVAL_MS, { message: 'the shortest polling interval is 1m' })
    .optional(),
});

/** How often an active event workflow polls its source unless its trigger says `interval`. */
export const DEFAULT_POLL_INTERVAL = '1m';
/** The scheduler ticks about twice a minute: a shorter interval would not be kept. */
const MIN_POLL_INTERVAL_MS = 60_000;

/** What a workflow may declare: read, write, execute (when absent, the scopes its steps' tools need). */
export const workflowPermissionsSchema = z.strictObject({ read: z.boolean().default(false), write: z.boolean().default(false), execute: z.boolean().default(false) });

export const workflowSchema = z
  .strictObject({
    name: z.string().regex(AGENT_NAME_PATTERN, { message: 'expected a lower-case name such as auto-threat-response' }),
    description: z.string().min(1).optional(),
    version: agentVersionSchema.default('1.0.0'),
    /** Left out: config `agent.runtime` (default `secure`). */
    runtime: z.enum(['secure', 'standard']).optional(),
    /** Optional: when absent, the scopes of the tools its steps use are granted (shown by `workflow list`). */
    permissions: workflowPermissionsSchema.optional(),
    trigger: workflowTriggerSchema,
    steps: z.array(workflowStepSchema).min(1),
  })
  .superRefine((workflow, context) => {
    if (workflow.trigger.type === 'event' && workflow.trigger.source === undefined) {
      context.addIssue({ code: 'custom', path: ['trigger', 'source'], message: 'an event trigger needs a source (cisco-xdr, crowdstrike or sentinel)' });
    }
    if (workflow.trigger.interval !== undefined && workflow.trigger.type !== 'event') {
      context.addIssue({ code: 'custom', path: ['trigger', 'interval'], message: 'only an event trigger is polled (a schedule trigger runs at its cron times)' });
    }
    if (workflow.trigger.type === 'schedule' && workflow.trigger.cron === undefined) {
      context.addIssue({ code: 'custom', path: ['trigger', 'cron'], message: 'a schedule trigger needs a cron expression' });
    }
    const seen = new Set<string>();
    workflow.steps.forEach((step, index) => {
      if (seen.has(step.action)) context.addIssue({ code: 'custom', path: ['steps', index, 'action'], message: `duplicate action ${step.action}` });
      seen.add(step.action);
    });
  });

export type WorkflowDefinition = z.infer<typeof workflowSchema>;

export const WORKFLOW_KEYS = Object.keys(workflowSchema.shape);
export const WORKFLOW_TRIGGER_KEYS = Object.keys(workflowTriggerSchema.shape);
export const WORKFLOW_STEP_KEYS = Object.keys(workflowStepSchema.shape);
export const WORKFLOW_PERMISSION_KEYS = Object.keys(workflowPermissionsSchema.shape);
