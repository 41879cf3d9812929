import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The suite never touches the network but loopback; fail loudly if something tries.
    env: { NO_PROXY: '127.0.0.1,localhost' },
  },
});
