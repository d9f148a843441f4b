import * as fs from 'fs';
import * as path from 'path';
import { PATTERN_CATALOGUE } from '../../lib/core/catalogue';
import { JobPattern } from '../../index';

const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf-8');

describe('the pattern catalogue', () => {
  test('the README\'s pattern table is the catalogue, row for row', () => {
    // GIVEN the table under "## Patterns": its rows after the header and the separator
    const lines = readme.slice(readme.indexOf('\n## Patterns\n')).split('\n');
    const start = lines.findIndex(line => line.startsWith('| ---')) + 1;
    const end = lines.findIndex((line, i) => i >= start && !line.startsWith('| '));
    const rows = lines.slice(start, end);

    // THEN
    const expected = Object.entries(PATTERN_CATALOGUE)
      .filter(([pattern]) => pattern !== JobPattern.CUSTOM)
      .map(([, e]) => `| ${e.title} | ${e.construct} | ${e.completions} | ${e.parallelism} |`);
    expect(rows).toEqual(expected);
  });

  test.each([
    [JobPattern.SINGLE_BATCH, { completions: 1, parallelism: 1 }],
    [JobPattern.FIXED_COMPLETION, { completions: 6, parallelism: 2 }],
    [JobPattern.WORK_QUEUE_POD_PER_ITEM, { completions: 3, parallelism: 2 }],
    [JobPattern.WORK_QUEUE_VARIABLE_POD_COUNT, { parallelism: 3 }],
    [JobPattern.TEMPLATE_EXPANSION, { completions: 1, parallelism: 1 }],
    [JobPattern.STATIC_WORK_ASSIGNMENT, { completions: 5, parallelism: 3, completionMode: 'Indexed' }],
    [JobPattern.CONTROLLER_POD, {}],
    [JobPattern.POD_TO_POD, { completions: 4, parallelism: 4, completionMode: 'Indexed' }],
    [JobPattern.CUSTOM, { completions: 4, parallelism: 9 }],
  ])('accepts a %s Job of its shape', (pattern, spec) => {
    expect(PATTERN_CATALOGUE[pattern].matches(spec)).toBe(true);
  });

  test('has a row for every JobPattern', () => {
    expect(Object.keys(PATTERN_CATALOGUE).sort()).toEqual(Object.values(JobPattern).sort());
  });

  test.each([
    [JobPattern.SINGLE_BATCH, { completions: 2 }],
    [JobPattern.CONTROLLER_POD, { parallelism: 3 }],
    [JobPattern.WORK_QUEUE_POD_PER_ITEM, {}],
    [JobPattern.WORK_QUEUE_VARIABLE_POD_COUNT, { completions: 3 }],
    [JobPattern.STATIC_WORK_ASSIGNMENT, { completions: 3 }],
    [JobPattern.POD_TO_POD, { completions: 3, parallelism: 1, completionMode: 'Indexed' }],
  ])('rejects a %s Job of another shape', (pattern, spec) => {
    expect(PATTERN_CATALOGUE[pattern].matches(spec)).toBe(false);
  });
});
