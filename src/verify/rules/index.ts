import type { Rule } from '../types.ts';
import { dockerfileEnv, workflowEnv } from './determinism-env.ts';
import { digestOfTag } from './digest-tag.ts';
import { actionSha, containerDigest, fromDigest } from './image-pins.ts';
import { modelLock } from './model-lock.ts';
import { nodeVersion, npmExact, npmLockfile } from './npm-lock.ts';
import { ortSessionOptions } from './ort-session.ts';
import { filesParse, mergeMarkers, ownedUnchanged, seedNonZero, stateValid } from './state-rules.ts';
import { tfjsSeed } from './tfjs-seed.ts';
import { vllmRevision, vllmSamplingSeed } from './vllm-calls.ts';

/** Every verify rule, in id order; ids and names are stable (SARIF consumers and suppressions refer to them). */
export const RULES: readonly Rule[] = [
  fromDigest,
  containerDigest,
  actionSha,
  npmExact,
  npmLockfile,
  nodeVersion,
  modelLock,
  digestOfTag,
  dockerfileEnv,
  workflowEnv,
  seedNonZero,
  tfjsSeed,
  ortSessionOptions,
  vllmRevision,
  vllmSamplingSeed,
  ownedUnchanged,
  mergeMarkers,
  stateValid,
  filesParse,
];
