// `npm test` runs every project. unit: no cluster. consumer (test/consumer): the packed library in
// users' apps. e2e-<minor> (test/e2e), one per Kubernetes version in test/e2e/cluster-env.js: a
// real local control plane of that version, started before the project's first suite by
// test/e2e/cluster-setup.ts (built first on a fresh machine) and stopped by
// test/e2e/global-teardown.js; the same suites run on every version. argocd (test/argocd): a real
// Argo CD beside a control plane of its own (other ports and dir).
// Each e2e project runs with --runInBand, one suite after the other: the verifier suite kills and
// restarts its cluster's API server, which must not hit a test of another suite running at the
// same time on that cluster. npm test runs the e2e projects side by side, one jest process per
// version (scripts/e2e.js).
const { VERSIONS, minorOf } = require('./test/e2e/cluster-env');

// Every project works in a temporary folder of its own per jest process, removed at its end
// (test/temp-dir): unit and consumer with these two; the e2e projects' and argocd's global setup and
// teardown call them too, around their control planes and Argo CD (whose TMPDIR stays the machine's).
const ownTemporaryFolder = { globalSetup: '<rootDir>/test/temp-dir/setup.js', globalTeardown: '<rootDir>/test/temp-dir/teardown.js' };

const common = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.dev.json' }],
    // @kubernetes/client-node 1.x and a few of its dependencies are published as ES modules, which
    // Jest's module system cannot load on Node 20: babel-jest turns them into CommonJS.
    '^.+\\.m?js$': ['babel-jest', { configFile: false, babelrc: false, presets: [['@babel/preset-env', { targets: { node: 'current' } }]] }],
  },
  // Only those ES-module packages are transformed; everything else stays untransformed, the
  // generated (CommonJS) schema validators included.
  transformIgnorePatterns: [
    '/node_modules/(?!(@kubernetes/client-node|openid-client|jose|oauth4webapi|jsonpath-plus|jsep|@jsep-plugin|rfc4648)/)',
    '/lib/schema/k8s-[^/]*\\.validators\\.js$',
  ],
  snapshotResolver: '<rootDir>/test/snapshot-resolver.js',
  // Pinned so a Jest upgrade cannot rewrite every snapshot.
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};

module.exports = {
  // The e2e suites wait on a real Job controller; two workers keep the 2-core machine responsive.
  maxWorkers: 2,
  projects: [
    { ...common, ...ownTemporaryFolder, displayName: 'unit', testMatch: ['<rootDir>/test/**/*.test.ts'], testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/', '<rootDir>/test/consumer/', '<rootDir>/test/argocd/'] },
    // The packed library installed into users' apps (npm installs: minutes, not seconds).
    { ...common, ...ownTemporaryFolder, displayName: 'consumer', testMatch: ['<rootDir>/test/consumer/**/*.test.ts'] },
    ...VERSIONS.map(version => ({
      ...common,
      displayName: `e2e-${minorOf(version)}`,
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      globals: { JOB_PATTERNS_E2E_VERSION: version },
      globalSetup: ownTemporaryFolder.globalSetup,
      globalTeardown: '<rootDir>/test/e2e/global-teardown.js',
      setupFilesAfterEnv: ['<rootDir>/test/e2e/setup-timeout.ts', '<rootDir>/test/e2e/cluster-setup.ts'],
    })),
    {
      // A real Argo CD beside its own control plane (scripts/argocd; docs/maintainers/argo-cd-suite.md).
      ...common,
      displayName: 'argocd',
      testMatch: ['<rootDir>/test/argocd/**/*.test.ts'],
      globalSetup: '<rootDir>/test/argocd/global-setup.js',
      globalTeardown: '<rootDir>/test/argocd/global-teardown.js',
      setupFilesAfterEnv: ['<rootDir>/test/e2e/setup-timeout.ts'],
    },
  ],
};
