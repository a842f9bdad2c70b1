// Evaluates the x-clem-required conditions of schemas/ against an object's plain value.
import { isTruthy } from '../../clemcore/python';
import type { Condition } from '../schemaSet';

export function conditionHolds(cond: Condition | undefined, obj: Record<string, unknown>): boolean {
  if (!cond) return true;
  if ('truthy' in cond) return isTruthy(obj[cond.truthy]);
  if ('falsy' in cond) return !isTruthy(obj[cond.falsy]);
  if ('present' in cond) return cond.present in obj;
  if ('absent' in cond) return !(cond.absent in obj);
  if ('allOf' in cond) return cond.allOf.every((c) => conditionHolds(c, obj));
  return true;
}

export function describeCondition(cond: Condition | undefined): string {
  if (!cond) return '';
  if ('truthy' in cond) return `\`${cond.truthy}\` is true`;
  if ('falsy' in cond) return `\`${cond.falsy}\` is false or absent`;
  if ('present' in cond) return `\`${cond.present}\` is set`;
  if ('absent' in cond) return `there is no \`${cond.absent}\``;
  if ('allOf' in cond) return cond.allOf.map(describeCondition).join(' and ');
  return '';
}
