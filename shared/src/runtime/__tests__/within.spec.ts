import { within } from '../within';

describe('within: a bounded wait', () => {
  it("gives the promise's value when it settles in time", async () => {
    await expect(within(Promise.resolve(7), 1_000, 'late')).resolves.toBe(7);
  });

  it('gives the late value when the promise has not settled in time', async () => {
    await expect(within(new Promise(() => undefined), 20, 'late')).resolves.toBe('late');
  });

  it('passes a rejection on', async () => {
    await expect(within(Promise.reject(new Error('down')), 1_000, 'late')).rejects.toThrow('down');
  });
});
