// package.json has no build step, so its settings lists are checked here against their sources in the service.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { DIAGNOSTIC_CODES } from '../../server/src/service/codes';
import { getSchemaSet } from '../../server/src/service/schemaSet';

const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8'));
const settings = manifest.contributes.configuration.properties;

test('clemRegistry.severity lists exactly the diagnostic codes of codes.ts, in order', () => {
  assert.deepEqual(settings['clemRegistry.severity'].propertyNames.enum, Object.keys(DIAGNOSTIC_CODES));
  assert.deepEqual(settings['clemRegistry.severity'].additionalProperties.enum, ['error', 'warning', 'information', 'hint', 'off']);
});

test('clemRegistry.clemcoreVersion offers the schema set versions, newest by default', () => {
  const setting = settings['clemRegistry.clemcoreVersion'];
  assert.deepEqual(setting.enum, getSchemaSet().versions);
  assert.equal(setting.default, getSchemaSet().defaultVersion);
  assert.equal(setting.enumDescriptions.length, setting.enum.length);
});

test('the manifest wires the client, the command and no JSON schema of its own', () => {
  assert.equal(manifest.main, './dist/client.js');
  assert.ok(manifest.activationEvents.includes('workspaceContains:**/model_registry.json'));
  assert.ok(manifest.contributes.commands.some((c: { command: string }) => c.command === 'clemRegistry.checkAsRegistry'));
  // Our diagnostics are the source: a schema association would make VS Code's JSON server report its own.
  assert.equal(manifest.contributes.jsonValidation, undefined);
});
