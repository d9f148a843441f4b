import { IConstruct } from 'constructs';

const WARNING_METADATA = 'job-patterns:warning';

/** A synth-time warning: legal but probably not what the user meant. */
export interface Warning {
  /** The construct path the warning is about. */
  readonly path: string;
  /** What is wrong and what to do. */
  readonly message: string;
}

/**
 * Records a warning on a construct. Warnings never fail synth on their own; they are printed by
 * {@link printWarnings} and collected by {@link warningsOf}.
 */
export function addWarning(scope: IConstruct, message: string): void {
  scope.node.addMetadata(WARNING_METADATA, message, { stackTrace: false });
}

/** Every warning recorded in the tree below (and including) `root`, in tree order. */
export function warningsOf(root: IConstruct): Warning[] {
  const warnings: Warning[] = [];
  for (const c of root.node.findAll()) {
    for (const entry of c.node.metadata) {
      if (entry.type === WARNING_METADATA) {
        warnings.push({ path: c.node.path, message: entry.data as string });
      }
    }
  }
  return warnings;
}

/** Prints the warnings below `root` to stderr, one line each. Returns how many there were. */
export function printWarnings(root: IConstruct): number {
  const warnings = warningsOf(root);
  for (const w of warnings) {
    process.stderr.write(`warning: ${w.path}: ${w.message}\n`);
  }
  return warnings.length;
}
