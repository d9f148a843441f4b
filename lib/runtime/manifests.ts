import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { ArgoCdAnnotations, JobPatternAnnotations, JobPatternLabels } from '../core/labels';

/** A manifest as read from YAML. */
export type Manifest = Record<string, any> & { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> } };

/** A Job the verifier must see converge. */
export interface JobTarget {
  /** The Job's `metadata.name`. */
  readonly name: string;
  /** Its `metadata.namespace`, else the default namespace given to {@link jobTargets}. */
  readonly namespace: string;
  /** The `job-patterns.cdk8s.io/pattern` annotation, when present. */
  readonly pattern?: string;
  /** The template-expansion group (`job-patterns.cdk8s.io/group` label), when present. */
  readonly group?: string;
  /** The work queue's host (`job-patterns.cdk8s.io/queue`: annotation of the workers, label of a filler), when present. */
  readonly queue?: string;
  /**
   * The manifest's `spec.template`. A Job under the target's name whose template lacks a field of
   * it, or has another value, is an earlier run (state `outdated`), never the answer: the verifier
   * waits for the run of this change. Fields the API server or a webhook adds (defaults, Kueue's
   * node selectors and tolerations, injected sidecars) do not count. Absent: any run is this one.
   */
  readonly template?: Readonly<Record<string, unknown>>;
  /** The Argo CD hook annotations (`argocd.argoproj.io/hook`, `.../hook-delete-policy`) of the manifest, when present: a `Skip` hook is never applied. */
  readonly argoCdHook?: { readonly hook: string; readonly deletePolicy?: string };
}

/** Reads every YAML document of the given files and directories (recursively, *.yaml / *.yml, sorted). */
export function loadManifests(paths: readonly string[]): Manifest[] {
  const files = paths.flatMap(p => yamlFiles(p));
  if (files.length === 0) {
    throw new Error(`no YAML files found in ${paths.join(', ')}`);
  }
  return files.flatMap(file => parseAllDocuments(fs.readFileSync(file, 'utf-8')).map(d => {
    // The parser recovers from a syntax error and returns what it could read: a truncated or
    // garbled object must not be applied or verified as if it were the file's.
    const [error] = d.errors;
    if (error) {
      const at = error.linePos ? `:${error.linePos[0].line}:${error.linePos[0].col}` : '';
      throw new Error(`${file}${at}: not valid YAML (${error.code}): ${error.message.split('\n')[0].replace(/:$/, '')}; fix the file, or leave it out of the paths given`);
    }
    return d.toJS();
  }).filter(m => m && typeof m === 'object' && m.kind));
}

function yamlFiles(p: string): string[] {
  const stat = fs.statSync(p);
  if (stat.isFile()) return [p];
  return fs.readdirSync(p).sort().flatMap(entry => {
    const full = path.join(p, entry);
    return fs.statSync(full).isDirectory() ? yamlFiles(full) : /\.ya?ml$/.test(entry) ? [full] : [];
  });
}

/** The Jobs among `manifests`, as verification targets (namespace defaulted). */
export function jobTargets(manifests: readonly Manifest[], defaultNamespace: string): JobTarget[] {
  return manifests.filter(m => m.apiVersion === 'batch/v1' && m.kind === 'Job').map(m => ({
    name: m.metadata.name,
    namespace: m.metadata.namespace ?? defaultNamespace,
    ...(m.metadata.annotations?.[JobPatternAnnotations.PATTERN] ? { pattern: m.metadata.annotations[JobPatternAnnotations.PATTERN] } : {}),
    ...(m.metadata.labels?.[JobPatternLabels.GROUP] ? { group: m.metadata.labels[JobPatternLabels.GROUP] } : {}),
    ...queueOf(m.metadata),
    ...(m.spec?.template && typeof m.spec.template === 'object' ? { template: m.spec.template } : {}),
    ...hookOf(m.metadata.annotations),
  }));
}

/** `{ argoCdHook }` from a manifest's annotations, or nothing. */
function hookOf(annotations: Record<string, string> | undefined): { argoCdHook?: JobTarget['argoCdHook'] } {
  const hook = annotations?.[ArgoCdAnnotations.HOOK];
  if (hook === undefined) return {};
  const deletePolicy = annotations?.[ArgoCdAnnotations.HOOK_DELETE_POLICY];
  return { argoCdHook: { hook, ...(deletePolicy ? { deletePolicy } : {}) } };
}

/** `{ queue }` from a Job's metadata (the workers' annotation or a filler's label), or nothing. */
export function queueOf(metadata: { readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> }): { queue?: string } {
  const queue = metadata.annotations?.[JobPatternAnnotations.QUEUE] ?? metadata.labels?.[JobPatternLabels.QUEUE];
  return queue ? { queue } : {};
}
