import * as fs from 'fs';
import * as path from 'path';
import { closest, distance } from 'fastest-levenshtein';
import { IConstruct, IValidation } from 'constructs';
import { JobDefault } from './defaults';
import { propError } from './errors';

/** What a {@link DefaultFlag} is: one row of the table of defaults that changed the YAML. */
interface FlagRow {
  /** The flag's name, as `JobPatternDefaults.pin(app, v, { enable: [...] })` takes it from JavaScript. */
  readonly name: string;
  /** The first release whose defaults include it (`'0.2'`): an app pinned to an older one does not get it. */
  readonly since: string;
  /** What the YAML looks like with the flag on, and why: a sentence. */
  readonly summary: string;
  /** The library default that is left out while the flag is off (as if it were in `omitDefaults`). */
  readonly omits?: JobDefault;
}

/**
 * A default of the library that changed the YAML it writes, after the first release: a named flag,
 * like the AWS CDK's feature flags. A Job's name under `GitOpsPolicy.runOncePerSpec()` is a hash of
 * everything it renders, so a new default gives every Job a new name, and Argo CD runs each once
 * more. An app therefore pins the defaults it was created with ({@link JobPatternDefaults.pin}),
 * and turns on a newer flag deliberately, after `job-patterns plan` showed which Jobs it re-runs.
 *
 * Each flag is one entry of the table below, and nothing else: the pin, the `cdk8s synth` notice,
 * the docs' table and the tests read it. Fixes that change YAML are flags too.
 */
export class DefaultFlag {
  /** Every flag, oldest first (filled by the entries below, in order). */
  private static readonly TABLE: DefaultFlag[] = [];

  /**
   * Since 0.2: `imagePullPolicy` is not written on the library's containers unless set, so
   * Kubernetes' default applies (`IfNotPresent` for a tagged image) instead of cdk8s-plus'
   * `Always`, which made every pod of a large expansion ask the registry again. Off: `Always`.
   */
  public static readonly IMAGE_PULL_POLICY_FROM_KUBERNETES = DefaultFlag.row({
    name: 'imagePullPolicyFromKubernetes',
    since: '0.2',
    summary: "imagePullPolicy is left to Kubernetes (IfNotPresent for a tagged image) instead of cdk8s-plus' Always",
  });

  /**
   * Since 0.2: `terminationMessagePolicy: FallbackToLogsOnError` on every container the library
   * writes, so a failed container's last log lines stay in the pod's status (see
   * `JobDefault.TERMINATION_MESSAGE_POLICY`). Off: no `terminationMessagePolicy`.
   */
  public static readonly TERMINATION_MESSAGE_FALLBACK_TO_LOGS = DefaultFlag.row({
    name: 'terminationMessageFallbackToLogs',
    since: '0.2',
    summary: "terminationMessagePolicy: FallbackToLogsOnError on every container: a failed container's log tail stays in the pod's status",
    omits: JobDefault.TERMINATION_MESSAGE_POLICY,
  });

  /**
   * Since 0.3: a writable `emptyDir` at `/tmp` in every container the library writes (see
   * `JobDefault.TMP_VOLUME`), so a Job that writes a temporary file runs under the read-only root
   * file system. Off: no `/tmp` volume.
   */
  public static readonly TMP_VOLUME = DefaultFlag.row({
    name: 'tmpVolume',
    since: '0.3',
    summary: 'a writable emptyDir (job-patterns-tmp, 1Gi, on disk) at /tmp in every container: temporary files work under the read-only root file system',
    omits: JobDefault.TMP_VOLUME,
  });

  /**
   * Since 0.3, a fix: the Redis server of `WorkQueue.redis()` runs with `--protected-mode no`.
   * Started with its own command line and no configuration file, Redis is in protected mode and
   * answers every client from another pod `-DENIED` (seen on a real node: the filler waited
   * forever, and the workers for the filler). Reachable only through its Service, inside the
   * namespace. Off: the command as before, and the queue does not work.
   */
  public static readonly REDIS_ACCEPTS_PODS = DefaultFlag.row({
    name: 'redisAcceptsPods',
    since: '0.3',
    summary: "the work queue's Redis runs with --protected-mode no, so the filler and the workers (other pods) may use it",
  });

  /** Every flag, oldest first. */
  public static all(): DefaultFlag[] {
    return [...DefaultFlag.TABLE];
  }

  private static row(row: FlagRow): DefaultFlag {
    const flag = new DefaultFlag(row);
    DefaultFlag.TABLE.push(flag);
    return flag;
  }

  /** The flag's name (`imagePullPolicyFromKubernetes`): what JavaScript may pass instead of the flag. */
  public readonly name: string;
  /** The first release whose defaults include the flag, as `major.minor` (`'0.2'`). */
  public readonly since: string;
  /** What the flag changes in the YAML, as a sentence. */
  public readonly summary: string;
  /**
   * The library default left out while the flag is off.
   * @internal
   */
  public readonly _omits?: JobDefault;

