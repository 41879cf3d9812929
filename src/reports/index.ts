export { renderInvestigationHtml, reportEntities, type ReportEntity, type ReportEntityKind } from './html-report.js';
export { renderInvestigationJson, INVESTIGATION_REPORT_SCHEMA } from './json-report.js';
export { renderInvestigationMarkdown } from './markdown-report.js';
export { renderInvestigationReport, reportFormatFromPath, type ReportFormat, type ReportOptions } from './report-format.js';
export { complianceFormatFromPath, renderComplianceHtml, renderComplianceJson, renderComplianceReport, type ComplianceReportFormat } from './compliance-report.js';
