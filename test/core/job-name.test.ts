import { ApiObject, Chart, IResolver, JsonPatch, ResolutionContext, Testing } from 'cdk8s';
import { GitOpsPolicy, SingleBatchJob } from '../../index';
import { contentHash } from '../../lib/core/hash';
import { chart, CONTAINER, furnishRichPod, job } from '../util';

describe('JobApiObject: the Job\'s name as its GitOps policy writes it', () => {
  test('under runOncePerSpec, the hash is of the spec as rendered, JSON patches included', () => {
    // GIVEN a Job whose spec a JSON patch changes after construction
    const c = chart();
    const j = new SingleBatchJob(c, 'pi', { metadata: { name: 'pi' }, container: CONTAINER });
    const before = j.name;
    ApiObject.of(j).addJsonPatch(JsonPatch.add('/spec/template/spec/priorityClassName', 'batch'));

    // THEN the name is <name>-<hash of the patched spec>, and its own name stays the base name
    const m = job(c);
    expect(m.spec.template.spec.priorityClassName).toBe('batch');
    expect(m.metadata.name).toBe(`pi-${contentHash(m.spec)}`);
    expect(m.metadata.name).not.toBe(before);
    expect(ApiObject.of(j).name).toBe('pi');
  });

  test('under the other policies, the name is the base name', () => {
    const c = chart();
    new SingleBatchJob(c, 'pi', { metadata: { name: 'pi' }, container: CONTAINER, gitOps: GitOpsPolicy.none() });
    expect(job(c).metadata.name).toBe('pi');
  });
});

describe('JobApiObject: rendered in one pass, as cdk8s renders it', () => {
  /** What cdk8s' own ApiObject.toJson() renders for the Job, its name set as the Job's policy names it. */
  const cdk8sRendering = (j: SingleBatchJob) => {
    const json = ApiObject.prototype.toJson.call(ApiObject.of(j));
    return { ...json, metadata: { ...json.metadata, name: j.name } };
  };

  test('a rich pod renders exactly as cdk8s renders it, key order included, and is hashed from that', () => {
    // GIVEN a Job with everything the pod model renders (quantities, probes, env from fields, volumes, scheduling)
    const c = chart();
    const j = new SingleBatchJob(c, 'rich', { metadata: { name: 'rich', labels: { team: 'data' } }, container: CONTAINER, podMetadata: { annotations: { note: 'x' } } });
    furnishRichPod(j, c);

    // THEN the one-pass rendering is cdk8s' own, as text (key order) too
    const rendered = ApiObject.of(j).toJson();
    expect(JSON.stringify(rendered)).toBe(JSON.stringify(cdk8sRendering(j)));
    expect(rendered.metadata.name).toBe(`rich-${contentHash(rendered.spec)}`);
  });

  test('an app\'s own resolver still sees every value of the spec', () => {
    // GIVEN an app whose resolver rewrites the image (cdk8s runs an app's resolvers on every value)
    const mirror: IResolver = { resolve: (context: ResolutionContext) => { if (context.value === CONTAINER.image) context.replaceValue('mirror.example.com/busybox:1.36.1'); } };
    const c = new Chart(Testing.app({ resolvers: [mirror] }), 'test');
    new SingleBatchJob(c, 'pi', { metadata: { name: 'pi' }, container: CONTAINER });

    // THEN the Job's image is the rewritten one
    expect(job(c).spec.template.spec.containers[0].image).toBe('mirror.example.com/busybox:1.36.1');
  });

  test('with CDK8S_DISABLE_SORT, keys keep the order cdk8s gives them', () => {
    const previous = process.env.CDK8S_DISABLE_SORT;
    process.env.CDK8S_DISABLE_SORT = 'true';
    try {
      const j = new SingleBatchJob(chart(), 'pi', { metadata: { name: 'pi' }, container: CONTAINER, backoffLimit: 2 });
      expect(JSON.stringify(ApiObject.of(j).toJson())).toBe(JSON.stringify(cdk8sRendering(j)));
    } finally {
      if (previous === undefined) delete process.env.CDK8S_DISABLE_SORT;
      else process.env.CDK8S_DISABLE_SORT = previous;
    }
  });
});
