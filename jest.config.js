/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  // The emulator tier's own tests (test/apply-*.test.ts) need moto's server and minutes each:
  // `npm run test:apply-harness` runs them (jest.apply.config.js), `.ci/run` too.
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/apply-"],
  transform: { "^.+\\.(t|j)s$": ["@swc/jest"] },
  setupFilesAfterEnv: ["<rootDir>/test/setup.ts"],
  // Plan and real-server tests spawn processes; two workers match the two cores.
  maxWorkers: 2,
  testTimeout: 120000,
};
