import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ruleText, writeEvents, readEvents } from './stagebench.tmp.js';
import { CorrelationEngine, DetectionIndex, compileRuleSet, type FlatEvent } from './src/correlate/engine/index.js';
import { parseRuleCollection } from './src/correlate/rules/index.js';
const dir = mkdtempSync(join(tmpdir(), 'stage-'));
const file = join(dir, 'e.jsonl');
writeEvents(file);
const ruleSet = compileRuleSet(parseRuleCollection(ruleText(), 'r.yaml'));
const index = new DetectionIndex(ruleSet.detections);
const matches = new Int32Array(ruleSet.detections.length);
const routed = ruleSet.routes.map((r) => r.length > 0);
const recorded: Array<{ event: FlatEvent<unknown>; rules: Int32Array }> = [];
const perRule = new Map<string, number>();
readEvents(file, (event) => {
  const count = index.match(event.fields, matches);
  let hit = false;
  for (let at = 0; at < count; at += 1) { hit ||= routed[matches[at]!]!; if (routed[matches[at]!]) { const n = ruleSet.summaries[matches[at]!]!.name!; perRule.set(n, (perRule.get(n) ?? 0) + 1); } }
  if (hit) recorded.push({ event, rules: matches.slice(0, count) });
});
console.log(perRule);
import { PerformanceObserver } from 'node:perf_hooks';
let gcMs = 0; const kinds = new Map<number, number>();
new PerformanceObserver((list) => { for (const e of list.getEntries()) { gcMs += e.duration; const k = (e as any).detail?.kind ?? 0; kinds.set(k, (kinds.get(k) ?? 0) + e.duration); } }).observe({ entryTypes: ['gc'] });
for (let round = 0; round < 8; round++) {
  const stage = new CorrelationEngine<unknown>(ruleSet);
  const start = process.hrtime.bigint();
  for (const { event, rules } of recorded) stage.correlate(event, rules, rules.length);
  stage.end();
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  await new Promise((r) => setTimeout(r, 10));
  console.log(Math.round(recorded.length / s), 'stage ms', Math.round(s * 1000), 'gc ms', Math.round(gcMs), JSON.stringify([...kinds]));
  gcMs = 0; kinds.clear();
}
