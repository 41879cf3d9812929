import type { NotifyTarget } from '../notify-target.js';
import type { EmailSender } from './smtp-email-sender.js';
import { bodyText, slackText } from './plain-text.js';

/** Posts a plain-text message to a Slack channel (chat.postMessage); the text is already escaped. */
export type SlackPoster = (channel: string, text: string) => Promise<void>;

/** What is told about one run. Both parts may hold product text (untrusted): each channel escapes it. */
export interface JobNotification {
  subject: string;
  /** Plain text. */
  text: string;
}

export interface Notifier {
  /** Why `target` cannot be reached with the current settings (checked when a job is added), or undefined. */
  problem(target: NotifyTarget): string | undefined;
  send(target: NotifyTarget, notification: JobNotification): Promise<void>;
}

export interface JobNotifierOptions {
  email: EmailSender;
  /** Without one, Slack targets fail with a clear error until `setSlackPoster` is called. */
  slack?: SlackPoster | undefined;
}

/** Sends notifications to Slack channels (chat.postMessage) and e-mail addresses (SMTP). */
export class JobNotifier implements Notifier {
  readonly #email: EmailSender;
  #slack: SlackPoster | undefined;

  constructor(options: JobNotifierOptions) {
    this.#email = options.email;
    this.#slack = options.slack;
  }

  /** The bot swaps in its app's Web API client (shared rate limiting and retries). */
  setSlackPoster(poster: SlackPoster | undefined): void {
    this.#slack = poster;
  }

  problem(target: NotifyTarget): string | undefined {
    if (target.kind === 'email') return this.#email.problem();
    return this.#slack === undefined ? 'Slack is not configured (slack.bot_token)' : undefined;
  }

  async send(target: NotifyTarget, notification: JobNotification): Promise<void> {
    if (target.kind === 'email') {
      await this.#email.send({ to: target.address, subject: notification.subject, text: bodyText(notification.text) });
      return;
    }
    if (this.#slack === undefined) throw new Error(`cannot post to ${target.channel}: Slack is not configured (slack.bot_token)`);
    await this.#slack(target.channel, slackText(`${notification.subject}\n\n${notification.text}`));
  }
}
