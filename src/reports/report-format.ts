import { extname } from 'node:path';
import type { InvestigationResult } from '../investigate/investigation.js';
import { renderInvestigationHtml } from './html-report.js';
import { renderInvestigationJson } from './json-report.js';
import { renderInvestigationMarkdown } from './markdown-report.js';

/** The formats an investigation report can be written in. */
export type ReportFormat = 'html' | 'json' | 'md';

/** What every renderer takes besides the result. */
export interface ReportOptions {
  /** When the report was generated, ISO-8601 UTC. Default: now. */
  generatedAt?: string;
  /** DefenseClaw version that generated it. */
  version?: string;
}

const FORMAT_BY_EXTENSION: Readonly<Record<string, ReportFormat>> = {
  '.html': 'html',
  '.htm': 'html',
  '.json': 'json',
  '.md': 'md',
  '.markdown': 'md',
};

/**
 * The report format a file name asks for, by its extension (case-insensitive): `.html`/`.htm`,
 * `.json`, `.md`/`.markdown`. Undefined for any other extension or none.
 */
export function reportFormatFromPath(file: string): ReportFormat | undefined {
  const extension = extname(file).toLowerCase();
  return Object.hasOwn(FORMAT_BY_EXTENSION, extension) ? FORMAT_BY_EXTENSION[extension] : undefined;
}

/** Renders an investigation result in the given format. */
export function renderInvestigationReport(result: InvestigationResult, format: ReportFormat, options: ReportOptions = {}): string {
  switch (format) {
    case 'html':
      return renderInvestigationHtml(result, options);
    case 'json':
      return renderInvestigationJson(result, options);
    case 'md':
      return renderInvestigationMarkdown(result, options);
  }
}
