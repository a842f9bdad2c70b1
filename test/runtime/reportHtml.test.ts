// The report view's page: hostile model output stays text, the output's diff from raw to culled, special tokens as
// chips, the banner's order of reasons, whitespace marks, the folding stages and a strict content security policy.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { conversationMessages, diffHtml, escapeHtml, outputDiff, reportBody, reportHtml, specialTokenSpans, textHtml } from '../../server/src/runtime/reportHtml';
import type { EntryTestReport } from '../../server/src/runtime/report';

const OPTIONS = { cspSource: 'vscode-webview://abc', nonce: 'N0nce' };

function report(over: Partial<EntryTestReport> = {}): EntryTestReport {
  return {
    model: 'm',
    verdict: 'pass',
    stages: [
      { id: 'entry', status: 'ok', facts: [{ label: 'Model name', value: 'm' }] },
      {
        id: 'template', status: 'ok', facts: [
          { label: 'Conversation after ensure_alternating_roles', value: 'system: "Be brief."\nuser: "What colour\\nis the sky?"', plain: true, block: true },
          { label: 'Rendered prompt', value: '<|im_start|>user\n  hi\t<|im_end|>\n<|im_start|>assistant\n', block: true, source: 'Jinja' },
        ],
      },
      { id: 'verdict', status: 'ok', facts: [{ label: 'Verdict', value: 'pass' }, { label: 'Why', value: 'clemcore would load this entry, render the prompt, generate, and hand the game a clean reply.' }] },
    ],
    output: { raw: 'Blue.<|im_end|>', stripped: 'Blue.<|im_end|>', split: null, culled: 'Blue.' },
    problems: [],
    ...over,
  };
}

/** The page without its style and script, for searching what it shows. */
function body(html: string): string {
  return html.replace(/<style[\s\S]*?<\/style>/, '').replace(/<script[\s\S]*?<\/script>/, '');
}

