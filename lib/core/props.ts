import { closest, distance } from 'fastest-levenshtein';
import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { constructLabel, ConstructSite, propError } from './errors';
import PROP_NAMES from './prop-names.json';

/**
 * What a prop takes, as scripts/package/prop-names.js reads it from the props interfaces: a
 * string, number or boolean; a value of an enum; a list or a map (by name) of a kind; an instance
 * of a class (told by a method every instance has) and the static methods that make one; an object
 * implementing an interface; a plain object of known props (`types`); or 'any' (not checked).
 */
type Kind = 'string' | 'number' | 'boolean' | 'any'
  | { readonly enum: string; readonly values: Readonly<Record<string, string>> }
  | { readonly array: Kind }
  | { readonly map: Kind }
  | { readonly class: string; readonly package: string; readonly method?: string; readonly factories: readonly string[] }
  | { readonly instance: string; readonly package: string }
  | { readonly object: string };
interface Known { readonly props: readonly string[]; readonly required: readonly string[] }
interface KnownConstruct extends Known { readonly kinds: Readonly<Record<string, Kind>> }
interface KnownType { readonly props: Readonly<Record<string, Kind>>; readonly required: readonly string[] }
interface PropNames { readonly constructs: Readonly<Record<string, KnownConstruct>>; readonly types: Readonly<Record<string, KnownType>> }

const NAMES = PROP_NAMES as unknown as PropNames;
const CONSTRUCTS = NAMES.constructs;

/** Every prop `BatchJob` takes: what a pattern may pass on to it besides its user's props. */
export const PROP_NAMES_OF_BATCH_JOB: readonly string[] = CONSTRUCTS.BatchJob.props;

/**
 * What TypeScript checks and JavaScript does not, at construct time: every required prop is given,
 * every prop given is one the construct has (a typo would be dropped silently), the error naming
 * the closest known prop, and every value is of the prop's kind (`command: 'echo hi'` would be
 * written as a list of characters, `gitOps: 'none'` would crash), the error saying what to write
 * instead, where the library's shape differs from Kubernetes' too. Plain objects of props
 * (`container`, `metadata`, `dns`, a failure policy rule) are checked the same way, key by key.
 * `construct` is the class whose props these are; `alsoKnown` are props the base class takes from
 * a pattern (so a pattern's own spread does not count as a typo). Names and kinds come from the
 * props interfaces (lib/core/prop-names.json, scripts/package/prop-names.js). A pattern whose
 * constructor reads its props before `super()` checks them there, `scope` being the
 * `constructSite()` of the construct it builds.
 */
export function checkPropsOf(scope: IConstruct | ConstructSite, construct: string, props: unknown, alsoKnown: readonly string[] = NO_PROPS): void {
  const known = CONSTRUCTS[construct];
  if (known === undefined || CHECKED.has(props as object)) return;
  if (props === null || typeof props !== 'object') {
    propError(scope, { prop: 'props', value: props, allowed: 'must be an object of props', fix: `Pass the props as the third argument: new ${construct}(scope, id, { ... }).` });
  }
  const object = props as Record<string, unknown>;
  // Props are right nearly always: a predicate says so without building a message or a path; only
  // wrong props take the walk, which throws the first error with its path.
  if (!passesPropsOf(construct, object, alsoKnown)) walkPropsOf(scope, construct, object, alsoKnown);
}

/**
 * True when `props` (an object) pass every check of {@link walkPropsOf}, decided without a message
 * or a path. Exported for the test that holds the two to the same decisions.
 * @internal
 */
export function passesPropsOf(construct: string, props: Record<string, unknown>, alsoKnown: readonly string[] = NO_PROPS): boolean {
  return passes(props, planOf(construct, CONSTRUCTS[construct], alsoKnown));
}

/**
 * Throws the first of `props`' wrong props: an unknown or missing one, then a value of the wrong kind.
 * @internal
 */
export function walkPropsOf(scope: IConstruct | ConstructSite, construct: string, props: Record<string, unknown>, alsoKnown: readonly string[] = NO_PROPS): void {
  const plan = planOf(construct, CONSTRUCTS[construct], alsoKnown);
  checkNames(scope, '', props, plan, alsoKnown);
  for (const [prop, kind] of plan.kinds) {
    const value = props[prop];
    if (value !== undefined) checkKind(scope, prop, value, kind);
  }
}

