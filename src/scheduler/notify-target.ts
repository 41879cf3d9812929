import { InputError } from '../core/errors/index.js';

/** Where a job's result is told. */
export type NotifyTarget = { kind: 'slack'; channel: string } | { kind: 'email'; address: string };

/** `#channel-name`: Slack's channel name rules (lower case, digits, `-`, `_`, `.`; at most 80). */
const SLACK_CHANNEL_NAME = /^#[a-z0-9][a-z0-9._-]{0,79}$/;
/** A channel, private channel or DM id: `C0123ABCD`, `G…`, `D…`. */
const SLACK_CHANNEL_ID = /^[CGD][A-Z0-9]{6,}$/;
/**
 * One plain address (`local@domain.tld`): no display name, no list, nothing that could end a header
 * line or add a recipient (white space, `<>`, `,`, `;`, quotes, control characters).
 */
const EMAIL_ADDRESS = /^[^\s@<>,;:"'()[\]\\\x00-\x1f\x7f]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

/** Parses `--notify`: a Slack channel (`#soc-digest` or `C0123ABCD`) or one e-mail address. */
export function parseNotifyTarget(text: string, option = 'notify'): NotifyTarget {
  const value = text.trim();
  if (SLACK_CHANNEL_NAME.test(value) || SLACK_CHANNEL_ID.test(value)) return { kind: 'slack', channel: value };
  // `#C0123ABCD`: a channel id written the way channels are named in Slack.
  if (value.startsWith('#') && SLACK_CHANNEL_ID.test(value.slice(1))) return { kind: 'slack', channel: value.slice(1) };
  if (value.length <= 254 && EMAIL_ADDRESS.test(value)) return { kind: 'email', address: value };
  throw new InputError({
    path: option,
    message: `${JSON.stringify(text)} is neither a Slack channel (#name or a channel id such as C0123ABCD) nor an e-mail address`,
  });
}
