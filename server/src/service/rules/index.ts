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
import { checkPaddingSide } from './paddingSide';
import { checkOldFormat } from './oldFormat';
import { checkRuntimeNotes } from './runtimeNotes';
import { checkLookupSource } from './lookupSource';
import { checkMetadataValues, checkValueKinds } from './valueKinds';
import { checkDryRun } from './dryRun';

/**
 * For an entry whose backend the checked clemcore version no longer has: the backend finding and the metadata,
 * nothing about keys as the old backend read them (clemcore fails before it reads any of them).
 */
export const REMOVED_BACKEND_RULES: EntryRule[] = [
  checkDuplicateKeys,
  checkBackend,
  checkModelName,
  checkMetadataValues,
];

/**
 * For an entry in the registry format before March 2025: the entry's own keys, the old-format finding with its
 * values checked where they stand, and the metadata; nothing about the keys as misplaced one by one.
 */
export const OLD_FORMAT_RULES: EntryRule[] = [
  checkDuplicateKeys,
  checkBackend,
  checkModelName,
  checkRequiredKeys,
  checkIdKey,
  checkOldFormat,
  checkMetadataValues,
];

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
  checkPaddingSide,
  checkRuntimeNotes,
  checkLookupSource,
  checkValueKinds,
  checkDryRun,
];
