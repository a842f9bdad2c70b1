// The command line: `clem-registry check FILE...` runs the registry service the editor uses and prints its findings
// like a compiler (or as JSON or SARIF); `clem-registry test FILE --model NAME` runs one entry through llama.cpp as
// clemcore would, in the same worker process the editor uses; `clem-registry lsp --stdio` starts the editor's language
// server for any LSP client. The subcommands share one option parser.
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import pkg from '../../package.json';
import { checkRegistryBytes, DIAGNOSTIC_CODES, getSchemaSet, type RegistryDiagnostic, type ServiceSettings, type Severity } from './service';
import { InputError, readInput, STDIN } from './cliInput';
import { registryFilesIn } from './lsp/workspaceRegistries';
import { isListed, listHubCache, readTokenizerFacts } from './runtime/tokenizerFacts';
import { readGgufFacts, readRepoFiles } from './runtime/ggufFacts';
import { hubCache } from './runtime/modelFiles';
import { REGISTRY_FILE_NAME } from './lsp/protocol';
import { TextBuffer } from './lsp/textBuffer';
import type { EntryTestRequest } from './runtime/pipeline';
import { reportJson, reportText } from './runtime/report';
import { loadRegistry } from './runtime/entryLookup';
import { writeSarif } from './sarif';
import { openKeptResults } from './keptResults';

const PROGRAM = 'clem-registry';
const LEVELS = ['error', 'warning', 'information', 'hint', 'off'] as const;

/** A bad call: exit 2 with the message and the command's usage. (An unreadable file is an InputError: one line.) */
class UsageError extends Error {
  constructor(message: string, readonly usage: string) {
    super(message);
  }
}

interface OptionSpec {
  /** Whether the option takes a value (`--name VALUE` or `--name=VALUE`). */
  value: boolean;
  multiple?: boolean;
}

interface ParsedArgs {
  options: Map<string, string[]>;
  positionals: string[];
}

/** Parses `args` against `spec`: long options only, `--` ends options; anything unknown is a UsageError. */
function parseArgs(args: string[], spec: Record<string, OptionSpec>, usage: string): ParsedArgs {
  const options = new Map<string, string[]>();
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = (eq >= 0 ? arg.slice(0, eq) : arg).replace(/^-+/, '');
    const known = arg.startsWith('--') ? spec[name] : name === 'h' ? spec.help : undefined;
    const key = name === 'h' ? 'help' : name;
    if (!known) throw new UsageError(`unknown option '${eq >= 0 ? arg.slice(0, eq) : arg}'`, usage);
    let value = '';
    if (known.value) {
      if (eq >= 0) value = arg.slice(eq + 1);
      else if (i + 1 < args.length) value = args[++i];
      else throw new UsageError(`option '--${key}' needs a value`, usage);
    } else if (eq >= 0) {
      throw new UsageError(`option '--${key}' takes no value`, usage);
    }
    const values = options.get(key) ?? [];
    if (values.length > 0 && !known.multiple) throw new UsageError(`option '--${key}' is given more than once`, usage);
    values.push(value);
    options.set(key, values);
  }
  return { options, positionals };
}

// ---- check ----------------------------------------------------------------------------------------------------------

const CHECK_USAGE = `Usage: ${PROGRAM} check [--format text|json|github|sarif] [--clemcore VERSION] [--severity CODE=LEVEL]... FILE|DIR...`;
const CHECK_HELP = `${CHECK_USAGE}

Checks clembench model registries (model_registry.json) as clemcore reads them. A directory stands for every
model_registry.json below it (not in node_modules, dist, build, virtual environments or hidden folders); - reads
standard input. Pipes are read to their end (up to 64 MB); a named pipe without a writer is reported.

Options:
  --format FORMAT        text (default): one finding per line, file:line:column: severity code: message
                         (1-based), and a summary on stderr. json: [{"file", "diagnostics": [{"code",
                         "severity", "message", "range" (0-based, as in LSP), "path"}]}] on stdout.
                         github: GitHub Actions workflow commands (::error file=...,line=...::message), which
                         put each finding on its line of the pull request, and the summary on stderr.
                         sarif: a SARIF 2.1.0 log on stdout (one run, one rule per code, files relative to
                         the working directory), for GitHub code scanning (upload-sarif) and SARIF viewers.
  --clemcore VERSION     the clemcore runtime to check against: ${getSchemaSet().versions.join(', ')} (default ${getSchemaSet().defaultVersion}).
  --severity CODE=LEVEL  report CODE as LEVEL (${LEVELS.join(', ')}); may be repeated.
  -h, --help             show this help.

Exit status: 0 without errors, 1 when any file has an error, 2 when the check could not run.`;

