import { ApiObject, ApiObjectMetadata, Duration, Names } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { JobPattern, PATTERN_CATALOGUE } from '../lib/core/catalogue';
import { BatchJob } from '../lib/core/batch-job';
import { JobOptions } from '../lib/core/job-options';
import { asErrorsOf, propError } from '../lib/core/errors';
import { GitOpsPolicy } from '../lib/core/gitops';
import { JobApiObject } from '../lib/core/job-name';
import { JobIdentity } from '../lib/core/identity';
import { checkPropsOf } from '../lib/core/props';
import { JobPatternLabels } from '../lib/core/labels';
import { isDnsLabel, isLabelValue, MAX_JOB_NAME_LENGTH, toDnsLabel } from '../lib/core/names';
import { WorkItem, WorkItems } from '../lib/core/work-items';

/** The shape of every Job of the expansion (completions 1, parallelism 1). */
const SHAPE = PATTERN_CATALOGUE[JobPattern.TEMPLATE_EXPANSION].fixed;

/** Longest generated `baseName`, so that generated Job names keep room for the item. */
const GENERATED_BASE_NAME_LENGTH = 40;

/** `{{name}}`, with optional blanks inside the braces. Kubernetes' own `$(VAR)` is left alone. */
const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;

/**
 * Properties of a {@link JobTemplateExpansion}.
 */
export interface JobTemplateExpansionProps extends JobOptions {
  /**
   * The work items: one Job each. Each item's parameters replace `{{name}}` placeholders in the
   * command, args and env values of every container (`{{item}}` for `WorkItems.fromList`, the
   * record's field names for `WorkItems.fromRecords`).
   */
  readonly items: WorkItems;

  /**
   * The start of every Job's name (`<baseName>-<item key>`), the value of the group label
   * `job-patterns.cdk8s.io/group` and of `app.kubernetes.io/name`. A DNS-1123 label; keep it
   * short so the item stays readable in the Job names. Replaces `metadata.name`, which must not
   * be set.
   *
   * @default - a name cdk8s generates from the construct path (at most 40 characters)
   */
  readonly baseName?: string;
}

/**
 * Template expansion: one Job per work item (completions 1, parallelism 1 each), all made from
 * one template (the seeds' "Job Template Expansion" pattern).
 *
 * Each item's parameters replace `{{name}}` placeholders in the command, args and env values.
 * Every Job carries the group label `job-patterns.cdk8s.io/group: <baseName>` (list or watch them
 * together with `kubectl get jobs -l job-patterns.cdk8s.io/group=<baseName>`) and the item label
 * `job-patterns.cdk8s.io/item`, on the Job and on its pods.
 *
 * Job names are `<baseName>-<item key>` made a DNS-1123 label (lower-case, other characters
 * become `-`); when that changed or shortened the text, a hash of it is appended, so different
 * items get different names. Two items that would still share a name are rejected. Under
 * `GitOpsPolicy.runOncePerSpec()` (the default) each name is cut to 54 characters and followed by
 * `-<8 hex of that Job's spec>`, so changing the template or an item replaces exactly the Jobs
 * whose spec changed.
 *
 * The Job template (defaults, security context, labels) is built once; each item gets a plain
 * `ApiObject` with the template's spec and its own parameters, so thousands of items stay fast.
 *
 * @example
 * new JobTemplateExpansion(chart, 'process', {
 *   baseName: 'process',
 *   items: WorkItems.fromList(['apple', 'banana', 'cherry']),
 *   container: { image: 'busybox:1.36.1', command: ['sh', '-c', 'echo processing {{item}}'] },
 * });
 */
export class JobTemplateExpansion extends Construct {
  /**
   * The Jobs, one per work item, in the order of the items. Their `name` is the item's base name
   * `<baseName>-<item key>`; under `GitOpsPolicy.runOncePerSpec()` the manifest's name adds the
   * hash of that Job's spec (see {@link names}).
   */
  public readonly jobs: ApiObject[];
  /** The work items. */
  public readonly items: WorkItems;
  /** Effective `baseName`. */
  public readonly baseName: string;
  /** The value of the group label `job-patterns.cdk8s.io/group` on every Job and pod (the base name). */
  public readonly group: string;
  /** Always {@link JobPattern.TEMPLATE_EXPANSION}. */
  public readonly pattern = JobPattern.TEMPLATE_EXPANSION;
  /** `completions` of every Job: always 1. */
  public readonly completions: number = SHAPE.completions!;
  /** `parallelism` of every Job: always 1. */
  public readonly parallelism: number = SHAPE.parallelism!;
  /** Effective `restartPolicy` of every Job. */
  public readonly restartPolicy: kplus.RestartPolicy;
  /** Effective `backoffLimit` of every Job (undefined when the default was omitted and none was set). */
  public readonly backoffLimit?: number;
  /** Effective `activeDeadline` of every Job. */
  public readonly activeDeadline?: Duration;
  /** Effective `ttlAfterFinished` of every Job. */
  public readonly ttlAfterFinished?: Duration;
  /** Effective `gitOps` policy of every Job (under `runOncePerSpec()`, each Job's hash is of its own spec). */
  public readonly gitOps: GitOpsPolicy;
  /** Labels every Job and pod carries (the group label included, the item label not). */
  public readonly labels: Record<string, string>;

