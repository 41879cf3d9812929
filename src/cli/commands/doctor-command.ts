import { Command, Option } from 'commander';
import { INTEGRATION_NAMES } from '../../config/index.js';
import { CONNECTOR_MODULES } from '../../connectors/registry.js';
import { anthropicIntegration, runDoctor, slackIntegration, type IntegrationHealth } from '../../doctor/index.js';
import type { CommandContext } from '../context.js';
import { printJson, renderTable } from '../output.js';

/** `defenseclaw doctor`: can DefenseClaw reach, trust and use each configured product? */
export function doctorCommand(context: CommandContext): Command {
  return new Command('doctor')
    .description('check every configured integration: reachability, TLS, authentication, one read, clock skew, rate-limit headroom')
    .addOption(new Option('--integration <name>', 'check only this integration').choices([...INTEGRATION_NAMES]))
    .option('--verbose', 'show every check, not only the verdict')
    .option('--json', 'print the results as JSON')
    .action(async (options: { integration?: string; verbose?: boolean; json?: boolean }) => {
      const runtime = context.runtime();
      const loaded = runtime.config();
      const results = (
        await runDoctor({
          loaded,
          modules: CONNECTOR_MODULES,
          extras: [slackIntegration(runtime.fetch), anthropicIntegration(runtime.fetch)],
          create: (module) => runtime.connector(module),
          clock: runtime.clock,
          ...(options.integration === undefined ? {} : { only: options.integration }),
        })
      ).map((result) => redact(result, (text) => runtime.redactor.redactText(text)));
      const checkedAt = runtime.clock.now().toISOString();
      runtime.integrationHealth().save(
        results.map((result) => ({ integration: result.integration, status: result.status, reason: result.reason, checkedAt, checks: JSON.stringify(result.checks) })),
      );
      const failed = results.filter((result) => result.status === 'fail');
      runtime.ledger().append({
        actor: runtime.actor,
        action: 'doctor.run',
        target: options.integration ?? 'all',
        scope: 'read',
        outcome: failed.length === 0 ? 'succeeded' : 'failed',
        details: { results: Object.fromEntries(results.map((result) => [result.integration, result.status])) },
      });
      if (options.json === true) printJson(context.io, { checked_at: checkedAt, ok: failed.length === 0, integrations: results });
      else {
        const rows: Array<Array<string>> = [];
        for (const result of results) {
          rows.push([result.integration, result.status.toUpperCase().replace('_', ' '), result.reason]);
          if (options.verbose === true) for (const check of result.checks) rows.push([`  ${check.name}`, check.status, check.detail]);
        }
        context.io.stdout.write(renderTable(['integration', 'result', 'reason'], rows, 110));
        const configured = results.filter((result) => result.status !== 'not_configured' && result.status !== 'disabled');
        context.io.stdout.write(`\n${configured.length - failed.length} of ${configured.length} configured integration(s) healthy${failed.length === 0 ? '' : `; failing: ${failed.map((result) => result.integration).join(', ')}`}\n`);
      }
      if (failed.length > 0) context.fail(1);
    });
}

function redact(result: IntegrationHealth, redactText: (text: string) => string): IntegrationHealth {
  return { ...result, reason: redactText(result.reason), checks: result.checks.map((check) => ({ ...check, detail: redactText(check.detail) })) };
}