const CHECK_FORMATS = ['text', 'json', 'github', 'sarif'];

interface FileReport {
  /** The file as given, or `<stdin>`. */
  file: string;
  fromStdin: boolean;
  /** The checked text, for the findings' lines and columns. */
  text: TextBuffer;
  findings: RegistryDiagnostic[];
}

function checkCommand(args: string[]): number {
  const { options, positionals } = parseArgs(args, {
    format: { value: true },
    clemcore: { value: true },
    severity: { value: true, multiple: true },
    help: { value: false },
  }, CHECK_USAGE);
  if (options.has('help')) {
    process.stdout.write(`${CHECK_HELP}\n`);
    return 0;
  }
  const format = options.get('format')?.[0] ?? 'text';
  if (!CHECK_FORMATS.includes(format)) throw new UsageError(`unknown format '${format}' (use text, json, github or sarif)`, CHECK_USAGE);

  const versions = getSchemaSet().versions;
  const version = options.get('clemcore')?.[0];
  if (version !== undefined && !versions.includes(version)) {
    throw new UsageError(`unknown clemcore version '${version}' (known: ${versions.join(', ')})`, CHECK_USAGE);
  }
  const severity: Record<string, Severity | 'off'> = {};
  for (const item of options.get('severity') ?? []) {
    const [code, level] = item.split('=', 2);
    if (!(code in DIAGNOSTIC_CODES)) throw new UsageError(`unknown diagnostic code '${code}' in --severity ${item}`, CHECK_USAGE);
    if (!(LEVELS as readonly string[]).includes(level)) {
      throw new UsageError(`--severity ${item}: the level must be one of ${LEVELS.join(', ')}`, CHECK_USAGE);
    }
    severity[code] = level as Severity | 'off';
  }
  if (positionals.length === 0) throw new UsageError('no FILE given', CHECK_USAGE);

  // The templates' analyses and renders of earlier runs, when the loader found a place for them (cliLoader.ts).
  const kept = (globalThis as Record<symbol, unknown>)[Symbol.for('clem-registry.keptResults')];
  if (typeof kept === 'string') openKeptResults(kept);
  // Read everything first: an unreadable file stops the run before any output, so output is never half a report.
  const inputs = positionals.flatMap(expandDirectory).map((file) => ({ file, bytes: readInput(file) }));
  // The Hugging Face cache is listed once for the run, so that repositories it does not hold cost no look-ups.
  const hub = hubCache();
  const listed = listHubCache(hub);
  const reports = inputs.map(({ file, bytes }) => checkFile(file, bytes, {
    clemcoreVersion: version,
    severity,
    documentPath: file === STDIN ? undefined : path.resolve(file),
    tokenizerFacts: (id) => readTokenizerFacts(id, hub, Date.now(), listed),
    ggufFacts: (id, filename) => (isListed(id, listed) ? readGgufFacts(id, filename, hub) : undefined),
    repoFiles: (id) => (isListed(id, listed) ? readRepoFiles(id, hub) : undefined),
  }));

  // The status is settled before the report is written: a reader that stops early (`| head`) ends the run with it.
  const status = reports.some((r) => r.findings.some((d) => d.severity === 'error')) ? 1 : 0;
  process.exitCode = status;
  if (format === 'json') writeJson(reports);
  else if (format === 'sarif') writeSarif(reports, pkg.version, (chunk) => process.stdout.write(chunk));
  else writeText(reports, format === 'github' ? githubLine : textLine);
  return status;
}

