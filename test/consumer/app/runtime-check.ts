// The runtime entry point, as a user's CI script imports it. The consumer test runs this file and
// type-checks it with the app's tsconfig (cdk8s init's: no skipLibCheck, no esModuleInterop).
import { argoCdJobHealth, JobState, jobTargets, loadKubeConfig, loadManifests, verifyJobs, VerifyOptions, VerifyOutcome } from 'cdk8s-job-patterns/runtime';

/** What a CI step after the sync runs (not called here: there is no cluster). */
export async function verifyAfterSync(): Promise<boolean> {
  const options: VerifyOptions = { kubeConfig: loadKubeConfig(), targets: jobTargets(loadManifests(['dist']), 'batch'), namespace: 'batch', timeoutMs: 600_000 };
  return (await verifyJobs(options)).outcome === VerifyOutcome.CONVERGED;
}

// JobState is an enum: a value at run time, not only a type.
console.log(JSON.stringify({ verifyJobs: typeof verifyJobs, jobTargets: typeof jobTargets, argoCdJobHealth: typeof argoCdJobHealth, complete: JobState.COMPLETE }));
