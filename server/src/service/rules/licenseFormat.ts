// Placeholder until this value check is written.
import type { ValueCheck } from './valueKinds';

export const checkLicense: ValueCheck = () => undefined;
