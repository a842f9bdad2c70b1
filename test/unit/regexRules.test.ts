// Specification of the Python-regex field rules (eos_to_cull in text backends, cot_end_tag).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { entry, expectDiagnostics, expectNone, registry } from './harness';

const REGEX_CODES = ['regex-syntax', 'regex-py310', 'regex-unescaped-bar', 'regex-over-escaped', 'regex-empty-match', 'regex-single-char', 'regex-self-mismatch', 'regex-empty'];

/** A llamacpp registry whose eos_to_cull is written in the file exactly as `jsonBody` (the text between the quotes). */
function withCull(jsonBody: string, backend = 'llamacpp', key = 'eos_to_cull'): string {
  const e = entry(backend, {}, { [key]: '@@PATTERN@@', ...(key === 'cot_end_tag' ? { cot_output: true } : {}) });
  return registry(e).replace('"@@PATTERN@@"', `"${jsonBody}"`);
}

describe('regex fields', () => {
  it('accepts the real registry patterns', () => {
    for (const body of ['<\\\\|im_end\\\\|>', '</s>', '<end_of_turn>\\n*<eos>', '\\\\[EOS\\\\]', '<｜end▁of▁sentence｜>', '<\\\\|END_OF_TURN_TOKEN\\\\|>', '<\\\\|im_end\\\\|>|</s>']) {
      expectNone(withCull(body), REGEX_CODES);
    }
    const gptOss = '<\\\\|end\\\\|><\\\\|start\\\\|>assistant(<\\\\|channel\\\\|>commentary to=assistant)*<\\\\|channel\\\\|>final<\\\\|message\\\\|>';
    expectNone(withCull(gptOss, 'huggingface_local', 'cot_end_tag'), REGEX_CODES);
  });

  it('one finding for the unescaped bars of a token, over the token, saying which characters re.sub deletes', () => {
    const text = withCull('«<|im_end|>»');
    const diags = expectDiagnostics(text, ['regex-unescaped-bar']);
    // The bars also make `<` and `>` single-character alternatives, and the pattern miss its own text: the same
    // mistake, said in the same finding.
    expectNone(text, ['regex-single-char', 'regex-self-mismatch', 'regex-over-escaped']);
    const bar = diags.find((d) => d.code === 'regex-unescaped-bar')!;
    assert.match(bar.message, /2 bars `\|` are unescaped, so this pattern means `<` OR `im_end` OR `>`/);
    assert.match(bar.message, /single characters \(`<`, `>`\), so `re\.sub` deletes every one of them/);
    assert.doesNotMatch(bar.message, /above|below/);
    assert.equal(bar.data?.fixedValue, JSON.stringify('<\\|im_end\\|>'));
    assert.equal(bar.severity, 'error');
    // Two tokens with bars, separated by a deliberate one: one finding over both tokens.
    expectDiagnostics(withCull('«<|im_end|>|<|endoftext|>»'), ['regex-unescaped-bar']);
    // A single-character alternative of its own stays a finding of its own.
    expectDiagnostics(withCull('«<|eot|>»|«.»'), ['regex-unescaped-bar', 'regex-single-char']);
  });

  it('says the pattern does not match its own text', () => {
    const diags = expectDiagnostics(withCull('[EOS]').replace('"[EOS]"', '«"[EOS]"»'), ['regex-self-mismatch']);
    assert.equal(diags.find((d) => d.code === 'regex-self-mismatch')!.data?.replacement, JSON.stringify('\\[EOS\\]'));
    expectDiagnostics(withCull('<eos>?').replace('"<eos>?"', '«"<eos>?"»'), ['regex-self-mismatch']);
    expectNone(withCull('<end_of_turn>\\n*<eos>'), ['regex-self-mismatch']);
    // `\n` is a line break, which the pattern's own text then holds.
    expectNone(withCull('</s>\\n'), ['regex-self-mismatch']);
  });

  it('flags over-escaping once, over the doubled backslashes, with the characters its alternatives delete', () => {
    const text = withCull('<«\\\\\\\\|im_end\\\\\\\\»|>');
    const diags = expectDiagnostics(text, ['regex-over-escaped']);
    expectNone(text, ['regex-single-char', 'regex-self-mismatch', 'regex-unescaped-bar']);
    const d = diags.find((x) => x.code === 'regex-over-escaped')!;
    assert.equal(d.data?.fixedValue, JSON.stringify('<\\|im_end\\|>'));
    assert.match(d.message, /`>`/);
    expectDiagnostics(withCull('<«\\\\\\\\\\\\|eot\\\\\\\\»\\\\|>'), ['regex-over-escaped']);
  });

  it('flags patterns that can match the empty string', () => {
    expectDiagnostics(withCull('(<eos>)?').replace('"(<eos>)?"', '«"(<eos>)?"»'), ['regex-empty-match']);
    expectDiagnostics(withCull('\\\\s*').replace('"\\\\s*"', '«"\\\\s*"»'), ['regex-empty-match']);
    expectNone(withCull('<eos>\\\\s*'), ['regex-empty-match']);
  });

  it('flags patterns that match single ordinary characters', () => {
    // `[EOS]` reads as a class: one finding, that it misses its own text, which names the characters it deletes.
    const eos = expectDiagnostics(withCull('[EOS]').replace('"[EOS]"', '«"[EOS]"»'), ['regex-self-mismatch']).find((d) => d.code === 'regex-self-mismatch')!;
    assert.match(eos.message, /single characters \(`E`, `O`, `S`\), so `re\.sub` deletes every one of them/);
    expectNone(withCull('[EOS]'), ['regex-single-char']);
    expectDiagnostics(withCull('</s>|«.»'), ['regex-single-char']);
    expectNone(withCull('<eos>|</s>'), ['regex-single-char']);
    // cot_end_tag goes to re.split, not re.sub: the message says what that does.
    const cot = expectDiagnostics(withCull('</think>|«.»', 'huggingface_local', 'cot_end_tag'), ['regex-single-char']).find((d) => d.code === 'regex-single-char')!;
    assert.match(cot.message, /`re\.split` cuts the reply at every one of them/);
    assert.doesNotMatch(cot.message, /re\.sub/);
    expectNone(withCull('\\\\n+'), ['regex-single-char']);
  });

  it('reports syntax errors on the offending character, mapped through JSON escapes', () => {
    const d = expectDiagnostics(withCull('\\\\[EOS\\\\]«(»'), ['regex-syntax']);
    assert.match(d.find((x) => x.code === 'regex-syntax')!.message, /missing \), unterminated subpattern at position 7/);
    expectDiagnostics(withCull('\\\\u00e9«\\\\q»'), ['regex-syntax']);
    expectDiagnostics(withCull('<eos>*«*»'), ['regex-syntax']);
  });

  it('says where Python 3.10 judges differently', () => {
    const d = expectDiagnostics(withCull('abc«(?i)»'), ['regex-syntax']);
    assert.match(d.find((x) => x.code === 'regex-syntax')!.message, /3\.10/);
    expectDiagnostics(withCull('(«?>»<eos>)'), ['regex-py310']);
    expectNone(withCull('(?i)<eos>'), ['regex-py310', 'regex-syntax']);
  });

  it('treats an empty eos_to_cull as a no-op and an empty cot_end_tag as an error', () => {
    const a = expectDiagnostics(withCull('') .replace('"eos_to_cull": ""', '"eos_to_cull": «""»'), ['regex-empty']);
    assert.equal(a.find((d) => d.code === 'regex-empty')!.severity, 'information');
    const b = expectDiagnostics(withCull('', 'huggingface_local', 'cot_end_tag').replace('"cot_end_tag": ""', '"cot_end_tag": «""»'), ['regex-empty']);
    assert.equal(b.find((d) => d.code === 'regex-empty')!.severity, 'error');
  });

  it('does not treat literal fields as regexes', () => {
    expectNone(registry(entry('llamacpp', {}, { eos_string: '<|im_end|>' })), REGEX_CODES);
    expectNone(registry(entry('huggingface_multimodal', {}, { eos_to_cull: '<|end|>' })), REGEX_CODES, { clemcoreVersion: '3.3' });
  });
});
