import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { writeFileAtomic } from '../../config/index.js';
import { UsageError } from '../../core/errors/index.js';
import { COMPLIANCE_FRAMEWORKS, buildComplianceReport, type ComplianceFramework, type PolicyRunResult } from '../../policy/index.js';
import { complianceFormatFromPath, renderComplianceReport } from '../../reports/index.js';
import type { CommandContext } from '../context.js';
import { oneLine } from '../investigation-text.js';
import { printJson, printLine, printNote } from '../output.js';

const POLICY_ARGUMENT = /^[a-z][a-z0-9-]{0,63}$/;
const RUN_ID = /^pol-[0-9TZ]+-[0-9a-f]{6}$/;

interface ComplianceOptions {
  framework?: string;
  output?: string;
  policy: string;
  run?: string;
  json?: boolean;
}

/** `defenseclaw report …`: reports built from stored results (today: compliance). */
export function reportCommand(context: CommandContext): Command {
  const command = new Command('report').description('reports for auditors and the team, from stored results');
  command.addCommand(complianceCommand(context));
  return command;
}

function complianceCommand(context: CommandContext): Command {
  return new Command('compliance')
    .description('controls → policy checks → pass/fail with evidence per asset, as self-contained HTML (charts inline) or JSON')
    .option('--framework <name>', `control framework: ${COMPLIANCE_FRAMEWORKS.join(', ')}`)
    .option('--output <file>', 'where to write it: .html or .json (default: DEFENSECLAW_HOME/reports/compliance-<run>.html)')
    .option('--policy <name>', 'the policies to report on (a name, or all)', 'all')
    .option('--run <id>', 'report a stored run (policy history) or latest, instead of checking now')
    .option('--json', 'print where the report went and its summary as JSON')
    .addHelpText('after', '\nWithout --run, the policies are checked now (a stored run) and the report is built from that run.\nExample:\n  defenseclaw report compliance --framework CIS --output compliance-report.html')
    .action(async (options: ComplianceOptions) => {
      const framework = frameworkOf(options.framework);
      const format = options.output === undefined ? 'html' : complianceFormatFromPath(options.output);
      if (format === undefined) throw new UsageError(`--output: "${oneLine(options.output!).slice(0, 120)}" must end in .html or .json`);
      if (!POLICY_ARGUMENT.test(options.policy)) throw new UsageError(`--policy: "${oneLine(options.policy).slice(0, 80)}" is not a policy name or all`);
      if (options.run !== undefined && options.run !== 'latest' && !RUN_ID.test(options.run)) throw new UsageError(`--run: "${oneLine(options.run).slice(0, 80)}" is not a policy run id (pol-…) or latest`);
      const runtime = context.runtime();
      const policies = runtime.policies();
      let run: PolicyRunResult | undefined;
      if (options.run === undefined) {
        run = await policies.check({
          policy: options.policy,
          requester: runtime.requester(),
          ...(options.json === true ? {} : { onProgress: (event) => event.kind === 'evaluating' && printNote(context.io, `checking ${event.policies.join(', ')} on ${event.assets} asset(s) (run ${event.runId})`) }),
        });
      } else {
        run = options.run === 'latest' ? policies.latestRun(options.policy) : policies.run(options.run);
        if (run === undefined) throw new UsageError(options.run === 'latest' ? `no finished run of ${options.policy} over the whole inventory yet (run without --run to check now)` : `no finished policy run ${options.run} (see defenseclaw policy history)`);
      }
      const report = buildComplianceReport(run, { framework, generatedAt: runtime.clock.now().toISOString(), version: runtime.version });
      const file = options.output === undefined ? join(runtime.paths.reportsDirectory, `compliance-${run.id}.html`) : resolve(context.io.cwd, options.output);
      // Reports carry host names and evidence: readable by the owner only, like the database.
      writeFileAtomic(file, renderComplianceReport(report, format), 0o600);
      if (options.json === true) {
        printJson(context.io, { file, format, framework, run: report.run, summary: report.summary, controls: report.controls.map((control) => ({ id: control.id, title: control.title, status: control.status, assets: control.assets })) });
        return;
      }
      const { byStatus } = report.summary;
      printLine(context.io, `${framework} compliance: ${byStatus.pass} of ${report.summary.controls} control(s) pass, ${byStatus.fail} fail${byStatus.error === 0 ? '' : `, ${byStatus.error} undecided`}${byStatus.not_applicable === 0 ? '' : `, ${byStatus.not_applicable} not applicable`} (run ${run.id})`);
      printLine(context.io, `Report: ${file}`);
    });
}

function frameworkOf(text: string | undefined): ComplianceFramework {
  if (text === undefined) throw new UsageError(`report compliance: --framework is required (${COMPLIANCE_FRAMEWORKS.join(', ')})`);
  const framework = COMPLIANCE_FRAMEWORKS.find((candidate) => candidate.toLowerCase() === text.trim().toLowerCase());
  if (framework === undefined) throw new UsageError(`--framework: "${oneLine(text).slice(0, 40)}" is not supported (${COMPLIANCE_FRAMEWORKS.join(', ')})`);
  return framework;
}
