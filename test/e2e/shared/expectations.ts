// The fixture workspace and what each step expects of it, shared by both drivers.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { escapeRegExp, type OutlineItem, type Position, type Problem, type Severity } from './driver';
import { SCRIPTED_ENTRIES } from './scriptedModel';

/** The repository root: from the environment when the suites run bundled inside VS Code, else from this file. */
export const REPO_ROOT = process.env.CLEM_E2E_REPO || path.resolve(__dirname, '..', '..', '..');
export const FIXTURE_WORKSPACE = path.join(REPO_ROOT, 'test', 'e2e', 'fixtures', 'workspace');
export const ARTIFACTS = path.join(REPO_ROOT, '.test-artifacts', 'e2e');
export const REGISTRY = 'model_registry.json';
/** A llamacpp entry of the fixture whose model file is neither in the Hugging Face cache nor named by a setting. */
export const MISSING_MODEL = 'qwen2.5-7b-gguf';

/** Deliberate mistakes of the fixture, where the Problems panel must list them. */
export const EXPECTED_PROBLEMS: Array<Pick<Problem, 'code' | 'severity' | 'line' | 'col'>> = [
  { code: 'regex-unescaped-bar', severity: 'error', line: 15, col: 29 },
  { code: 'ignored-key', severity: 'warning', line: 16, col: 13 },
  { code: 'release-date', severity: 'warning', line: 22, col: 25 },
  { code: 'cot-end-tag-missing', severity: 'error', line: 28, col: 9 },
  { code: 'misplaced-key', severity: 'error', line: 29, col: 13 },
  { code: 'id-key-mismatch', severity: 'error', line: 38, col: 9 },
  { code: 'presence-flag-false', severity: 'warning', line: 45, col: 45 },
  { code: 'duplicate-model-name', severity: 'warning', line: 60, col: 23 },
  { code: 'regex-over-escaped', severity: 'error', line: 72, col: 30 },
  // The scripted entry whose unescaped `eos_to_cull` fails Test entry.
  { code: 'regex-unescaped-bar', severity: 'error', line: 104, col: 29 },
];

/**
 * Squiggles cover exactly their characters: a code is found inside its range and not beside it. The positions
 * outside are on keys or regex values, which always have a hover (the browser reads diagnostics from the hover).
 */
export const SQUIGGLES: Array<{ code: string; inside: Position; outside: Position }> = [
  // The token `<|im_end|>` inside its quotes (columns 29 to 38), not its key.
  { code: 'regex-unescaped-bar', inside: { line: 15, col: 33 }, outside: { line: 15, col: 17 } },
  // The value `"23-07-24"`, not its key.
  { code: 'release-date', inside: { line: 22, col: 29 }, outside: { line: 22, col: 12 } },
  // The value `false` of a presence-only flag, not its key.
  { code: 'presence-flag-false', inside: { line: 45, col: 47 }, outside: { line: 45, col: 30 } },
];

export const QUICK_FIX = {
  at: { line: 15, col: 30 },
  title: /^Escape the `\|` of the token/,
  /** The code of the findings the fix removes. */
  removes: 'regex-unescaped-bar',
  before: '            "eos_to_cull": "<|im_end|>",',
  after: '            "eos_to_cull": "<\\\\|im_end\\\\|>",',
};

export const HOVER = {
  /** On the key `filename` in the llamacpp entry's model_config. */
  at: { line: 14, col: 15 },
  includes: ['filename', 'model_config', 'llamacpp backend', 'fnmatch'],
};

export const COMPLETION = {
  /** A new line after `"premade_chat_template": true,` in the llamacpp entry's model_config. */
  afterLine: 13,
  /** llamacpp model_config keys that are not in the entry yet. */
  offers: ['bos_string', 'custom_chat_template', 'eos_string', 'output_split_prefix'],
  /** Keys already there, keys clemcore ignores for llamacpp, and keys of other backends. */
  withholds: ['filename', 'eos_to_cull', 'execute_on', 'gpu_layers_offloaded', 'padding_side', 'load_in_8bit'],
};