/** A directory's model_registry.json files, as paths under the directory as given; any other argument as it is. */
function expandDirectory(arg: string): string[] {
  let isDirectory = false;
  try {
    isDirectory = statSync(arg).isDirectory();
  } catch {
    return [arg]; // reading it says what is wrong
  }
  if (!isDirectory) return [arg];
  const found = registryFilesIn([arg], REGISTRY_FILE_NAME).sort();
  if (!found.length) throw new InputError(`no ${REGISTRY_FILE_NAME} under '${arg}'`);
  return found;
}

function checkFile(file: string, bytes: Buffer, settings: ServiceSettings): FileReport {
  const { text, diagnostics } = checkRegistryBytes(bytes, settings);
  return { file: file === STDIN ? '<stdin>' : file, fromStdin: file === STDIN, text: new TextBuffer('file:///input.json', 0, text), findings: diagnostics };
}

/** The JSON report, written in parts: a report of a million findings is never one string. */
function writeJson(reports: FileReport[]): void {
  process.stdout.write('[');
  reports.forEach((report, i) => {
    const { diagnostics, ...head } = toJson(report);
    // `{"file":...,"diagnostics":[` and then the findings a thousand at a time.
    process.stdout.write(`${i ? ',' : ''}${JSON.stringify({ ...head, diagnostics: [] }).slice(0, -2)}`);
    for (let j = 0; j < diagnostics.length; j += 1000) {
      process.stdout.write(`${j ? ',' : ''}${JSON.stringify(diagnostics.slice(j, j + 1000)).slice(1, -1)}`);
    }
    process.stdout.write(']}');
  });
  process.stdout.write(']\n');
}

function toJson(report: FileReport) {
  return {
    file: report.file,
    diagnostics: report.findings.map((d) => ({
      code: d.code,
      severity: d.severity,
      message: d.message,
      range: { start: report.text.positionAt(d.offset), end: report.text.positionAt(d.offset + d.length) },
      path: d.path,
    })),
  };
}

/** One line per finding on stdout (columns count UTF-16 units, 1-based); the summary goes to stderr. */
type LineFormat = (r: FileReport, d: RegistryDiagnostic) => string;

const textLine: LineFormat = (r, d) => {
  const at = r.text.positionAt(d.offset);
  return `${r.file}:${at.line + 1}:${at.character + 1}: ${d.severity} ${d.code}: ${d.message.replace(/\s*[\r\n]+\s*/g, ' ')}`;
};

const GITHUB_LEVELS: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'notice', hint: 'notice' };

