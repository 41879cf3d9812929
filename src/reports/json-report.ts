import { systemClock } from '../core/clock.js';
import type { InvestigationResult } from '../investigate/investigation.js';
import type { ReportOptions } from './report-format.js';

/** Identifies the JSON report shape; bump the version on incompatible changes. */
export const INVESTIGATION_REPORT_SCHEMA = 'defenseclaw.investigation/v1';

/**
 * The investigation result as pretty-printed JSON (two-space indent, trailing newline), with the
 * report schema id, generation time and version in front of the result's own fields.
 */
export function renderInvestigationJson(result: InvestigationResult, options: ReportOptions = {}): string {
  const envelope = {
    schema: INVESTIGATION_REPORT_SCHEMA,
    generatedAt: options.generatedAt ?? systemClock.now().toISOString(),
    version: options.version,
    ...result,
  };
  return `${JSON.stringify(envelope, null, 2)}\n`;
}
