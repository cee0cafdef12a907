import { badUserInput } from '../errors/user-input-error';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 500;

/** Validates a Relay `first` argument: an integer from 0 to MAX_PAGE_SIZE. */
export function pageSizeOrThrow(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badUserInput('first', `first must be an integer from 0 to ${MAX_PAGE_SIZE}; got ${first}.`);
  }
  return first;
}
