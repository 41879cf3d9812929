import { isDefenseClawError } from '../../core/errors/index.js';
import { evidenceText, policyRunHeadline, type PolicyAssetResult, type PolicyRunResult } from '../../policy/index.js';
import { outcomeMessage, rootMessage, type Finding } from '../blocks/job-message-blocks.js';
import type { ThreadRef } from '../thread/thread-poster.js';
import { slackPrincipal, type JobContext, type JobOrigin } from './job-context.js';

const STATUS_ORDER: Readonly<Record<PolicyAssetResult['status'], number>> = { fail: 0, error: 1, pass: 2 };

/**
 * `/defenseclaw policy check <resource> [--policy P]`: the policy service's check of one asset
 * (every policy unless one is named), as the Slack user, told in a thread: the headline, then
 * every check with its status and evidence, failures first. It only reads (live reads go through
 * the gateway, audited); a run is stored like one from the CLI. A bad resource or policy name is
 * said in the thread.
 */
export async function runPolicyCheckJob(context: JobContext, input: JobOrigin & { resource: string; policy?: string }): Promise<ThreadRef> {
  const { runtime, poster, logger } = context;
  const policy = input.policy ?? 'all';
  const root = {
    title: `Policy check of ${input.resource} (${policy === 'all' ? 'every policy' : `policy ${policy}`})`,
    requester: input.user,
    notes: ['Checks run over the newest inventory snapshot; live reads go through the gateway; nothing is changed.'],
  };
  const thread = await poster.postRoot(input.channel, rootMessage({ ...root, state: 'running' }));
  let result: PolicyRunResult;
  try {
    result = await runtime.policies().check({ policy, resource: input.resource, requester: slackPrincipal(input.user) });
  } catch (error) {
    // Bad input (unknown asset or policy, invalid policy file) is told plainly; anything else too, and logged.
    if (!isDefenseClawError(error) || error.exitCode !== 2) logger.warn({ err: error, resource: input.resource, policy }, 'slack policy check failed');
    await poster.reply(thread, outcomeMessage({ state: 'failed', headline: `Policy check of ${input.resource} failed: ${(error as Error).message.split('\n')[0]}`, findings: [] }));
    await poster.update(thread.channel, thread.ts, () => rootMessage({ ...root, state: 'failed' }));
    return thread;
  }
  const findings: Finding[] = [...result.results]
    .sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || a.policy.localeCompare(b.policy) || a.checkId.localeCompare(b.checkId))
    .map((item) => ({ label: `${item.policy}/${item.checkId}`, status: `${item.status} · ${item.severity}`, summary: evidenceText(item.evidence) || 'no values read' }));
  const notApplicable = result.checks.filter((check) => check.skipped > 0).map((check) => `${check.policy}/${check.checkId}`);
  await poster.reply(
    thread,
    outcomeMessage({
      state: result.status === 'failed' ? 'failed' : 'succeeded',
      headline: policyRunHeadline(result),
      findings,
      notes: [
        ...(findings.length === 0 ? ['No check applies to this asset.'] : []),
        ...(notApplicable.length === 0 ? [] : [`Not applicable: ${notApplicable.join(', ')}`]),
        `Run ${result.id} on inventory snapshot ${result.snapshot.id} (${result.snapshot.takenAt}).`,
      ],
    }),
  );
  await poster.update(thread.channel, thread.ts, () => rootMessage({ ...root, state: result.status === 'failed' ? 'failed' : 'succeeded' }));
  return thread;
}
