// What a JavaScript user (or TypeScript run with --transpile-only) gets instead of the type
// checker: required props and typos are errors at construct time, with the usual message.
import { execFileSync } from 'child_process';
import * as path from 'path';
import { FixedCompletionJob, JobTemplateExpansion, SingleBatchJob, WorkItems, WorkQueueJob } from '../../index';
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

  test('the prop names are those of the props interfaces (lib/core/prop-names.json is up to date)', () => {
    // --check exits 1 (and execFileSync throws) when the interfaces and the file differ.
    execFileSync(process.execPath, [path.join(__dirname, '..', '..', 'scripts', 'package', 'prop-names.js'), '--check'], { stdio: 'pipe' });
  });
});
