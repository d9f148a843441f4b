// Unit tests run on every `npm test`; the e2e project (test/e2e) needs the local control plane.
const common = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.dev.json' }] },
  snapshotResolver: '<rootDir>/test/snapshot-resolver.js',
  // Pinned so a Jest upgrade cannot rewrite every snapshot.
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/**/*.test.ts'], testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'] },
  ],
};
