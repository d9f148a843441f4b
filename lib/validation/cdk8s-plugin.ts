import { JobPatternLabels } from '../core/labels';
import { formatFinding, validateManifests, ValidationOptions } from './validate';

// The slice of cdk8s-cli's plugin API (cdk8s-cli/lib/plugins/validation) this plugin uses; the CLI
// is a dev tool, so its types are restated here instead of imported. The CLI loads the plugin with
// Node whatever the app's language, so these three are TypeScript-only (`@jsii ignore`): a Python
// app's cdk8s.yaml names the same plugin package.
/**
 * An object a violation is about, as cdk8s-cli reports it.
 *
 * @jsii ignore cdk8s-cli's plugin contract (Node only)
 */
export interface ViolatingResource {
  /** The object, as `<kind>/<name>`. */
  readonly resourceName: string;
  /** Where in the object the violation is: JSON paths such as `spec.template.spec.restartPolicy`. */
  readonly locations: readonly string[];
  /** The manifest file the object is in. */
  readonly manifestPath: string;
}
/**
 * What cdk8s-cli hands a validation plugin (the part of it this plugin reads).
 *
 * @jsii ignore cdk8s-cli's plugin contract (Node only)
 */
export interface Cdk8sPluginContext {
  /** Paths of the manifest files `cdk8s synth` wrote. */
  readonly manifests: readonly string[];
  /** The objects of one manifest file (every YAML document in it). */
  parseManifest(manifestPath: string): any[];
  /** Prints a message on the CLI's output (the plugin's warnings). */
  readonly logger: { log(message: string): void };
  /** The plugin's report: a violation per error, then `submit` once with the outcome. */
  readonly report: {
    addViolation(violation: { ruleName: string; recommendation: string; fix: string; violatingResources: ViolatingResource[] }): void;
    submit(status: 'success' | 'failure', metadata?: Record<string, string>): void;
  };
}

/**
 * The cdk8s-cli validation plugin: `cdk8s synth` runs it on every manifest it wrote, hand-written
 * objects included. Declare it in cdk8s.yaml:
 *
 * ```yaml
 * validations:
 *   - package: ./node_modules/cdk8s-job-patterns/plugin
 *     version: 0.0.1
 *     class: JobPatternsValidation
 *     properties: { warningsAsErrors: false }
 * ```
 *
 * Errors become violations and make `cdk8s synth` exit non-zero. The CLI runs plugins after the app
 * wrote its files: to write nothing on error, the app's own `ManifestValidation` (on by default
 * with this library's constructs) is what stops synth first. Warnings are printed once: by the app
 * when it uses this library's constructs (its `app.synth()` prints them), else by the plugin.
 *
 * @jsii ignore cdk8s-cli loads it with Node in every app language
 */
export class JobPatternsValidation {
  constructor(private readonly options: ValidationOptions = {}) {}

  /** Validates every manifest `cdk8s synth` wrote; called by cdk8s-cli. */
  public async validate(context: Cdk8sPluginContext): Promise<void> {
    const manifests = context.manifests.map(manifestPath => ({ manifestPath, objects: context.parseManifest(manifestPath) }));
    const appPrintedWarnings = manifests.some(m => m.objects.some(o => o?.metadata?.labels?.[JobPatternLabels.MANAGED_BY] === JobPatternLabels.MANAGED_BY_VALUE));
    let failed = false;
    for (const { manifestPath, objects } of manifests) {
      const report = validateManifests(objects, this.options);
      for (const finding of report.errors) {
        failed = true;
        context.report.addViolation({
          ruleName: finding.ruleId,
          recommendation: finding.message,
          fix: finding.fix,
          violatingResources: [{ resourceName: `${finding.kind}/${finding.name}`, locations: [finding.path], manifestPath }],
        });
      }
      if (appPrintedWarnings) continue;
      for (const finding of report.warnings) {
        context.logger.log(formatFinding(finding));
      }
    }
    context.report.submit(failed ? 'failure' : 'success');
  }
}
