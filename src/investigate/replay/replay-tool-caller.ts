import type { Caller } from '../../gateway/caller.js';
import type { CallOptions } from '../../gateway/gateway.js';
import type { GatewayResult } from '../../gateway/gateway-result.js';
import { canonicalJson } from '../../core/canonical-json.js';
import type { ToolCaller } from '../gather/index.js';
import type { InvestigationStepRecord } from '../record/investigation-store.js';
import { comparableResult, toolRequestHash, toolResponseHash, type RecordedToolCall } from '../record/step-recorder.js';
import type { ReplayDivergence } from './replay-divergence.js';

/**
 * Re-runs read calls through the real gateway and compares each output with the recorded one
 * (matched by tool and arguments, so parallel calls may finish in any order). Write and execute
 * calls are never re-sent: the recorded result stands in (a replay files no approval).
 */
export class ReplayToolCaller implements ToolCaller {
  readonly #recorded = new Map<string, InvestigationStepRecord[]>();

  constructor(
    private readonly live: ToolCaller,
    steps: readonly InvestigationStepRecord[],
    private readonly isRead: (tool: string) => boolean,
    private readonly divergences: ReplayDivergence[],
  ) {
    for (const step of steps) {
      const queue = this.#recorded.get(step.requestHash) ?? [];
      queue.push(step);
      this.#recorded.set(step.requestHash, queue);
    }
  }

  async call(name: string, input: unknown, caller: Caller, options?: CallOptions): Promise<GatewayResult> {
    const recorded = this.#recorded.get(toolRequestHash(name, input))?.shift();
    if (recorded === undefined) {
      this.divergences.push({ kind: 'tool_call_not_recorded', subject: name, detail: `called with ${canonicalJson(input).slice(0, 200)}, which the recording does not have` });
      if (!this.isRead(name)) return { outcome: 'denied', tool: name, reason: 'replay: a write or execute call that was not recorded is not made', auditSeq: 0 };
      return this.live.call(name, input, caller, options);
    }
    const saved = JSON.parse(recorded.payload) as RecordedToolCall;
    if (!this.isRead(name)) return { ...saved.result, auditSeq: 0 } as GatewayResult;
    const result = await this.live.call(name, input, caller, options);
    if (toolResponseHash(result) !== recorded.responseHash) {
      const before = comparableResult(saved.result) as { outcome: string };
      this.divergences.push({ kind: 'tool_output_changed', subject: name, detail: `${canonicalJson(input).slice(0, 160)}: recorded ${before.outcome}, now ${result.outcome}${before.outcome === result.outcome ? ' with a different output' : ''}` });
    }
    return result;
  }

  /** Recorded calls the replay did not make, as divergences. */
  unmade(): ReplayDivergence[] {
    return [...this.#recorded.values()].flat().map((step) => ({ kind: 'tool_call_not_made' as const, subject: step.name, detail: `recorded call seq ${step.seq} was not made by the replay` }));
  }
}
