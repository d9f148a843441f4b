import { JsonPatch } from 'cdk8s';
import { GitOpsPolicy, SingleBatchJob } from '../../index';
import { contentHash } from '../../lib/core/hash';
import { chart, CONTAINER, job } from '../util';

describe('JobApiObject: the Job\'s name as its GitOps policy writes it', () => {
  test('under runOncePerSpec, the hash is of the spec as rendered, JSON patches included', () => {
    // GIVEN a Job whose spec a JSON patch changes after construction
    const c = chart();
    const j = new SingleBatchJob(c, 'pi', { metadata: { name: 'pi' }, container: CONTAINER });
    const before = j.name;
    j.apiObject.addJsonPatch(JsonPatch.add('/spec/template/spec/priorityClassName', 'batch'));

    // THEN the name is <name>-<hash of the patched spec>, and its own name stays the base name
    const m = job(c);
    expect(m.spec.template.spec.priorityClassName).toBe('batch');
    expect(m.metadata.name).toBe(`pi-${contentHash(m.spec)}`);
    expect(m.metadata.name).not.toBe(before);
    expect(j.apiObject.name).toBe('pi');
  });

  test('under the other policies, the name is the base name', () => {
    const c = chart();
    new SingleBatchJob(c, 'pi', { metadata: { name: 'pi' }, container: CONTAINER, gitOps: GitOpsPolicy.none() });
    expect(job(c).metadata.name).toBe('pi');
  });
});
