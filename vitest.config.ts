import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/helpers/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    // Git and npm child processes dominate; two cores are all CI has.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    env: { NO_COLOR: '1', GIT_CONFIG_NOSYSTEM: '1' },
    // Its dist imports JSON without an import attribute, which Node 20 rejects; vite's transform handles it.
    server: { deps: { inline: ['@actions/workflow-parser'] } },
  },
});
