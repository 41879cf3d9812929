/** A parsed Sigma detection `condition`. */
export type ConditionNode =
  | { kind: 'identifier'; name: string }
  | { kind: 'and'; operands: ConditionNode[] }
  | { kind: 'or'; operands: ConditionNode[] }
  | { kind: 'not'; operand: ConditionNode }
  /**
   * `1 of <pattern>` (`quantifier: 'one'`) or `all of <pattern>`; `them` is the pattern for every
   * identifier not starting with `_`. `identifiers` are the names the pattern matched, never empty.
   */
  | { kind: 'of'; quantifier: 'one' | 'all'; pattern: string; identifiers: string[] };
