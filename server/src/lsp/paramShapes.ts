// The shape each message the server handles must have, checked before any handler runs: a malformed request gets a
// plain InvalidParams answer and a malformed notification is dropped, instead of a handler failing half-way.
import { REGISTRY_FILES_NOTIFICATION, STATUS_REQUEST } from './protocol';

type Params = Record<string, unknown>;
/** What is missing or wrong, as the end of a sentence ("params.position with ..."), or undefined when fine. */
type Rule = (p: Params) => string | undefined;

export const isObject = (v: unknown): v is Params => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isPosition = (v: unknown) => isObject(v) && isCount(v.line) && isCount(v.character);
const isRange = (v: unknown) => isObject(v) && isPosition(v.start) && isPosition(v.end);
const isString = (v: unknown) => typeof v === 'string';

const document: Rule = (p) => (isObject(p.textDocument) && isString(p.textDocument.uri) ? undefined : 'params.textDocument.uri, a string');
const position: Rule = (p) => document(p) ?? (isPosition(p.position) ? undefined : 'params.position with whole-number line and character');
const all = (...rules: Rule[]): Rule => (p) => {
  // In order, stopping at the first problem: later rules may rely on what earlier ones checked.
  for (const rule of rules) {
    const problem = rule(p);
    if (problem !== undefined) return problem;
  }
  return undefined;
};

const codeActionContext: Rule = (p) => {
  const c = p.context;
  if (!isObject(c) || !Array.isArray(c.diagnostics)) return 'params.context with a diagnostics list';
  if (!c.diagnostics.every((d) => isObject(d) && isRange(d.range))) return 'a range on every diagnostic in params.context.diagnostics';
  if (c.only !== undefined && !(Array.isArray(c.only) && c.only.every(isString))) return 'params.context.only as a list of strings, when given';
  return undefined;
};

const contentChanges: Rule = (p) => {
  const changes = p.contentChanges;
  const valid = Array.isArray(changes) && changes.every((c) => isObject(c) && isString(c.text) && (c.range === undefined || isRange(c.range)));
  return valid ? undefined : 'params.contentChanges as a list of changes, each with a text and an optional range';
};

const REQUESTS: Record<string, Rule> = {
  'textDocument/hover': position,
  'textDocument/definition': position,
  'textDocument/completion': position,
  'textDocument/documentSymbol': document,
  'textDocument/foldingRange': document,
  'textDocument/codeLens': document,
  'textDocument/codeAction': all(document, (p) => (isRange(p.range) ? undefined : 'params.range'), codeActionContext),
  'workspace/symbol': (p) => (isString(p.query) ? undefined : 'params.query, a string'),
  [STATUS_REQUEST]: (p) => (isString(p.uri) ? undefined : 'params.uri, a string'),
};

const NOTIFICATIONS: Record<string, Rule> = {
  'textDocument/didOpen': (p) => {
    const d = p.textDocument;
    return isObject(d) && isString(d.uri) && isString(d.text) && typeof d.version === 'number' ? undefined : 'params.textDocument with uri, version and text';
  },
  'textDocument/didChange': all(document, (p) => (typeof (p.textDocument as Params).version === 'number' ? undefined : 'params.textDocument.version'), contentChanges),
  'textDocument/didClose': document,
  'workspace/didChangeWorkspaceFolders': (p) => {
    const e = p.event;
    const folders = (v: unknown) => Array.isArray(v) && v.every((f) => isObject(f) && isString(f.uri));
    return isObject(e) && folders(e.added) && folders(e.removed) ? undefined : 'params.event with added and removed folders';
  },
  [REGISTRY_FILES_NOTIFICATION]: (p) => (Array.isArray(p.uris) && p.uris.every(isString) ? undefined : 'params.uris, a list of strings'),
};

/** Why the params of this message cannot be handled, as a sentence; undefined when they can (or nobody checks them). */
export function paramsProblem(method: string, params: unknown, isRequest: boolean): string | undefined {
  const rule = (isRequest ? REQUESTS : NOTIFICATIONS)[method];
  if (!rule) return undefined;
  if (!isObject(params)) return `${method} needs an object of parameters.`;
  const missing = rule(params);
  return missing === undefined ? undefined : `${method} needs ${missing}.`;
}
