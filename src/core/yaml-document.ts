import { LineCounter, parseDocument, visit, type Document } from 'yaml';
import { InputError, type InputProblem } from './errors/index.js';

/**
 * Parses YAML keeping source positions (for file:line:col errors); duplicate keys are errors.
 * Syntax errors, aliases to no anchor and alias bombs become one InputError with one problem
 * per error, so `document.toJS()` cannot throw afterwards.
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
  const aliasProblems = checkAliases(document, lineCounter, file);
  if (aliasProblems.length > 0) throw new InputError(aliasProblems, { code: 'yaml_syntax' });
  return { document, lineCounter };
}

/** Aliases must name an earlier anchor, and must not expand without bound ("billion laughs"). */
function checkAliases(document: Document, lineCounter: LineCounter, file: string): InputProblem[] {
  const problems: InputProblem[] = [];
  let aliases = 0;
  visit(document, {
    Alias(_key, alias) {
      aliases += 1;
      if (alias.resolve(document) !== undefined) return;
      const position = alias.range === undefined || alias.range === null ? undefined : lineCounter.linePos(alias.range[0]);
      problems.push({
        file,
        ...(position === undefined ? {} : { line: position.line, column: position.col }),
        message: `YAML syntax error: alias *${alias.source} names no earlier anchor &${alias.source}`,
      });
    },
  });
  if (aliases === 0 || problems.length > 0) return problems;
  try {
    document.toJS();
  } catch (error) {
    return [{ file, message: `YAML syntax error: ${firstLine((error as Error).message)}` }];
  }
  return [];
}

function firstLine(message: string): string {
  const line = (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '').trim();
  // The library's advice names its own API; say what is wrong with the file instead.
  return line.startsWith('Source contains multiple documents') ? 'expected one document, but the file holds more (a second one starts here)' : line;
}
