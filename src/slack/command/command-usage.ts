/** The usage text every malformed, unknown or `help` command answers with (one place). */
export function commandUsage(command = '/defenseclaw'): string[] {
  return [
    `*Usage: ${command} <sub-command>*`,
    `\`${command} investigate <alert-id>\` — investigate an XDR incident (timeline, findings, proposed actions and a report in a thread), e.g. \`investigate XDR-2026-001234\``,
    `\`${command} investigate asset <host|domain> [--last 72h]\` — what the products know about one asset (read-only)`,
    `\`${command} inventory diff [--since 24h]\` · \`${command} inventory search --tag <tag>\``,
    `\`${command} policy check <resource> [--policy <name>]\``,
    `\`${command} agent run <name> [--dry-run] [--param key=value …]\` — run an agent; progress in a thread`,
    `\`${command} event correlate --ioc <value> [--ioc-type ip|domain|sha256|user|host] [--last 7d]\` — every sighting of an indicator across the products, as one timeline in a thread (read-only)`,
    `\`${command} approvals\` — pending approvals`,
    `\`${command} status\` — version, audit ledger head, integrations`,
    `\`${command} help\` — this message`,
    'Quote values that contain spaces: `--param "reason=user reported phishing"`.',
  ];
}
