// The README documents every diagnostic code, so users can look up any code they see.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DIAGNOSTIC_CODES } from '../../server/src/service';

it('README lists every diagnostic code with its default severity', () => {
  const readme = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
  const missing = Object.entries(DIAGNOSTIC_CODES)
    .filter(([code, info]) => !readme.includes(`| \`${code}\` | ${info.severity} |`))
    .map(([code]) => code);
  assert.deepEqual(missing, []);
});
