import { beforeEach, describe, expect, it } from 'vitest';
import { labConfigYaml } from '../../src/cli/lab-config.js';
import { CONNECTOR_MODULES } from '../../src/connectors/registry.js';
import { fixedClock } from '../../src/core/clock.js';
import { configFrom, injectFault, journal } from '../helpers/lab-config.js';
import { suiteLab } from '../helpers/suite-lab.js';

/*
 * "5xx retried for reads only", the read half, for every connector at once: the lab answers the
 * first GET of a connector's health read with a 503 (in the product's own envelope), the connector
 * sends it again and succeeds, and the journal shows the same path twice: 503, then 200. (The
 * write half, a mutating call that got a 500 sent exactly once, is proven per connector.)
 */

const clock = fixedClock('2026-11-23T12:00:00.000Z');
const labOf = suiteLab({ clock });
beforeEach(async () => {
  await fetch(`${labOf().url}/__lab/faults`, { method: 'DELETE' });
  await fetch(`${labOf().url}/__lab/requests`, { method: 'DELETE' });
});

describe('a read that meets a 5xx is sent again', () => {
  it.each(CONNECTOR_MODULES.map((module) => [module.id, module] as const))('%s', async (id, module) => {
    // The lab journals each simulator under its connector's id.
    const product = id;
    const waits: number[] = [];
    const instance = module.create(configFrom(labConfigYaml(labOf().url)), { clock, sleep: async (milliseconds) => void waits.push(milliseconds) });
    await injectFault(labOf().url, { product, method: 'GET', status: 503, count: 1 });
    await instance.healthCheck();
    const gets = (await journal(labOf().url, { product, method: 'GET' })).map((entry) => ({ path: entry.path, status: entry.status }));
    expect(gets[0]!.status).toBe(503);
    expect(gets[1]).toEqual({ path: gets[0]!.path, status: 200 });
    expect(waits).toHaveLength(1);
  });
});