  private constructor(row: FlagRow) {
    this.name = row.name;
    this.since = row.since;
    this.summary = row.summary;
    this._omits = row.omits;
  }

  /** `DefaultFlag.<KEY>`, the way code names it. */
  public toString(): string {
    return `DefaultFlag.${Object.entries(DefaultFlag).find(([, v]) => v === this)![0]}`;
  }
}

/** Options of {@link JobPatternDefaults.pin}. */
export interface PinOptions {
  /**
   * Flags newer than the pinned version to turn on, one deliberate step at a time. Each changes the
   * YAML of the Jobs it names, so under `runOncePerSpec()` they get new names and run once more:
   * `job-patterns plan` lists them before the merge. A flag the pinned version has anyway changes
   * nothing.
   *
   * @default - none: exactly the defaults of the pinned version
   */
  readonly enable?: DefaultFlag[];
}

/** The construct context key under which a pin is kept (on the app or the chart it was made for). */
const CONTEXT_KEY = 'cdk8s-job-patterns:defaults';
/** The scopes pinned (a second pin of one scope is an error). */
const PINNED = new WeakSet<IConstruct>();
/** A version as the pin takes it: `0.2`, `0.2.1` or `v0.2`. */
const VERSION = /^v?(\d+)\.(\d+)(\.\d+)?$/;

/**
 * The defaults the library applies to the YAML below a scope: those of the version the app pinned
 * (plus the flags it turned on), or, for an app that pins nothing, the newest.
 *
 * Pin them once, in `main.ts`, right after `new App()`, to the version the app's YAML was first
 * synthesized with; upgrading the library then changes no byte of it:
 *
 * ```ts
 * const app = new App();
 * JobPatternDefaults.pin(app, '0.2');
 * ```
 *
 * A newer default is a {@link DefaultFlag}, named in the CHANGELOG; `cdk8s synth` says once (on
 * stderr) which ones a pinned app is not using, and `enable` turns one on.
 */
export class JobPatternDefaults {
  /**
   * Pins the defaults of the YAML below `scope` (the app, or a chart) to those of release
   * `version` (`'0.1'`, `'0.2'`, ...; a patch number is ignored), plus the flags in `enable`. Call
   * it before adding anything to `scope`.
   */
  public static pin(scope: IConstruct, version: string, options: PinOptions = {}): JobPatternDefaults {
    const at = `JobPatternDefaults.pin(${scope.node.path === '' ? 'app' : scope.node.path}, ...)`;
    if (scope.node.children.length > 0) {
      propError(scope, {
        prop: 'JobPatternDefaults.pin',
        value: scope.node.children.map(c => c.node.id),
        allowed: 'must come before any construct is added to the scope it pins (the constructs already there were made with other defaults)',
        fix: `Call ${at} right after creating the ${scope.node.path === '' ? 'app' : 'chart'}.`,
      });
    }
    if (PINNED.has(scope)) {
      propError(scope, { prop: 'JobPatternDefaults.pin', value: version, allowed: `is called a second time for the same scope (pinned to ${JobPatternDefaults.of(scope).version})`, fix: `Keep one ${at} call.` });
    }
    const pinned = parseVersion(scope, version);
    const flags = new Set(DefaultFlag.all().filter(f => compareVersions(minorOf(f.since), pinned) <= 0));
    const enable = (options ?? {}).enable ?? [];
    if (!Array.isArray(enable)) {
      propError(scope, { prop: 'enable', value: enable, allowed: 'of JobPatternDefaults.pin must be an array of DefaultFlag', fix: 'Pass enable: [DefaultFlag.<NAME>, ...].' });
    }
    enable.forEach((flag, i) => flags.add(flagOf(scope, `enable[${i}]`, flag)));
    const defaults = new JobPatternDefaults(`${pinned[0]}.${pinned[1]}`, flags);
    scope.node.setContext(CONTEXT_KEY, defaults);
    PINNED.add(scope);
    scope.node.addValidation(new PinNotice(scope, defaults));
    return defaults;
  }

  /** The defaults in force below `scope`: the nearest pin of it or a parent, else the newest. */
  public static of(scope: IConstruct): JobPatternDefaults {
    const found = scope.node.tryGetContext(CONTEXT_KEY);
    return found instanceof JobPatternDefaults ? found : JobPatternDefaults.NEWEST;
  }

  /** The defaults of an app that pins nothing: every flag on. */
  private static readonly NEWEST = new JobPatternDefaults(undefined, new Set(DefaultFlag.all()));

  /** The pinned version (`'0.2'`), or undefined for an app that pins nothing (the newest defaults apply). */
  public readonly version?: string;
  private readonly on: ReadonlySet<DefaultFlag>;

  private constructor(version: string | undefined, on: ReadonlySet<DefaultFlag>) {
    this.version = version;
    this.on = on;
  }

