import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../core/logger.js';

const TO_PINO: Record<LogLevel, string> = { [LogLevel.DEBUG]: 'debug', [LogLevel.INFO]: 'info', [LogLevel.WARN]: 'warn', [LogLevel.ERROR]: 'error' };
const FROM_PINO: Record<string, LogLevel> = { trace: LogLevel.DEBUG, debug: LogLevel.DEBUG, info: LogLevel.INFO, warn: LogLevel.WARN, error: LogLevel.ERROR, fatal: LogLevel.ERROR, silent: LogLevel.ERROR };

/**
 * Bolt's (and web-api's) logger interface over our pino logger, so their lines land in the same
 * file with the same redaction and secret scrubbing. Bolt passes printf-style arguments; they are
 * joined into the message, errors kept as `err`.
 */
export function boltLogger(logger: Logger, name = 'bolt'): BoltLogger {
  let child = logger.child({ component: name });
  const write = (level: 'debug' | 'info' | 'warn' | 'error', parts: unknown[]) => {
    const error = parts.find((part): part is Error => part instanceof Error);
    const message = parts.map((part) => (part instanceof Error ? part.message : typeof part === 'string' ? part : safeJson(part))).join(' ');
    if (error === undefined) child[level](message);
    else child[level]({ err: error }, message);
  };
  return {
    debug: (...parts) => write('debug', parts),
    info: (...parts) => write('info', parts),
    warn: (...parts) => write('warn', parts),
    error: (...parts) => write('error', parts),
    setLevel(level) {
      child.level = TO_PINO[level];
    },
    getLevel() {
      return FROM_PINO[child.level] ?? LogLevel.INFO;
    },
    setName(next) {
      child = logger.child({ component: next }, { level: child.level });
    },
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
