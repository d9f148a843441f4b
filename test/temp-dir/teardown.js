// Removes the temporary folder ./setup.js gave the run, with everything in it, and puts TMPDIR back.
// KEEP_TEST_TMPDIR=1 (or the consumer suites' KEEP_CONSUMER_APPS=1) keeps it and prints where it is.
const fs = require('fs');

module.exports = async () => {
  const dir = process.env.JOB_PATTERNS_TEST_TMPDIR;
  if (dir === undefined) return;
  if (process.env.JOB_PATTERNS_OUTER_TMPDIR === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = process.env.JOB_PATTERNS_OUTER_TMPDIR;
  delete process.env.JOB_PATTERNS_TEST_TMPDIR;
  delete process.env.JOB_PATTERNS_OUTER_TMPDIR;
  if (process.env.KEEP_TEST_TMPDIR === '1' || process.env.KEEP_CONSUMER_APPS === '1') {
    process.stdout.write(`\nThe tests' temporary folder is kept: ${dir}\n`);
    return;
  }
  try {
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  } catch (e) {
    // Not a test's failure: say what is left behind.
    process.stderr.write(`\nCould not remove the tests' temporary folder ${dir}: ${e.message}\n`);
  }
};
