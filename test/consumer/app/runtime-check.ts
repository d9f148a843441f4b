// The runtime entry point, as a user's CI script imports it.
import { argoCdJobHealth, JobState, jobTargets, verifyJobs } from 'cdk8s-job-patterns/runtime';

// JobState is an enum: a value at run time, not only a type.
console.log(JSON.stringify({ verifyJobs: typeof verifyJobs, jobTargets: typeof jobTargets, argoCdJobHealth: typeof argoCdJobHealth, complete: JobState.COMPLETE }));
