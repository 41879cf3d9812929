import { LineCounter, parseDocument, type Document } from 'yaml';
import { InputError } from './errors/index.js';

/**
 * Parses YAML keeping source positions (for file:line:col errors); duplicate keys are errors.
 * Syntax errors become one InputError with one problem per error.
 */
export function parseYamlDocument(text: string, file: string): { document: Document; lineCounter: LineCounter } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true, keepSourceTokens: false });
  if (document.errors.length > 0) {
    throw new InputError(
      document.errors.map((error) => {
        const position = error.linePos?.[0];
        return {
          file,
          ...(position === undefined ? {} : { line: position.line, column: position.col }),
          message: `YAML syntax error: ${firstLine(error.message)}`,
        };
      }),
      { code: 'yaml_syntax' },
    );
  }
  return { document, lineCounter };
}

function firstLine(message: string): string {
  const line = (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '').trim();
  // The library's advice names its own API; say what is wrong with the file instead.
  return line.startsWith('Source contains multiple documents') ? 'expected one document, but the file holds more (a second one starts here)' : line;
}
