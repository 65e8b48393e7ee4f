/** The emulator tier's own jest tests (they start moto's server): `npm run test:apply-harness`. */
const base = require("./jest.config.js");

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: ["**/test/apply-*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/"],
};