/** A GitHub Actions workflow command: the finding as an annotation on its lines and columns (1-based). */
const githubLine: LineFormat = (r, d) => {
  const start = r.text.positionAt(d.offset);
  const end = r.text.positionAt(d.offset + Math.max(d.length, 0));
  const props = [`file=${escapeProperty(r.file)}`, `line=${start.line + 1}`, `col=${start.character + 1}`, `endLine=${end.line + 1}`];
  // GitHub takes an end column only for an annotation on a single line.
  if (end.line === start.line) props.push(`endColumn=${end.character + 1}`);
  props.push(`title=${escapeProperty(`clem-registry ${d.code}`)}`);
  return `::${GITHUB_LEVELS[d.severity]} ${props.join(',')}::${escapeData(d.message)}`;
};

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function writeText(reports: FileReport[], format: LineFormat): void {
  const counts: Record<Severity, number> = { error: 0, warning: 0, information: 0, hint: 0 };
  let lines: string[] = [];
  for (const r of reports) {
    for (const d of r.findings) {
      lines.push(format(r, d));
      counts[d.severity]++;
      // Written in parts, so that a huge report is never one string.
      if (lines.length === 1000) {
        process.stdout.write(`${lines.join('\n')}\n`);
        lines = [];
      }
    }
  }
  if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
  const parts = [plural(counts.error, 'error'), plural(counts.warning, 'warning')];
  if (counts.information > 0) parts.push(`${counts.information} info`);
  if (counts.hint > 0) parts.push(plural(counts.hint, 'hint'));
  process.stderr.write(`${parts.join(', ')} in ${plural(reports.length, 'file')}\n`);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

// ---- test -----------------------------------------------------------------------------------------------------------

const TEST_USAGE = `Usage: ${PROGRAM} test FILE (--model NAME [--gguf PATH] | --all [--gguf NAME=PATH]...) [--max-tokens N] [--ctx N] [--format text|json] [options]`;
const TEST_HELP = `${TEST_USAGE}

Runs one llamacpp entry of the registry FILE through llama.cpp as clemcore would: which entry a lookup returns,
the GGUF it resolves to in the Hugging Face cache, loading, the rendered prompt, greedy generation and
post-processing, and a verdict. A huggingface_local entry runs the same way on a GGUF of the same model (--gguf),
with llama.cpp standing in for transformers: clemcore's template, tokens, generation and text path for the entry's
clemcore version, and the model's Hugging Face tokenizer when it is cached.

Options:
  --model NAME           the entry's model_name.
  --gguf PATH            a local GGUF to use instead of the Hugging Face cache (required for huggingface_local).
  --all                  test every llamacpp entry of FILE in turn (the first of each name, as a lookup finds
                         it), each with its GGUF from the Hugging Face cache, and every huggingface_local entry
                         that --gguf NAME=PATH names a GGUF for; end with a summary. The JSON format is then a
                         list of reports, each with its "model".
  --gguf NAME=PATH       with --all (repeatable): the GGUF for the entries named NAME, instead of the cache.
  --max-tokens N         at most N new tokens (default 100).
  --ctx N                a context of N tokens instead of the trained one (which clemcore uses).
  --format FORMAT        text (default): the report, stage by stage. json: {"verdict", "stages", "output",
                         "problems"} on stdout.
  --packaged PATH        clemcore's packaged registry, searched after FILE as clemcore does.
  --clemcore VERSION     the clemcore runtime: ${getSchemaSet().versions.join(', ')} (default ${getSchemaSet().defaultVersion}).
  --honour-gpu-keys      apply execute_on / gpu_layers_offloaded (clemcore ignores them).
  --cpu                  run llama.cpp on the CPU even where a GPU build would load.
  --timeout SECONDS      stop the test after this long (default 600).
  --runtime DIR          a folder holding node-llama-cpp (default: CLEM_REGISTRY_LLAMA_RUNTIME, then this package's).
  -h, --help             show this help.

Exit status: 0 pass, 1 fail, 2 error (the test could not run); with --all the worst of the entries'.`;

function positiveInt(options: Map<string, string[]>, name: string, usage: string): number | undefined {
  const raw = options.get(name)?.[0];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} needs a positive whole number, not '${raw}'`, usage);
  return n;
}

async function testCommand(args: string[]): Promise<number> {
  const { options, positionals } = parseArgs(args, {
    model: { value: true },
    gguf: { value: true, multiple: true },
    'max-tokens': { value: true },
    ctx: { value: true },
    format: { value: true },
    packaged: { value: true },
    clemcore: { value: true },
    'honour-gpu-keys': { value: false },
    cpu: { value: false },
    timeout: { value: true },
    runtime: { value: true },
    all: { value: false },
    help: { value: false },
  }, TEST_USAGE);
  if (options.has('help')) {
    process.stdout.write(`${TEST_HELP}\n`);
    return 0;
  }
  const format = options.get('format')?.[0] ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`unknown format '${format}' (use text or json)`, TEST_USAGE);
  if (positionals.length !== 1) throw new UsageError(positionals.length ? 'give exactly one registry FILE' : 'no FILE given', TEST_USAGE);
  const modelName = options.get('model')?.[0];
  const all = options.has('all');
  if (all && modelName) throw new UsageError('give either --model NAME or --all', TEST_USAGE);
  const ggufs = options.get('gguf') ?? [];
  if (!all && ggufs.length > 1) throw new UsageError('option \'--gguf\' is given more than once (only --all takes one per entry, as NAME=PATH)', TEST_USAGE);
  const named = all ? ggufsByName(ggufs) : new Map<string, string>();
  if (!modelName && !all) throw new UsageError('--model NAME is required (or --all)', TEST_USAGE);
  const version = options.get('clemcore')?.[0];
  if (version !== undefined && !getSchemaSet().versions.includes(version)) {
    throw new UsageError(`unknown clemcore version '${version}' (known: ${getSchemaSet().versions.join(', ')})`, TEST_USAGE);
  }
  const file = positionals[0];
  // The BOM is kept: clemcore's json.load rejects a file that starts with one.
  const readText = (f: string) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(readInput(f));
  const ggufPath = all ? undefined : ggufs[0];
  const packaged = options.get('packaged')?.[0];
  const request: EntryTestRequest = {
    registry: { label: path.resolve(file), text: readText(file) },
    packaged: packaged ? { label: `packaged (${packaged})`, text: readText(packaged) } : undefined,
    modelName: modelName ?? '',
    gguf: ggufPath ? { path: path.resolve(ggufPath), source: '--gguf' } : undefined,
    maxTokens: positiveInt(options, 'max-tokens', TEST_USAGE) ?? 100,
    contextSize: positiveInt(options, 'ctx', TEST_USAGE),
    honourGpuKeys: options.has('honour-gpu-keys'),
    cpuOnly: options.has('cpu'),
    clemcoreVersion: version ?? getSchemaSet().defaultVersion,
  };
  const runtime = options.get('runtime')?.[0] ?? process.env.CLEM_REGISTRY_LLAMA_RUNTIME;
  // Loaded here: a check does not start the worker (nor load node:child_process).
  const { runEntryTest } = await import('./runtime/runner');
  const runOptions = {
    workerPath: path.join(__dirname, 'testWorker.mjs'),
    runtimeCandidates: [...(runtime ? [path.resolve(runtime)] : []), path.resolve(__dirname, '..')],
    timeoutMs: (positiveInt(options, 'timeout', TEST_USAGE) ?? 600) * 1000,
    onStage: format === 'text' && process.stderr.isTTY ? (stage: { id: string; status: string }) => process.stderr.write(`  ${stage.id}: ${stage.status}\n`) : undefined,
  };
  if (!all) {
    const report = await runEntryTest(request, runOptions);
    process.stdout.write(format === 'json' ? `${JSON.stringify(reportJson(report), null, 2)}\n` : reportText(report));
    return EXIT_OF[report.verdict];
  }
  const { names, untested } = testableNames(request.registry, request.clemcoreVersion ?? getSchemaSet().defaultVersion, named);
  for (const name of named.keys()) {
    if (!names.includes(name) && !untested.includes(name)) throw new UsageError(`--gguf ${name}=...: '${file}' has no llamacpp or huggingface_local entry named '${name}'`, TEST_USAGE);
  }
  if (!names.length) throw new InputError(`'${file}' has no llamacpp entry to test${untested.length ? `, and no huggingface_local entry with a GGUF (--gguf NAME=PATH names one: ${untested.join(', ')})` : ''}`);
  const results: { model: string; report: Awaited<ReturnType<typeof runEntryTest>> }[] = [];
  for (const name of names) {
    if (format === 'text' && process.stderr.isTTY) process.stderr.write(`${name}\n`);
    const gguf = named.get(name);
    const report = await runEntryTest({ ...request, modelName: name, gguf: gguf ? { path: path.resolve(gguf), source: `--gguf ${name}=${gguf}` } : undefined }, runOptions);
    results.push({ model: name, report });
    if (format === 'text') process.stdout.write(`${reportText(report)}\n`);
  }
  if (format === 'json') process.stdout.write(`${JSON.stringify(results.map((r) => ({ model: r.model, ...(reportJson(r.report) as object) })), null, 2)}\n`);
  else process.stdout.write(summaryText(results));
  if (untested.length) process.stderr.write(`Not tested (huggingface_local without a GGUF; name one with --gguf NAME=PATH): ${untested.join(', ')}\n`);
  return results.reduce((worst, r) => Math.max(worst, EXIT_OF[r.report.verdict]), 0);
}

/** --all's `--gguf NAME=PATH` options, by model name. */
function ggufsByName(values: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq <= 0 || eq === value.length - 1) throw new UsageError(`with --all, --gguf takes NAME=PATH (the GGUF for the entries named NAME), not '${value}'`, TEST_USAGE);
    const name = value.slice(0, eq);
    if (out.has(name)) throw new UsageError(`--gguf names a GGUF for '${name}' twice`, TEST_USAGE);
    out.set(name, value.slice(eq + 1));
  }
  return out;
}

const EXIT_OF = { pass: 0, fail: 1, error: 2 } as const;

/**
 * The model names --all tests, each once, in file order: llamacpp entries', and huggingface_local entries' that a
 * GGUF is named for; the huggingface_local names without one are `untested`.
 */
function testableNames(source: { label: string; text: string }, version: string, ggufs: ReadonlyMap<string, string>): { names: string[]; untested: string[] } {
  const names: string[] = [];
  const untested: string[] = [];
  for (const e of loadRegistry(source, version).entries) {
    const name = e.model_name;
    if (typeof name !== 'string' || names.includes(name) || untested.includes(name)) continue;
    if (e.backend === 'llamacpp' || (e.backend === 'huggingface_local' && ggufs.has(name))) names.push(name);
    else if (e.backend === 'huggingface_local') untested.push(name);
  }
  return { names, untested };
}

function summaryText(results: { model: string; report: { verdict: 'pass' | 'fail' | 'error'; problems: { code: string }[] } }[]): string {
  const count = (v: string) => results.filter((r) => r.report.verdict === v).length;
  const lines = results.map(({ model, report }) => {
    const codes = [...new Set(report.problems.map((p) => p.code))];
    return `  ${report.verdict.toUpperCase().padEnd(5)} ${model}${report.verdict === 'pass' || !codes.length ? '' : `: ${codes.join(', ')}`}`;
  });
  return `Summary of ${results.length} ${results.length === 1 ? 'entry' : 'entries'}: ${count('pass')} pass, ${count('fail')} fail, ${count('error')} error\n${lines.join('\n')}\n`;
}

// ---- lsp ------------------------------------------------------------------------------------------------------------

const LSP_USAGE = `Usage: ${PROGRAM} lsp --stdio | --node-ipc | --socket=PORT | --pipe=NAME`;
const LSP_HELP = `${LSP_USAGE}

Starts the language server that the VS Code extension runs, for any editor with an LSP client (Neovim, Helix,
Emacs' eglot, ...): diagnostics, hover, completion, quick fixes, outline. Files named model_registry.json are
checked as registries; so are files matching the globs of the "files" setting.

Settings come from the editor: the "clemRegistry" section of workspace/configuration, else the
initialization options {"settings": {"clemRegistry": {...}}} (or {"clemRegistry": {...}}), else the defaults.
Keys: clemcoreVersion (${getSchemaSet().versions.join(', ')}; default ${getSchemaSet().defaultVersion}), severity ({"CODE": "${LEVELS.join('|')}"}), files (globs of more
registry files, relative to the workspace folders or starting with **/), debounceMs (default 150).
The Hugging Face cache is found as huggingface_hub finds it: HF_HUB_CACHE, else HF_HOME/hub, else
~/.cache/huggingface/hub, in the server's environment.

Options:
  --stdio                talk LSP over standard input and output (what editors use).
  --node-ipc             over Node's IPC channel (for a Node parent process).
  --socket=PORT          connect to a socket on this port of 127.0.0.1.
  --pipe=NAME            connect to a named pipe.
  -h, --help             show this help.`;

const TRANSPORTS = ['stdio', 'node-ipc', 'socket', 'pipe'];

/** Starts dist/server.js in this process; it reads its transport from the command line and runs until the editor ends it. */
function lspCommand(args: string[]): Promise<number> {
  const { options, positionals } = parseArgs(args, {
    stdio: { value: false },
    'node-ipc': { value: false },
    socket: { value: true },
    pipe: { value: true },
    // vscode-languageserver watches this process and exits with it.
    clientProcessId: { value: true },
    help: { value: false },
  }, LSP_USAGE);
  if (options.has('help')) {
    process.stdout.write(`${LSP_HELP}\n`);
    return Promise.resolve(0);
  }
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`, LSP_USAGE);
  const transports = TRANSPORTS.filter((t) => options.has(t));
  if (transports.length !== 1) {
    throw new UsageError(transports.length ? `give one transport, not ${transports.map((t) => `--${t}`).join(' and ')}` : 'name the transport: --stdio (what editors use), --node-ipc, --socket=PORT or --pipe=NAME', LSP_USAGE);
  }
  const port = options.get('socket')?.[0];
  if (port !== undefined && !(Number.isInteger(Number(port)) && Number(port) > 0 && Number(port) < 65536)) {
    throw new UsageError(`--socket needs a port number, not '${port}'`, LSP_USAGE);
  }
  const server = path.join(__dirname, 'server.js');
  if (!existsSync(server)) throw new InputError(`the language server is not built: ${server} is missing (npm run build makes it)`);
  // Loaded only here, so that `check` never pays for the server's code.
  module.require(server);
  return new Promise<number>(() => undefined);
}

