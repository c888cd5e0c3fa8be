// The language the console is read in, chosen from the languages it has locale files for. Each is named in itself
// (and marked with its own `lang`, so a screen reader says it in that language): a reader finds their own name.
import { useTranslation } from 'react-i18next';
import { consoleLanguages } from './i18n';

export function LanguageChooser({ onChoose }: { onChoose(tag: string): void }) {
  const { t, i18n } = useTranslation();
  return (
    <label className="language-chooser">
      {t('language.label')}
      <select value={i18n.language} onChange={(event) => onChoose(event.target.value)}>
        {consoleLanguages.map((language) => (
          <option key={language.tag} value={language.tag} lang={language.tag} dir={language.direction}>
            {language.name}
          </option>
        ))}
      </select>
    </label>
  );
}