/** No props besides the construct's own (one array, so that its plan is kept once). */
const NO_PROPS: readonly string[] = [];

/** Props objects a pattern built from props it checked itself (see {@link checkedProps}). */
const CHECKED = new WeakSet<object>();

/**
 * Marks the props a pattern passes on to `BatchJob` as checked: the pattern checked its user's
 * props (with `BatchJob`'s as `alsoKnown`) before it read them, and what it adds is its own, so
 * `BatchJob`'s constructor does not check them a second time.
 */
export function checkedProps<T extends object>(props: T): T {
  CHECKED.add(props);
  return props;
}

/** What checking a construct's props reads, worked out once per construct (and `alsoKnown`). */
interface Plan extends Known {
  /** Every prop name, the construct's and `alsoKnown`'s, for a quick "is it known". */
  readonly names: ReadonlySet<string>;
  /** Each prop and its kind, the construct's props first, in their order. */
  readonly kinds: ReadonlyArray<readonly [string, Kind]>;
}
const PLANS = new Map<string, Map<readonly string[], Plan>>();

function planOf(construct: string, known: KnownConstruct, alsoKnown: readonly string[]): Plan {
  let byAlsoKnown = PLANS.get(construct);
  if (byAlsoKnown === undefined) {
    byAlsoKnown = new Map();
    PLANS.set(construct, byAlsoKnown);
  }
  let plan = byAlsoKnown.get(alsoKnown);
  if (plan === undefined) {
    const all = [...known.props, ...alsoKnown.filter(p => !known.props.includes(p))];
    plan = {
      props: known.props,
      required: known.required,
      names: new Set(all),
      kinds: all.map(prop => [prop, known.kinds[prop] ?? CONSTRUCTS.BatchJob.kinds[prop] ?? 'any'] as const),
    };
    byAlsoKnown.set(alsoKnown, plan);
  }
  return plan;
}

/**
 * Required props given, and no prop the type does not have. A key that is Kubernetes' name for
 * what the library calls otherwise is told first (`containerPort`, not "number is required").
 */
function checkNames(scope: IConstruct | ConstructSite, prefix: string, object: Record<string, unknown>, known: Known & { readonly names?: ReadonlySet<string> }, alsoKnown: readonly string[]): void {
  const isKnown = known.names === undefined ? (key: string) => known.props.includes(key) || alsoKnown.includes(key) : (key: string) => known.names!.has(key);
  const unknown = Object.keys(object).filter(key => !isKnown(key));
  const kubernetes = unknown.map(key => [key, kubernetesName(key, prefix, object[key])] as const).find(([, fix]) => fix !== undefined);
  const notAProp = (key: string, fix: string) => propError(scope, {
    prop: `${prefix}${key}`,
    value: object[key],
    allowed: `is not a prop of ${prefix === '' ? ('node' in scope ? scope.constructor.name : scope.type) : prefix.slice(0, -1)}`,
    fix,
  });
  if (kubernetes !== undefined) notAProp(kubernetes[0], kubernetes[1]!);
  for (const required of known.required) {
    if (object[required] === undefined) {
      propError(scope, { prop: `${prefix}${required}`, value: undefined, allowed: 'is required', fix: `Set ${prefix}${required}.` });
    }
  }
  for (const key of unknown) {
    const nearest = closest(key, [...known.props]);
    const near = distance(key, nearest) <= Math.max(2, Math.floor(key.length / 3));
    notAProp(key, near ? `Did you mean '${prefix}${nearest}'?` : `Remove it; the props are: ${known.props.join(', ')}.`);
  }
}

