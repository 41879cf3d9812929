import type { Runtime } from '../../app/runtime.js';
import type { Logger } from '../../core/logger.js';
import type { ThreadPoster } from '../thread/thread-poster.js';

/** What a Slack job needs: the runtime's services, the poster for its thread, a logger. */
export interface JobContext {
  runtime: Runtime;
  poster: ThreadPoster;
  logger: Logger;
  /** Step outputs larger than this (characters of JSON) are attached as a JSON file (default 3000). */
  reportThresholdChars?: number;
}

/** Who asked, and where the job's thread goes. */
export interface JobOrigin {
  /** Slack user id. */
  user: string;
  channel: string;
}

/** The principal Slack users act as, for the gateway and approvals. */
export function slackPrincipal(user: string): string {
  return `slack:${user}`;
}
