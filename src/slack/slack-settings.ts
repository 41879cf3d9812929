import type { Runtime } from '../app/runtime.js';
import { ConfigError } from '../core/errors/index.js';
import type { SlackSettings } from './slack-app.js';

/** The bot's settings from config `slack.*` (env SLACK_* arrive through `${VAR}` interpolation); ConfigError naming each missing key. */
export function slackSettings(runtime: Runtime): SlackSettings {
  const loaded = runtime.config();
  const slack = loaded.config.slack;
  const missing = [
    ...(slack.bot_token === undefined ? [{ path: 'slack.bot_token', message: 'slack.bot_token is not set (e.g. bot_token: ${SLACK_BOT_TOKEN})' }] : []),
    ...(slack.signing_secret === undefined ? [{ path: 'slack.signing_secret', message: 'slack.signing_secret is not set (e.g. signing_secret: ${SLACK_SIGNING_SECRET})' }] : []),
  ];
  if (missing.length > 0) throw new ConfigError(missing.map((problem) => ({ ...problem, file: runtime.paths.configFile })));
  const approvalsChannel = slack.approvals_channel ?? slack.channel;
  return {
    botToken: slack.bot_token!,
    signingSecret: slack.signing_secret!,
    ...(slack.app_token === undefined ? {} : { appToken: slack.app_token }),
    ...(slack.api_url === undefined ? {} : { apiUrl: slack.api_url }),
    ...(approvalsChannel === undefined ? {} : { approvalsChannel }),
    approvalsInThread: slack.approvals_in_thread,
    permissions: slack.permissions,
  };
}
