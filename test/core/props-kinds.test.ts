// What a JavaScript user gets instead of the type checker for the KIND of each prop: a wrong kind
// (`command: 'echo hi'`, `gitOps: 'none'`, Kubernetes' `successPolicy: { rules }`) is an error at
// construct time naming the construct, the prop, the value and the fix, never a TypeError or
// silent wrong YAML. The kinds are read from the props interfaces (lib/core/prop-names.json).
import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  BatchJob, ControllerPodJob, FixedCompletionJob, JobPatternsError, JobTemplateExpansion, KubernetesVersion, PodFailurePolicyAction, PodToPodJob,
  SingleBatchJob, StaticWorkAssignmentJob, WorkItems, WorkQueue, WorkQueueJob,
} from '../../index';
import { constructSite, formatValue } from '../../lib/core/errors';
import { passesPropsOf, PROP_NAMES_OF_BATCH_JOB, walkPropsOf } from '../../lib/core/props';
import PROP_NAMES from '../../lib/core/prop-names.json';
import { chart, CONTAINER, manifest } from '../util';

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

describe('the predicate that lets right props through without the walk (issue 23, synth speed)', () => {
  /** Values of every kind, right and wrong, for every prop and nested prop. */
  const VALUES: unknown[] = [42, Number.NaN, 'x', '', true, null, [], [42], ['x'], [null], {}, { a: 1 }, { a: 'x' }, { image: 'x' }, { _toKube: () => ({}) }, () => 'x'];
  const walkThrows = (construct: string, props: Record<string, unknown>, alsoKnown?: readonly string[]) => {
    try {
      walkPropsOf(constructSite(chart(), 'subject', construct), construct, props, alsoKnown);
      return false;
    } catch (e) {
      if (e instanceof JobPatternsError) return true;
      throw e;
    }
  };
  const agree = (construct: string, props: Record<string, unknown>, alsoKnown?: readonly string[]) =>
    expect([construct, props, passesPropsOf(construct, props, alsoKnown)]).toEqual([construct, props, !walkThrows(construct, props, alsoKnown)]);

  test('for every prop of every construct and every value, it decides as the walk that throws', () => {
    for (const [construct, known] of Object.entries(CONSTRUCTS)) {
      const base = { container: CONTAINER, completions: 2, items: WorkItems.fromList(['a']), queue: WorkQueue.fromAddress({ host: 'queue', port: 6379, name: 'jobs' }) };
      const own = Object.fromEntries(Object.entries(base).filter(([prop]) => known.props.includes(prop)));
      agree(construct, own);
      agree(construct, { ...own, typo: 1 });
      agree(construct, { ...own, ttlAfterFinished: undefined, completionMode: 'Indexed', container: { ...CONTAINER, command: ['sh'] } }, PROP_NAMES_OF_BATCH_JOB);
      for (const prop of known.props) {
        for (const value of VALUES) agree(construct, { ...own, [prop]: value });
      }
    }
  });

  test('for every nested prop (container, metadata, rules, ...) and every value, it decides as the walk', () => {
    for (const [prop, kind] of Object.entries(CONSTRUCTS.BatchJob.kinds)) {
      const list = typeof kind === 'object' && 'array' in kind;
      const object = list ? (kind as any).array : kind;
      if (typeof object !== 'object' || !('object' in object) || TYPES[object.object] === undefined) continue;
      for (const inner of [...Object.keys(TYPES[object.object].props), 'typo']) {
        for (const value of VALUES) {
          const nested = { ...(prop === 'container' ? CONTAINER : {}), [inner]: value };
          agree('BatchJob', { container: CONTAINER, [prop]: list ? [nested] : nested });
        }
      }
    }
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
      .toThrow("test/pi (SingleBatchJob): 'activeDeadlineSeconds' is not a prop of SingleBatchJob, got 600. Use activeDeadline: Duration.seconds(600) (Duration from cdk8s).");
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

// Every prop whose shape is not Kubernetes' own (issue 23 item 7), walked against the JobSpec, PodSpec
// and Container of the API: Kubernetes' shape is an error that names the prop, the value and the
// library's way with the user's value, never "is required" for the field it renamed, a TypeError or
// the closest name that means something else (`containerPort` is not `hostPort`).
describe("Kubernetes' own shapes, from JavaScript", () => {
  const pi = (props: object) => () => new SingleBatchJob(chart(), 'pi', js({ container: CONTAINER, ...props }));
  const inContainer = (container: object) => pi({ container: { ...CONTAINER, ...container } });
  const CASES: Array<[string, () => unknown, string]> = [
    ['a port is { containerPort }', inContainer({ ports: [{ containerPort: 8080 }] }),
      "test/pi (SingleBatchJob): 'container.ports[0].containerPort' is not a prop of container.ports[0], got 8080. The library calls it number: ports: [{ number: 8080 }] (or portNumber: 8080 for the one port)."],
    ['a mount is { name, mountPath }', inContainer({ volumeMounts: [{ name: 'data', mountPath: '/data' }] }),
      "test/pi (SingleBatchJob): 'container.volumeMounts[0].mountPath' is not a prop of container.volumeMounts[0], got '/data'. The library calls it path, and takes the volume itself: volumeMounts: [{ path: '/data', volume }], volume being a cdk8s-plus Volume of the volumes prop."],
    ['a mount has mountPropagation', inContainer({ volumeMounts: [{ path: '/data', volume: kplus.Volume.fromEmptyDir(chart(), 'v', 'data'), mountPropagation: 'HostToContainer' }] }),
      "test/pi (SingleBatchJob): 'container.volumeMounts[0].mountPropagation' is not a prop of container.volumeMounts[0], got 'HostToContainer'. The library calls it propagation: propagation: MountPropagation.HOST_TO_CONTAINER (MountPropagation from cdk8s-plus)."],
    ['a probe is livenessProbe', inContainer({ livenessProbe: { exec: { command: ['true'] } } }),
      "test/pi (SingleBatchJob): 'container.livenessProbe' is not a prop of container, got {\"exec\":{\"command\":[\"true\"]}}. Use liveness: Probe.fromCommand(['cat', '/tmp/ready']), Probe.fromHttpGet('/healthz', { port: 8080 }) or Probe.fromTcpSocket({ port: 8080 }) (Probe from cdk8s-plus)."],
    ["a container's security context has runAsNonRoot", inContainer({ securityContext: { runAsNonRoot: true } }),
      "test/pi (SingleBatchJob): 'container.securityContext.runAsNonRoot' is not a prop of container.securityContext, got true. The library calls it ensureNonRoot: ensureNonRoot: true."],
    ["the pod's security context has runAsUser", pi({ securityContext: { runAsUser: 1000 } }),
      "test/pi (SingleBatchJob): 'securityContext.runAsUser' is not a prop of securityContext, got 1000. The library calls it user: user: 1000."],
    ["the pod's security context has runAsGroup", pi({ securityContext: { runAsGroup: 1000 } }),
      "test/pi (SingleBatchJob): 'securityContext.runAsGroup' is not a prop of securityContext, got 1000. The library calls it group: group: 1000."],
    ["the pod's security context has a seccompProfile", pi({ securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } } }),
      "test/pi (SingleBatchJob): 'securityContext.seccompProfile' is not a prop of securityContext, got {\"type\":\"Localhost\",\"localhostProfile\":\"p.json\"}. The pod's securityContext takes no seccompProfile: the library gives every container RuntimeDefault; set another per container, container: { securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } } }."],
    ['envFrom is a configMapRef', inContainer({ envFrom: [{ configMapRef: { name: 'settings' }, prefix: 'APP_' }] }),
      "test/pi (SingleBatchJob): 'container.envFrom[0]' must be a cdk8s-plus EnvFrom, got {\"configMapRef\":{\"name\":\"settings\"},\"prefix\":\"APP_\"}. Use Env.fromConfigMap(ConfigMap.fromConfigMapName(this, 'env', 'settings'), 'APP_') (Env, ConfigMap and Secret from cdk8s-plus)."],
    ['envFrom is a secretRef', inContainer({ envFrom: [{ secretRef: { name: 'token' } }] }),
      "test/pi (SingleBatchJob): 'container.envFrom[0]' must be a cdk8s-plus EnvFrom, got {\"secretRef\":{\"name\":\"token\"}}. Use Env.fromSecret(Secret.fromSecretName(this, 'env', 'token')) (Env, ConfigMap and Secret from cdk8s-plus)."],
    ['a volume is { name, emptyDir }', pi({ volumes: [{ name: 'data', emptyDir: {} }] }),
      "test/pi (SingleBatchJob): 'volumes[0]' must be a cdk8s-plus Volume, got {\"name\":\"data\",\"emptyDir\":{}}. Use Volume.fromEmptyDir(this, 'data', 'data') (Volume from cdk8s-plus), and mount it with volumeMounts: [{ path, volume }]."],
    ['a volume is { name, configMap }', pi({ volumes: [{ name: 'items', configMap: { name: 'items' } }] }),
      "test/pi (SingleBatchJob): 'volumes[0]' must be a cdk8s-plus Volume, got {\"name\":\"items\",\"configMap\":{\"name\":\"items\"}}. Use Volume.fromConfigMap(this, 'items', ConfigMap.fromConfigMapName(this, 'config-map', 'items')) (Volume and ConfigMap from cdk8s-plus)."],
    ['a volume is { name, persistentVolumeClaim }', pi({ volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] }),
      "test/pi (SingleBatchJob): 'volumes[0]' must be a cdk8s-plus Volume, got {\"name\":\"data\",\"persistentVolumeClaim\":{\"claimName\":\"data\"}}. Use Volume.fromPersistentVolumeClaim(this, 'data', PersistentVolumeClaim.fromClaimName(this, 'claim', 'data')) (Volume and PersistentVolumeClaim from cdk8s-plus)."],
    ['the service account is serviceAccountName', pi({ serviceAccountName: 'robot' }),
      "test/pi (SingleBatchJob): 'serviceAccountName' is not a prop of SingleBatchJob, got 'robot'. Use serviceAccount: ServiceAccount.fromServiceAccountName(this, 'service-account', 'robot') (ServiceAccount from cdk8s-plus)."],
    ["the service account is its name", pi({ serviceAccount: 'robot' }),
      "test/pi (SingleBatchJob): 'serviceAccount' must be a cdk8s-plus IServiceAccount, got 'robot'. Use ServiceAccount.fromServiceAccountName(this, 'service-account', 'robot') (ServiceAccount from cdk8s-plus)."],
    ['the DNS policy is dnsPolicy', pi({ dnsPolicy: 'ClusterFirstWithHostNet' }),
      "test/pi (SingleBatchJob): 'dnsPolicy' is not a prop of SingleBatchJob, got 'ClusterFirstWithHostNet'. Use dns: { policy: DnsPolicy.CLUSTER_FIRST_WITH_HOST_NET } (DnsPolicy from cdk8s-plus)."],
    ['the DNS config is dnsConfig', pi({ dnsConfig: { nameservers: ['1.1.1.1'] } }),
      "test/pi (SingleBatchJob): 'dnsConfig' is not a prop of SingleBatchJob, got {\"nameservers\":[\"1.1.1.1\"]}. The library takes the DNS config in dns: dns: { nameservers: ['1.1.1.1'] }, with policy, hostname and subdomain beside it."],
    ['the hostname is a prop of the pod', pi({ hostname: 'worker' }),
      "test/pi (SingleBatchJob): 'hostname' is not a prop of SingleBatchJob, got 'worker'. Use dns: { hostname: 'worker' }."],
    ['the pod is a template', pi({ template: { spec: { containers: [] } } }),
      "test/pi (SingleBatchJob): 'template' is not a prop of SingleBatchJob, got {\"spec\":{\"containers\":[]}}. The library builds the pod template from its props: container (and sidecars, initContainers, volumes, podMetadata, securityContext, dns, serviceAccount)."],
    ['the containers are a list', () => new SingleBatchJob(chart(), 'pi', js({ containers: [{ image: 'perl:5.34.0' }] })),
      "test/pi (SingleBatchJob): 'containers' is not a prop of SingleBatchJob, got [{\"image\":\"perl:5.34.0\"}]. Give the main container as container: { image: 'perl:5.34.0' }, and any other as sidecars (native sidecars, stopped when it ends) or initContainers."],
    ['a selector is given', pi({ manualSelector: true }),
      "test/pi (SingleBatchJob): 'manualSelector' is not a prop of SingleBatchJob, got true. The library writes no selector: the API server generates one that selects exactly the Job's own pods."],
    ['labels are a prop of the Job', pi({ labels: { team: 'data' } }),
      "test/pi (SingleBatchJob): 'labels' is not a prop of SingleBatchJob, got {\"team\":\"data\"}. Put them in metadata: { labels: { team: 'data' } } (the Job) or podMetadata: { labels: { team: 'data' } } (its pods)."],
    ['tolerations are given, which the library has no prop for', pi({ tolerations: [{ key: 'gpu', operator: 'Exists' }] }),
      "test/pi (SingleBatchJob): 'tolerations' is not a prop of SingleBatchJob, got [{\"key\":\"gpu\",\"operator\":\"Exists\"}]. The library has no tolerations prop: add it to the pod template with a JSON patch, ApiObject.of(job).addJsonPatch(JsonPatch.add('/spec/template/spec/tolerations', [{ key: 'gpu', operator: 'Exists' }])) (ApiObject and JsonPatch from cdk8s)."],
    ["a Role rule has apiGroups", () => new ControllerPodJob(chart(), 'driver', js({ container: CONTAINER, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] })),
      "test/driver (ControllerPodJob): 'rules[0].apiGroups' is not a prop of rules[0], got [\"\"]. The library takes the API group from each resource: resources: [ApiResource.PODS, ApiResource.JOBS], or ApiResource.custom({ apiGroup, resourceType }) (ApiResource from cdk8s-plus)."],
    ["a Role rule's resources are names", () => new ControllerPodJob(chart(), 'driver', js({ container: CONTAINER, rules: [{ resources: ['pods'], verbs: ['get'] }] })),
      "test/driver (ControllerPodJob): 'rules[0].resources[0]' must be a cdk8s-plus IApiResource, got 'pods'. Use ApiResource.PODS (ApiResource from cdk8s-plus)."],
    ["a Role rule's resource is one cdk8s-plus has no constant for", () => new ControllerPodJob(chart(), 'driver', js({ container: CONTAINER, rules: [{ resources: ['pods/log'], verbs: ['get'] }] })),
      "test/driver (ControllerPodJob): 'rules[0].resources[0]' must be a cdk8s-plus IApiResource, got 'pods/log'. Use ApiResource.custom({ apiGroup: '', resourceType: 'pods/log' }) (ApiResource from cdk8s-plus)."],
    ['the TTL is ttlSecondsAfterFinished', pi({ ttlSecondsAfterFinished: 100 }),
      "test/pi (SingleBatchJob): 'ttlSecondsAfterFinished' is not a prop of SingleBatchJob, got 100. Use ttlAfterFinished: Duration.seconds(100) (Duration from cdk8s)."],
  ];
  test.each(CASES)('fails when %s', (_, build, message) => {
    expect(build).toThrow(JobPatternsError);
    expect(build).toThrow(message);
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

  test("the props whose shape is Kubernetes' own take Kubernetes' values", () => {
    // GIVEN restartPolicy, a pod failure policy and a success policy as Kubernetes writes their values, for 1.37
    const app = Testing.app();
    KubernetesVersion.V1_37.applyTo(app);
    const c = new Chart(app, 'test');
    // WHEN
    new FixedCompletionJob(c, 'even', js({
      completions: 3, completionMode: 'Indexed', restartPolicy: 'Never', podReplacementPolicy: 'Failed', container: CONTAINER,
      podFailurePolicy: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }, { action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }],
      successPolicy: [{ succeededIndexes: '0-1', succeededCount: 1 }],
    }));
    // THEN
    const job = manifest(c, 'Job');
    expect(job.spec.podFailurePolicy.rules).toEqual([{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }, { action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }]);
    expect(job.spec.successPolicy).toEqual({ rules: [{ succeededIndexes: '0-1', succeededCount: 1 }] });
    expect(job.spec.podReplacementPolicy).toBe('Failed');
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
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
