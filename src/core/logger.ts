import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { type DestinationStream, type Level, type Logger, type StreamEntry } from 'pino';
import pretty from 'pino-pretty';

export type { Logger } from 'pino';

export type LogLevel = Level | 'silent';

export interface CreateLoggerOptions {
  level: LogLevel;
  /** JSON-lines log file (created with its folder). Omit to log nowhere but the console stream. */
  filePath?: string;
  /** Pretty, human-readable copy of the log for a terminal (a TTY). */
  console?: { stream: NodeJS.WritableStream; level: LogLevel; colorize: boolean };
  /** Extra streams, e.g. a Writable in tests. */
  streams?: Array<{ stream: DestinationStream | NodeJS.WritableStream; level?: LogLevel }>;
  /** pino redact paths (from the config schema's secret fields, plus headers). */
  redactPaths?: readonly string[];
  /**
   * Secret values to scrub from every line whatever field they hide in. Called per line, so it
   * can grow (e.g. a token fetched later).
   */
  secretValues?: () => readonly string[];
  /** Write the file synchronously (CLI: nothing lost on exit) or buffered (long-running bot). */
  sync?: boolean;
}

/** Paths that are secret wherever they appear in a log object. */
export const DEFAULT_REDACT_PATHS: readonly string[] = [
  'authorization',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["x-auth-access-token"]',
  'headers["x-auth-refresh-token"]',
  'headers["x-slack-signature"]',
  'headers.cookie',
  'request.headers.authorization',
  'response.headers["set-cookie"]',
  'password',
  'token',
  'secret',
  'apiKey',
  'api_key',
  'client_secret',
  '*.password',
  '*.token',
  '*.secret',
  '*.apiKey',
  '*.api_key',
  '*.client_secret',
];

export const REDACTED = '[REDACTED]';

/** Replaces every occurrence of each secret value in `text`. Values shorter than 4 characters are ignored. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    // The same value JSON-escaped (quotes or backslashes inside a secret).
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret && out.includes(escaped)) out = out.split(escaped).join(REDACTED);
  }
  return out;
}

/**
 * Builds the process logger: JSON lines to a file, optionally pretty to a terminal, with
 * secret paths redacted and known secret values scrubbed from the final text.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const entries: StreamEntry[] = [];
  if (options.filePath !== undefined) {
    mkdirSync(dirname(options.filePath), { recursive: true, mode: 0o700 });
    entries.push({
      level: asStreamLevel(options.level),
      stream: pino.destination({ dest: options.filePath, mkdir: true, sync: options.sync ?? true, mode: 0o600 }),
    });
  }
  if (options.console !== undefined) {
    entries.push({
      level: asStreamLevel(options.console.level),
      stream: pretty({ colorize: options.console.colorize, destination: options.console.stream, sync: true }),
    });
  }
  for (const extra of options.streams ?? []) {
    entries.push({ level: asStreamLevel(extra.level ?? options.level), stream: extra.stream as DestinationStream });
  }
  const secretValues = options.secretValues;
  const base = pino(
    {
      level: options.level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: [...(options.redactPaths ?? DEFAULT_REDACT_PATHS)], censor: REDACTED },
      hooks: secretValues === undefined ? {} : { streamWrite: (line: string) => scrubSecrets(line, secretValues()) },
    },
    entries.length === 0 ? pino.destination({ dest: '/dev/null', sync: true }) : pino.multistream(entries, { dedupe: false }),
  );
  return base;
}

function asStreamLevel(level: LogLevel): Level {
  // multistream has no 'silent' stream level; the highest real level keeps such a stream quiet.
  return level === 'silent' ? 'fatal' : level;
}
