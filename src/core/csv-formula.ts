/**
 * A CSV cell a spreadsheet would run as a formula (starting with = + - @, tab or CR) gets a
 * leading apostrophe (OWASP "CSV injection"), so opening an export cannot run anything:
 * `=cmd|' /C calc'!A0` → `'=cmd|' /C calc'!A0`; anything else is unchanged.
 */
export function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
