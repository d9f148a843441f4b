import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * The one seam between the construct core and validation. Core knows only this interface;
 * lib/validation fills it in (`ManifestValidation`), and the library's entry point (index.ts)
 * connects the two, so core imports nothing of validation and nothing of cdk8s or of a user's
 * object is replaced at run time.
 *
 * What runs when: every construct of the library calls {@link enableAppValidation} for its app,
 * which adds one cdk8s node validation (`node.addValidation`) to the app's root. cdk8s runs node
 * validations before it renders anything (`app.synth()`, `app.synthYaml()`, `Testing.synth()`,
 * `chart.toJson()`), so an error stops synth before a file is written. Validation renders every
 * object to check it; an object of the library (a `LibraryApiObject`: its Jobs and the objects its
 * patterns create) then takes that manifest ({@link renderedInSynth}) instead of rendering itself
 * a second time to be written.
 */
export interface AppValidator {
  /** Switches validation on for the app `scope` belongs to (idempotent). */
  enable(scope: IConstruct): void;

  /**
   * The manifest the validation of the synth under way rendered for `object`, handed over once
   * (the next render of the object renders afresh); undefined when there is none.
   */
  takeRendered(object: ApiObject): Record<string, any> | undefined;

  /**
   * The manifest the validation under way has rendered for `object`, while it renders every object
   * (before it checks any), without taking it; undefined outside that pass and for an object not
   * rendered yet. An object that names another as it renders (a Service selecting a Job's pods by
   * the Job's name) reads it there instead of rendering that object a second time.
   */
  renderedInPass(object: ApiObject): Record<string, any> | undefined;
}

let connected: AppValidator | undefined;

/** Connects validation to the core: called once by the entry point (index.ts). */
export function connectAppValidator(validator: AppValidator): void {
  connected = validator;
}

/** Switches the connected validation on for the app `scope` belongs to (nothing when none is connected). */
export function enableAppValidation(scope: IConstruct): void {
  connected?.enable(scope);
}

/** The manifest validation rendered for `object` in the synth under way (see {@link AppValidator.takeRendered}). */
export function renderedInSynth(object: ApiObject): Record<string, any> | undefined {
  return connected?.takeRendered(object);
}

/** The manifest validation's render pass under way has rendered for `object` (see {@link AppValidator.renderedInPass}). */
export function renderedInPass(object: ApiObject): Record<string, any> | undefined {
  return connected?.renderedInPass(object);
}
