/** Text from products and users made safe for the places a notification goes. */

/** C0 controls and DEL, and the Unicode line and paragraph separators. */
const CONTROL_CHARACTERS = /[\x00-\x1f\x7f\u2028\u2029]/g;
/** As above, keeping tab and line feed. */
const CONTROL_CHARACTERS_BUT_LINES = /[\x00-\x08\x0b-\x1f\x7f\u2028\u2029]/g;

/**
 * One header line (Subject, To, From): every CR, LF and other control character becomes a space,
 * so text cannot end the header and start another (header injection), and it is cut to `maxLength`.
 */
export function headerText(text: string, maxLength = 200): string {
  const line = text.replace(CONTROL_CHARACTERS, ' ').replace(/ {2,}/g, ' ').trim();
  return line.length > maxLength ? `${line.slice(0, maxLength - 1)}…` : line;
}

/** A plain-text body: CRLF and CR become LF, other control characters (terminal escapes) are dropped. */
export function bodyText(text: string, maxLength = 100_000): string {
  const body = text.replace(/\r\n?/g, '\n').replace(CONTROL_CHARACTERS_BUT_LINES, '');
  return body.length > maxLength ? `${body.slice(0, maxLength - 1)}…` : body;
}

/**
 * Slack message text: `&`, `<` and `>` escaped as Slack asks, so product text cannot mention
 * `<!channel>`, a user, or make a link; control characters dropped; cut below Slack's 40,000.
 */
export function slackText(text: string, maxLength = 39_000): string {
  const escaped = bodyText(text, maxLength).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return escaped.length > maxLength ? `${escaped.slice(0, maxLength - 1)}…` : escaped;
}