  constructor(scope: Construct, id: string, props: JobTemplateExpansionProps) {
    super(scope, id);
    checkPropsOf(this, 'JobTemplateExpansion', props);
    props.items._check(this, 'items');
    this.items = props.items;
    if (props.metadata?.name !== undefined) {
      propError(this, {
        prop: 'metadata.name',
        value: props.metadata.name,
        allowed: 'must not be set: every Job is named <baseName>-<item key>',
        fix: 'Set baseName instead.',
      });
    }
    this.baseName = props.baseName ?? Names.toDnsLabel(this, { maxLen: GENERATED_BASE_NAME_LENGTH });
    if (!isDnsLabel(this.baseName)) {
      propError(this, {
        prop: 'baseName',
        value: this.baseName,
        allowed: `must be a DNS-1123 label of at most ${MAX_JOB_NAME_LENGTH} characters (lower-case letters, digits and '-', starting and ending with a letter or digit)`,
        fix: 'Choose a short name made of lower-case letters, digits and dashes.',
      });
    }
    this.group = this.baseName;
    this.gitOps = JobIdentity._gitOpsOf(props);
    this.checkPlaceholders(props);
    const names = this.itemNames();

    // The template is built once, with every default and check of BatchJob, and then removed from
    // the tree: only its rendered spec and metadata are used. Warnings come from the Jobs' manifests.
    const { items: _items, baseName: _baseName, ...jobOptions } = props;
    // Its errors name this construct, the one the user wrote.
    const template = asErrorsOf(this, () => new BatchJob(this, 'Template', {
      ...jobOptions,
      metadata: { ...props.metadata, name: this.baseName },
      gitOps: this.gitOps,
      completions: this.completions,
      parallelism: this.parallelism,
      pattern: this.pattern,
    }));
    this.restartPolicy = template.restartPolicy!; // BatchJob always sets it (its default)
    this.backoffLimit = template.backoffLimit;
    this.activeDeadline = template.activeDeadline;
    this.ttlAfterFinished = template.ttlAfterFinished;
    const groupLabel = { [JobPatternLabels.GROUP]: this.group };
    this.labels = { ...template.labels, ...groupLabel };
    // Rendered as a plain ApiObject: each Job's name comes from itemNames() (and its own spec's
    // hash), so the template's own name is never derived (under runOncePerSpec(), a hash of its spec).
    const rendered = ApiObject.prototype.toJson.call(ApiObject.of(template));
    this.node.tryRemoveChild(template.node.id);

    const metadata: ApiObjectMetadata = rendered.metadata;
    const spec = rendered.spec;
    const pod = spec.template.spec;
    const containers = (pod.containers as any[]).map(compileContainer);
    const initContainers = pod.initContainers ? (pod.initContainers as any[]).map(compileContainer) : undefined;

    this.jobs = this.items.items.map((item, i) => {
      const labels = { ...groupLabel, [JobPatternLabels.ITEM]: itemLabel(item.key) };
      // Each Job's own spec (its item's parameters and labels), hashed when it is rendered.
      const job = new JobApiObject(this, names[i], {
        apiVersion: rendered.apiVersion,
        kind: rendered.kind,
        metadata: { ...metadata, name: names[i], labels: { ...metadata.labels, ...labels } },
        spec: {
          ...spec,
          template: {
            ...spec.template,
            metadata: { ...spec.template.metadata, labels: { ...spec.template.metadata.labels, ...labels } },
            spec: {
              ...pod,
              containers: containers.map(c => c(item.params)),
              ...(initContainers ? { initContainers: initContainers.map(c => c(item.params)) } : {}),
            },
          },
        },
      }, this.gitOps);
      return job;
    });
  }

