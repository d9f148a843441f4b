import { ApiObject } from 'cdk8s';
import { IConstruct, IValidation } from 'constructs';
import { AppValidator } from '../core/app-validation';
import { LibraryApiObject } from '../core/library-api-object';
import { closest } from 'fastest-levenshtein';
import { parseAllDocuments } from 'yaml';
import { checkManifestSet, checkRules, RULES, Severity, SetRuleHit } from './rules';
import { KubernetesVersion } from '../core/kubernetes-version';
import { checkSchema, isKnownKind } from './schema';

/** One problem found in one object. */
export interface Finding {
  /** Stable rule id, e.g. `job/restart-policy`. */
  readonly ruleId: string;
  /** `error` or `warning`. */
  readonly severity: Severity;
  /** Kind of the object. */
  readonly kind: string;
  /** Name of the object (empty when it has none). */
  readonly name: string;
  /** Namespace of the object, when set. */
  readonly namespace?: string;
  /** Construct path of the object, when it came from a cdk8s app. */
  readonly constructPath?: string;
  /** JSON path in the object. */
  readonly path: string;
  /** What is wrong. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
}

/** The result of validating a set of manifests. */
export interface ValidationReport {
  /** Every finding, errors and warnings, in object order. */
  readonly findings: Finding[];
  /** The findings that fail synth (warnings too when `warningsAsErrors`). */
  readonly errors: Finding[];
  /** The findings that do not fail synth. */
  readonly warnings: Finding[];
  /** True when there are no errors. */
  readonly ok: boolean;
}

/** Options of validation. */
export interface ValidationOptions {
  /**
   * Treat warnings as errors. Also switched on by the environment variable
   * `JOB_PATTERNS_WARNINGS_AS_ERRORS=true`.
   *
   * @default false
   */
  readonly warningsAsErrors?: boolean;

  /**
   * The Kubernetes version the manifests are for (`'1.28'` to `'1.37'`): its API schema, and which
   * fields it lacks or drops. An app or chart's own version (`KubernetesVersion.applyTo`) wins.
   *
   * @default - `KubernetesVersion.DEFAULT` (1.28)
   */
  readonly kubernetesVersion?: string;

