import { MALFORMED_RULES } from './test/unit/correlate/rule-loader.cases.js';
import { validateRuleTexts } from './src/correlate/rules/index.js';
import { formatProblem } from './src/core/errors/index.js';
for (const c of MALFORMED_RULES) {
  const p = validateRuleTexts([{ text: c.text, file: 'test.yaml' }]).problems.map(formatProblem);
  console.log(`${c.name} => ${JSON.stringify(p)}`);
}