/** `value` is of `kind` (undefined and null, "use the default", are). */
function checkKind(scope: IConstruct | ConstructSite, prop: string, value: unknown, kind: Kind): void {
  if (value === undefined || value === null || kind === 'any') return;
  const wrong = (allowed: string, fix: string): never =>
    propError(scope, { prop, value, allowed, fix: kubernetesShape(prop, value) ?? fix });
  if (kind === 'string') {
    if (typeof value !== 'string') wrong('must be a string', typeof value === 'number' || typeof value === 'boolean' ? `Write it in quotes: '${value}'.` : `Set ${prop} to a string.`);
  } else if (kind === 'number') {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      wrong('must be a number', typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? `Write it without quotes: ${Number(value)}.` : `Set ${prop} to a number.`);
    }
  } else if (kind === 'boolean') {
    if (typeof value !== 'boolean') wrong('must be true or false', `Write ${prop}: true or ${prop}: false, without quotes.`);
  } else if ('enum' in kind) {
    const entries = Object.entries(kind.values);
    if (!entries.some(([, v]) => v === value)) {
      const near = typeof value === 'string' ? entries.find(([k, v]) => [k, v].some(s => s.toLowerCase() === value.toLowerCase())) : undefined;
      wrong(`must be one of ${entries.map(([k, v]) => `${kind.enum}.${k} ('${v}')`).join(', ')}`,
        near ? `Did you mean ${kind.enum}.${near[0]}?` : `Use one of the ${kind.enum} values.`);
    }
  } else if ('array' in kind) {
    if (!Array.isArray(value)) wrong(`must be a list of ${noun(kind.array)}`, isKind(value, kind.array) ? `Put it in a list: [${source(value)}].` : `Set ${prop} to a list of ${noun(kind.array)}.`);
    (value as unknown[]).forEach((item, i) => checkKind(scope, `${prop}[${i}]`, item, kind.array));
  } else if ('map' in kind) {
    if (!isObject(value)) wrong(`must be an object of ${noun(kind.map)} by name`, `Write it as { NAME: ... }, one entry per name.`);
    for (const [key, item] of Object.entries(value as object)) checkKind(scope, `${prop}.${key}`, item, kind.map);
  } else if ('class' in kind) {
    const method = kind.method;
    if (!isObject(value) || (method !== undefined && typeof (value as Record<string, unknown>)[method] !== 'function')) {
      const factory = typeof value === 'string' ? kind.factories.find(f => f.toLowerCase() === value.toLowerCase()) : undefined;
      wrong(`must be a ${kind.package === '' ? '' : `${kind.package} `}${kind.class}`,
        factory !== undefined ? `Did you mean ${kind.class}.${factory}()?`
          : kind.factories.length > 0 ? `Make one with ${kind.factories.map(f => `${kind.class}.${f}(...)`).join(', ')}.`
            : `Pass a ${kind.class} made by ${kind.package === '' ? 'this library' : kind.package}.`);
    }
  } else if ('instance' in kind) {
    if (!isObject(value)) wrong(`must be a ${kind.package === '' ? '' : `${kind.package} `}${kind.instance}`, `Pass an object that implements ${kind.instance}.`);
  } else {
    const type = NAMES.types[kind.object];
    if (!isObject(value)) {
      wrong(`must be an object of ${kind.object}`, type === undefined ? `Write it as { ... }.` : `Write it as { ${type.props === undefined ? '...' : Object.keys(type.props).slice(0, 3).map(p => `${p}: ...`).join(', ')} }.`);
    }
    if (type === undefined) return;
    const object = value as Record<string, unknown>;
    const plan = typePlanOf(kind.object, type);
    checkNames(scope, `${prop}.`, object, plan, NO_PROPS);
    for (const [key, itemKind] of plan.kinds) {
      const item = object[key];
      if (item !== undefined) checkKind(scope, `${prop}.${key}`, item, itemKind);
    }
  }
}

const TYPE_PLANS = new Map<string, Plan>();

/** True when `value` passes {@link checkKind} for `kind`: a predicate of its own per kind, made once. */
type Test = (value: unknown) => boolean;
const PASS: Test = () => true;
const SIMPLE_TESTS: Readonly<Record<string, Test>> = {
  any: PASS,
  string: value => typeof value === 'string',
  number: value => typeof value === 'number' && Number.isFinite(value),
  boolean: value => typeof value === 'boolean',
};
const TESTS = new WeakMap<object, Test>();

