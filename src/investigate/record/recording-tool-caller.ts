import type { Caller } from '../../gateway/caller.js';
import type { CallOptions } from '../../gateway/gateway.js';
import type { GatewayResult } from '../../gateway/gateway-result.js';
import type { ToolCaller } from '../gather/index.js';
import type { StepRecorder } from './step-recorder.js';

/** A ToolCaller that records every call and its result (for replay) and tells an observer. */
export class RecordingToolCaller implements ToolCaller {
  constructor(
    private readonly inner: ToolCaller,
    private readonly recorder: StepRecorder,
    private readonly observe?: (tool: string, input: unknown, result: GatewayResult, durationMs: number) => void,
  ) {}

  async call(name: string, input: unknown, caller: Caller, options?: CallOptions): Promise<GatewayResult> {
    const started = performance.now();
    const result = await this.inner.call(name, input, caller, options);
    this.recorder.toolCall(name, input, result);
    this.observe?.(name, input, result, performance.now() - started);
    return result;
  }
}