  /**
   * The Jobs' names as written to the manifests, in the order of the items: `<baseName>-<item key>`,
   * and under `GitOpsPolicy.runOncePerSpec()` `-<8 hex of that Job's spec>` after it. Computed
   * from the specs as they render now.
   */
  public get names(): string[] {
    return this.jobs.map(job => job.toJson().metadata.name);
  }

  /** Rejects a placeholder that some item has no parameter for, naming the prop, the item and the placeholder. */
  private checkPlaceholders(props: JobTemplateExpansionProps): void {
    const uses = new Map<string, { prop: string; text: string }>();
    const scan = (prop: string, text: string | undefined) => {
      for (const match of (text ?? '').matchAll(PLACEHOLDER)) {
        if (!uses.has(match[1])) {
          uses.set(match[1], { prop, text: text! });
        }
      }
    };
    const containers: Array<[string, kplus.ContainerProps]> = [
      ['container', props.container],
      ...(props.initContainers ?? []).map((c, i): [string, kplus.ContainerProps] => [`initContainers[${i}]`, c]),
    ];
    for (const [prefix, container] of containers) {
      (container.command ?? []).forEach((text, i) => scan(`${prefix}.command[${i}]`, text));
      (container.args ?? []).forEach((text, i) => scan(`${prefix}.args[${i}]`, text));
      for (const [name, value] of Object.entries(container.envVariables ?? {})) {
        scan(`${prefix}.envVariables.${name}`, value.value);
      }
    }
    for (const [index, item] of this.items.items.entries()) {
      for (const [param, use] of uses) {
        if (!(param in item.params)) {
          propError(this, {
            prop: use.prop,
            value: use.text,
            allowed: `uses the placeholder {{${param}}}, which work item ${index} ('${item.key}') does not have (its parameters: ${Object.keys(item.params).join(', ')})`,
            fix: `Give every item a '${param}' parameter, or remove {{${param}}}.`,
          });
        }
      }
    }
  }

  /**
   * One base name per item: `<baseName>-<key>` as a DNS-1123 label (at most 54 characters when the
   * spec hash follows); rejects two items that share one.
   */
  private itemNames(): string[] {
    const seen = new Map<string, WorkItem & { index: number }>();
    const maxLength = this.gitOps.hashesName ? GitOpsPolicy.MAX_BASE_NAME_LENGTH : MAX_JOB_NAME_LENGTH;
    return this.items.items.map((item, index) => {
      const name = toDnsLabel(`${this.baseName}-${item.key}`, maxLength);
      const first = seen.get(name);
      if (first !== undefined) {
        propError(this, {
          prop: `items[${index}]`,
          value: item.key,
          allowed: `must give a Job name of its own, but item ${first.index} ('${first.key}') also becomes '${name}'`,
          fix: 'Rename one of the two items.',
        });
      }
      seen.set(name, { ...item, index });
      return name;
    });
  }
}

/** The value of the item label: the key itself when it is a valid label value, else a DNS label made from it. */
function itemLabel(key: string): string {
  return isLabelValue(key) ? key : toDnsLabel(key);
}

type Params = Readonly<Record<string, string>>;

/**
 * Parses the placeholders of a rendered container once; the result renders it for one item's
 * parameters, copying only the strings that change.
 */
function compileContainer(container: any): (params: Params) => any {
  const command = container.command ? (container.command as string[]).map(compileString) : undefined;
  const args = container.args ? (container.args as string[]).map(compileString) : undefined;
  const env = container.env ? (container.env as any[]).map(compileEnvVar) : undefined;
  return params => ({
    ...container,
    ...(command ? { command: command.map(s => s(params)) } : {}),
    ...(args ? { args: args.map(s => s(params)) } : {}),
    ...(env ? { env: env.map(e => e(params)) } : {}),
  });
}

/** An env var whose literal value has placeholders is rendered per item; one read from elsewhere stays as it is. */
function compileEnvVar(envVar: any): (params: Params) => any {
  if (typeof envVar.value !== 'string') {
    return () => envVar;
  }
  const value = compileString(envVar.value);
  return params => ({ ...envVar, value: value(params) });
}

/** Splits `text` at its placeholders once; the result joins it with one item's parameters. */
function compileString(text: string): (params: Params) => string {
  const parts = text.split(PLACEHOLDER);
  if (parts.length === 1) {
    return () => text;
  }
  // split() with a capture group alternates literal text (even indexes) and parameter names (odd).
  return params => parts.map((part, i) => (i % 2 === 0 ? part : params[part])).join('');
}
