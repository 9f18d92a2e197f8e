/** Jest in ESM mode (middy is ESM-only); ts-jest only transpiles, `npm run build` type-checks. */
export default {
  testEnvironment: "node",
  extensionsToTreatAsEsm: [".ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { useESM: true, diagnostics: false }],
  },
  testMatch: ["<rootDir>/tests/**/*.test.ts"],
  testTimeout: 60000,
  maxWorkers: 2,
};