/**
 * True when `object` passes `checkNames` and `checkKind` for every prop of `plan`: no unknown prop,
 * every required prop given, every value of its kind. It decides the same as the checks (a test
 * runs both on every prop's wrong values), but makes no message and no path.
 */
function passes(object: Record<string, unknown>, plan: Plan): boolean {
  // An object that is not a literal (a class instance, whose getters the walk reads) is the walk's to judge.
  if (Object.getPrototypeOf(object) !== Object.prototype) return false;
  let tests = PLAN_TESTS.get(plan);
  if (tests === undefined) {
    tests = new Map(plan.kinds.map(([prop, kind]) => [prop, testOf(kind)]));
    PLAN_TESTS.set(plan, tests);
  }
  // The keys given (a few), not every prop the construct has (thirty and more): unknown ones fail,
  // the others are tested.
  for (const key in object) {
    const test = tests.get(key);
    if (test === undefined) return false;
    const value = object[key];
    if (value !== undefined && value !== null && !test(value)) return false;
  }
  for (let i = 0; i < plan.required.length; i++) {
    if (object[plan.required[i]] === undefined) return false;
  }
  return true;
}
const PLAN_TESTS = new WeakMap<Plan, ReadonlyMap<string, Test>>();

function testOf(kind: Kind): Test {
  if (typeof kind === 'string') return SIMPLE_TESTS[kind];
  let test = TESTS.get(kind);
  if (test === undefined) {
    test = compileTest(kind);
    TESTS.set(kind, test);
  }
  return test;
}

/** The predicate of a compound kind; the kinds inside it are looked up when first needed (types may nest themselves). */
function compileTest(kind: Exclude<Kind, string>): Test {
  const item = (value: unknown, inner: Kind) => value === undefined || value === null || testOf(inner)(value);
  if ('enum' in kind) {
    const values = new Set<unknown>(Object.values(kind.values));
    return value => values.has(value);
  }
  if ('array' in kind) {
    return value => Array.isArray(value) && value.every(v => item(v, kind.array));
  }
  if ('map' in kind) {
    return value => isObject(value) && Object.values(value as object).every(v => item(v, kind.map));
  }
  if ('class' in kind) {
    const method = kind.method;
    return value => isObject(value) && (method === undefined || typeof (value as Record<string, unknown>)[method] === 'function');
  }
  if ('instance' in kind) return isObject;
  return value => {
    if (!isObject(value)) return false;
    const type = NAMES.types[kind.object];
    return type === undefined || passes(value as Record<string, unknown>, typePlanOf(kind.object, type));
  };
}

/** The plan of a plain object type of props (`container`, `dns`, ...), worked out once. */
function typePlanOf(name: string, type: KnownType): Plan {
  let plan = TYPE_PLANS.get(name);
  if (plan === undefined) {
    const kinds = Object.entries(type.props);
    plan = { props: kinds.map(([prop]) => prop), required: type.required, names: new Set(kinds.map(([prop]) => prop)), kinds };
    TYPE_PLANS.set(name, plan);
  }
  return plan;
}

/** A cdk8s-plus Volume factory for Kubernetes' `{ name, emptyDir: {} }` (and configMap, secret, PVC volumes). */
function volumeFactory(volume: Record<string, unknown>): string | undefined {
  const name = source(volume.name ?? 'data');
  const ref = (field: string, key: string) => source((volume[field] as Record<string, unknown> | undefined)?.[key] ?? 'name');
  if ('emptyDir' in volume) return `Use Volume.fromEmptyDir(this, ${name}, ${name}) (Volume from cdk8s-plus), and mount it with volumeMounts: [{ path, volume }].`;
  if ('configMap' in volume) return `Use Volume.fromConfigMap(this, ${name}, ConfigMap.fromConfigMapName(this, 'config-map', ${ref('configMap', 'name')})) (Volume and ConfigMap from cdk8s-plus).`;
  if ('secret' in volume) return `Use Volume.fromSecret(this, ${name}, Secret.fromSecretName(this, 'secret', ${ref('secret', 'secretName')})) (Volume and Secret from cdk8s-plus).`;
  if ('persistentVolumeClaim' in volume) return `Use Volume.fromPersistentVolumeClaim(this, ${name}, PersistentVolumeClaim.fromClaimName(this, 'claim', ${ref('persistentVolumeClaim', 'claimName')})) (Volume and PersistentVolumeClaim from cdk8s-plus).`;
  return undefined;
}

