import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Runtime } from '../../src/app/runtime.js';
import type { EventClass } from '../../src/connectors/model/index.js';
import { READ_ONLY, type Caller } from '../../src/gateway/caller.js';
import { gatherIncidentEvents, verdictMap, type GatheredIncident } from '../../src/investigate/gather/index.js';
import { buildTimeline, collapseBursts, findings, scopeToIncident, type TimelineEntry } from '../../src/investigate/timeline/index.js';
import { startLab, type Lab } from '../../src/lab/lab-server.js';
import { ALL_SIMULATORS } from '../../src/lab/products/index.js';
import type { ScenarioEvent, ScenarioEventKind } from '../../src/lab/scenario/index.js';
import { runCli, temporaryHome } from '../helpers/cli.js';

/** Timeline classes a scenario event of each kind may appear as (the products disagree: a process is a detection to an EDR). */
const CLASSES_OF_KIND: Record<ScenarioEventKind, EventClass[]> = {
  email: ['email_activity'],
  process: ['process_activity', 'detection_finding'],
  file: ['file_activity', 'detection_finding'],
  detection: ['detection_finding'],
  network: ['network_activity'],
  smb: ['network_activity'],
  dns: ['dns_activity'],
  logon: ['authentication'],
  signin: ['authentication'],
};
/** Secure Endpoint reports whole seconds; products round differently. */
const TIME_TOLERANCE_MS = 1_500;

let home: ReturnType<typeof temporaryHome>;
let lab: Lab;
let runtime: Runtime;
let gathered: GatheredIncident;
const caller: Caller = { kind: 'cli', actor: 'cli:investigate-test', requester: 'cli:investigate-test', permissions: READ_ONLY };

beforeAll(async () => {
  home = temporaryHome();
  lab = await startLab({ products: ALL_SIMULATORS });
  expect((await runCli(['lab', 'init', '--url', lab.url], { home: home.home })).code).toBe(0);
  runtime = new Runtime({ home: home.home, env: {} });
  gathered = await gatherIncidentEvents(runtime.gateway(), caller, 'XDR-2026-001234', { windowHours: 24 });
});
afterAll(async () => {
  runtime?.close();
  await lab?.close();
  home?.cleanup();
});

/** Whether a timeline entry is a report of this scenario event: time, class and a shared entity. */
function reports(entry: TimelineEntry, event: ScenarioEvent): boolean {
  const times = [entry.time, ...entry.evidence.map((reference) => reference.time)].map((time) => Date.parse(time));
  if (!times.some((time) => Math.abs(time - event.time.getTime()) <= TIME_TOLERANCE_MS)) return false;
  if (!CLASSES_OF_KIND[event.kind].includes(entry.class)) return false;
  const user = event.user?.split('@')[0];
  const entities = entry.entities;
  return (
    (event.host !== undefined && entities.hosts.includes(event.host)) ||
    (user !== undefined && entities.users.some((candidate) => candidate.split('@')[0] === user)) ||
    (event.sourceIp !== undefined && entities.ips.includes(event.sourceIp)) ||
    (event.destinationIp !== undefined && entities.ips.includes(event.destinationIp)) ||
    (event.sha256 !== undefined && entities.hashes.includes(event.sha256))
  );
}

/** Pairs story events with timeline entries one to one, in time order. */
function pair(timeline: TimelineEntry[], story: ScenarioEvent[]): Map<ScenarioEvent, TimelineEntry | undefined> {
  const used = new Set<TimelineEntry>();
  const pairs = new Map<ScenarioEvent, TimelineEntry | undefined>();
  for (const event of story) {
    const entry = timeline.find((candidate) => !used.has(candidate) && reports(candidate, event));
    if (entry !== undefined) used.add(entry);
    pairs.set(event, entry);
  }
  return pairs;
}

