/**
 * SIREN numbers: 9 digits whose Luhn checksum is valid. (La Poste's SIREN 356000000 is the one
 * documented exception to the Luhn rule; it is not a public body and is not accepted here.)
 */
export function isLuhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

export function isValidSiren(value: string): boolean {
  return /^[0-9]{9}$/.test(value) && isLuhnValid(value);
}

/** Completes 8 digits with the Luhn check digit that makes a valid SIREN. */
export function withLuhnCheckDigit(eightDigits: string): string {
  if (!/^[0-9]{8}$/.test(eightDigits)) throw new Error(`expected 8 digits, got ${eightDigits}`);
  for (let check = 0; check <= 9; check += 1) {
    const candidate = `${eightDigits}${check}`;
    if (isLuhnValid(candidate)) return candidate;
  }
  throw new Error('unreachable: one Luhn check digit always exists');
}
