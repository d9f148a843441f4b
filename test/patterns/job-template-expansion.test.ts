import { ApiObject, Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  BatchJob, GitOpsMode, GitOpsPolicy, JobPattern, JobPatternAnnotations, JobPatternLabels, JobTemplateExpansion, PodReplacementPolicy, warningsOf, WorkItems,
} from '../../index';
import { contentHash, shortHash } from '../../lib/core/hash';
import { chart, CONTAINER, job, Manifest, synth } from '../util';

const ECHO: kplus.ContainerProps = { image: 'busybox:1.36.1', command: ['sh', '-c', 'echo processing {{item}}'] };

function jobs(c: Chart): Manifest[] {
  return synth(c).filter(m => m.kind === 'Job');
}

describe('JobTemplateExpansion', () => {
  test('defaults', () => {
    // GIVEN
    const c = chart();

    // WHEN
    const e = new JobTemplateExpansion(c, 'process', {
      baseName: 'process',
      items: WorkItems.fromList(['apple', 'banana', 'cherry']),
      container: ECHO,
    });

    // THEN
    expect(synth(c)).toMatchSnapshot();
    expect(e.jobs.map(j => j.name)).toEqual(['process-apple', 'process-banana', 'process-cherry']);
    // Each Job's name ends in the hash of its own spec (the default GitOps policy).
    expect(e.names).toEqual(jobs(c).map(m => m.metadata.name));
    expect(e.names.map(n => n.replace(/-[0-9a-f]{8}$/, ''))).toEqual(['process-apple', 'process-banana', 'process-cherry']);
    expect(e.gitOps.mode).toBe(GitOpsMode.RUN_ONCE_PER_SPEC);
    expect(e.baseName).toBe('process');
    expect(e.group).toBe('process');
    expect(e.pattern).toBe(JobPattern.TEMPLATE_EXPANSION);
    expect(e.completions).toBe(1);
    expect(e.parallelism).toBe(1);
    expect(e.restartPolicy).toBe(kplus.RestartPolicy.NEVER);
    expect(e.backoffLimit).toBe(3);
    expect(e.activeDeadline?.toSeconds()).toBe(3600);
    expect(e.ttlAfterFinished).toBeUndefined();
    expect(e.labels[JobPatternLabels.GROUP]).toBe('process');
  });

  test('one Job per item, each completions 1 and parallelism 1, with the pattern annotation', () => {
    const c = chart();
    new JobTemplateExpansion(c, 'process', { baseName: 'process', items: WorkItems.fromList(['a', 'b', 'c']), container: ECHO });
    const all = jobs(c);
    expect(all).toHaveLength(3);
    for (const m of all) {
      expect(m.spec.completions).toBe(1);
      expect(m.spec.parallelism).toBe(1);
      expect(m.metadata.annotations![JobPatternAnnotations.PATTERN]).toBe('template-expansion');
    }
  });

  test('every Job and pod carries the group label and its own item label', () => {
    const c = chart();
    new JobTemplateExpansion(c, 'process', { baseName: 'process', items: WorkItems.fromList(['apple', 'banana', 'cherry']), container: ECHO });
    for (const item of ['apple', 'banana', 'cherry']) {
      const m = job(c, `process-${item}`);
      const labels = { [JobPatternLabels.GROUP]: 'process', [JobPatternLabels.ITEM]: item, [JobPatternLabels.NAME]: 'process' };
      expect(m.metadata.labels).toMatchObject(labels);
      expect(m.spec.template.metadata.labels).toMatchObject(labels);
    }
  });

  test('a Job is what BatchJob makes of the template with the item filled in', () => {
    // GIVEN
    const props = {
      podMetadata: { labels: { team: 'fruit' } },
      partOf: 'orchard',
      backoffLimit: 1,
      activeDeadline: Duration.minutes(10),
      initContainers: [{ name: 'fetch', image: 'busybox:1.36.1', args: ['fetch', '{{item}}'] }],
      container: { ...ECHO, envVariables: { FRUIT: kplus.EnvValue.fromValue('{{item}}') } },
    };
    const chartProps = { namespace: 'batch', labels: { env: 'test' } };
    const expansion = new Chart(Testing.app(), 'test', chartProps);
    const plain = new Chart(Testing.app(), 'test', chartProps);

    // WHEN
    new JobTemplateExpansion(expansion, 'process', { ...props, baseName: 'process', items: WorkItems.fromList(['apple']) });
    new BatchJob(plain, 'process', {
      ...props,
      metadata: { name: 'process', labels: { [JobPatternLabels.GROUP]: 'process', [JobPatternLabels.ITEM]: 'apple' } },
      podMetadata: { labels: { ...props.podMetadata.labels, [JobPatternLabels.GROUP]: 'process', [JobPatternLabels.ITEM]: 'apple' } },
      initContainers: [{ name: 'fetch', image: 'busybox:1.36.1', args: ['fetch', 'apple'] }],
      container: { ...ECHO, command: ['sh', '-c', 'echo processing apple'], envVariables: { FRUIT: kplus.EnvValue.fromValue('apple') } },
      completions: 1,
      parallelism: 1,
      pattern: JobPattern.TEMPLATE_EXPANSION,
    });

    // THEN
    const expected = job(plain);
    expect(expected.metadata).toMatchObject({ namespace: 'batch', labels: { env: 'test' } });
    // The same spec, so the same hash after the item's own name.
    expect(job(expansion, 'process-apple')).toEqual({ ...expected, metadata: { ...expected.metadata, name: `process-apple-${contentHash(expected.spec)}` } });
  });

  test('parameters are filled into command, args and env values; $(VAR) and env from elsewhere are left alone', () => {
    const c = chart();
    new JobTemplateExpansion(c, 'weather', {
      baseName: 'weather',
      items: WorkItems.fromRecords([{ city: 'paris', day: 'mon' }, { city: 'rome', day: 'tue' }], { key: 'city' }),
      container: {
        image: 'busybox:1.36.1',
        command: ['sh', '-c', 'echo {{ city }} on {{day}} at $(HOSTNAME)'],
        args: ['--city={{city}}'],
        envVariables: {
          DAY: kplus.EnvValue.fromValue('{{day}}'),
          POD: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME),
        },
      },
    });
    const main = job(c, 'weather-rome').spec.template.spec.containers[0];
    expect(main.command).toEqual(['sh', '-c', 'echo rome on tue at $(HOSTNAME)']);
    expect(main.args).toEqual(['--city=rome']);
    expect(main.env).toEqual([
      { name: 'DAY', value: 'tue' },
      { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    ]);
    expect(job(c, 'weather-paris').spec.template.spec.containers[0].args).toEqual(['--city=paris']);
  });

  test('names are made DNS-1123 labels of at most 63 characters, with a hash when the text changed', () => {
    const c = chart();
    const long = 'x'.repeat(80);
    const e = new JobTemplateExpansion(c, 'process', { baseName: 'process', items: WorkItems.fromList(['apple', 'Cherry Pie', long]), container: ECHO, gitOps: GitOpsPolicy.none() });
    const [apple, pie, longName] = e.jobs.map(j => j.name);
    expect(e.names).toEqual([apple, pie, longName]);
    expect(apple).toBe('process-apple');
    expect(pie).toBe(`process-cherry-pie-${shortHash('process-Cherry Pie')}`);
    expect(longName).toBe(`process-${'x'.repeat(46)}-${shortHash(`process-${long}`)}`);
    expect(longName).toHaveLength(63);
    // The item label keeps a key that is a valid label value, and makes one of any other.
    expect(job(c, pie).metadata.labels![JobPatternLabels.ITEM]).toBe(`cherry-pie-${shortHash('Cherry Pie')}`);
    expect(job(c, longName).metadata.labels![JobPatternLabels.ITEM]).toBe(`${'x'.repeat(54)}-${shortHash(long)}`);
  });

  test('under runOncePerSpec, the item\'s part is at most 54 characters, followed by the spec hash', () => {
    const c = chart();
    const long = 'x'.repeat(80);
    const e = new JobTemplateExpansion(c, 'process', { baseName: 'process', items: WorkItems.fromList(['apple', long]), container: ECHO });
    const [apple, longName] = e.jobs.map(j => j.name);
    expect(apple).toBe('process-apple');
    expect(longName).toBe(`process-${'x'.repeat(37)}-${shortHash(`process-${long}`)}`);
    expect(longName).toHaveLength(54);
    const manifests = jobs(c);
    expect(e.names).toEqual([`${apple}-${contentHash(manifests[0].spec)}`, `${longName}-${contentHash(manifests[1].spec)}`]);
    expect(e.names[1]).toHaveLength(63);
  });

  test('without baseName, a stable name is generated from the construct path', () => {
    const c = chart();
    const e = new JobTemplateExpansion(c, 'process', { items: WorkItems.fromList(['a']), container: ECHO });
    expect(e.baseName).toMatch(/^test-process-[0-9a-f]{8}$/);
    expect(e.jobs[0].name).toBe(`${e.baseName}-a`);
  });

  test('the template is built once: no Job construct per item', () => {
    const c = chart();
    const e = new JobTemplateExpansion(c, 'process', { baseName: 'p', items: WorkItems.fromList(['a', 'b', 'c']), container: ECHO });
    expect(e.node.children).toEqual(e.jobs);
    expect(c.node.findAll().filter(x => x instanceof kplus.Job || x instanceof BatchJob)).toEqual([]);
    expect(e.jobs.every(j => j instanceof ApiObject)).toBe(true);
  });

  test('the Jobs can be changed one by one', () => {
    const c = chart();
    const e = new JobTemplateExpansion(c, 'process', { baseName: 'p', items: WorkItems.fromList(['a', 'b']), container: ECHO });
    e.jobs[1].metadata.addAnnotation('example.com/note', 'b only');
    expect(job(c, 'p-b').metadata.annotations).toHaveProperty(['example.com/note'], 'b only');
    expect(job(c, 'p-a').metadata.annotations).not.toHaveProperty(['example.com/note']);
  });

  test('each Job is checked like any other: an alpha field warns on every Job', () => {
    const c = chart();
    new JobTemplateExpansion(c, 'process', {
      baseName: 'p', items: WorkItems.fromList(['a', 'b']), container: ECHO, podReplacementPolicy: PodReplacementPolicy.FAILED,
    });
    expect(warningsOf(c, { skipRules: ['gitops/ttl-on-tracked-job'] }).map(w => [w.path, w.ruleId])).toEqual([
      ['test/process/p-a', 'version/field'],
      ['test/process/p-b', 'version/field'],
    ]);
  });

  test('fails when there are no items', () => {
    const c = chart();
    expect(() => new JobTemplateExpansion(c, 'process', { items: WorkItems.fromList([]), container: ECHO }))
      .toThrow("test/process (JobTemplateExpansion): 'items' must hold at least one work item, got []. Pass at least one item to WorkItems.fromList().");
  });

  test('fails when two items are the same', () => {
    const c = chart();
    expect(() => new JobTemplateExpansion(c, 'process', { items: WorkItems.fromList(['a', 'b', 'a']), container: ECHO }))
      .toThrow("test/process (JobTemplateExpansion): 'items[2]' must be unique, but item 0 has the same key, got 'a'. Remove the duplicate, or key records by a field that is unique.");
  });

  test('fails when a placeholder names no parameter of the item', () => {
    const c = chart();
    expect(() => new JobTemplateExpansion(c, 'process', {
      items: WorkItems.fromList(['apple']),
      container: { ...ECHO, args: ['--fruit={{fruit}}'] },
    })).toThrow("test/process (JobTemplateExpansion): 'container.args[0]' uses the placeholder {{fruit}}, which work item 0 ('apple') does not have (its parameters: item), got '--fruit={{fruit}}'. Give every item a 'fruit' parameter, or remove {{fruit}}.");
  });

  test('fails when a record lacks a parameter another record has', () => {
    const c = chart();
    expect(() => new JobTemplateExpansion(c, 'weather', {
      items: WorkItems.fromRecords([{ city: 'paris', day: 'mon' }, { city: 'rome' }], { key: 'city' }),
      container: { ...CONTAINER, envVariables: { DAY: kplus.EnvValue.fromValue('{{day}}') } },
    })).toThrow("test/weather (JobTemplateExpansion): 'container.envVariables.DAY' uses the placeholder {{day}}, which work item 1 ('rome') does not have (its parameters: city), got '{{day}}'. Give every item a 'day' parameter, or remove {{day}}.");
  });

  test('fails when metadata.name is set', () => {
    const c = chart();
    expect(() => new JobTemplateExpansion(c, 'process', { metadata: { name: 'process' }, items: WorkItems.fromList(['a']), container: ECHO }))
      .toThrow("test/process (JobTemplateExpansion): 'metadata.name' must not be set: every Job is named <baseName>-<item key>, got 'process'. Set baseName instead.");
  });

  test('fails when baseName is not a DNS-1123 label', () => {
    const c = chart();
    expect(() => new JobTemplateExpansion(c, 'process', { baseName: 'Process_Items', items: WorkItems.fromList(['a']), container: ECHO }))
      .toThrow("test/process (JobTemplateExpansion): 'baseName' must be a DNS-1123 label of at most 63 characters (lower-case letters, digits and '-', starting and ending with a letter or digit), got 'Process_Items'. Choose a short name made of lower-case letters, digits and dashes.");
  });

  test('fails when two items would still get the same Job name', () => {
    // GIVEN: 'Apple' becomes 'p-apple-<hash>'; an item spelled exactly like that collides with it.
    const c = chart();
    const collision = `apple-${shortHash('p-Apple')}`;

    // THEN
    expect(() => new JobTemplateExpansion(c, 'process', { baseName: 'p', items: WorkItems.fromList(['Apple', collision]), container: ECHO }))
      .toThrow(`test/process (JobTemplateExpansion): 'items[1]' must give a Job name of its own, but item 0 ('Apple') also becomes 'p-${collision}', got '${collision}'. Rename one of the two items.`);
  });

  test('fails when a Job option is wrong, naming the JobTemplateExpansion the user wrote (not the template Job it builds inside)', () => {
    const make = () => new JobTemplateExpansion(chart(), 'process', { items: WorkItems.fromList(['a']), container: CONTAINER, backoffLimit: -1 });
    expect(make).toThrow("test/process (JobTemplateExpansion): 'backoffLimit' must be a whole number >= 0, got -1. Set backoffLimit to 0 (no retries) or more.");
    expect(make).toThrow(expect.objectContaining({ name: 'JobPatternsError', path: 'test/process', prop: 'backoffLimit' }));
  });
});
