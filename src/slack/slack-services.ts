import type { WebClient } from '@slack/web-api';
import type { Runtime } from '../app/runtime.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';

/**
 * What the Slack layer's listeners and jobs are built with. Listeners stay thin: they ack, then
 * hand work to these services (the same ones the CLI uses), and render Block Kit with builders.
 */
export interface SlackServices {
  runtime: Runtime;
  /** The bot's Web API client (Bolt's `app.client`), pointed at `slack.api_url`. */
  client: WebClient;
  clock: Clock;
  logger: Logger;
  /** Channel for approval messages when not posted in the job's thread (slack.approvals_channel ?? slack.channel). */
  approvalsChannel?: string;
  /** Post approval requests in the thread of the job that asked (slack.approvals_in_thread). */
  approvalsInThread: boolean;
}
