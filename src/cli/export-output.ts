import { createWriteStream, fchmodSync, openSync } from 'node:fs';
import { HecSender } from '../audit/index.js';
import { UsageError } from '../core/errors/index.js';
import { oneLine } from './investigation-text.js';

/** Where an export goes: `--output FILE`, `--destination URL` (a Splunk HEC) or stdout. */
export interface ExportTargetOptions {
  format: string;
  output?: string;
  destination?: string;
}

/** The usage rules both export commands share: one target, and a collector only takes HEC envelopes. */
export function checkExportTarget(options: ExportTargetOptions): void {
  if (options.output !== undefined && options.destination !== undefined) throw new UsageError('--output and --destination cannot be used together');
  if (options.destination !== undefined && options.format !== 'splunk-hec') throw new UsageError('--destination needs --format splunk-hec');
}

/**
 * A sender to the Splunk HTTP Event Collector at `destination`, with the token of
 * `integrations.splunk.hec_token`, and the URL as it may be shown (no query, no credentials).
 */
export function hecDestination(destination: string, token: string | undefined, fetch?: typeof globalThis.fetch): { sender: HecSender; label: string } {
  let url: URL;
  try {
    url = new URL(destination);
  } catch {
    throw new UsageError(`--destination: "${oneLine(destination)}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--destination: "${oneLine(destination)}" must be an http(s) URL`);
  if (token === undefined) throw new UsageError('--destination needs integrations.splunk.hec_token in config (e.g. hec_token: ${SPLUNK_HEC_TOKEN})');
  return { sender: new HecSender({ url: url.toString(), token, ...(fetch === undefined ? {} : { fetch }) }), label: `${url.protocol}//${url.host}${url.pathname}` };
}

/** Text output with back-pressure: a file (mode 0600, even when it existed) or the given stream. */
export interface ExportOutput {
  write(chunk: string): Promise<void>;
  /** Flushes and closes a file; leaves stdout open. */
  close(): Promise<void>;
}

export function openExportOutput(file: string | undefined, stdout: NodeJS.WritableStream): ExportOutput {
  const sink = file === undefined ? stdout : createPrivateFile(file);
  return {
    write: (chunk) =>
      new Promise((resolve, reject) => {
        const ok = sink.write(chunk, (error) => (error ? reject(error) : undefined));
        if (ok) resolve();
        else sink.once('drain', () => resolve());
      }),
    close: () => (sink === stdout ? Promise.resolve() : new Promise<void>((resolve, reject) => sink.end((error?: Error | null) => (error ? reject(error) : resolve())))),
  };
}

function createPrivateFile(file: string): NodeJS.WritableStream {
  let descriptor: number;
  try {
    descriptor = openSync(file, 'w', 0o600);
  } catch (error) {
    throw cannotWrite(file, error);
  }
  // Records and assets name people and hosts: the file is private whatever its mode was before.
  fchmodSync(descriptor, 0o600);
  return createWriteStream(file, { fd: descriptor });
}

/** `--output FILE` that cannot be written: bad input (exit 2), naming the file. */
export function cannotWrite(file: string, error: unknown): UsageError {
  return new UsageError(`--output: cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
}
