// A loose view of @huggingface/jinja's syntax tree: its node classes are not exported, so analysis and rendering read
// nodes by their `type` and fields.
import type { Interpreter } from '@huggingface/jinja';

export interface AstNode {
  type: string;
  [field: string]: unknown;
}

/** A node the library's interpreter evaluates. */
export type Statement = NonNullable<Parameters<Interpreter['evaluate']>[0]>;

export function isNode(v: unknown): v is AstNode {
  return typeof v === 'object' && v !== null && typeof (v as AstNode).type === 'string';
}
