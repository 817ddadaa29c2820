import { expect, onTestFinished } from 'vitest';
import { githubProject } from './project.ts';

/**
 * A project wired to a fake GitHub whose every request and response must have matched GitHub's OpenAPI description
 * by the end of the test.
 */
export async function checkedGithubProject(
  ...args: Parameters<typeof githubProject>
): ReturnType<typeof githubProject> {
  const g = await githubProject(...args);
  onTestFinished(() => expect(g.gh.violations).toEqual([]));
  return g;
}
