/** Malformed rules, each with the problem line(s) it must give, located (file test.yaml). */
const AUTH = `title: Failed logon
name: failed_logon
logsource: { category: authentication }
detection:
  selection: { outcome: failure }
  condition: selection
`;

export const MALFORMED_RULES: Array<{ name: string; text: string; expected: string }> = [
  { name: 'YAML syntax', text: 'title: x\ndetection: [a\n', expected: "test.yaml:3:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]" },
  { name: 'not a mapping', text: '- a\n- b\n', expected: "test.yaml:1:1: a Sigma rule document must be a mapping with a title and a detection or correlation section" },
  { name: 'neither detection nor correlation', text: 'title: x\nlevel: high\n', expected: "test.yaml:1:1: not a Sigma rule: expected a \"detection\" (with \"logsource\") or a \"correlation\" section" },
  { name: 'missing title', text: 'logsource: {}\ndetection:\n  s: { a: b }\n  condition: s\n', expected: "test.yaml:1:1: title: required key is missing" },
  { name: 'bad level', text: 'title: x\nlevel: severe\nlogsource: {}\ndetection:\n  s: { a: b }\n  condition: s\n', expected: "test.yaml:2:8: level: expected one of informational|low|medium|high|critical, got \"severe\"" },
  { name: 'unknown modifier', text: 'title: x\nlogsource: {}\ndetection:\n  s:\n    process.name|endwith: .exe\n  condition: s\n', expected: "test.yaml:5:5: detection.s.process.name|endwith: unknown modifier \"endwith\" (did you mean \"endswith\"?)" },
  { name: 'unsupported modifier', text: 'title: x\nlogsource: {}\ndetection:\n  s:\n    cmd|base64offset|contains: iex\n  condition: s\n', expected: "test.yaml:5:5: detection.s.cmd|base64offset|contains: modifier \"base64offset\" is not supported by this engine" },
  { name: 'conflicting modifiers', text: 'title: x\nlogsource: {}\ndetection:\n  s:\n    cmd|contains|startswith: iex\n  condition: s\n', expected: "test.yaml:5:5: detection.s.cmd|contains|startswith: modifiers \"contains\" and \"startswith\" cannot be combined" },
  { name: 'regex flag without re', text: 'title: x\nlogsource: {}\ndetection:\n  s:\n    cmd|contains|i: iex\n  condition: s\n', expected: "test.yaml:5:5: detection.s.cmd|contains|i: modifier \"i\" only applies after \"re\"" },
  { name: 'number modifier with a string', text: 'title: x\nlogsource: {}\ndetection:\n  s:\n    bytes|gt: lots\n  condition: s\n', expected: "test.yaml:5:15: detection.s.bytes|gt: modifier \"gt\" expects a number, got \"lots\"" },
  { name: 'bad cidr in a list', text: 'title: x\nlogsource: {}\ndetection:\n  s:\n    src.ip|cidr:\n      - 10.0.0.0/8\n      - 10.0.0.300/24\n  condition: s\n', expected: "test.yaml:7:9: detection.s.src.ip|cidr.1: \"10.0.0.300/24\" is not a network in CIDR notation (e.g. 10.0.0.0/8 or fd00::/8)" },
  { name: 'bad regex', text: 'title: x\nlogsource: {}\ndetection:\n  s:\n    cmd|re: "([a-z]+"\n  condition: s\n', expected: "test.yaml:5:13: detection.s.cmd|re: invalid regular expression: /([a-z]+/: Unterminated group" },
  { name: 'exists with a string', text: 'title: x\nlogsource: {}\ndetection:\n  s:\n    cmd|exists: yes please\n  condition: s\n', expected: "test.yaml:5:17: detection.s.cmd|exists: modifier \"exists\" expects true or false" },
  { name: 'empty value list', text: 'title: x\nlogsource: {}\ndetection:\n  s:\n    cmd: []\n  condition: s\n', expected: "test.yaml:5:10: detection.s.cmd: expected at least one value, got an empty list" },
  { name: 'field name missing before modifiers', text: 'title: x\nlogsource: {}\ndetection:\n  s:\n    "|contains": iex\n  condition: s\n', expected: "test.yaml:5:5: detection.s.|contains: a field name is required before '|' (keyword lists take no modifiers)" },
  { name: 'unknown identifier in condition', text: 'title: x\nlogsource: {}\ndetection:\n  selection: { a: b }\n  condition: selection and not filter_admin\n', expected: "test.yaml:5:32: detection.condition: unknown search identifier \"filter_admin\" (defined: selection)" },
  { name: 'misspelt identifier', text: 'title: x\nlogsource: {}\ndetection:\n  selection: { a: b }\n  condition: selectoin\n', expected: "test.yaml:5:14: detection.condition: unknown search identifier \"selectoin\" (did you mean \"selection\"?)" },
  { name: 'unclosed parenthesis', text: 'title: x\nlogsource: {}\ndetection:\n  a: { a: b }\n  b: { c: d }\n  condition: (a or b and a\n', expected: "test.yaml:6:14: detection.condition: unbalanced parentheses: '(' is never closed" },
  { name: 'stray closing parenthesis', text: 'title: x\nlogsource: {}\ndetection:\n  a: { a: b }\n  condition: a)\n', expected: "test.yaml:5:15: detection.condition: unbalanced parentheses: ')' without '('" },
  { name: 'pattern matching nothing', text: 'title: x\nlogsource: {}\ndetection:\n  sel: { a: b }\n  condition: 1 of filter_*\n', expected: "test.yaml:5:19: detection.condition: pattern \"filter_*\" matches no search identifier (defined: sel)" },
  { name: 'quantifier other than 1 or all', text: 'title: x\nlogsource: {}\ndetection:\n  sel1: { a: b }\n  sel2: { a: c }\n  condition: 2 of sel*\n', expected: "test.yaml:6:14: detection.condition: \"2 of\" is not a Sigma quantifier: use \"1 of\" or \"all of\"" },
  { name: 'them with only underscore identifiers', text: 'title: x\nlogsource: {}\ndetection:\n  _a: { a: b }\n  condition: all of them\n', expected: "test.yaml:5:21: detection.condition: 'them' names no search identifier (identifiers starting with _ are left out)" },
  { name: 'dangling operator', text: 'title: x\nlogsource: {}\ndetection:\n  a: { a: b }\n  condition: a and\n', expected: "test.yaml:5:19: detection.condition: condition ends too early: expected a search identifier" },
  { name: 'obsolete aggregation', text: 'title: x\nlogsource: {}\ndetection:\n  a: { a: b }\n  condition: a | count() by src > 5\n', expected: "test.yaml:5:16: detection.condition: the '| count() …' aggregation syntax is obsolete: write a Sigma correlation rule instead" },
  { name: 'condition in a list', text: 'title: x\nlogsource: {}\ndetection:\n  a: { a: b }\n  condition:\n    - a\n    - a or b\n', expected: "test.yaml:7:12: detection.condition.1: unknown search identifier \"b\" (did you mean \"a\"?)" },
  { name: 'missing condition', text: 'title: x\nlogsource: {}\ndetection:\n  a: { a: b }\n', expected: "test.yaml:4:3: detection: detection needs a \"condition\", e.g. condition: selection" },
  { name: 'obsolete timeframe', text: 'title: x\nlogsource: {}\ndetection:\n  a: { a: b }\n  timeframe: 5m\n  condition: a\n', expected: "test.yaml:5:3: detection.timeframe: \"timeframe\" is obsolete: write a Sigma correlation rule with a timespan instead" },
  { name: 'unknown logsource key', text: 'title: x\nlogsource:\n  categroy: dns\ndetection:\n  a: { a: b }\n  condition: a\n', expected: "test.yaml:3:3: logsource.categroy: unknown key (did you mean \"category\"?)" },
  { name: 'identifier that is a keyword', text: 'title: x\nlogsource: {}\ndetection:\n  them: { a: b }\n  condition: 1 of them\n', expected: "test.yaml:4:3: detection.them: \"them\" cannot name a search identifier (reserved word, digits only, or a space, parenthesis, | or *)\ntest.yaml:5:19: detection.condition: 'them' names no search identifier (identifiers starting with _ are left out)" },
  { name: 'unknown correlation type', text: `title: c\ncorrelation:\n  type: event_cout\n  rules: [failed_logon]\n  timespan: 5m\n  condition: { gte: 2 }\n---\n${AUTH}`, expected: "test.yaml:3:9: correlation.type: unknown correlation type \"event_cout\" (did you mean \"event_count\"?)" },
  { name: 'unsupported correlation type', text: `title: c\ncorrelation:\n  type: value_sum\n  rules: [failed_logon]\n  timespan: 5m\n  condition: { gte: 2 }\n---\n${AUTH}`, expected: "test.yaml:3:9: correlation.type: correlation type \"value_sum\" is not supported by this engine (supported: event_count, value_count, temporal, temporal_ordered)" },
  { name: 'timespan without unit', text: `title: c\ncorrelation:\n  type: event_count\n  rules: [failed_logon]\n  timespan: 300\n  condition: { gte: 2 }\n---\n${AUTH}`, expected: "test.yaml:5:13: correlation.timespan: timespan needs a unit: a number and s, m, h or d (e.g. 300s)" },
  { name: 'timespan of zero', text: `title: c\ncorrelation:\n  type: event_count\n  rules: [failed_logon]\n  timespan: 0m\n  condition: { gte: 2 }\n---\n${AUTH}`, expected: "test.yaml:5:13: correlation.timespan: \"0m\" is not a timespan: a number above 0 and a lower-case unit s, m, h or d (e.g. 90m)" },
  { name: 'unresolved reference', text: `title: c\ncorrelation:\n  type: event_count\n  rules:\n    - failed_logn\n  timespan: 5m\n  condition: { gte: 2 }\n---\n${AUTH}`, expected: "test.yaml:5:7: correlation.rules.0: unknown rule \"failed_logn\": no rule in the collection has this id or name (did you mean \"failed_logon\"?)" },
  { name: 'self reference', text: `title: c\nname: loop\ncorrelation:\n  type: event_count\n  rules: [loop]\n  timespan: 5m\n  condition: { gte: 2 }\n`, expected: "test.yaml:5:11: correlation.rules.0: a correlation cannot reference itself" },
  {
    name: 'reference cycle',
    text: `title: c1\nname: one\ncorrelation:\n  type: event_count\n  rules: [two]\n  timespan: 5m\n  condition: { gte: 2 }\n---\ntitle: c2\nname: two\ncorrelation:\n  type: event_count\n  rules: [one]\n  timespan: 5m\n  condition: { gte: 2 }\n`,
    expected: "test.yaml:13:11: correlation.rules.0: reference cycle: \"one\" → \"two\" → \"one\"",
  },
  { name: 'duplicate name', text: `${AUTH}---\n${AUTH}`, expected: "test.yaml:9:7: name: duplicate name \"failed_logon\": rule \"Failed logon\" at test.yaml:1:1 already uses it" },
  { name: 'rule listed twice', text: `title: c\ncorrelation:\n  type: event_count\n  rules: [failed_logon, failed_logon]\n  timespan: 5m\n  condition: { gte: 2 }\n---\n${AUTH}`, expected: "test.yaml:4:25: correlation.rules.1: rule \"failed_logon\" is listed twice" },
  { name: 'event_count without condition', text: `title: c\ncorrelation:\n  type: event_count\n  rules: [failed_logon]\n  timespan: 5m\n---\n${AUTH}`, expected: "test.yaml:3:3: correlation: an event_count correlation needs a condition, e.g. condition: { gte: 10 }" },
  { name: 'unknown condition operator', text: `title: c\ncorrelation:\n  type: event_count\n  rules: [failed_logon]\n  timespan: 5m\n  condition: { gtee: 2 }\n---\n${AUTH}`, expected: "test.yaml:6:16: correlation.condition.gtee: unknown key (did you mean \"gte\"?)" },
  { name: 'condition that never holds', text: `title: c\ncorrelation:\n  type: event_count\n  rules: [failed_logon]\n  timespan: 5m\n  condition: { gt: 5, lt: 3 }\n---\n${AUTH}`, expected: "test.yaml:6:14: correlation.condition: the condition can never hold (a window always holds at least one event)" },
  { name: 'eq with another operator', text: `title: c\ncorrelation:\n  type: event_count\n  rules: [failed_logon]\n  timespan: 5m\n  condition:\n    eq: 2\n    gte: 1\n---\n${AUTH}`, expected: "test.yaml:7:9: correlation.condition.eq: \"eq\" cannot be combined with other operators" },
  { name: 'negative count', text: `title: c\ncorrelation:\n  type: event_count\n  rules: [failed_logon]\n  timespan: 5m\n  condition: { gte: -2 }\n---\n${AUTH}`, expected: "test.yaml:6:21: correlation.condition.gte: expected a count of 0 or more, got number -2" },
  { name: 'value_count without field', text: `title: c\ncorrelation:\n  type: value_count\n  rules: [failed_logon]\n  timespan: 5m\n  condition: { gte: 2 }\n---\n${AUTH}`, expected: "test.yaml:6:14: correlation.condition: a value_count condition needs \"field\": the field whose distinct values are counted" },
  { name: 'field outside value_count', text: `title: c\ncorrelation:\n  type: event_count\n  rules: [failed_logon]\n  timespan: 5m\n  condition: { gte: 2, field: user.name }\n---\n${AUTH}`, expected: "test.yaml:6:24: correlation.condition.field: \"field\" only belongs in a value_count condition" },
  { name: 'temporal with one rule', text: `title: c\ncorrelation:\n  type: temporal\n  rules: [failed_logon]\n  timespan: 5m\n---\n${AUTH}`, expected: "test.yaml:4:10: correlation.rules: a temporal correlation needs at least two rules" },
  {
    name: 'temporal with an upper bound',
    text: `title: c\ncorrelation:\n  type: temporal\n  rules: [failed_logon, other]\n  timespan: 5m\n  condition: { lte: 1 }\n---\n${AUTH}---\n${AUTH.replace('failed_logon', 'other')}`,
    expected: "test.yaml:6:16: correlation.condition.lte: a temporal condition counts distinct matched rules and only takes gt or gte",
  },
  {
    name: 'partial temporal_ordered',
    text: `title: c\ncorrelation:\n  type: temporal_ordered\n  rules: [failed_logon, other, third]\n  timespan: 5m\n  condition: { gte: 2 }\n---\n${AUTH}---\n${AUTH.replace('failed_logon', 'other')}---\n${AUTH.replace('failed_logon', 'third')}`,
    expected: "test.yaml:6:14: correlation.condition: temporal_ordered needs every rule, in order: partial sequences are not supported (leave the condition out or use gte: 3)",
  },
  { name: 'unknown correlation key', text: `title: c\ncorrelation:\n  type: event_count\n  rules: [failed_logon]\n  groupby: [src.ip]\n  timespan: 5m\n  condition: { gte: 2 }\n---\n${AUTH}`, expected: "test.yaml:5:3: correlation.groupby: unknown key (did you mean \"group-by\"?)" },
  {
    name: 'alias for a rule not listed',
    text: `title: c\ncorrelation:\n  type: event_count\n  rules: [failed_logon]\n  group-by: [ip]\n  timespan: 5m\n  condition: { gte: 2 }\n  aliases:\n    ip:\n      failed_logon: src.ip\n      succesful_logon: dst.ip\n---\n${AUTH}`,
    expected: "test.yaml:11:7: correlation.aliases.ip.succesful_logon: alias \"ip\" maps rule \"succesful_logon\", which this correlation does not list in rules (rules: failed_logon)",
  },
  {
    name: 'chained group-by the inner correlation does not produce',
    text: `title: outer\ncorrelation:\n  type: temporal_ordered\n  rules: [many, failed_logon]\n  group-by:\n    - src.ip\n    - user.name\n  timespan: 5m\n---\ntitle: many\nname: many\ncorrelation:\n  type: event_count\n  rules: [failed_logon]\n  group-by: [src.ip]\n  timespan: 5m\n  condition: { gte: 2 }\n---\n${AUTH}`,
    expected: "test.yaml:7:7: correlation.group-by.1: correlation \"many\" does not group by \"user.name\" (it groups by: src.ip); a chained correlation only passes on its own group-by fields",
  },
  {
    name: 'chained correlation decided at window close',
    text: `title: outer\ncorrelation:\n  type: temporal_ordered\n  rules:\n    - few\n    - failed_logon\n  group-by: [src.ip]\n  timespan: 5m\n---\ntitle: few\nname: few\ncorrelation:\n  type: event_count\n  rules: [failed_logon]\n  group-by: [src.ip]\n  timespan: 5m\n  condition: { lt: 3 }\n---\n${AUTH}`,
    expected: "test.yaml:5:7: correlation.rules.0: correlation \"few\" has an upper bound or neq in its condition, so it decides only when its window closes, and cannot feed another correlation",
  },
  { name: 'both detection and correlation', text: 'title: x\nlogsource: {}\ndetection:\n  a: { a: b }\n  condition: a\ncorrelation:\n  type: temporal\n', expected: "test.yaml:6:1: correlation: a document is either a detection rule (logsource, detection) or a correlation rule, not both" },
  { name: 'empty file', text: '# nothing here\n', expected: "test.yaml:1:1: no Sigma rule in this file" },
];
