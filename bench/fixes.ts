// Bench-only emulation of two library fixes the benchmark proposes, so that their gain is measured
// in the same run as everything else (`npm run bench -- --with-fixes` adds the case "ours + fixes").
// The library itself is not changed: these are monkeypatches applied in the case process only.
//
// A. ManifestValidation validates once per app.synth(). cdk8s 2.x runs every node validation once
//    in App.synth() and once more per chart in Chart.toJson() (App._synthChart), so today an app
//    with C charts is validated C + 1 times, and each validation renders every object again.
// Q. The set rule of lib/validation/rules.ts (checkManifestSet: a work-queue Job's queue must sync
//    before it) looks each worker's queue objects up in an index built once, instead of scanning
//    every object of the app for every worker: O(objects + workers) instead of O(objects x workers).

import * as cdk8s from 'cdk8s';
import * as rules from '../lib/validation/rules';
import { ManifestValidation } from '../lib/validation/validate';

const QUEUE_LABEL = 'job-patterns.cdk8s.io/queue';
const PATTERN_ANNOTATION = 'job-patterns.cdk8s.io/pattern';
const QUEUE_SERVER_KINDS = new Set(['Service', 'Deployment', 'StatefulSet']);
const WORK_QUEUE_PATTERNS = new Set(['work-queue-pod-per-item', 'work-queue-variable-pod-count']);

type Obj = Record<string, any>;

export function applyProposedFixes(): void {
  // A: while App.synth() runs, the first validation's result stands for the later ones.
  const synth = cdk8s.App.prototype.synth;
  let synthesizing = false;
  let memo: string[] | undefined;
  cdk8s.App.prototype.synth = function (this: cdk8s.App) {
    synthesizing = true;
    try {
      return synth.call(this);
    } finally {
      synthesizing = false;
      memo = undefined;
    }
  };
  const validate = ManifestValidation.prototype.validate;
  ManifestValidation.prototype.validate = function (this: typeof ManifestValidation.prototype) {
    if (synthesizing && memo) return memo;
    const errors = validate.call(this);
    if (synthesizing) memo = errors;
    return errors;
  };

  // Q: the same rule, run per worker against only the objects that can be its queue.
  const scan = rules.checkManifestSet;
  const isWorker = (o: Obj) => o.kind === 'Job' && WORK_QUEUE_PATTERNS.has(o.metadata?.annotations?.[PATTERN_ANNOTATION]);
  (rules as { checkManifestSet: typeof scan }).checkManifestSet = (objects: readonly Obj[]) => {
    const index = new Map<string, number[]>();
    const add = (key: string, i: number) => index.set(key, [...index.get(key) ?? [], i]);
    objects.forEach((o, i) => {
      const m: Obj = o.metadata ?? {};
      if (isWorker(o)) return; // a worker is never another worker's queue
      if (m.labels?.[QUEUE_LABEL] !== undefined) add(`${m.namespace}\0${m.labels[QUEUE_LABEL]}`, i);
      if (QUEUE_SERVER_KINDS.has(o.kind) && m.name) add(`${m.namespace}\0${m.name}`, i);
    });
    const hits: ReturnType<typeof scan> = [];
    objects.forEach((o, i) => {
      const queue = o.metadata?.annotations?.[QUEUE_LABEL];
      if (!isWorker(o) || typeof queue !== 'string') return;
      const candidates = [...new Set(index.get(`${o.metadata?.namespace}\0${queue}`) ?? [])].map(c => objects[c]);
      for (const hit of scan([o, ...candidates])) {
        if (hit.index === 0) hits.push({ ...hit, index: i });
      }
    });
    return hits;
  };
}
