import { DefenseClawError } from '../../core/errors/index.js';

/** An e-mail notification was asked for but SMTP is not configured (`smtp.host` unset). */
export class SmtpNotConfiguredError extends DefenseClawError {
  readonly recipient: string;
  readonly reason: string;

  constructor(recipient: string, reason = 'smtp.host is not configured') {
    super(`cannot e-mail ${recipient}: ${reason} (defenseclaw config set smtp.host <server>, and smtp.from, smtp.username, smtp.password as needed)`, {
      code: 'smtp_not_configured',
      exitCode: 2,
    });
    this.recipient = recipient;
    this.reason = reason;
  }
}
