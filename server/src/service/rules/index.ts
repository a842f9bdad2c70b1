// The entry rules, in the order their findings read best.
import type { EntryRule } from '../context';
import { checkDuplicateKeys } from './duplicateKeys';
import { checkBackend } from './backend';
import { checkModelName } from './modelName';
import { checkRequiredKeys } from './requiredKeys';
import { checkIdKey } from './idKey';
import { checkSizeMismatch } from './sizeMismatch';
import { checkUnknownKeys } from './unknownKeys';
import { checkReservedKeys } from './reservedKeys';
import { checkValueTypes } from './valueTypes';
import { checkPresenceFlags } from './presenceFlags';
import { checkRuntimeNotes } from './runtimeNotes';
import { checkLookupSource } from './lookupSource';
import { checkValueKinds } from './valueKinds';
import { checkDryRun } from './dryRun';

export const ENTRY_RULES: EntryRule[] = [
  checkDuplicateKeys,
  checkBackend,
  checkModelName,
  checkRequiredKeys,
  checkIdKey,
  checkSizeMismatch,
  checkUnknownKeys,
  checkReservedKeys,
  checkValueTypes,
  checkPresenceFlags,
  checkRuntimeNotes,
  checkLookupSource,
  checkValueKinds,
  checkDryRun,
];