// ---- the program ----------------------------------------------------------------------------------------------------

const COMMANDS: Record<string, { summary: string; run: (args: string[]) => number | Promise<number> }> = {
  check: { summary: 'check registry files and report problems', run: checkCommand },
  test: { summary: 'run one llamacpp or huggingface_local entry through llama.cpp as clemcore would', run: testCommand },
  lsp: { summary: 'start the language server for an editor (--stdio)', run: lspCommand },
};

const MAIN_USAGE = `Usage: ${PROGRAM} <command> [options]   (${PROGRAM} --help for the commands)`;
const MAIN_HELP = `Usage: ${PROGRAM} <command> [options]

Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`).join('\n')}

Options:
  -h, --help      show this help (${PROGRAM} <command> --help for a command's options)
  --version       show the version

Examples: ${PROGRAM} check model_registry.json
          ${PROGRAM} test model_registry.json --model my-model --gguf ./my-model.gguf
          ${PROGRAM} lsp --stdio`;

async function main(argv: string[]): Promise<number> {
  try {
    const [first, ...rest] = argv;
    if (first === undefined) throw new UsageError('no command given', MAIN_USAGE);
    if (first === '--help' || first === '-h' || first === 'help') {
      process.stdout.write(`${MAIN_HELP}\n`);
      return 0;
    }
    if (first === '--version') {
      process.stdout.write(`${PROGRAM} ${pkg.version}\n`);
      return 0;
    }
    const command = COMMANDS[first];
    if (!command) {
      throw new UsageError(first.startsWith('-') ? `unknown option '${first}'` : `unknown command '${first}'`, MAIN_USAGE);
    }
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${PROGRAM}: ${err.message}\n${err.usage}\n`);
      return 2;
    }
    if (err instanceof InputError) {
      process.stderr.write(`${PROGRAM}: ${err.message}\n`);
      return 2;
    }
    reportInternalError(err);
    return 2;
  }
}