  /** The flags that are on, oldest first. */
  public get flags(): DefaultFlag[] {
    return DefaultFlag.all().filter(f => this.on.has(f));
  }

  /** The newer flags that are off: what an upgrade of the pin (or `enable`) would change. */
  public get notUsing(): DefaultFlag[] {
    return DefaultFlag.all().filter(f => !this.on.has(f));
  }

  /** True when `flag` is on. */
  public has(flag: DefaultFlag): boolean {
    return this.on.has(flag);
  }

  /**
   * The library defaults left out below the scope: those of `omitDefaults`, and those whose flag is off.
   * @internal
   */
  public _omitted(omitDefaults: readonly JobDefault[] | undefined): ReadonlySet<JobDefault> {
    const omitted = new Set(omitDefaults ?? []);
    for (const flag of this.notUsing) {
      if (flag._omits !== undefined) omitted.add(flag._omits);
    }
    return omitted;
  }
}

/**
 * Says once, when the app is synthesized (on stderr, beside the validation warnings), which newer
 * defaults a pinned scope is not using and how to turn one on. Nothing for a scope that uses them all.
 */
class PinNotice implements IValidation {
  private said = false;

  constructor(private readonly scope: IConstruct, private readonly defaults: JobPatternDefaults) {}

  public validate(): string[] {
    const off = this.defaults.notUsing;
    if (!this.said && off.length > 0) {
      this.said = true;
      const where = this.scope.node.path === '' ? 'app' : this.scope.node.path;
      process.stderr.write([
        `cdk8s-job-patterns: defaults pinned to ${this.defaults.version} (${where}); not using ${off.length} newer default(s):`,
        ...off.map(f => `  ${f.name} (${f.since}): ${f.summary}`),
        `  Turn one on with JobPatternDefaults.pin(${where}, '${this.defaults.version}', { enable: [${off[0]}] }); \`job-patterns plan\` lists the Jobs it runs again.`,
      ].join('\n') + '\n');
    }
    return [];
  }
}

/** The flag `value` names (a DefaultFlag, or from JavaScript its name); an error naming the closest otherwise. */
function flagOf(scope: IConstruct, prop: string, value: unknown): DefaultFlag {
  const flags = DefaultFlag.all();
  const found = flags.find(f => f === value || f.name === value);
  if (found) return found;
  const nearest = typeof value === 'string' ? flags.find(f => f.name === closest(value, flags.map(g => g.name))) : undefined;
  const near = nearest !== undefined && distance(value as string, nearest.name) <= Math.max(2, Math.floor((value as string).length / 3));
  return propError(scope, {
    prop,
    value,
    allowed: 'of JobPatternDefaults.pin is not a default flag of cdk8s-job-patterns',
    fix: near
      ? `Did you mean ${nearest} ('${nearest.name}')?`
      : `Use one of ${flags.map(f => `${f} ('${f.name}')`).join(', ')}.`,
  });
}

/** `[major, minor]` of a `major.minor` string known to be well formed. */
function minorOf(version: string): [number, number] {
  const match = VERSION.exec(version)!;
  return [Number(match[1]), Number(match[2])];
}

function compareVersions(a: readonly [number, number], b: readonly [number, number]): number {
  return a[0] !== b[0] ? a[0] - b[0] : a[1] - b[1];
}

/** The pin's version: a release from 0.1 to the installed one; an error naming the range otherwise. */
function parseVersion(scope: IConstruct, version: unknown): [number, number] {
  const installed = minorOf(installedVersion());
  const match = typeof version === 'string' ? VERSION.exec(version.trim()) : null;
  const parsed: [number, number] | undefined = match ? [Number(match[1]), Number(match[2])] : undefined;
  if (parsed === undefined || compareVersions(parsed, [0, 1]) < 0 || compareVersions(parsed, installed) > 0) {
    propError(scope, {
      prop: 'version',
      value: version,
      allowed: `of JobPatternDefaults.pin must be a release of cdk8s-job-patterns from '0.1' to the installed '${installed.join('.')}'`,
      fix: 'Pin the version the app\'s YAML was first synthesized with (package.json\'s cdk8s-job-patterns when it was created), as \'major.minor\'; a newer default is turned on with enable.',
    });
  }
  return parsed;
}

let installed: string | undefined;

/** The version of this copy of the library: its package.json (two levels up in the sources, three in dist-lib). */
function installedVersion(): string {
  if (installed === undefined) {
    for (let dir = __dirname, i = 0; i < 4; dir = path.dirname(dir), i++) {
      const file = path.join(dir, 'package.json');
      if (!fs.existsSync(file)) continue;
      const json = JSON.parse(fs.readFileSync(file, 'utf-8'));
      if (json.name === 'cdk8s-job-patterns') {
        installed = String(json.version);
        break;
      }
    }
    if (installed === undefined) throw new Error(`cdk8s-job-patterns: its package.json was not found above ${__dirname}`);
  }
  return installed;
}
