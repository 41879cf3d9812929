import { DefenseClawError } from '../../core/errors/index.js';

/** Slash-command text that cannot be read (an unterminated quote); `column` is 1-based. */
export class CommandSyntaxError extends DefenseClawError {
  readonly column: number;

  constructor(message: string, column: number) {
    super(`${message} (at column ${column})`, { code: 'slack_command_syntax', exitCode: 2 });
    this.column = column;
  }
}

/** Slack clients may turn straight quotes into typographic ones; read them as the straight kind. */
const QUOTE_EQUIVALENTS: Record<string, string> = { '\u201c': '"', '\u201d': '"', '\u2018': "'", '\u2019': "'" };

/**
 * Splits slash-command text into words the way a shell would for the simple cases: whitespace
 * separates, "double" or 'single' quotes group (the quotes are dropped), and a backslash escapes
 * the next character outside single quotes. An unterminated quote is a CommandSyntaxError.
 */
export function tokenizeCommand(text: string): string[] {
  const tokens: string[] = [];
  let current = '';
  let inToken = false;
  let quote: '"' | "'" | undefined;
  let quoteColumn = 0;
  const characters = [...text];
  for (let index = 0; index < characters.length; index += 1) {
    const raw = characters[index]!;
    const character = QUOTE_EQUIVALENTS[raw] ?? raw;
    if (quote !== undefined) {
      if (character === quote) quote = undefined;
      else if (character === '\\' && quote === '"' && index + 1 < characters.length) current += characters[++index]!;
      else current += raw;
      continue;
    }
    if (/\s/.test(character)) {
      if (inToken) tokens.push(current);
      current = '';
      inToken = false;
    } else if (character === '"' || character === "'") {
      quote = character;
      quoteColumn = index + 1;
      inToken = true;
    } else if (character === '\\' && index + 1 < characters.length) {
      current += characters[++index]!;
      inToken = true;
    } else {
      current += raw;
      inToken = true;
    }
  }
  if (quote !== undefined) throw new CommandSyntaxError(`unterminated ${quote} quote`, quoteColumn);
  if (inToken) tokens.push(current);
  return tokens;
}
