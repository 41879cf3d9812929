import { WebClient } from '@slack/web-api';
import type { SlackPoster } from './job-notifier.js';

export interface WebApiPosterOptions {
  /** The bot token (slack.bot_token). */
  token: string;
  /** Web API base URL (slack.api_url; the lab's fake Slack), else Slack's own. */
  apiUrl?: string | undefined;
  fetch?: typeof fetch | undefined;
}

/**
 * chat.postMessage with a Web API client of its own, for processes without the bot (a policy
 * schedule run from the CLI). The bot replaces it with its app's client (`slack serve`).
 */
export function webApiPoster(options: WebApiPosterOptions): SlackPoster {
  let client: WebClient | undefined;
  return async (channel, text) => {
    client ??= new WebClient(options.token, {
      ...(options.apiUrl === undefined ? {} : { slackApiUrl: options.apiUrl }),
      retryConfig: { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 5_000 },
      timeout: 15_000,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    });
    await client.chat.postMessage({ channel, text, unfurl_links: false, unfurl_media: false });
  };
}
