export type { BinaryNode, BinaryOperator, ComparisonOperator, Expression, ListNode, LiteralNode, NotNode, PathNode, PathSegment } from './expression-ast.js';
export { ExpressionSyntaxError } from './expression-syntax-error.js';
export { parseExpression, parsePath } from './parser.js';
export { evaluate, equals, isTruthy, resolvePath, type EvaluationScope } from './evaluate.js';
export { referencedPaths, referencedRoots } from './referenced-paths.js';
export { SEVERITY_RANKS, isSeverityWord, severityRank } from './severity.js';
export { severityTypos, type SeverityTypo } from './severity-typos.js';
export { buildRunScope, RESERVED_ROOTS, type RunScopeInput } from './evaluation-scope.js';
export { MAX_EXPRESSION_LENGTH } from './tokenizer.js';
