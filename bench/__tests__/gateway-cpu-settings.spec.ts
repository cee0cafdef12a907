import { GATEWAY_CPU_QUERIES, readGatewayCpuSettings } from '../gateway-cpu';

describe('npm run bench:gateway settings', () => {
  it('defaults to the one-operator page, 10 rounds of 3 s, 10 connections, no baseline', () => {
    expect(readGatewayCpuSettings([])).toEqual({ baseline: null, query: 'page', rounds: 10, durationSeconds: 3, connections: 10 });
  });

  it('reads each option', () => {
    expect(readGatewayCpuSettings(['--baseline', 'HEAD~1', '--query', 'typename', '--rounds', '4', '--duration', '1.5', '--connections', '2'])).toEqual({
      baseline: 'HEAD~1',
      query: 'typename',
      rounds: 4,
      durationSeconds: 1.5,
      connections: 2,
    });
  });

  it.each([
    [['--rounds', '0'], /--rounds must be a number from 1/],
    [['--rounds', 'ten'], /--rounds must be a number/],
    [['--duration', '0.1'], /--duration must be a number from 0.5/],
    [['--connections', '1e9'], /--connections must be a number from 1 to 1000/],
    [['--query', 'statistics'], /--query must be one of page, typename/],
    [['--query', 'constructor'], /--query must be one of/],
    [['--baseline', 'main; rm -rf /'], /--baseline must be a git revision/],
    [['--baseline=--upload-pack'], /--baseline must be a git revision/],
    [['--unknown'], /Unknown option/],
  ])('refuses %j', (argv, message) => {
    expect(() => readGatewayCpuSettings(argv)).toThrow(message);
  });

  it('sends distinct variables on the page, so that in-flight deduplication does not flatter the figure', () => {
    expect(new Set(GATEWAY_CPU_QUERIES.page).size).toBe(GATEWAY_CPU_QUERIES.page.length);
    expect(GATEWAY_CPU_QUERIES.page.length).toBeGreaterThanOrEqual(100);
  });
});
