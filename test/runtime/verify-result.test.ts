import { groupReports } from '../../lib/runtime/verify-result';
import { JobState } from '../../lib/runtime/verdict';
import { jobReport } from './report-builders';

describe('groupReports', () => {
  test('counts every member once: complete + failed + deleted + gone + unfinished = members', () => {
    // GIVEN a group with a member in each state, and a member of the same group in another namespace
    const member = (name: string, state: JobState, terminal: boolean, namespace = 'ns') =>
      jobReport(name, [], { state, terminal }, {}, { group: 'process-item', namespace });
    const jobs = [
      member('a', JobState.COMPLETE, true),
      member('b', JobState.FAILED, true),
      member('c', JobState.DELETED, true),
      member('d', JobState.GONE, true),
      member('e', JobState.QUEUED, false),
      member('f', JobState.MISSING, false),
      member('g', JobState.RUNNING, false),
      member('h', JobState.COMPLETE, true, 'other'),
    ];

    // WHEN
    const groups = groupReports(jobs);

    // THEN
    expect(groups).toEqual([
      { group: 'process-item', namespace: 'ns', members: 7, complete: 1, failed: 1, deleted: 1, gone: 1, unfinished: 3, converged: false },
      { group: 'process-item', namespace: 'other', members: 1, complete: 1, failed: 0, deleted: 0, gone: 0, unfinished: 0, converged: true },
    ]);
  });

  test('Jobs without a group make no group', () => {
    expect(groupReports([jobReport('pi', [])])).toEqual([]);
  });
});
