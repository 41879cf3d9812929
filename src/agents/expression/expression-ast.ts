/** The syntax tree of a condition. Every node keeps the 1-based column where it starts. */
export type Expression = LiteralNode | ListNode | PathNode | NotNode | BinaryNode;

export interface LiteralNode {
  kind: 'literal';
  value: string | number | boolean | null;
  column: number;
}

export interface ListNode {
  kind: 'list';
  items: Expression[];
  column: number;
}

/** One step of a path: a key (`a.b`, `a['x-y']`) or a list index (`a[0]`). */
export interface PathSegment {
  key: string | number;
  column: number;
}

/** `a.b[0].c`: the first segment is the root looked up in the scope. */
export interface PathNode {
  kind: 'path';
  segments: PathSegment[];
  /** The path as written, e.g. `steps.enrich.verdict`. */
  text: string;
  column: number;
}

export interface NotNode {
  kind: 'not';
  operand: Expression;
  column: number;
}

export type ComparisonOperator = '==' | '!=' | '>' | '>=' | '<' | '<=' | 'in' | 'not in' | 'contains';
export type BinaryOperator = 'and' | 'or' | ComparisonOperator;

export interface BinaryNode {
  kind: 'binary';
  operator: BinaryOperator;
  left: Expression;
  right: Expression;
  column: number;
}
