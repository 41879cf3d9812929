import { ModelRequestError, type ModelClient, type ModelRequest, type ModelResponse } from '../../llm/index.js';
import type { InvestigationStepRecord } from '../record/investigation-store.js';
import { modelRequestHash } from '../record/step-recorder.js';
import type { ReplayDivergence } from './replay-divergence.js';

/**
 * A ModelClient that answers with the recorded responses, in order, and notes every request that
 * differs from the one recorded at that turn (a changed tool output changes the next request).
 */
export class ReplayModelClient implements ModelClient {
  #next = 0;

  constructor(
    private readonly turns: readonly InvestigationStepRecord[],
    private readonly divergences: ReplayDivergence[],
  ) {}

  async complete(request: ModelRequest): Promise<ModelResponse> {
    const turn = this.turns[this.#next];
    if (turn === undefined) {
      this.divergences.push({ kind: 'model_turns_exceeded', subject: 'model', detail: `the replay asked for model turn ${this.#next + 1}; the recording has ${this.turns.length}` });
      throw new ModelRequestError('replay: no recorded response for this turn');
    }
    this.#next += 1;
    if (modelRequestHash(request) !== turn.requestHash) {
      this.divergences.push({ kind: 'model_request_changed', subject: 'model', detail: `turn ${this.#next}: what the model would be sent differs from the recording (a tool output or the prompt changed)` });
    }
    return JSON.parse(turn.payload) as ModelResponse;
  }

  /** Recorded turns the replay never reached. */
  unused(): number {
    return this.turns.length - this.#next;
  }
}
