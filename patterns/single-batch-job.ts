import { Construct } from 'constructs';
import { JobPattern, PATTERN_CATALOGUE } from '../lib/core/catalogue';
import { BatchJob } from '../lib/core/batch-job';
import { JobOptions } from '../lib/core/job-options';

/**
 * Properties of a {@link SingleBatchJob}.
 */
export interface SingleBatchJobProps extends JobOptions {}

/**
 * A non-parallel Job: one pod runs to completion; a failed pod is replaced until `backoffLimit`.
 *
 * Renders `completions: 1` and `parallelism: 1` explicitly, so a reviewer sees the shape.
 *
 * @example
 * new SingleBatchJob(chart, 'pi', {
 *   container: { image: 'perl:5.34.0', command: ['perl', '-Mbignum=bpi', '-wle', 'print bpi(2000)'] },
 * });
 */
export class SingleBatchJob extends BatchJob {
  constructor(scope: Construct, id: string, props: SingleBatchJobProps) {
    super(scope, id, { ...props, ...PATTERN_CATALOGUE[JobPattern.SINGLE_BATCH].fixed, pattern: JobPattern.SINGLE_BATCH });
  }
}
