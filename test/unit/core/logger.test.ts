import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_REDACT_PATHS, createLogger, scrubSecrets } from '../../../src/core/logger.js';
import { temporaryHome } from '../../helpers/cli.js';

let home: ReturnType<typeof temporaryHome>;
beforeEach(() => {
  home = temporaryHome();
});
afterEach(() => home.cleanup());

describe('createLogger', () => {
  it('writes JSON lines at the configured level, with secret paths redacted and secret values scrubbed', () => {
    const filePath = join(home.home, 'logs', 'defenseclaw.log');
    const logger = createLogger({
      level: 'info',
      filePath,
      redactPaths: [...DEFAULT_REDACT_PATHS, 'config.integrations.splunk.token'],
      secretValues: () => ['configured-secret-value-1234'],
    });
    logger.debug('not at this level');
    logger.info(
      {
        headers: { authorization: 'Bearer abc.def.ghi', accept: 'application/json' },
        config: { integrations: { splunk: { token: 'splunk-token-xyz', url: 'https://splunk:8089' } } },
        upstream: { client_secret: 'client-secret-777' },
      },
      'called upstream with configured-secret-value-1234',
    );
    logger.flush();
    const lines = readFileSync(filePath, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(1);
    const [line] = lines as [Record<string, any>];
    expect(line.msg).toBe('called upstream with [REDACTED]');
    expect(line.level).toBe(30);
    expect(line.headers).toEqual({ authorization: '[REDACTED]', accept: 'application/json' });
    expect(line.config.integrations.splunk).toEqual({ token: '[REDACTED]', url: 'https://splunk:8089' });
    expect(line.upstream.client_secret).toBe('[REDACTED]');
    const text = readFileSync(filePath, 'utf8');
    for (const secret of ['abc.def.ghi', 'splunk-token-xyz', 'client-secret-777', 'configured-secret-value-1234']) expect(text).not.toContain(secret);
  });

  it('prints a pretty copy for a terminal at its own level', async () => {
    const terminal = new PassThrough();
    let printed = '';
    terminal.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
    const logger = createLogger({
      level: 'debug',
      console: { stream: terminal, level: 'warn', colorize: false },
      secretValues: () => ['terminal-secret-0001'],
    });
    logger.info('quiet on the terminal');
    logger.warn({ host: 'srv-db-01' }, 'circuit open for terminal-secret-0001');
    await new Promise((resolve) => setImmediate(resolve));
    expect(printed).toContain('WARN');
    expect(printed).toContain('circuit open for [REDACTED]');
    expect(printed).not.toContain('quiet on the terminal');
    expect(() => JSON.parse(printed.trim().split('\n')[0]!)).toThrow();
  });
});

describe('scrubSecrets', () => {
  it('replaces each secret and its JSON-escaped form, ignoring very short values', () => {
    expect(scrubSecrets('a "quoted\\"secret" and abc', ['quoted"secret', 'abc'])).toBe('a "[REDACTED]" and abc');
  });
});
