// npm run test:cluster (scripts/test-cluster.mjs) runs this against the three-node cluster it starts; the
// ordinary `npm test` projects (jest.config.js) never pick these specs up.
const base = require('../../jest.config.js');
const e2e = base.projects.find((p) => p.displayName === 'e2e');

module.exports = {
  ...base,
  projects: undefined,
  ...e2e,
  displayName: 'cluster',
  rootDir: require('node:path').join(__dirname, '..', '..'),
  testMatch: ['<rootDir>/test/cluster/**/*.cluster-spec.ts'],
  testTimeout: 300000,
};
