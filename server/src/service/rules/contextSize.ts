// Placeholder until this value check is written.
import type { ValueCheck } from './valueKinds';

export const checkContextSize: ValueCheck = () => undefined;
