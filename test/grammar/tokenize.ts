// Tokenizes text the way VS Code does: vscode-textmate with vscode-oniguruma, VS Code's JSON grammars (vendored
// copies in ./vendor) as the base, and the extension's injection grammars injected into them. The grammar set is
// read from grammars.config.json, the same file the snapshot test passes to vscode-tmgrammar-snap.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

export const GRAMMAR_DIR = __dirname;
export const CONFIG = path.join(GRAMMAR_DIR, 'grammars.config.json');

interface GrammarContribution {
  scopeName: string;
  path: string;
  injectTo?: string[];
}

export interface Token {
  text: string;
  start: number;
  scopes: string[];
  /** VS Code's standard token type (what auto-closing pairs and bracket matching look at): 0 other, 1 comment, 2 string, 3 regex. */
  type: number;
}

const TOKEN_TYPE_MASK = 0b11_0000_0000; // vscode-textmate MetadataConsts.TOKEN_TYPE_MASK
const TOKEN_TYPE_OFFSET = 8;

const registries = new Map<boolean, vsctm.Registry>();
let onigLib: Promise<vsctm.IOnigLib> | undefined;

function loadOnigLib(): Promise<vsctm.IOnigLib> {
  const wasm = readFileSync(path.join(path.dirname(require.resolve('vscode-oniguruma')), 'onig.wasm'));
  const bytes = wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer;
  return oniguruma.loadWASM(bytes).then(() => ({
    createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
    createOnigString: (s: string) => new oniguruma.OnigString(s),
  }));
}

function createRegistry(withInjections: boolean): vsctm.Registry {
  const config = JSON.parse(readFileSync(CONFIG, 'utf8')) as { contributes: { grammars: GrammarContribution[] } };
  const grammars = new Map<string, GrammarContribution>();
  const injections = new Map<string, string[]>();
  for (const g of config.contributes.grammars) {
    grammars.set(g.scopeName, g);
    if (withInjections) for (const target of g.injectTo ?? []) injections.set(target, [...(injections.get(target) ?? []), g.scopeName]);
  }
  return new vsctm.Registry({
    onigLib: (onigLib ??= loadOnigLib()),
    loadGrammar: async (scopeName) => {
      const g = grammars.get(scopeName);
      if (!g) return null;
      const file = path.resolve(GRAMMAR_DIR, g.path);
      return vsctm.parseRawGrammar(readFileSync(file, 'utf8'), file);
    },
    // As VS Code (and vscode-tmgrammar-snap) do: a grammar injected into `source.json` is also injected into
    // `source.json.comments`, so listing both in injectTo injects it twice there (harmless).
    getInjections: (scopeName) => {
      const parts = scopeName.split('.');
      return parts.flatMap((_, i) => injections.get(parts.slice(0, i + 1).join('.')) ?? []);
    },
  });
}

/**
 * Tokens of each line of `text`, tokenized as a document of `scopeName` (source.json or source.json.comments);
 * `withInjections: false` gives what VS Code shows without this extension.
 */
export async function tokenize(text: string, scopeName = 'source.json', withInjections = true): Promise<Token[][]> {
  let registry = registries.get(withInjections);
  if (!registry) registries.set(withInjections, (registry = createRegistry(withInjections)));
  const grammar = await registry.loadGrammar(scopeName);
  if (!grammar) throw new Error(`no grammar for ${scopeName}`);
  let stack = vsctm.INITIAL;
  const lines: Token[][] = [];
  for (const line of text.split(/\r?\n/)) {
    const result = grammar.tokenizeLine(line, stack);
    const binary = grammar.tokenizeLine2(line, stack).tokens;
    const typeAt = (offset: number) => {
      let type = 0;
      for (let k = 0; k < binary.length && binary[k] <= offset; k += 2) type = (binary[k + 1] & TOKEN_TYPE_MASK) >>> TOKEN_TYPE_OFFSET;
      return type;
    };
    lines.push(result.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), start: t.startIndex, scopes: t.scopes, type: typeAt(t.startIndex) })));
    stack = result.ruleStack;
  }
  return lines;
}

/** The scopes of the character at `index` of a tokenized line. */
export function scopesAt(tokens: Token[], index: number): string[] {
  const token = tokens.find((t) => index >= t.start && index < t.start + t.text.length);
  if (!token) throw new Error(`no token at ${index}`);
  return token.scopes;
}
