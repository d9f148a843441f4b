// The writable /tmp (JobDefault.TMP_VOLUME, DefaultFlag.TMP_VOLUME, since 0.3): the root file
// system stays read-only, and every container the library writes gets an emptyDir at /tmp.
import { Chart, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { BatchJob, DefaultFlag, JobDefault, JobPatternDefaults, SingleBatchJob, WorkQueue, WorkQueueJob, WorkItems } from '../../index';
import { chart, CONTAINER, job, manifest, podSpec } from '../util';

const TMP_VOLUME = { name: 'job-patterns-tmp', emptyDir: { sizeLimit: '1024Mi' } };
const TMP_MOUNT = { name: 'job-patterns-tmp', mountPath: '/tmp' };

/** A chart in an app pinned to `version` (with `enable`), or in an unpinned app. */
function chartPinned(version?: string, enable: DefaultFlag[] = []): Chart {
  const app = Testing.app();
  if (version !== undefined) JobPatternDefaults.pin(app, version, { enable });
  return new Chart(app, 'test');
}

/** The volume mounts of every container of the pod, init containers (sidecars) first, by name. */
function mountsByContainer(spec: any): Record<string, unknown> {
  return Object.fromEntries([...spec.initContainers ?? [], ...spec.containers].map((x: any) => [x.name, x.volumeMounts]));
}

describe('the writable /tmp', () => {
  test('an unpinned app: one emptyDir (on disk, 1Gi) mounted at /tmp in the main container and the init containers (sidecars are init containers)', () => {
    // GIVEN
    const c = chart();

    // WHEN
    const b = new BatchJob(c, 'job', { container: CONTAINER, initContainers: [{ ...CONTAINER, name: 'init' }] });
    b.addInitContainer({ ...CONTAINER, name: 'later' });

    // THEN
    const spec = podSpec(c);
    expect(spec.volumes).toEqual([TMP_VOLUME]);
    expect(mountsByContainer(spec)).toEqual({ init: [TMP_MOUNT], later: [TMP_MOUNT], main: [TMP_MOUNT] });
    // The root file system stays read-only: /tmp is the one writable place.
    expect(spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
  });

  test('the default is documented and exposed once: JOB_DEFAULTS-style values read back from the YAML', () => {
    // GIVEN / WHEN
    const c = chart();
    new SingleBatchJob(c, 'job', { container: CONTAINER });

    // THEN: no medium (a tmpfs would count against the 256Mi memory limit)
    const volume = podSpec(c).volumes[0];
    expect(volume.emptyDir).not.toHaveProperty('medium');
    expect(volume.emptyDir.sizeLimit).toBe(`${Size.gibibytes(1).toMebibytes()}Mi`);
  });

  test('the user\'s own volumes and mounts come first, ours after them', () => {
    // GIVEN
    const c = chart();
    const cache = kplus.Volume.fromEmptyDir(c, 'cache', 'cache');

    // WHEN
    new BatchJob(c, 'job', { container: { ...CONTAINER, volumeMounts: [{ path: '/cache', volume: cache }] } });

    // THEN
    const spec = podSpec(c);
    expect(spec.volumes).toEqual([{ name: 'cache', emptyDir: {} }, TMP_VOLUME]);
    expect(spec.containers[0].volumeMounts).toEqual([{ name: 'cache', mountPath: '/cache' }, TMP_MOUNT]);
  });

  test('a container that mounts its own /tmp keeps it; the others get ours', () => {
    // GIVEN
    const c = chart();
    const scratch = kplus.Volume.fromEmptyDir(c, 'scratch', 'scratch', { medium: kplus.EmptyDirMedium.MEMORY });

    // WHEN
    new BatchJob(c, 'job', {
      container: { ...CONTAINER, volumeMounts: [{ path: '/tmp/', volume: scratch }] },
      initContainers: [{ ...CONTAINER, name: 'init' }],
    });

    // THEN
    const spec = podSpec(c);
    expect(mountsByContainer(spec)).toEqual({ init: [TMP_MOUNT], main: [{ name: 'scratch', mountPath: '/tmp/' }] });
    expect(spec.volumes.map((v: any) => v.name)).toEqual(['scratch', 'job-patterns-tmp']);
  });

  test('when every container mounts its own /tmp, no volume is added, even for a mount added after construction', () => {
    // GIVEN
    const c = chart();
    const b = new BatchJob(c, 'job', { container: CONTAINER });

    // WHEN
    b.containers[0].mount('/tmp', kplus.Volume.fromEmptyDir(c, 'own', 'own'));

    // THEN
    const spec = podSpec(c);
    expect(spec.volumes).toEqual([{ name: 'own', emptyDir: {} }]);
    expect(spec.containers[0].volumeMounts).toEqual([{ name: 'own', mountPath: '/tmp' }]);
  });

  test('a mount below /tmp is not a /tmp of its own: ours is mounted too', () => {
    const c = chart();
    new BatchJob(c, 'job', { container: { ...CONTAINER, volumeMounts: [{ path: '/tmp/cache', volume: kplus.Volume.fromEmptyDir(c, 'cache', 'cache') }] } });
    expect(podSpec(c).containers[0].volumeMounts).toEqual([{ name: 'cache', mountPath: '/tmp/cache' }, TMP_MOUNT]);
  });

  test('omitDefaults: [JobDefault.TMP_VOLUME] removes it', () => {
    const c = chart();
    new BatchJob(c, 'job', { container: CONTAINER, omitDefaults: [JobDefault.TMP_VOLUME] });
    const spec = podSpec(c);
    expect([spec.volumes, spec.containers[0].volumeMounts]).toEqual([undefined, undefined]);
  });

  test('the work queue\'s server gets it too, beside its /data', () => {
    // GIVEN / WHEN
    const c = chart();
    new WorkQueueJob(c, 'wq', { metadata: { name: 'wq' }, container: CONTAINER, queue: WorkQueue.redis({ items: WorkItems.fromList(['a']) }) });

    // THEN
    const queue = manifest(c, 'Deployment').spec.template.spec;
    expect(queue.volumes).toEqual([{ name: 'data', emptyDir: {} }, TMP_VOLUME]);
    expect(queue.containers[0].volumeMounts).toEqual([{ name: 'data', mountPath: '/data' }, TMP_MOUNT]);
    expect(job(c, 'wq').spec.template.spec.containers[0].volumeMounts).toEqual([TMP_MOUNT]);
  });
});

describe('a versioned default (DefaultFlag.TMP_VOLUME, since 0.3)', () => {
  test.each(['0.1', '0.2'])('pinned to %s: no /tmp volume in a Job or the queue server', version => {
    // GIVEN
    const c = chartPinned(version);

    // WHEN
    new SingleBatchJob(c, 'job', { metadata: { name: 'job' }, container: CONTAINER });
    new WorkQueueJob(c, 'wq', { metadata: { name: 'wq' }, container: CONTAINER, queue: WorkQueue.redis({ items: WorkItems.fromList(['a']) }) });

    // THEN
    const text = JSON.stringify(Testing.synth(c));
    expect(text).not.toContain('job-patterns-tmp');
    expect(text).not.toContain('"mountPath":"/tmp"');
  });

  test('pinned to 0.2 with the flag on: the same /tmp as an unpinned app, and a new Job name', () => {
    // GIVEN
    const off = chartPinned('0.2');
    const on = chartPinned('0.2', [DefaultFlag.TMP_VOLUME]);
    const unpinned = chartPinned();

    // WHEN
    for (const c of [off, on, unpinned]) new SingleBatchJob(c, 'job', { metadata: { name: 'job' }, container: CONTAINER });

    // THEN
    expect(job(on)).toEqual(job(unpinned));
    expect(podSpec(on).volumes).toEqual([TMP_VOLUME]);
    expect(job(on).metadata.name).not.toBe(job(off).metadata.name);
  });

  test('the flag omits JobDefault.TMP_VOLUME and is named tmpVolume, since 0.3', () => {
    expect([DefaultFlag.TMP_VOLUME.name, DefaultFlag.TMP_VOLUME.since, DefaultFlag.TMP_VOLUME._omits]).toEqual(['tmpVolume', '0.3', JobDefault.TMP_VOLUME]);
  });
});
