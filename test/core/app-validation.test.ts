import { ApiObject, Testing } from 'cdk8s';
import { IConstruct } from 'constructs';
import { AppValidator, connectAppValidator } from '../../lib/core/app-validation';
import { BatchJob } from '../../lib/core/batch-job';
import { CONTAINER } from '../util';

// The seam between core and validation, on its own: this file imports core, not index.ts, so no
// validation is connected until a test connects one.

describe('the core\'s one seam to validation', () => {
  test('without a connected validator, core validates nothing and renders itself', () => {
    // GIVEN a Job and a hand-written object with an unknown field
    const chart = Testing.chart();
    new BatchJob(chart, 'job', { metadata: { name: 'job' }, container: CONTAINER });
    new ApiObject(chart, 'bad', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bad' }, datta: {} } as any);

    // THEN synth writes both: nothing validated
    expect(Testing.synth(chart).map(m => m.kind)).toEqual(['Job', 'ConfigMap']);
  });

  test('a connected validator is switched on for the app of every Job, and hands a Job its manifest once', () => {
    // GIVEN a validator that records what core asks of it
    const enabled: IConstruct[] = [];
    const handed = new Map<ApiObject, Record<string, any>>();
    const validator: AppValidator = {
      enable: scope => { enabled.push(scope); },
      takeRendered: object => {
        const manifest = handed.get(object);
        handed.delete(object);
        return manifest;
      },
      renderedInPass: () => undefined,
    };
    connectAppValidator(validator);

    // WHEN two Jobs are made, and the validator holds a manifest for the first
    const chart = Testing.chart();
    const first = new BatchJob(chart, 'first', { metadata: { name: 'first' }, container: CONTAINER });
    new BatchJob(chart, 'second', { metadata: { name: 'second' }, container: CONTAINER });
    const rendered = ApiObject.of(first).toJson();
    handed.set(ApiObject.of(first), rendered);

    // THEN core enabled it once per Job, and the first Job's next render is the manifest handed over, once
    expect(enabled.map(scope => scope.node.path)).toEqual(['test/first', 'test/second']);
    expect(ApiObject.of(first).toJson()).toBe(rendered);
    expect(ApiObject.of(first).toJson()).not.toBe(rendered);
    expect(ApiObject.of(first).toJson()).toEqual(rendered);
  });

  test('a Job\'s name is read from the manifest of the render pass under way, without rendering the Job or taking the manifest', () => {
    // GIVEN a validator in its render pass, which has rendered the Job already
    const inPass = new Map<ApiObject, Record<string, any>>();
    connectAppValidator({ enable: () => undefined, takeRendered: () => undefined, renderedInPass: object => inPass.get(object) });
    const chart = Testing.chart();
    const job = new BatchJob(chart, 'job', { metadata: { name: 'job' }, container: CONTAINER });
    const rendered = ApiObject.of(job).toJson();
    inPass.set(ApiObject.of(job), { ...rendered, metadata: { ...rendered.metadata, name: 'job-from-the-pass' } });
    const render = jest.spyOn(ApiObject.of(job), 'toJson');

    // THEN the name is the pass' manifest's, and the Job was not rendered for it
    expect(job.name).toBe('job-from-the-pass');
    expect(render).not.toHaveBeenCalled();

    // and outside the pass, the Job renders its name itself
    inPass.clear();
    expect(job.name).toBe(rendered.metadata.name);
    expect(render).toHaveBeenCalledTimes(1);
  });
});
