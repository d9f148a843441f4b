/**
 * The example app: every pattern, written with the seeds' examples. `npm run synth` (which is
 * `cdk8s synth`, running this file as cdk8s.yaml says) writes the YAML to dist/.
 *
 * Images are pinned (the seeds use bare `perl`, `busybox`, `alpine`, i.e. `latest`).
 */
import { App, Chart, ChartProps, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { FixedCompletionJob, SingleBatchJob } from './index';

const PERL = 'perl:5.34.0';
const BUSYBOX = 'busybox:1.36.1';
const ALPINE = 'alpine:3.20.3';
const PI = ['perl', '-Mbignum=bpi', '-wle', 'print bpi(2000)'];
const UNLUCKY = ['/bin/sh', '-c', 'echo $HOSTNAME failed on $(date) ; exit 1'];

/** The examples of the Kubernetes "Jobs - Run to Completion" page and the book chapter on Jobs. */
export class SeedExamples extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    // job-demo: busybox's sh has no {1..10}; seq gives the ten lines the seed meant.
    new SingleBatchJob(this, 'job-demo', {
      metadata: { name: 'job-demo' },
      container: { name: 'demo', image: BUSYBOX, command: ['/bin/sh', '-c', 'for i in $(seq 1 10); do echo $i; done'] },
    });

    new SingleBatchJob(this, 'pi', {
      metadata: { name: 'pi' },
      backoffLimit: 4,
      container: { name: 'pi', image: PERL, command: PI },
    });

    new SingleBatchJob(this, 'pi-with-ttl', {
      metadata: { name: 'pi-with-ttl' },
      ttlAfterFinished: Duration.seconds(100),
      container: { name: 'pi', image: PERL, command: PI },
    });

    new SingleBatchJob(this, 'pi-with-timeout', {
      metadata: { name: 'pi-with-timeout' },
      backoffLimit: 5,
      activeDeadline: Duration.seconds(100),
      container: { name: 'pi', image: PERL, command: PI },
    });

    new SingleBatchJob(this, 'two-times', {
      metadata: { name: 'two-times' },
      container: { name: 'two-times', image: ALPINE, command: ['/bin/sh', '-c', 'for i in $(seq 10);do echo $(($i*2));done'] },
    });

    new SingleBatchJob(this, 'unlucky-never', {
      metadata: { name: 'unlucky-never' },
      backoffLimit: 3,
      restartPolicy: kplus.RestartPolicy.NEVER,
      container: { name: 'unlucky', image: ALPINE, command: UNLUCKY },
    });

    new SingleBatchJob(this, 'unlucky-onfailure', {
      metadata: { name: 'unlucky-onfailure' },
      backoffLimit: 3,
      restartPolicy: kplus.RestartPolicy.ON_FAILURE,
      container: { name: 'unlucky', image: ALPINE, command: UNLUCKY },
    });

    new FixedCompletionJob(this, 'even-seconds', {
      metadata: { name: 'even-seconds' },
      completions: 6,
      parallelism: 2,
      container: {
        name: 'even-seconds',
        image: ALPINE,
        command: ['/bin/sh', '-c', 'n=$(date +%S); if [ $((n%2)) -eq 0 ]; then echo SUCCESS: $n; exit 0; else echo FAILURE: $n; exit 1; fi'],
      },
    });
  }
}

/** Builds the example app into `app` (tests use this with `Testing.app()`). */
export function buildExampleApp(app: App): void {
  new SeedExamples(app, 'seeds');
}

if (require.main === module) {
  const app = new App();
  buildExampleApp(app);
  app.synth();
}
