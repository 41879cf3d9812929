/**
 * Case-insensitive anchored comparisons (equals, startswith, endswith) that allocate nothing on
 * ASCII text: the hot path of detection matching. The needle is already lower-case. A non-ASCII
 * character in the haystack falls back to `toLowerCase`.
 */

export function isAscii(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) if (text.charCodeAt(index) > 127) return false;
  return true;
}

/** Compares `text` from `start` against an ASCII lower-case `needle`; undefined when non-ASCII is met. */
function foldedRegionEquals(text: string, start: number, needle: string): boolean | undefined {
  for (let index = 0; index < needle.length; index += 1) {
    let code = text.charCodeAt(start + index);
    if (code > 127) return undefined;
    if (code >= 65 && code <= 90) code += 32;
    if (code !== needle.charCodeAt(index)) return false;
  }
  return true;
}

/** `text` equals `needle` ignoring case. */
export function equalsFolded(text: string, needle: string, needleAscii: boolean): boolean {
  if (needleAscii) {
    if (text.length !== needle.length) return false;
    const result = foldedRegionEquals(text, 0, needle);
    if (result !== undefined) return result;
  }
  return text.toLowerCase() === needle;
}

export function startsWithFolded(text: string, needle: string, needleAscii: boolean): boolean {
  if (needleAscii) {
    if (text.length < needle.length) return false;
    const result = foldedRegionEquals(text, 0, needle);
    if (result !== undefined) return result;
  }
  return text.toLowerCase().startsWith(needle);
}

export function endsWithFolded(text: string, needle: string, needleAscii: boolean): boolean {
  if (needleAscii) {
    if (text.length < needle.length) return false;
    const result = foldedRegionEquals(text, text.length - needle.length, needle);
    if (result !== undefined) return result;
  }
  return text.toLowerCase().endsWith(needle);
}
