import { EXAMPLE_OPERATIONS } from '../examples/example-operations';
import { startAlliance, type Alliance } from './support/alliance';

let alliance: Alliance;
beforeAll(async () => {
  alliance = await startAlliance();
});
afterAll(() => alliance?.close());

describe('Example operations: valid and answered', () => {
  it.each(EXAMPLE_OPERATIONS.map((operation) => [operation.name, operation] as const))('%s', async (_name, operation) => {
    const { data, errors } = await alliance.query(operation.query, operation.variables);
    expect(errors).toBeUndefined();
    expect(data).toBeTruthy();
  });
});
