// The runtime entry point, as a user's CI script imports it.
import { argoCdJobHealth, jobTargets, verifyJobs } from 'cdk8s-job-patterns/runtime';

console.log(JSON.stringify({ verifyJobs: typeof verifyJobs, jobTargets: typeof jobTargets, argoCdJobHealth: typeof argoCdJobHealth }));
