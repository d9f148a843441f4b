// The unit and consumer projects' jest process gets a temporary folder of its own: set as TMPDIR
// here, before its workers start (they inherit it, and os.tmpdir() reads it), and removed when the
// process ends (./teardown.js). Whatever the tests and the tools they run leave in os.tmpdir() goes
// with it: cdk8s' Testing.app() makes a folder for every app and never removes it (6,000 and
// more a run). The folder a test run was given is JOB_PATTERNS_TEST_TMPDIR; TMPDIR before it is
// JOB_PATTERNS_OUTER_TMPDIR (unset when TMPDIR was), for what must outlive the run (a control plane
// started in the same process and kept with KEEP_CLUSTER=1).
const fs = require('fs');
const os = require('os');
const path = require('path');

module.exports = async () => {
  if (process.env.JOB_PATTERNS_TEST_TMPDIR !== undefined) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'job-patterns-test-'));
  if (process.env.TMPDIR !== undefined) process.env.JOB_PATTERNS_OUTER_TMPDIR = process.env.TMPDIR;
  process.env.JOB_PATTERNS_TEST_TMPDIR = dir;
  process.env.TMPDIR = dir;
};