describe('escaping', () => {
  it('escapes the five characters that matter in content and attributes', () => {
    assert.equal(escapeHtml(`<a href="x" title='y'>&amp;</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
  });

  it('keeps hostile model output, model names, codes and messages as text everywhere in the page', () => {
    const hostile = '<script>alert(1)</script><img src=x onerror="alert(2)">\'"';
    const html = reportHtml(report({
      model: `m"><script>alert(3)</script>`,
      verdict: 'fail',
      stages: [
        {
          id: 'template', status: 'ok', facts: [
            { label: 'Conversation after ensure_alternating_roles', value: `user: ${JSON.stringify(hostile)}`, block: true, plain: true },
            { label: 'Rendered prompt', value: hostile, block: true },
            { label: `<b>label</b>`, value: hostile, source: '<i>src</i>' },
          ],
          log: ['</pre><script>alert(4)</script>'],
        },
        { id: 'post-process', status: 'failed', facts: [{ label: 'Reply', value: hostile, block: true }] },
      ],
      output: { raw: hostile, stripped: hostile, split: null, culled: hostile.slice(8) },
      problems: [{ code: '<x>', level: 'fail', stage: 'post-process', message: hostile }],
    }), OPTIONS);
    const shown = body(html);
    assert.ok(!/<script>alert/.test(shown), 'no script element from the report');
    assert.ok(!/<img/.test(shown), 'no image element from the report');
    assert.ok(!/<b>|<i>/.test(shown), 'labels and sources are text');
    assert.ok(!/onerror="/.test(shown), 'no attribute from the report');
    assert.match(shown, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(shown, /<title>Test m&quot;&gt;&lt;script&gt;alert\(3\)&lt;\/script&gt;<\/title>/);
    assert.match(shown, /&lt;\/pre&gt;&lt;script&gt;alert\(4\)&lt;\/script&gt;/);
    // The only scripts are the page's own, with the nonce.
    assert.equal(html.match(/<script\b/g)?.length, 1);
    assert.match(html, /<script nonce="N0nce">/);
  });
});

describe('the content security policy', () => {
  it('allows nothing but the nonce\'s script and style and the webview\'s own styles', () => {
    const html = reportHtml(report(), OPTIONS);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
    assert.equal(csp, "default-src 'none'; style-src vscode-webview://abc 'nonce-N0nce'; script-src 'nonce-N0nce';".replace(/'/g, '&#39;'));
    assert.ok(!/\bstyle="/.test(html), 'no style attributes (the policy would block them)');
    assert.ok(!/https?:\/\//.test(html), 'no remote resources');
  });

  it('uses only the theme\'s colours', () => {
    const style = /<style[^>]*>([\s\S]*?)<\/style>/.exec(reportHtml(report(), OPTIONS))![1];
    assert.ok(!/#[0-9a-f]{3,8}\b|rgba?\(|hsla?\(/i.test(style), 'no hard-coded colours');
    for (const variable of ['--vscode-editor-background', '--vscode-foreground', '--vscode-testing-iconPassed', '--vscode-inputValidation-errorBorder', '--vscode-contrastBorder', '--vscode-focusBorder']) {
      assert.ok(style.includes(`var(${variable}`), `uses ${variable}`);
    }
    assert.match(style, /:focus-visible \{ outline: 1px solid var\(--vscode-focusBorder\)/);
  });
});

describe('the output from raw to culled', () => {
  it('strikes through what eos_to_cull removed when the marker is culled whole', () => {
    assert.deepEqual(outputDiff(report().output), [{ text: 'Blue.' }, { text: '<|im_end|>', removedBy: 'eos_to_cull' }]);
  });

  it('shows a marker culled only in part: the bars stay, the rest is struck through', () => {
    const pieces = outputDiff({ raw: 'Blue.<|im_end|>', stripped: 'Blue.<|im_end|>', split: null, culled: 'Blue.||' })!;
    assert.deepEqual(pieces, [
      { text: 'Blue.' }, { text: '<', removedBy: 'eos_to_cull' }, { text: '|' }, { text: 'im_end', removedBy: 'eos_to_cull' }, { text: '|' }, { text: '>', removedBy: 'eos_to_cull' },
    ]);
    const html = diffHtml(pieces);
    // The chip holds the whole token as it was in the raw output, with its culled parts struck through.
    assert.match(html, /^Blue\.<span class="chip" title="special token"><del class="removed" title="removed by eos_to_cull"><span class="sr-only">\[removed by eos_to_cull:\] <\/span>&lt;<\/del>\|<del[^>]*>.*im_end<\/del>\|<del[^>]*>.*&gt;<\/del><\/span>$/);
  });

  it('tells which step removed what: strip, then output_split_prefix, then eos_to_cull', () => {
    const pieces = outputDiff({ raw: '  <think>x</think>Yes</s>\n', stripped: '<think>x</think>Yes</s>', split: 'Yes</s>', culled: 'Yes' })!;
    assert.deepEqual(pieces, [
      { text: '  ', removedBy: 'strip()' },
      { text: '<think>x</think>', removedBy: 'output_split_prefix' },
      { text: 'Yes' },
      { text: '</s>', removedBy: 'eos_to_cull' },
      { text: '\n', removedBy: 'strip()' },
    ]);
    // Joined without the removed pieces, the pieces give the culled output.
    assert.equal(pieces.filter((p) => !p.removedBy).map((p) => p.text).join(''), 'Yes');
  });

  it('follows huggingface_local\'s pad step and its split at cot_end_tag', () => {
    const pieces = outputDiff({ raw: '<pad>x</think>Red<|eot_id|>', stripped: '<pad>x</think>Red<|eot_id|>', split: null, unpadded: 'x</think>Red<|eot_id|>', culled: 'x</think>Red', answer: 'Red' })!;
    assert.deepEqual(pieces, [
      { text: '<pad>', removedBy: 'the pad step' },
      { text: 'x</think>', removedBy: 'cot_end_tag' },
      { text: 'Red' },
      { text: '<|eot_id|>', removedBy: 'eos_to_cull' },
    ]);
    assert.match(body(reportHtml(report({ output: { raw: 'a</think>Red', stripped: 'a</think>Red', split: null, culled: 'a</think>Red', answer: 'Red' } }), OPTIONS)), /<h3>The reply the game gets<\/h3><pre class="block reply">Red<\/pre>/);
  });

  it('keeps text a step added, and leaves out steps that left no output', () => {
    const pieces = outputDiff({ raw: 'ab', stripped: null, split: null, culled: 'aXb' })!;
    assert.deepEqual(pieces, [{ text: 'a' }, { text: 'X', addedBy: 'eos_to_cull' }, { text: 'b' }]);
    assert.equal(outputDiff({ raw: null, stripped: null, split: null, culled: null }), undefined);
  });

  it('shows the diff, the reply and a legend in the page', () => {
    const html = body(reportHtml(report(), OPTIONS));
    assert.match(html, /<h2 id="output-title">Output, raw to culled<\/h2>/);
    assert.match(html, /<pre class="block diff"[^>]*>Blue\.<span class="chip" title="special token"><del class="removed"[^>]*><span class="sr-only">\[removed by eos_to_cull:\] <\/span>&lt;\|im_end\|&gt;<\/del><\/span><\/pre>/);
    assert.match(html, /<h3>The reply the game gets<\/h3><pre class="block reply">Blue\.<\/pre>/);
  });
});

describe('updates in place', () => {
  it('sends the same content a new page has, and the page says when it listens for it', () => {
    const running = report({ stages: report().stages.slice(0, 2) });
    for (const [r, isRunning] of [[running, true], [report(), false]] as const) {
      const page = reportHtml(r, { ...OPTIONS, running: isRunning });
      assert.ok(page.includes(`<main id="report">\n${reportBody(r, isRunning)}\n</main>`), 'the page holds the body in its main');
    }
    const script = /<script[^>]*>([\s\S]*?)<\/script>/.exec(reportHtml(report(), OPTIONS))![1];
    assert.match(script, /postMessage\(\{ type: 'ready' \}\)/);
    assert.match(script, /type !== 'render'/);
    // The content is the escaped text that a new page shows: a hostile reply sent in an update stays text.
    assert.ok(!reportBody(report({ output: { raw: '<script>x</script>', stripped: null, split: null, culled: null } })).includes('<script>'));
  });
});

describe('special tokens', () => {
  it('finds the usual shapes of special tokens, in code points', () => {
    const text = '😀<|im_end|> </s><s> <eos><end_of_turn><｜end▁of▁sentence｜> <|eot_id|> <| not |> <div>';
    const found = specialTokenSpans(text).map(([s, e]) => Array.from(text).slice(s, e).join(''));
    assert.deepEqual(found, ['<|im_end|>', '</s>', '<s>', '<eos>', '<end_of_turn>', '<｜end▁of▁sentence｜>', '<|eot_id|>']);
  });

  it('shows them as chips in the prompt', () => {
    const html = textHtml('<|im_start|>user\nhi<|im_end|>');
    assert.equal(html, '<span class="chip" title="special token">&lt;|im_start|&gt;</span>user<span class="ws" aria-hidden="true">↵</span>\nhi<span class="chip" title="special token">&lt;|im_end|&gt;</span>');
  });
});

describe('whitespace marks', () => {
  it('marks line breaks, tabs and spaces at line ends as the markdown report does, in spans of their own', () => {
    assert.equal(textHtml('  a\tb \n'), '<span class="ws">·</span><span class="ws">·</span>a<span class="ws">⇥</span>b<span class="ws">·</span><span class="ws" aria-hidden="true">↵</span>\n');
    const html = body(reportHtml(report(), OPTIONS));
    assert.match(html, /<pre class="block prompt"><span class="chip" title="special token">&lt;\|im_start\|&gt;<\/span>user<span class="ws" aria-hidden="true">↵<\/span>\n<span class="ws">·<\/span><span class="ws">·<\/span>hi<span class="ws">⇥<\/span>/);
  });
});

describe('the banner', () => {
  it('puts the reasons first: errors, then failures, then warnings, each linking to its stage', () => {
    const html = body(reportHtml(report({
      verdict: 'error',
      problems: [
        { code: 'w1', level: 'warning', stage: 'load', message: 'a warning' },
        { code: 'f1', level: 'fail', stage: 'template', message: 'a failure' },
        { code: 'e1', level: 'error', stage: 'model-file', message: 'an error' },
      ],
    }), OPTIONS));
    const banner = /<header class="banner verdict-error"[\s\S]*?<\/header>/.exec(html)?.[0] ?? '';
    assert.match(banner, /<h1 id="verdict-title"><span class="icon" role="img" aria-label="error">✗<\/span> <code>m<\/code>: <span class="verdict-word">ERROR<\/span><\/h1>/);
    assert.match(banner, /The test could not finish:/);
    const codes = [...banner.matchAll(/<li class="problem level-(\w+)"><span class="badge">\w+<\/span> <a href="#stage-([\w-]+)"><code>(\w+)<\/code><\/a>/g)].map((m) => `${m[1]} ${m[2]} ${m[3]}`);
    assert.deepEqual(codes, ['error model-file e1', 'fail template f1', 'warning load w1']);
    assert.ok(html.indexOf('<header') < html.indexOf('id="stages-title"'), 'the banner comes before the stages');
    assert.match(banner, /<button type="button" id="copy">Copy report as markdown<\/button>/);
  });

  it('says why a passing entry passes, and shows progress while the test runs', () => {
    assert.match(body(reportHtml(report(), OPTIONS)), /<span class="verdict-word">PASS<\/span>[\s\S]*<p class="lead">clemcore would load this entry/);
    // The verdict stage's reason, with what stood in for clemcore's runtime (huggingface_local).
    const why = 'clemcore would load this entry, render the prompt, generate, and hand the game a clean reply (with llama.cpp and this GGUF standing in for transformers and the model\'s weights).';
    const standIn = report({ stages: [...report().stages.slice(0, -1), { id: 'verdict', status: 'ok', facts: [{ label: 'Verdict', value: 'pass' }, { label: 'Why', value: why }] }] });
    assert.ok(body(reportHtml(standIn, OPTIONS)).includes(`<p class="lead">${why.replace("'", '&#39;')}</p>`));
    const running = body(reportHtml(report({ stages: report().stages.slice(0, 2) }), { ...OPTIONS, running: true }));
    assert.match(running, /Testing <code>m<\/code>/);
    assert.match(running, /<p role="status">2 of 7 stages done: the last, 4\. Template, is ok\.<\/p>/);
    assert.ok(!running.includes('id="copy"'), 'no copying of a report that is not finished');
  });
});

describe('the stages', () => {
  it('folds with details and summary, opens failed and warning stages, and labels the icons', () => {
    const html = body(reportHtml(report({
      verdict: 'error',
      stages: [
        { id: 'entry', status: 'ok', facts: [] },
        { id: 'model-file', status: 'failed', facts: [] },
        { id: 'load', status: 'warning', facts: [] },
        { id: 'generate', status: 'skipped', facts: [{ label: 'Skipped', value: 'no model' }] },
        { id: 'verdict', status: 'failed', facts: [{ label: 'Verdict', value: 'error' }] },
      ],
      problems: [{ code: 'model-file-missing', level: 'error', stage: 'model-file', message: 'no file' }, { code: 'w', level: 'warning', stage: 'load', message: 'w' }],
    }), OPTIONS));
    const stages = [...html.matchAll(/<details class="stage status-(\w+)" id="stage-([\w-]+)"( open)?>\n<summary><h3><span class="icon" role="img" aria-label="(\w+)">(.)<\/span> ([^<]+) <span class="status">(\w+)<\/span>/g)]
      .map((m) => `${m[2]} ${m[1]} ${m[3] ? 'open' : 'closed'} ${m[4]} ${m[5]} ${m[6]}`);
    assert.deepEqual(stages, [
      'entry ok closed ok ✓ 1. Entry',
      'model-file error open error ✗ 2. Model file',
      'load warning open warning ! 3. Load',
      'generate skipped closed skipped – 5. Generate',
      // The verdict stage of an error says error, not failed.
      'verdict error open error ✗ 7. Verdict',
    ]);
    assert.match(html, /<h2 id="stages-title">Stages<\/h2>/);
    assert.match(html, /<ul class="stage-problems"><li class="problem level-error"><span class="badge">error<\/span> <code>model-file-missing<\/code> no file<\/li><\/ul>/);
  });
});

describe('the conversation', () => {
  it('shows the messages as role and content', () => {
    assert.deepEqual(conversationMessages('system: "Be brief."\nuser: "a\\nb"'), [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'a\nb' }]);
    assert.equal(conversationMessages('user: not json'), undefined);
    const html = body(reportHtml(report(), OPTIONS));
    assert.match(html, /<ol class="conversation"><li class="message role-system"><span class="role">system<\/span><div class="content">Be brief\.<\/div><\/li>\n<li class="message role-user"><span class="role">user<\/span><div class="content">What colour\nis the sky\?<\/div><\/li><\/ol>/);
  });
});
