import { ArgoCdTracking, HookPhase, syncWaveOf, ttlAllowed } from '../../lib/core/argo-cd';

describe('Argo CD\'s vocabulary', () => {
  test('a TTL is safe unless Argo CD tracks the Job (it would re-create what the TTL deleted)', () => {
    expect(Object.values(ArgoCdTracking).filter(ttlAllowed)).toEqual([ArgoCdTracking.HOOK, ArgoCdTracking.SKIPPED, ArgoCdTracking.NONE]);
  });

  test('the sync wave is read from the annotation, 0 when absent or not a number', () => {
    expect(syncWaveOf(undefined)).toBe(0);
    expect(syncWaveOf({ 'argocd.argoproj.io/sync-wave': '-2' })).toBe(-2);
    expect(syncWaveOf({ 'argocd.argoproj.io/sync-wave': 'soon' })).toBe(0);
  });

  test('the hook phases are Argo CD\'s own words', () => {
    expect(Object.values(HookPhase)).toEqual(['PreSync', 'Sync', 'PostSync', 'SyncFail']);
  });
});