/** `'pods'` -> `ApiResource.PODS`; a resource cdk8s-plus has no constant for -> `ApiResource.custom(...)`. */
function apiResource(resource: string): string {
  const constant = resource.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
  return constant in kplus.ApiResource ? `ApiResource.${constant}` : `ApiResource.custom({ apiGroup: '', resourceType: ${source(resource)} })`;
}

/** Whether `value` is of `kind` at its top level (what a list of it may hold, for a fix to say). */
function isKind(value: unknown, kind: Kind): boolean {
  if (kind === 'any') return true;
  if (typeof kind === 'string') return typeof value === kind;
  if ('enum' in kind) return Object.values(kind.values).includes(value as string);
  if ('array' in kind) return Array.isArray(value);
  if ('class' in kind) return isObject(value) && (kind.method === undefined || typeof (value as Record<string, unknown>)[kind.method] === 'function');
  return isObject(value);
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** How an error names a kind: "strings", "ContainerProps objects", "cdk8s-plus EnvValues". */
function noun(kind: Kind): string {
  if (kind === 'any') return 'values';
  if (typeof kind === 'string') return kind === 'boolean' ? 'booleans' : `${kind}s`;
  if ('enum' in kind) return `${kind.enum} values`;
  if ('array' in kind) return `lists of ${noun(kind.array)}`;
  if ('map' in kind) return `objects of ${noun(kind.map)} by name`;
  if ('class' in kind) return `${kind.package === '' ? '' : `${kind.package} `}${kind.class}s`;
  if ('instance' in kind) return `${kind.instance} objects`;
  return `${kind.object} objects`;
}

/** A value as JavaScript source, for a fix to quote: `['echo', 'hi']`, `{ host: 'q', port: 6379 }`. */
function source(value: unknown): string {
  // A construct where a value goes (a scope passed as a prop) is named, not walked: its tree is circular.
  if (Construct.isConstruct(value)) return `/* ${constructLabel(value)} */`;
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(value)) return `[${value.map(source).join(', ')}]`;
  if (isObject(value)) return `{ ${Object.entries(value as object).map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : `'${k}'`}: ${source(v)}`).join(', ')} }`;
  return String(value);
}

const RESOURCES_BY_KIND = 'The library takes resources by kind: resources: { cpu: { request: Cpu.millis(250), limit: Cpu.units(1) }, memory: { request: Size.mebibytes(256), limit: Size.gibibytes(1) } } (Cpu from cdk8s-plus, Size from cdk8s).';
const PROBE = (name: string) => `Use ${name}: Probe.fromCommand(['cat', '/tmp/ready']), Probe.fromHttpGet('/healthz', { port: 8080 }) or Probe.fromTcpSocket({ port: 8080 }) (Probe from cdk8s-plus).`;
const JSON_PATCH = (field: string, value: unknown) => `The library has no ${field} prop: add it to the pod template with a JSON patch, ApiObject.of(job).addJsonPatch(JsonPatch.add('/spec/template/spec/${field}', ${source(value)})) (ApiObject and JsonPatch from cdk8s).`;
const IN_DNS = (prop: string, value: unknown) => `Use dns: { ${prop}: ${source(value)} }.`;

/**
 * Kubernetes' names for what the library calls otherwise, by key (and, where the key means
 * something else elsewhere, by where it is): an unknown prop of that name is told the library's
 * way, with the user's value, instead of the closest name.
 */
const KUBERNETES_NAMES: Readonly<Record<string, (value: unknown, prefix: string) => string | undefined>> = {
  env: () => "The library takes environment variables by name: envVariables: { NAME: EnvValue.fromValue('value') } (EnvValue from cdk8s-plus).",
  limits: () => RESOURCES_BY_KIND,
  requests: () => RESOURCES_BY_KIND,
  activeDeadlineSeconds: value => `Use activeDeadline: Duration.seconds(${typeof value === 'number' ? value : 'n'}) (Duration from cdk8s).`,
  ttlSecondsAfterFinished: value => `Use ttlAfterFinished: Duration.seconds(${typeof value === 'number' ? value : 'n'}) (Duration from cdk8s).`,
  containerPort: value => `The library calls it number: ports: [{ number: ${source(value)} }] (or portNumber: ${source(value)} for the one port).`,
  mountPath: value => `The library calls it path, and takes the volume itself: volumeMounts: [{ path: ${source(value)}, volume }], volume being a cdk8s-plus Volume of the volumes prop.`,
  mountPropagation: value => `The library calls it propagation: propagation: MountPropagation.${enumMember(value)} (MountPropagation from cdk8s-plus).`,
  livenessProbe: () => PROBE('liveness'),
  readinessProbe: () => PROBE('readiness'),
  startupProbe: () => PROBE('startup'),
  runAsUser: value => `The library calls it user: user: ${source(value)}.`,
  runAsGroup: value => `The library calls it group: group: ${source(value)}.`,
  runAsNonRoot: value => `The library calls it ensureNonRoot: ensureNonRoot: ${source(value)}.`,
  seccompProfile: (value, prefix) => (prefix === 'securityContext.'
    ? `The pod's securityContext takes no seccompProfile: the library gives every container RuntimeDefault; set another per container, container: { securityContext: { seccompProfile: ${source(value)} } }.`
    : undefined),
  serviceAccountName: value => `Use serviceAccount: ServiceAccount.fromServiceAccountName(this, 'service-account', ${source(value)}) (ServiceAccount from cdk8s-plus).`,
  dnsPolicy: value => `Use dns: { policy: DnsPolicy.${enumMember(value)} } (DnsPolicy from cdk8s-plus).`,
  dnsConfig: value => `The library takes the DNS config in dns: dns: ${source(value)}, with policy, hostname and subdomain beside it.`,
  hostname: (value, prefix) => (prefix === '' ? IN_DNS('hostname', value) : undefined),
  subdomain: (value, prefix) => (prefix === '' ? IN_DNS('subdomain', value) : undefined),
  setHostnameAsFQDN: (value, prefix) => (prefix === '' ? IN_DNS('hostnameAsFQDN', value) : undefined),
  template: () => 'The library builds the pod template from its props: container (and sidecars, initContainers, volumes, podMetadata, securityContext, dns, serviceAccount).',
  containers: value => `Give the main container as container: ${Array.isArray(value) && value.length > 0 ? source(value[0]) : '{ image: ... }'}, and any other as sidecars (native sidecars, stopped when it ends) or initContainers.`,
  selector: () => 'The library writes no selector: the API server generates one that selects exactly the Job\'s own pods.',
  manualSelector: () => 'The library writes no selector: the API server generates one that selects exactly the Job\'s own pods.',
  labels: (value, prefix) => (prefix === '' ? `Put them in metadata: { labels: ${source(value)} } (the Job) or podMetadata: { labels: ${source(value)} } (its pods).` : undefined),
  annotations: (value, prefix) => (prefix === '' ? `Put them in metadata: { annotations: ${source(value)} } (the Job) or podMetadata: { annotations: ${source(value)} } (its pods).` : undefined),
  apiGroups: () => 'The library takes the API group from each resource: resources: [ApiResource.PODS, ApiResource.JOBS], or ApiResource.custom({ apiGroup, resourceType }) (ApiResource from cdk8s-plus).',
  ...Object.fromEntries(['tolerations', 'nodeSelector', 'affinity', 'imagePullSecrets', 'priorityClassName', 'topologySpreadConstraints'].map(field => [field, (value: unknown, prefix: string) => (prefix === '' ? JSON_PATCH(field, value) : undefined)])),
};