  /**
   * Rule ids to skip, e.g. `['gitops/ttl-on-tracked-job']`; `pss/*` skips every rule whose id
   * starts with `pss/`. An entry that names no rule is an error naming the closest id (it would
   * skip nothing).
   *
   * @default - none
   */
  readonly skipRules?: string[];
}

type Manifest = Record<string, any>;
/** An object to validate; `constructPath` is read only for a finding (a construct's path is worked out from its scopes). */
interface Entry { readonly manifest: Manifest; readonly constructPath?: string | (() => string); readonly minor?: number }

function pathOf(entry: Entry): string | undefined {
  return typeof entry.constructPath === 'function' ? entry.constructPath() : entry.constructPath;
}

/**
 * Validates manifests against the Kubernetes schema of their version (unknown fields rejected) and the
 * library's rules. Takes YAML text (one or more documents), plain objects, or cdk8s ApiObjects
 * (whose construct paths then appear in the report).
 */
export function validateManifests(input: string | ReadonlyArray<Record<string, any> | ApiObject>, options: ValidationOptions = {}): ValidationReport {
  const entries: Entry[] = typeof input === 'string'
    ? parseAllDocuments(input).map(d => d.toJS()).filter(m => m !== null && m !== undefined).map(manifest => ({ manifest }))
    : input.map(o => o instanceof ApiObject ? entryOf(o, o.toJson(), options) : { manifest: o });
  return validateEntries(entries, options);
}

/** An object of an app: its manifest, its construct path, and the Kubernetes version of its app or chart. */
function entryOf(object: ApiObject, manifest: Manifest, options: ValidationOptions): Entry {
  return { manifest, constructPath: () => object.node.path, minor: KubernetesVersion.targetOf(object, versionOf(options)).minor };
}

/** The version of `options`, or the library's default. */
function versionOf(options: ValidationOptions): KubernetesVersion {
  return options.kubernetesVersion === undefined ? KubernetesVersion.DEFAULT : KubernetesVersion.of(options.kubernetesVersion);
}

/** Rule ids an earlier version had, and the id that took over (a `skipRules` entry with the old one would skip nothing). */
const RENAMED_RULES: Readonly<Record<string, string>> = {
  'job/alpha-field': RULES.VERSION.id,
};

/**
 * Throws for a `skipRules` entry that names no rule (a typo, or an id an earlier version had):
 * such an entry would skip nothing, silently. `prefix/*` must match at least one rule.
 */
function checkSkipRules(skipRules: readonly string[]): void {
  if (skipRules.length === 0) return;
  const ids = Object.values(RULES).map(r => r.id);
  const prefixes = [...new Set(ids.map(id => `${id.slice(0, id.indexOf('/'))}/*`))];
  for (const entry of skipRules) {
    const known = entry.endsWith('/*') ? ids.some(id => id.startsWith(entry.slice(0, -1))) : ids.includes(entry);
    if (known) continue;
    const renamed = typeof entry === 'string' ? RENAMED_RULES[entry] : undefined;
    const nearest = renamed ?? closest(String(entry), [...ids, ...prefixes]);
    throw new Error(`cdk8s-job-patterns: skipRules: '${entry}' ${entry.endsWith('/*') ? 'matches no rule id' : 'is not a rule id'}${renamed ? ` (the rule is now '${renamed}')` : `; the closest is '${nearest}'`}, `
      + `so it would skip nothing. Fix: write '${nearest}' instead (docs/validation.md lists every rule id; 'prefix/*' skips every rule of a prefix).`);
  }
}

function validateEntries(entries: readonly Entry[], options: ValidationOptions): ValidationReport {
  const skipRules = options.skipRules ?? [];
  checkSkipRules(skipRules);
  const skipped = (ruleId: string) => skipRules.some(r => r === ruleId || (r.endsWith('/*') && ruleId.startsWith(r.slice(0, -1))));
  const strict = options.warningsAsErrors ?? process.env.JOB_PATTERNS_WARNINGS_AS_ERRORS === 'true';

  // Rules that read the whole set (a Job and its queue) report on one object each, in object order.
  const setHits = new Map<number, SetRuleHit[]>();
  for (const hit of [...checkManifestSet(entries.map(e => e.manifest)), ...duplicateObjects(entries)]) {
    setHits.set(hit.index, [...setHits.get(hit.index) ?? [], hit]);
  }

  const findings: Finding[] = [];
  const defaultMinor = versionOf(options).minor;
  for (const [index, entry] of entries.entries()) {
    const { manifest, minor = defaultMinor } = entry;
    const add = (ruleId: string, severity: Severity, path: string, message: string, fix: string) => {
      if (skipped(ruleId)) return;
      const constructPath = pathOf(entry);
      findings.push({
        ruleId,
        severity,
        kind: String(manifest.kind ?? ''),
        name: String(manifest.metadata?.name ?? ''),
        ...(manifest.metadata?.namespace ? { namespace: manifest.metadata.namespace } : {}),
        ...(constructPath ? { constructPath } : {}),
        path,
        message,
        fix,
      });
    };
    if (!isKnownKind(manifest.apiVersion, manifest.kind, minor)) {
      add(RULES.UNKNOWN_KIND.id, RULES.UNKNOWN_KIND.severity, 'kind', `${manifest.apiVersion}/${manifest.kind} is not in the Kubernetes 1.${minor} schema; not checked`, RULES.UNKNOWN_KIND.fix);
    }
    const hits = [...checkRules(manifest, minor), ...setHits.get(index) ?? []];
    // A field newer than the target version: its rule says from which version it exists.
    const explained = new Set(hits.filter(h => h.rule.id === RULES.VERSION.id).map(h => h.path));
    for (const problem of checkSchema(manifest, minor)) {
      if (!explained.has(problem.path)) add(RULES.SCHEMA.id, RULES.SCHEMA.severity, problem.path, problem.message, RULES.SCHEMA.fix);
    }
    for (const hit of hits) {
      add(hit.rule.id, hit.severity ?? hit.rule.severity, hit.path, hit.message, hit.rule.fix);
    }
  }
  const errors = findings.filter(f => strict || f.severity === Severity.ERROR);
  return { findings, errors, warnings: findings.filter(f => !errors.includes(f)), ok: errors.length === 0 };
}

/**
 * Two objects of one group, kind, namespace and name: applied together, the second overwrites the
 * first. Objects that name no namespace go to the same one. Reported on each later object, naming
 * the first by its construct path when it has one.
 */
function duplicateObjects(entries: readonly Entry[]): SetRuleHit[] {
  const first = new Map<string, number>();
  const hits: SetRuleHit[] = [];
  for (const [index, { manifest }] of entries.entries()) {
    const name = manifest.metadata?.name;
    if (typeof name !== 'string') continue;
    const group = String(manifest.apiVersion ?? '').includes('/') ? String(manifest.apiVersion).split('/')[0] : '';
    const key = `${group}\0${manifest.kind}\0${manifest.metadata?.namespace ?? ''}\0${name}`;
    const earlier = first.get(key);
    if (earlier === undefined) {
      first.set(key, index);
      continue;
    }
    const other = pathOf(entries[earlier]);
    hits.push({
      index,
      rule: RULES.DUPLICATE_OBJECT,
      path: 'metadata.name',
      message: `${manifest.kind} '${name}' is also written by ${other ? `the construct ${other}` : `object ${earlier + 1} of the set`}: applied together, one overwrites the other`,
    });
  }
  return hits;
}

/** One line a person can act on: `error job/restart-policy Job/unlucky (app/unlucky) at spec...: message. Fix: ...` */
export function formatFinding(f: Finding): string {
  const where = `${f.kind}/${f.namespace ? `${f.namespace}/` : ''}${f.name}${f.constructPath ? ` (${f.constructPath})` : ''}`;
  return `${f.severity} ${f.ruleId} ${where}${f.path ? ` at ${f.path}` : ''}: ${f.message}. Fix: ${f.fix}`;
}

/**
 * One error as a block a person can act on: the rule, then the object, its construct path, the
 * field, what is wrong and the fix, each on a line of its own.
 */
export function formatFindingBlock(f: Finding): string {
  return [
    `${f.severity} ${f.ruleId}`,
    `  object:    ${f.kind}/${f.namespace ? `${f.namespace}/` : ''}${f.name}`,
    ...(f.constructPath ? [`  construct: ${f.constructPath}`] : []),
    ...(f.path ? [`  field:     ${f.path}`] : []),
    `  problem:   ${f.message}`,
    `  fix:       ${f.fix}`,
  ].join('\n');
}

/**
 * How many errors a report has, saying how many of them are warnings that `warningsAsErrors`
 * turned into errors (their blocks are titled `warning`): `2 error(s) (1 warning(s) treated as errors)`.
 */
function errorCount(report: ValidationReport): string {
  const promoted = report.errors.filter(f => f.severity === Severity.WARNING).length;
  return `${report.errors.length} error(s)${promoted > 0 ? ` (${promoted} warning(s) treated as errors)` : ''}`;
}

/** The report as text: each error a block, each warning a line, and a closing count. */
export function formatReport(report: ValidationReport): string {
  return [
    ...report.errors.map(formatFindingBlock),
    ...report.warnings.map(formatFinding),
    `${errorCount(report)}, ${report.warnings.length} warning(s)`,
  ].join('\n');
}

const INSTANCE = Symbol.for('cdk8s-job-patterns.ManifestValidation');

/** What the validation of one synth computed, kept until that synth ends. */
interface SynthMemo {
  readonly report: ValidationReport;
  /** Objects of the library (its Jobs, the objects its patterns create) whose manifest validation rendered and that have not rendered since. */
  readonly pending: Set<ApiObject>;
}

/** The manifests validation rendered, handed over once to the Job that renders next (see `takeRendered`). */
const rendered = new Map<ApiObject, { readonly manifest: Manifest; readonly memo: SynthMemo }>();
/** While validation renders every object: what it rendered so far of the library's objects (see `renderedInPass`). */
const inPass = new Map<ApiObject, Manifest>();

/**
 * Validation of every ApiObject of an app, hand-written ones included: a cdk8s node validation
 * (`node.addValidation`, on the app's root), which cdk8s runs before it renders anything, so an
 * error stops `app.synth()` before a file is written (and `Testing.synth()`, `chart.toJson()`,
 * `app.synthYaml()` before they return).
 *
 * Every construct of this library switches it on for its app (through the core's one seam,
 * lib/core/app-validation.ts, which index.ts connects to it); call {@link ManifestValidation.enable}
 * yourself for an app that has none, or to pass options.
 *
 * Once per synth: cdk8s runs node validations once before `app.synth()` renders and again before
 * each chart. The first run renders every object, validates, prints the warnings and hands each
 * of the library's objects (its Jobs and the objects its patterns create) the manifest it
 * rendered, which the object writes instead of rendering again; the later runs of the same synth
 * reuse the report while an object still holds its manifest (until the synth's synchronous run
 * ends). Nothing of cdk8s or of an object is replaced: a hand-written object is rendered twice,
 * once validated and once written.
 */
export class ManifestValidation implements IValidation {
  /** Switches validation on for the app `scope` belongs to (idempotent) and merges `options`. */
  public static enable(scope: IConstruct, options: ValidationOptions = {}): ManifestValidation {
    const root = scope.node.root as IConstruct & { [INSTANCE]?: ManifestValidation };
    let validation = root[INSTANCE];
    if (!validation) {
      validation = new ManifestValidation(root);
      root[INSTANCE] = validation;
      root.node.addValidation(validation);
    }
    // An unknown id fails here, on the line that passed it, not later in synth.
    checkSkipRules(options.skipRules ?? []);
    validation.options = {
      warningsAsErrors: options.warningsAsErrors ?? validation.options.warningsAsErrors,
      skipRules: [...(validation.options.skipRules ?? []), ...(options.skipRules ?? [])],
      kubernetesVersion: options.kubernetesVersion ?? validation.options.kubernetesVersion,
    };
    return validation;
  }

