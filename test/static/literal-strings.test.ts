// The resident and staff screens say nothing that is not in a locale file (docs/languages.md): this proves the lint
// rule (eslint-plugin-i18next's no-literal-string, configured in eslint.config.js) catches literal words in JSX and in
// the attributes a person sees or hears, and lets through words from t(), marks without letters, and code values.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { typeAwareRules } from '../../eslint.config.js';

// The files linted here are made up and in no tsconfig, so the type-aware rules are off.
const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false } },
    rules: Object.fromEntries(Object.keys(typeAwareRules).map((rule) => [rule, 'off'])),
  },
});

async function literalStrings(source: string, filePath = 'renderer/src/screens/Example.tsx'): Promise<number> {
  const [result] = await eslint.lintText(source, { filePath });
  return (result?.messages ?? []).filter((message) => message.ruleId === 'i18next/no-literal-string').length;
}

const component = (jsx: string) => `export function Example({ t }: { t: (key: string) => string }) { return ${jsx}; }\n`;

describe('no literal words on the screens', () => {
  it.each([
    ['JSX text', '<p>Scan your ID</p>'],
    ['a screen reader name', '<button aria-label="Close">x</button>'],
    ['a tooltip', '<span title="Sent">{t("mail.sent")}</span>'],
    ['a placeholder', '<input placeholder="Search letters" />'],
    ["a picture's description", '<img alt="Photo from Maria" src="a.png" />'],
    ['a string in an expression', "<p>{'Waiting'}</p>"],
  ])('reports %s', async (_what, jsx) => {
    expect(await literalStrings(component(jsx))).toBeGreaterThan(0);
  });

  it.each([
    ['words from t()', '<p title={t("a.b")}>{t("attract.title")}</p>'],
    ['a mark without letters', '<span aria-hidden="true">●</span>'],
    ['code attributes', '<div className="frame" data-screen="home" role="group" id="x" />'],
  ])('lets through %s', async (_what, jsx) => {
    expect(await literalStrings(component(jsx))).toBe(0);
  });

  it('applies to the screens only, not to tests or the runtime', async () => {
    expect(await literalStrings(component('<p>Scan your ID</p>'), 'test/unit/renderer/example.tsx')).toBe(0);
  });
});
