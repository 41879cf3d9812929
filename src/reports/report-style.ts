/**
 * The CSS every HTML report starts with: page, headings, tables, definition lists, badges and
 * severity colours. Each report appends its own rules after it.
 */
export const BASE_STYLE = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; margin: 0 auto; padding: 24px; max-width: 1400px; }
h1 { font-size: 22px; margin: 0 0 12px; } h2 { font-size: 18px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; margin-top: 32px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; } th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f6f8fa; } tbody tr:nth-child(even) { background: #fbfcfd; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0; } dt { font-weight: 600; color: #57606a; } dd { margin: 0; overflow-wrap: anywhere; }
.muted, .none { color: #6e7781; } .k { color: #57606a; font-size: 12px; }
.badge { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; font-weight: 600; color: #fff; background: #6e7781; white-space: nowrap; }
.sev-critical { background: #82071e; } .sev-high { background: #cf222e; } .sev-medium { background: #bf8700; } .sev-low { background: #0969da; } .sev-info, .sev-unknown { background: #6e7781; }
footer { margin-top: 32px; color: #6e7781; font-size: 12px; }
`;
