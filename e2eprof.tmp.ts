import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ruleText, writeEvents, readEvents } from './stagebench.tmp.js';
import { CorrelationEngine, compileRuleSet } from './src/correlate/engine/index.js';
import { parseRuleCollection } from './src/correlate/rules/index.js';
const dir = mkdtempSync(join(tmpdir(), 'e2e-'));
const file = join(dir, 'e.jsonl');
writeEvents(file);
const ruleSet = compileRuleSet(parseRuleCollection(ruleText(), 'r.yaml'));
const mode = process.argv[2] ?? 'full';
for (let round = 0; round < 4; round++) {
  const engine = new CorrelationEngine<unknown>(ruleSet, { onDetection: () => {} , onCorrelation: () => {} });
  const start = process.hrtime.bigint();
  const n = readEvents(file, (event) => { if (mode === 'full') engine.push(event); });
  engine.end();
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(mode, Math.round(n / s), Math.round(s * 1000), 'ms');
}
