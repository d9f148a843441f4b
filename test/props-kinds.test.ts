// What a JavaScript user gets instead of the type checker for the KIND of each prop: a wrong kind
// (`command: 'echo hi'`, `gitOps: 'none'`, Kubernetes' `successPolicy: { rules }`) is an error at
// construct time naming the construct, the prop, the value and the fix, never a TypeError or
// silent wrong YAML. The kinds are read from the props interfaces (lib/core/prop-names.json).
import { App, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  BatchJob, ControllerPodJob, FixedCompletionJob, JobPatternsError, JobTemplateExpansion, PodFailurePolicyAction, PodToPodJob,
  SingleBatchJob, StaticWorkAssignmentJob, WorkItems, WorkQueue, WorkQueueJob,
} from '../index';
import { constructSite, formatValue } from '../lib/core/errors';
import PROP_NAMES from '../lib/core/prop-names.json';
import { chart, CONTAINER, manifest } from './util';

const js = (props: object): any => props;

type Kind = string | { [key: string]: any };
const CONSTRUCTS = PROP_NAMES.constructs as Record<string, { props: string[]; required: string[]; kinds: Record<string, Kind> }>;
const TYPES = PROP_NAMES.types as Record<string, { props: Record<string, Kind>; required: string[] }>;

/** Each construct, and the least it needs to be built. */
const BUILD: Record<string, (scope: Construct, props: object) => unknown> = {
  BatchJob: (scope, props) => new BatchJob(scope, 'subject', js({ container: CONTAINER, ...props })),
  SingleBatchJob: (scope, props) => new SingleBatchJob(scope, 'subject', js({ container: CONTAINER, ...props })),
  FixedCompletionJob: (scope, props) => new FixedCompletionJob(scope, 'subject', js({ completions: 2, container: CONTAINER, ...props })),
  WorkQueueJob: (scope, props) => new WorkQueueJob(scope, 'subject', js({ queue: WorkQueue.fromAddress({ host: 'queue', port: 6379, name: 'jobs' }), container: CONTAINER, ...props })),
  JobTemplateExpansion: (scope, props) => new JobTemplateExpansion(scope, 'subject', js({ items: WorkItems.fromList(['a']), container: CONTAINER, ...props })),
  StaticWorkAssignmentJob: (scope, props) => new StaticWorkAssignmentJob(scope, 'subject', js({ items: WorkItems.fromList(['a']), container: CONTAINER, ...props })),
  ControllerPodJob: (scope, props) => new ControllerPodJob(scope, 'subject', js({ container: CONTAINER, ...props })),
  PodToPodJob: (scope, props) => new PodToPodJob(scope, 'subject', js({ completions: 2, container: CONTAINER, ...props })),
};

/** A value of the wrong kind for `kind`. */
function wrongValueFor(kind: Kind): unknown {
  if (kind === 'string') return 42;
  if (kind === 'number') return 'ten';
  if (kind === 'boolean') return 'yes';
  if (typeof kind === 'object' && 'enum' in kind) return 'no-such-value';
  if (typeof kind === 'object' && ('array' in kind || 'instance' in kind)) return 42;
  return 'x';
}