describe('incident timeline of XDR-2026-001234 from the lab', () => {
  it('gathers from every source in parallel, each with its duration', () => {
    const failed = gathered.sources.filter((source) => !source.ok);
    expect(failed).toEqual([]);
    expect(gathered.partial).toBe(false);
    const tools = new Set(gathered.sources.map((source) => source.tool));
    for (const tool of [
      'cisco_xdr.get_incident', 'cisco_xdr.get_events', 'secure_endpoint.list_events', 'crowdstrike.list_alerts', 'splunk.search', 'sentinel.query', 'umbrella.activity',
      'cisco_xdr.enrich_observables', 'umbrella.investigate_domain', 'secure_endpoint.get_computer', 'crowdstrike.get_device',
    ]) {
      expect(tools, tool).toContain(tool);
    }
    for (const source of gathered.sources) expect(source.durationMs).toBeGreaterThan(0);
    const { fanOutWallMs, fanOutSumMs } = gathered.timing;
    console.info(
      `gather: ${gathered.sources.length} calls, fan-out wall ${fanOutWallMs.toFixed(1)} ms vs sum ${fanOutSumMs.toFixed(1)} ms (ratio ${(fanOutWallMs / fanOutSumMs).toFixed(2)}), total ${gathered.timing.wallMs.toFixed(1)} ms\n` +
        gathered.sources.map((source) => `  ${source.tool} ${source.subject}: ${source.count} in ${source.durationMs.toFixed(1)} ms`).join('\n'),
    );
    // Run one after another, the fan-out would take the sum; in parallel it takes well under half.
    expect(fanOutWallMs).toBeLessThan(fanOutSumMs * 0.5);
  });

  it('contains every ground-truth event of the story, in order, and no noise', () => {
    const scoped = scopeToIncident(
      gathered.events,
      { ...gathered.observables, window: gathered.window, hostAddresses: gathered.enrichment.hostAddresses },
      { verdicts: verdictMap(gathered.enrichment) },
    );
    const timeline = buildTimeline(scoped.events);
    const story = lab.world.events.filter((event) => event.tag === 'story');
    const noise = lab.world.events.filter((event) => event.tag === 'noise');
    const pairs = pair(timeline, story);

    const missing = [...pairs].filter(([, entry]) => entry === undefined).map(([event]) => `${event.time.toISOString()} ${event.kind} ${event.title}`);
    expect(missing).toEqual([]);
    // One entry per story event: the 40 failed logons are 40 entries, the reports of one happening one entry.
    expect(timeline).toHaveLength(story.length);
    const order = story.map((event) => timeline.indexOf(pairs.get(event)!));
    expect(order).toEqual([...order].sort((a, b) => a - b));

    // No noise: every entry is a story event, and no evidence names a noise event's id.
    const paired = new Set(pairs.values());
    expect(timeline.filter((entry) => !paired.has(entry)).map((entry) => `${entry.time} ${entry.title}`)).toEqual([]);
    const noiseIds = new Set(noise.map((event) => event.id));
    const evidenceIds = timeline.flatMap((entry) => entry.evidence.map((reference) => reference.eventId));
    expect(evidenceIds.filter((id) => [...noiseIds].some((noiseId) => id.endsWith(noiseId)))).toEqual([]);
    // The gather did reach noise (the victim's ordinary logons, other users on srv-db-01): scoping left it out.
    const gatheredNoise = gathered.events.filter((event) => [...noiseIds].some((noiseId) => event.id.endsWith(noiseId)));
    expect(gatheredNoise.length).toBeGreaterThan(0);

    // Reports of one happening by several products are one entry listing each product.
    const download = pairs.get(story.find((event) => event.title === 'PowerShell downloaded a payload over HTTP')!)!;
    expect(download.sources).toEqual(expect.arrayContaining(['cisco-xdr', 'secure-endpoint', 'splunk']));
    const failedLogons = story.filter((event) => event.kind === 'logon' && event.outcome === 'failure');
    expect(failedLogons).toHaveLength(40);
    for (const event of failedLogons) {
      const entry = pairs.get(event)!;
      expect(entry.sources).toEqual(['sentinel', 'splunk']);
      expect(entry.evidence.map((reference) => reference.eventId)).toContain(`sentinel:securityevent:${event.id}`);
    }
    for (const event of story.filter((candidate) => candidate.products.includes('xdr'))) {
      expect(pairs.get(event)!.evidence.map((reference) => reference.eventId)).toContain(`cisco-xdr:sighting-${event.id}`);
    }

    const view = collapseBursts(timeline);
    const bursts = view.filter((item) => item.kind === 'burst');
    expect(bursts).toHaveLength(1);
    expect(bursts[0]).toMatchObject({ count: 40, title: expect.stringMatching(/^40 failed logons svc_backup from 10\.10\.4\.42 to srv-db-01 between /) });
    expect(view.length).toBe(timeline.length - 39);

    const found = findings(timeline, { verdicts: verdictMap(gathered.enrichment) });
    const kinds = found.map((finding) => finding.kind);
    for (const kind of ['phishing', 'suspicious_execution', 'malware_execution', 'credential_dumping', 'brute_force_then_success', 'lateral_movement', 'command_and_control'] as const) {
      expect(kinds, kind).toContain(kind);
    }
    const bruteForce = found.find((finding) => finding.kind === 'brute_force_then_success')!;
    expect(bruteForce.evidence).toHaveLength(41);
    expect(bruteForce.summary).toMatch(/^40 failed logons of svc_backup to srv-db-01 from 10\.10\.4\.42/);
    console.info(`timeline: ${timeline.length} entries from ${gathered.events.length} gathered events (${scoped.events.length} in scope)\n` + view.map((item) => `  ${item.kind === 'burst' ? item.time : item.entry.time} ${item.kind === 'burst' ? item.title : `${item.entry.title} [${item.entry.sources.join(', ')}]`}`).join('\n'));
    console.info(found.map((finding) => `  ${finding.kind}: ${finding.summary}`).join('\n'));
  });
});
