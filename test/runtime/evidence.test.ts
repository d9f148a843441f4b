import type { CoreV1Event } from '@kubernetes/client-node';
import { evidenceOf } from '../../lib/runtime/evidence';

// What a Job's Events say once the Job is gone (lib/runtime/evidence.ts).

function event(reason: string, at: string, uid = 'uid-1'): CoreV1Event {
  return { metadata: {}, involvedObject: { kind: 'Job', name: 'migrate', uid, apiVersion: 'batch/v1' }, reason, lastTimestamp: at as never };
}

test('no event: nothing to say', () => {
  expect(evidenceOf([])).toBeUndefined();
});

test('the last event, and the one that says the Job completed', () => {
  expect(evidenceOf([event('Completed', '2026-12-01T10:00:09Z'), event('SuccessfulCreate', '2026-12-01T10:00:01Z'), event('SuccessfulDelete', '2026-12-01T10:00:10Z')])).toEqual({
    uid: 'uid-1', lastReason: 'SuccessfulDelete', lastAt: Date.parse('2026-12-01T10:00:10Z'),
    ended: { complete: true, reason: 'Completed', at: Date.parse('2026-12-01T10:00:09Z') },
  });
});

test('a failure reason of the Job controller is an end that did not complete', () => {
  expect(evidenceOf([event('SuccessfulCreate', '2026-12-01T10:00:01Z'), event('BackoffLimitExceeded', '2026-12-01T10:00:30Z')])?.ended)
    .toEqual({ complete: false, reason: 'BackoffLimitExceeded', at: Date.parse('2026-12-01T10:00:30Z') });
  expect(evidenceOf([event('SuccessfulCreate', '2026-12-01T10:00:01Z')])?.ended).toBeUndefined();
});
