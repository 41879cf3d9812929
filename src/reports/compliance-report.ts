import { extname } from 'node:path';
import type { ComplianceControl, ComplianceReport, ControlAsset, ControlStatus } from '../policy/compliance.js';
import type { CheckEvidence, CheckStatus, RemediationOutcome } from '../policy/policy-run.js';
import { formatCount, formatUtc, outcomeLabel } from './html-report.js';
import { SafeHtml, html, type HtmlValue } from './safe-html.js';
import { BASE_STYLE } from './report-style.js';

/** The formats a compliance report can be written in. */
export type ComplianceReportFormat = 'html' | 'json';

/** `.html`/`.htm` → html, `.json` → json (case-insensitive); undefined for anything else. */
export function complianceFormatFromPath(file: string): ComplianceReportFormat | undefined {
  const extension = extname(file).toLowerCase();
  if (extension === '.html' || extension === '.htm') return 'html';
  if (extension === '.json') return 'json';
  return undefined;
}

export function renderComplianceReport(report: ComplianceReport, format: ComplianceReportFormat): string {
  return format === 'html' ? renderComplianceHtml(report) : renderComplianceJson(report);
}

/** The report model as indented JSON (schema `defenseclaw.compliance/v1`). */
export function renderComplianceJson(report: ComplianceReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** A number for an SVG attribute: finite, at most two decimals; anything else is 0. */
function svgNumber(value: number): SafeHtml {
  return new SafeHtml(Number.isFinite(value) ? String(Math.round(value * 100) / 100) : '0');
}

// CSS classes and colours come only from these tables: product data never becomes markup.
const STATUS_CLASS: Readonly<Record<ControlStatus | CheckStatus, string>> = { pass: 'state-ok', fail: 'state-bad', error: 'state-warn', not_applicable: 'state-info' };
const STATUS_COLOUR: Readonly<Record<ControlStatus, string>> = { pass: '#1a7f37', fail: '#cf222e', error: '#9a6700', not_applicable: '#8c959f' };
const STATUS_LABEL: Readonly<Record<ControlStatus, string>> = { pass: 'pass', fail: 'fail', error: 'error', not_applicable: 'not applicable' };
const SEVERITY_CLASS: Readonly<Record<string, string>> = { info: 'sev-info', low: 'sev-low', medium: 'sev-medium', high: 'sev-high', critical: 'sev-critical' };

function classFor<T extends string>(table: Readonly<Record<T, string>>, key: unknown, fallback: string): string {
  return typeof key === 'string' && Object.hasOwn(table, key) ? (table[key as T] ?? fallback) : fallback;
}

function badge(label: string, cssClass: string): SafeHtml {
  return html`<span class="badge ${cssClass}">${label}</span>`;
}

function statusBadge(status: ControlStatus | CheckStatus): SafeHtml {
  return badge(classFor(STATUS_LABEL, status, String(status)), classFor(STATUS_CLASS, status, 'state-info'));
}

function table(headers: readonly string[], rows: readonly (readonly HtmlValue[])[]): SafeHtml {
  if (rows.length === 0) return html`<p class="none">None</p>`;
  return html`<table>
<thead><tr>${headers.map((header) => html`<th scope="col">${header}</th>`)}</tr></thead>
<tbody>
${rows.map((cells) => html`<tr>${cells.map((cell) => html`<td>${cell}</td>`)}</tr>\n`)}</tbody>
</table>`;
}

// ---------------------------------------------------------------------------------------------
// Charts: inline SVG built from numbers; the only text in them (control ids) is escaped.
// ---------------------------------------------------------------------------------------------

const DONUT_ORDER: readonly ControlStatus[] = ['pass', 'fail', 'error', 'not_applicable'];

/** Controls by status as a donut (a circle of circumference 100, one dash per status). */
function controlsDonut(report: ComplianceReport): SafeHtml {
  const total = report.summary.controls;
  let offset = 25; // start at 12 o'clock
  const segments = DONUT_ORDER.filter((status) => report.summary.byStatus[status] > 0).map((status) => {
    const share = total === 0 ? 0 : (report.summary.byStatus[status] / total) * 100;
    const segment = html`<circle cx="21" cy="21" r="15.9155" fill="none" stroke="${STATUS_COLOUR[status]}" stroke-width="6" stroke-dasharray="${svgNumber(share)} ${svgNumber(100 - share)}" stroke-dashoffset="${svgNumber(offset)}"><title>${STATUS_LABEL[status]}: ${report.summary.byStatus[status]} control(s)</title></circle>`;
    offset -= share;
    return segment;
  });
  const passing = report.summary.byStatus.pass;
  const legend = DONUT_ORDER.map((status) => html`<li><span class="swatch" style="background:${STATUS_COLOUR[status]}"></span>${STATUS_LABEL[status]}: <strong>${report.summary.byStatus[status]}</strong></li>`);
  return html`<figure class="chart" id="chart-controls">
<svg viewBox="0 0 42 42" width="180" height="180" role="img" aria-label="${`${passing} of ${total} controls pass`}">
<circle cx="21" cy="21" r="15.9155" fill="none" stroke="#eaeef2" stroke-width="6"></circle>
${segments}
<text x="21" y="20" text-anchor="middle" font-size="7" font-weight="700">${passing}/${total}</text>
<text x="21" y="26" text-anchor="middle" font-size="3.2">controls pass</text>
</svg>
<figcaption><ul class="legend">${legend}</ul></figcaption>
</figure>`;
}

/** Asset × control evaluations as one stacked bar. */
function evaluationsBar(report: ComplianceReport): SafeHtml {
  const { pass, fail, error } = report.summary.evaluations;
  const total = pass + fail + error;
  const width = 560;
  let x = 0;
  const parts = (['pass', 'fail', 'error'] as const).map((status) => {
    const count = report.summary.evaluations[status];
    const part = total === 0 ? 0 : (count / total) * width;
    const rect = html`<rect x="${svgNumber(x)}" y="0" width="${svgNumber(part)}" height="28" fill="${STATUS_COLOUR[status]}"><title>${STATUS_LABEL[status]}: ${count}</title></rect>`;
    x += part;
    return rect;
  });
  const share = total === 0 ? 0 : Math.round((pass / total) * 1000) / 10;
  return html`<figure class="chart" id="chart-evaluations">
<svg viewBox="0 0 ${width} 28" width="${width}" height="28" role="img" aria-label="${`${share}% of asset checks pass`}">
<rect x="0" y="0" width="${width}" height="28" fill="#eaeef2"></rect>
${parts}
</svg>
<figcaption>Asset × control results: <strong>${formatCount(pass)}</strong> pass, <strong>${formatCount(fail)}</strong> fail, <strong>${formatCount(error)}</strong> undecided (${share}% pass)</figcaption>
</figure>`;
}

/** One horizontal bar per control: the share of its assets that pass, fail and could not be decided. */
function controlBars(report: ComplianceReport): SafeHtml {
  const rowHeight = 24;
  const labelWidth = 84;
  const barWidth = 420;
  const rows = report.controls.map((control, index) => {
    const total = control.assets.pass + control.assets.fail + control.assets.error;
    const y = index * rowHeight;
    let x = labelWidth;
    const parts = (['pass', 'fail', 'error'] as const).map((status) => {
      const width = total === 0 ? 0 : (control.assets[status] / total) * barWidth;
      const rect = html`<rect x="${svgNumber(x)}" y="${y + 4}" width="${svgNumber(width)}" height="${rowHeight - 8}" fill="${STATUS_COLOUR[status]}"><title>${control.id} ${STATUS_LABEL[status]}: ${control.assets[status]}</title></rect>`;
      x += width;
      return rect;
    });
    const label = total === 0 ? 'not applicable' : `${control.assets.pass}/${total} pass`;
    return html`<g class="control-bar"><text x="0" y="${y + rowHeight / 2 + 4}" font-size="12">${control.id}</text><rect x="${labelWidth}" y="${y + 4}" width="${barWidth}" height="${rowHeight - 8}" fill="#eaeef2"></rect>${parts}<text x="${labelWidth + barWidth + 8}" y="${y + rowHeight / 2 + 4}" font-size="12">${label}</text></g>`;
  });
  const height = Math.max(rowHeight, report.controls.length * rowHeight);
  const width = labelWidth + barWidth + 110;
  return html`<figure class="chart" id="chart-per-control">
<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="pass and fail per control">
${rows}
</svg>
<figcaption>Per control: <span class="swatch" style="background:${STATUS_COLOUR.pass}"></span>pass <span class="swatch" style="background:${STATUS_COLOUR.fail}"></span>fail <span class="swatch" style="background:${STATUS_COLOUR.error}"></span>undecided</figcaption>
</figure>`;
}

// ---------------------------------------------------------------------------------------------
// Sections.
// ---------------------------------------------------------------------------------------------

function evidenceList(evidence: CheckEvidence): SafeHtml {
  const items = Object.entries(evidence.observed).map(([path, value]) => html`<li><code>${path}</code> = <code>${JSON.stringify(value)}</code></li>`);
  if (evidence.live !== undefined) items.push(html`<li>live read <code>${evidence.live.tool}</code>: ${outcomeLabel(evidence.live.outcome)}</li>`);
  if (evidence.error !== undefined) items.push(html`<li class="err">${evidence.error}</li>`);
  return items.length === 0 ? html`<span class="muted">—</span>` : html`<ul class="evidence">${items}</ul>`;
}

function remediationNote(remediation: RemediationOutcome | undefined): HtmlValue {
  if (remediation === undefined) return undefined;
  const detail = remediation.approvalId ?? remediation.reason;
  return html`<div class="remediation">remediation <code>${remediation.tool}</code>: ${outcomeLabel(remediation.outcome)}${detail === undefined ? '' : html` (${detail})`}</div>`;
}

function assetRow(asset: ControlAsset): HtmlValue[] {
  const checks = asset.checks.map(
    (check) => html`<div class="check"><span class="k">${check.policy}/${check.checkId}</span> ${statusBadge(check.status)}${evidenceList(check.evidence)}${remediationNote(check.remediation)}</div>`,
  );
  return [html`<code>${asset.hostname}</code>`, statusBadge(asset.status), checks];
}

function controlSection(control: ComplianceControl, index: number): SafeHtml {
  const checks = table(
    ['Policy / check', 'Title', 'Severity', 'Pass', 'Fail', 'Undecided', 'Not applicable'],
    control.checks.map((check) => [
      html`<code>${check.policy}/${check.checkId}</code>`,
      html`${check.title}<div class="muted small">${check.rationale}</div>`,
      badge(check.severity, classFor(SEVERITY_CLASS, check.severity, 'sev-info')),
      formatCount(check.pass),
      formatCount(check.fail),
      formatCount(check.error),
      formatCount(check.skipped),
    ]),
  );
  const failing = control.assetResults.filter((asset) => asset.status !== 'pass');
  const passing = control.assetResults.filter((asset) => asset.status === 'pass');
  const headers = ['Asset', 'Status', 'Checks and evidence'];
  return html`<section class="control" id="control-${index + 1}">
<h3>${control.id}${control.title === '' ? '' : html` — ${control.title}`} ${statusBadge(control.status)}</h3>
<p class="counts">${formatCount(control.assets.pass)} pass · ${formatCount(control.assets.fail)} fail · ${formatCount(control.assets.error)} undecided</p>
<h4>Checks</h4>
${checks}
<h4>Failing or undecided assets (${failing.length})</h4>
${table(headers, failing.map(assetRow))}
<details><summary>Passing assets (${passing.length})</summary>
${table(headers, passing.map(assetRow))}
</details>
</section>
`;
}

const STYLE = `${BASE_STYLE}h3 { font-size: 16px; margin: 24px 0 6px; } h4 { font-size: 13px; margin: 12px 0 4px; color: #57606a; }
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
.small { font-size: 12px; } .err { color: #cf222e; }
.state-ok { background: #1a7f37; } .state-bad { background: #cf222e; } .state-warn { background: #9a6700; } .state-info { background: #8c959f; }
.charts { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; } figure.chart { margin: 8px 0; } figcaption { font-size: 13px; color: #57606a; }
.legend { list-style: none; padding: 0; margin: 4px 0; } .swatch { display: inline-block; width: 10px; height: 10px; margin: 0 4px 0 8px; border-radius: 2px; vertical-align: baseline; }
ul.evidence { margin: 2px 0 4px; padding-left: 18px; font-size: 12px; } .check { margin-bottom: 4px; } .remediation { font-size: 12px; color: #57606a; }
details { margin: 8px 0; } summary { cursor: pointer; color: #0969da; }
@media print { body { max-width: none; padding: 0; } section.control, tr { break-inside: avoid; } details { display: block; } }
`;

/**
 * The compliance report as one self-contained HTML5 document: inline CSS and inline SVG charts
 * (controls by status as a donut, all asset results as a stacked bar, one pass/fail bar per
 * control), no scripts, no external resources, a CSP forbidding anything else. Per control: its
 * mapped checks with their rationale, failing assets with the evidence of each check, passing
 * assets folded away. Every value from the run (host names, evidence, policy text) is escaped.
 */
export function renderComplianceHtml(report: ComplianceReport): string {
  const run = report.run;
  const facts = html`<dl>
<dt>Framework</dt><dd>${report.framework === 'CIS' ? 'CIS Controls v8' : report.framework}</dd>
<dt>Policies</dt><dd>${report.policies.map((policy, index) => html`${index === 0 ? '' : ', '}<code>${policy.name}</code> v${policy.version}`)}</dd>
<dt>Policy run</dt><dd><code>${run.id}</code> (${run.mode}${run.dryRun ? ', dry run' : ''}, ${run.status}) by ${run.requester}</dd>
<dt>Evaluated</dt><dd>${formatUtc(run.startedAt)} → ${formatUtc(run.finishedAt)}</dd>
<dt>Inventory snapshot</dt><dd><code>${run.snapshot.id}</code> of ${formatUtc(run.snapshot.takenAt)}, ${formatCount(run.assets)} asset(s)</dd>
<dt>Generated</dt><dd>${formatUtc(report.generatedAt)}${report.version === undefined ? '' : ` by DefenseClaw ${report.version}`}</dd>
</dl>`;
  const overview = table(
    ['Control', 'Title', 'Status', 'Pass', 'Fail', 'Undecided', 'Checks'],
    report.controls.map((control, index) => [
      html`<a href="#control-${index + 1}">${control.id}</a>`,
      control.title === '' ? html`<span class="muted">—</span>` : control.title,
      statusBadge(control.status),
      formatCount(control.assets.pass),
      formatCount(control.assets.fail),
      formatCount(control.assets.error),
      control.checks.map((check, checkIndex) => html`${checkIndex === 0 ? '' : ', '}<code>${check.policy}/${check.checkId}</code>`),
    ]),
  );
  const unmapped =
    report.unmappedChecks.length === 0
      ? ''
      : html`<section id="unmapped"><h2>Checks outside the framework</h2><p>These checks ran but map to no ${report.framework} control:</p><ul>${report.unmappedChecks.map((check) => html`<li><code>${check.policy}/${check.checkId}</code> ${check.title}</li>`)}</ul></section>`;
  const document = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="${report.version === undefined ? 'DefenseClaw' : `DefenseClaw ${report.version}`}">
<title>${report.framework} compliance report</title>
<style>${new SafeHtml(STYLE)}</style>
</head>
<body>
<header id="header">
<h1>${report.framework} compliance report</h1>
${facts}
</header>
<main>
<section id="overview">
<h2>Overview</h2>
<div class="charts">
${controlsDonut(report)}
<div>
${evaluationsBar(report)}
${controlBars(report)}
</div>
</div>
${overview}
</section>
<section id="controls">
<h2>Controls</h2>
${report.controls.map(controlSection)}
</section>
${unmapped}
</main>
<footer>Generated by DefenseClaw${report.version === undefined ? '' : ` ${report.version}`} at ${formatUtc(report.generatedAt)}. Values from products in this report are untrusted and shown as text.</footer>
</body>
</html>
`;
  return document.text;
}
