import { RESERVED_ROOTS } from '../expression/index.js';
import type { AgentSource } from './agent-source.js';
import type { RawAgent } from './raw-agent.js';

/**
 * Step names must be unique and must not take a root the runner fills (`params`, `steps`,
 * `trigger`). Returns each name's first step index, for the reference checks.
 */
export function checkStepNames(source: AgentSource, agent: RawAgent): Map<string, number> {
  const firstIndex = new Map<string, number>();
  for (const step of agent.steps) {
    if (step.name === undefined) continue;
    if ((RESERVED_ROOTS as readonly string[]).includes(step.name)) {
      source.report(['steps', step.index, 'name'], `step name "${step.name}" is reserved (${RESERVED_ROOTS.join(', ')} name run data)`);
    }
    const first = firstIndex.get(step.name);
    if (first === undefined) {
      firstIndex.set(step.name, step.index);
      continue;
    }
    const { line } = source.locate(['steps', first, 'name']);
    source.report(['steps', step.index, 'name'], `duplicate step name "${step.name}" (first used at line ${line})`);
  }
  return firstIndex;
}
