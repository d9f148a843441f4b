import { IConstruct } from 'constructs';
import { ApiObject } from 'cdk8s';
import { validateManifests, ValidationOptions } from './validate';

/** A synth-time warning: legal but probably not what the user meant. */
export interface Warning {
  /** The construct path the warning is about (the pattern construct, not its `Resource` children). */
  readonly path: string;
  /** The rule that found it, e.g. `job/parallelism-exceeds-completions`. */
  readonly ruleId: string;
  /** What is wrong. */
  readonly message: string;
}

/**
 * Every warning the validation rules find in the app `root` belongs to, for objects below `root`.
 * Warnings never fail synth unless `warningsAsErrors` is set.
 */
export function warningsOf(root: IConstruct, options: ValidationOptions = {}): Warning[] {
  const prefix = root.node.path;
  const objects = root.node.root.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
  return validateManifests(objects, { ...options, warningsAsErrors: false }).warnings
    .filter(w => w.constructPath !== undefined && (prefix === '' || w.constructPath === prefix || w.constructPath.startsWith(`${prefix}/`)))
    .map(w => ({ path: w.constructPath!.replace(/(\/Resource)+$/, ''), ruleId: w.ruleId, message: w.message }));
}
