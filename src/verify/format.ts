import type { VerifyResult } from './run-verify.ts';
import type { Finding } from './types.ts';

/** Human-readable report: one line per finding, then how to fix each rule that fired, then a summary line. */
export function formatText(result: VerifyResult): string {
  const lines = result.findings.map(
    (f) => `${f.path}:${f.line}:${f.column}  ${f.message}  [${f.ruleId} ${ruleName(result, f)}]`,
  );
  const fired = result.rules.filter((r) => result.findings.some((f) => f.ruleId === r.id));
  if (fired.length) lines.push('', 'How to fix:', ...fired.map((r) => `  ${r.id} ${r.name}: ${r.help}`));
  const suppressed = result.suppressed.length ? `, ${result.suppressed.length} suppressed` : '';
  const count = result.findings.length;
  lines.push(
    `${count ? '\n' : ''}verify: ${count === 0 ? 'no findings' : `${count} finding${count === 1 ? '' : 's'}`}${suppressed} (${result.rules.length} rules checked).`,
  );
  return `${lines.join('\n')}\n`;
}

/** Machine-readable report (`--json`): findings and suppressed findings with their rule names and fixes. */
export function formatJson(result: VerifyResult): string {
  const withRule = (f: Finding) => ({
    ...f,
    name: ruleName(result, f),
    help: result.rules.find((r) => r.id === f.ruleId)?.help,
  });
  return `${JSON.stringify(
    {
      schema: 'detml.verify/v1',
      findings: result.findings.map(withRule),
      suppressed: result.suppressed.map(withRule),
      summary: {
        findings: result.findings.length,
        suppressed: result.suppressed.length,
        rules: result.rules.map((r) => r.id),
      },
    },
    null,
    2,
  )}\n`;
}

function ruleName(result: VerifyResult, f: Finding): string {
  return result.rules.find((r) => r.id === f.ruleId)?.name ?? f.ruleId;
}
