import { sha256 } from '../templates/render.ts';
import { GENERATOR_NAME, GENERATOR_VERSION } from '../version.ts';
import type { VerifyResult } from './run-verify.ts';
import type { Finding, SuppressedFinding } from './types.ts';

/** The SARIF 2.1.0 log of a verify run, for GitHub code scanning (github/codeql-action/upload-sarif). */
export function toSarif(result: VerifyResult): object {
  const rules = result.rules.map((r) => ({
    id: r.id,
    name: r.name,
    shortDescription: { text: r.summary },
    fullDescription: { text: `${r.summary}. ${r.help}` },
    help: { text: r.help },
    defaultConfiguration: { level: 'error' },
    properties: { tags: ['determinism', r.name.split('/')[0]!] },
  }));
  const toResult = (f: Finding | SuppressedFinding) => {
    const base = {
      ruleId: f.ruleId,
      ruleIndex: result.rules.findIndex((r) => r.id === f.ruleId),
      level: 'error',
      message: { text: f.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: f.path.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' },
            region: { startLine: f.line, startColumn: f.column },
          },
        },
      ],
      partialFingerprints: { 'detmlFinding/v1': sha256(`${f.ruleId}\0${f.path}\0${f.message}`) },
    };
    if (!('suppression' in f)) return base;
    const { kind, justification } = f.suppression;
    return { ...base, suppressions: [justification ? { kind, justification } : { kind }] };
  };
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: GENERATOR_NAME,
            semanticVersion: GENERATOR_VERSION,
            informationUri: 'https://www.npmjs.com/package/create-detml',
            rules,
          },
        },
        columnKind: 'utf16CodeUnits',
        results: [...result.findings, ...result.suppressed].map(toResult),
      },
    ],
  };
}

/** The SARIF log as JSON text. */
export function formatSarif(result: VerifyResult): string {
  return `${JSON.stringify(toSarif(result), null, 2)}\n`;
}