  /** The report of the last validation (undefined before synth). */
  public lastReport?: ValidationReport;
  private options: ValidationOptions = {};
  private memo?: SynthMemo;
  private readonly printed = new Set<string>();

  private constructor(private readonly root: IConstruct) {}

  /**
   * Validates every ApiObject below the root, once per synth; cdk8s calls it (`IValidation`) before
   * it renders. Prints the warnings; throws the errors, each a block naming its object, its
   * construct path, the field and the fix (cdk8s would print returned strings after the path of
   * the construct holding this validation, the app's: an empty `[]`).
   */
  public validate(): string[] {
    let report = this.memo !== undefined && this.memo.pending.size > 0 ? this.memo.report : undefined;
    if (!report) {
      this.forget();
      report = this.validateAndHandOver();
      this.printWarnings(report);
    }
    this.lastReport = report;
    if (!report.ok) {
      this.forget();
      throw new Error(`cdk8s-job-patterns: ${errorCount(report)} in the manifests; nothing was written.\n\n${report.errors.map(formatFindingBlock).join('\n\n')}\n`);
    }
    return [];
  }

  /** Validates every ApiObject below the root now and returns the report. */
  public report(): ValidationReport {
    return validateManifests(this.apiObjects(), this.options);
  }

  private apiObjects(): ApiObject[] {
    return this.root.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
  }