/** What the error says is allowed, by kind (a pattern: the names in it come from the kinds). */
function allowedFor(kind: Kind): string {
  if (kind === 'string') return 'must be a string';
  if (kind === 'number') return 'must be a number';
  if (kind === 'boolean') return 'must be true or false';
  if (typeof kind !== 'object') throw new Error(`no check for the kind ${kind}`);
  if ('enum' in kind) return `must be one of ${kind.enum}\\.[A-Z_]+ \\('[^']+'\\)(, ${kind.enum}\\.[A-Z_]+ \\('[^']+'\\))*`;
  if ('array' in kind) return 'must be a list of [^,]+';
  if ('map' in kind) return 'must be an object of [^,]+ by name';
  if ('class' in kind) return `must be a (cdk8s |cdk8s-plus )?${kind.class}`;
  if ('instance' in kind) return `must be a (cdk8s |cdk8s-plus )?${kind.instance}`;
  return `must be an object of ${kind.object}`;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The error `build` throws, which must be a JobPatternsError (never a TypeError), or a failure. */
function errorOf(build: () => unknown): JobPatternsError {
  try {
    build();
  } catch (e) {
    if (e instanceof JobPatternsError) return e;
    throw new Error(`expected a JobPatternsError, got ${String(e)}`);
  }
  throw new Error('expected a JobPatternsError, got none');
}

/** Asserts the house style: path and type, the prop, what is allowed, the value as written, a fix. */
function expectKindError(error: JobPatternsError, construct: string, prop: string, kind: Kind, value: unknown): void {
  expect(error.prop).toBe(prop);
  expect(error.path).toBe('test/subject');
  expect(error.message).toMatch(new RegExp(`^test/subject \\(${construct}\\): '${escape(prop)}' ${allowedFor(kind)}, got ${escape(formatValue(value))}\\. [A-Z(].*[.?]$`));
}

describe('the kind of every prop, for JavaScript users', () => {
  const cases = Object.entries(CONSTRUCTS).flatMap(([construct, known]) => known.props.map(prop => [construct, prop, known.kinds[prop]] as const));

  test('every construct the package exports is built here, and every prop has a kind that is checked', () => {
    // GIVEN / WHEN
    const unchecked = cases.filter(([, , kind]) => kind === 'any' || kind === undefined).map(([c, p]) => `${c}.${p}`);
    // THEN
    expect(Object.keys(BUILD).sort()).toEqual(Object.keys(CONSTRUCTS).sort());
    expect(unchecked).toEqual([]);
  });

  test.each(cases)('fails when %s.%s gets a wrong kind, naming construct, prop, value and fix', (construct, prop, kind) => {
    // GIVEN
    const value = wrongValueFor(kind);
    // WHEN
    const error = errorOf(() => BUILD[construct](chart(), { [prop]: value }));
    // THEN
    expectKindError(error, construct, prop, kind, value);
  });

  // One level down, each plain object of props BatchJob takes (container, metadata, dns, rules, ...).
  const bases: Record<string, object> = { ContainerProps: CONTAINER, PodFailurePolicyRule: { action: PodFailurePolicyAction.FAIL_JOB } };
  const nested = Object.entries(CONSTRUCTS.BatchJob.kinds).flatMap(([prop, kind]) => {
    const list = typeof kind === 'object' && 'array' in kind;
    const object = list ? (kind as any).array : kind;
    if (typeof object !== 'object' || !('object' in object) || TYPES[object.object] === undefined) return [];
    return Object.entries(TYPES[object.object].props).map(([inner, innerKind]) => [prop, list, object.object as string, inner, innerKind] as const);
  });

  test('the nested props walked cover every props type BatchJob takes one level down', () => {
    expect([...new Set(nested.map(([, , type]) => type))].sort())
      .toEqual(['ApiObjectMetadata', 'ContainerProps', 'PodDnsProps', 'PodFailurePolicyRule', 'PodSecurityContextProps', 'SuccessPolicyRule']);
  });

  test.each(nested)('fails when a BatchJob %s (list: %s) of %s gets a wrong %s', (prop, list, type, inner, innerKind) => {
    // GIVEN
    const value = wrongValueFor(innerKind);
    const object = { ...bases[type], [inner]: value };
    const path = `${prop}${list ? '[0]' : ''}.${inner}`;
    // WHEN
    const error = errorOf(() => BUILD.BatchJob(chart(), { [prop]: list ? [object] : object }));
    // THEN
    expectKindError(error, 'BatchJob', path, innerKind, value);
  });
});

describe('the mistakes of a new user writing JavaScript (issue 27)', () => {
  test('fails when command is a string, instead of writing each character as an argument', () => {
    expect(() => new SingleBatchJob(chart(), 'pi', js({ container: { image: 'perl:5.34.0', command: 'echo hi' } })))
      .toThrow("test/pi (SingleBatchJob): 'container.command' must be a list of strings, got 'echo hi'. Write it as a list, one word each: ['echo', 'hi'], or ['sh', '-c', 'echo hi'] to run it in a shell.");
  });

  test('fails when an environment variable is a string, instead of writing one without a value', () => {
    expect(() => new SingleBatchJob(chart(), 'pi', js({ container: { image: 'perl:5.34.0', envVariables: { FOO: 'bar' } } })))
      .toThrow("test/pi (SingleBatchJob): 'container.envVariables.FOO' must be a cdk8s-plus EnvValue, got 'bar'. Use EnvValue.fromValue('bar') (EnvValue from cdk8s-plus).");
  });

  test("fails when the environment is Kubernetes' list of { name, value }", () => {
    expect(() => new SingleBatchJob(chart(), 'pi', js({ container: { image: 'perl:5.34.0', env: [{ name: 'FOO', value: 'bar' }] } })))
      .toThrow("test/pi (SingleBatchJob): 'container.env' is not a prop of container, got [{\"name\":\"FOO\",\"value\":\"bar\"}]. The library takes environment variables by name: envVariables: { NAME: EnvValue.fromValue('value') } (EnvValue from cdk8s-plus).");
    expect(() => new SingleBatchJob(chart(), 'pi', js({ container: { image: 'perl:5.34.0', envVariables: [{ name: 'FOO', value: 'bar' }] } })))
      .toThrow("test/pi (SingleBatchJob): 'container.envVariables' must be an object of cdk8s-plus EnvValues by name, got [{\"name\":\"FOO\",\"value\":\"bar\"}]. The library takes environment variables by name, not Kubernetes' list of { name, value }: envVariables: { NAME: EnvValue.fromValue('value') } (EnvValue from cdk8s-plus).");
  });

  test('fails when items are a plain list, instead of a TypeError', () => {
    expect(() => new JobTemplateExpansion(chart(), 'expand', js({ items: ['a', 'b'], container: CONTAINER })))
      .toThrow("test/expand (JobTemplateExpansion): 'items' must be a WorkItems, got [\"a\",\"b\"]. Use WorkItems.fromList(['a', 'b']).");
    expect(() => new StaticWorkAssignmentJob(chart(), 'static', js({ items: [{ id: '1' }], container: CONTAINER })))
      .toThrow("test/static (StaticWorkAssignmentJob): 'items' must be a WorkItems, got [{\"id\":\"1\"}]. Use WorkItems.fromRecords([{ id: '1' }]).");
  });

  test('fails when the queue is a plain address, instead of a TypeError', () => {
    expect(() => new WorkQueueJob(chart(), 'fruit', js({ queue: { host: 'redis', port: 6379, name: 'jobs' }, container: CONTAINER })))
      .toThrow("test/fruit (WorkQueueJob): 'queue' must be a WorkQueue, got {\"host\":\"redis\",\"port\":6379,\"name\":\"jobs\"}. Use WorkQueue.fromAddress({ host: 'redis', port: 6379, name: 'jobs' }).");
  });

  test("fails when gitOps is the policy's name, instead of a TypeError", () => {
    expect(() => new SingleBatchJob(chart(), 'pi', js({ gitOps: 'none', container: CONTAINER })))
      .toThrow("test/pi (SingleBatchJob): 'gitOps' must be a GitOpsPolicy, got 'none'. Did you mean GitOpsPolicy.none()?");
  });

  test('fails when the container is an image name, instead of a Job without an image at synth', () => {
    expect(() => new SingleBatchJob(chart(), 'pi', js({ container: 'perl:5.34.0' })))
      .toThrow("test/pi (SingleBatchJob): 'container' must be an object of ContainerProps, got 'perl:5.34.0'. Write container: { image: 'perl:5.34.0' }.");
  });

  test("fails when successPolicy or podFailurePolicy is Kubernetes' { rules }, instead of a TypeError", () => {
    expect(() => new FixedCompletionJob(chart(), 'even', js({ completions: 3, completionMode: 'Indexed', successPolicy: { rules: [{ succeededIndexes: '0-1' }] }, container: CONTAINER })))
      .toThrow("test/even (FixedCompletionJob): 'successPolicy' must be a list of SuccessPolicyRule objects, got {\"rules\":[{\"succeededIndexes\":\"0-1\"}]}. The library takes the list of rules itself, not Kubernetes' { rules: [...] }: successPolicy: [{ succeededIndexes: '0-1' }].");
    expect(() => new SingleBatchJob(chart(), 'pi', js({ podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] }, container: CONTAINER })))
      .toThrow("test/pi (SingleBatchJob): 'podFailurePolicy' must be a list of PodFailurePolicyRule objects, got {\"rules\":[{\"action\":\"FailJob\",\"onExitCodes\":{\"operator\":\"In\",\"values\":[42]}}]}. The library takes the list of rules itself, not Kubernetes' { rules: [...] }: podFailurePolicy: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }].");
  });

  test("fails when resources are Kubernetes' limits and requests", () => {
    expect(() => new SingleBatchJob(chart(), 'pi', js({ container: { image: 'perl:5.34.0', resources: { limits: { cpu: '1' } } } })))
      .toThrow("test/pi (SingleBatchJob): 'container.resources.limits' is not a prop of container.resources, got {\"cpu\":\"1\"}. The library takes resources by kind: resources: { cpu: { request: Cpu.millis(250), limit: Cpu.units(1) }, memory: { request: Size.mebibytes(256), limit: Size.gibibytes(1) } } (Cpu from cdk8s-plus, Size from cdk8s).");
  });

  test("fails when a resource is Kubernetes' quantity string", () => {
    expect(() => new SingleBatchJob(chart(), 'pi', js({ container: { image: 'perl:5.34.0', resources: { cpu: '500m' } } })))
      .toThrow("test/pi (SingleBatchJob): 'container.resources.cpu' must be an object of CpuResources, got '500m'. Write it as cpu: { request: Cpu.millis(250), limit: Cpu.units(1) } (Cpu from cdk8s-plus).");
    expect(() => new SingleBatchJob(chart(), 'pi', js({ container: { image: 'perl:5.34.0', resources: { memory: '1Gi' } } })))
      .toThrow("test/pi (SingleBatchJob): 'container.resources.memory' must be an object of MemoryResources, got '1Gi'. Write it as memory: { request: Size.mebibytes(256), limit: Size.gibibytes(1) } (Size from cdk8s).");
  });

  test('fails when a number is quoted, or a Duration is a number of seconds', () => {
    expect(() => new SingleBatchJob(chart(), 'pi', js({ backoffLimit: '3', container: CONTAINER })))
      .toThrow("test/pi (SingleBatchJob): 'backoffLimit' must be a number, got '3'. Write it without quotes: 3.");
    expect(() => new SingleBatchJob(chart(), 'pi', js({ activeDeadlineSeconds: 600, container: CONTAINER })))
      .toThrow("test/pi (SingleBatchJob): 'activeDeadlineSeconds' is not a prop of SingleBatchJob, got 600. Use activeDeadline: Duration.seconds(n) (Duration from cdk8s).");
  });

  test('fails when volumes are not a list, instead of a TypeError in cdk8s-plus', () => {
    expect(() => new SingleBatchJob(chart(), 'pi', js({ volumes: 'data', container: CONTAINER })))
      .toThrow("test/pi (SingleBatchJob): 'volumes' must be a list of cdk8s-plus Volumes, got 'data'. Set volumes to a list of cdk8s-plus Volumes.");
  });

  test('fails when an enum value is spelled otherwise, naming the member', () => {
    expect(() => new FixedCompletionJob(chart(), 'even', js({ completions: 2, completionMode: 'indexed', container: CONTAINER })))
      .toThrow("test/even (FixedCompletionJob): 'completionMode' must be one of CompletionMode.NON_INDEXED ('NonIndexed'), CompletionMode.INDEXED ('Indexed'), got 'indexed'. Did you mean CompletionMode.INDEXED?");
  });

  test("fails when WorkQueueJob's metadata is not an object, checked before the pattern reads it", () => {
    expect(() => new WorkQueueJob(chart(), 'fruit', js({ metadata: 'fruit', queue: WorkQueue.fromAddress({ host: 'redis', port: 6379, name: 'jobs' }), container: CONTAINER })))
      .toThrow("test/fruit (WorkQueueJob): 'metadata' must be an object of ApiObjectMetadata, got 'fruit'. Write it as { annotations: ..., finalizers: ..., labels: ... }.");
  });
});

describe('what JavaScript users get right is unchanged', () => {
  test("enum values written as Kubernetes' strings are accepted", () => {
    // GIVEN
    const c = chart();
    // WHEN
    new FixedCompletionJob(c, 'even', js({ completions: 2, completionMode: 'Indexed', container: { ...CONTAINER, envVariables: { FOO: kplus.EnvValue.fromValue('bar') } } }));
    // THEN
    const job = manifest(c, 'Job');
    expect(job.spec.completionMode).toBe('Indexed');
    expect(job.spec.template.spec.containers[0].env).toContainEqual({ name: 'FOO', value: 'bar' });
  });
});

describe('constructSite', () => {
  test('is the path and class the construct gets, under a chart and under the app', () => {
    // GIVEN
    const c = chart();
    const app = Testing.app();
    // WHEN / THEN
    expect(constructSite(c, 'a/b', 'X')).toEqual({ path: new Construct(c, 'a/b').node.path, type: 'X' });
    expect(constructSite(app, 'top', 'X')).toEqual({ path: new Construct(app, 'top').node.path, type: 'X' });
    expect(app).toBeInstanceOf(App);
  });
});
