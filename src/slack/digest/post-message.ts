import type { ChatPostMessageArguments, ChatPostMessageResponse, WebClient } from '@slack/web-api';
import type { Logger } from '../../core/logger.js';

/** Attempts of one message when Slack answers "rate limited". */
const MAX_ATTEMPTS = 6;
/** Wait when a rate-limit answer names no Retry-After. */
const DEFAULT_RETRY_AFTER_SECONDS = 1;

/**
 * chat.postMessage that waits out Slack's per-channel rate limit (about one message per second)
 * and tries again. Safe to repeat: a rate-limited message was not posted. Any other error is
 * thrown at once (web-api's own retry policy, if configured, has already run).
 */
export async function postMessageWithinRateLimit(client: WebClient, message: ChatPostMessageArguments, logger?: Logger): Promise<ChatPostMessageResponse> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await client.chat.postMessage(message);
    } catch (error) {
      const retryAfterSeconds = rateLimitedFor(error);
      if (retryAfterSeconds === undefined || attempt >= MAX_ATTEMPTS) throw error;
      logger?.debug({ retry_after_s: retryAfterSeconds, attempt }, 'slack rate limit: waiting before posting again');
      await new Promise((resolve) => setTimeout(resolve, retryAfterSeconds * 1000));
    }
  }
}

/** Seconds to wait when `error` is a rate-limit answer from web-api, else undefined. */
function rateLimitedFor(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate = error as { code?: unknown; retryAfter?: unknown; message?: unknown; data?: { error?: unknown } };
  if (candidate.code === 'slack_webapi_rate_limited_error') return typeof candidate.retryAfter === 'number' ? candidate.retryAfter : DEFAULT_RETRY_AFTER_SECONDS;
  if (candidate.code === 'slack_webapi_platform_error' && candidate.data?.error === 'ratelimited') return DEFAULT_RETRY_AFTER_SECONDS;
  // With retries exhausted after 429s, web-api throws a request error saying so.
  if (candidate.code === 'slack_webapi_request_error' && typeof candidate.message === 'string' && /rate limit/i.test(candidate.message)) return DEFAULT_RETRY_AFTER_SECONDS;
  return undefined;
}
