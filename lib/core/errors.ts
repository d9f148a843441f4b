import { Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { MAX_JOB_NAME_LENGTH } from './names';

/**
 * Renders a value the way a user wrote it, so an error can quote it.
 *
 * Durations show their seconds (never `[object Object]`), strings are quoted, a construct is named
 * by its class and path (its tree is circular), arrays and plain objects are JSON.
 */
export function formatValue(value: unknown): string {
  if (value instanceof Duration) {
    return `${value.toSeconds({ integral: false })} seconds`;
  }
  if (typeof value === 'string') {
    return `'${value}'`;
  }
  if (value === undefined) {
    return 'undefined';
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) {
    return String(value);
  }
  // A construct (a scope passed where a prop goes) is named, not walked: its tree is circular.
  if (Construct.isConstruct(value)) {
    return constructLabel(value);
  }
  return JSON.stringify(value, (_key, v: unknown) => (Construct.isConstruct(v) ? constructLabel(v) : v));
}

/** How an error names a construct it quotes: `the Chart construct 'app/chart'`. */
export function constructLabel(construct: IConstruct): string {
  return `the ${construct.constructor.name} construct ${construct.node.path === '' ? '(the app)' : `'${construct.node.path}'`}`;
}

/**
 * What a construct-time error says: where, which prop, what value, what is allowed and the fix.
 */
export interface PropErrorDetails {
  /** The prop as the user wrote it, e.g. `backoffLimit` or `container.securityContext.user`. */
  readonly prop: string;
  /** The value received. */
  readonly value: unknown;
  /** What is allowed, as a sentence fragment: "must be an integer >= 0". */
  readonly allowed: string;
  /** How to fix it, as a full sentence. */
  readonly fix: string;
}

/**
 * The one error type users can cause at construct time. Its message reads
 * `<construct path> (<construct type>): '<prop>' <allowed>, got <value>. <fix>`.
 *
 * TypeScript and JavaScript only: jsii cannot describe a subclass of `Error`, so in Python (and the
 * other jsii languages) the same message arrives as the jsii runtime's error (`jsii.errors.JSIIError`
 * in Python), without `path` and `prop`.
 *
 * @jsii ignore an Error subclass (other languages get the message from their jsii runtime)
 */
export class JobPatternsError extends Error {
  /** The construct path the error is about. */
  public readonly path: string;
  /** The prop the error is about. */
  public readonly prop: string;
  /** What the message was made of, to say it again about another construct. @internal */
  public readonly _details: PropErrorDetails;

  /** @internal */
  constructor(scope: IConstruct | ConstructSite, details: PropErrorDetails) {
    const site = 'node' in scope ? { path: scope.node.path, type: scope.constructor.name } : scope;
    super(`${site.path} (${site.type}): '${details.prop}' ${details.allowed}, got ${formatValue(details.value)}. ${details.fix}`);
    this.name = 'JobPatternsError';
    this.path = site.path;
    this.prop = details.prop;
    this._details = details;
  }
}

/**
 * Runs `build`, which makes a construct of the library's own from the props of `owner` (the
 * template Job of a JobTemplateExpansion): an error it throws about one of those props is thrown
 * about `owner`, the construct the user wrote, not about the inner one.
 */
export function asErrorsOf<T>(owner: IConstruct, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof JobPatternsError) throw new JobPatternsError(owner, e._details);
    throw e;
  }
}

/**
 * A construct about to be built: what an error names when a check must run before `super()`
 * (before a pattern's constructor reads a JavaScript caller's props). Not part of the package's
 * API (index.ts does not export it), but not stripped from the declarations either: `propError`'s
 * declaration names it, and the package's declarations must type-check in a user's app.
 */
export interface ConstructSite {
  /** The path the construct will have. */
  readonly path: string;
  /** Its class name. */
  readonly type: string;
}

/** The site of the construct `new type(scope, id, ...)` is building, before `super()` made it. */
export function constructSite(scope: IConstruct, id: string, type: string): ConstructSite {
  // As constructs names a child: its id with path separators escaped, under the scope's path.
  // The path is worked out only for an error: a scope's path walks up the tree, and this runs for every construct.
  return {
    get path() {
      const own = id.replace(/\//g, '--');
      return scope.node.path === '' ? own : `${scope.node.path}/${own}`;
    },
    type,
  };
}

/** Throws a {@link JobPatternsError}. */
export function propError(scope: IConstruct | ConstructSite, details: PropErrorDetails): never {
  throw new JobPatternsError(scope, details);
}

/** Rejects anything but a whole number >= `min` (undefined passes: it means "use the default"). */
export function checkInteger(scope: IConstruct, prop: string, value: number | undefined, min: number, fix?: string): void {
  if (value === undefined) {
    return;
  }
  if (!Number.isInteger(value) || value < min) {
    propError(scope, {
      prop,
      value,
      allowed: `must be a whole number >= ${min}`,
      fix: fix ?? `Set ${prop} to a whole number of ${min} or more.`,
    });
  }
}

/** Rejects a Duration that is not a whole number of seconds >= `minSeconds`. */
export function checkDuration(scope: IConstruct, prop: string, value: Duration | undefined, minSeconds: number, fix?: string): void {
  if (value === undefined) {
    return;
  }
  if (typeof (value as Partial<Duration> | null)?.toSeconds !== 'function') {
    propError(scope, { prop, value, allowed: 'must be a cdk8s Duration', fix: `Use Duration.seconds(${typeof value === 'number' ? value : 'n'}), Duration.minutes(n) or Duration.hours(n).` });
  }
  const seconds = value.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < minSeconds) {
    propError(scope, {
      prop,
      value,
      allowed: `must be a whole number of seconds >= ${minSeconds}`,
      fix: fix ?? `Use Duration.seconds(n) with n >= ${minSeconds}.`,
    });
  }
}

/**
 * Rejects environment variables a pattern sets itself: `names` the container must not define,
 * `setBy` says who sets them ("is set by X (...)"), `fix` how to do without.
 */
export function rejectReservedEnv(scope: IConstruct, prefix: string, env: Readonly<Record<string, { value?: string; valueFrom?: unknown }>> | undefined, names: readonly string[], setBy: string, fix: string): void {
  for (const name of names) {
    const own = env?.[name];
    if (own !== undefined) {
      propError(scope, { prop: `${prefix}.envVariables.${name}`, value: own.value ?? own.valueFrom, allowed: setBy, fix });
    }
  }
}

const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Rejects a name that cannot be a Service name (a DNS-1035 label); `service` says which Service
 * it names ("the queue's Service").
 */
export function checkServiceName(scope: IConstruct, prop: string, name: string, service: string, fix: string): void {
  if (name.length > MAX_JOB_NAME_LENGTH || !DNS_1035_LABEL.test(name)) {
    propError(scope, {
      prop,
      value: name,
      allowed: `must be a DNS-1035 label of at most ${MAX_JOB_NAME_LENGTH} characters (lower-case letters, digits and '-', starting with a letter and ending with a letter or digit), because it names ${service}`,
      fix,
    });
  }
}
