import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { z } from 'zod';
import { writeFileAtomic } from '../../config/index.js';
import { DefenseClawError, InputError, UsageError } from '../../core/errors/index.js';
import { isLabConfig, labConfigYaml } from '../lab-config.js';
import { startLab } from '../../lab/lab-server.js';
import { ALL_SIMULATORS } from '../../lab/products/index.js';
import type { CommandContext } from '../context.js';
import { printJson, printLine, printNote } from '../output.js';
import { parsePositiveInteger } from '../time-options.js';

const labFileSchema = z.object({ url: z.string().url(), pid: z.number().optional(), startedAt: z.string().optional() }).loose();

/** `defenseclaw lab …`: the embedded simulators of every product, for trying DefenseClaw offline. */
export function labCommand(context: CommandContext): Command {
  const command = new Command('lab').description('offline simulators of every product (and a fake Slack Web API) on loopback');

  command
    .command('serve')
    .description('start the lab; prints one JSON line with its base URL and runs until SIGINT/SIGTERM')
    .option('--port <port>', 'port to listen on (0 picks a free one)', '0')
    .option('--host <host>', 'address to listen on (loopback only by default)', '127.0.0.1')
    .option('--seed <seed>', 'scenario seed: the same seed gives the same world', '2026')
    .option('--token-ttl <seconds>', 'lifetime of every access token instead of each product’s real one')
    .option('--extra-hosts <count>', 'add synthetic workstations to Secure Endpoint and CrowdStrike (load tests)', '0')
    .action(async (options: { port: string; host: string; seed: string; tokenTtl?: string; extraHosts: string }) => {
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: "${options.port}" is not a port number (0-65535)`);
      const seed = Number(options.seed);
      if (!Number.isInteger(seed)) throw new UsageError(`--seed: "${options.seed}" is not a whole number`);
      const extraHosts = options.extraHosts === '0' ? 0 : parsePositiveInteger(options.extraHosts, '--extra-hosts');
      const tokenTtlSeconds = options.tokenTtl === undefined ? undefined : parsePositiveInteger(options.tokenTtl, '--token-ttl');
      const runtime = context.runtime();
      const lab = await startLab({
        products: ALL_SIMULATORS,
        seed,
        host: options.host,
        port,
        extraHosts,
        clock: runtime.clock,
        ...(tokenTtlSeconds === undefined ? {} : { tokenTtlSeconds }),
      }).catch((error: NodeJS.ErrnoException) => {
        throw new DefenseClawError(`lab could not listen on ${options.host}:${port}: ${error.code ?? error.message}`, { code: 'lab_listen_failed', cause: error });
      });
      const labFile = join(runtime.paths.home, 'lab.json');
      const startedAt = runtime.clock.now().toISOString();
      writeFileAtomic(labFile, `${JSON.stringify({ url: lab.url, pid: process.pid, seed, startedAt }, null, 2)}\n`, 0o644);
      context.io.stdout.write(
        `${JSON.stringify({ url: lab.url, port: lab.port, seed, products: Object.fromEntries(Object.entries(lab.products).map(([name, prefix]) => [name, `${lab.url}${prefix}`])), endpoints: lab.endpoints, credentials: `${lab.url}/__lab/credentials` })}\n`,
      );
      printNote(context.io, `lab listening on ${lab.url} (Ctrl-C to stop); next: defenseclaw lab init`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await lab.close();
      // Only forget the URL if it is still ours (another lab may have started since).
      try {
        const recorded = labFileSchema.parse(JSON.parse(readFileSync(labFile, 'utf8')));
        if (recorded.url === lab.url) rmSync(labFile, { force: true });
      } catch {
        // Nothing to clean up.
      }
    });

  command
    .command('init')
    .description('write a config.yaml that points every connector and Slack at the lab')
    .option('--url <url>', 'the lab base URL (default: the one `lab serve` recorded in DEFENSECLAW_HOME/lab.json)')
    .option('--force', 'overwrite a config.yaml that lab init did not write (the old one is kept as config.yaml.bak)')
    .option('--json', 'print the result as JSON')
    .action((options: { url?: string; force?: boolean; json?: boolean }) => {
      const runtime = context.runtime();
      const url = options.url ?? recordedUrl(join(runtime.paths.home, 'lab.json'));
      try {
        const parsed = new URL(url);
        if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('protocol');
      } catch {
        throw new UsageError(`--url: "${url}" is not an http(s) URL`);
      }
      const file = runtime.paths.configFile;
      const existed = existsSync(file);
      const previous = existed ? readFileSync(file, 'utf8') : undefined;
      // A config an earlier `lab init` wrote only points at a lab (which may have moved port): re-pointing it needs no --force.
      if (previous !== undefined && options.force !== true && !isLabConfig(previous)) {
        throw new DefenseClawError(`${file} already exists and was not written by lab init; use --force to overwrite it`, { code: 'config_exists', exitCode: 2 });
      }
      let backup: string | undefined;
      if (previous !== undefined) {
        backup = `${file}.bak`;
        writeFileAtomic(backup, previous);
      }
      writeFileAtomic(file, labConfigYaml(url));
      runtime.reloadConfig();
      const record = runtime.ledger().append({
        actor: runtime.actor,
        action: 'config.init',
        target: file,
        scope: 'admin',
        outcome: 'succeeded',
        details: { lab: url, overwritten: existed, ...(backup === undefined ? {} : { backup }) },
      });
      if (options.json === true) printJson(context.io, { file, lab: url, overwritten: existed, backup: backup ?? null, audit_seq: record.seq });
      else {
        printLine(context.io, `wrote ${file} for the lab at ${url}${existed ? ` (previous config kept as ${backup})` : ''}`);
        printNote(context.io, 'next: defenseclaw doctor');
      }
    });

  return command;
}

function recordedUrl(labFile: string): string {
  if (!existsSync(labFile)) throw new UsageError(`no running lab recorded in ${labFile}; start one with \`defenseclaw lab serve\` or pass --url`);
  try {
    return labFileSchema.parse(JSON.parse(readFileSync(labFile, 'utf8'))).url;
  } catch (error) {
    throw new InputError({ file: labFile, message: `not a lab record: ${(error as Error).message.split('\n')[0]}` }, { cause: error });
  }
}