export const OUTLINE: OutlineItem[] = [
  { name: 'qwen2.5-7b-gguf', detail: 'llamacpp' },
  { name: 'llama-3.1-8b', detail: 'huggingface_local' },
  { name: 'gpt-4o-mini', detail: 'openai' },
  { name: 'claude-haiku', detail: 'anthropic' },
  { name: 'qwen2.5-7b-gguf', detail: 'llamacpp' },
];

/** The 1-based line of the opening brace of the fixture's entry named `modelName`, where its code lenses stand. */
export function entryLine(modelName: string): number {
  const lines = readFileSync(path.join(FIXTURE_WORKSPACE, REGISTRY), 'utf8').split('\n');
  const at = lines.findIndex((l) => l.trim() === `"model_name": ${JSON.stringify(modelName)},`);
  if (at < 1 || lines[at - 1].trim() !== '{') throw new Error(`the fixture has no entry that starts with "model_name": ${JSON.stringify(modelName)}`);
  return at;
}

/** The stages of a run as the report view lists them, all ok but those named. */
function stagesOf(not: Record<string, string>): string[] {
  return ['1. Entry', '2. Model file', '3. Load', '4. Template', '5. Generate', '6. Post-process', '7. Verdict']
    .map((title) => `${title}: ${not[title] ?? 'ok'}`);
}

/** What the keyboard does in every report view (see ReportView.keyboard). */
const KEYBOARD = { tabReachesStage: true, focusOutline: 'solid', enterOpens: true, spaceCloses: true };

/** The scripted model's prompt and raw output: ChatML, the reply "Blue." and the end marker written as text. */
const SCRIPTED_VIEW = {
  roles: ['system', 'user', 'assistant', 'user'],
  promptChips: ['<|im_start|>', '<|im_end|>', '<|im_start|>', '<|im_end|>', '<|im_start|>', '<|im_end|>', '<|im_start|>', '<|im_end|>', '<|im_start|>'],
  promptMarksLineBreaks: true,
  outputChips: ['<|im_end|>'],
};

/**
 * "Test entry" on the scripted entries (the model: shared/scriptedModel.ts, written into each run's workspace, named
 * by the fixture's .vscode/settings.json; node-llama-cpp: this repository, named in the user settings), and on an
 * entry whose model file is nowhere.
 */
