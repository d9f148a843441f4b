// The environment as it was outside the tests' temporary folder (./setup.js): for the processes a
// run starts that may outlive it (a control plane, Argo CD, Kueue, a kubelet and containerd, kept
// running with KEEP_CLUSTER=1): their TMPDIR is the machine's, not the folder the run removes at its
// end. Outside a test run (scripts, a suite run with the folder kept) it is process.env as it is.

/** A copy of `env` with TMPDIR put back as it was before ./setup.js and the run's own variables left out. */
function outerEnv(env = process.env) {
  const outer = { ...env };
  if (outer.JOB_PATTERNS_TEST_TMPDIR === undefined) return outer;
  if (outer.JOB_PATTERNS_OUTER_TMPDIR === undefined) delete outer.TMPDIR;
  else outer.TMPDIR = outer.JOB_PATTERNS_OUTER_TMPDIR;
  delete outer.JOB_PATTERNS_TEST_TMPDIR;
  delete outer.JOB_PATTERNS_OUTER_TMPDIR;
  return outer;
}

module.exports = { outerEnv };
