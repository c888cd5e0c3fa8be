import { useTranslation } from 'react-i18next';
import type { LanguageCode } from '../../../main/contract';
import { installedLanguage } from '../i18n/languages';

interface LanguageSwitchProps {
  languages: readonly LanguageCode[];
  current: LanguageCode;
  onChoose(language: LanguageCode): void;
}

/** One button per offered language, each labelled in its own language (its locale file's `locale.name`) so anyone can find theirs. */
export function LanguageSwitch({ languages, current, onChoose }: LanguageSwitchProps) {
  const { t } = useTranslation();
  if (languages.length < 2) return null;
  return (
    <div className="language-switch" role="group" aria-label={t('language.switchLabel')}>
      {languages.map((language) => {
        const { name, direction } = installedLanguage(language);
        return (
          <button
            key={language}
            type="button"
            className="toggle-button"
            lang={language}
            dir={direction}
            aria-pressed={language === current}
            onClick={() => onChoose(language)}
          >
            {name}
          </button>
        );
      })}
    </div>
  );
}
