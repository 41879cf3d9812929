/** `defenseclaw schedule list|show|run|remove|enable|disable|tick` against the lab. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Runtime } from '../../src/app/runtime.js';
import { fixedClock } from '../../src/core/clock.js';
import { startLab, type Lab } from '../../src/lab/lab-server.js';
import { ALL_SIMULATORS } from '../../src/lab/products/index.js';
import { runCli, temporaryHome } from '../helpers/cli.js';

const CREATED = '2026-05-04T07:00:00.000Z';

let home: ReturnType<typeof temporaryHome>;
let lab: Lab;

beforeEach(async () => {
  home = temporaryHome('defenseclaw-schedule-cli-');
  lab = await startLab({ products: ALL_SIMULATORS });
  expect((await runCli(['lab', 'init', '--url', lab.url], { home: home.home })).code).toBe(0);
});
afterEach(async () => {
  await lab.close();
  home.cleanup();
});

const cli = (args: string[], now = '2026-05-04T08:00:00.000Z') => runCli(args, { home: home.home, clock: fixedClock(now) });

/** Adds jobs as `policy schedule` and the bot would (the CLI itself has no `schedule add`). */
function addJobs(): void {
  const runtime = new Runtime({ home: home.home, env: {}, clock: fixedClock(CREATED) });
  try {
    runtime.scheduler().add({ name: 'inventory-sweep', kind: 'inventory_sweep', schedule: '@every 6h', createdBy: 'config' });
    runtime.scheduler().add({ name: 'digest', kind: 'digest', schedule: '0 8 * * 1-5', createdBy: 'config' });
  } finally {
    runtime.close();
  }
}

describe('defenseclaw schedule', () => {
  it('lists nothing before any job exists', async () => {
    const list = await cli(['schedule', 'list', '--json']);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([]);
    const text = await cli(['schedule', 'list']);
    expect(text.stderr).toContain('no scheduled jobs');
  });

  it('lists, shows, runs by hand, ticks, disables, enables and removes jobs', async () => {
    addJobs();
    const list = await cli(['schedule', 'list', '--json']);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject([
      { name: 'digest', kind: 'digest', schedule: '0 8 * * 1-5', enabled: true, last_run: null },
      { name: 'inventory-sweep', kind: 'inventory_sweep', schedule: '@every 6h', enabled: true, next_slot: '2026-05-04T12:00:00.000Z', due: false, last_slot: null, created_by: 'config' },
    ]);
    const table = await cli(['schedule', 'list']);
    expect(table.stdout).toMatch(/^NAME\s+KIND\s+SCHEDULE\s+ENABLED\s+NEXT\s+LAST RUN\s+NOTIFY/);
    expect(table.stdout).toMatch(/inventory-sweep\s+inventory_sweep\s+@every 6h\s+yes\s+2026-05-04T12:00:00.000Z/);

    const run = await cli(['schedule', 'run', 'inventory-sweep']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^inventory-sweep \[manual:2026-05-04T08:00:00.000Z\]: succeeded\n {2}Inventory sweep (complete|partial): \d+ assets in snapshot /);

    const digest = await cli(['schedule', 'run', 'digest']);
    expect(digest.code).toBe(1);
    expect(digest.stderr).toContain('defenseclaw: digest: jobs of kind digest cannot run in this process (the digest is run by the Slack bot: defenseclaw slack serve)');

    // 12:00 is the sweep's next slot; the digest (08:00 on a Monday) is due too but left to the bot.
    const tick = await cli(['schedule', 'tick', '--json'], '2026-05-04T12:00:05.000Z');
    expect(tick.code, tick.stderr).toBe(0);
    expect(JSON.parse(tick.stdout)).toMatchObject({
      now: '2026-05-04T12:00:05.000Z',
      runs: [{ job: 'inventory-sweep', slot: '2026-05-04T12:00:00.000Z', status: 'succeeded' }],
      skipped: [{ job: 'digest', slot: '2026-05-04T08:00:00.000Z', reason: 'no_handler' }],
    });
    const again = await cli(['schedule', 'tick'], '2026-05-04T12:00:30.000Z');
    expect(again.stdout).toBe('nothing was due\n');
    expect(again.stderr).toContain('digest (slot 2026-05-04T08:00:00.000Z) not run here: this process cannot run this kind of job');

    const show = await cli(['schedule', 'show', 'inventory-sweep'], '2026-05-04T12:01:00.000Z');
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain('last slot: 2026-05-04T12:00:00.000Z');
    expect(show.stdout).toContain('next slot: 2026-05-04T18:00:00.000Z');
    expect(show.stdout).toMatch(/ {2}2026-05-04T12:00:00.000Z {2}succeeded /);
    expect(show.stdout).toMatch(/ {2}manual:2026-05-04T08:00:00.000Z {2}succeeded /);
    const shown = JSON.parse((await cli(['schedule', 'show', 'inventory-sweep', '--json', '--runs', '1'])).stdout) as { runs: unknown[] };
    expect(shown.runs).toHaveLength(1);

    expect((await cli(['schedule', 'disable', 'inventory-sweep'])).stdout).toBe('inventory-sweep disabled\n');
    expect((await cli(['schedule', 'disable', 'inventory-sweep'])).stdout).toBe('inventory-sweep was already disabled\n');
    expect((await cli(['schedule', 'tick', '--json'], '2026-05-04T18:00:05.000Z')).stdout).toContain('"runs": []');
    // Enabled after the 18:00 slot passed: that one is skipped, the next (00:00) runs.
    expect((await cli(['schedule', 'enable', 'inventory-sweep', '--json'], '2026-05-04T19:00:00.000Z')).stdout).toContain('"changed": true');
    expect(JSON.parse((await cli(['schedule', 'tick', '--json'], '2026-05-04T19:00:30.000Z')).stdout).runs).toEqual([]);
    expect(JSON.parse((await cli(['schedule', 'tick', '--json'], '2026-05-05T00:00:05.000Z')).stdout).runs).toMatchObject([{ slot: '2026-05-05T00:00:00.000Z' }]);

    expect((await cli(['schedule', 'remove', 'digest'])).stdout).toBe('digest removed\n');
    expect(JSON.parse((await cli(['schedule', 'list', '--json'])).stdout).map((job: { name: string }) => job.name)).toEqual(['inventory-sweep']);
  });

  it('refuses an unknown job name with exit 2 and a suggestion', async () => {
    addJobs();
    for (const verb of ['show', 'run', 'remove', 'enable', 'disable']) {
      const result = await cli(['schedule', verb, 'inventory-swep']);
      expect(result.code, verb).toBe(2);
      expect(result.stderr).toBe('defenseclaw: no scheduled job named "inventory-swep" (did you mean "inventory-sweep"?)\n');
    }
    expect((await cli(['schedule', 'show', 'inventory-sweep', '--runs', '0'])).code).toBe(2);
  });
});
