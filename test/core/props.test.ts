// What a JavaScript user (or TypeScript run with --transpile-only) gets instead of the type
// checker: required props and typos are errors at construct time, with the usual message.
import { execFileSync } from 'child_process';
import * as path from 'path';
import { ControllerPodJob, FixedCompletionJob, JobTemplateExpansion, SingleBatchJob, WorkItems, WorkQueue, WorkQueueJob } from '../../index';
import { checkedProps, checkPropsOf } from '../../lib/core/props';
import { chart, CONTAINER } from '../util';

const js = (props: object): any => props;

describe('props of JavaScript users', () => {
  test('fails when a prop is misspelled, naming the closest one', () => {
    expect(() => new SingleBatchJob(chart(), 'pi', js({ backofLimit: 3, container: CONTAINER })))
      .toThrow("test/pi (SingleBatchJob): 'backofLimit' is not a prop of SingleBatchJob, got 3. Did you mean 'backoffLimit'?");
  });

  test('fails when a container prop is misspelled', () => {
    expect(() => new SingleBatchJob(chart(), 'pi', js({ container: { image: 'perl:5.34.0', comand: ['perl'] } })))
      .toThrow("test/pi (SingleBatchJob): 'container.comand' is not a prop of container, got [\"perl\"]. Did you mean 'container.command'?");
  });

  test('fails when a prop is nothing like a known one, listing them', () => {
    expect(() => new FixedCompletionJob(chart(), 'even', js({ completions: 2, container: CONTAINER, zzz: true })))
      .toThrow(/^test\/even \(FixedCompletionJob\): 'zzz' is not a prop of FixedCompletionJob, got true\. Remove it; the props are: activeDeadline, automountServiceAccountToken, backoffLimit, backoffLimitPerIndex, completionMode, completions, container, /);
  });

  test('fails when the image is missing', () => {
    expect(() => new SingleBatchJob(chart(), 'pi', js({ container: { command: ['true'] } })))
      .toThrow("test/pi (SingleBatchJob): 'container.image' is required, got undefined. Set container.image.");
  });

  test('fails when completions is missing on a FixedCompletionJob, naming the prop', () => {
    expect(() => new FixedCompletionJob(chart(), 'even', js({ container: CONTAINER })))
      .toThrow("test/even (FixedCompletionJob): 'completions' is required, got undefined. Set completions.");
  });

  test('fails when the queue is missing on a WorkQueueJob', () => {
    expect(() => new WorkQueueJob(chart(), 'fruit', js({ container: CONTAINER })))
      .toThrow("test/fruit (WorkQueueJob): 'queue' is required, got undefined. Set queue.");
  });

  test('fails when a JobTemplateExpansion gets no items, or a typo', () => {
    expect(() => new JobTemplateExpansion(chart(), 'expand', js({ container: CONTAINER })))
      .toThrow("test/expand (JobTemplateExpansion): 'items' is required, got undefined. Set items.");
    expect(() => new JobTemplateExpansion(chart(), 'expand', js({ items: WorkItems.fromList(['a']), basename: 'x', container: CONTAINER })))
      .toThrow("test/expand (JobTemplateExpansion): 'basename' is not a prop of JobTemplateExpansion, got 'x'. Did you mean 'baseName'?");
  });

  test('fails when a Duration prop gets a number', () => {
    expect(() => new SingleBatchJob(chart(), 'pi', js({ activeDeadline: 600, container: CONTAINER })))
      .toThrow("test/pi (SingleBatchJob): 'activeDeadline' must be a cdk8s Duration, got 600. Use Duration.seconds(600), Duration.minutes(n) or Duration.hours(n).");
  });

  test('fails when no props are given at all', () => {
    expect(() => new SingleBatchJob(chart(), 'pi', js(undefined as any)))
      .toThrow("test/pi (SingleBatchJob): 'container' is required, got undefined. Set container.");
  });

  test('fails when an unknown prop holds a construct, naming the construct (its tree is circular)', () => {
    // GIVEN a scope passed where no prop goes, under a typo and under Kubernetes' own name for a prop
    const c = chart();
    expect(() => new SingleBatchJob(c, 'pi', js({ container: CONTAINER, conatiner: c })))
      .toThrow("test/pi (SingleBatchJob): 'conatiner' is not a prop of SingleBatchJob, got the Chart construct 'test'. Did you mean 'container'?");
    expect(() => new SingleBatchJob(c, 'pi', js({ container: CONTAINER, labels: { owner: c } })))
      .toThrow("test/pi (SingleBatchJob): 'labels' is not a prop of SingleBatchJob, got {\"owner\":\"the Chart construct 'test'\"}. Put them in metadata: { labels: { owner: /* the Chart construct 'test' */ } } (the Job) or podMetadata: { labels: { owner: /* the Chart construct 'test' */ } } (its pods).");
    expect(() => new SingleBatchJob(c, 'pi', js({ container: { ...CONTAINER, securityContext: c } })))
      .toThrow(/^test\/pi \(SingleBatchJob\): 'container.securityContext.node' is not a prop of container.securityContext, got /);
  });

  test('a pattern\'s props are checked once: what it passes on to BatchJob is marked checked', () => {
    // GIVEN props with a typo, checked as they are and marked as a pattern marks what it checked
    const site = { path: 'test/pi', type: 'SingleBatchJob' };
    expect(() => checkPropsOf(site, 'SingleBatchJob', { container: CONTAINER, zzz: 1 })).toThrow("'zzz' is not a prop of SingleBatchJob");
    expect(() => checkPropsOf(site, 'SingleBatchJob', checkedProps({ container: CONTAINER, zzz: 1 }))).not.toThrow();

    // THEN the patterns that check before super() still reject their user's typos, once, in their own words
    expect(() => new WorkQueueJob(chart(), 'q', js({ queue: WorkQueue.fromAddress({ host: 'q', port: 1, name: 'n' }), completions: 1, container: CONTAINER, paralelism: 2 })))
      .toThrow("test/q (WorkQueueJob): 'paralelism' is not a prop of WorkQueueJob, got 2. Did you mean 'parallelism'?");
    expect(() => new ControllerPodJob(chart(), 'ctl', js({ container: CONTAINER, rulez: [] })))
      .toThrow("test/ctl (ControllerPodJob): 'rulez' is not a prop of ControllerPodJob, got []. Did you mean 'rules'?");
  });

  test('the prop names are those of the props interfaces (lib/core/prop-names.json is up to date)', () => {
    // --check exits 1 (and execFileSync throws) when the interfaces and the file differ.
    execFileSync(process.execPath, [path.join(__dirname, '..', '..', 'scripts', 'package', 'prop-names.js'), '--check'], { stdio: 'pipe' });
  });
});