/** One line, never a stack trace, unless CLEM_REGISTRY_DEBUG is set. */
function reportInternalError(err: unknown): void {
  const debug = Boolean(process.env.CLEM_REGISTRY_DEBUG);
  const text = err instanceof Error ? (debug ? err.stack ?? err.message : err.message) : String(err);
  const line = debug ? text : text.split('\n')[0];
  process.stderr.write(`${PROGRAM}: internal error: ${line}${debug ? '' : ' (set CLEM_REGISTRY_DEBUG=1 for details)'}\n`);
}

/** The command line's own handling of broken pipes and failures (the language server has its own). */
function installProcessHandlers(): void {
  // A reader that stops early (`clem-registry check ... | head`) closes the pipe: the run ends quietly, with the
  // status it has, as the output was cut by the reader's choice.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
      reportInternalError(err);
      process.exit(2);
    });
  }
  process.on('uncaughtException', (err) => {
    reportInternalError(err);
    process.exit(2);
  });
}

const argv = process.argv.slice(2);
// The language server logs its failures to the editor and keeps running; one line and exit 2 is for commands.
if (argv[0] !== 'lsp') installProcessHandlers();
void main(argv).then((code) => {
  process.exitCode = code;
  if (argv[0] === 'lsp') return;
  // Once stdout and stderr are flushed (a large report piped to a slow reader included), the command is done: leaving
  // by the event loop's end would first wait for V8's background compilations of functions that will never run again
  // (60–100 ms of a check).
  let open = 2;
  const flushed = () => {
    if (--open === 0) process.exit(code);
  };
  process.stdout.write('', flushed);
  process.stderr.write('', flushed);
});
