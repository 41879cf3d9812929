/**
 * A Sigma string value: `*` matches any run of characters, `?` one character, and `\` escapes
 * `*`, `?` and `\` itself (a backslash before anything else is a literal backslash, as in
 * `\powershell.exe`).
 */
export interface SigmaString {
  /** The unescaped text when the value has no wildcard. */
  literal?: string;
  /** The value as a regular-expression body (not anchored). */
  regexBody: string;
}

export function parseSigmaString(value: string): SigmaString {
  let literal = '';
  let regexBody = '';
  let wildcard = false;
  for (let index = 0; index < value.length; index += 1) {
    const character = value[index]!;
    if (character === '\\') {
      const next = value[index + 1];
      if (next === '*' || next === '?' || next === '\\') {
        literal += next;
        regexBody += escapeRegExp(next);
        index += 1;
      } else {
        literal += '\\';
        regexBody += '\\\\';
      }
    } else if (character === '*') {
      wildcard = true;
      regexBody += '.*';
    } else if (character === '?') {
      wildcard = true;
      regexBody += '.';
    } else {
      literal += character;
      regexBody += escapeRegExp(character);
    }
  }
  return wildcard ? { regexBody } : { literal, regexBody };
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
