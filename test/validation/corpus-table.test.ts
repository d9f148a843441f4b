// docs/validation-parity.md maps each rule of the API server's Job and pod validation to a library
// rule and to the differential corpus's cases that try it. This keeps the page and the code in
// step: every rule id it names exists, every case it names is in the corpus, every mapped rule
// names a case, and every API rule of the library has a row.
import * as fs from 'fs';
import * as path from 'path';
import { API_RULES } from '../../lib/validation/api-rules';
import { JOB_API_RULES } from '../../lib/validation/job-api-rules';
import { RULES } from '../../lib/validation/rules';
import { corpusCases } from './corpus';

const page = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'validation-parity.md'), 'utf-8');
/** The rows of the page's tables (those with five columns): [API server rule, 1.28, 1.37, Library, Corpus cases]. */
const rows = page.split('\n')
  .filter(line => line.startsWith('| ') && !line.startsWith('| API server rule') && !line.startsWith('| ---'))
  .map(line => line.split('|').slice(1, -1).map(cell => cell.trim()));
const ticked = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map(m => m[1]);
const ruleIds = new Set(Object.values(RULES).map(r => r.id));
const ruleIdsIn = (cell: string) => ticked(cell).filter(t => /^[a-z]+\/[a-z-]+$/.test(t) && t.split('/')[0] !== 'test');
const caseNames = new Set(corpusCases([], []).map(c => c.name));
/** A row maps its API server rule to library rules unless its Library cell says why none is needed. */
const isMapped = (row: string[]) => !/^Not (needed|checked)/.test(row[3]);

describe('the validation parity table (docs/validation-parity.md)', () => {
  test('has five cells in every row', () => {
    expect(rows.length).toBeGreaterThan(100);
    expect(rows.filter(r => r.length !== 5).map(r => r[0])).toEqual([]);
  });

  test('names only rule ids that exist', () => {
    expect(rows.flatMap(r => ruleIdsIn(r[3])).filter(id => !ruleIds.has(id))).toEqual([]);
  });

  test('names only corpus cases that exist', () => {
    // The "none: ..." cell of a rule the corpus cannot hold (it takes one object at a time) names a test file instead.
    const named = rows.filter(r => !r[4].startsWith('none:')).flatMap(r => ticked(r[4]));
    expect(named.length).toBeGreaterThan(150);
    expect(named.filter(n => !caseNames.has(n))).toEqual([]);
  });

  test('gives every mapped rule a corpus case, and every other row its reason', () => {
    const mapped = rows.filter(isMapped);
    expect(mapped.filter(r => ticked(r[4]).length === 0 && !r[4].startsWith('none:')).map(r => r[0])).toEqual([]);
    expect(mapped.filter(r => ruleIdsIn(r[3]).length === 0).map(r => r[0])).toEqual([]);
  });

  test('has a row for every API rule of the library', () => {
    const mappedIds = new Set(rows.filter(isMapped).flatMap(r => ruleIdsIn(r[3])));
    const apiRules = [...Object.values(API_RULES), ...Object.values(JOB_API_RULES)].map(r => r.id);
    expect(apiRules.filter(id => !mappedIds.has(id))).toEqual([]);
  });

  test('states the count of rules walked that its tables hold', () => {
    const mapped = rows.filter(isMapped).length;
    expect(page).toContain(`Rules walked: ${rows.length} (${mapped} mapped to a library rule, ${rows.length - mapped} not needed or not checked, each with its reason).`);
  });
});
