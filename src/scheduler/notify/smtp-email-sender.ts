import { hostname } from 'node:os';
import { createTransport } from 'nodemailer';
import { SmtpNotConfiguredError } from '../errors/index.js';
import { headerText } from './plain-text.js';

/** Config `smtp.*`. `password` is a secret: it goes to the SMTP server's AUTH and nowhere else. */
export interface SmtpSettings {
  /** Unset: e-mail is not configured. */
  host?: string | undefined;
  port: number;
  /** true: TLS from the first byte (port 465); false: STARTTLS when the server offers it. */
  secure: boolean;
  username?: string | undefined;
  password?: string | undefined;
  /** Sender address; default `defenseclaw@<this host>`. */
  from?: string | undefined;
}

export interface EmailMessage {
  to: string;
  subject: string;
  /** Plain text. */
  text: string;
}

export interface EmailSender {
  /** Why e-mail cannot be sent with these settings, or undefined. */
  problem(): string | undefined;
  send(message: EmailMessage): Promise<void>;
}

/** Connection, greeting and idle-socket timeouts of one delivery. */
const CONNECTION_TIMEOUT_MS = 10_000;
const SOCKET_TIMEOUT_MS = 30_000;

/**
 * Sends each message over a new SMTP connection (nodemailer): `secure` for implicit TLS, otherwise
 * STARTTLS whenever the server offers it (certificates verified), and required when AUTH would go to
 * a server that is not on loopback; AUTH with smtp.username/password when a username is set. Every
 * header value goes through `headerText` (no CR/LF).
 */
export function createSmtpEmailSender(settings: SmtpSettings): EmailSender {
  const problem = (): string | undefined => {
    try {
      return settings.host === undefined || settings.host.trim() === '' ? 'smtp.host is not configured' : undefined;
    } catch (error) {
      // A `${SMTP_HOST}` that is not set: config says which variable.
      return error instanceof Error ? error.message : String(error);
    }
  };
  return {
    problem,
    async send(message) {
      const to = headerText(message.to, 254);
      const reason = problem();
      if (reason !== undefined) throw new SmtpNotConfiguredError(to, reason);
      const transport = createTransport({
        host: settings.host,
        port: settings.port,
        secure: settings.secure,
        ...(settings.username === undefined ? {} : { auth: { user: settings.username, pass: settings.password ?? '' } }),
        // Credentials never cross the network in clear: with AUTH to a server off this machine,
        // STARTTLS is required, not just taken when offered.
        requireTLS: settings.username !== undefined && !isLoopback(settings.host!),
        connectionTimeout: CONNECTION_TIMEOUT_MS,
        greetingTimeout: CONNECTION_TIMEOUT_MS,
        socketTimeout: SOCKET_TIMEOUT_MS,
        // nodemailer logs nothing unless asked; say so, since its debug output would show AUTH.
        logger: false,
        debug: false,
      });
      try {
        await transport.sendMail({
          from: headerText(settings.from ?? `defenseclaw@${headerText(hostname()).replace(/[^A-Za-z0-9.-]/g, '') || 'localhost'}`, 254),
          to,
          subject: headerText(message.subject),
          text: message.text,
          // Plain text only: nothing in a product's text can become markup.
          textEncoding: 'quoted-printable',
        });
      } finally {
        transport.close();
      }
    },
  };
}

function isLoopback(host: string): boolean {
  const name = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return name === 'localhost' || name === '::1' || /^127(\.\d{1,3}){3}$/.test(name);
}
