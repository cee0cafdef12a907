import { isValidSiren, withLuhnCheckDigit } from '../siren.util';

describe('SIREN: validation', () => {
  it('accepts real SIRENs of public bodies', () => {
    for (const siren of ['253514491', '233500016', '213502388', '217500016', '200053726']) expect(isValidSiren(siren)).toBe(true);
  });

  it('refuses a wrong check digit, wrong lengths and non-digits', () => {
    for (const siren of ['253514492', '25351449', '2535144910', '25351449a', '', ' 253514491', '２５３５１４４９１']) {
      expect(isValidSiren(siren)).toBe(false);
    }
  });

  it('completes 8 digits with the one check digit that makes a valid SIREN', () => {
    expect(withLuhnCheckDigit('25351449')).toBe('253514491');
    expect(isValidSiren(withLuhnCheckDigit('90000001'))).toBe(true);
    expect(() => withLuhnCheckDigit('1234')).toThrow();
  });
});
