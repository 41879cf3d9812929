/** One way a replay differed from the recording. */
export interface ReplayDivergence {
  kind: 'tool_output_changed' | 'tool_call_not_recorded' | 'tool_call_not_made' | 'model_request_changed' | 'model_turns_exceeded' | 'model_turns_unused' | 'result_changed';
  /** Tool id, `model`, or the result field. */
  subject: string;
  detail: string;
}
