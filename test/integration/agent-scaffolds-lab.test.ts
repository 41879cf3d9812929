/**
 * `agent new` writes a valid, read-first definition of each type; each one runs green against the
 * lab (reads for real, write/execute steps only previewed in a dry run, so nothing is changed).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AGENT_TYPES } from '../../src/agents/definition/index.js';
import { runCli } from '../helpers/cli.js';
import { isMutating, journalMark, requestsSince, startGatewayLab, type GatewayLab } from '../helpers/gateway-lab.js';

let env: GatewayLab;
beforeEach(async () => {
  env = await startGatewayLab();
});
afterEach(async () => {
  await env.close();
});

describe('agent new scaffolds against the lab', () => {
  it.each(AGENT_TYPES)('a new %s agent validates and its dry run succeeds without a write', async (type) => {
    const cli = (...args: string[]) => runCli(args, { home: env.home });
    expect((await cli('agent', 'new', '--name', `my-${type}`, '--type', type)).code).toBe(0);
    expect((await cli('agent', 'validate', `agents/my-${type}.yaml`)).code).toBe(0);
    const mark = await journalMark(env.lab.url);
    const run = await cli('agent', 'run', `my-${type}`, '--dry-run', '--param', 'hostname=workstation-042', '--param', 'severity=high', '--json');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const outcome = JSON.parse(run.stdout) as { status: string; steps: Array<{ step: string; status: string }> };
    expect(outcome.status).toBe('succeeded');
    expect(outcome.steps.every((step) => ['succeeded', 'dry_run', 'skipped'].includes(step.status))).toBe(true);
    const requests = await requestsSince(env.lab.url, mark);
    expect(requests.length, 'its reads ran').toBeGreaterThan(0);
    expect(requests.filter(isMutating)).toEqual([]);
  });
});
