// A llamacpp `filename` glob against the repository's files in the local Hugging Face cache (a stand-in listing
// here), matched as llama-cpp-python does: fnmatch over repository-relative paths, exactly one match. CPython's
// fnmatch judges the planted globs and the fixes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { PYTHON } from '../support/python';
import { check, corpusEntry, FILE_2026, noCorpus, plant, type Entry } from './support';

/** How many of `files` each glob matches, by CPython's fnmatch.fnmatch (POSIX: case-sensitive). */
function pythonMatches(globs: string[], files: string[]): number[] {
  const code = 'import sys, json, fnmatch\nglobs, files = json.load(sys.stdin)\nprint(json.dumps([sum(1 for f in files if fnmatch.fnmatch(f, g)) for g in globs]))';
  const run = spawnSync(PYTHON, ['-c', code], { input: JSON.stringify([globs, files]), encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as number[];
}

const QWEN = ['README.md', ...Array.from({ length: 12 }, (_, i) => `qwen2.5-72b-instruct-q4_k_m-${String(i + 1).padStart(5, '0')}-of-00012.gguf`), 'qwen2.5-72b-instruct-q8_0-00001-of-00021.gguf'];
const LLAMA = ['README.md', 'Llama-3.3-70B-Instruct-Q4_K_M.gguf', 'Llama-3.3-70B-Instruct-Q8_0.gguf'];
const listing = (repos: Record<string, string[]>) => ({ repoFiles: (id: string) => repos[id] });
const filenameFindings = (entry: Entry, settings: object) => check(entry, '3.7', settings).filter((d) => d.code === 'gguf-filename');

describe('gguf-filename against the cached repository', { skip: noCorpus }, () => {
  it('qwen2.5-72b-gguf (2026): its glob matches all twelve shards of the cached split model', () => {
    const entry = corpusEntry(FILE_2026, 'qwen2.5-72b-gguf');
    const settings = listing({ [entry.huggingface_id as string]: QWEN });
    const [d, ...rest] = filenameFindings(entry, settings);
    assert.deepEqual(rest, []);
    assert.equal(d.severity, 'error');
    assert.match(d.message, /matches 12 files of Qwen\/Qwen2\.5-72B-Instruct-GGUF in the local Hugging Face cache .*"Multiple files found"/);
    const fix = JSON.parse(d.data!.replacement as string) as string;
    assert.deepEqual(pythonMatches([entry.model_config.filename as string, fix], QWEN), [12, 1]);
    assert.deepEqual(filenameFindings(plant(entry, { filename: fix }), settings), []);
  });

  it('llama-3.3-70b-gguf (2026): quiet as it is; a lower-case tag matches nothing on Linux, with the file as the fix', () => {
    const entry = corpusEntry(FILE_2026, 'llama-3.3-70b-gguf');
    const settings = listing({ [entry.huggingface_id as string]: LLAMA });
    assert.deepEqual(filenameFindings(entry, settings), []);
    const planted = plant(entry, { filename: '*q4_k_m.gguf' });
    const [d, ...rest] = filenameFindings(planted, settings);
    assert.deepEqual(rest, [], 'the general case hint is not repeated');
    assert.match(d.message, /matches no file .* but `Llama-3\.3-70B-Instruct-Q4_K_M\.gguf` matches in other letter case/);
    const fix = JSON.parse(d.data!.replacement as string) as string;
    assert.deepEqual(pythonMatches(['*q4_k_m.gguf', fix], LLAMA), [0, 1]);
    // Without a cached listing only the general hint remains.
    assert.deepEqual(filenameFindings(planted, {}).map((x) => x.severity), ['hint']);
  });
});
