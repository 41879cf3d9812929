import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';

/** One message the sink accepted. */
export interface SunkMessage {
  /** MAIL FROM. */
  from: string;
  /** RCPT TO, in order. */
  to: string[];
  /** The AUTH user name, when the client authenticated. */
  authUser: string | undefined;
  /** The message exactly as received (headers and body, CRLF line ends). */
  raw: string;
  /** Header name (lower case) → unfolded value; encoded words (RFC 2047) decoded. */
  headers: Map<string, string>;
  subject: string;
  /** The body, quoted-printable or base64 decoded when the message says so. */
  text: string;
}

export interface SmtpSink {
  host: string;
  port: number;
  /** Every message accepted so far, oldest first. */
  messages: SunkMessage[];
  close(): Promise<void>;
}

/**
 * A local SMTP server on 127.0.0.1 (a free port) for tests: no TLS (STARTTLS not offered), AUTH
 * optional and accepted for any user, every message kept in `messages`.
 */
export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: SunkMessage[] = [];
  const server = new SMTPServer({
    authOptional: true,
    // No certificate: plain SMTP only, and AUTH is allowed without TLS (loopback).
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        messages.push(parseMessage(raw, address(session.envelope.mailFrom), session.envelope.rcptTo.map((recipient) => recipient.address), typeof session.user === 'string' ? session.user : undefined));
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function address(value: SMTPServerAddress | false): string {
  return value === false ? '' : value.address;
}

function parseMessage(raw: string, from: string, to: string[], authUser: string | undefined): SunkMessage {
  const split = raw.indexOf('\r\n\r\n');
  const head = split === -1 ? raw : raw.slice(0, split);
  const body = split === -1 ? '' : raw.slice(split + 4);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), decodeWords(line.slice(colon + 1).trim()));
  }
  const encoding = headers.get('content-transfer-encoding')?.toLowerCase();
  const text = encoding === 'quoted-printable' ? decodeQuotedPrintable(body) : encoding === 'base64' ? Buffer.from(body, 'base64').toString('utf8') : body;
  return { from, to, authUser, raw, headers, subject: headers.get('subject') ?? '', text: text.replace(/\r\n/g, '\n') };
}

/** `=?UTF-8?Q?…?=` and `=?UTF-8?B?…?=` words (adjacent words joined, as RFC 2047 says). */
function decodeWords(value: string): string {
  return value.replace(/\?=\s+=\?/g, '?==?').replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_word, _charset: string, kind: string, encoded: string) =>
    kind.toUpperCase() === 'B' ? Buffer.from(encoded, 'base64').toString('utf8') : decodeQuotedPrintable(encoded.replace(/_/g, ' ')),
  );
}

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  const unfolded = text.replace(/=\r?\n/g, '');
  for (let index = 0; index < unfolded.length; index += 1) {
    const character = unfolded[index]!;
    const hex = unfolded.slice(index + 1, index + 3);
    if (character === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      index += 2;
    } else bytes.push(...Buffer.from(character, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}
