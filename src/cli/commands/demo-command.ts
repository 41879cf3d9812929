import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { Runtime } from '../../app/runtime.js';
import { writeFileAtomic } from '../../config/index.js';
import { startLab } from '../../lab/lab-server.js';
import { ALL_SIMULATORS } from '../../lab/products/index.js';
import type { CommandContext } from '../context.js';
import { investigationText } from '../investigation-text.js';
import { labConfigYaml } from '../lab-config.js';
import { printJson, printLine, printNote } from '../output.js';
import { runInvestigation, writeReports } from './investigate-command.js';

const DEMO_ALERT = 'XDR-2026-001234';

/**
 * `defenseclaw demo` (`npm run demo`): the main job on the embedded lab, end to end, with nothing
 * to configure — a temporary home, the lab in-process, one investigation of the scenario's
 * incident (LLM when ANTHROPIC_API_KEY is set, deterministic triage otherwise), its timeline,
 * the HTML report, and the commands to try next.
 */
export function demoCommand(context: CommandContext): Command {
  return new Command('demo')
    .description(`investigate ${DEMO_ALERT} on the embedded lab (temporary home, no credentials needed)`)
    .option('--no-llm', 'run the deterministic triage even when ANTHROPIC_API_KEY is set')
    .option('--json', 'print the result as JSON')
    .action(async (options: { llm: boolean; json?: boolean }) => {
      const home = mkdtempSync(join(tmpdir(), 'defenseclaw-demo-'));
      const lab = await startLab({ products: ALL_SIMULATORS });
      let runtime: Runtime | undefined;
      try {
        const io = context.io;
        if (options.json !== true) printNote(io, `lab with ${Object.keys(lab.products).length} simulated products on ${lab.url}; home ${home}`);
        runtime = new Runtime({ home, env: io.env, console: { stream: io.stderr, isTTY: io.stderrIsTTY } });
        writeFileAtomic(runtime.paths.configFile, labConfigYaml(lab.url));
        runtime.reloadConfig();
        const quiet = options.json === true;
        const result = await runInvestigation({ ...context, runtime: () => runtime! }, runtime, DEMO_ALERT, { noLlm: !options.llm, quiet });
        const report = writeReports(runtime, result, undefined);
        if (options.json === true) {
          printJson(io, { home, report: report.html, result });
        } else {
          printLine(io);
          io.stdout.write(investigationText(result, { timeline: true, enrich: false }));
          printLine(io);
          printLine(io, `HTML report: ${report.html}`);
          printLine(io, `            ${pathToFileURL(report.html).href}`);
          printLine(io);
          printLine(io, 'Next, in this home (the lab stopped with the demo):');
          printLine(io, `  export DEFENSECLAW_HOME=${home}`);
          printLine(io, `  npx defenseclaw investigate show ${result.id} --enrich     # the stored result`);
          printLine(io, `  npx defenseclaw approvals list --pending                   # the proposed actions waiting for a human`);
          printLine(io, '  npx defenseclaw audit verify                               # the tamper-evident ledger of every call');
          printLine(io, 'With a lab that keeps running:');
          printLine(io, '  npx defenseclaw lab serve                                  # in one terminal');
          printLine(io, `  npx defenseclaw lab init --force && npx defenseclaw investigate --alert-id ${DEMO_ALERT} --timeline --enrich`);
          printLine(io, '  npx defenseclaw investigate replay <id>                    # re-run a recorded investigation, report divergence');
          if (result.mode === 'deterministic') printLine(io, 'Set ANTHROPIC_API_KEY to let Claude drive the investigation (the gateway still gates every action).');
        }
        if (result.status === 'failed') context.fail(1);
      } finally {
        runtime?.close();
        await lab.close();
      }
    });
}
