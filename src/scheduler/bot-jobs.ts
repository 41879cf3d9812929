import type { Scheduler } from './scheduler.js';
import { parseSchedule } from './schedule.js';

/** Names of the jobs the bot keeps in line with config. */
export const INVENTORY_SWEEP_JOB = 'inventory-sweep';
export const DIGEST_JOB = 'digest';
/** `created_by` of jobs that come from config rather than from a person. */
export const CONFIG_CREATOR = 'config';

export interface BotJobSettings {
  /** Config `inventory.scan_interval` (e.g. `6h`): the sweep runs `@every` it. */
  inventoryScanInterval: string;
  /** Config `slack.digest.cron`; unset: no digest (a digest job from config is removed). */
  digestCron: string | undefined;
}

/**
 * The jobs that run while the bot runs, from config: the inventory sweep (when this process can
 * sweep) and the Slack digest (when `slack.digest.cron` is set and the bot registered its handler).
 * A bad value is an InputError naming the config key.
 */
export function ensureBotJobs(scheduler: Scheduler, settings: BotJobSettings): void {
  if (scheduler.hasHandler('inventory_sweep')) {
    const schedule = parseSchedule(`@every ${settings.inventoryScanInterval}`, 'inventory.scan_interval');
    scheduler.ensure({ name: INVENTORY_SWEEP_JOB, kind: 'inventory_sweep', schedule: schedule.text, createdBy: CONFIG_CREATOR });
  }
  if (settings.digestCron !== undefined && scheduler.hasHandler('digest')) {
    const schedule = parseSchedule(settings.digestCron, 'slack.digest.cron');
    scheduler.ensure({ name: DIGEST_JOB, kind: 'digest', schedule: schedule.text, createdBy: CONFIG_CREATOR });
  } else if (settings.digestCron === undefined) {
    const stale = scheduler.list().find((job) => job.name === DIGEST_JOB && job.kind === 'digest' && job.createdBy === CONFIG_CREATOR);
    if (stale !== undefined) scheduler.remove(DIGEST_JOB);
  }
}