  /** Renders and validates every object, and hands each object of the library the manifest it rendered. */
  private validateAndHandOver(): ValidationReport {
    const objects = this.apiObjects();
    const manifests: Manifest[] = [];
    try {
      for (const object of objects) {
        const manifest = object.toJson();
        manifests.push(manifest);
        // An object rendered later may name this one (see AppValidator.renderedInPass).
        if (LibraryApiObject.prototype.isPrototypeOf(object)) inPass.set(object, manifest);
      }
    } finally {
      inPass.clear();
    }
    const report = validateEntries(manifests.map((manifest, i) => entryOf(objects[i], manifest, this.options)), this.options);
    const memo: SynthMemo = { report, pending: new Set() };
    objects.forEach((object, i) => {
      // Not `instanceof`: cdk8s' ApiObject answers it for every ApiObject (Symbol.hasInstance).
      if (LibraryApiObject.prototype.isPrototypeOf(object)) {
        memo.pending.add(object);
        rendered.set(object, { manifest: manifests[i], memo });
      }
    });
    this.memo = memo;
    // The synth is one synchronous run: what it did not take is forgotten when it ends.
    queueMicrotask(() => {
      if (this.memo === memo) this.forget();
    });
    return report;
  }

  /**
   * Prints each warning once per synchronous run: a synth whose later charts hold no Job of the
   * library validates again before them, and must not print the same warnings again.
   */
  private printWarnings(report: ValidationReport): void {
    if (this.printed.size === 0) queueMicrotask(() => this.printed.clear());
    for (const warning of report.warnings) {
      const line = formatFinding(warning);
      if (this.printed.has(line)) continue;
      this.printed.add(line);
      process.stderr.write(`${line}\n`);
    }
  }

  private forget(): void {
    for (const object of this.memo?.pending ?? []) rendered.delete(object);
    this.memo = undefined;
  }
}

/** Validation as the core's seam needs it (lib/core/app-validation.ts); index.ts connects it. */
export const MANIFEST_VALIDATOR: AppValidator = {
  // Once per construct of the library: nothing to merge after the first.
  enable: scope => {
    if ((scope.node.root as { [INSTANCE]?: ManifestValidation })[INSTANCE] === undefined) ManifestValidation.enable(scope);
  },
  takeRendered: object => {
    const entry = rendered.get(object);
    if (entry === undefined) return undefined;
    rendered.delete(object);
    entry.memo.pending.delete(object);
    return entry.manifest;
  },
  renderedInPass: object => inPass.get(object),
};