/** The fix for an unknown key that is Kubernetes' name for a prop, or undefined. */
function kubernetesName(key: string, prefix: string, value: unknown): string | undefined {
  return Object.prototype.hasOwnProperty.call(KUBERNETES_NAMES, key) ? KUBERNETES_NAMES[key](value, prefix) : undefined;
}

/** `'ClusterFirst'` -> `CLUSTER_FIRST`: the member of a cdk8s-plus enum whose value Kubernetes writes. */
function enumMember(value: unknown): string {
  return typeof value === 'string' && value !== '' ? value.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase() : 'X';
}

/**
 * The fix for a wrong kind where the value is Kubernetes' shape (or the obvious one) and the
 * library takes another: what to write instead, with the user's own value. Undefined: the kind's
 * usual fix.
 */
function kubernetesShape(prop: string, value: unknown): string | undefined {
  const name = /([A-Za-z]+)(\[\d+\])?$/.exec(prop.split('.').pop() ?? prop)?.[1] ?? prop;
  const inEnv = /(^|\.)envVariables\.[^.]+$/.test(prop);
  if (inEnv && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) {
    return `Use EnvValue.fromValue(${source(String(value))}) (EnvValue from cdk8s-plus).`;
  }
  switch (name) {
    case 'successPolicy':
    case 'podFailurePolicy':
      return isObject(value) && Array.isArray((value as { rules?: unknown }).rules)
        ? `The library takes the list of rules itself, not Kubernetes' { rules: [...] }: ${name}: ${source((value as { rules: unknown }).rules)}.`
        : undefined;
    case 'command':
    case 'args':
      return typeof value === 'string'
        ? `Write it as a list, one word each: ${source(value.split(/\s+/).filter(w => w !== ''))}, or ['sh', '-c', ${source(value)}] to run it in a shell.`
        : undefined;
    case 'envVariables':
      return Array.isArray(value)
        ? "The library takes environment variables by name, not Kubernetes' list of { name, value }: envVariables: { NAME: EnvValue.fromValue('value') } (EnvValue from cdk8s-plus)."
        : undefined;
    case 'container':
      return typeof value === 'string' ? `Write container: { image: ${source(value)} }.` : undefined;
    case 'items':
      return Array.isArray(value)
        ? `Use ${value.every(v => typeof v === 'string') ? 'WorkItems.fromList' : 'WorkItems.fromRecords'}(${source(value)}).`
        : undefined;
    case 'envFrom':
      return isObject(value) && ('configMapRef' in (value as object) || 'secretRef' in (value as object))
        ? `Use ${'configMapRef' in (value as object)
          ? `Env.fromConfigMap(ConfigMap.fromConfigMapName(this, 'env', ${source((value as { configMapRef?: { name?: unknown } }).configMapRef?.name ?? 'name')})${(value as { prefix?: unknown }).prefix === undefined ? '' : `, ${source((value as { prefix: unknown }).prefix)}`})`
          : `Env.fromSecret(Secret.fromSecretName(this, 'env', ${source((value as { secretRef?: { name?: unknown } }).secretRef?.name ?? 'name')}))`} (Env, ConfigMap and Secret from cdk8s-plus).`
        : undefined;
    case 'volumes':
      return isObject(value) ? volumeFactory(value as Record<string, unknown>) : undefined;
    case 'serviceAccount':
      return typeof value === 'string' ? `Use ServiceAccount.fromServiceAccountName(this, 'service-account', ${source(value)}) (ServiceAccount from cdk8s-plus).` : undefined;
    case 'resources':
      return /^rules\[\d+\]\.resources\[\d+\]$/.test(prop) && typeof value === 'string'
        ? `Use ${apiResource(value)} (ApiResource from cdk8s-plus).`
        : undefined;
    case 'queue':
      return isObject(value) && 'host' in (value as object) ? `Use WorkQueue.fromAddress(${source(value)}).` : undefined;
    case 'cpu':
      return typeof value === 'string' || typeof value === 'number'
        ? 'Write it as cpu: { request: Cpu.millis(250), limit: Cpu.units(1) } (Cpu from cdk8s-plus).'
        : undefined;
    case 'memory':
    case 'ephemeralStorage':
      return typeof value === 'string' || typeof value === 'number'
        ? `Write it as ${name}: { request: Size.mebibytes(256), limit: Size.gibibytes(1) } (Size from cdk8s).`
        : undefined;
    case 'activeDeadline':
    case 'ttlAfterFinished':
      return `Use Duration.seconds(${typeof value === 'number' ? value : 'n'}), Duration.minutes(n) or Duration.hours(n).`;
    default:
      return undefined;
  }
}