export const TEST_ENTRY = {
  lens: 'Test entry',
  /** The palette lists the command in a trusted workspace only; Preview chat template in both. */
  palette: { filter: 'clem-registry: ', command: 'clem-registry: Test model entry', always: 'clem-registry: Preview chat template' },
  runs: [
    {
      verdict: 'pass',
      modelName: SCRIPTED_ENTRIES.pass,
      title: `Test ${SCRIPTED_ENTRIES.pass}`,
      heading: `# Test of model entry \`${SCRIPTED_ENTRIES.pass}\`: **PASS**`,
      includes: [
        `setting clemRegistry.modelFiles["${SCRIPTED_ENTRIES.pass}"]`,
        '- **Verdict**: `pass`',
        '## ✓ 7. Verdict — ok',
        // The raw reply, then the culled one as clemcore hands it to the game.
        '```text\nBlue.<|im_end|>\n```',
        '**Reply clemcore hands to the game**\n\n```text\nBlue.\n```',
      ],
      excludes: ['Blue.||', 'end-marker-left'],
      view: {
        ...SCRIPTED_VIEW,
        verdict: 'PASS',
        // The scripted model is not in the Hugging Face cache: the setting's file is used, with a warning.
        reasons: ['warning model-file-not-cached'],
        stages: stagesOf({ '2. Model file': 'warning (open)' }),
        removed: ['eos_to_cull: <|im_end|>'],
        reply: 'Blue.',
        keyboard: KEYBOARD,
      },
      notification: new RegExp(`^clem-registry: ${SCRIPTED_ENTRIES.pass}: PASS$`),
    },
    {
      verdict: 'fail',
      modelName: SCRIPTED_ENTRIES.fail,
      title: `Test ${SCRIPTED_ENTRIES.fail}`,
      heading: `# Test of model entry \`${SCRIPTED_ENTRIES.fail}\`: **FAIL**`,
      includes: [
        `setting clemRegistry.modelFiles["${SCRIPTED_ENTRIES.fail}"]`,
        '- **Verdict**: `fail`',
        '## ✗ 7. Verdict — failed',
        '- **end-marker-left**: ',
        '**Reply clemcore hands to the game**\n\n```text\nBlue.||\n```',
      ],
      excludes: [],
      view: {
        ...SCRIPTED_VIEW,
        verdict: 'FAIL',
        reasons: ['fail end-marker-left', 'warning model-file-not-cached'],
        stages: stagesOf({ '2. Model file': 'warning (open)', '6. Post-process': 'failed (open)', '7. Verdict': 'failed (open)' }),
        // The unescaped bars make eos_to_cull remove `<`, `im_end` and `>` one by one: the bars stay.
        removed: ['eos_to_cull: <', 'eos_to_cull: im_end', 'eos_to_cull: >'],
        reply: 'Blue.||',
        keyboard: KEYBOARD,
      },
      notification: new RegExp(`^clem-registry: ${SCRIPTED_ENTRIES.fail}: FAIL — eos_to_cull removes only part of`),
    },
    {
      verdict: 'error',
      modelName: MISSING_MODEL,
      title: `Test ${MISSING_MODEL}`,
      heading: `# Test of model entry \`${MISSING_MODEL}\`: **ERROR**`,
      includes: [
        '- **Verdict**: `error`',
        '## ✗ 2. Model file — error',
        '## ✗ 7. Verdict — error',
        '- **model-file-missing**: ',
      ],
      excludes: ['— failed', '..'],
      view: {
        verdict: 'ERROR',
        reasons: ['error model-file-missing'],
        stages: stagesOf({ '2. Model file': 'error (open)', '3. Load': 'skipped', '4. Template': 'skipped', '5. Generate': 'skipped', '6. Post-process': 'skipped', '7. Verdict': 'error (open)' }),
        roles: [],
        promptChips: [],
        promptMarksLineBreaks: false,
        removed: [],
        outputChips: [],
        reply: '',
        keyboard: KEYBOARD,
      },
      // Said without offering the runtime, with how to point at a model file.
      notification: new RegExp(`^clem-registry: ${escapeRegExp(MISSING_MODEL)} has no model file to test\\. Qwen/Qwen2\\.5-7B-Instruct-GGUF is not in the Hugging Face cache \\(.*\\)\\. clemcore would download it; .*directly\\. Set clemRegistry\\.modelFiles\\["${escapeRegExp(MISSING_MODEL)}"\\] to a GGUF file to test that file\\.$`),
    },
  ],
  /** What clicking the lens shows in restricted mode, instead of running the model. */
  restricted: /^clem-registry: "Test model entry" is off in Restricted Mode: it loads and runs the model files that this workspace names\./,
} as const;

const SEVERITIES: Record<string, Severity | undefined> = { error: 'error', warning: 'warning', information: 'info' };

interface CliDiagnostic {
  code: string;
  severity: string;
  message: string;
  range: { start: { line: number; character: number } };
}

/**
 * What the command-line checker (the same engine) reports for a file, as the Problems panel lists it: 1-based, hints
 * left out. The editor must show exactly these.
 */
export function checkerProblems(file: string): Problem[] {
  let stdout: string;
  try {
    stdout = execFileSync(process.execPath, [path.join(REPO_ROOT, 'dist', 'cli.js'), 'check', '--format', 'json', file], {
      encoding: 'utf8',
      // Inside VS Code process.execPath is Electron; this makes it behave as Node.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
  } catch (error) {
    // Exit code 1 means "there are errors", which the fixture has on purpose.
    stdout = (error as { stdout?: string }).stdout ?? '';
    if (!stdout) throw error;
  }
  const [result] = JSON.parse(stdout) as Array<{ diagnostics: CliDiagnostic[] }>;
  return result.diagnostics.flatMap((d) => {
    const severity = SEVERITIES[d.severity];
    return severity ? [{ code: d.code, severity, source: 'clem-registry', message: d.message, line: d.range.start.line + 1, col: d.range.start.character + 1 }] : [];
  });
}

/** `code@line:col severity`, sorted: the form the suites compare lists in. */
export function problemKeys(problems: Array<Pick<Problem, 'code' | 'severity' | 'line' | 'col'>>): string[] {
  return problems
    .map((p) => `${p.code}@${p.line}:${p.col} ${p.severity}`)
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}
