import type { App, RespondFn, SlashCommand } from '@slack/bolt';
import type { Runtime } from '../../app/runtime.js';
import type { AuditOutcome } from '../../audit/index.js';
import type { Logger } from '../../core/logger.js';
import { ephemeralReply, type EphemeralReply } from '../blocks/ephemeral-message.js';
import type { CommandPermissions } from '../command/command-permissions.js';
import { commandUsage } from '../command/command-usage.js';
import { describeRequest, parseCommand, type SlackCommandRequest, type SubCommand } from '../command/parse-command.js';
import type { RedeliveryGuard } from '../command/redelivery-guard.js';
import { pendingApprovalLines, statusLines } from '../command/status-summary.js';
import { agentExists, runAgentJob } from '../jobs/agent-run-job.js';
import { looksLikeDomain, runHostLookupJob } from '../jobs/asset-lookup-job.js';
import { runInvestigationJob } from '../jobs/investigation-job.js';
import { runInventoryDiffJob, runInventorySearchJob } from '../jobs/inventory-job.js';
import { runPolicyCheckJob } from '../jobs/policy-job.js';
import { runCorrelateJob } from '../jobs/correlate-job.js';
import { slackPrincipal, type JobContext } from '../jobs/job-context.js';
import type { JobQueue } from '../jobs/job-queue.js';

export interface SlashCommandDependencies {
  runtime: Runtime;
  jobs: JobQueue;
  jobContext: JobContext;
  permissions: CommandPermissions;
  guard: RedeliveryGuard;
  logger: Logger;
}

/** What a command comes to: an ephemeral answer now, or a job for the queue (after an ack). */
type Handling = { reply: EphemeralReply } | { job: (origin: { user: string; channel: string }) => Promise<void>; ack: string };

export const WORKING_ON_IT = 'Working on it…';

/**
 * `/defenseclaw …` (whatever the command is called in the app manifest). Acks first, always within
 * Slack's 3 seconds, with the answer itself when it needs no I/O; jobs go to the queue after the
 * ack and report in a thread. Every command is audited (`slack.command`), refusals included.
 */
export function registerSlashCommand(app: App, dependencies: SlashCommandDependencies): void {
  app.command(/.*/, async ({ command, ack, respond, context }) => {
    const { guard, logger } = dependencies;
    if (guard.delivery(command.trigger_id, context.retryNum) === 'redelivery') {
      // Slack re-sent a command we already have: an empty 200, and nothing else.
      await ack();
      logger.info({ user: command.user_id, retryNum: context.retryNum ?? null }, 'slack command re-delivered; ignored');
      return;
    }
    const parsed = parseCommand(command.text);
    if (!parsed.ok) {
      await ack(ephemeralReply(`${parsed.error}. Try \`${command.command} help\`.`, [`:warning: ${parsed.error}`, ...commandUsage(command.command)]));
      audit(dependencies.runtime, command, parsed.subCommand ?? 'unknown', 'invalid', { error: parsed.error });
      return;
    }
    const { request } = parsed;
    const decision = dependencies.permissions.decideNow(command.user_id, request.subCommand);
    if (decision !== 'needs_groups') {
      if (!decision.allowed) {
        await ack(refusal(request.subCommand));
        audit(dependencies.runtime, command, request.subCommand, 'denied', { reason: decision.reason });
        return;
      }
      const handling = handle(dependencies, command, request);
      if ('reply' in handling) await ack(handling.reply);
      else await ack(ephemeralReply(handling.ack));
      finish(dependencies, command, request, handling, respond);
      return;
    }
    // A user group must be looked up: ack now, answer through response_url.
    await ack(ephemeralReply(WORKING_ON_IT));
    const resolved = await dependencies.permissions.decide(command.user_id, request.subCommand);
    if (!resolved.allowed) {
      audit(dependencies.runtime, command, request.subCommand, 'denied', { reason: resolved.reason });
      await respond({ ...refusal(request.subCommand), replace_original: true }).catch((error: unknown) => logger.warn({ err: error }, 'could not answer a slack command'));
      return;
    }
    const handling = handle(dependencies, command, request);
    if ('reply' in handling) await respond({ ...handling.reply, replace_original: true }).catch((error: unknown) => logger.warn({ err: error }, 'could not answer a slack command'));
    finish(dependencies, command, request, handling, respond);
  });
}

function refusal(subCommand: SubCommand): EphemeralReply {
  return ephemeralReply(`:no_entry: You may not run \`${subCommand}\` here: slack.permissions does not list you or one of your groups. The refusal was recorded in the audit ledger.`);
}

