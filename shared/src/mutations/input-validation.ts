import { MEMBER_KINDS, type MemberKind } from '../domain/member-kind';
import { isValidSiren } from '../domain/siren.util';
import { badUserInput } from '../errors/user-input-error';
import { tryDecodeGlobalId } from '../ids/global-id';
import type { OperatorDefinition } from '../operators/operator-definition';

/**
 * Validation of write inputs, before anything is written. Every refusal is `BAD_USER_INPUT`
 * naming the input field (`input.siren`, `input.departement`…).
 */

export function sirenOrThrow(value: string): string {
  if (!isValidSiren(value)) throw badUserInput('input.siren', 'input.siren must be 9 digits with a valid Luhn checksum.');
  return value;
}

export function textOrThrow(value: string, field: string, max: number): string {
  const trimmed = value.trim();
  if (trimmed.length < 1 || trimmed.length > max || /[\u0000-\u001f\u007f]/.test(trimmed)) {
    throw badUserInput(field, `${field} must be 1 to ${max} characters, without control characters.`);
  }
  return trimmed;
}

export function optionalTextOrThrow(value: string | null | undefined, field: string, max: number): string | null | undefined {
  return value == null ? value : textOrThrow(value, field, max);
}

export function integerInRangeOrThrow(value: number, field: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw badUserInput(field, `${field} must be an integer from ${min} to ${max}.`);
  return value;
}

export function departementInTerritoryOrThrow(value: string, operator: OperatorDefinition): string {
  if (!operator.departementCodes.includes(value)) {
    throw badUserInput('input.departement', `input.departement must be one of ${operator.name}'s départements: ${operator.departementCodes.join(', ')}.`);
  }
  return value;
}

export function inseeCodeOrThrow(value: string): string {
  if (!/^[0-9][0-9AB][0-9]{3}$/.test(value)) throw badUserInput('input.inseeCode', 'input.inseeCode must be an INSEE commune code (5 characters).');
  return value;
}

export function emailOrThrow(value: string): string {
  if (value.length > 254 || !/^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[A-Za-z]{2,}$/.test(value)) {
    throw badUserInput('input.contactEmail', 'input.contactEmail must be an e-mail address (at most 254 characters).');
  }
  return value;
}

export function legalCategoryOf(kind: MemberKind): string | null {
  return MEMBER_KINDS[kind].legalCategory;
}

export function serviceCodeOrThrow(value: string): string {
  if (!/^[A-Z0-9_]{1,64}$/.test(value)) throw badUserInput('input.code', 'input.code must be 1 to 64 characters of A-Z, 0-9 and _.');
  return value;
}

/** The local id of a global ID of `typeName`; BAD_USER_INPUT on `field` for anything else. */
export function localIdOrThrow(id: string, typeName: string, field: string): number {
  const decoded = tryDecodeGlobalId(id);
  if (!decoded || decoded.typeName !== typeName || !/^[1-9][0-9]{0,9}$/.test(decoded.localId) || Number(decoded.localId) > 2_147_483_647) {
    throw badUserInput(field, `${field} is not the ID of a ${typeName}.`);
  }
  return Number(decoded.localId);
}

export const MAX_POPULATION = 20_000_000;
export const MAX_CONTRIBUTION = 100_000_000;
