/**
 * What the Events of a Job say when the Job itself is gone (deleted by its TTL or a hook delete
 * policy before verification began): they stay about an hour. Pure.
 */
import type { CoreV1Event } from '@kubernetes/client-node';
import type { JobEvidence } from './tracking';

/** Reasons the Job controller gives a failed Job's Warning event (as its Failed condition). */
const FAILURE_EVENT_REASONS = /^(BackoffLimitExceeded|DeadlineExceeded|PodFailurePolicy.*|MaxFailedIndexesExceeded|FailedIndexes)$/;

/** What a target's Events say, if they say it existed: the last event, and whether it ended. @internal */
export function evidenceOf(events: readonly CoreV1Event[]): JobEvidence | undefined {
  const when = (e: CoreV1Event) => new Date(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp ?? 0).getTime();
  const sorted = [...events].sort((a, b) => when(a) - when(b));
  const last = sorted[sorted.length - 1];
  if (!last) return undefined;
  const endedEvent = [...sorted].reverse().find(e => e.reason === 'Completed' || FAILURE_EVENT_REASONS.test(e.reason ?? ''));
  return {
    ...(last.involvedObject?.uid ? { uid: last.involvedObject.uid } : {}),
    lastReason: last.reason ?? 'unknown',
    lastAt: when(last),
    ...(endedEvent ? { ended: { complete: endedEvent.reason === 'Completed', reason: endedEvent.reason!, at: when(endedEvent) } } : {}),
  };
}