/** After the ack: audit, and enqueue the job if there is one. */
function finish(dependencies: SlashCommandDependencies, command: SlashCommand, request: SlackCommandRequest, handling: Handling, respond: RespondFn): void {
  const { jobs, guard, logger, runtime } = dependencies;
  if ('reply' in handling) {
    audit(runtime, command, request.subCommand, 'succeeded', { answered: 'ephemeral' });
    return;
  }
  const claim = guard.claimJob(command.user_id, command.channel_id, command.text);
  if (!claim.claimed) {
    audit(runtime, command, request.subCommand, 'invalid', { reason: 'duplicate within 60 s' });
    void respond(ephemeralReply('The same command from you in this channel is already running (sent twice?); not starting it again.')).catch(() => undefined);
    return;
  }
  const origin = { user: command.user_id, channel: command.channel_id };
  const accepted = jobs.add(describeRequest(request), async () => {
    try {
      await handling.job(origin);
    } catch (error) {
      claim.release();
      await respond(ephemeralReply(`:x: \`${describeRequest(request)}\` failed: ${(error as Error).message}`)).catch(() => undefined);
      throw error;
    }
  });
  if (!accepted) {
    claim.release();
    void respond(ephemeralReply('DefenseClaw is shutting down; try again in a moment.')).catch(() => undefined);
  }
  audit(runtime, command, request.subCommand, accepted ? 'succeeded' : 'failed', { answered: accepted ? 'job' : 'shutting down' });
  logger.info({ user: command.user_id, channel: command.channel_id, command: describeRequest(request) }, 'slack command accepted');
}

function handle(dependencies: SlashCommandDependencies, command: SlashCommand, request: SlackCommandRequest): Handling {
  const { runtime, jobContext } = dependencies;
  switch (request.kind) {
    case 'help':
      return { reply: ephemeralReply(`Usage: ${command.command} <sub-command>`, commandUsage(command.command)) };
    case 'status':
      return { reply: ephemeralReply(`DefenseClaw ${runtime.version}`, statusLines(runtime, dependencies.jobs.figures())) };
    case 'approvals':
      return { reply: ephemeralReply('Pending approvals', pendingApprovalLines(runtime)) };
    case 'inventory_diff':
      return { ack: `${WORKING_ON_IT} comparing inventory snapshots (since ${request.since}); the diff follows in a thread.`, job: async (origin) => void (await runInventoryDiffJob(jobContext, { ...origin, since: request.since })) };
    case 'inventory_search':
      return { ack: `${WORKING_ON_IT} searching the inventory for tag ${request.tag}; the assets follow in a thread.`, job: async (origin) => void (await runInventorySearchJob(jobContext, { ...origin, tag: request.tag })) };
    case 'policy_check':
      return {
        ack: `${WORKING_ON_IT} checking ${request.resource} against ${request.policy === undefined ? 'every policy' : `policy ${request.policy}`}; the result follows in a thread.`,
        job: async (origin) => void (await runPolicyCheckJob(jobContext, { ...origin, resource: request.resource, ...(request.policy === undefined ? {} : { policy: request.policy }) })),
      };
    case 'investigate_alert':
      return {
        ack: `Investigating ${request.alertId}; the timeline follows in a thread.`,
        job: async (origin) => {
          await runInvestigationJob(jobContext, { ...origin, alertId: request.alertId });
        },
      };
    case 'investigate_asset':
      if (looksLikeDomain(request.assetId)) {
        return {
          ack: `${WORKING_ON_IT} enriching ${request.assetId}.`,
          job: async (origin) => {
            await runAgentJob(jobContext, {
              ...origin,
              agent: 'enrich-ioc',
              params: { domain: request.assetId },
              dryRun: false,
              title: `Domain ${request.assetId}`,
              notes: ['Read-only enrichment (agent enrich-ioc): the LLM was not used.'],
            });
          },
        };
      }
      return { ack: `${WORKING_ON_IT} looking up ${request.assetId}.`, job: async (origin) => void (await runHostLookupJob(jobContext, { ...origin, host: request.assetId, last: request.last })) };
    case 'event_correlate':
      return {
        ack: `${WORKING_ON_IT} looking for ${request.ioc} (${request.iocType}) in every product over the last ${request.last}; the timeline follows in a thread.`,
        job: async (origin) => void (await runCorrelateJob(jobContext, { ...origin, ioc: request.ioc, iocType: request.iocType, last: request.last })),
      };
    case 'agent_run':
      if (!agentExists(jobContext, request.agent)) return { reply: ephemeralReply(`No agent named \`${request.agent}\`. \`defenseclaw agent list\` shows them.`) };
      return {
        ack: `${WORKING_ON_IT} running ${request.agent}${request.dryRun ? ' (dry run)' : ''}; progress in a thread.`,
        job: async (origin) => {
          await runAgentJob(jobContext, { ...origin, agent: request.agent, params: request.params, dryRun: request.dryRun, title: `Agent ${request.agent}${request.dryRun ? ' (dry run)' : ''}` });
        },
      };
  }
}

function audit(runtime: Runtime, command: SlashCommand, subCommand: string, outcome: AuditOutcome, details: Record<string, unknown>): void {
  runtime.ledger().append({
    actor: slackPrincipal(command.user_id),
    action: 'slack.command',
    target: subCommand,
    outcome,
    details: { command: command.command, text: command.text.slice(0, 500), channel: command.channel_id, team: command.team_id, ...details },
  });
}
